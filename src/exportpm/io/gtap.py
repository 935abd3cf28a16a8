"""GTAP basedata as GEMPACK header-array (HAR) files, through harpy3.

A GTAP release (GTAPAgg output) is several files side by side: ``basedata.har`` (the flows; every real header
carries its set names and element labels), ``sets.har`` (1C headers ``REG``, ``COMM``, ``ACTS``, ``ENDW``,
``MARG``), ``default.prm`` (parameters) and ``baserate.har`` (tax rates). :func:`read_gtap_basedata` reads
``basedata.har`` (and ``sets.har`` when given):

* labels come from each header's own set descriptors; they are checked against ``sets.har`` (or 1C set headers
  inside the data file, the older one-file layout): the same elements in another order are re-ordered to the
  sets' order (never silently mislabelled), other elements are an error;
* header names are case-insensitive (as in GEMPACK) and the pre-v10 names are accepted where the mapping is
  one-to-one; a pre-v10 database (PROD_COMM with cgds, no MAKB) is converted (:func:`_pre_v10_basedata`);
  every missing header is named at once;
* integrity: the Fortran record lengths of the whole file are walked first (truncation, an interrupted
  download), harpy's own exceptions are wrapped per header (its printed stack traces silenced), duplicated
  elements, non-finite, negative or all-zero headers, an off-diagonal make matrix, a world output outside the
  plausible range of US$ million (values in US$ are 10^6 times too large) and broken accounting identities are
  rejected.
Arrays come back as float64, US$ million.
"""

from __future__ import annotations

import contextlib
import io
import logging
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from harpy import HarFileObj, HeaderArrayObj
from harpy.har_file_io import HarFileIO

from exportpm.errors import InputError
from exportpm.io.atomic import atomic_output

log = logging.getLogger(__name__)

# Dimension sets of each basedata header (GTAP 10/11 names).
HEADER_SETS: dict[str, tuple[str, ...]] = {
    "VDFB": ("COMM", "ACTS", "REG"),
    "VMFB": ("COMM", "ACTS", "REG"),
    "VDPB": ("COMM", "REG"),
    "VMPB": ("COMM", "REG"),
    "VDGB": ("COMM", "REG"),
    "VMGB": ("COMM", "REG"),
    "VDIB": ("COMM", "REG"),
    "VMIB": ("COMM", "REG"),
    "EVFB": ("ENDW", "ACTS", "REG"),
    "MAKB": ("COMM", "ACTS", "REG"),
    "VXSB": ("COMM", "REG", "REG"),
    "VFOB": ("COMM", "REG", "REG"),
    "VCIF": ("COMM", "REG", "REG"),
    "VMSB": ("COMM", "REG", "REG"),
    "VST": ("MARG", "REG"),
    "VTWR": ("MARG", "COMM", "REG", "REG"),
}
HEADER_NAMES: dict[str, str] = {
    "VDFB": "domestic purchases by firms at basic prices",
    "VMFB": "imported purchases by firms at basic prices",
    "VDPB": "private household domestic purchases, basic prices",
    "VMPB": "private household imports, basic",
    "VDGB": "government domestic purchases, basic prices",
    "VMGB": "government imported purchases, basic",
    "VDIB": "investment domestic purchases, basic prices",
    "VMIB": "investment imported purchases, basic",
    "EVFB": "primary factor purchases at basic prices",
    "MAKB": "make matrix at basic prices",
    "VXSB": "bilateral exports at basic prices",
    "VFOB": "bilateral exports at FOB prices",
    "VCIF": "bilateral imports at CIF prices",
    "VMSB": "bilateral imports at importer basic prices",
    "VST": "exports of margin services to the transport pool",
    "VTWR": "margins by margin, good, route",
}
SET_NAMES = ("REG", "COMM", "ACTS", "ENDW", "MARG")
SET_LONG_NAMES = {
    "REG": "regions",
    "COMM": "commodities",
    "ACTS": "activities",
    "ENDW": "endowments",
    "MARG": "margin commodities",
}
# Set names used for the same sets before GTAP 10 (TRAD_COMM, PROD_COMM, ...).
SET_ALIASES = {
    "REG": "REG",
    "COMM": "COMM",
    "TRAD_COMM": "COMM",
    "ACTS": "ACTS",
    "PROD_COMM": "ACTS",
    "ENDW": "ENDW",
    "ENDW_COMM": "ENDW",
    "MARG": "MARG",
    "MARG_COMM": "MARG",
}
CASE_FREE_SETS = ("REG", "COMM", "ACTS", "MARG")  # GTAP codes, compared and returned in lower case

