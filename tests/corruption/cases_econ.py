"""Corruption cases of the economic inputs (GTAP, CEADs, customs, yearbooks, concordances).

Each case damages one file of a fresh copy of the tiny world the way real files get damaged (interrupted
downloads, hand edits, another export layout or unit) and calls the reader exactly as the rule does.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from harpy import HarFileObj, HeaderArrayObj

from corruption.harness import Case
from exportpm.demo.spec import world_spec
from exportpm.io.ceads import read_ceads_mrio
from exportpm.io.customs import read_customs
from exportpm.io.gtap import HEADER_SETS, REQUIRED_HEADERS, read_gtap_basedata, read_gtap_sets
from exportpm.io.tabular import detect_encoding
from exportpm.io.yearbook import read_agriculture_output, read_cattle, read_wood_furniture
from exportpm.resources import RESOURCES_DIR

CUSTOMS = "customs/customs_2017.csv"
HS6 = "customs/hs6_gtap_concordance.csv"
AGRICULTURE = "yearbook/agriculture_output_2017.csv"
CATTLE = "yearbook/cattle_2017.csv"
WOOD = "yearbook/wood_furniture_2017.csv"
CEADS = "ceads/china_provincial_mrio_2017.xlsx"
EXCLUDED = [
    "processing trade with imported materials",
    "equipment imported for processing trade",
    "bonded-zone warehousing and re-exported goods",
]  # the config's default excluded_trade_modes
BASEDATA = "gtap/basedata.har"
SETS = "gtap/sets.har"
IDENTITY_RTOL = 1e-4  # config/config.yaml mrio.gtap_identity_rtol


# --------------------------------------------------------------------------------------------------- readers


def read_tiny_gtap(world: Path) -> object:
    """The GTAP reader as the gtap_parse rule calls it."""
    return read_gtap_basedata(world / BASEDATA, world / SETS, identity_rtol=IDENTITY_RTOL)


def read_tiny_customs(world: Path) -> object:
    """The customs reader as the customs_blocks rule calls it, on the tiny world's dimensions."""
    spec = world_spec("tiny")
    return read_customs(
        world / CUSTOMS,
        world / HS6,
        RESOURCES_DIR / "gtap11_regions.csv",
        tuple(spec.provinces["iso3166_2"]),
        spec.sectors,
        spec.foreign_regions,
        EXCLUDED,
    )


# --------------------------------------------------------------------------------------------------- damage


def truncate(relative: str, keep: float | int) -> Callable[[Path], None]:
    """Keep a fraction (float) or all but ``-keep`` bytes (negative int) of the file."""

    def corrupt(world: Path) -> None:
        path = world / relative
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)] if isinstance(keep, float) else data[:keep])

    return corrupt


def replace_bytes(relative: str, data: bytes) -> Callable[[Path], None]:
    def corrupt(world: Path) -> None:
        (world / relative).write_bytes(data)

    return corrupt


def flip_record_length(relative: str, at: float) -> Callable[[Path], None]:
    """Change one byte of the record length nearest ``at`` (fraction of the file) so the two lengths disagree."""

    def corrupt(world: Path) -> None:
        path = world / relative
        data = bytearray(path.read_bytes())
        position, target = 0, int(len(data) * at)
        while True:
            length = int.from_bytes(data[position : position + 4], "little")
            if position + length + 8 > target:
                break
            position += length + 8
        data[position + length + 4] ^= 0x01  # the trailing length
        path.write_bytes(bytes(data))

    return corrupt


