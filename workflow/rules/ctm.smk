# The CTM runs: backend "surrogate" (built in, local) or "geoschem" (GEOS-Chem Classic on SLURM).
STATEMET = {int(k): v for k, v in config["ctm"]["surrogate"]["statemet"].items()}
CTM_GRID = dict(config["ctm"]["grid"])
FIRST_ORDER_OUTPUTS = []  # products of the optional first-order contributions (surrogate backend)


rule ctm_background:
    output:
        background=run_path("results/ctm/background.nc"),
    log:
        run_path("logs/ctm_background.log"),
    benchmark:
        run_path("benchmarks/ctm_background.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        settings=config["ctm"]["background"],
        grid=CTM_GRID,
        buffer=config["ctm"]["buffer_cells"],
        provenance=PROVENANCE,
    message:
        "PM2.5 outside the CTM components (SOA, natural dust, sea salt) as a field: {params.settings[source]}"
    script:
        "../../scripts/ctm_background.py"


if config["ctm"]["backend"] == "geoschem":

    include: "geoschem.smk"

else:

    include: "surrogate.smk"
