# Shared helpers: where each raw input lives (demo world or real data) and checks beyond the schema.
import math
import os
import re
import sys
from pathlib import Path

# The exportpm library is the workflow's own src/ (not an installed package): on sys.path for these rule files,
# and on PYTHONPATH for every job's script, whatever software environment (conda, venv, module) runs it. Jobs
# submitted to a cluster re-read this file, so they get the same path. envs/*.yaml therefore hold no relative
# install (`-e ../` would point into .snakemake/ once Snakemake deploys a copy of the file).
SRC_DIR = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC_DIR)
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        dict.fromkeys([SRC_DIR, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])
    )
)

from exportpm.config import check_config, gains_names, meic_stems
from exportpm.demo.world import RAW_DIRS, RAW_FILES, part_files
from exportpm.io.summary import marked_synthetic

# Semantic validation (the schema has run in the Snakefile): cross-references, grid, slugs, paths; one
# ConfigError naming every key, before any rule is defined.
check_config(config, Path.cwd())

RUN = config["run"]["name"]


def run_path(path):
    """Where this run keeps a file: 'results/x' -> results/<run>/x, 'logs/x' -> logs/<run>/x and
    'benchmarks/x' (per-rule benchmark records) -> results/<run>/benchmarks/x. Every rule path goes through it,
    so runs with different names (demo, tiny, real) never overwrite each other."""
    top, _, rest = path.partition("/")
    prefix = {"results": f"results/{RUN}", "logs": f"logs/{RUN}", "benchmarks": f"results/{RUN}/benchmarks"}
    if top not in prefix or not rest:
        raise ValueError(f"run_path: {path!r} does not start with results/, logs/ or benchmarks/")
    return f"{prefix[top]}/{rest}"


DEMO_DIR = run_path("results/demo_world")
# Raw input keys -> demo files: exportpm.demo.world.RAW_FILES / RAW_DIRS. In real mode config.check_config
# (run by the Snakefile) has checked that every data key is set and present.


def raw(key):
    """Path of one raw input file."""
    if config["inputs"] == "demo":
        return f"{DEMO_DIR}/{RAW_FILES[key]}"
    return config["data"][key]


def meic_files():
    """The 12 x 5 x 7 monthly MEIC files of the study year."""
    if config["inputs"] == "demo":
        files = demo_outputs("emissions")
        return [f for f in files if Path(f).parent.name == "meic" and Path(f).suffix in (".asc", ".nc")]
    folder = config["data"]["meic_dir"]
    stems = [f"{folder}/{stem}" for stem in meic_stems(config["study_year"])]
    return [f"{stem}.asc" if Path(f"{stem}.asc").exists() else f"{stem}.nc" for stem in stems]  # .asc or netCDF


def station_archive():
    """The daily station files china_sites_YYYYMMDD.csv of the study year (real mode: those present)."""
    if config["inputs"] == "demo":
        return [f for f in demo_outputs("stations") if Path(f).name.startswith("china_sites_")]
    folder, year = Path(config["data"]["stations_dir"]), config["study_year"]
    return sorted(str(p) for p in folder.glob(f"china_sites_{year}*.csv"))


def gains_files():
    """The GAINS exports of both GAINS years."""
    folder = f"{DEMO_DIR}/{RAW_DIRS['gains_dir']}" if config["inputs"] == "demo" else config["data"]["gains_dir"]
    return [f"{folder}/{name}" for name in gains_names()]


# Products say they are synthetic when their inputs are: the demo world, or real-mode files that carry its
# SYNTHETIC mark (so a real-mode run of the demo world's files gives the demo run's bytes).
SYNTHETIC_INPUTS = config["inputs"] == "demo" or any(
    marked_synthetic(path) for path in [*(raw(key) for key in RAW_FILES), *meic_files()[:1], *gains_files()[:1]]
)


