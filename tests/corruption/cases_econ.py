"""Corruption cases of the economic inputs (GTAP, CEADs, customs, yearbooks, concordances).

Each case damages one file of a fresh copy of the tiny world the way real files get damaged (interrupted
downloads, hand edits, another export layout or unit) and calls the reader exactly as the rule does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from harpy import HarFileObj, HeaderArrayObj

from corruption.harness import Case
from exportpm.io.customs import read_customs
from exportpm.io.gtap import HEADER_SETS, read_gtap_basedata, read_gtap_sets
from exportpm.resources import RESOURCES_DIR, resource

CUSTOMS = "customs/customs_2017.csv"
HS6 = "customs/hs6_gtap_concordance.csv"
BASEDATA = "gtap/basedata.har"
SETS = "gtap/sets.har"
IDENTITY_RTOL = 1e-4  # config/config.yaml mrio.gtap_identity_rtol


# --------------------------------------------------------------------------------------------------- readers

def read_tiny_gtap(world: Path) -> object:
    """The GTAP reader as the gtap_parse rule calls it."""
    return read_gtap_basedata(world / BASEDATA, world / SETS, identity_rtol=IDENTITY_RTOL)


def read_tiny_customs(world: Path) -> object:
    """The customs reader as the customs_blocks rule calls it, on the tiny world's dimensions."""
    provinces = tuple(resource("provinces31")["iso3166_2"])
    sectors = tuple(resource("gtap11_sectors")["code"])
    regions = tuple(resource("gtap11_regions")["code"])
    return read_customs(world / CUSTOMS, world / HS6, RESOURCES_DIR / "gtap11_regions.csv", provinces, sectors,
                        regions, excluded_modes=[])


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
            length = int.from_bytes(data[position:position + 4], "little")
            if position + length + 8 > target:
                break
            position += length + 8
        data[position + length + 4] ^= 0x01  # the trailing length
        path.write_bytes(bytes(data))
    return corrupt


def drop_column(relative: str, column: str):
    def corrupt(world: Path) -> None:
        path = world / relative
        lines = path.read_text(encoding="utf-8").splitlines()
        body = [line for line in lines if not line.startswith("#")]
        header = body[0].split(",")
        index = header.index(column)
        rows = [",".join(cell for i, cell in enumerate(line.split(",")) if i != index) for line in body]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return corrupt


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
            kwargs["sets"] = [{"name": d, "status": "k", "dim_type": "Set", "dim_desc": list(sets[d])}
                              for d in header_dims]
        header = HeaderArrayObj.HeaderArrayFromData(name, array.astype(np.float32), **kwargs)
        if not kwargs and array.ndim == 2:
            del header["sets"]  # written as a 2R array (harpy cannot read its own set-less RL arrays)
        har.addHeaderArrayObj(header)
    har.writeToDisk(str(path))


