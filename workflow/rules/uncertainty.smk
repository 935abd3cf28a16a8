# Uncertainty of the export-related results (paper, Discussion): GAINS interpolation and a Monte Carlo of
# emissions and MRIO, propagated to PM2.5 (exportpm.uncertainty). The MRIO part needs no CTM output, so it
# runs beside the CTM; only the Monte Carlo waits for the exposure table.


rule uncertainty_mrio:
    input:
        mrio=rules.ras.output.mrio,
        intensities=rules.inventory_hybrid.output.intensities,
        leontief_blocks=rules.export_emissions.output.leontief_blocks,
        meic=meic_files(),
        gains=gains_files(),
        agri_nh3=raw("agri_nh3"),
        boundaries=raw("boundaries"),
        gains_sectors=config["resources"]["gains_sectors"],
        agnh3_categories=config["resources"]["agnh3_categories"],
    output:
        interpolation=run_path("results/uncertainty/interpolation_sensitivity.parquet"),
        multipliers=run_path("results/uncertainty/export_multipliers.parquet"),
    log:
        run_path("logs/uncertainty_mrio.log"),
    benchmark:
        run_path("benchmarks/uncertainty_mrio.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1  # a side branch: with one core it fills the gaps beside the critical path's jobs
    resources:
        mem_mb=mem_mb("uncertainty"),
        runtime=30,
    params:
        study_year=config["study_year"],
        methods=config["uncertainty"]["interpolation_methods"],
        sigma_z=config["uncertainty"]["mrio_relative_sd_z"],
        sigma_y=config["uncertainty"]["mrio_relative_sd_y"],
    message:
        "Uncertainty, MRIO part: GAINS interpolation variants; export-related emissions and their MRIO error sd"
    script:
        "../../scripts/uncertainty_mrio.py"


rule uncertainty:
    input:
        multipliers=rules.uncertainty_mrio.output.multipliers,
        exposure=rules.exposure.output.provincial,
    output:
        monte_carlo=run_path("results/uncertainty/monte_carlo.parquet"),
        figure=report(
            run_path("results/uncertainty/provincial_intervals.png"),
            caption="../report/uncertainty.rst",
            category="Uncertainty",
        ),
    log:
        run_path("logs/uncertainty.log"),
    benchmark:
        run_path("benchmarks/uncertainty.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/plot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        samples=config["uncertainty"]["samples"],
        seed=config["uncertainty"]["seed"],
        emission_95=config["uncertainty"]["emission_uncertainty_95"],
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    message:
        "Uncertainty: the Monte Carlo of emissions and MRIO, propagated to export-related PM2.5"
    script:
        "../../scripts/uncertainty.py"