# Provenance written into every product's attributes (one definition): what the inputs and the CTM are.
PROVENANCE = "synthetic demo world" if SYNTHETIC_INPUTS else "real inputs"
PROVENANCE_NOTES = [
    *(["SYNTHETIC demo world (not real statistics)"] if SYNTHETIC_INPUTS else []),
    *(["PM2.5 from the surrogate screening CTM"] if config["ctm"]["backend"] == "surrogate" else []),
]


def demo_outputs(part):
    return [f"{DEMO_DIR}/{f}" for f in part_files(config["demo"]["size"])[part]]


def run_products(wildcards=None):
    """(rule, path under results/<run>/) of every rule's outputs, wildcard constraints removed (rule run_index)."""
    prefix = run_path("results/README.md").removesuffix("README.md")
    found = set()
    for each in workflow.rules:
        for path in map(str, each.output):
            path = re.sub(r"\{(\w+),[^}]*\}", r"{\1}", path)
            if path.startswith(prefix):
                found.add((each.name, path[len(prefix) :]))
    return sorted(found)


# Memory of the rules whose peak grows with the linked MRIO: the table has n = (GTAP regions - 1 + 31 provinces)
# x sectors rows (12,350 for GTAP 11), its dense n x n float64 matrix Z takes 8 n^2 bytes (1.22 GB), and each rule
# peaks at about a fixed multiple of that. Factors from the peaks measured on the full demo world (n = 12,350):
# export_emissions 1.86 GB (1.5 x Z), link 1.85 GB, spa and uncertainty_mrio 1.78 GB, ras 1.66 GB (1.4 x),
# customs_blocks 1.42 GB (1.2 x), gtap_parse 1.20 GB, paper_comparison 1.12 GB (0.9 x); mrio_interop is an
# estimate (pymrio's labelled frames copy Z several times). Requests add MEM_HEADROOM on top and
# never go below MEM_FLOOR_MB (the interpreter, numpy and netCDF4 themselves), so the tiny world asks for
# little and the full one for what it needs.
MEM_FACTORS = {
    "gtap_parse": 1.0,
    "provincial_expand": 0.5,
    "customs_blocks": 1.2,
    "link": 1.5,
    "ras": 1.4,
    "export_emissions": 1.5,
    "spa": 1.5,
    "uncertainty": 1.5,
    "mrio_interop": 6.0,
    "paper_comparison": 0.9,
    "inputs_summary": 1.0,
}
MEM_HEADROOM = 1.5

# Scheduling: when several jobs are ready and cores are few (a laptop, a 2-core CI machine), Snakemake starts the
# ones with the higher priority first. The jobs on the DAG's longest chain (the demo parts the MRIO and the
# inventory need, the MRIO rules, the export engine, scenario gridding, the CTM, exposure, and the figures at the
# end) get CRITICAL_PATH_PRIORITY; side branches (inputs summary, SPA, the MRIO part of the uncertainty, the
# station archive, evaluation) fill the other cores around them. Priorities change the order, never the results.
CRITICAL_PATH_PRIORITY = 10
MEM_FLOOR_MB = 500


def mrio_rows():
    """Rows n of the linked MRIO the config implies: (GTAP regions - China + provinces) x sectors. Demo: the
    demo world's size; real data: the regions of resources.iso3_regions and the 65 GTAP sectors."""
    from exportpm.demo.spec import world_spec
    from exportpm.resources import read_table, resource

    if config["inputs"] == "demo":
        spec = world_spec(config["demo"]["size"])
        return (len(spec.regions) - 1 + len(spec.provinces)) * len(spec.sectors)
    regions = read_table(config["resources"]["iso3_regions"], ["code"])
    return (len(regions) - 1 + len(resource("provinces31"))) * len(resource("gtap11_sectors"))


MRIO_ROWS = mrio_rows()


def mem_mb(rule_kind):
    """Memory request (MB) of one heavy rule: MEM_FACTORS[rule_kind] x the 8 n^2 bytes of Z, plus headroom,
    at least MEM_FLOOR_MB."""
    z_mb = 8 * MRIO_ROWS**2 / 1e6
    return max(MEM_FLOOR_MB, math.ceil(MEM_HEADROOM * MEM_FACTORS[rule_kind] * z_mb))