def rewrite_basedata(mutate: Callable[[dict, dict], dict | None], dims: dict | None = None
                     ) -> Callable[[Path], None]:
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

    cases = [case(f"basedata_truncated_{int(f * 1000)}permille", BASEDATA, truncate(BASEDATA, f), "header")
             for f in (0.1, 0.3, 0.5, 0.8, 0.95, 0.999)]
    cases += [
        case("basedata_last_byte_missing", BASEDATA, truncate(BASEDATA, -1), "header"),
        case("basedata_last_record_length_missing", BASEDATA, truncate(BASEDATA, -4), "header"),
        case("basedata_record_length_mismatch", BASEDATA, flip_record_length(BASEDATA, 0.4), "header"),
        case("basedata_empty", BASEDATA, replace_bytes(BASEDATA, b""), "<file>"),
        case("basedata_not_har", BASEDATA, replace_bytes(BASEDATA, b"<html>404 Not Found</html>\n"),
             "<start of file>"),
        case("basedata_only_zero_bytes", BASEDATA, replace_bytes(BASEDATA, b"\x00" * 4096), "<file>"),
        case("sets_truncated_half", SETS, truncate(SETS, 0.5), "header"),
        case("sets_empty", SETS, replace_bytes(SETS, b""), "<file>"),
        case("sets_missing_marg", SETS, rewrite_sets(lambda s: s.pop("MARG")), "MARG"),
        case("sets_missing_reg_and_comm", SETS, rewrite_sets(lambda s: (s.pop("REG"), s.pop("COMM"))), "REG, COMM"),
        case("sets_duplicated_region", SETS,
             rewrite_sets(lambda s: s.__setitem__("REG", (*s["REG"], s["REG"][0]))), "REG"),
        case("sets_other_region", SETS,
             rewrite_sets(lambda s: s.__setitem__("REG", (*s["REG"][:-1], "xxx"))), "REG"),
        case("sets_other_sector", SETS,
             rewrite_sets(lambda s: s.__setitem__("COMM", ("zzz", *s["COMM"][1:]))), "COMM"),
        case("sets_margin_not_a_commodity", SETS,
             rewrite_sets(lambda s: s.__setitem__("MARG", ("wtp",))), "MARG"),
    ]
    for name in ("VDFB", "VMFB", "VDPB", "VMPB", "VDGB", "VMGB", "VDIB", "VMIB", "VXSB", "VMSB", "VST", "VTWR",
                 "EVFB", "MAKB"):
        cases.append(case(f"header_{name.lower()}_missing", BASEDATA, rewrite_basedata(_drop(name)), name))
    cases += [
        case("three_headers_missing_named_at_once", BASEDATA, rewrite_basedata(_drop("VXSB", "VST", "MAKB")),
             "VXSB (or pre-v10 VXMD), VST, MAKB"),
        case("header_duplicated_other_case", BASEDATA, rewrite_basedata(
            lambda s, h: {**h, "vdfb": h["VDFB"]}), "VDFB"),
        case("region_duplicated_in_descriptors", BASEDATA, rewrite_basedata(_duplicate_region), "REG"),
        case("descriptor_sets_swapped", BASEDATA, rewrite_basedata(_swap_axes("VDPB", 0, 1),
                                                                   dims={"VDPB": ("REG", "COMM")}), "VDPB"),
        case("descriptor_wrong_set", BASEDATA, rewrite_basedata(lambda s, h: None, dims={"VST": ("COMM", "REG")}),
             "VST"),
        case("firms_axes_swapped_same_set_size", BASEDATA, rewrite_basedata(_swap_axes("VDFB", 0, 1)),
             "output_balance"),
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
        case("negative_household_purchase", BASEDATA,
             rewrite_basedata(lambda s, h: _set(h["VDPB"], (3, 1), -5.0)), "VDPB"),
        case("negative_margin", BASEDATA, rewrite_basedata(lambda s, h: _set(h["VTWR"], (0, 0, 0, 1), -1.0)),
             "VTWR"),
        case("region_without_output", BASEDATA, rewrite_basedata(lambda s, h: _set(h["MAKB"], (..., 4), 0.0)),
             "MAKB"),
        case("v10_name_renamed_to_unknown", BASEDATA, rewrite_basedata(_rename("VMSB", "VMSX"),
                                                                   dims={"VMSX": HEADER_SETS["VMSB"]}), "VMSB"),
        case("unlabelled_header_wrong_extent", BASEDATA, rewrite_basedata(
            lambda s, h: {**h, "VDPB": h["VDPB"][:-1]}, dims={"VDPB": None}), "VDPB"),
        case("descriptor_label_count_mismatch", BASEDATA, rewrite_basedata(
            lambda s, h: {**h, "VMPB": h["VMPB"][:-1]}), "VMPB"),
    ]
    for name in ("VDFB", "VMFB", "VXSB", "VMSB", "VST", "VTWR", "MAKB", "EVFB", "VDPB", "VDGB", "VDIB"):
        cases.append(case(f"header_{name.lower()}_all_zero", BASEDATA,
                          rewrite_basedata(lambda s, h, n=name: _set(h[n], Ellipsis, 0.0)), name))
    return cases


CASES = [
    *_gtap_cases(),
    Case("econ/customs/value_column_missing", CUSTOMS, drop_column(CUSTOMS, "value_usd"), read_tiny_customs,
         "value_usd"),
]
