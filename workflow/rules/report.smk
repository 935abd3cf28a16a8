# Figures, tables and the report (the last products of `make demo`; `snakemake --report results/report.html`).


rule maps:
    input:
        exposure=rules.exposure.output.provincial,
        cdf=rules.exposure.output.cdf,
        disparities=rules.spa.output.disparities,
        pair_disparities=rules.spa.output.pair_disparities,
        boundaries=raw("boundaries"),
        province_names="resources/provinces31.csv",
        sector_names="resources/gtap11_sectors.csv",
        export_related=rules.pm25_export.output.export_related,
    output:
        fig1=report(
            run_path("results/figures/fig1.png"),
            caption="../report/fig1.rst",
            category="Figures",
            labels={"figure": "Fig. 1"},
        ),
        fig1_pdf=run_path("results/figures/fig1.pdf"),
        figS7=report(
            run_path("results/figures/figS7.png"),
            caption="../report/figS7.rst",
            category="Figures",
            labels={"figure": "Supplementary Fig. 7"},
        ),
        figS7_pdf=run_path("results/figures/figS7.pdf"),
        figS3=report(
            run_path("results/figures/figS3.png"),
            caption="../report/figS3.rst",
            category="Figures",
            labels={"figure": "Supplementary Fig. 3"},
        ),
        figS3_pdf=run_path("results/figures/figS3.pdf"),
        figS4=report(
            run_path("results/figures/figS4.png"),
            caption="../report/figS4.rst",
            category="Figures",
            labels={"figure": "Supplementary Fig. 4"},
        ),
        figS4_pdf=run_path("results/figures/figS4.pdf"),
    log:
        run_path("logs/maps.log"),
    benchmark:
        run_path("benchmarks/maps.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/plot.yaml"
    threads: 1
    resources:
        mem_mb=6000,
        runtime=20,
    params:
        notes=PROVENANCE_NOTES,
    message:
        "The paper's maps: Fig. 1 and Supplementary Figs. 3, 4 and 7 (PNG and PDF)"
    script:
        "../../scripts/maps.py"


rule figures:
    input:
        exposure=rules.exposure.output.provincial,
        export_volume=rules.export_emissions.output.export_volume,
        by_consumer=rules.export_emissions.output.by_consumer,
        by_sector=rules.export_emissions.output.by_sector,
        layers=rules.spa.output.layers,
        flows=rules.spa.output.flows,
        layer_nodes=rules.spa.output.layer_nodes,
        province_classes=config["resources"]["province_classes"],
        province_names="resources/provinces31.csv",
        sector_names="resources/gtap11_sectors.csv",
    output:
        fig2=report(
            run_path("results/figures/fig2.png"),
            caption="../report/fig2.rst",
            category="Figures",
            labels={"figure": "Fig. 2"},
        ),
        fig2_pdf=run_path("results/figures/fig2.pdf"),
        fig3=report(
            run_path("results/figures/fig3.png"),
            caption="../report/fig3.rst",
            category="Figures",
            labels={"figure": "Fig. 3"},
        ),
        fig3_pdf=run_path("results/figures/fig3.pdf"),
        fig4=report(
            run_path("results/figures/fig4.png"),
            caption="../report/fig4.rst",
            category="Figures",
            labels={"figure": "Fig. 4"},
        ),
        fig4_pdf=run_path("results/figures/fig4.pdf"),
        figS5=report(
            run_path("results/figures/figS5.png"),
            caption="../report/figS5.rst",
            category="Figures",
            labels={"figure": "Supplementary Fig. 5"},
        ),
        figS5_pdf=run_path("results/figures/figS5.pdf"),
    log:
        run_path("logs/figures.log"),
    benchmark:
        run_path("benchmarks/figures.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/plot.yaml"
    threads: 1
    resources:
        mem_mb=6000,
        runtime=20,
    params:
        notes=PROVENANCE_NOTES,
        fig4_merged_classes=config["spa"]["fig4_merged_classes"],
    message:
        "The paper's charts: Figs. 2, 3 and 4 and Supplementary Fig. 5 (PNG and PDF)"
    script:
        "../../scripts/figures.py"


rule tables:
    input:
        exposure=rules.exposure.output.provincial,
        thresholds=rules.exposure.output.thresholds,
        export_volume=rules.export_emissions.output.export_volume,
        by_consumer=rules.export_emissions.output.by_consumer,
        layers=rules.spa.output.layers,
        top_paths=rules.spa.output.top_paths,
        province_classes=config["resources"]["province_classes"],
        province_names="resources/provinces31.csv",
        sector_names="resources/gtap11_sectors.csv",
        evaluation=rules.evaluate_ctm.output.stats,
        monte_carlo=rules.uncertainty.output.monte_carlo,
    output:
        s1=run_path("results/tables/S1_export_volumes.csv"),
        s2=run_path("results/tables/S2_foreign_contributors.csv"),
        s3=run_path("results/tables/S3_layers_by_sector.csv"),
        s4=run_path("results/tables/S4_top_paths.csv"),
        s5=run_path("results/tables/S5_path_sectors.csv"),
        s1_html=report(
            run_path("results/tables/S1_export_volumes.html"),
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "S1", "content": "provincial export volumes"},
        ),
        s2_html=report(
            run_path("results/tables/S2_foreign_contributors.html"),
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "S2", "content": "foreign contributors per province"},
        ),
        s3_html=report(
            run_path("results/tables/S3_layers_by_sector.html"),
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "S3", "content": "production layers by sector"},
        ),
        s4_html=report(
            run_path("results/tables/S4_top_paths.html"),
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "S4", "content": "top supply-chain paths"},
        ),
        s5_html=report(
            run_path("results/tables/S5_path_sectors.html"),
            caption="../report/table.rst",
            category="Tables",
            labels={"table": "S5", "content": "sectors of the top paths"},
        ),
        summary=report(run_path("results/summary.md"), caption="../report/summary.rst", category="Summary"),
    log:
        run_path("logs/tables.log"),
    benchmark:
        run_path("benchmarks/tables.tsv")
    conda:
        "../../envs/plot.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    message:
        "Supplementary tables S1-S5 and the summary page"
    script:
        "../../scripts/tables.py"


rule run_index:
    input:
        catalogue="workflow/report/products.yaml",
    output:
        index=run_path("results/README.md"),
    log:
        run_path("logs/run_index.log"),
    benchmark:
        run_path("benchmarks/run_index.tsv")
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        products=run_products,
        run=RUN,
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    message:
        "Index of this run's products: results/<run>/README.md"
    script:
        "../../scripts/run_index.py"
