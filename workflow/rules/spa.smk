# Structural path analysis (paper Eq. 15-17, Tables 2-3; docs/architecture.md).


rule spa:
    input:
        mrio=rules.ras.output.mrio,
        intensities=rules.inventory_hybrid.output.intensities,
        by_consumer=rules.export_emissions.output.by_consumer,
        leontief_blocks=rules.export_emissions.output.leontief_blocks,
        foreign_groups=config["resources"]["foreign_groups"],
        province_classes=config["resources"]["province_classes"],
    output:
        layers=run_path("results/spa/layers.parquet"),
        layer_shares=run_path("results/spa/layer_shares.parquet"),
        flows=run_path("results/spa/adjacent_layer_flows.parquet"),
        flows_three_index=run_path("results/spa/three_index_flows.parquet"),
        top_paths=run_path("results/spa/top_paths.parquet"),
        disparities=run_path("results/spa/disparities.parquet"),
        pair_disparities=run_path("results/spa/pair_disparities.parquet"),
        layer_nodes=run_path("results/spa/layer_nodes.parquet"),
    log:
        run_path("logs/spa.log"),
    benchmark:
        run_path("benchmarks/spa.tsv")
    conda:
        "../../envs/numerics.yaml"
    threads: 2  # BLAS products: the same bytes as the export engine's 2-thread runs (1 thread rounds otherwise)
    resources:
        mem_mb=mem_mb("spa"),
        runtime=30,
    params:
        ape=config["ape"],
        east_coast_class=config["regions"]["east_coast_class"],
        depth=config["spa"]["depth"],
        top_paths=config["spa"]["top_paths"],
        max_path_depth=config["spa"]["max_path_depth"],
        provenance=PROVENANCE,
    message:
        "Structural path analysis: production layers, mapping-approach flows, disparities, top paths"
    script:
        "../../scripts/spa.py"
