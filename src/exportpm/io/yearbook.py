"""Provincial yearbook tables transcribed as CSV (Eq. 1 and its three special treatments).

* agriculture: ``province, item, output_value_100m_cny`` (items: total, grains, rice, wheat, ...);
* cattle: ``province, beef_production_10k_t, beef_price_cny_per_kg`` (empty price = not reported);
* wood and furniture: ``province, wood_processing_output_100m_cny, furniture_output_100m_cny``.
Provinces are ISO 3166-2 codes, NBS (GB/T 2260) codes or names (English or Chinese, with or without 省 / 市 /
自治区). Files are read through :func:`exportpm.io.tabular.read_table` (UTF-8, UTF-8 with BOM, GB18030; Chinese
headers accepted as aliases) and validated by one pandera schema each: finite non-negative values within a
plausible range of the stated unit (a table in 10^4 CNY or in t instead of 10^8 CNY or 10^4 t is rejected), one
row per province (and item), known items.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from exportpm.errors import InputError
from exportpm.io.tabular import finite, numeric, read_table, validate_frame
from exportpm.resources import resource

AGRICULTURE_ITEMS = {  # yearbook item -> GTAP sector (grains handled separately: gro = grains - rice - wheat)
    "rice": "pdr",
    "wheat": "wht",
    "vegetables_fruits_nuts": "v_f",
    "oil_crops": "osd",
    "sugar_crops": "c_b",
    "fibre_crops": "pfb",
    "other_crops": "ocr",
    "cattle_sheep_goats_horses": "ctl",
    "pigs_poultry_other_animals": "oap",
    "raw_milk": "rmk",
    "wool_silk_cocoons": "wol",
    "forestry": "frs",
    "fishery": "fsh",
}
ITEMS = ("total", "grains", "agricultural_services", *AGRICULTURE_ITEMS)
# Plausible upper bounds in each table's unit. China's gross output of agriculture was about 1.1e5 (10^8 CNY) in
# 2017 and its beef production about 6.3e2 (10^4 t); the bounds are generous multiples (an aggregated or
# synthetic province may hold the whole country), so only a wrong unit (x 10^4) exceeds them.
MAX_100M_CNY = 2e5
MAX_BEEF_10K_T = 1e4
BEEF_PRICE_RANGE = (5.0, 500.0)  # CNY per kg (2017 retail about 60-70)
# Suffixes of official province names (广东省, 北京市, 广西壮族自治区, Hebei Province, ...), dropped before matching.
PROVINCE_SUFFIXES = (
    r"(?i)(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区"
    r"|\s+province|\s+municipality|\s+autonomous region)$"
)
ALIASES = {
    "province": ("地区", "省份", "省(区、市)", "region"),
    "item": ("项目", "指标"),
    "output_value_100m_cny": ("总产值(亿元)", "产值(亿元)"),
    "beef_production_10k_t": ("牛肉产量(万吨)",),
    "beef_price_cny_per_kg": ("牛肉价格(元/公斤)",),
    "wood_processing_output_100m_cny": ("木材加工业产值(亿元)",),
    "furniture_output_100m_cny": ("家具制造业产值(亿元)",),
}


def _range(high: float, unit: str) -> list[pa.Check]:
    return [finite(), pa.Check.ge(0), pa.Check.le(high, error=f"<= {high:g} {unit} (a value in another unit?)")]


AGRICULTURE_SCHEMA = pa.DataFrameSchema(
    {
        "province": pa.Column(str),
        "item": pa.Column(str, pa.Check.isin(list(ITEMS), error=f"one of {list(ITEMS)}")),
        "output_value_100m_cny": pa.Column(float, _range(MAX_100M_CNY, "10^8 CNY")),
    },
    unique=["province", "item"],
    name="agriculture yearbook",
)
CATTLE_SCHEMA = pa.DataFrameSchema(
    {
        "province": pa.Column(str),
        "beef_production_10k_t": pa.Column(float, _range(MAX_BEEF_10K_T, "10^4 t")),
        "beef_price_cny_per_kg": pa.Column(
            float,
            pa.Check.in_range(
                *BEEF_PRICE_RANGE,
                error=(f"{BEEF_PRICE_RANGE[0]:g} to {BEEF_PRICE_RANGE[1]:g} CNY/kg (a price per t or per jin?)"),
            ),
            nullable=True,
        ),
    },
    unique=["province"],
    name="cattle yearbook",
)
WOOD_SCHEMA = pa.DataFrameSchema(
    {
        "province": pa.Column(str),
        "wood_processing_output_100m_cny": pa.Column(float, _range(MAX_100M_CNY, "10^8 CNY")),
        "furniture_output_100m_cny": pa.Column(float, _range(MAX_100M_CNY, "10^8 CNY")),
    },
    unique=["province"],
    name="wood and furniture yearbook",
)


def province_codes(values: pd.Series, path: str | Path, field: str = "province") -> pd.Series:
    """Map province identifiers (ISO 3166-2, NBS code, English or Chinese name) to ISO 3166-2 codes."""
    table = resource("provinces31")
    lookup = {}
    for _, row in table.iterrows():
        for key in (row["iso3166_2"], row["nbs_code"], row["name_en"], row["name_zh"]):
            lookup[str(key).strip().lower()] = row["iso3166_2"]
    cells = values.astype(str).str.strip()
    mapped = cells.str.lower().map(lookup)
    stripped = cells.str.replace(PROVINCE_SUFFIXES, "", regex=True).str.lower().map(lookup)
    mapped = mapped.where(mapped.notna(), stripped)
    unknown = sorted(set(values[mapped.isna()].astype(str)))
    if unknown:
        raise InputError(
            path, field, "a mainland province (ISO 3166-2 code, NBS code or name)", f"unknown {unknown[:5]}"
        )
    return mapped


def _table(path: str | Path, columns: list[str], blank: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read, map provinces, convert the value columns (``blank`` ones may be empty) as the schemas expect."""
    frame = read_table(
        path, required=columns, aliases={c: ALIASES[c] for c in columns if c in ALIASES}, require_final_newline=True
    )
    frame["province"] = province_codes(frame["province"], path)
    for column in columns:
        if column not in ("province", "item"):
            frame[column] = numeric(frame, column, path, allow_blank=column in blank)
    if "item" in frame:
        frame["item"] = frame["item"].str.strip().str.lower()
    return frame


