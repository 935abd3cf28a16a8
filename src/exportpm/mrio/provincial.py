"""China's provincial MRIO expanded from 42 to the 65 GTAP sectors (paper Eq. 1 and its special treatments).

Every CEADs sector k is split into its GTAP sectors g by provincial output shares S[p, k, g]:
* ``one_to_one``: the whole sector (several CEADs sectors may feed one GTAP sector);
* ``gtap_china_output``: GTAP China's output shares among the GTAP sectors of k;
* ``yearbook_agriculture`` (Eq. 1): V_s = V_g O_s / O_g with yearbook output by product, where
  cereal grains nec = grains - rice - wheat, and O_g the yearbook's total agricultural output (default,
  ``agriculture_total="yearbook"``); the share of the total no mapped product takes (agricultural services,
  unlisted products) is reported and split by GTAP China's shares, so the MRIO's agriculture is allocated
  completely. With ``agriculture_total="mapped"``, O_g is the sum of the mapped products;
* ``yearbook_bovine_meat``: bovine meat output = provincial beef price x production (national
  production-weighted average price where a province reports none); the rest of food by GTAP China shares.
  Bovine meat above 95 % of a province's food sector means bad yearbook data: an InputError naming the
  province (default, ``bovine_cap="error"``) or, with ``bovine_cap="warn"``, a warning and the 95 % cap;
* ``yearbook_furniture``: the furniture share of wood processing + furniture goes to manufactures nec.
Rows split by the supplying province's shares, columns by the using province's shares (the sub-sectors share
their parent's input structure), so row and column balances are preserved exactly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.io.ceads import CeadsTable
from exportpm.io.yearbook import AGRICULTURE_ITEMS

log = logging.getLogger(__name__)

FD_CATEGORIES = ("household", "government", "gfcf")
# CEADs final-demand columns -> the paper's three categories (inventory changes count as capital formation).
CEADS_FD_MAP = (0, 0, 1, 2, 2)
SPLIT_RULES = ("one_to_one", "gtap_china_output", "yearbook_agriculture", "yearbook_bovine_meat", "yearbook_furniture")


@dataclass
class ProvincialMRIO:
    """Provincial MRIO at GTAP sector resolution, US$ million, rows and columns province-major."""

    provinces: tuple[str, ...]  # ISO 3166-2
    sectors: tuple[str, ...]  # GTAP codes
    Z: np.ndarray  # (P*N, P*N), imports included (competitive-import table)
    FD: np.ndarray  # (P*N, P*3)
    exports: np.ndarray
    imports: np.ndarray
    other: np.ndarray
    x: np.ndarray
    va: np.ndarray


@dataclass
class YearbookData:
    """Yearbook inputs of Eq. 1: agricultural output by item (100 million CNY), cattle, furniture share."""

    agriculture: pd.DataFrame  # wide: province x item (100 million CNY)
    cattle: pd.DataFrame  # province -> production_10k_t, price_cny_per_kg
    furniture_share: pd.Series  # province -> share


def split_shares(
    concordance: pd.DataFrame,
    ceads_sectors: list[str],
    gtap_sectors: tuple[str, ...],
    provinces: tuple[str, ...],
    china_output: np.ndarray,
    yearbooks: YearbookData,
    ceads_output: np.ndarray,
    source: str = "concordance",
    agriculture_total: str = "yearbook",
    bovine_cap: str = "error",
) -> np.ndarray:
    """S[p, k, g]: share of CEADs sector k's output in province p that belongs to GTAP sector g.

    ``china_output`` is GTAP China's output by GTAP sector; ``ceads_output`` is (P, K) in 10^4 CNY.
    """
    P, K, N = len(provinces), len(ceads_sectors), len(gtap_sectors)
    S = np.zeros((P, K, N))
    for k, code in enumerate(ceads_sectors):
        rows = concordance[concordance["ceads_code"] == code]
        rows = rows[rows["gtap_code"].isin(gtap_sectors)]
        if rows.empty:
            raise InputError(source, "ceads_code", f"a GTAP sector for provincial sector {code}")
        rules = set(rows["split_rule"])
        if len(rules) != 1 or not rules <= set(SPLIT_RULES):
            raise InputError(source, "split_rule", f"one of {SPLIT_RULES} per provincial sector", f"{code}: {rules}")
        rule = rules.pop()
        targets = [gtap_sectors.index(g) for g in rows["gtap_code"]]
        base = china_output[targets]
        base = base / base.sum() if base.sum() > 0 else np.full(len(targets), 1 / len(targets))
        S[:, k, targets] = base[None, :]
        if rule == "one_to_one" and len(targets) != 1:
            raise InputError(source, "split_rule", f"a single GTAP sector for one_to_one sector {code}")
        if rule == "yearbook_agriculture":
            S[:, k, :] = _agriculture_shares(
                yearbooks.agriculture, provinces, gtap_sectors, targets, base, agriculture_total
            )
        elif rule == "yearbook_bovine_meat":
            S[:, k, :] = _bovine_shares(
                yearbooks.cattle, provinces, gtap_sectors, targets, base, ceads_output[:, k], bovine_cap
            )
        elif rule == "yearbook_furniture":
            S[:, k, :] = _furniture_shares(yearbooks.furniture_share, provinces, gtap_sectors, targets)
    return S


def _agriculture_shares(
    table: pd.DataFrame, provinces, gtap_sectors, targets, fallback, agriculture_total: str = "yearbook"
) -> np.ndarray:
    """Eq. 1 shares O_s / O_g of the agricultural GTAP sectors per province (see the module docstring)."""
    if agriculture_total not in ("yearbook", "mapped"):
        raise ValueError(f"agriculture_total must be 'yearbook' or 'mapped', not {agriculture_total!r}")
    out = np.zeros((len(provinces), len(gtap_sectors)))
    item_of = {g: item for item, g in AGRICULTURE_ITEMS.items()}
    for p, province in enumerate(provinces):
        values = np.zeros(len(targets))
        total = np.nan
        if province in table.index:
            row = table.loc[province]
            total = float(row.get("total", np.nan))
            for t, g in enumerate(targets):
                code = gtap_sectors[g]
                if code == "gro":
                    values[t] = row.get("grains", 0.0) - row.get("rice", 0.0) - row.get("wheat", 0.0)
                else:
                    values[t] = row.get(item_of.get(code, ""), 0.0)
        values = np.clip(values, 0.0, None)
        if values.sum() <= 0:
            log.warning("yearbook: no agricultural output by product for %s; GTAP China shares used", province)
            out[p, targets] = fallback
            continue
        out[p, targets] = _eq1_shares(values, total, fallback, province, agriculture_total)
    return out


def _eq1_shares(
    values: np.ndarray, total: float, fallback: np.ndarray, province: str, agriculture_total: str
) -> np.ndarray:
    """O_s / O_g with O_g the yearbook total (the unallocated remainder split by ``fallback``), or the sum."""
    if agriculture_total == "mapped":
        return values / values.sum()
    if not np.isfinite(total) or total <= 0:
        log.warning("yearbook: %s has no total agricultural output; O_g = the sum of its mapped products", province)
        return values / values.sum()
    unallocated = 1.0 - values.sum() / total
    if unallocated < -1e-9:
        log.warning(
            "yearbook: %s's mapped agricultural products exceed its total by %.1f %%; O_g = their sum",
            province,
            -100 * unallocated,
        )
        return values / values.sum()
    log.info(
        "yearbook (Eq. 1): %s: %.2f %% of total agricultural output in no mapped product, split by GTAP China shares",
        province,
        100 * max(unallocated, 0.0),
    )
    return values / total + max(unallocated, 0.0) * fallback


def _bovine_shares(
    cattle: pd.DataFrame, provinces, gtap_sectors, targets, base, sector_output, bovine_cap: str = "error"
) -> np.ndarray:
    out = np.zeros((len(provinces), len(gtap_sectors)))
    if "cmt" not in [gtap_sectors[g] for g in targets]:
        out[:, targets] = base
        return out
    cmt = gtap_sectors.index("cmt")
    rest = [g for g in targets if g != cmt]
    rest_base = np.array([base[targets.index(g)] for g in rest])
    rest_base = rest_base / rest_base.sum() if rest_base.sum() > 0 else np.full(len(rest), 1 / max(len(rest), 1))
    reported = cattle["price_cny_per_kg"].notna()
    national_price = (
        float(
            (cattle.loc[reported, "price_cny_per_kg"] * cattle.loc[reported, "production_10k_t"]).sum()
            / cattle.loc[reported, "production_10k_t"].sum()
        )
        if reported.any()
        else np.nan
    )
    for p, province in enumerate(provinces):
        if province not in cattle.index or not np.isfinite(national_price) or sector_output[p] <= 0:
            out[p, targets] = base
            continue
        price = cattle.at[province, "price_cny_per_kg"]
        if not np.isfinite(price):
            price = national_price
            log.info("yearbook: %s reports no beef price; national average %.2f CNY/kg used", province, price)
        value = cattle.at[province, "production_10k_t"] * price * 1e3  # 10^4 t x CNY/kg -> 10^4 CNY
        share = value / sector_output[p]
        if share > 0.95:
            if bovine_cap != "warn":
                raise InputError(
                    "yearbook cattle table",
                    "production_10k_t x price_cny_per_kg",
                    f"bovine meat output at most 95 % of {province}'s food sector (check the yearbook; "
                    "mrio.bovine_cap: warn caps it at 95 % instead)",
                    f"{province}: {100 * share:.0f} %",
                )
            log.warning(
                "YEARBOOK DATA SUSPECT: bovine meat would be %.0f %% of food in %s; capped at 95 %%",
                100 * share,
                province,
            )
            share = 0.95
        out[p, cmt] = share
        out[p, rest] = (1 - share) * rest_base
    return out


def _furniture_shares(furniture: pd.Series, provinces, gtap_sectors, targets) -> np.ndarray:
    out = np.zeros((len(provinces), len(gtap_sectors)))
    codes = [gtap_sectors[g] for g in targets]
    if sorted(codes) != ["lum", "omf"]:
        raise InputError("concordance", "split_rule", "yearbook_furniture to split into lum and omf", f"{codes}")
    lum, omf = gtap_sectors.index("lum"), gtap_sectors.index("omf")
    for p, province in enumerate(provinces):
        share = float(furniture.get(province, np.nan))
        if not np.isfinite(share):
            raise InputError("wood/furniture yearbook", "province", f"a row for {province}")
        out[p, omf], out[p, lum] = share, 1 - share
    return out


def expand_provincial(
    table: CeadsTable, provinces: tuple[str, ...], sectors: tuple[str, ...], S: np.ndarray, usd_rate_cny: float
) -> ProvincialMRIO:
    """Apply the split shares to rows and columns; convert 10^4 CNY to US$ million at ``usd_rate_cny``."""
    P, K, N = S.shape
    B = np.zeros((P * K, P * N))
    for p in range(P):
        B[p * K : (p + 1) * K, p * N : (p + 1) * N] = S[p]
    to_musd = 1.0 / (usd_rate_cny * 100.0)
    fd3 = np.zeros((P * K, P * len(FD_CATEGORIES)))
    for c, target in enumerate(CEADS_FD_MAP):
        fd3[:, target :: len(FD_CATEGORIES)] += table.FD[:, c :: len(CEADS_FD_MAP)]
    mrio = ProvincialMRIO(
        provinces=provinces,
        sectors=tuple(sectors),
        Z=B.T @ table.Z @ B * to_musd,
        FD=B.T @ fd3 * to_musd,
        exports=B.T @ table.exports * to_musd,
        imports=B.T @ table.imports * to_musd,
        other=B.T @ table.other * to_musd,
        x=B.T @ table.output * to_musd,
        va=B.T @ table.value_added.sum(axis=0) * to_musd,
    )
    rows = mrio.Z.sum(1) + mrio.FD.sum(1) + mrio.exports - mrio.imports + mrio.other
    cols = mrio.Z.sum(0) + mrio.va
    gap = max(np.abs(rows - mrio.x).max(), np.abs(cols - mrio.x).max()) / max(mrio.x.max(), 1e-30)
    log.info("provincial expansion: %d x %d -> %d x %d rows; balance gap %.2e", P, K, P, N, gap)
    return mrio
