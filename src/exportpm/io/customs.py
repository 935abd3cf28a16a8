"""Chinese customs records -> province x GTAP sector x GTAP region trade flows (US$ million).

Columns: ``province`` (ISO 3166-2, NBS code or name), ``hs_code`` (6 or more digits; the first 6 are HS6),
``partner_iso3``, ``trade_mode``, ``flow`` (export | import), ``value_usd``. HS6 codes map to GTAP sectors by
the HS6 concordance and ISO3 codes to GTAP regions by the region table; both must cover every record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.io.yearbook import province_codes
from exportpm.resources import read_table

log = logging.getLogger(__name__)
REQUIRED = ["province", "hs_code", "partner_iso3", "trade_mode", "flow", "value_usd"]


@dataclass
class CustomsFlows:
    """Trade by flow as arrays [province, GTAP sector, GTAP region] in US$ million, and what was dropped."""

    exports: np.ndarray
    imports: np.ndarray
    excluded_share: dict[str, float]   # flow -> share of value in the excluded trade modes


def iso3_to_region(table_path: str | Path) -> dict[str, str]:
    table = read_table(table_path, required=["code", "iso3_members"])
    lookup = {}
    for code, members in zip(table["code"], table["iso3_members"], strict=True):
        for iso3 in members.split(";"):
            lookup[iso3.strip().upper()] = code
    return lookup


def read_customs(path: str | Path, hs_concordance: str | Path, region_table: str | Path,
                 provinces: tuple[str, ...], sectors: tuple[str, ...], regions: tuple[str, ...],
                 excluded_modes: list[str]) -> CustomsFlows:
    """Aggregate customs records to the linked table's provinces, sectors and (foreign) regions."""
    frame = pd.read_csv(path, comment="#", dtype={"hs_code": str, "partner_iso3": str, "province": str})
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(path, missing[0], "a customs column", f"columns {list(frame.columns)}")
    values = pd.to_numeric(frame["value_usd"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise InputError(path, "value_usd", "non-negative numbers")
    flows = set(frame["flow"])
    if not flows <= {"export", "import"}:
        raise InputError(path, "flow", "'export' or 'import'", f"{sorted(flows)}")
    concordance = read_table(hs_concordance, required=["hs6", "gtap_code"])
    hs_to_sector = dict(zip(concordance["hs6"], concordance["gtap_code"], strict=True))
    hs6 = frame["hs_code"].str.strip().str[:6]
    sector = hs6.map(hs_to_sector)
    if sector.isna().any():
        raise InputError(path, "hs_code", f"HS6 codes listed in {hs_concordance}",
                         f"unknown {sorted(set(hs6[sector.isna()]))[:5]}")
    lookup = iso3_to_region(region_table)
    region = frame["partner_iso3"].str.strip().str.upper().map(lookup)
    if region.isna().any():
        raise InputError(path, "partner_iso3", f"ISO 3166-1 alpha-3 codes listed in {region_table}",
                         f"unknown {sorted(set(frame.loc[region.isna(), 'partner_iso3']))[:5]}")
    province = province_codes(frame["province"], path)
    excluded = frame["trade_mode"].isin(excluded_modes)
    share = {f: float(values[excluded & (frame["flow"] == f)].sum() / max(values[frame["flow"] == f].sum(), 1e-30))
             for f in ("export", "import")}
    for flow, value in share.items():
        log.info("customs %s: %.1f %% of value in excluded trade modes dropped", flow, 100 * value)
    keep = ~excluded & province.isin(provinces) & sector.isin(sectors) & region.isin(regions)
    dropped = values[~excluded & ~keep].sum()
    if dropped > 0:
        log.info("customs: US$ %.4g outside the linked table's provinces, sectors or regions dropped", dropped)
    arrays = {}
    for flow in ("export", "import"):
        sel = keep & (frame["flow"] == flow)
        p = province[sel].map({c: i for i, c in enumerate(provinces)}).to_numpy()
        s = sector[sel].map({c: i for i, c in enumerate(sectors)}).to_numpy()
        r = region[sel].map({c: i for i, c in enumerate(regions)}).to_numpy()
        array = np.zeros((len(provinces), len(sectors), len(regions)))
        np.add.at(array, (p, s, r), values[sel].to_numpy() / 1e6)
        arrays[flow] = array
    return CustomsFlows(arrays["export"], arrays["import"], share)