# Pre-v10 header names that map one-to-one onto the v10/v11 basic-price headers.
PRE_V10_NAMES = {
    "VDFB": "VDFM",
    "VMFB": "VIFM",
    "VDPB": "VDPM",
    "VMPB": "VIPM",
    "VDGB": "VDGM",
    "VMGB": "VIGM",
    "VXSB": "VXMD",
    "VMSB": "VIMS",
    "VFOB": "VXWD",
    "VCIF": "VIWS",
    "VST": "VST",
    "VTWR": "VTWR",
}
REQUIRED_HEADERS = (
    "VDFB",
    "VMFB",
    "VDPB",
    "VMPB",
    "VDGB",
    "VMGB",
    "VDIB",
    "VMIB",
    "VXSB",
    "VMSB",
    "VST",
    "VTWR",
    "EVFB",
    "MAKB",
)
OPTIONAL_HEADERS = ("VFOB", "VCIF")
SIGNED_HEADERS = ("EVFB",)  # subsidies can make factor payments of some activities negative
# World gross output of any GTAP release (1990s to 2030s) in US$ million: 10 to 1,000 trillion US$. The 2017
# world GDP is about 8e7 US$ million and gross output about twice that.
WORLD_OUTPUT_MUSD = (1e7, 1e9)


# --------------------------------------------------------------------------------------------------- writing


def _set_descriptor(name: str, elements: Sequence[str]) -> dict:
    return {"name": name, "status": "k", "dim_type": "Set", "dim_desc": list(elements)}


def _real_header(
    name: str, array: np.ndarray, dims: Sequence[str], sets: Mapping[str, Sequence[str]], long_name: str
) -> HeaderArrayObj:
    expected = tuple(len(sets[d]) for d in dims)
    if array.shape != expected:
        raise ValueError(f"header {name}: shape {array.shape}, expected {expected} for {tuple(dims)}")
    return HeaderArrayObj.HeaderArrayFromData(
        name,
        np.ascontiguousarray(array, dtype=np.float32),
        coeff_name=name,
        long_name=long_name[:70],
        sets=[_set_descriptor(d, sets[d]) for d in dims],
    )


def _history(text: str) -> HeaderArrayObj:
    return HeaderArrayObj.HeaderArrayFromData(
        "XXHS", np.array([text[i : i + 70] for i in range(0, len(text), 70)]), long_name="history"
    )


def _set_header(name: str, elements: Sequence[str]) -> HeaderArrayObj:
    return HeaderArrayObj.HeaderArrayFromData(
        name, np.array(list(elements)), long_name=f"Set {name} {SET_LONG_NAMES.get(name, '')}".strip()
    )


def _write_har(path: str | Path, arrays: Sequence[HeaderArrayObj]) -> None:
    har = HarFileObj()
    for array in arrays:
        har.addHeaderArrayObj(array)
    with atomic_output(path) as tmp:
        har.writeToDisk(str(tmp))


