"""Readers of the emission inputs besides MEIC: GAINS CSV exports and the agricultural NH3 inventory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.io.yearbook import province_codes
from exportpm.resources import read_table

GAINS_HEADER_LINES = 6
GAINS_COLUMNS = ("Region", "Sector", "emiss")


def read_gains(path: str | Path) -> pd.DataFrame:
    """One GAINS export: province (ISO 3166-2), gains_sector, emissions in kt.

    Regions are GAINS region names such as ``CHIN_<province>``; the prefix is dropped and the rest matched
    against the province table (ISO 3166-2 code, NBS code, English or Chinese name).
    """
    try:
        frame = pd.read_csv(path, skiprows=GAINS_HEADER_LINES)
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", f"a GAINS CSV export ({GAINS_HEADER_LINES} header lines)") from err
    for column in GAINS_COLUMNS:
        if column not in frame.columns:
            raise InputError(path, column, "a GAINS export column", f"columns {list(frame.columns)}")
    emiss = pd.to_numeric(frame["emiss"], errors="coerce")
    if emiss.isna().any() or (emiss < 0).any():
        raise InputError(path, "emiss", "non-negative emissions (kt)")
    names = frame["Region"].astype(str).str.replace(r"^CHIN_", "", regex=True)
    return pd.DataFrame({"province": province_codes(names, path, "Region").to_numpy(),
                         "gains_sector": frame["Sector"].astype(str).to_numpy(), "kt": emiss.to_numpy()})


def read_agri_nh3(path: str | Path, categories: pd.DataFrame) -> pd.DataFrame:
    """province (ISO 3166-2), category, gtap_sector, nh3_t; categories must be known."""
    frame = read_table(path, required=["province", "category", "nh3_t"])
    values = pd.to_numeric(frame["nh3_t"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise InputError(path, "nh3_t", "non-negative NH3 emissions (t)")
    mapping = dict(zip(categories["category"], categories["gtap_code"], strict=True))
    unknown = sorted(set(frame["category"]) - set(mapping))
    if unknown:
        raise InputError(path, "category", f"one of {sorted(mapping)}", f"{unknown}")
    return pd.DataFrame({"province": province_codes(frame["province"], path).to_numpy(),
                         "category": frame["category"].to_numpy(),
                         "gtap_sector": frame["category"].map(mapping).to_numpy(), "nh3_t": values.to_numpy()})


def interpolate_years(value_a: np.ndarray, value_b: np.ndarray, year_a: int, year_b: int, year: int,
                      method: str = "linear") -> np.ndarray:
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
