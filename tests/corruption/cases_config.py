"""Corruption cases of the configuration: values the JSON schema accepts but the pipeline cannot use.

Each case builds the config the Snakefile would see (config/config.yaml, then config/tiny.yaml, then the case's
change; schema defaults set by Snakemake's own ``validate``) and calls :func:`exportpm.config.check_config`
with the world folder as working directory (the project's ``resources/`` copied in, the tiny world's files as
real-mode ``data:``). Target: the dotted config key the message must name; error: ConfigError.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml
from snakemake.utils import validate

from corruption.harness import Case
from exportpm.config import check_config
from exportpm.demo.world import RAW_DIRS, RAW_FILES
from exportpm.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "workflow/schemas/config.schema.yaml"


def merged(base: dict, change: dict) -> dict:
    """``base`` with ``change`` merged in, key by key (nested mappings merged, other values replaced)."""
    out = copy.deepcopy(base)
    for key, value in change.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _yaml(name: str) -> dict:
    return yaml.safe_load((REPO / "config" / name).read_text(encoding="utf-8"))


def real_data(world: Path) -> dict:
    """data: for the tiny world's files where the world folder keeps them (relative to the world)."""
    return {**RAW_FILES, **RAW_DIRS}


def build(world: Path, change: dict) -> dict:
    """The config the Snakefile would validate: defaults, tiny world, the case's change; schema defaults set."""
    if not (world / "resources").exists():
        shutil.copytree(REPO / "resources", world / "resources")
    config = merged(merged(_yaml("config.yaml"), _yaml("tiny.yaml")), change)
    validate(config, str(SCHEMA), set_default=True)
    return config


def checks(change: dict):
    """read(): the semantic check of the config with ``change`` applied, run in the world folder."""

    def read(world: Path) -> None:
        check_config(build(world, change), world)

    return read


def real(change: dict | None = None):
    """read(): as :func:`checks`, in real mode with the world's files as data:."""

    def read(world: Path) -> None:
        config = {"inputs": "real", "data": real_data(world)}
        check_config(build(world, merged(config, change or {})), world)

    return read


def nothing(world: Path) -> None:
    """No file is changed: the corruption is in the config."""


def write(relative: str, text: str | bytes):
    def corrupt(world: Path) -> None:
        path = world / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return corrupt


def with_resources(then):
    """Copy the resources first (so a case can overwrite one of them), then corrupt."""

    def corrupt(world: Path) -> None:
        shutil.copytree(REPO / "resources", world / "resources")
        then(world)

    return corrupt


def remove(*relatives: str):
    def corrupt(world: Path) -> None:
        for relative in relatives:
            path = world / relative
            shutil.rmtree(path) if path.is_dir() else path.unlink()

    return corrupt


def remove_first_meic_files(count: int):
    def corrupt(world: Path) -> None:
        for path in sorted((world / "meic").glob("2017_*"))[:count]:
            path.unlink()

    return corrupt


def config_case(name: str, key: str, change: dict, field: str, corrupt=nothing, read=None) -> Case:
    return Case(f"config/{name}", key, corrupt, read or checks(change), field, ConfigError)


GRID = {"lon0": 95.0, "lon1": 125.0, "lat0": 20.0, "lat1": 45.0, "dlon": 1.25, "dlat": 1.0}
U95 = {"SO2": 0.12, "NOx": 0.31, "CO": 0.70, "NH3": 0.53, "BC": 1.07, "OC": 1.07, "PM25_other": 1.07}


def grid(**change) -> dict:
    return {"ctm": {"grid": {**GRID, **change}}}