def _decode(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    encoding = detect_encoding(raw, path)
    return raw.decode(encoding), encoding


def edit_table(
    relative: str, mutate: Callable[[pd.DataFrame], pd.DataFrame | None], encoding: str | None = None
) -> Callable[[Path], None]:
    """Rewrite a CSV (its ``#`` note lines kept) after ``mutate(frame)`` on its text cells."""

    def corrupt(world: Path) -> None:
        path = world / relative
        text, found = _decode(path)
        notes = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
        frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
        result = mutate(frame)
        frame = frame if result is None else result
        path.write_bytes((notes + frame.to_csv(index=False, lineterminator="\n")).encode(encoding or found))

    return corrupt


def edit_text(relative: str, mutate: Callable[[str], str], encoding: str | None = None) -> Callable[[Path], None]:
    def corrupt(world: Path) -> None:
        path = world / relative
        text, found = _decode(path)
        path.write_bytes(mutate(text).encode(encoding or found))

    return corrupt


def cell(column: str, value: str, row: int = 0):
    def mutate(frame):
        frame.loc[row, column] = value

    return mutate


def rename(old: str, new: str):
    return lambda frame: frame.rename(columns={old: new})


def drop(*columns: str):
    return lambda frame: frame.drop(columns=list(columns))


def duplicate_row(row: int = 0, **changes: str):
    def mutate(frame):
        extra = frame.iloc[[row]].copy()
        for column, value in changes.items():
            extra[column] = value
        return pd.concat([frame, extra], ignore_index=True)

    return mutate


def scale(column: str, factor: float, decimals: int = 4):
    def mutate(frame):
        values = pd.to_numeric(frame[column].replace("", np.nan)) * factor
        frame[column] = values.map(lambda v: "" if np.isnan(v) else f"{v:.{decimals}f}")

    return mutate


def header_only(text: str) -> str:
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return "\n".join(lines[: first + 1]) + "\n"


def cut(fraction: float):
    return lambda text: text[: int(len(text) * fraction)]


# --------------------------------------------------------------------------------------------------- GTAP


def _pristine_gtap(world: Path):
    gtap = read_gtap_basedata(world / BASEDATA, world / SETS)
    return dict(gtap.sets), {k: v.copy() for k, v in gtap.headers.items()}


def _write_har(path: Path, arrays: dict, sets: dict | None = None, dims: dict | None = None) -> None:
    """name -> array (1C when a string array); real headers get descriptors from ``sets`` (None: unlabelled)."""
    har = HarFileObj()
    for name, array in arrays.items():
        if array.dtype.kind in "US":
            har.addHeaderArrayObj(HeaderArrayObj.HeaderArrayFromData(name, array, long_name=f"Set {name.strip()}"))
            continue
        key = name.strip().upper()
        header_dims = (dims or {}).get(key, HEADER_SETS.get(key))  # None: an unlabelled header
        kwargs = {}
        if sets is not None and header_dims is not None:
            kwargs["sets"] = [
                {"name": d, "status": "k", "dim_type": "Set", "dim_desc": list(sets[d])} for d in header_dims
            ]
        header = HeaderArrayObj.HeaderArrayFromData(name, array.astype(np.float32), **kwargs)
        if not kwargs and array.ndim == 2:
            del header["sets"]  # written as a 2R array (harpy cannot read its own set-less RL arrays)
        har.addHeaderArrayObj(header)
    har.writeToDisk(str(path))


def rewrite_basedata(mutate: Callable[[dict, dict], dict | None], dims: dict | None = None) -> Callable[[Path], None]:
    """Rewrite basedata.har after ``mutate(sets, headers)`` (which edits in place or returns new headers)."""

    def corrupt(world: Path) -> None:
        sets, headers = _pristine_gtap(world)
        result = mutate(sets, headers)
        _write_har(world / BASEDATA, result if result is not None else headers, sets, dims)

    return corrupt


def rewrite_sets(mutate: Callable[[dict], None]) -> Callable[[Path], None]:
    def corrupt(world: Path) -> None:
        sets = dict(read_gtap_sets(world / SETS))
        mutate(sets)
        _write_har(world / SETS, {k: np.array(list(v)) for k, v in sets.items()})

    return corrupt


def _set(array: np.ndarray, index, value) -> None:
    array[index] = value


def _drop(*names: str):
    def mutate(sets, headers):
        for name in names:
            headers.pop(name)

    return mutate


def _scale(factor: float, names: tuple[str, ...] | None = None):
    def mutate(sets, headers):
        for name in names or tuple(headers):
            headers[name] *= factor

    return mutate


def _rename(old: str, new: str):
    def mutate(sets, headers):
        return {(new if k == old else k): v for k, v in headers.items()}

    return mutate


def _duplicate_region(sets, headers):
    sets["REG"] = (*sets["REG"][:-1], sets["REG"][0])


def _swap_axes(name: str, a: int, b: int):
    def mutate(sets, headers):
        headers[name] = np.swapaxes(headers[name], a, b).copy()

    return mutate


def _off_diagonal(sets, headers):
    headers["MAKB"][0, 1, :] = headers["MAKB"][1, 1, :] * 0.5
    headers["MAKB"][1, 1, :] *= 0.5


def _gtap_cases() -> list[Case]:
    def case(name, target, corrupt, field):
        return Case(f"econ/gtap/{name}", target, corrupt, read_tiny_gtap, field)

    cases = [
        case(f"basedata_truncated_{int(f * 1000)}permille", BASEDATA, truncate(BASEDATA, f), "header")
        for f in (0.1, 0.3, 0.5, 0.8, 0.95, 0.999)
    ]
    cases += [
        case("basedata_last_byte_missing", BASEDATA, truncate(BASEDATA, -1), "header"),
        case("basedata_last_record_length_missing", BASEDATA, truncate(BASEDATA, -4), "header"),
        case("basedata_record_length_mismatch", BASEDATA, flip_record_length(BASEDATA, 0.4), "header"),
        case("basedata_empty", BASEDATA, replace_bytes(BASEDATA, b""), "<file>"),
        case("basedata_not_har", BASEDATA, replace_bytes(BASEDATA, b"<html>404 Not Found</html>\n"), "<start of file>"),
        case("basedata_only_zero_bytes", BASEDATA, replace_bytes(BASEDATA, b"\x00" * 4096), "<file>"),
        case("sets_truncated_half", SETS, truncate(SETS, 0.5), "header"),
        case("sets_empty", SETS, replace_bytes(SETS, b""), "<file>"),
        case("sets_missing_marg", SETS, rewrite_sets(lambda s: s.pop("MARG")), "MARG"),
        case("sets_missing_reg_and_comm", SETS, rewrite_sets(lambda s: (s.pop("REG"), s.pop("COMM"))), "REG, COMM"),
        case(
            "sets_duplicated_region",
            SETS,
            rewrite_sets(lambda s: s.__setitem__("REG", (*s["REG"], s["REG"][0]))),
            "REG",
        ),
        case("sets_other_region", SETS, rewrite_sets(lambda s: s.__setitem__("REG", (*s["REG"][:-1], "xxx"))), "REG"),
        case("sets_other_sector", SETS, rewrite_sets(lambda s: s.__setitem__("COMM", ("zzz", *s["COMM"][1:]))), "COMM"),
        case("sets_margin_not_a_commodity", SETS, rewrite_sets(lambda s: s.__setitem__("MARG", ("wtp",))), "MARG"),
    ]
    for name in REQUIRED_HEADERS:
        cases.append(case(f"header_{name.lower()}_missing", BASEDATA, rewrite_basedata(_drop(name)), name))
    cases += [
        case(
            "three_headers_missing_named_at_once",
            BASEDATA,
            rewrite_basedata(_drop("VXSB", "VST", "MAKB")),
            "VXSB (or pre-v10 VXMD), VST, MAKB",
        ),
        case("header_duplicated_other_case", BASEDATA, rewrite_basedata(lambda s, h: {**h, "vdfb": h["VDFB"]}), "VDFB"),
        case("region_duplicated_in_descriptors", BASEDATA, rewrite_basedata(_duplicate_region), "REG"),
        case(
            "descriptor_sets_swapped",
            BASEDATA,
            rewrite_basedata(_swap_axes("VDPB", 0, 1), dims={"VDPB": ("REG", "COMM")}),
            "VDPB",
        ),
        case(
            "descriptor_wrong_set", BASEDATA, rewrite_basedata(lambda s, h: None, dims={"VST": ("COMM", "REG")}), "VST"
        ),
        case(
            "firms_axes_swapped_same_set_size", BASEDATA, rewrite_basedata(_swap_axes("VDFB", 0, 1)), "output_balance"
        ),
        case(
            "exports_source_destination_swapped", BASEDATA, rewrite_basedata(_swap_axes("VXSB", 1, 2)), "output_balance"
        ),
        case(
            "imports_source_destination_swapped", BASEDATA, rewrite_basedata(_swap_axes("VMSB", 1, 2)), "import_balance"
        ),
        case("make_matrix_off_diagonal", BASEDATA, rewrite_basedata(_off_diagonal), "MAKB"),
        case("values_in_us_dollars", BASEDATA, rewrite_basedata(_scale(1e6)), "MAKB"),
        case("values_in_thousand_us_dollars", BASEDATA, rewrite_basedata(_scale(1e3)), "MAKB"),
        case("values_in_us_dollar_billions", BASEDATA, rewrite_basedata(_scale(1e-3)), "MAKB"),
        case("one_header_in_us_dollars", BASEDATA, rewrite_basedata(_scale(1e6, ("VDPB",))), "output_balance"),
        case("imports_header_scaled", BASEDATA, rewrite_basedata(_scale(1.5, ("VMSB",))), "import_balance"),
        case("margins_header_scaled", BASEDATA, rewrite_basedata(_scale(2.0, ("VTWR",))), "margin_balance"),
        case("fob_header_scaled", BASEDATA, rewrite_basedata(_scale(0.5, ("VFOB",))), "cif_fob_link"),
        case("nan_in_vdfb", BASEDATA, rewrite_basedata(lambda s, h: _set(h["VDFB"], (0, 0, 0), np.nan)), "VDFB"),
        case("inf_in_vxsb", BASEDATA, rewrite_basedata(lambda s, h: _set(h["VXSB"], (1, 0, 1), np.inf)), "VXSB"),
        case("nan_in_makb", BASEDATA, rewrite_basedata(lambda s, h: _set(h["MAKB"], (2, 2, 0), np.nan)), "MAKB"),
        case(
            "negative_household_purchase",
            BASEDATA,
            rewrite_basedata(lambda s, h: _set(h["VDPB"], (3, 1), -5.0)),
            "VDPB",
        ),
        case("negative_margin", BASEDATA, rewrite_basedata(lambda s, h: _set(h["VTWR"], (0, 0, 0, 1), -1.0)), "VTWR"),
        case("region_without_output", BASEDATA, rewrite_basedata(lambda s, h: _set(h["MAKB"], (..., 4), 0.0)), "MAKB"),
        case(
            "v10_name_renamed_to_unknown",
            BASEDATA,
            rewrite_basedata(_rename("VMSB", "VMSX"), dims={"VMSX": HEADER_SETS["VMSB"]}),
            "VMSB",
        ),
        case(
            "unlabelled_header_wrong_extent",
            BASEDATA,
            rewrite_basedata(lambda s, h: {**h, "VDPB": h["VDPB"][:-1]}, dims={"VDPB": None}),
            "VDPB",
        ),
        case(
            "descriptor_label_count_mismatch",
            BASEDATA,
            rewrite_basedata(lambda s, h: {**h, "VMPB": h["VMPB"][:-1]}),
            "VMPB",
        ),
    ]
    for name in ("VDFB", "VMFB", "VXSB", "VMSB", "VST", "VTWR", "MAKB", "EVFB", "VDPB", "VDGB", "VDIB"):
        cases.append(
            case(
                f"header_{name.lower()}_all_zero",
                BASEDATA,
                rewrite_basedata(lambda s, h, n=name: _set(h[n], Ellipsis, 0.0)),
                name,
            )
        )
    return cases


# --------------------------------------------------------------------------------------------------- customs


def _customs_cases() -> list[Case]:
    def case(name, corrupt, field, target=CUSTOMS):
        return Case(f"econ/customs/{name}", target, corrupt, read_tiny_customs, field)

    def table(mutate, encoding=None):
        return edit_table(CUSTOMS, mutate, encoding)

    def to_english(frame):  # the project's own CSV layout, written from the platform export
        return pd.DataFrame(
            {
                "province": frame["注册地名称"],
                "hs_code": frame["商品编码"],
                "partner_iso3": frame["贸易伙伴编码"].map({"502": "USA", "304": "DEU", "116": "JPN", "701": "ATA"}),
                "trade_mode": frame["贸易方式名称"],
                "flow": frame["进出口"].map({"出口": "export", "进口": "import"}),
                "value_usd": frame["美元"],
            }
        )

    def english(mutate):
        def both(frame):
            frame = to_english(frame)
            return mutate(frame) if mutate(frame.copy()) is not None else (mutate(frame) or frame)

        return edit_table(CUSTOMS, both, "utf-8")

    def english_cell(column, value):
        def mutate(frame):
            frame.loc[0, column] = value
            return frame

        return english(mutate)

    return [
        case("value_column_missing", table(drop("美元")), "美元"),
        case("values_in_cny_only", table(rename("美元", "人民币")), "美元"),
        case("two_value_columns", table(lambda f: f.assign(千美元=f["美元"])), "美元"),
        case("value_blank", table(cell("美元", "")), "美元"),
        case("value_inf", table(cell("美元", "inf", 3)), "美元"),
        case("value_minus_inf", table(cell("美元", "-inf", 5)), "美元"),
        case("value_nan_text", table(cell("美元", "NaN", 7)), "美元"),
        case("value_negative", table(cell("美元", "-125000", 2)), "美元"),
        case("value_text", table(cell("美元", "n/a", 1)), "美元"),
        case("value_thousands_separator", table(cell("美元", "1,234,567", 4)), "美元"),
        case("record_duplicated", table(duplicate_row(3)), "period, flow, province, hs_code, partner, trade_mode"),
        case("partner_code_unknown", table(cell("贸易伙伴编码", "999")), "partner_code"),
        case(
            "partner_code_and_name_disagree",
            table(
                lambda f: f.assign(
                    贸易伙伴名称=f["贸易伙伴名称"].where(f.index != f.index[f["贸易伙伴编码"] != "502"][0], "美国")
                )
            ),
            "partner_name",
        ),
        case(
            "partner_name_unknown",
            table(
                lambda f: f.drop(columns=["贸易伙伴编码"]).assign(
                    贸易伙伴名称=lambda g: g["贸易伙伴名称"].where(g.index != 0, "亚特兰蒂斯")
                )
            ),
            "partner_name",
        ),
        case(
            "partner_outside_database",
            table(
                lambda f: f.assign(
                    贸易伙伴编码=f["贸易伙伴编码"].where(f.index != 0, "410"),
                    贸易伙伴名称=f["贸易伙伴名称"].where(f.index != 0, "巴西"),
                )
            ),
            "partner",
        ),
        case("partner_columns_missing", table(drop("贸易伙伴编码", "贸易伙伴名称")), "partner_code"),
        case("region_code_unknown", table(cell("注册地编码", "99019")), "region_code"),
        case("region_code_not_numeric", table(cell("注册地编码", "GD019")), "region_code"),
        case("province_outside_mrio", table(cell("注册地编码", "44019")), "province"),
        case("region_columns_missing", table(drop("注册地编码", "注册地名称")), "region_code"),
        case(
            "region_name_unknown_without_code",
            table(
                lambda f: f.drop(columns=["注册地编码"]).assign(
                    注册地名称=lambda g: g["注册地名称"].where(g.index != 2, "东海")
                )
            ),
            "region_name",
        ),
        case("trade_mode_unknown", table(cell("贸易方式名称", "走私贸易")), "trade_mode"),
        case("trade_mode_blank", table(cell("贸易方式名称", "", 6)), "trade_mode"),
        case("trade_mode_columns_missing", table(drop("贸易方式编码", "贸易方式名称")), "trade_mode"),
        case(
            "trade_mode_code_unknown_without_name",
            table(
                lambda f: f.drop(columns=["贸易方式名称"]).assign(
                    贸易方式编码=lambda g: g["贸易方式编码"].where(g.index != 0, "98")
                )
            ),
            "trade_mode_code",
        ),
        case("flow_unknown", table(cell("进出口", "转口")), "flow"),
        case("flow_column_missing", table(drop("进出口")), "flow"),
        case("hs_code_column_missing", table(drop("商品编码")), "hs_code"),
        case("hs_code_leading_zero_lost", table(lambda f: f.assign(商品编码=f["商品编码"].str.lstrip("0"))), "hs_code"),
        case("hs_code_not_in_concordance", table(cell("商品编码", "99999999")), "hs_code"),
        case("hs_code_with_letters", table(cell("商品编码", "8471A000")), "hs_code"),
        case(
            "hs_code_outside_database_sectors",
            edit_table(HS6, lambda f: f.assign(gtap_code=f["gtap_code"].where(f.index != 0, "oil"))),
            "hs_code",
        ),
        case("empty_file", replace_bytes(CUSTOMS, b""), "<file>"),
        case("header_only", edit_text(CUSTOMS, header_only), "<rows>"),
        case("truncated_mid_line", edit_text(CUSTOMS, cut(0.6)), "<last line>"),
        case("truncated_mid_number", edit_text(CUSTOMS, lambda t: t.rstrip("\n")[:-3]), "<last line>"),
        case("utf16_encoded", edit_text(CUSTOMS, lambda t: t, "utf-16"), "<encoding>"),
        case(
            "mojibake_headers",
            edit_text(CUSTOMS, lambda t: t.encode("gb18030").decode("latin-1"), "utf-8"),
            "region_code",
        ),
        case("semicolon_delimited", edit_text(CUSTOMS, lambda t: t.replace(",", ";")), "region_code"),
        case("columns_shifted", table(lambda f: f.set_axis([*f.columns[1:], f.columns[0]], axis=1)), "美元"),
        case("english_value_inf", english_cell("value_usd", "inf"), "value_usd"),
        case("english_value_blank", english_cell("value_usd", ""), "value_usd"),
        case("english_partner_unknown_iso3", english_cell("partner_iso3", "XXX"), "partner_iso3"),
        case("english_province_unknown", english_cell("province", "Atlantis"), "province"),
        case("english_flow_unknown", english_cell("flow", "transit"), "flow"),
        case(
            "english_duplicated_record",
            english(duplicate_row(0)),
            "period, flow, province, hs_code, partner, trade_mode",
        ),
        case(
            "concordance_conflicting_duplicate",
            edit_table(HS6, lambda f: duplicate_row(0, gtap_code="wht")(f)),
            "hs6",
            HS6,
        ),
        case("concordance_unknown_gtap_code", edit_table(HS6, cell("gtap_code", "xyz")), "gtap_code", HS6),
        case("concordance_hs6_five_digits", edit_table(HS6, cell("hs6", "10061")), "hs6", HS6),
        case("concordance_gtap_code_blank", edit_table(HS6, cell("gtap_code", "", 2)), "gtap_code", HS6),
        case("concordance_column_missing", edit_table(HS6, drop("gtap_code")), "gtap_code", HS6),
        case("concordance_empty", replace_bytes(HS6, b""), "<file>", HS6),
        case("concordance_header_only", edit_text(HS6, header_only), "<rows>", HS6),
    ]


# --------------------------------------------------------------------------------------------------- yearbooks


def _yearbook_cases() -> list[Case]:
    def case(name, target, corrupt, read, field):
        return Case(f"econ/yearbook/{name}", target, corrupt, lambda world: read(world / target), field)

    def agri(name, corrupt, field):
        return case(f"agriculture_{name}", AGRICULTURE, corrupt, read_agriculture_output, field)

    def cattle(name, corrupt, field):
        return case(f"cattle_{name}", CATTLE, corrupt, read_cattle, field)

    def wood(name, corrupt, field):
        return case(f"wood_{name}", WOOD, corrupt, read_wood_furniture, field)

    value, beef, price = "output_value_100m_cny", "beef_production_10k_t", "beef_price_cny_per_kg"
    furniture, wood_value = "furniture_output_100m_cny", "wood_processing_output_100m_cny"
    unique_pi, unique_p = "province, item", "province"
    cases = [
        agri("row_duplicated", edit_table(AGRICULTURE, duplicate_row(2)), unique_pi),
        agri(
            "row_duplicated_other_value",
            edit_table(AGRICULTURE, duplicate_row(2, output_value_100m_cny="1.0")),
            unique_pi,
        ),
        agri(
            "province_by_chinese_name_duplicated",
            edit_table(AGRICULTURE, duplicate_row(0, province="河北省")),
            unique_pi,
        ),
        agri("value_negative", edit_table(AGRICULTURE, cell(value, "-3.5", 4)), value),
        agri("value_inf", edit_table(AGRICULTURE, cell(value, "inf", 1)), value),
        agri("value_blank", edit_table(AGRICULTURE, cell(value, "", 3)), value),
        agri("value_text", edit_table(AGRICULTURE, cell(value, "—", 3)), value),
        agri("values_in_10k_cny", edit_table(AGRICULTURE, scale(value, 1e4)), value),
        agri("item_unknown", edit_table(AGRICULTURE, cell("item", "unicorns")), "item"),
        agri("province_unknown", edit_table(AGRICULTURE, cell("province", "Atlantis")), "province"),
        agri("grains_below_rice_and_wheat", edit_table(AGRICULTURE, cell(value, "0.5", 1)), "grains"),
        agri("items_above_total", edit_table(AGRICULTURE, cell(value, "1.0", 0)), "total"),
        agri("value_column_missing", edit_table(AGRICULTURE, drop(value)), value),
        agri("value_column_in_other_unit", edit_table(AGRICULTURE, rename(value, "output_value_10k_cny")), value),
        agri("empty_file", replace_bytes(AGRICULTURE, b""), "<file>"),
        agri("header_only", edit_text(AGRICULTURE, header_only), "<rows>"),
        agri("truncated", edit_text(AGRICULTURE, cut(0.7)), "<last line>"),
        agri("utf16_encoded", edit_text(AGRICULTURE, lambda t: t, "utf-16"), "<encoding>"),
        cattle("province_duplicated", edit_table(CATTLE, duplicate_row(1)), unique_p),
        cattle("province_duplicated_by_nbs_code", edit_table(CATTLE, duplicate_row(1, province="32")), unique_p),
        cattle("production_negative", edit_table(CATTLE, cell(beef, "-1")), beef),
        cattle("production_blank", edit_table(CATTLE, cell(beef, "", 1)), beef),
        cattle("production_nan", edit_table(CATTLE, cell(beef, "nan", 2)), beef),
        cattle("production_in_tonnes", edit_table(CATTLE, scale(beef, 1e4)), beef),
        cattle("price_per_tonne", edit_table(CATTLE, scale(price, 1e3, 2)), price),
        cattle("price_negative", edit_table(CATTLE, cell(price, "-62.0")), price),
        cattle("price_inf", edit_table(CATTLE, cell(price, "inf")), price),
        cattle("price_column_missing", edit_table(CATTLE, drop(price)), price),
        cattle("empty_file", replace_bytes(CATTLE, b""), "<file>"),
        cattle("header_only", edit_text(CATTLE, header_only), "<rows>"),
        cattle("province_unknown", edit_table(CATTLE, cell("province", "Formosa")), "province"),
        wood("province_duplicated", edit_table(WOOD, duplicate_row(0)), unique_p),
        wood("furniture_negative", edit_table(WOOD, cell(furniture, "-2")), furniture),
        wood("furniture_inf", edit_table(WOOD, cell(furniture, "inf", 1)), furniture),
        wood("wood_blank", edit_table(WOOD, cell(wood_value, "", 2)), wood_value),
        wood("values_in_10k_cny", edit_table(WOOD, scale(wood_value, 1e4)), wood_value),
        wood("column_missing", edit_table(WOOD, drop(furniture)), furniture),
        wood("empty_file", replace_bytes(WOOD, b""), "<file>"),
        wood("header_only", edit_text(WOOD, header_only), "<rows>"),
        wood("truncated", edit_text(WOOD, cut(0.8)), "<last line>"),
    ]
    return cases


# --------------------------------------------------------------------------------------------------- CEADs


def edit_xlsx(mutate: Callable) -> Callable[[Path], None]:
    """Edit the CEADs workbook with openpyxl: ``mutate(workbook, sheet)``."""

    def corrupt(world: Path) -> None:
        from openpyxl import load_workbook

        path = world / CEADS
        workbook = load_workbook(path)
        mutate(workbook, workbook["Table_2017"])
        workbook.save(path)

    return corrupt


def _row_of(sheet, label: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == label)


def _set_cell(row: int, column: int, value):
    def mutate(workbook, sheet):
        sheet.cell(row, column).value = value

    return mutate


def _clear_row(row: int, from_column: int = 1):
    def mutate(workbook, sheet):
        for c in range(from_column, sheet.max_column + 1):
            sheet.cell(row, c).value = None

    return mutate


def _swap_rows(a: int, b: int):
    def mutate(workbook, sheet):
        for c in range(1, sheet.max_column + 1):
            sheet.cell(a, c).value, sheet.cell(b, c).value = sheet.cell(b, c).value, sheet.cell(a, c).value

    return mutate


def _shift_row(row: int):
    def mutate(workbook, sheet):
        for c in range(sheet.max_column - 1, 3, -1):
            sheet.cell(row, c + 1).value = sheet.cell(row, c).value
        sheet.cell(row, 4).value = 0.0

    return mutate


def _ceads_cases() -> list[Case]:
    def case(name, corrupt, field):
        return Case(f"econ/ceads/{name}", CEADS, corrupt, lambda world: read_ceads_mrio(world / CEADS), field)

    def delete_va(label):
        return edit_xlsx(lambda wb, ws: ws.delete_rows(_row_of(ws, label)))

    return [
        case("value_added_row_missing", delete_va("营业盈余"), "value-added rows"),
        case("labour_row_missing", delete_va("劳动者报酬"), "value-added rows"),
        case("total_input_row_missing", delete_va("总投入"), "value-added rows"),
        case(
            "value_added_row_duplicated",
            edit_xlsx(lambda wb, ws: ws.append([c.value for c in ws[_row_of(ws, "生产税净额")]])),
            "row",
        ),
        case("blank_intermediate_cell", edit_xlsx(_set_cell(6, 6, None)), "cell F6"),
        case("text_final_demand_cell", edit_xlsx(_set_cell(7, 40, "n.a.")), "cell AN7"),
        case("inf_export_cell", edit_xlsx(lambda wb, ws: _set_cell(5, ws.max_column - 3, "inf")(wb, ws)), "cell"),
        case(
            "blank_value_added_cell",
            edit_xlsx(lambda wb, ws: _set_cell(_row_of(ws, "固定资产折旧"), 8, None)(wb, ws)),
            "cell H",
        ),
        case(
            "negative_total_output", edit_xlsx(lambda wb, ws: _set_cell(5, ws.max_column, -1.0)(wb, ws)), "total output"
        ),
        case(
            "total_output_tenfold",
            edit_xlsx(lambda wb, ws: _set_cell(9, ws.max_column, ws.cell(9, ws.max_column).value * 10)(wb, ws)),
            "row balance",
        ),
        case("row_values_shifted_one_column", edit_xlsx(_shift_row(8)), "total output"),
        case("province_sector_rows_swapped", edit_xlsx(_swap_rows(6, 7)), "row 6"),
        case(
            "province_sector_row_duplicated",
            edit_xlsx(
                lambda wb, ws: (
                    ws.insert_rows(8)
                    or [ws.cell(8, c).__setattr__("value", ws.cell(9, c).value) for c in range(1, ws.max_column + 1)]
                )
            ),
            "row",
        ),
        case(
            "stray_total_row",
            edit_xlsx(
                lambda wb, ws: (
                    ws.insert_rows(_row_of(ws, "劳动者报酬"))
                    or _set_cell(_row_of(ws, "劳动者报酬") - 1, 2, "合计")(wb, ws)
                )
            ),
            "row",
        ),
        case("province_header_row_cleared", edit_xlsx(_clear_row(2)), "province row"),
        case("sector_code_row_cleared", edit_xlsx(_clear_row(4)), "header rows"),
        case("sector_code_changed_in_one_block", edit_xlsx(_set_cell(4, 3 + 11 + 2, "99")), "column block"),
        case(
            "final_demand_header_unknown",
            edit_xlsx(lambda wb, ws: [ws.cell(r, 3 + 33 + 3).__setattr__("value", "净流出") for r in (3, 4)]),
            "final-demand columns",
        ),
        case(
            "total_output_header_missing",
            edit_xlsx(lambda wb, ws: [ws.cell(r, ws.max_column).__setattr__("value", None) for r in (3, 4)]),
            "TOTAL",
        ),
        case("unit_not_stated", edit_xlsx(_set_cell(1, 1, "2017年中国31省区市区域间投入产出表")), "unit"),
        case(
            "second_sheet_and_renamed",
            edit_xlsx(lambda wb, ws: (setattr(ws, "title", "Sheet1"), wb.create_sheet("notes"))),
            "sheet",
        ),
        case("header_rows_only", edit_xlsx(lambda wb, ws: ws.delete_rows(5, ws.max_row)), "rows"),
        case("truncated_download", truncate(CEADS, 0.5), "<file>"),
        case("empty_file", replace_bytes(CEADS, b""), "<file>"),
        case("csv_saved_as_xlsx", replace_bytes(CEADS, "地区,部门,代码\n河北,农业,01\n".encode("gb18030")), "<file>"),
    ]


CASES = [*_gtap_cases(), *_customs_cases(), *_yearbook_cases(), *_ceads_cases()]