def write_gtap_basedata(
    path: str | Path,
    sets: Mapping[str, Sequence[str]],
    headers: Mapping[str, np.ndarray],
    history: str,
    embed_sets: bool = True,
) -> None:
    """Write real headers (float32, US$ million, with set descriptors) to one HAR file.

    ``sets`` maps set names (REG, COMM, ACTS, ENDW, MARG) to element codes; ``headers`` maps header names to
    arrays shaped by ``HEADER_SETS``. ``embed_sets`` also writes the sets as 1C headers into the same file (the
    older one-file layout); a GTAP release keeps them in ``sets.har`` instead (:func:`write_gtap_release`).
    ``history`` goes to a 1C header ``XXHS``.
    """
    arrays = [_set_header(name, elements) for name, elements in sets.items()] if embed_sets else []
    arrays += [
        _real_header(name, array, HEADER_SETS[name], sets, HEADER_NAMES[name]) for name, array in headers.items()
    ]
    _write_har(path, [*arrays, _history(history)])


def write_gtap_sets(path: str | Path, sets: Mapping[str, Sequence[str]], history: str) -> None:
    """``sets.har``: one 1C header per set (long name ``Set <NAME> <description>``)."""
    _write_har(path, [*(_set_header(name, elements) for name, elements in sets.items()), _history(history)])


def write_gtap_release(
    folder: str | Path,
    sets: Mapping[str, Sequence[str]],
    headers: Mapping[str, np.ndarray],
    parameters: Mapping[str, np.ndarray],
    rates: Mapping[str, np.ndarray],
    history: str,
) -> None:
    """The four files of a GTAP release: basedata.har, sets.har, default.prm, baserate.har.

    ``parameters`` (e.g. ESBD, ESBM: COMM x REG) and ``rates`` (e.g. rTMS: COMM x REG x REG, in %) are real
    headers whose dimensions are given by ``PARAMETER_SETS``.
    """
    folder = Path(folder)
    write_gtap_basedata(folder / "basedata.har", sets, headers, history, embed_sets=False)
    write_gtap_sets(folder / "sets.har", sets, history)
    for name, content in (("default.prm", parameters), ("baserate.har", rates)):
        _write_har(
            folder / name,
            [
                *(
                    _real_header(key, array, PARAMETER_SETS[key][0], sets, PARAMETER_SETS[key][1])
                    for key, array in content.items()
                ),
                _history(history),
            ],
        )


PARAMETER_SETS: dict[str, tuple[tuple[str, ...], str]] = {
    "ESBD": (("COMM", "REG"), "Armington CES for domestic/imported allocation"),
    "ESBM": (("COMM", "REG"), "Armington CES for regional allocation of imports"),
    "ESBV": (("ACTS", "REG"), "CES between primary factors in production"),
    "RTMS": (("COMM", "REG", "REG"), "import tariff rate by source and destination, %"),
    "RTXS": (("COMM", "REG", "REG"), "export tax rate by source and destination, %"),
}


def gtap_identity_residuals(
    h: dict[str, np.ndarray], margins: tuple[str, ...], sectors: tuple[str, ...]
) -> dict[str, float]:
    """Largest relative residual of each GTAP accounting identity (0 for an exact database)."""
    n = len(sectors)
    output = h["MAKB"][np.arange(n), np.arange(n), :]
    sales = h["VDFB"].sum(1) + h["VDPB"] + h["VDGB"] + h["VDIB"] + h["VXSB"].sum(2)
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


# --------------------------------------------------------------------------------------------------- reading


def check_har_records(path: str | Path) -> int:
    """Walk the Fortran sequential records of a HAR file (length, payload, same length); return their number.

    A file cut short (an interrupted download) or with a damaged record ends in the middle of a record or has
    a trailing length that differs from the leading one; both are an :class:`InputError` naming the header
    the damaged record belongs to.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "<file>", "an existing GEMPACK header-array (HAR) file")
    raw = path.read_bytes()
    size, position, records, header = len(raw), 0, 0, "<start of file>"
    if size == 0:
        raise InputError(path, "<file>", "a non-empty HAR file", "0 bytes")
    while position < size:
        if position + 4 > size:
            raise InputError(
                path,
                header,
                "complete HAR records (file truncated?)",
                f"{size - position} stray byte(s) at byte {position} of {size}",
            )
        (length,) = struct.unpack_from("<i", raw, position)
        end = position + 4 + length
        if length < 0 or end + 4 > size:
            raise InputError(
                path,
                header,
                "complete HAR records (file truncated?)",
                f"a record of {length} bytes at byte {position} running past the end ({size} bytes)",
            )
        (trailer,) = struct.unpack_from("<i", raw, end)
        if trailer != length:
            raise InputError(
                path,
                header,
                "HAR records whose leading and trailing lengths agree",
                f"{length} and {trailer} at byte {position}",
            )
        payload = raw[position + 4 : end]
        if length == 4 and payload.strip():
            header = f"header {payload.decode('latin-1').strip()}"
        position, records = end + 4, records + 1
    return records


@contextlib.contextmanager
def _quiet():
    """harpy prints stack traces (``traceback.print_stack``) before raising; keep them off the terminal."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        yield


