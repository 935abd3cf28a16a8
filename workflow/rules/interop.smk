# The linked MRIO for other tools (not part of `all`: the full table is ~2 GB as text). Run it with
#   snakemake --cores 2 mrio_interop
rule mrio_interop:
    input:
        mrio=rules.ras.output.mrio,
        intensities=rules.inventory_hybrid.output.intensities,
    output:
        pymrio=directory(run_path("results/interop/pymrio")),
        parquet=directory(run_path("results/interop/parquet")),
    log:
        run_path("logs/mrio_interop.log"),
    benchmark:
        run_path("benchmarks/mrio_interop.tsv")
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("mrio_interop"),
        runtime=60,
    params:
        provenance="synthetic demo world" if config["inputs"] == "demo" else "real inputs",
    message:
        "Linked MRIO + emission extension in pymrio's storage format (load with pymrio.load_all) and as Parquet"
    script:
        "../../scripts/interop.py"
