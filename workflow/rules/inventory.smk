# The Chinese provincial customised emission inventory (paper Eq. 3 and Eq. 9; docs/architecture.md).


rule inventory_hybrid:
    input:
        mrio=rules.ras.output.mrio,
        meic=meic_files(),
        gains=gains_files(),
        agri_nh3=raw("agri_nh3"),
        boundaries=raw("boundaries"),
        gains_sectors=config["resources"]["gains_sectors"],
        agnh3_categories=config["resources"]["agnh3_categories"],
    output:
        emissions=run_path("results/inventory/emissions.parquet"),
        intensities=run_path("results/inventory/intensities.nc"),
        exclusions=run_path("results/inventory/exclusions.csv"),
        check=run_path("results/inventory/inventory_check.csv"),
    log:
        run_path("logs/inventory_hybrid.log"),
    benchmark:
        run_path("benchmarks/inventory_hybrid.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        study_year=config["study_year"],
        interpolation=config["inventory"]["gains_interpolation"],
        provenance=PROVENANCE,
    message:
        "Hybrid MEIC x GAINS inventory by province, GTAP sector and species; intensities F = e / x"
    script:
        "../../scripts/inventory_hybrid.py"
