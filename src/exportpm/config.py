"""Semantic validation of the configuration, run by the Snakefile right after the JSON-schema validation.

The schema checks types, ranges and key names one value at a time. This module checks what the schema cannot:
values that refer to something else (a region class, a foreign group, a species, a month, the study year against
the data), values that must agree with each other (grid edges, scenario names made from group names) and paths
(real inputs present, resource tables inside the project). Every problem becomes one line naming its dotted key;
all lines are reported together in one :class:`~exportpm.errors.ConfigError` before any rule runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.conventions import APE_LAW_ITEMS, INVENTORY_SPECIES, MEIC_SECTORS, MEIC_SPECIES
from exportpm.demo.world import RAW_DIRS, RAW_FILES
from exportpm.errors import ConfigError
from exportpm.io.meic import meic_filename
from exportpm.scenarios import group_slug

GAINS_YEARS = (2015, 2020)
# Resource table key -> columns the pipeline reads from it.
RESOURCE_COLUMNS = {
    "iso3_regions": ("code", "iso3_members"),
    "ceads_gtap_concordance": ("ceads_code", "gtap_code"),
    "gains_sectors": ("gains_sector", "meic_sector", "gtap_codes"),
    "agnh3_categories": ("category", "gtap_code"),
    "province_classes": ("iso3166_2", "region_class"),
    "foreign_groups": ("gtap_code", "group"),
    "ape": ("equivalent_value_kg",),
}


class Problems:
    """Collects ``key: problem`` lines; :meth:`raise_any` turns them into one ConfigError."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def add(self, key: str, problem: str) -> None:
        """Record one problem ``problem`` of config key ``key``."""
        self.lines.append((key, problem))

    def raise_any(self) -> None:
        """Raise one ConfigError listing every recorded problem (its ``keys`` the keys); nothing if none."""
        if not self.lines:
            return
        keys = [key for key, _ in self.lines]
        body = "\n".join(f"  config {key}: {problem}" for key, problem in self.lines)
        error = ConfigError(f"{len(self.lines)} configuration problem(s), nothing was run:\n{body}")
        error.keys = keys
        raise error


def meic_stems(year: int) -> list[str]:
    """File names without extension the MEIC folder must hold for ``year`` (12 months x 5 sectors x 7 species);
    each as ``.asc`` or ``.nc``."""
    return [
        meic_filename(year, m, s, q).removesuffix(".nc")
        for m in range(1, 13)
        for s in MEIC_SECTORS
        for q in MEIC_SPECIES
    ]


def gains_names() -> list[str]:
    """File names the GAINS folder must hold (both GAINS years, every species)."""
    return [f"gains_{y}_{q}.csv" for y in GAINS_YEARS for q in MEIC_SPECIES]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def check_real_inputs(config: Mapping, root: Path, problems: Problems) -> None:
    """inputs: real: every data key set (all missing keys named at once), files and folders present."""
    data = config.get("data") or {}
    wanted = [*RAW_FILES, *RAW_DIRS]
    missing = [key for key in wanted if not data.get(key)]
    if missing:
        problems.add(
            "data", f"inputs is 'real' but these keys are not set: {', '.join(missing)} (see config/real-data.yaml)"
        )
    year = config["study_year"]
    for key in RAW_FILES:
        if data.get(key) and not (root / data[key]).is_file():
            problems.add(f"data.{key}", f"no such file {data[key]!r}")
    _check_folder(data, "meic_dir", [(f"{stem}.asc", f"{stem}.nc") for stem in meic_stems(year)], root, year, problems)
    _check_folder(data, "gains_dir", [(name,) for name in gains_names()], root, year, problems)
    if data.get("stations_dir") and (root / data["stations_dir"]).is_dir():
        if not any((root / data["stations_dir"]).glob(f"china_sites_{year}*.csv")):
            problems.add(
                "study_year",
                f"{year} has no data: data.stations_dir {data['stations_dir']!r} holds no "
                f"daily file china_sites_{year}MMDD.csv",
            )
    elif data.get("stations_dir"):
        problems.add("data.stations_dir", f"no such folder {data['stations_dir']!r}")


def _check_folder(
    data: Mapping, key: str, wanted: list[tuple[str, ...]], root: Path, year: int, problems: Problems
) -> None:
    """Each entry of ``wanted`` (alternative names of one file) present in the folder data[key]."""
    if not data.get(key):
        return
    folder = root / data[key]
    if not folder.is_dir():
        problems.add(f"data.{key}", f"no such folder {data[key]!r}")
        return
    present = {p.name for p in folder.iterdir()}
    absent = [names[0] for names in wanted if not present.intersection(names)]
    if absent and key == "meic_dir" and len(absent) == len(wanted):
        problems.add(
            "study_year",
            f"{year} has no data: data.meic_dir {data[key]!r} holds no MEIC file for "
            f"{year} (expected e.g. {wanted[0][0]} or {wanted[0][-1]})",
        )
    elif absent:
        problems.add(
            f"data.{key}",
            f"{len(absent)} of {len(wanted)} expected files missing in {data[key]!r}, e.g. {', '.join(absent[:3])}",
        )


