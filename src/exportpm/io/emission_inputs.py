"""Readers of the emission inputs besides MEIC: GAINS CSV exports and the agricultural NH3 inventory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from exportpm.errors import InputError
from exportpm.io.tabular import finite, numeric, read_table, validate_frame
from exportpm.io.yearbook import province_codes

GAINS_HEADER_LINES = 6
GAINS_COLUMNS = ("Region", "Sector", "emiss")
# One row per region, sector and activity (fuel); emissions in kt, finite and non-negative.
GAINS_SCHEMA = pa.DataFrameSchema(
    {
        "Region": pa.Column(str, pa.Check.str_length(min_value=1)),
        "Sector": pa.Column(str, pa.Check.str_length(min_value=1)),
        "Activity": pa.Column(str, required=False),
        "emiss": pa.Column(float, [finite(), pa.Check.ge(0)]),
    },
    unique=["Region", "Sector", "Activity"],
    report_duplicates="all",
)
# One row per province and product category; NH3 in t, finite and non-negative.
AGRI_NH3_SCHEMA = pa.DataFrameSchema(
    {
        "province": pa.Column(str, pa.Check.str_length(min_value=1)),
        "category": pa.Column(str, pa.Check.str_length(min_value=1)),
        "nh3_t": pa.Column(float, [finite(), pa.Check.ge(0)]),
    },
    unique=["province", "category"],
    report_duplicates="all",
)


def read_gains(path: str | Path) -> pd.DataFrame:
    """One GAINS export: province (ISO 3166-2), gains_sector, emissions in kt.

    Six preamble lines, then ``Region, Sector, Activity, [Unit], activity, impl_ef, emiss`` (read with
    :func:`exportpm.io.tabular.read_table`: UTF-8, UTF-8 with BOM or GB18030; validated by :data:`GAINS_SCHEMA`:
    no duplicate region-sector-activity row, emissions finite and >= 0). Regions are GAINS region names such
    as ``CHIN_<province>``; the prefix is dropped and the rest matched against the province table (ISO 3166-2
    code, NBS code, English or Chinese name). Several activities of one sector are summed by the caller.
    """
    frame = read_table(path, required=list(GAINS_COLUMNS), skiprows=GAINS_HEADER_LINES, comment=None)
    frame = frame.assign(emiss=numeric(frame, "emiss", path))
    if "Activity" not in frame.columns:
        frame["Activity"] = ""
    frame = validate_frame(frame, GAINS_SCHEMA, path)
    names = frame["Region"].astype(str).str.strip().str.replace(r"^CHIN_", "", regex=True)
    return pd.DataFrame(
        {
            "province": province_codes(names, path, "Region").to_numpy(),
            "gains_sector": frame["Sector"].astype(str).str.strip().to_numpy(),
            "kt": frame["emiss"].to_numpy(),
        }
    )


def read_agri_nh3(path: str | Path, categories: pd.DataFrame) -> pd.DataFrame:
    """province (ISO 3166-2), category, gtap_sector, nh3_t; categories must be known.

    Validated by :data:`AGRI_NH3_SCHEMA` (one row per province and category, NH3 finite and >= 0 t); a
    province given twice under different identifiers (code and name) is a duplicate too.
    """
    frame = read_table(path, required=["province", "category", "nh3_t"])
    frame = frame.assign(
        nh3_t=numeric(frame, "nh3_t", path),
        province=province_codes(frame["province"], path).to_numpy(),
        category=frame["category"].str.strip(),
    )
    frame = validate_frame(frame, AGRI_NH3_SCHEMA, path)
    mapping = dict(zip(categories["category"], categories["gtap_code"], strict=True))
    unknown = sorted(set(frame["category"]) - set(mapping))
    if unknown:
        raise InputError(path, "category", f"one of {sorted(mapping)}", f"{unknown}")
    return pd.DataFrame(
        {
            "province": frame["province"].to_numpy(),
            "category": frame["category"].to_numpy(),
            "gtap_sector": frame["category"].map(mapping).to_numpy(),
            "nh3_t": frame["nh3_t"].to_numpy(),
        }
    )


def interpolate_years(
    value_a: np.ndarray, value_b: np.ndarray, year_a: int, year_b: int, year: int, method: str = "linear"
) -> np.ndarray:
    """Emissions in ``year`` between two GAINS years (paper: linear; others for the uncertainty analysis)."""
    t = (year - year_a) / (year_b - year_a)
    if method == "linear":
        return value_a + t * (value_b - value_a)
    if method == "nearest":
        return value_a.copy() if t <= 0.5 else value_b.copy()
    if method == "loglinear":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.exp(np.log(value_a) + t * (np.log(value_b) - np.log(value_a)))
        return np.where((value_a > 0) & (value_b > 0), out, value_a + t * (value_b - value_a))
    raise ValueError(f"interpolation method {method!r}: expected linear, nearest or loglinear")
