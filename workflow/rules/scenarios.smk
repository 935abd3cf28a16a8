# Zero-out scenarios (paper Table 1; docs/architecture.md).
from exportpm.scenarios import scenario_drivers

SCENARIOS = scenario_drivers(config["scenarios"]["region_groups"])
CTM_MONTHS = config["ctm"]["months"]


wildcard_constraints:
    scenario="|".join(SCENARIOS),
    month="|".join(f"{m:02d}" for m in CTM_MONTHS),


rule scenario_emissions:
    input:
        fractions=rules.export_emissions.output.fractions,
        by_emitter=rules.export_emissions.output.by_emitter,
        meic=meic_files(),
        boundaries=raw("boundaries"),
    output:
        scale_factors=expand(run_path("results/scenarios/{scenario}/scale_factors.nc"), scenario=SCENARIOS),
        emissions=expand(run_path("results/scenarios/{scenario}/emissions.nc"), scenario=SCENARIOS),
        check=expand(run_path("results/scenarios/{scenario}/check.csv"), scenario=SCENARIOS),
    log:
        run_path("logs/scenario_emissions.log"),
    benchmark:
        run_path("benchmarks/scenario_emissions.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    params:
        scenarios=list(SCENARIOS),
        drivers=dict(SCENARIOS),
        months=CTM_MONTHS,
        year=config["study_year"],
        provenance=PROVENANCE,
    message:
        "Zero-out scenarios: HEMCO scale factors on the MEIC grid and scenario emissions (MEIC read once)"
    script:
        "../../scripts/scenario_emissions.py"
