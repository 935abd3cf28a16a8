# Evaluation of the Base simulation against monitoring stations (works with either CTM backend).


rule evaluate_ctm:
    input:
        base=expand(run_path("results/pm25/Base/{month:02d}.nc"), month=CTM_MONTHS),
        background=rules.ctm_background.output.background,
        station_means=rules.station_means.output.means,
        population=raw("population"),
        boundaries=raw("boundaries"),
    output:
        stats=run_path("results/evaluation/ctm_vs_stations.parquet"),
        stations=run_path("results/evaluation/station_pairs.parquet"),
        figure=report(
            run_path("results/evaluation/ctm_vs_stations.png"),
            caption="../report/evaluation.rst",
            category="Evaluation",
        ),
    log:
        run_path("logs/evaluate_ctm.log"),
    benchmark:
        run_path("benchmarks/evaluate_ctm.tsv")
    conda:
        "../../envs/plot.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        density_threshold=config["evaluation"]["density_threshold_km2"],
        months=CTM_MONTHS,
        population_units=config["data"].get("population_units", "auto"),
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    message:
        "Base PM2.5 against monitoring stations (n, r, NMB, NME, RMSE; dense areas separately)"
    script:
        "../../scripts/evaluate_ctm.py"
