"""GTAP basedata as GEMPACK header-array (HAR) files, through harpy3.

``read_gtap_basedata`` reads GTAP 10/11 headers (and the pre-v10 names where the mapping is one-to-one),
checks shapes, signs and the accounting identities, and returns float64 arrays in US$ million.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from harpy import HarFileObj, HeaderArrayObj

from exportpm.errors import InputError
from exportpm.io.atomic import atomic_output

# Dimension sets of each basedata header (GTAP 10/11 names).
HEADER_SETS: dict[str, tuple[str, ...]] = {
    "VDFB": ("COMM", "ACTS", "REG"), "VMFB": ("COMM", "ACTS", "REG"),
    "VDPB": ("COMM", "REG"), "VMPB": ("COMM", "REG"), "VDGB": ("COMM", "REG"), "VMGB": ("COMM", "REG"),
    "VDIB": ("COMM", "REG"), "VMIB": ("COMM", "REG"),
    "EVFB": ("ENDW", "ACTS", "REG"), "MAKB": ("COMM", "ACTS", "REG"),
    "VXSB": ("COMM", "REG", "REG"), "VFOB": ("COMM", "REG", "REG"), "VCIF": ("COMM", "REG", "REG"),
    "VMSB": ("COMM", "REG", "REG"), "VST": ("MARG", "REG"), "VTWR": ("MARG", "COMM", "REG", "REG"),
}
HEADER_NAMES: dict[str, str] = {
    "VDFB": "domestic purchases by firms at basic prices", "VMFB": "imported purchases by firms at basic prices",
    "VDPB": "private household domestic purchases, basic prices", "VMPB": "private household imports, basic",
    "VDGB": "government domestic purchases, basic prices", "VMGB": "government imported purchases, basic",
    "VDIB": "investment domestic purchases, basic prices", "VMIB": "investment imported purchases, basic",
    "EVFB": "primary factor purchases at basic prices", "MAKB": "make matrix at basic prices",
    "VXSB": "bilateral exports at basic prices", "VFOB": "bilateral exports at FOB prices",
    "VCIF": "bilateral imports at CIF prices", "VMSB": "bilateral imports at importer basic prices",
    "VST": "exports of margin services to the transport pool", "VTWR": "margins by margin, good, route",
}


def _set_descriptor(name: str, elements: Sequence[str]) -> dict:
    return {"name": name, "status": "k", "dim_type": "Set", "dim_desc": list(elements)}


def write_gtap_basedata(path: str | Path, sets: Mapping[str, Sequence[str]],
                        headers: Mapping[str, np.ndarray], history: str) -> None:
    """Write sets (1C string headers) and real headers (float32, US$ million) to a HAR file.

    ``sets`` maps set names (REG, COMM, ACTS, ENDW, MARG) to element codes; ``headers`` maps header
    names to arrays shaped by ``HEADER_SETS``. ``history`` goes to a 1C header ``XXHS``.
    """
    har = HarFileObj()
    for name, elements in sets.items():
        har.addHeaderArrayObj(HeaderArrayObj.HeaderArrayFromData(
            name, np.array(list(elements)), long_name=f"set {name}"))
    for name, array in headers.items():
        dims = HEADER_SETS[name]
        expected = tuple(len(sets[d]) for d in dims)
        if array.shape != expected:
            raise ValueError(f"header {name}: shape {array.shape}, expected {expected} for {dims}")
        har.addHeaderArrayObj(HeaderArrayObj.HeaderArrayFromData(
            name, np.ascontiguousarray(array, dtype=np.float32), coeff_name=name, long_name=HEADER_NAMES[name],
            sets=[_set_descriptor(d, sets[d]) for d in dims]))
    har.addHeaderArrayObj(HeaderArrayObj.HeaderArrayFromData("XXHS", np.array([history[i:i + 70] for i in range(
        0, len(history), 70)]), long_name="history"))
    with atomic_output(path) as tmp:
        har.writeToDisk(str(tmp))


def gtap_identity_residuals(h: dict[str, np.ndarray], margins: tuple[str, ...],
                            sectors: tuple[str, ...]) -> dict[str, float]:
    """Largest relative residual of each GTAP accounting identity (0 for an exact database)."""
    n = len(sectors)
    output = h["MAKB"][np.arange(n), np.arange(n), :]
    sales = (h["VDFB"].sum(1) + h["VDPB"] + h["VDGB"] + h["VDIB"] + h["VXSB"].sum(2))
    for g, margin in enumerate(margins):
        sales[sectors.index(margin)] += h["VST"][g]
    import_use = h["VMFB"].sum(1) + h["VMPB"] + h["VMGB"] + h["VMIB"]
    costs = h["VDFB"].sum(0) + h["VMFB"].sum(0) + h["EVFB"].sum(0)

    def rel(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))

    return {
        "output_balance": rel(sales, output),
        "import_balance": rel(h["VMSB"].sum(1), import_use),
        "margin_balance": rel(h["VST"].sum(1), h["VTWR"].sum(axis=(1, 2, 3))),
        **({"cif_fob_link": rel(h["VFOB"] + h["VTWR"].sum(0), h["VCIF"])} if "VFOB" in h and "VCIF" in h else {}),
        "cost_balance": rel(costs, h["MAKB"].sum(0)),
    }


def read_har_headers(path: str | Path, names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Arrays of the named headers (all if ``names`` is None); 1C string headers come back stripped."""
    path = Path(path)
    try:
        har = HarFileObj.loadFromDisk(str(path))
    except Exception as err:  # harpy raises bare exceptions on corrupt files
        raise InputError(path, "<file>", "a GEMPACK header-array (HAR) file") from err
    available = [n.strip() for n in har.getHeaderArrayNames()]
    out = {}
    for name in names or available:
        if name not in available:
            raise InputError(path, name, "a header of that name", f"headers {available}")
        array = har.getHeaderArrayObj(name)["array"]
        out[name] = np.char.strip(array.astype(str)) if array.dtype.kind in "SU" else np.asarray(array)
    return out


