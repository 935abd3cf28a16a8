# Evaluation of the Base simulation against monitoring stations (works with either CTM backend).


rule evaluate_ctm:
    message:
        "Base PM2.5 against monitoring stations (n, r, NMB, NME, RMSE; dense areas separately)"
    input:
        base=expand(run_path("results/pm25/Base/{month:02d}.nc"), month=CTM_MONTHS),
        calibration=run_path("results/ctm/calibration.json"),
        stations=raw("stations"),
        population=raw("population"),
    output:
        stats=run_path("results/evaluation/ctm_vs_stations.parquet"),
        stations=run_path("results/evaluation/station_pairs.parquet"),
        figure=report(run_path("results/evaluation/ctm_vs_stations.png"), caption="../report/evaluation.rst",
                      category="Evaluation"),
    params:
        density_threshold=config["evaluation"]["density_threshold_km2"],
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    log:
        run_path("logs/evaluate_ctm.log"),
    benchmark:
        run_path("benchmarks/evaluate_ctm.tsv")
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        "../../envs/plot.yaml"
    script:
        "../../scripts/evaluate_ctm.py"


rule uncertainty:
    message:
        "Uncertainty: GAINS interpolation variants and the Monte Carlo of emissions and MRIO"
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
        figure=report(run_path("results/uncertainty/provincial_intervals.png"), caption="../report/uncertainty.rst",
                      category="Uncertainty"),
    params:
        study_year=config["study_year"],
        methods=config["uncertainty"]["interpolation_methods"],
        samples=config["uncertainty"]["samples"],
        seed=config["uncertainty"]["seed"],
        sigma_z=config["uncertainty"]["mrio_relative_sd_z"],
        sigma_y=config["uncertainty"]["mrio_relative_sd_y"],
        emission_95=config["uncertainty"]["emission_uncertainty_95"],
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    log:
        run_path("logs/uncertainty.log"),
    benchmark:
        run_path("benchmarks/uncertainty.tsv")
    threads: 2
    resources:
        mem_mb=8000,
        runtime=30,
    conda:
        "../../envs/plot.yaml"
    script:
        "../../scripts/uncertainty.py"
