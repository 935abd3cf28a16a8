# Uncertainty of the export-related results (paper, Discussion): GAINS interpolation and a Monte Carlo of
# emissions and MRIO, propagated to PM2.5 (exportpm.uncertainty).


rule uncertainty:
    input:
        mrio=rules.ras.output.mrio,
        intensities=rules.inventory_hybrid.output.intensities,
        exposure=rules.exposure.output.provincial,
        meic=meic_files(),
        gains=gains_files(),
        agri_nh3=raw("agri_nh3"),
        boundaries=raw("boundaries"),
        gains_sectors=config["resources"]["gains_sectors"],
        agnh3_categories=config["resources"]["agnh3_categories"],
    output:
        interpolation=run_path("results/uncertainty/interpolation_sensitivity.parquet"),
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
    conda:
        "../../envs/plot.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb("uncertainty"),
        runtime=30,
    params:
        study_year=config["study_year"],
        methods=config["uncertainty"]["interpolation_methods"],
        samples=config["uncertainty"]["samples"],
        seed=config["uncertainty"]["seed"],
        sigma_z=config["uncertainty"]["mrio_relative_sd_z"],
        sigma_y=config["uncertainty"]["mrio_relative_sd_y"],
        emission_95=config["uncertainty"]["emission_uncertainty_95"],
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    message:
        "Uncertainty: GAINS interpolation variants and the Monte Carlo of emissions and MRIO"
    script:
        "../../scripts/uncertainty.py"
