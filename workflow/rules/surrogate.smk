# The built-in surrogate CTM (ctm.backend: surrogate): calibration and one job per scenario-month.

rule ctm_calibrate:
    message:
        "Calibrate the surrogate CTM: Base national population-weighted PM2.5 = target"
    input:
        base_emissions=run_path("results/scenarios/Base/emissions.nc"),
        population=raw("population"),
        boundaries=raw("boundaries"),
    output:
        calibration=run_path("results/ctm/calibration.json"),
    params:
        target=config["ctm"]["surrogate"]["calibration_target_ugm3"],
        background=config["ctm"]["surrogate"]["background_ugm3"],
        statemet=STATEMET,
        year=config["study_year"],
        grid=CTM_GRID,
    log:
        run_path("logs/ctm_calibrate.log"),
    benchmark:
        run_path("benchmarks/ctm_calibrate.tsv")
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/ctm_calibrate.py"


rule ctm_run:
    message:
        "Surrogate CTM: scenario {wildcards.scenario}, month {wildcards.month}"
    input:
        emissions=run_path("results/scenarios/{scenario}/emissions.nc"),
        calibration=rules.ctm_calibrate.output.calibration,
    output:
        pm25=run_path("results/pm25/{scenario}/{month}.nc"),
    params:
        statemet=STATEMET,
        year=config["study_year"],
        grid=CTM_GRID,
        buffer=config["ctm"]["buffer_cells"],
        provenance=PROVENANCE,
    log:
        run_path("logs/ctm_run/{scenario}_{month}.log"),
    benchmark:
        run_path("benchmarks/ctm_run_{scenario}_{month}.tsv")
    threads: 1
    resources:
        mem_mb=3000,
        runtime=20,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/ctm_run.py"
