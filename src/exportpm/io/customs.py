"""Chinese customs records -> province x GTAP sector x GTAP region trade flows (US$ million).

Two layouts are read, both through :func:`exportpm.io.tabular.read_table` (UTF-8, UTF-8 with BOM or GB18030):

* the customs statistics platform's export (stats.customs.gov.cn), Chinese headers: 进出口 (出口 / 进口),
  商品编码 (8-digit code: HS6 + 2 national digits), 贸易伙伴编码 (customs country code) and/or 贸易伙伴名称,
  贸易方式编码 and/or 贸易方式名称, 注册地编码 / 境内货源地编码 / 境内目的地编码 (first two digits: GB/T 2260
  province) and/or the region's name, 美元 (US$; 千美元 and 万美元 are scaled, 人民币 alone is rejected);
* the project's own CSV: ``province`` (ISO 3166-2, NBS code or name), ``hs_code``, ``partner_iso3``,
  ``trade_mode``, ``flow`` (export | import), ``value_usd``.
Partners are resolved by ISO3, customs code or name (``resources/customs_partner_codes.csv``), trade modes by
name or code (``resources/customs_trade_modes.csv``); HS6 codes map to GTAP sectors by the HS6 concordance and
ISO3 codes to GTAP regions by the region table. Every record must resolve: an unknown code, a sector or region
the database lacks, a blank or non-finite value or a duplicated record is an :class:`InputError`. Only trade
with China itself as partner (re-imports) and the excluded trade modes are left out, and both are reported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from exportpm.errors import ConfigError, InputError
from exportpm.io.tabular import finite, numeric, read_table, validate_frame
from exportpm.io.yearbook import province_codes
from exportpm.resources import RESOURCES_DIR, resource

log = logging.getLogger(__name__)

# Canonical column -> accepted headers (the platform's Chinese names first, then the project's CSV).
ALIASES: dict[str, tuple[str, ...]] = {
    "flow": ("进出口", "进出口标志", "贸易流向", "流向"),
    "hs_code": ("商品编码", "商品代码", "HS编码", "commodity_code"),
    "partner_code": ("贸易伙伴编码", "贸易伙伴代码", "国别编码", "国家编码"),
    "partner_name": ("贸易伙伴名称", "贸易伙伴", "国别名称", "国家名称", "partner", "partner_name"),
    "trade_mode": ("贸易方式名称", "贸易方式"),
    "trade_mode_code": ("贸易方式编码", "贸易方式代码"),
    "region_code": ("注册地编码", "境内货源地编码", "境内目的地编码", "收发货人所在地编码"),
    "region_name": ("注册地名称", "注册地", "境内货源地名称", "境内货源地", "境内目的地名称", "境内目的地"),
    "period": ("数据年月", "年月", "period"),
}
# Value headers and their factor to US$.
VALUE_HEADERS = {"value_usd": 1.0, "美元": 1.0, "金额(美元)": 1.0, "金额（美元）": 1.0, "千美元": 1e3, "万美元": 1e4}
CNY_HEADERS = ("人民币", "人民币(元)", "人民币（元）", "value_cny")
FLOWS = {"export": "export", "import": "import", "出口": "export", "进口": "import", "e": "export", "i": "import"}
HOME_ISO3 = "CHN"
PARTNER_TABLE = RESOURCES_DIR / "customs_partner_codes.csv"
TRADE_MODE_TABLE = RESOURCES_DIR / "customs_trade_modes.csv"
REQUIRED_ANY = {
    "province": ("region_code", "region_name", "province"),
    "partner": ("partner_iso3", "partner_code", "partner_name"),
    "trade mode": ("trade_mode", "trade_mode_code"),
}


def records_schema(provinces: Sequence[str], trade_modes: Sequence[str]) -> pa.DataFrameSchema:
    """The customs records once resolved: one row per (period, flow, province, HS code, partner, trade mode)."""
    return pa.DataFrameSchema(
        {
            "flow": pa.Column(str, pa.Check.isin(["export", "import"])),
            "province": pa.Column(str, pa.Check.isin(list(provinces))),
            "hs_code": pa.Column(
                str, pa.Check.str_matches(r"^\d{6}(\d{2}(\d{2})?)?$", error="6-, 8- or 10-digit commodity codes")
            ),
            "iso3": pa.Column(str, nullable=True),
            "partner_region": pa.Column(str, nullable=True),
            "trade_mode": pa.Column(str, pa.Check.isin(list(trade_modes))),
            "value_usd": pa.Column(float, [pa.Check.ge(0), finite()]),
            "period": pa.Column(str),
        },
        unique=["period", "flow", "province", "hs_code", "partner", "trade_mode"],
        strict=False,
        name="customs records",
    )


CONCORDANCE_SCHEMA = pa.DataFrameSchema(
    {
        "hs6": pa.Column(str, pa.Check.str_matches(r"^\d{6}$", error="six-digit HS codes")),
        "gtap_code": pa.Column(
            str, pa.Check.isin(list(resource("gtap11_sectors")["code"]), error="GTAP 11 sector codes")
        ),
    },
    strict=False,
    name="HS6 -> GTAP concordance",
)


@dataclass
class CustomsFlows:
    """Trade by flow as arrays [province, GTAP sector, GTAP region] in US$ million, and what was left out."""

    exports: np.ndarray
    imports: np.ndarray
    excluded_share: dict[str, float]  # flow -> share of value in the excluded trade modes
    home_share: dict[str, float] | None = None  # flow -> share of value with China itself as partner


def iso3_to_region(table_path: str | Path) -> dict[str, str]:
    """ISO3 -> GTAP region code; an ISO3 listed under two regions is an error."""
    table = read_table(table_path, required=["code", "iso3_members"])
    lookup: dict[str, str] = {}
    for code, members in zip(table["code"], table["iso3_members"], strict=True):
        for iso3 in members.split(";"):
            iso3 = iso3.strip().upper()
            if iso3 in lookup and lookup[iso3] != code:
                raise InputError(
                    table_path, "iso3_members", "each ISO3 code in one region", f"{iso3} in {lookup[iso3]} and {code}"
                )
            lookup[iso3] = code
    return lookup


def read_concordance(path: str | Path) -> dict[str, str]:
    """HS6 -> GTAP sector; a code mapped twice to different sectors is an error (identical repeats are not)."""
    table = read_table(path, required=["hs6", "gtap_code"])
    table["hs6"], table["gtap_code"] = table["hs6"].str.strip(), table["gtap_code"].str.strip().str.lower()
    validate_frame(table, CONCORDANCE_SCHEMA, path)
    conflicts = table.drop_duplicates(["hs6", "gtap_code"])
    conflicts = conflicts[conflicts["hs6"].duplicated(keep=False)]
    if not conflicts.empty:
        pairs = conflicts.groupby("hs6")["gtap_code"].apply(lambda s: "/".join(s)).head(3)
        raise InputError(
            path,
            "hs6",
            "one GTAP sector per HS6 code",
            f"conflicting {'; '.join(f'{k}: {v}' for k, v in pairs.items())}",
        )
    return dict(zip(table["hs6"], table["gtap_code"], strict=True))


def _lookup(table: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return {
        str(k).strip().lower(): str(v).strip() for k, v in zip(table[key], table[value], strict=True) if str(k).strip()
    }


def _partners(frame: pd.DataFrame, path: str | Path, table_path: str | Path) -> tuple[pd.Series, pd.Series]:
    """(ISO3 or None, direct GTAP region or None) per record from the ISO3, code or name columns."""
    table = read_table(table_path, required=["customs_code", "name_zh", "name_en", "iso3", "gtap_region"])
    by_key = {
        **_lookup(table, "name_en", "customs_code"),
        **_lookup(table, "name_zh", "customs_code"),
        **_lookup(table, "customs_code", "customs_code"),
        **_lookup(table, "iso3", "customs_code"),
    }
    iso3_of, region_of = _lookup(table, "customs_code", "iso3"), _lookup(table, "customs_code", "gtap_region")
    resolved = None
    for column in ("partner_iso3", "partner_code", "partner_name"):
        if column not in frame:
            continue
        cells = frame[column].astype(str).str.strip()
        codes = cells.str.lower().map(by_key)
        iso_like = cells.str.fullmatch(r"[A-Za-z]{3}") & codes.isna()
        codes = codes.where(~iso_like, "iso3:" + cells.str.upper())
        unknown = sorted(set(cells[codes.isna()]))
        if unknown:
            raise InputError(
                path,
                column,
                f"partners listed in {Path(table_path).name} (customs code, name) or ISO 3166-1 alpha-3 codes",
                f"unknown {unknown[:5]}",
            )
        if resolved is None:
            resolved = codes
        elif (mismatch := codes != resolved).any():
            rows = list(np.flatnonzero(mismatch.to_numpy())[:3])
            raise InputError(
                path,
                column,
                "the same partner as the partner code column",
                f"{cells.iloc[rows].tolist()} in data rows {[int(r) + 1 for r in rows]}",
            )
    iso3 = resolved.map(lambda c: c[5:] if c.startswith("iso3:") else (iso3_of.get(c.lower()) or None))
    region = resolved.map(lambda c: None if c.startswith("iso3:") else (region_of.get(c.lower()) or None))
    iso3.name = next(c for c in ("partner_iso3", "partner_code", "partner_name") if c in frame)
    return iso3, region


def _trade_modes(frame: pd.DataFrame, path: str | Path, table_path: str | Path) -> pd.Series:
    """English trade-mode names (as the config's ``excluded_trade_modes``) from names or codes."""
    table = read_table(table_path, required=["trade_mode_code", "name_zh", "name_en"])
    by_name = {**_lookup(table, "name_en", "name_en"), **_lookup(table, "name_zh", "name_en")}
    by_code = _lookup(table, "trade_mode_code", "name_en")
    column, lookup = ("trade_mode", by_name) if "trade_mode" in frame else ("trade_mode_code", by_code)
    cells = frame[column].astype(str).str.strip()
    names = cells.str.lower().map(lookup)
    if names.isna().any():
        raise InputError(
            path,
            column,
            f"trade modes listed in {Path(table_path).name}",
            f"unknown {sorted(set(cells[names.isna()]))[:5]}",
        )
    return names


def _provinces(frame: pd.DataFrame, path: str | Path) -> pd.Series:
    if "region_code" in frame:
        cells = frame["region_code"].astype(str).str.strip()
        bad = ~cells.str.fullmatch(r"\d{2,6}")
        if bad.any():
            raise InputError(
                path,
                "region_code",
                "GB/T 2260 region codes (2 to 6 digits; the first two give the province)",
                f"{cells[bad].head(3).tolist()}",
            )
        return province_codes(cells.str[:2], path, "region_code")
    column = "region_name" if "region_name" in frame else "province"
    return province_codes(frame[column], path, column)


def _values(frame: pd.DataFrame, path: str | Path) -> pd.Series:
    present = [c for c in frame.columns if c in VALUE_HEADERS]
    if len(present) != 1:
        cny = [c for c in frame.columns if c in CNY_HEADERS]
        found = f"columns {list(frame.columns)}" + (" (values in CNY only)" if cny else "")
        raise InputError(
            path, "美元 / value_usd", "exactly one US$ value column (美元, 千美元, 万美元 or value_usd)", found
        )
    return numeric(frame, present[0], path, nonnegative=True) * VALUE_HEADERS[present[0]]


def excluded_trade_modes(names: Sequence[str], trade_mode_table: str | Path = TRADE_MODE_TABLE) -> list[str]:
    """The config's excluded trade modes as English names; a name the table lacks would exclude nothing."""
    table = read_table(trade_mode_table, required=["trade_mode_code", "name_zh", "name_en"])
    lookup = {
        **_lookup(table, "name_en", "name_en"),
        **_lookup(table, "name_zh", "name_en"),
        **_lookup(table, "trade_mode_code", "name_en"),
    }
    unknown = [n for n in names if str(n).strip().lower() not in lookup]
    if unknown:
        raise ConfigError(
            f"customs.excluded_trade_modes: {unknown} are no trade modes of "
            f"{Path(trade_mode_table).name} (names in English or Chinese, or codes)"
        )
    return [lookup[str(n).strip().lower()] for n in names]


def read_customs_records(
    path: str | Path, partner_table: str | Path = PARTNER_TABLE, trade_mode_table: str | Path = TRADE_MODE_TABLE
) -> pd.DataFrame:
    """Customs records of either layout as one validated frame: period, flow, province (ISO 3166-2), hs_code,
    partner, iso3, partner_region, trade_mode (English name), value_usd (US$)."""
    frame = read_table(path, aliases=ALIASES, require_final_newline=True)
    for what, columns in {**REQUIRED_ANY, "flow": ("flow",), "hs_code": ("hs_code",)}.items():
        if not any(c in frame for c in columns):
            raise InputError(
                path, " / ".join(_headers(c) for c in columns), f"a {what} column", f"columns {list(frame.columns)}"
            )
    value_usd = _values(frame, path)
    flows = frame["flow"].astype(str).str.strip().str.lower().map(FLOWS)
    if flows.isna().any():
        raise InputError(
            path, "flow", "出口 / 进口 (export / import)", f"{sorted(set(frame.loc[flows.isna(), 'flow']))[:5]}"
        )
    hs_code = frame["hs_code"].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    lost_zero = hs_code.str.fullmatch(r"\d{5}|\d{7}|\d{9}")
    if lost_zero.any():
        raise InputError(
            path,
            "hs_code",
            "6-, 8- or 10-digit commodity codes kept as text",
            f"{hs_code[lost_zero].head(3).tolist()} (a leading zero lost, e.g. by a spreadsheet?)",
        )
    iso3, region = _partners(frame, path, partner_table)
    partner_key = iso3.fillna("") + "|" + region.fillna("")
    records = pd.DataFrame(
        {
            "period": frame["period"].astype(str).str.strip() if "period" in frame else "",
            "flow": flows,
            "province": _provinces(frame, path),
            "hs_code": hs_code,
            "partner": partner_key,
            "iso3": iso3,
            "partner_region": region,
            "trade_mode": _trade_modes(frame, path, trade_mode_table),
            "value_usd": value_usd,
        }
    )
    modes = read_table(trade_mode_table, required=["name_en"])["name_en"].unique()
    records = validate_frame(records, records_schema(resource("provinces31")["iso3166_2"], modes), path)
    records.attrs["partner_column"] = iso3.name
    return records


def _headers(canonical: str) -> str:
    alternatives = ALIASES.get(canonical, ())
    return f"{alternatives[0]} ({canonical})" if alternatives else canonical


def read_customs(
    path: str | Path,
    hs_concordance: str | Path,
    region_table: str | Path,
    provinces: tuple[str, ...],
    sectors: tuple[str, ...],
    regions: tuple[str, ...],
    excluded_modes: list[str],
    partner_table: str | Path = PARTNER_TABLE,
    trade_mode_table: str | Path = TRADE_MODE_TABLE,
) -> CustomsFlows:
    """Aggregate customs records to the linked table's provinces, sectors and (foreign) regions.

    Long because each field is mapped and checked in turn before the aggregation; each check names its field.
    """
    excluded_modes = excluded_trade_modes(excluded_modes, trade_mode_table)
    frame = read_customs_records(path, partner_table, trade_mode_table)
    hs_to_sector = read_concordance(hs_concordance)
    hs6 = frame["hs_code"].str[:6]
    sector = hs6.map(hs_to_sector)
    if sector.isna().any():
        raise InputError(
            path,
            "hs_code",
            f"HS6 codes listed in {Path(hs_concordance).name}",
            f"unknown {sorted(set(hs6[sector.isna()]))[:5]}",
        )
    lookup = iso3_to_region(region_table)
    region = frame["partner_region"].where(frame["partner_region"].notna(), frame["iso3"].map(lookup))
    if region.isna().any():
        raise InputError(
            path,
            frame.attrs.get("partner_column", "partner"),
            f"partners whose ISO3 code is listed in {Path(region_table).name}",
            f"unknown {sorted(set(frame.loc[region.isna(), 'iso3'].astype(str)))[:5]}",
        )
    home = frame["iso3"].eq(HOME_ISO3)
    excluded = frame["trade_mode"].isin(excluded_modes)
    values = frame["value_usd"]
    checks = (
        ("province", frame["province"], provinces, "the provincial MRIO's provinces"),
        ("hs_code", sector, sectors, "the GTAP database's sectors"),
        ("partner", region, regions, "the GTAP database's foreign regions"),
    )
    for field, codes, allowed, what in checks:
        outside = ~codes.isin(allowed) & ~home
        if outside.any():
            raise InputError(
                path,
                field,
                f"records that map into {what}",
                f"{sorted(set(codes[outside].astype(str)))[:5]} (US$ {values[outside].sum():.4g})",
            )
    share, home_share = {}, {}
    for flow in ("export", "import"):
        total = max(values[frame["flow"] == flow].sum(), 1e-30)
        share[flow] = float(values[excluded & ~home & (frame["flow"] == flow)].sum() / total)
        home_share[flow] = float(values[home & (frame["flow"] == flow)].sum() / total)
        log.info(
            "customs %s: %.1f %% of value in excluded trade modes, %.2f %% with China as partner "
            "(re-imports/re-exports), both left out",
            flow,
            100 * share[flow],
            100 * home_share[flow],
        )
    keep = ~excluded & ~home
    arrays = {}
    for flow in ("export", "import"):
        sel = keep & (frame["flow"] == flow)
        p = frame.loc[sel, "province"].map({c: i for i, c in enumerate(provinces)}).to_numpy()
        s = sector[sel].map({c: i for i, c in enumerate(sectors)}).to_numpy()
        r = region[sel].map({c: i for i, c in enumerate(regions)}).to_numpy()
        array = np.zeros((len(provinces), len(sectors), len(regions)))
        np.add.at(array, (p, s, r), values[sel].to_numpy() / 1e6)
        arrays[flow] = array
    return CustomsFlows(arrays["export"], arrays["import"], share, home_share)


# --------------------------------------------------------------------------------------------------- writing


def platform_export(
    records: pd.DataFrame, partner_table: str | Path = PARTNER_TABLE, trade_mode_table: str | Path = TRADE_MODE_TABLE
) -> pd.DataFrame:
    """The project's English records as the customs platform exports them (Chinese headers and names).

    ``records`` has province (ISO 3166-2), hs_code, partner_iso3, trade_mode (English), flow, value_usd;
    a partner whose ISO3 has no customs code is written as another member of its GTAP region that has one, or
    as 701 (country unknown, read as GTAP's Rest of the World) when none has.
    """
    table = read_table(partner_table, required=["customs_code", "name_zh", "iso3"])
    partners = table[table["iso3"] != ""].drop_duplicates("iso3").set_index("iso3")
    unknown = table[table["customs_code"] == "701"].iloc[0]
    modes = read_table(trade_mode_table).drop_duplicates("name_en").set_index("name_en")
    provinces = resource("provinces31").set_index("iso3166_2")
    stand_in = {}  # an ISO3 without a customs code -> a member of the same GTAP region that has one
    for members in resource("gtap11_regions")["iso3_members"]:
        coded = [m for m in members.split(";") if m in partners.index]
        stand_in.update({m: coded[0] for m in members.split(";") if coded and m not in partners.index})
    iso3 = records["partner_iso3"].map(lambda c: stand_in.get(c, c))
    code = iso3.map(partners["customs_code"]).fillna(unknown["customs_code"])
    name = iso3.map(partners["name_zh"]).fillna(unknown["name_zh"])
    return pd.DataFrame(
        {
            "进出口": records["flow"].map({"export": "出口", "import": "进口"}),
            "商品编码": records["hs_code"],
            "贸易伙伴编码": code,
            "贸易伙伴名称": name,
            "贸易方式编码": records["trade_mode"].map(modes["trade_mode_code"]),
            "贸易方式名称": records["trade_mode"].map(modes["name_zh"]),
            "注册地编码": records["province"].map(provinces["nbs_code"]) + "019",
            "注册地名称": records["province"].map(provinces["name_zh"]),
            "美元": records["value_usd"].map(lambda v: f"{v:.0f}"),
        }
    )


def write_platform_export(path: str | Path, export: pd.DataFrame, notes: Sequence[str]) -> None:
    """Write a platform-layout table in GB18030, as the platform's downloads are, with ``#`` note lines first."""
    from exportpm.io.atomic import atomic_output

    lines = ["# " + re.sub(r"\s+", " ", note) + "\n" for note in notes]
    text = "".join(lines) + export.to_csv(index=False, lineterminator="\n")
    with atomic_output(path) as tmp:
        Path(tmp).write_bytes(text.encode("gb18030"))
