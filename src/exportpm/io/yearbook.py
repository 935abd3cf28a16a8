"""Provincial yearbook tables transcribed as CSV (Eq. 1 and its three special treatments).

* agriculture: ``province, item, output_value_100m_cny`` (items: total, grains, rice, wheat, ...);
* cattle: ``province, beef_production_10k_t, beef_price_cny_per_kg`` (empty price = not reported);
* wood and furniture: ``province, wood_processing_output_100m_cny, furniture_output_100m_cny``.
Provinces are ISO 3166-2 codes, NBS codes or names (English or Chinese).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.resources import read_table, resource

AGRICULTURE_ITEMS = {  # yearbook item -> GTAP sector (grains handled separately: gro = grains - rice - wheat)
    "rice": "pdr", "wheat": "wht", "vegetables_fruits_nuts": "v_f", "oil_crops": "osd", "sugar_crops": "c_b",
    "fibre_crops": "pfb", "other_crops": "ocr", "cattle_sheep_goats_horses": "ctl",
    "pigs_poultry_other_animals": "oap", "raw_milk": "rmk", "wool_silk_cocoons": "wol", "forestry": "frs",
    "fishery": "fsh",
}


def province_codes(values: pd.Series, path: str | Path, field: str = "province") -> pd.Series:
    """Map province identifiers (ISO 3166-2, NBS code, English or Chinese name) to ISO 3166-2 codes."""
    table = resource("provinces31")
    lookup = {}
    for _, row in table.iterrows():
        for key in (row["iso3166_2"], row["nbs_code"], row["name_en"], row["name_zh"]):
            lookup[str(key).strip().lower()] = row["iso3166_2"]
    mapped = values.astype(str).str.strip().str.lower().map(lookup)
    unknown = sorted(set(values[mapped.isna()].astype(str)))
    if unknown:
        raise InputError(path, field, "a mainland province (ISO 3166-2 code, NBS code or name)",
                         f"unknown {unknown[:5]}")
    return mapped


def _numeric(frame: pd.DataFrame, column: str, path: str | Path, allow_missing: bool = False) -> pd.Series:
    values = pd.to_numeric(frame[column].replace("", np.nan), errors="coerce")
    bad = values.isna() & (frame[column].astype(str).str.strip() != "") if allow_missing else values.isna()
    if bad.any() or (values < 0).any():
        raise InputError(path, column, "non-negative numbers" + (" or empty cells" if allow_missing else ""),
                         f"{frame.loc[bad | (values < 0), column].head(3).tolist()}")
    return values


def read_agriculture_output(path: str | Path) -> pd.DataFrame:
    """Wide table: one row per province (ISO 3166-2), one column per item, 100 million CNY."""
    frame = read_table(path, required=["province", "item", "output_value_100m_cny"])
    frame["province"] = province_codes(frame["province"], path)
    frame["value"] = _numeric(frame, "output_value_100m_cny", path)
    known = {"total", "grains", "agricultural_services", *AGRICULTURE_ITEMS}
    unknown = sorted(set(frame["item"]) - known)
    if unknown:
        raise InputError(path, "item", f"one of {sorted(known)}", f"{unknown}")
    wide = frame.pivot_table(index="province", columns="item", values="value", aggfunc="sum")
    for item in ("grains", "rice", "wheat"):
        if item not in wide:
            wide[item] = 0.0
    wide = wide.fillna(0.0)
    if ((wide["grains"] - wide["rice"] - wide["wheat"]) < -1e-9 * wide["grains"].abs().max()).any():
        raise InputError(path, "grains", "grains >= rice + wheat in every province (cereal grains nec >= 0)")
    return wide


def read_cattle(path: str | Path) -> pd.DataFrame:
    """province -> beef production (10^4 t) and price (CNY/kg, NaN where not reported)."""
    frame = read_table(path, required=["province", "beef_production_10k_t", "beef_price_cny_per_kg"])
    return pd.DataFrame({"production_10k_t": _numeric(frame, "beef_production_10k_t", path).to_numpy(),
                         "price_cny_per_kg": _numeric(frame, "beef_price_cny_per_kg", path, True).to_numpy()},
                        index=province_codes(frame["province"], path).to_numpy())


def read_wood_furniture(path: str | Path) -> pd.Series:
    """province -> furniture share of wood processing + furniture output."""
    frame = read_table(path, required=["province", "wood_processing_output_100m_cny", "furniture_output_100m_cny"])
    wood = _numeric(frame, "wood_processing_output_100m_cny", path).to_numpy()
    furniture = _numeric(frame, "furniture_output_100m_cny", path).to_numpy()
    total = wood + furniture
    share = np.divide(furniture, total, out=np.zeros_like(total), where=total > 0)
    return pd.Series(share, index=province_codes(frame["province"], path).to_numpy(), name="furniture_share")