def read_agriculture_output(path: str | Path) -> pd.DataFrame:
    """Wide table: one row per province (ISO 3166-2), one column per item, 100 million CNY."""
    frame = validate_frame(_table(path, ["province", "item", "output_value_100m_cny"]), AGRICULTURE_SCHEMA, path)
    wide = frame.pivot(index="province", columns="item", values="output_value_100m_cny")
    for item in ("grains", "rice", "wheat"):
        if item not in wide:
            wide[item] = 0.0
    wide = wide.fillna(0.0)
    short = (wide["grains"] - wide["rice"] - wide["wheat"]) < -1e-9 * wide["grains"].abs().max()
    if short.any():
        raise InputError(
            path,
            "grains",
            "grains >= rice + wheat in every province (cereal grains nec >= 0)",
            f"{list(wide.index[short])[:5]}",
        )
    if "total" in wide:
        parts = wide[[c for c in wide.columns if c in AGRICULTURE_ITEMS and c not in ("rice", "wheat")]].sum(axis=1)
        over = (parts + wide["grains"]) > wide["total"] * (1 + 1e-6)
        if over.any():
            raise InputError(
                path,
                "total",
                "a total at least the sum of its items (10^8 CNY)",
                f"items above the total in {list(wide.index[over])[:5]}",
            )
    return wide


def read_cattle(path: str | Path) -> pd.DataFrame:
    """province -> beef production (10^4 t) and price (CNY/kg, NaN where not reported)."""
    columns = ["province", "beef_production_10k_t", "beef_price_cny_per_kg"]
    frame = validate_frame(_table(path, columns, blank=("beef_price_cny_per_kg",)), CATTLE_SCHEMA, path)
    return pd.DataFrame(
        {
            "production_10k_t": frame["beef_production_10k_t"].to_numpy(),
            "price_cny_per_kg": frame["beef_price_cny_per_kg"].to_numpy(),
        },
        index=frame["province"].to_numpy(),
    )


def read_wood_furniture(path: str | Path) -> pd.Series:
    """province -> furniture share of wood processing + furniture output."""
    columns = ["province", "wood_processing_output_100m_cny", "furniture_output_100m_cny"]
    frame = validate_frame(_table(path, columns), WOOD_SCHEMA, path)
    wood = frame["wood_processing_output_100m_cny"].to_numpy()
    furniture = frame["furniture_output_100m_cny"].to_numpy()
    total = wood + furniture
    share = np.divide(furniture, total, out=np.zeros_like(total), where=total > 0)
    return pd.Series(share, index=frame["province"].to_numpy(), name="furniture_share")