def load_har(path: str | Path, needed: Sequence[str] | None = None) -> dict[str, HeaderArrayObj]:
    """Every header of a HAR file by upper-case name, each read on its own so an error names its header.

    A header harpy cannot read is an :class:`InputError` when it is ``needed`` (all are by default); otherwise it
    is left out with a warning (e.g. an unlabelled ``RL`` array the pipeline does not use).
    """
    path = Path(path)
    check_har_records(path)
    try:
        with _quiet():
            info = HarFileIO.readHarFileInfo(str(path))
    except Exception as err:  # harpy raises bare exceptions on corrupt files
        raise InputError(path, "<file>", "a GEMPACK header-array (HAR) file", f"{type(err).__name__}: {err}") from None
    names = info.getHeaderArrayNames()
    if not names:
        raise InputError(path, "<file>", "at least one header in the HAR file", "none")
    wanted = None if needed is None else {n.upper() for n in needed}
    headers: dict[str, HeaderArrayObj] = {}
    for name in names:
        key = name.strip().upper()
        if key in headers:
            raise InputError(path, key, "each header once (names are case-insensitive)", "a second header")
        try:
            with _quiet():
                headers[key] = HarFileIO.readHeader(info, name)
        except Exception as err:
            if wanted is None or key in wanted:
                raise InputError(
                    path, key, "a readable header-array record", f"{type(err).__name__}: {str(err)[:200]}"
                ) from None
            log.warning("%s: header %s not readable (%s: %s); not used", path, key, type(err).__name__, err)
    return headers


def _array(header: HeaderArrayObj) -> np.ndarray:
    array = np.asarray(header["array"])
    return np.char.strip(array.astype(str)) if array.dtype.kind in "SU" else array


