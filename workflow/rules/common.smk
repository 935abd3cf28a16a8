# Shared helpers: where each raw input lives (demo world or real data) and checks beyond the schema.
import os
import sys
from pathlib import Path

# The exportpm library is the workflow's own src/ (not an installed package): on sys.path for these rule files,
# and on PYTHONPATH for every job's script, whatever software environment (conda, venv, module) runs it. Jobs
# submitted to a cluster re-read this file, so they get the same path. envs/*.yaml therefore hold no relative
# install (`-e ../` would point into .snakemake/ once Snakemake deploys a copy of the file).
SRC_DIR = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC_DIR)
os.environ["PYTHONPATH"] = os.pathsep.join(
    dict.fromkeys([SRC_DIR, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]))

from exportpm.conventions import MEIC_SECTORS
from exportpm.conventions import MEIC_SPECIES as SPECIES
from exportpm.demo.world import part_files

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
# Raw input key -> (demo part, path relative to the demo folder).
RAW_FILES = {
    "gtap_basedata": "gtap/basedata.har",
    "gtap_sets": "gtap/sets.har",
    "ceads_mrio": "ceads/china_provincial_mrio_2017.xlsx",
    "yearbook_agriculture": "yearbook/agriculture_output_2017.csv",
    "yearbook_cattle": "yearbook/cattle_2017.csv",
    "yearbook_wood_furniture": "yearbook/wood_furniture_2017.csv",
    "customs": "customs/customs_2017.csv",
    "hs6_concordance": "customs/hs6_gtap_concordance.csv",
    "agri_nh3": "agri_nh3/agri_nh3_2017.csv",
    "population": "population/population_2017.tif",
    "boundaries": "boundaries/provinces.geojson",
    "stations": "stations/station_list.csv",
}

# Provenance written into every product's attributes (one definition): what the inputs and the CTM are.
PROVENANCE = "synthetic demo world" if config["inputs"] == "demo" else "real inputs"
PROVENANCE_NOTES = [
    *(["SYNTHETIC demo world (not real statistics)"] if config["inputs"] == "demo" else []),
    *(["PM2.5 from the surrogate screening CTM"] if config["ctm"]["backend"] == "surrogate" else []),
]

if config["inputs"] == "real":
    missing = sorted(set(RAW_FILES) | {"meic_dir", "gains_dir", "stations_dir"} - set(config["data"]))
    if missing:
        raise ValueError(f"config: inputs is 'real' but data: lacks {', '.join(missing)}")


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
    folder, year = config["data"]["meic_dir"], config["study_year"]
    stems = [f"{folder}/{year}_{m:02d}_{s}_{q}" for m in range(1, 13) for s in MEIC_SECTORS for q in SPECIES]
    return [f"{stem}.asc" if Path(f"{stem}.asc").exists() else f"{stem}.nc" for stem in stems]  # .asc or netCDF


def station_archive():
    """The daily station files china_sites_YYYYMMDD.csv of the study year (real mode: those present)."""
    if config["inputs"] == "demo":
        return [f for f in demo_outputs("stations") if Path(f).name.startswith("china_sites_")]
    folder, year = Path(config["data"]["stations_dir"]), config["study_year"]
    return sorted(str(p) for p in folder.glob(f"china_sites_{year}*.csv"))


def gains_files():
    folder = f"{DEMO_DIR}/gains" if config["inputs"] == "demo" else config["data"]["gains_dir"]
    return [f"{folder}/gains_{y}_{q}.csv" for y in (2015, 2020) for q in SPECIES]


def demo_outputs(part):
    return [f"{DEMO_DIR}/{f}" for f in part_files(config["demo"]["size"])[part]]
