# The synthetic demo world: the first rules of the DAG when config inputs is 'demo'.
# One rule per part (demo_gtap, demo_provincial, demo_customs, demo_geography, demo_emissions); each writes
# raw inputs in their real formats, and the rest of the pipeline reads them exactly like real data.
DEMO_PARTS = {
    "gtap": "GTAP 11 basedata (HAR)",
    "provincial": "CEADs-layout provincial MRIO and yearbook tables",
    "customs": "customs records and the HS6 -> GTAP concordance",
    "geography": "province boundaries and the population grid",
    "emissions": "MEIC monthly grids, GAINS exports and the agricultural NH3 inventory",
    "stations": "synthetic monitoring-station PM2.5",
}

if config["inputs"] == "demo":
    for _part, _what in DEMO_PARTS.items():

        rule:
            name:
                f"demo_{_part}"
            output:
                demo_outputs(_part),
            log:
                run_path(f"logs/demo/{_part}.log"),
            benchmark:
                run_path(f"benchmarks/demo_{_part}.tsv")
            priority: 0 if _part == "stations" else CRITICAL_PATH_PRIORITY
            conda:
                "../../envs/data.yaml"
            threads: 1
            resources:
                mem_mb=4000,
                runtime=20,
            params:
                part=_part,
                size=config["demo"]["size"],
                seed=config["demo"]["seed"],
            message:
                f"Synthetic demo world ({config['demo']['size']}): {_what}"
            script:
                "../../scripts/demo_world.py"
