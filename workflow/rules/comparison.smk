# The paper's quantitative statements beside the pipeline's (docs/quantities.md; exportpm.comparison).


rule paper_comparison:
    input:
        by_consumer=rules.export_emissions.output.by_consumer,
        by_sector=rules.export_emissions.output.by_sector,
        by_category=rules.export_emissions.output.by_category,
        export_volume=rules.export_emissions.output.export_volume,
        layers=rules.spa.output.layers,
        layer_shares=rules.spa.output.layer_shares,
        top_paths=rules.spa.output.top_paths,
        provincial=rules.exposure.output.provincial,
        thresholds=rules.exposure.output.thresholds,
        region_shares=rules.exposure.output.region_shares,
        provinces="resources/provinces31.csv",
        province_classes=config["resources"]["province_classes"],
    output:
        csv=run_path("results/paper_comparison.csv"),
        md=run_path("results/paper_comparison.md"),
    log:
        run_path("logs/paper_comparison.log"),
    benchmark:
        run_path("benchmarks/paper_comparison.tsv")
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("paper_comparison"),
        runtime=10,
    params:
        east_coast_class=config["regions"]["east_coast_class"],
        method=config["spa"]["interprovincial_method"],
        provenance=PROVENANCE,
    message:
        "Every quantitative statement of the paper's Results and Discussion beside the pipeline's value"
    script:
        "../../scripts/paper_comparison.py"
