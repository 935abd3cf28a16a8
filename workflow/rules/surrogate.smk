# The built-in surrogate CTM (ctm.backend: surrogate): calibration and one job per month for every scenario.


rule ctm_calibrate:
    input:
        base_emissions=run_path("results/scenarios/Base/emissions.nc"),
        background=rules.ctm_background.output.background,
        station_means=rules.station_means.output.means,
        population=raw("population"),
        boundaries=raw("boundaries"),
    output:
        calibration=run_path("results/ctm/calibration.json"),
    log:
        run_path("logs/ctm_calibrate.log"),
    benchmark:
        run_path("benchmarks/ctm_calibrate.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 2  # each Base run's months side by side (the job runs alone on the critical path)
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        objective=config["ctm"]["surrogate"]["calibration_objective"],
        target=config["ctm"]["surrogate"]["calibration_target_ugm3"],
        statemet=STATEMET,
        year=config["study_year"],
        grid=CTM_GRID,
        buffer=config["ctm"]["buffer_cells"],
        population_units=config["data"].get("population_units", "auto"),
    message:
        "Calibrate the surrogate CTM's mixing heights (objective: {params.objective})"
    script:
        "../../scripts/ctm_calibrate.py"


rule ctm_month:
    input:
        emissions=rules.scenario_emissions.output.emissions,
        calibration=rules.ctm_calibrate.output.calibration,
    output:
        pm25=expand(run_path("results/pm25/{scenario}/{{month}}.nc"), scenario=SCENARIOS),
    log:
        run_path("logs/ctm_month/{month}.log"),
    benchmark:
        run_path("benchmarks/ctm_month_{month}.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        scenarios=list(SCENARIOS),
        statemet=STATEMET,
        year=config["study_year"],
        grid=CTM_GRID,
        buffer=config["ctm"]["buffer_cells"],
        provenance=PROVENANCE,
    message:
        "Surrogate CTM: every scenario of month {wildcards.month} (operators factorised once per month)"
    script:
        "../../scripts/ctm_month.py"


FIRST_ORDER_GROUPS = {s: d.split(":", 1)[1] for s, d in SCENARIOS.items() if d and d.startswith("group:")}


rule ctm_first_order:
    input:
        base_emissions=run_path("results/scenarios/Base/emissions.nc"),
        fractions=rules.export_emissions.output.fractions,
        by_consumer=rules.export_emissions.output.by_consumer,
        meic=meic_files(),
        boundaries=raw("boundaries"),
        population=raw("population"),
        calibration=rules.ctm_calibrate.output.calibration,
        export_related=run_path("results/pm25/export_related.nc"),
    output:
        contributions=run_path("results/ctm/first_order_contributions.parquet"),
        check=run_path("results/ctm/first_order_check.parquet"),
    log:
        run_path("logs/ctm_first_order.log"),
    benchmark:
        run_path("benchmarks/ctm_first_order.tsv")
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        months=CTM_MONTHS,
        groups=FIRST_ORDER_GROUPS,
        statemet=STATEMET,
        year=config["study_year"],
        grid=CTM_GRID,
        buffer=config["ctm"]["buffer_cells"],
        provenance=PROVENANCE,
    message:
        "First-order contributions of every foreign region, province and MEIC sector (tangent-linear surrogate)"
    script:
        "../../scripts/ctm_first_order.py"


if config["ctm"]["surrogate"]["first_order"]:
    FIRST_ORDER_OUTPUTS.extend(rules.ctm_first_order.output)