def check_demo(config: Mapping, problems: Problems) -> None:
    """Check that ``study_year`` is the year the demo world holds (demo.size, demo.seed)."""
    from exportpm.demo.spec import world_spec

    year = world_spec(config["demo"]["size"], config["demo"]["seed"]).year
    if config["study_year"] != year:
        problems.add("study_year", f"{config['study_year']} has no data: the demo world holds {year} only")


def load_resources(config: Mapping, root: Path, problems: Problems) -> dict[str, pd.DataFrame]:
    """Read each resource table (path inside the project, file present, needed columns)."""
    tables = {}
    for key, columns in RESOURCE_COLUMNS.items():
        value = config["resources"].get(key)
        if value is None:
            continue
        path = root / value
        name = f"resources.{key}"
        if Path(value).is_absolute() or not _inside(path, root):
            problems.add(
                name,
                f"{value!r} is outside the project folder {root} (keep resource tables in it, e.g. under resources/)",
            )
            continue
        if not path.is_file():
            problems.add(name, f"no such file {value!r}")
            continue
        try:
            frame = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
            problems.add(name, f"{value!r} is not a readable CSV table ({type(error).__name__})")
            continue
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            problems.add(name, f"{value!r} lacks column(s) {', '.join(absent)}")
            continue
        if frame.empty:
            problems.add(name, f"{value!r} has no rows")
            continue
        tables[key] = frame
    return tables


def check_regions(config: Mapping, tables: Mapping[str, pd.DataFrame], problems: Problems) -> None:
    """Check that the east-coast class and the China region code exist in their resource tables."""
    if "province_classes" in tables:
        classes = sorted(set(tables["province_classes"]["region_class"]))
        east = config["regions"]["east_coast_class"]
        if east not in classes:
            problems.add(
                "regions.east_coast_class",
                f"{east!r} is no region class of resources.province_classes (classes: {', '.join(classes)})",
            )
    if "iso3_regions" in tables:
        codes = set(tables["iso3_regions"]["code"])
        if config["mrio"]["china_region"] not in codes:
            problems.add(
                "mrio.china_region",
                f"{config['mrio']['china_region']!r} is no GTAP region code of resources.iso3_regions",
            )


def check_groups(config: Mapping, tables: Mapping[str, pd.DataFrame], problems: Problems) -> None:
    """Each group known, and each group its own scenario name I_EXREGION_<slug> (non-empty, unique)."""
    groups = list(config["scenarios"]["region_groups"])
    known = set(tables["foreign_groups"]["group"]) if "foreign_groups" in tables else None
    slugs: dict[str, str] = {}
    for group in groups:
        slug = group_slug(group)
        if not slug:
            problems.add(
                "scenarios.region_groups",
                f"group {group!r} gives an empty scenario name (I_EXREGION_); use letters or digits",
            )
        elif slug.lower() in slugs:
            problems.add(
                "scenarios.region_groups",
                f"groups {slugs[slug.lower()]!r} and {group!r} both become scenario I_EXREGION_{slug}",
            )
        else:
            slugs[slug.lower()] = group
        if known is not None and slug and group not in known:
            problems.add(
                "scenarios.region_groups",
                f"group {group!r} is not in resources.foreign_groups (groups: {', '.join(sorted(known))})",
            )


def check_grid(config: Mapping, problems: Problems) -> None:
    """Check the CTM grid: edges within [-180, 360] / [-90, 90] degrees, whole cells, room for the buffer."""
    grid = config["ctm"]["grid"]
    for axis, limit in (("lon", 360.0), ("lat", 90.0)):
        lo, hi, step = grid[f"{axis}0"], grid[f"{axis}1"], grid[f"d{axis}"]
        low_limit = -180.0 if axis == "lon" else -90.0
        for edge in (f"{axis}0", f"{axis}1"):
            if not low_limit <= grid[edge] <= limit:
                problems.add(f"ctm.grid.{edge}", f"{grid[edge]} is outside [{low_limit:g}, {limit:g}] degrees")
        if not lo < hi:
            problems.add(f"ctm.grid.{axis}0", f"{axis}0 {lo} must be below {axis}1 {hi}")
            continue
        cells = (hi - lo) / step
        if round(cells) < 1 or not math.isclose(cells, round(cells), rel_tol=0, abs_tol=1e-6):
            problems.add(
                f"ctm.grid.d{axis}", f"{step} does not divide {axis}1 - {axis}0 = {hi - lo:g} into whole cells"
            )
        elif 2 * config["ctm"]["buffer_cells"] >= round(cells):
            problems.add(
                "ctm.buffer_cells",
                f"{config['ctm']['buffer_cells']} buffer cells on each edge leave no {axis} cell of the {round(cells)}",
            )
    if grid["lon1"] - grid["lon0"] > 360:
        problems.add("ctm.grid.lon1", "the grid spans more than 360 degrees of longitude")
    mask = config["ctm"].get("geoschem", {}).get("china_mask")
    if config["ctm"]["backend"] == "geoschem" and mask and not (mask[0] < mask[2] and mask[1] < mask[3]):
        problems.add("ctm.geoschem.china_mask", f"{mask} is not lon1, lat1, lon2, lat2 with lon1 < lon2, lat1 < lat2")


