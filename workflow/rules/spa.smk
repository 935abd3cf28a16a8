# Structural path analysis (paper Eq. 15-17, Tables 2-3; design product 12).


rule spa:
    message:
        "Structural path analysis: production layers, mapping-approach flows, disparities, top paths"
    input:
        mrio=rules.ras.output.mrio,
        intensities=rules.inventory_hybrid.output.intensities,
        by_consumer=rules.export_emissions.output.by_consumer,
        foreign_groups=config["resources"]["foreign_groups"],
        province_classes=config["resources"]["province_classes"],
    output:
        layers="results/spa/layers.parquet",
        layer_shares="results/spa/layer_shares.parquet",
        flows="results/spa/adjacent_layer_flows.parquet",
        flows_three_index="results/spa/three_index_flows.parquet",
        top_paths="results/spa/top_paths.parquet",
        disparities="results/spa/disparities.parquet",
        pair_disparities="results/spa/pair_disparities.parquet",
    params:
        ape=config["ape"],
        east_coast_class=config["regions"]["east_coast_class"],
        top_paths=config["spa"]["top_paths"],
        max_path_depth=config["spa"]["max_path_depth"],
        provenance=PROVENANCE,
    log:
        "logs/spa.log",
    benchmark:
        "benchmarks/spa.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=30,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/spa.py"
