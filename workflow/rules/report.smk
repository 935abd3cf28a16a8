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
        boundaries=raw("boundaries"),
        province_classes=config["resources"]["province_classes"],
    output:
        fig1=report("results/figures/fig1.png", caption="../report/fig1.rst", category="Figures"),
        fig2=report("results/figures/fig2.png", caption="../report/fig2.rst", category="Figures"),
        fig3=report("results/figures/fig3.png", caption="../report/fig3.rst", category="Figures"),
        fig4=report("results/figures/fig4.png", caption="../report/fig4.rst", category="Figures"),
    params:
        notes=PROVENANCE_NOTES,
    log:
        "logs/figures.log",
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
        evaluation="results/evaluation/ctm_vs_stations.parquet",
        monte_carlo="results/uncertainty/monte_carlo.parquet",
    output:
        s1=report("results/tables/S1_export_volumes.csv", caption="../report/table.rst", category="Tables"),
        s2=report("results/tables/S2_foreign_contributors.csv", caption="../report/table.rst", category="Tables"),
        s3=report("results/tables/S3_layers_by_sector.csv", caption="../report/table.rst", category="Tables"),
        s4=report("results/tables/S4_top_paths.csv", caption="../report/table.rst", category="Tables"),
        s5=report("results/tables/S5_path_sectors.csv", caption="../report/table.rst", category="Tables"),
        summary=report("results/summary.md", caption="../report/summary.rst", category="Summary"),
    params:
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    log:
        "logs/tables.log",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        "../../envs/plot.yaml"
    script:
        "../../scripts/tables.py"
