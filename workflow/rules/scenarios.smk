# Zero-out scenarios (paper Table 1; design product 8).
from exportpm.scenarios import scenario_drivers

SCENARIOS = scenario_drivers(config["scenarios"]["region_groups"])
CTM_MONTHS = config["ctm"]["months"]


wildcard_constraints:
    scenario="|".join(SCENARIOS),
    month="|".join(f"{m:02d}" for m in CTM_MONTHS),


rule scenario_emissions:
    message:
        "Zero-out scenario {wildcards.scenario}: HEMCO scale factors on the MEIC grid and scenario emissions"
    input:
        fractions=rules.export_emissions.output.fractions,
        by_emitter=rules.export_emissions.output.by_emitter,
        meic=meic_files(),
        boundaries=raw("boundaries"),
    output:
        scale_factors=run_path("results/scenarios/{scenario}/scale_factors.nc"),
        emissions=run_path("results/scenarios/{scenario}/emissions.nc"),
        check=run_path("results/scenarios/{scenario}/check.csv"),
    params:
        driver=lambda wildcards: SCENARIOS[wildcards.scenario],
        months=CTM_MONTHS,
        year=config["study_year"],
        provenance=PROVENANCE,
    log:
        run_path("logs/scenario_emissions/{scenario}.log"),
    benchmark:
        run_path("benchmarks/scenario_emissions_{scenario}.tsv")
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/scenario_emissions.py"
