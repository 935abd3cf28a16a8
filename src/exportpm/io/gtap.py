"""GTAP basedata as GEMPACK header-array (HAR) files, through harpy3.

Only the writer and the low-level header access live here for now; the GTAP -> MRIO reader builds on
``read_har_headers``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from harpy import HarFileObj, HeaderArrayObj

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