# Pre-v10 header names that map one-to-one onto the v10/v11 basic-price headers.
PRE_V10_NAMES = {"VDFB": "VDFM", "VMFB": "VIFM", "VDPB": "VDPM", "VMPB": "VIPM", "VDGB": "VDGM", "VMGB": "VIGM",
                 "VXSB": "VXMD", "VMSB": "VIMS", "VFOB": "VXWD", "VCIF": "VIWS", "VST": "VST", "VTWR": "VTWR"}
REQUIRED_HEADERS = ("VDFB", "VMFB", "VDPB", "VMPB", "VDGB", "VMGB", "VDIB", "VMIB", "VXSB", "VMSB", "VST", "VTWR",
                    "EVFB", "MAKB")
SIGNED_HEADERS = ("EVFB",)  # subsidies can make factor payments of some activities negative


@dataclass
class GtapData:
    """GTAP basedata: sets and float64 headers (US$ million), plus the identity residuals found."""

    path: str
    sets: dict[str, tuple[str, ...]]
    headers: dict[str, np.ndarray]
    residuals: dict[str, float]

    @property
    def regions(self) -> tuple[str, ...]:
        return self.sets["REG"]

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.sets["COMM"]

    @property
    def margins(self) -> tuple[str, ...]:
        return self.sets["MARG"]


def read_gtap_basedata(path: str | Path, identity_rtol: float = 1e-4) -> GtapData:
    """Read a GTAP basedata HAR file; fail with the file and header named when something is off.

    Identities (output balance, import balance, margins balance, CIF = FOB + margins, cost balance) are
    computed and returned; any residual above ``identity_rtol`` (relative to the header's largest value) is
    an error, because the MRIO built from such a database would not balance.
    """
    raw = read_har_headers(path)
    sets = {}
    for name in ("REG", "COMM", "ACTS", "MARG"):
        if name not in raw:
            raise InputError(path, name, "a 1C set header")
        sets[name] = tuple(str(v) for v in raw[name])
    sets["ENDW"] = tuple(str(v) for v in raw["ENDW"]) if "ENDW" in raw else ()
    if sets["COMM"] != sets["ACTS"]:
        raise InputError(path, "ACTS", "the same elements as COMM (a diagonal make matrix)")
    if not set(sets["MARG"]) <= set(sets["COMM"]):
        raise InputError(path, "MARG", "margin commodities that are also in COMM")
    headers = {}
    for name in REQUIRED_HEADERS:
        alias = PRE_V10_NAMES.get(name)
        if name in raw:
            array = raw[name]
        elif alias and alias in raw:
            array = raw[alias]
        else:
            hint = f" (or its pre-v10 name {alias})" if alias else " (no one-to-one pre-v10 equivalent)"
            raise InputError(path, name, f"the basedata header {name}{hint}")
        expected = tuple(len(sets[d]) if sets.get(d) else None for d in HEADER_SETS[name])
        if len(array.shape) != len(expected) or any(
                e is not None and e != a for e, a in zip(expected, array.shape, strict=True)):
            raise InputError(path, name, f"dimensions {HEADER_SETS[name]} = {expected}", f"shape {array.shape}")
        array = np.asarray(array, dtype=np.float64)
        if not np.isfinite(array).all():
            raise InputError(path, name, "finite values")
        if name not in SIGNED_HEADERS and (array < 0).any():
            raise InputError(path, name, "non-negative values", f"{int((array < 0).sum())} negative entries")
        headers[name] = array
    for optional in ("VFOB", "VCIF"):
        if optional in raw or PRE_V10_NAMES[optional] in raw:
            headers[optional] = np.asarray(raw.get(optional, raw.get(PRE_V10_NAMES[optional])), dtype=np.float64)
    n = len(sets["COMM"])
    if (headers["MAKB"][np.arange(n), np.arange(n), :] < 0).any():
        raise InputError(path, "MAKB", "non-negative output on the diagonal")
    residuals = gtap_identity_residuals(headers, sets["MARG"], sets["COMM"])
    for name, value in residuals.items():
        # The cost side also carries production and purchase taxes, which are not in the basic-price
        # headers read here: its residual is reported, never enforced.
        if name != "cost_balance" and value > identity_rtol:
            raise InputError(path, name, f"the GTAP identity to hold within {identity_rtol:g} relative",
                             f"residual {value:.3g}")
    return GtapData(str(path), sets, headers, residuals)
