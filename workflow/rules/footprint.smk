# Export-related emissions (paper Eq. 8-13; docs/architecture.md).


rule export_emissions:
    input:
        mrio=rules.ras.output.mrio,
        intensities=rules.inventory_hybrid.output.intensities,
        emissions=rules.inventory_hybrid.output.emissions,
        inventory_check=rules.inventory_hybrid.output.check,
        foreign_groups=config["resources"]["foreign_groups"],
        province_classes=config["resources"]["province_classes"],
    output:
        by_consumer=run_path("results/footprint/export_emissions_by_province_consumer.parquet"),
        by_sector=run_path("results/footprint/export_emissions_by_sector.parquet"),
        by_emitter=run_path("results/footprint/export_emissions_by_emitter.parquet"),
        by_category=run_path("results/footprint/export_emissions_by_category.parquet"),
        export_volume=run_path("results/footprint/export_volume.parquet"),
        fractions=run_path("results/footprint/scenario_fractions.parquet"),
        leontief_blocks=run_path("results/footprint/leontief_province_blocks.nc"),
    log:
        run_path("logs/export_emissions.log"),
    benchmark:
        run_path("benchmarks/export_emissions.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb("export_emissions"),
        runtime=30,
    params:
        ape=config["ape"],
        east_coast_class=config["regions"]["east_coast_class"],
        provenance=PROVENANCE,
    message:
        "Export-related emissions by province, consumer and channel (Eq. 8-12), APE (Eq. 13)"
    script:
        "../../scripts/export_emissions.py"