CASES = [
    # cross-references to the resource tables
    config_case(
        "east_coast_class/unknown",
        "regions.east_coast_class",
        {"regions": {"east_coast_class": "Eest Coast"}},
        "Eest Coast",
    ),
    config_case(
        "east_coast_class/empty",
        "regions.east_coast_class",
        {"regions": {"east_coast_class": ""}},
        "is no region class",
    ),
    config_case(
        "east_coast_class/case",
        "regions.east_coast_class",
        {"regions": {"east_coast_class": "east coast"}},
        "east coast",
    ),
    config_case(
        "region_groups/unknown", "scenarios.region_groups", {"scenarios": {"region_groups": ["Atlantis"]}}, "Atlantis"
    ),
    config_case(
        "region_groups/slug_collision",
        "scenarios.region_groups",
        {"scenarios": {"region_groups": ["Rest of Asia", "Rest-of-Asia"]}},
        "both become",
    ),
    config_case(
        "region_groups/slug_collision_case",
        "scenarios.region_groups",
        {"scenarios": {"region_groups": ["USA", "usa"]}},
        "I_EXREGION_usa",
    ),
    config_case(
        "region_groups/slug_empty",
        "scenarios.region_groups",
        {"scenarios": {"region_groups": ["!!"]}},
        "empty scenario name",
    ),
    config_case(
        "region_groups/slug_blank",
        "scenarios.region_groups",
        {"scenarios": {"region_groups": ["  "]}},
        "empty scenario name",
    ),
    config_case(
        "region_groups/empty_list", "scenarios.region_groups", {"scenarios": {"region_groups": []}}, "the list is empty"
    ),
    config_case("china_region/unknown", "mrio.china_region", {"mrio": {"china_region": "prc"}}, "prc"),
    # pollution-equivalent values (Eq. 13) against the law's annex (resources.ape)
    config_case("ape/so2_not_the_law", "ape.SO2", {"ape": {"SO2": 0.095}}, "differs from the law"),
    config_case("ape/nh3_not_the_law", "ape.NH3", {"ape": {"NH3": 90.9}}, "differs from the law"),
    config_case("ape/bc_no_annex_item", "ape.BC", {"ape": {"BC": 2.5}}, "no pollution-equivalent value"),
    config_case(
        "ape/pm25_no_annex_item", "ape.PM25_other", {"ape": {"PM25_other": 0.4}}, "no pollution-equivalent value"
    ),
    # grid sanity
    config_case("grid/lon_reversed", "ctm.grid.lon0", grid(lon0=130.0), "must be below lon1"),
    config_case("grid/lon_equal", "ctm.grid.lon0", grid(lon0=125.0), "must be below lon1"),
    config_case("grid/lat_reversed", "ctm.grid.lat0", grid(lat0=50.0, lat1=45.0), "must be below lat1"),
    config_case("grid/lat_above_pole", "ctm.grid.lat1", grid(lat1=95.0), "outside [-90, 90]"),
    config_case("grid/lat_below_pole", "ctm.grid.lat0", grid(lat0=-91.0), "outside [-90, 90]"),
    config_case("grid/lon_beyond_360", "ctm.grid.lon1", grid(lon1=400.0), "outside [-180, 360]"),
    config_case("grid/lon_below_180", "ctm.grid.lon0", grid(lon0=-200.0), "outside [-180, 360]"),
    config_case("grid/dlon_not_dividing", "ctm.grid.dlon", grid(dlon=0.7), "whole cells"),
    config_case("grid/dlat_not_dividing", "ctm.grid.dlat", grid(dlat=0.3), "whole cells"),
    config_case("grid/dlon_wider_than_grid", "ctm.grid.dlon", grid(dlon=50.0), "whole cells"),
    config_case("grid/buffer_swallows_grid", "ctm.buffer_cells", {"ctm": {"buffer_cells": 12}}, "leave no"),
    config_case(
        "grid/china_mask_reversed",
        "ctm.geoschem.china_mask",
        {"ctm": {"backend": "geoschem", "geoschem": {"china_mask": [135.0, 18.0, 73.0, 54.0]}}},
        "lon1 < lon2",
    ),
    # species, methods, lists, months
    config_case(
        "uncertainty/unknown_species",
        "uncertainty.emission_uncertainty_95",
        {"uncertainty": {"emission_uncertainty_95": {**U95, "Hg": 0.5}}},
        "unknown species Hg",
    ),
    config_case(
        "uncertainty/missing_species",
        "uncertainty.emission_uncertainty_95",
        {"uncertainty": {"emission_uncertainty_95": {k: v for k, v in U95.items() if k != "NH3"}}},
        "no value for species NH3",
    ),
    config_case(
        "uncertainty/species_case",
        "uncertainty.emission_uncertainty_95",
        {"uncertainty": {"emission_uncertainty_95": {**{k: v for k, v in U95.items() if k != "SO2"}, "so2": 0.12}}},
        "unknown species so2",
    ),
    config_case(
        "uncertainty/pm25_for_pm25_other",
        "uncertainty.emission_uncertainty_95",
        {
            "uncertainty": {
                "emission_uncertainty_95": {**{k: v for k, v in U95.items() if k != "PM25_other"}, "PM25": 1.07}
            }
        },
        "no value for species PM25_other",
    ),
    config_case(
        "uncertainty/no_methods",
        "uncertainty.interpolation_methods",
        {"uncertainty": {"interpolation_methods": []}},
        "the list is empty",
    ),
    config_case(
        "uncertainty/method_twice",
        "uncertainty.interpolation_methods",
        {"uncertainty": {"interpolation_methods": ["linear", "linear"]}},
        "lists a method twice",
    ),
    config_case(
        "exposure/no_thresholds", "exposure.thresholds_ugm3", {"exposure": {"thresholds_ugm3": []}}, "the list is empty"
    ),
    config_case(
        "statemet/month_13",
        "ctm.surrogate.statemet.13",
        {"ctm": {"surrogate": {"statemet": {13: "met/13.nc"}}}},
        "not one of the simulated months",
        corrupt=write("met/13.nc", "x"),
    ),
    config_case(
        "statemet/month_not_simulated",
        "ctm.surrogate.statemet.2",
        {"ctm": {"surrogate": {"statemet": {2: "met/02.nc"}}}},
        "not one of the simulated months",
        corrupt=write("met/02.nc", "x"),
    ),
    config_case(
        "statemet/missing_file",
        "ctm.surrogate.statemet.1",
        {"ctm": {"surrogate": {"statemet": {1: "met/01.nc"}}}},
        "no such file",
    ),
    # the study year against the data
    config_case("study_year/demo_other_year", "study_year", {"study_year": 2018}, "has no data"),
    config_case("study_year/demo_far_future", "study_year", {"study_year": 2030}, "2030"),
    # resource paths
    config_case(
        "resources/outside_absolute",
        "resources.province_classes",
        {"resources": {"province_classes": "/etc/passwd"}},
        "outside the project",
    ),
    config_case(
        "resources/outside_parent",
        "resources.foreign_groups",
        {"resources": {"foreign_groups": "../foreign_region_groups.csv"}},
        "outside the project",
        corrupt=write("../foreign_region_groups.csv", "gtap_code,group\nusa,USA\n"),
    ),
    config_case(
        "resources/outside_symlink",
        "resources.ape",
        {"resources": {"ape": "resources/ape_link.csv"}},
        "outside the project",
        corrupt=with_resources(lambda w: (w / "resources/ape_link.csv").symlink_to("/etc/hostname")),
    ),
    config_case(
        "resources/missing_file",
        "resources.province_classes",
        {"resources": {"province_classes": "resources/nope.csv"}},
        "no such file",
    ),
    config_case(
        "resources/missing_column",
        "resources.province_classes",
        {},
        "region_class",
        corrupt=with_resources(write("resources/province_region_classes.csv", "iso3166_2,class\nCN-BJ,x\n")),
    ),
    config_case(
        "resources/header_only",
        "resources.foreign_groups",
        {},
        "has no rows",
        corrupt=with_resources(write("resources/foreign_region_groups.csv", "gtap_code,group\n")),
    ),
    config_case(
        "resources/binary",
        "resources.gains_sectors",
        {},
        "not a readable CSV",
        corrupt=with_resources(write("resources/gains_sectors.csv", b"\xff\xfe\x00\x81\x9f" * 50)),
    ),
    config_case(
        "resources/empty_file",
        "resources.agnh3_categories",
        {},
        "not a readable CSV",
        corrupt=with_resources(write("resources/agnh3_categories.csv", "")),
    ),
    # real mode: keys, files, folders, the study year
    config_case(
        "real/no_data",
        "data",
        {},
        "not set: gtap_basedata",
        read=lambda w: check_config(build(w, {"inputs": "real", "data": {}}), w),
    ),
    config_case(
        "real/two_keys_missing",
        "data",
        {},
        "customs, population",
        read=lambda w: check_config(
            build(
                w,
                {
                    "inputs": "real",
                    "data": {k: v for k, v in real_data(w).items() if k not in ("customs", "population")},
                },
            ),
            w,
        ),
    ),
    config_case(
        "real/missing_file",
        "data.gtap_basedata",
        {},
        "no such file",
        corrupt=remove(RAW_FILES["gtap_basedata"]),
        read=real(),
    ),
    config_case(
        "real/file_is_folder", "data.population", {}, "no such file", read=real({"data": {"population": "population"}})
    ),
    config_case("real/missing_meic_folder", "data.meic_dir", {}, "no such folder", corrupt=remove("meic"), read=real()),
    config_case(
        "real/meic_files_missing", "data.meic_dir", {}, "3 of 420", corrupt=remove_first_meic_files(3), read=real()
    ),
    config_case(
        "real/gains_file_missing",
        "data.gains_dir",
        {},
        "gains_2015_NOx.csv",
        corrupt=remove("gains/gains_2015_NOx.csv"),
        read=real(),
    ),
    config_case("real/study_year_without_meic", "study_year", {}, "has no data", read=real({"study_year": 2016})),
]