def read_har_headers(path: str | Path, names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Arrays of the named headers (all if ``names`` is None; names case-insensitive, returned upper-case).

    1C string headers come back stripped. Every missing header is named in one :class:`InputError`.
    """
    return har_arrays(load_har(path), path, names)


def har_arrays(
    headers: Mapping[str, HeaderArrayObj], path: str | Path, names: Sequence[str] | None = None
) -> dict[str, np.ndarray]:
    """:func:`read_har_headers` of headers already read by :func:`load_har` from ``path``."""
    wanted = [n.strip().upper() for n in names] if names is not None else list(headers)
    missing = [n for n in wanted if n not in headers]
    if missing:
        raise InputError(path, ", ".join(missing), "headers of those names", f"headers {sorted(headers)}")
    return {name: _array(headers[name]) for name in wanted}


def _set_headers(headers: Mapping[str, HeaderArrayObj]) -> dict[str, HeaderArrayObj]:
    """1C headers that hold a set: named like the set (REG, ...) or with the long name ``Set <NAME> ...``."""
    found = {}
    for key, header in headers.items():
        if header.get("data_type") != "1C":
            continue
        words = str(header.get("long_name", "")).split()
        name = SET_ALIASES.get(key) or (
            SET_ALIASES.get(words[1].upper()) if len(words) > 1 and words[0].lower() == "set" else None
        )
        if name and name not in found:
            found[name] = header
    return found


def _normalise(name: str, labels: Sequence[str]) -> tuple[str, ...]:
    labels = tuple(str(v).strip() for v in labels)
    return tuple(v.lower() for v in labels) if name in CASE_FREE_SETS else labels


def _check_unique(path: str | Path, field_name: str, labels: Sequence[str]) -> None:
    seen, duplicated = set(), []
    for label in labels:
        if label in seen and label not in duplicated:
            duplicated.append(label)
        seen.add(label)
    if duplicated:
        raise InputError(path, field_name, "each element once", f"duplicated {duplicated[:5]}")
    if any(not label for label in labels):
        raise InputError(path, field_name, "non-empty element names", "a blank element")


def read_gtap_sets(path: str | Path) -> dict[str, tuple[str, ...]]:
    """The sets of ``sets.har`` (or of 1C set headers in a one-file database); REG, COMM, ACTS, MARG required."""
    sets = _sets_from(load_har(path), path)
    missing = [name for name in ("REG", "COMM", "ACTS", "MARG") if name not in sets]
    if missing:
        raise InputError(
            path, ", ".join(missing), "1C set headers REG, COMM, ACTS, MARG (and ENDW)", f"sets {sorted(sets)}"
        )
    return sets


def _sets_from(headers: Mapping[str, HeaderArrayObj], path: str | Path) -> dict[str, tuple[str, ...]]:
    sets = {}
    for name, header in _set_headers(headers).items():
        sets[name] = _normalise(name, _array(header).tolist())
        if name == "ACTS" and "cgds" in sets[name]:  # pre-v10 PROD_COMM: investment is no activity in v10
            sets[name] = tuple(v for v in sets[name] if v != "cgds")
        _check_unique(path, name, sets[name])
    return sets


@dataclass
class GtapData:
    """GTAP basedata: sets and float64 headers (US$ million), plus the identity residuals found."""

    path: str
    sets: dict[str, tuple[str, ...]]
    headers: dict[str, np.ndarray]
    residuals: dict[str, float]
    sets_path: str | None = None
    reordered: list[str] = field(default_factory=list)  # "<header> <set>" whose axis was re-ordered

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions (set REG)."""
        return self.sets["REG"]

    @property
    def sectors(self) -> tuple[str, ...]:
        """The commodities (set COMM)."""
        return self.sets["COMM"]

    @property
    def margins(self) -> tuple[str, ...]:
        """The margin commodities (set MARG)."""
        return self.sets["MARG"]

    @property
    def world_output(self) -> float:
        """Sum of gross output over every region and activity, US$ million."""
        return float(self.headers["MAKB"].sum())


def _pre_v10_basedata(raw: dict[str, HeaderArrayObj], path: str | Path) -> dict[str, HeaderArrayObj]:
    """A pre-v10 database (VDFM/VIFM/VFM over PROD_COMM = TRAD_COMM + cgds, no MAKB) in the v10 headers.

    The ``cgds`` column of VDFM / VIFM is investment (VDIB / VMIB), the other columns are firms (VDFB / VMFB);
    EVFB is VFM without ``cgds``; MAKB is the diagonal of output = the sum of sales (VDFM incl. cgds + VDPM +
    VDGM + exports VXMD + VST), so the output balance holds by construction and is no check for such a file.
    A v10/v11 database (with MAKB) is returned unchanged.
    """
    if "MAKB" in raw or not {"VDFM", "VIFM", "VFM", "VXMD", "VDPM", "VDGM", "VST"} <= set(raw):
        return raw

    def split(header: HeaderArrayObj) -> tuple[np.ndarray, np.ndarray, list[dict]]:
        descriptors = header.get("sets") or []
        labels = [str(v).strip().lower() for v in (descriptors[1].get("dim_desc") or [])] if descriptors else []
        if "cgds" not in labels:
            raise InputError(
                path,
                header["name"].strip(),
                "pre-v10 dimensions (TRAD_COMM, PROD_COMM incl. cgds, REG)",
                f"{[d.get('name') for d in descriptors]}",
            )
        c = labels.index("cgds")
        keep = [j for j in range(len(labels)) if j != c]
        array = np.asarray(header["array"], dtype=np.float64)
        activities = {**descriptors[1], "name": "ACTS", "dim_desc": [descriptors[1]["dim_desc"][j] for j in keep]}
        return array[:, keep, :], array[:, c, :], [descriptors[0], activities, descriptors[2]]

    def header(name: str, array: np.ndarray, descriptors: list[dict]) -> HeaderArrayObj:
        return HeaderArrayObj({"name": name, "array": array, "sets": descriptors, "data_type": "RE"})

    firms, investment, dims = split(raw["VDFM"])
    imported, imported_investment, _ = split(raw["VIFM"])
    factors, _, factor_dims = split(raw["VFM"])
    vst = np.asarray(raw["VST"]["array"], dtype=np.float64)
    sales = firms.sum(1) + investment + np.asarray(raw["VDPM"]["array"]) + np.asarray(raw["VDGM"]["array"])
    sales = sales + np.asarray(raw["VXMD"]["array"]).sum(2)
    commodities = [str(v).strip().lower() for v in dims[0]["dim_desc"]]
    margins = [str(v).strip().lower() for v in (raw["VST"].get("sets") or [{}])[0].get("dim_desc") or []]
    for g, margin in enumerate(margins):
        sales[commodities.index(margin)] += vst[g]
    n = len(commodities)
    make = np.zeros((n, n, sales.shape[1]))
    make[np.arange(n), np.arange(n), :] = sales
    log.warning("%s: pre-v10 GTAP database: VDFM/VIFM split into firms and investment (cgds), output = sales", path)
    converted = {k: v for k, v in raw.items() if k not in ("VDFM", "VIFM")}
    converted.update(
        {
            "VDFB": header("VDFB", firms, dims),
            "VDIB": header("VDIB", investment, [dims[0], dims[2]]),
            "VMFB": header("VMFB", imported, dims),
            "VMIB": header("VMIB", imported_investment, [dims[0], dims[2]]),
            "EVFB": header("EVFB", factors, factor_dims),
            "MAKB": header("MAKB", make, [dims[0], *dims[1:]]),
        }
    )
    return converted


def _find_headers(headers: Mapping[str, HeaderArrayObj], path: str | Path) -> dict[str, tuple[str, HeaderArrayObj]]:
    """Canonical header name -> (name in the file, header); every missing required header named at once."""
    found, missing = {}, []
    for name in (*REQUIRED_HEADERS, *OPTIONAL_HEADERS):
        alias = PRE_V10_NAMES.get(name)
        key = name if name in headers else alias if alias in headers else None
        if key is not None:
            found[name] = (key, headers[key])
        elif name in REQUIRED_HEADERS:
            missing.append(name + (f" (or pre-v10 {alias})" if alias and alias != name else ""))
    if missing:
        raise InputError(
            path,
            ", ".join(missing),
            "every GTAP basedata header (GTAP 10/11 or pre-v10 names)",
            f"headers {sorted(headers)}",
        )
    return found


def _descriptors(
    name: str, key: str, header: HeaderArrayObj, path: str | Path
) -> list[tuple[str, tuple[str, ...] | None]]:
    """(canonical set, labels or None) per dimension from the header's own set descriptors."""
    expected = HEADER_SETS[name]
    array = np.asarray(header["array"])
    descriptors = header.get("sets") or []
    if not descriptors:
        if array.ndim != len(expected):
            raise InputError(path, key, f"dimensions {expected}", f"shape {array.shape}")
        return [(d, None) for d in expected]
    dims = [SET_ALIASES.get(str(d["name"]).strip().upper(), str(d["name"]).strip().upper()) for d in descriptors]
    if tuple(dims) != expected:
        raise InputError(path, key, f"dimension sets {expected}", f"{tuple(dims)}")
    out = []
    for dim, descriptor, extent in zip(dims, descriptors, array.shape, strict=True):
        labels = descriptor.get("dim_desc")
        if labels is None:
            out.append((dim, None))
            continue
        labels = _normalise(dim, labels)
        if len(labels) != extent:
            raise InputError(path, f"{key} {dim}", f"{extent} element labels", f"{len(labels)}")
        _check_unique(path, f"{key} {dim}", labels)
        out.append((dim, labels))
    return out


def _reference_sets(
    dims: Mapping[str, list], given: Mapping[str, tuple[str, ...]], path: str | Path
) -> dict[str, tuple[str, ...]]:
    """The order every axis is brought to: the sets file's where given, else the first header's labels."""
    sets = dict(given)
    for name in SET_NAMES:
        if name in sets:
            continue
        for _, labels in dims.get(name, []):
            if labels is not None:
                sets[name] = labels
                break
    missing = [s for s in ("REG", "COMM", "ACTS", "MARG") if s not in sets]
    if missing:
        raise InputError(
            path,
            ", ".join(missing),
            "element labels in the headers' set descriptors or a sets file (sets.har)",
            "neither",
        )
    return sets


def _aligned(
    name: str,
    key: str,
    array: np.ndarray,
    dims: list,
    sets: Mapping[str, tuple[str, ...]],
    path: str | Path,
    sources: Mapping[str, str],
    reordered: list[str],
) -> np.ndarray:
    """The header's array with every axis in the reference order of its set (same elements required)."""
    for axis, (dim, labels) in enumerate(dims):
        reference = sets.get(dim)
        if reference is None:  # ENDW without labels anywhere: the header's own extent defines it
            continue
        if labels is None:
            if array.shape[axis] != len(reference):
                raise InputError(
                    path,
                    key,
                    f"{len(reference)} elements of {dim} ({sources[dim]}) on axis {axis}",
                    f"{array.shape[axis]}",
                )
            continue
        if labels == reference:
            continue
        if set(labels) != set(reference):
            extra, absent = sorted(set(labels) - set(reference)), sorted(set(reference) - set(labels))
            raise InputError(
                path,
                f"{key} {dim}",
                f"the elements of {dim} in {sources[dim]}",
                f"extra {extra[:5]}, missing {absent[:5]}",
            )
        order = [labels.index(element) for element in reference]
        array = np.take(array, order, axis=axis)
        if f"{key} {dim}" not in reordered:
            reordered.append(f"{key} {dim}")
    return array


def _check_values(name: str, key: str, array: np.ndarray, path: str | Path) -> None:
    if not np.isfinite(array).all():
        raise InputError(path, key, "finite values", f"{int((~np.isfinite(array)).sum())} NaN or infinite entries")
    if name not in SIGNED_HEADERS and (array < 0).any():
        raise InputError(path, key, "non-negative values", f"{int((array < 0).sum())} negative entries")
    if not array.any():
        raise InputError(path, key, "some non-zero values (a GTAP header is never all zero)", "all zeros")


def read_gtap_basedata(
    path: str | Path,
    sets_path: str | Path | None = None,
    identity_rtol: float = 1e-4,
    world_output_musd: tuple[float, float] | None = WORLD_OUTPUT_MUSD,
    headers: Mapping[str, HeaderArrayObj] | None = None,
) -> GtapData:
    """Read GTAP basedata (``basedata.har`` and, when given, ``sets.har``); see the module docstring.

    Identities (output balance, import balance, margins balance, CIF = FOB + margins, cost balance) are
    computed and returned; any residual above ``identity_rtol`` (relative to the header's largest value) is
    an error, because the MRIO built from such a database would not balance. ``world_output_musd`` bounds the
    world's gross output (US$ million; None skips the check, e.g. for hand-made test databases). ``headers``:
    every header of ``path`` as :func:`load_har` read them, from a caller that read the file already.
    """
    needed = (*REQUIRED_HEADERS, *OPTIONAL_HEADERS, *PRE_V10_NAMES.values(), *SET_NAMES)
    raw = dict(headers) if headers is not None else load_har(path, needed=needed)
    given, sources = {}, {}
    if sets_path is not None:
        given = read_gtap_sets(sets_path)
        sources = dict.fromkeys(given, str(sets_path))
    for name, labels in _sets_from(raw, path).items():  # older layout: sets inside the data file
        if name in given and set(labels) != set(given[name]):
            raise InputError(path, name, f"the elements of {name} in {sets_path}", f"{labels[:5]}...")
        if name not in given:
            given[name], sources[name] = labels, f"the 1C header {name} of {path}"
    raw = _pre_v10_basedata(raw, path)
    found = _find_headers(raw, path)
    dims = {name: _descriptors(name, key, header, path) for name, (key, header) in found.items()}
    by_set: dict[str, list] = {}
    for name in found:
        for dim, labels in dims[name]:
            by_set.setdefault(dim, []).append((name, labels))
    sets = _reference_sets(by_set, given, path)
    for name in sets:
        sources.setdefault(name, "the headers' set descriptors")
        _check_unique(sets_path if name in given and sets_path else path, name, sets[name])
    headers, reordered = {}, []
    for name, (key, header) in found.items():
        array = np.asarray(header["array"], dtype=np.float64)
        array = _aligned(name, key, array, dims[name], sets, path, sources, reordered)
        _check_values(name, key, array, path)
        headers[name] = array
    if "ENDW" not in sets:
        sets["ENDW"] = tuple(f"endw{e + 1}" for e in range(headers["EVFB"].shape[0]))
    if reordered:
        log.warning("%s: axes re-ordered to the sets' order: %s", path, ", ".join(reordered))
    _check_structure(path, sets, headers, world_output_musd)
    residuals = gtap_identity_residuals(headers, sets["MARG"], sets["COMM"])
    for name, value in residuals.items():
        # The cost side also carries production and purchase taxes, which are not in the basic-price
        # headers read here: its residual is reported, never enforced.
        if name != "cost_balance" and value > identity_rtol:
            raise InputError(
                path, name, f"the GTAP identity to hold within {identity_rtol:g} relative", f"residual {value:.3g}"
            )
    return GtapData(str(path), sets, headers, residuals, None if sets_path is None else str(sets_path), reordered)


def _check_structure(
    path: str | Path,
    sets: Mapping[str, tuple[str, ...]],
    headers: Mapping[str, np.ndarray],
    world_output_musd: tuple[float, float] | None,
) -> None:
    """Sets that fit together, a diagonal make matrix and a world output in US$ million."""
    if sets["COMM"] != sets["ACTS"]:
        raise InputError(
            path,
            "ACTS",
            "the same elements as COMM, in the same order (a diagonal make matrix)",
            f"{sets['ACTS'][:5]}... vs {sets['COMM'][:5]}...",
        )
    if not set(sets["MARG"]) <= set(sets["COMM"]):
        raise InputError(
            path, "MARG", "margin commodities that are also in COMM", f"{sorted(set(sets['MARG']) - set(sets['COMM']))}"
        )
    make = headers["MAKB"]
    n = len(sets["COMM"])
    diagonal = make[np.arange(n), np.arange(n), :]
    off_diagonal = make.sum() - diagonal.sum()
    if off_diagonal > 1e-6 * max(diagonal.sum(), 1e-30):
        raise InputError(
            path,
            "MAKB",
            "a diagonal make matrix (one activity per commodity)",
            f"off-diagonal total {off_diagonal:.4g} US$ million",
        )
    if (diagonal <= 0).all(axis=0).any():
        regions = [sets["REG"][r] for r in np.flatnonzero((diagonal <= 0).all(axis=0))]
        raise InputError(path, "MAKB", "positive output in every region", f"none in {regions[:5]}")
    if world_output_musd is not None:
        low, high = world_output_musd
        world = float(diagonal.sum())
        if not low <= world <= high:
            hint = " (values in US$, not US$ million?)" if world > high else " (values not in US$ million?)"
            raise InputError(
                path, "MAKB", f"a world gross output of {low:.0e} to {high:.0e} US$ million{hint}", f"{world:.4g}"
            )
