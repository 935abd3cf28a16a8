"""A first look at every raw input: can the pipeline's readers open it, and what does it hold?"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.io.boundaries import read_boundaries
from exportpm.io.customs import read_concordance
from exportpm.io.emission_inputs import read_agri_nh3, read_gains
from exportpm.io.gtap import har_arrays, load_har, read_gtap_basedata
from exportpm.io.meic import read_meic_grid
from exportpm.io.population import population_note, read_population
from exportpm.io.stations import station_means
from exportpm.io.tabular import read_table as read_text_table
from exportpm.io.tabular import read_text
from exportpm.io.yearbook import ALIASES as YEARBOOK_ALIASES
from exportpm.io.yearbook import read_agriculture_output, read_cattle, read_wood_furniture
from exportpm.resources import resource

log = logging.getLogger(__name__)
SYNTHETIC_MARK = "SYNTHETIC"


def marked_synthetic(path: str | Path) -> bool:
    """True if the file's first 4 KB carry the demo world's SYNTHETIC mark (its provenance note)."""
    path = Path(path)
    if not path.is_file():
        return False
    with open(path, "rb") as handle:
        return SYNTHETIC_MARK.encode() in handle.read(4096)


def _row(key: str, path: str, records: int, total: float, unit: str, note: str) -> dict:
    return {
        "input": key,
        "path": str(path),
        "records": int(records),
        "total": float(total),
        "unit": unit,
        "synthetic": marked_synthetic(path) or SYNTHETIC_MARK in note,
        "note": note,
    }


def summarise_gtap(path: str, sets_path: str | None = None) -> dict:
    """Summary row of the GTAP base data: world gross output (US$ million) and identity residuals."""
    headers = load_har(path)  # read once; every header must be readable, not only those the MRIO uses
    history = " ".join(har_arrays(headers, path, ["XXHS"])["XXHS"]) if "XXHS" in headers else ""
    gtap = read_gtap_basedata(path, sets_path, headers=headers)
    residuals = gtap.residuals
    worst = max(residuals, key=residuals.get)
    for name, value in residuals.items():
        log.info("GTAP %s: identity %s max relative residual %.2e", path, name, value)
    n = len(gtap.sectors)
    return _row(
        "gtap_basedata",
        path,
        len(gtap.regions) * n,
        gtap.world_output,
        "US$ million (gross output)",
        f"{len(gtap.regions)} regions x {n} sectors; worst identity {worst} {residuals[worst]:.1e}; {history}",
    )


def summarise_ceads(path: str) -> dict:
    """Summary row of the CEADs provincial MRIO: total output (10^4 CNY) and row-balance residual."""
    from exportpm.io.ceads import read_ceads_mrio

    table = read_ceads_mrio(path)
    return _row(
        "ceads_mrio",
        path,
        len(table.rows),
        table.output.sum(),
        "10^4 CNY (total output)",
        f"{len(table.provinces)} provinces x {len(table.sectors)} sectors; unit {table.units}; row balance "
        f"residual {table.residuals['row_balance']:.1e}; {table.title}",
    )


def summarise_csv(key: str, path: str, value_column: str, unit: str, reader=None) -> dict:
    """One CSV input; ``reader`` (the pipeline's own, e.g. read_cattle) checks it first. Any encoding of tabular."""
    if reader is not None:
        reader(path)
    frame = read_text_table(path, required=[value_column], aliases=YEARBOOK_ALIASES)
    values = pd.to_numeric(frame[value_column].replace("", np.nan), errors="coerce")
    if unit != "codes" and values.isna().all():
        raise InputError(path, value_column, "numeric values")
    header = "".join(line + "\n" for line in read_text(path).splitlines() if line.startswith("#"))
    total = float(len(frame)) if unit == "codes" else float(values.sum())
    note = " ".join(header.replace("#", " ").split())[:240]
    return _row(key, path, len(frame), total, unit, note)


def summarise_customs(path: str) -> dict:
    """Summary row of the customs records: total value (US$) and export / import record counts."""
    from exportpm.io.customs import read_customs_records

    records = read_customs_records(path)
    exports = int((records["flow"] == "export").sum())
    return _row(
        "customs",
        path,
        len(records),
        float(records["value_usd"].sum()),
        "US$",
        f"{exports} export and {len(records) - exports} import records",
    )


def summarise_meic(paths: list[str]) -> dict:
    """Summary row of the MEIC grids: total emissions (t, all months, sectors, species)."""
    total = 0.0
    for path in paths:
        _, values = read_meic_grid(path)
        total += values.sum()
    readme = Path(paths[0]).parent / "README.txt"  # provenance beside grids that carry no metadata (.asc)
    extra = " ".join(readme.read_text(encoding="utf-8").split())[:240] if readme.is_file() else ""
    return _row(
        "meic",
        paths[0],
        len(paths),
        total,
        "t (all months, sectors, species)",
        f"{len(paths)} monthly files; first {Path(paths[0]).name}. {extra}".strip(),
    )


def summarise_gains(paths: list[str]) -> dict:
    """Summary row of the GAINS exports: total emissions (kt) and row count."""
    frames = [read_gains(path) for path in paths]  # the pipeline's reader: schema, provinces, encodings
    total, rows = float(sum(f["kt"].sum() for f in frames)), sum(len(f) for f in frames)
    return _row("gains", paths[0], rows, total, "kt", f"{len(paths)} GAINS exports")


def summarise_population(path: str) -> dict:
    """Summary row of the population grid: total population (people) and cell count."""
    _, people = read_population(path)
    note = f"{people.shape[0]} x {people.shape[1]} cells. {population_note(path)}"[:240]
    return _row("population", path, people.size, float(people.sum()), "persons", note)


def summarise_boundaries(path: str) -> dict:
    """Summary row of the province boundaries: number of provinces and their source."""
    codes, _ = read_boundaries(path)  # the pipeline's reader: one valid polygon per known province, WGS84
    source = json.loads(Path(path).read_text(encoding="utf-8-sig")).get("source", "")
    return _row("boundaries", path, len(codes), len(codes), "provinces", str(source))


def summarise_stations(station_list: str, archive: list[str], study_year: int) -> dict:
    """Station list and daily archive through the evaluation's reader (GB 3095-2012 validity counts)."""
    means = station_means(archive, station_list, study_year)
    valid = int(means.annual["valid"].sum())
    note = (
        f"{len(means.stations)} stations, {len(archive)} daily files; {valid} with a valid annual mean, "
        f"{int(means.monthly['valid'].sum())} valid station-months"
    )
    return _row(
        "stations",
        station_list,
        len(means.stations),
        float(means.annual["pm25_ugm3"].mean()),
        "ug/m3 (mean of valid annual station means)",
        note,
    )


def summarise_inputs(paths: dict[str, str | list[str]], study_year: int) -> pd.DataFrame:
    """One row per raw input (file, records, total, unit, synthetic flag, note)."""
    rows = [
        summarise_gtap(paths["gtap"], paths.get("gtap_sets")),
        summarise_ceads(paths["ceads"]),
        summarise_csv(
            "yearbook_agriculture",
            paths["yearbook_agriculture"],
            "output_value_100m_cny",
            "100m CNY",
            read_agriculture_output,
        ),
        summarise_csv("yearbook_cattle", paths["yearbook_cattle"], "beef_production_10k_t", "10^4 t", read_cattle),
        summarise_csv(
            "yearbook_wood_furniture",
            paths["yearbook_wood_furniture"],
            "furniture_output_100m_cny",
            "100m CNY",
            read_wood_furniture,
        ),
        summarise_customs(paths["customs"]),
        summarise_csv("hs6_concordance", paths["hs6_concordance"], "hs6", "codes", read_concordance),
        summarise_csv(
            "agri_nh3",
            paths["agri_nh3"],
            "nh3_t",
            "t NH3",
            lambda path: read_agri_nh3(path, resource("agnh3_categories")),
        ),
        summarise_meic(list(paths["meic"])),
        summarise_gains(list(paths["gains"])),
        summarise_population(paths["population"]),
        summarise_boundaries(paths["boundaries"]),
    ]
    if "stations" in paths:
        rows.append(summarise_stations(paths["stations"], list(paths["station_archive"]), study_year))
    frame = pd.DataFrame(rows)
    frame.insert(1, "study_year", study_year)
    return frame
