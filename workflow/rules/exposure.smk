# Export-related PM2.5 and population exposure (Eq. 14; docs/architecture.md).


rule pm25_export:
    input:
        pm25=expand(run_path("results/pm25/{scenario}/{month:02d}.nc"), scenario=SCENARIOS, month=CTM_MONTHS),
    output:
        annual=run_path("results/pm25/annual_mean.nc"),
        export_related=run_path("results/pm25/export_related.nc"),
    log:
        run_path("logs/pm25_export.log"),
    benchmark:
        run_path("benchmarks/pm25_export.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        scenarios=list(SCENARIOS),
        months=CTM_MONTHS,
    message:
        "Annual-mean PM2.5 per scenario and export-related PM2.5 (Base - scenario)"
    script:
        "../../scripts/pm25_export.py"


rule exposure:
    input:
        annual=rules.pm25_export.output.annual,
        export_related=rules.pm25_export.output.export_related,
        background=rules.ctm_background.output.background,
        population=raw("population"),
        boundaries=raw("boundaries"),
        province_classes=config["resources"]["province_classes"],
    output:
        provincial=run_path("results/exposure/provincial_pm25.parquet"),
        cdf=run_path("results/exposure/exposure_cdf.parquet"),
        thresholds=run_path("results/exposure/threshold_population.parquet"),
        region_shares=run_path("results/exposure/region_shares.parquet"),
    log:
        run_path("logs/exposure.log"),
    benchmark:
        run_path("benchmarks/exposure.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        thresholds=config["exposure"]["thresholds_ugm3"],
        population_units=config["data"].get("population_units", "auto"),
    message:
        "Population-weighted PM2.5 by province (Eq. 14), exposure distribution, people above thresholds"
    script:
        "../../scripts/exposure.py"