def check_uncertainty(config: Mapping, problems: Problems) -> None:
    """Check the 95 % emission uncertainties (one per inventory species) and the interpolation methods."""
    settings = config["uncertainty"]
    given = settings["emission_uncertainty_95"]
    unknown = sorted(set(given) - set(INVENTORY_SPECIES))
    if unknown:
        problems.add(
            "uncertainty.emission_uncertainty_95",
            f"unknown species {', '.join(unknown)} (species: {', '.join(INVENTORY_SPECIES)})",
        )
    absent = [s for s in INVENTORY_SPECIES if s not in given]
    if absent:
        problems.add("uncertainty.emission_uncertainty_95", f"no value for species {', '.join(absent)}")
    methods = settings["interpolation_methods"]
    if not methods:
        problems.add("uncertainty.interpolation_methods", "the list is empty (give at least one, e.g. [linear])")
    elif len(set(methods)) < len(methods):
        problems.add("uncertainty.interpolation_methods", f"{methods} lists a method twice")


def check_lists_and_months(config: Mapping, root: Path, problems: Problems) -> None:
    """Check non-empty thresholds (ug/m3) and region groups, and surrogate met files for simulated months."""
    if not config["exposure"]["thresholds_ugm3"]:
        problems.add("exposure.thresholds_ugm3", "the list is empty (give at least one concentration)")
    if not config["scenarios"]["region_groups"]:
        problems.add("scenarios.region_groups", "the list is empty (give at least one foreign group)")
    months = config["ctm"]["months"]
    for key, path in config["ctm"]["surrogate"]["statemet"].items():
        name = f"ctm.surrogate.statemet.{key}"
        if not str(key).isdigit() or int(key) not in months:
            problems.add(name, f"{key!r} is not one of the simulated months ctm.months {months}")
        elif not (root / path).is_file():
            problems.add(name, f"no such file {path!r}")


def check_ape(config: Mapping, tables: Mapping[str, pd.DataFrame], problems: Problems) -> None:
    """The config's pollution-equivalent values (Eq. 13) against the law's annex in ``resources.ape``.

    SO2, NOx, CO and NH3 have their own item in the annex and must equal it; every other species (BC, OC, other
    PM2.5) must take the value of one of the annex's items (the paper's choice, its Supplementary Table 11, is
    not public: soot/smoke dust and general dust by default), so a mistyped value cannot pass.
    """
    if "ape" not in tables:
        return
    table = tables["ape"]
    values = pd.to_numeric(table["equivalent_value_kg"], errors="coerce")
    names = table["pollutant_en"] if "pollutant_en" in table.columns else pd.Series([""] * len(table))
    for species, value in config["ape"].items():
        key = f"ape.{species}"
        item = APE_LAW_ITEMS.get(species)
        if item is not None:
            own = values[names.str.contains(item, regex=False)]
            if len(own) == 1 and not np.isclose(float(value), float(own.iloc[0])):
                problems.add(
                    key, f"{value} kg differs from the law's value {own.iloc[0]} kg in {config['resources']['ape']}"
                )
        elif not np.isclose(values, float(value)).any():
            problems.add(
                key,
                f"{value} kg is no pollution-equivalent value of {config['resources']['ape']} "
                "(e.g. soot/smoke dust 2.18, general dust 4, carbon black dust 0.59)",
            )


def check_config(config: Mapping, root: str | Path = ".") -> None:
    """Raise one ConfigError listing every semantic problem of ``config`` (schema defaults already set).

    ``root`` is the folder relative paths are read from (Snakemake's working directory).
    """
    root = Path(root)
    problems = Problems()
    if config["inputs"] == "real":
        check_real_inputs(config, root, problems)
    else:
        check_demo(config, problems)
    tables = load_resources(config, root, problems)
    check_regions(config, tables, problems)
    check_ape(config, tables, problems)
    check_groups(config, tables, problems)
    check_grid(config, problems)
    check_uncertainty(config, problems)
    check_lists_and_months(config, root, problems)
    problems.raise_any()
