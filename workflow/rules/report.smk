# Figures, tables and the report (the last products of `make demo`; `snakemake --report results/report.html`).

rule figures:
    message:
        "Figures 1-4 of the paper from the pipeline's tables"
    input:
        exposure=rules.exposure.output.provincial,
        cdf=rules.exposure.output.cdf,
        export_volume=rules.export_emissions.output.export_volume,
        by_consumer=rules.export_emissions.output.by_consumer,
        by_sector=rules.export_emissions.output.by_sector,
        layers=rules.spa.output.layers,
        flows=rules.spa.output.flows,
        layer_nodes=rules.spa.output.layer_nodes,
        disparities=rules.spa.output.disparities,
        pair_disparities=rules.spa.output.pair_disparities,
        boundaries=raw("boundaries"),
        province_classes=config["resources"]["province_classes"],
    output:
        fig1=report(run_path("results/figures/fig1.png"), caption="../report/fig1.rst", category="Figures"),
        fig2=report(run_path("results/figures/fig2.png"), caption="../report/fig2.rst", category="Figures"),
        fig3=report(run_path("results/figures/fig3.png"), caption="../report/fig3.rst", category="Figures"),
        fig4=report(run_path("results/figures/fig4.png"), caption="../report/fig4.rst", category="Figures"),
        figS7=report(run_path("results/figures/figS7.png"), caption="../report/figS7.rst", category="Figures"),
    params:
        notes=PROVENANCE_NOTES,
        fig4_merged_classes=config["spa"]["fig4_merged_classes"],
    log:
        run_path("logs/figures.log"),
    threads: 1
    resources:
        mem_mb=6000,
        runtime=20,
    conda:
        "../../envs/plot.yaml"
    script:
        "../../scripts/figures.py"


rule tables:
    message:
        "Supplementary tables S1-S5 and the summary page"
    input:
        exposure=rules.exposure.output.provincial,
        thresholds=rules.exposure.output.thresholds,
        export_volume=rules.export_emissions.output.export_volume,
        by_consumer=rules.export_emissions.output.by_consumer,
        layers=rules.spa.output.layers,
        top_paths=rules.spa.output.top_paths,
        province_classes=config["resources"]["province_classes"],
        evaluation=run_path("results/evaluation/ctm_vs_stations.parquet"),
        monte_carlo=run_path("results/uncertainty/monte_carlo.parquet"),
    output:
        s1=report(run_path("results/tables/S1_export_volumes.csv"), caption="../report/table.rst", category="Tables"),
        s2=report(run_path("results/tables/S2_foreign_contributors.csv"), caption="../report/table.rst", category="Tables"),
        s3=report(run_path("results/tables/S3_layers_by_sector.csv"), caption="../report/table.rst", category="Tables"),
        s4=report(run_path("results/tables/S4_top_paths.csv"), caption="../report/table.rst", category="Tables"),
        s5=report(run_path("results/tables/S5_path_sectors.csv"), caption="../report/table.rst", category="Tables"),
        summary=report(run_path("results/summary.md"), caption="../report/summary.rst", category="Summary"),
    params:
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    log:
        run_path("logs/tables.log"),
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        "../../envs/plot.yaml"
    script:
        "../../scripts/tables.py"
