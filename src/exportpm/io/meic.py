"""MEIC gridded emissions in both distributed layouts: ESRI ASCII grids and GMT-style netCDF.

One file per month, sector and species, ``{YYYY}_{MM}_{sector}_{species}.asc`` or ``.nc``; values in t (Mg) per
cell per month (NOx as NO2 mass).

* ESRI ASCII grid (``.asc``), read with rasterio (GDAL's AAIGrid driver, as float64): header lines ``ncols``,
  ``nrows``, ``xllcorner`` or ``xllcenter``, ``yllcorner`` or ``yllcenter``, ``cellsize``, ``NODATA_value``,
  then ``nrows`` rows of ``ncols`` values from north to south.
* GMT "grd" netCDF (netCDF-3 or netCDF-4, read with netCDF4): ``x_range``, ``y_range``, ``spacing``,
  ``dimension`` and the flattened grid ``z`` (rows north to south), with either registration (``node_offset``
  1 = pixel: the ranges are cell edges; 0 = gridline: the ranges are the first and last cell centres), no-data
  as NaN, ``nodata_value`` or ``_FillValue``, and packing (``scale_factor``, ``add_offset``) applied. The COARDS
  form of newer GMT files (1-D ``lon``/``lat`` or ``x``/``y`` coordinates and a 2-D ``z``) is read too, in
  either row order.

Integrity: a netCDF-3 file shorter than its header declares (an interrupted download) and HDF5 errors of a
netCDF-4 file, a value count that does not match the header, negative or infinite emissions and a grid outside
longitude/latitude are each an :class:`InputError` naming the file and field.
"""

from __future__ import annotations

import re
import struct
import warnings
from pathlib import Path

import netCDF4
import numpy as np
import rasterio
from rasterio.errors import RasterioError
from scipy.io import netcdf_file

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output

NODATA = -9999.0
MEIC_NAME = re.compile(r"(?P<year>\d{4})_(?P<month>\d{2})_(?P<sector>[a-z]+)_(?P<species>\w+)\.(?P<ext>nc|asc)$")
ASC_KEYS = {
    "ncols",
    "nrows",
    "xllcorner",
    "xllcenter",
    "yllcorner",
    "yllcenter",
    "cellsize",
    "dx",
    "dy",
    "nodata_value",
}


def meic_filename(year: int, month: int, sector: str, species: str, ext: str = "nc") -> str:
    """``{YYYY}_{MM}_{sector}_{species}.{ext}`` (``ext`` is ``nc`` or ``asc``)."""
    return f"{year}_{month:02d}_{sector}_{species}.{ext}"


def write_meic_grid(
    path: str | Path, grid: LonLatGrid, values: np.ndarray, nodata_mask: np.ndarray, title: str
) -> None:
    """Write ``values`` (nlat, nlon; lat ascending, t/cell/month) as a GMT-style MEIC netCDF-3 file (pixel).

    The classic-format bytes are composed here (:func:`netcdf3_classic`), as the netCDF C library writes
    them through netCDF4 (tests compare the two byte for byte), at a tenth of the cost per file.
    """
    z = np.where(nodata_mask, NODATA, values)[::-1].astype(np.float32).ravel()  # north to south
    side = ("side",)
    variables = [
        (name, side, {"units": units}, np.asarray(data, dtype=np.float64))
        for name, data, units in (
            ("x_range", (grid.lon0, grid.lon1), "degrees_east"),
            ("y_range", (grid.lat0, grid.lat1), "degrees_north"),
            ("z_range", (float(values.min()), float(values.max())), "t/month"),
            ("spacing", (grid.dlon, grid.dlat), "degrees"),
        )
    ]
    variables.append(("dimension", side, {}, np.asarray((grid.nlon, grid.nlat), dtype=np.int32)))
    z_attributes = {
        "scale_factor": 1.0,
        "add_offset": 0.0,
        "node_offset": 1,
        "nodata_value": NODATA,
        "units": "t/month per grid cell",
    }
    variables.append(("z", ("xysize",), z_attributes, z))
    content = netcdf3_classic(
        {"side": 2, "xysize": z.size}, {"title": title, "source": "MEIC-format gridded emissions"}, variables
    )
    with atomic_output(path) as tmp:
        Path(tmp).write_bytes(content)


NC_TYPES = {"S": 2, "i4": 4, "f4": 5, "f8": 6}  # NC_CHAR, NC_INT, NC_FLOAT, NC_DOUBLE


def _nc_name(name: str) -> bytes:
    raw = name.encode("utf-8")
    return struct.pack(">i", len(raw)) + raw + b"\0" * (-len(raw) % 4)


def _nc_attributes(attributes: dict) -> bytes:
    if not attributes:
        return struct.pack(">ii", 0, 0)  # ABSENT
    out = [struct.pack(">ii", 12, len(attributes))]  # NC_ATTRIBUTE
    for name, value in attributes.items():
        if isinstance(value, str):
            kind, raw, count = NC_TYPES["S"], value.encode("utf-8"), len(value.encode("utf-8"))
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            kind, raw, count = NC_TYPES["i4"], struct.pack(">i", value), 1
        elif isinstance(value, (float, np.floating)):
            kind, raw, count = NC_TYPES["f8"], struct.pack(">d", value), 1
        else:
            raise TypeError(f"netCDF-3 attribute {name}: {type(value).__name__} not supported")
        out.append(_nc_name(name) + struct.pack(">ii", kind, count) + raw + b"\0" * (-len(raw) % 4))
    return b"".join(out)


def netcdf3_classic(dimensions: dict[str, int], attributes: dict, variables: list) -> bytes:
    """A netCDF-3 classic (CDF-1) file with fixed dimensions, laid out as the netCDF C library lays it out.

    ``variables``: (name, dimension names, attributes, data) with data float64, float32 or int32 (written
    big-endian, in order, right after the header). Attributes: str (NC_CHAR, UTF-8), int (NC_INT) or float
    (NC_DOUBLE). No record dimension, no fill: every variable is written whole.
    """
    dim_ids = {name: k for k, name in enumerate(dimensions)}
    head = [b"CDF\x01", struct.pack(">i", 0)]  # no records
    head.append(struct.pack(">ii", 10, len(dimensions)))  # NC_DIMENSION
    head += [_nc_name(name) + struct.pack(">i", size) for name, size in dimensions.items()]
    head.append(_nc_attributes(attributes))
    head.append(struct.pack(">ii", 11, len(variables)))  # NC_VARIABLE
    entries, blocks = [], []
    for name, dims, attrs, data in variables:
        kind = NC_TYPES[{"float64": "f8", "float32": "f4", "int32": "i4"}[data.dtype.name]]
        if data.size != int(np.prod([dimensions[d] for d in dims])):
            raise ValueError(f"netCDF-3 variable {name}: {data.size} values for dimensions {dims}")
        raw = data.astype(data.dtype.newbyteorder(">")).tobytes()
        blocks.append(raw + b"\0" * (-len(raw) % 4))
        shape = struct.pack(f">i{len(dims)}i", len(dims), *(dim_ids[d] for d in dims))
        entries.append(_nc_name(name) + shape + _nc_attributes(attrs) + struct.pack(">ii", kind, len(blocks[-1])))
    begin = sum(map(len, head)) + sum(len(entry) + 4 for entry in entries)  # data right after the header
    for entry, block in zip(entries, blocks, strict=True):
        head.append(entry + struct.pack(">i", begin))
        begin += len(block)
    return b"".join(head + blocks)


def write_meic_asc(
    path: str | Path,
    grid: LonLatGrid,
    values: np.ndarray,
    nodata_mask: np.ndarray,
    title: str = "",
    corner: bool = True,
) -> None:
    """Write ``values`` (nlat, nlon; lat ascending, t/cell/month) as an ESRI ASCII grid, rows north to south.

    ``corner`` selects ``xllcorner``/``yllcorner`` (else ``xllcenter``/``yllcenter``); values are written with
    17 significant digits, so a float64 grid reads back exactly. An ESRI ASCII grid has no metadata: ``title``
    is accepted for the same signature as :func:`write_meic_grid` and not written.
    """
    if not np.isclose(grid.dlon, grid.dlat):
        raise ValueError("an ESRI ASCII grid needs square cells (cellsize)")
    _ = title
    if corner:
        origin = f"xllcorner {grid.lon0!r}\nyllcorner {grid.lat0!r}\n"
    else:
        origin = f"xllcenter {grid.lon0 + grid.dlon / 2!r}\nyllcenter {grid.lat0 + grid.dlat / 2!r}\n"
    header = f"ncols {grid.nlon}\nnrows {grid.nlat}\n{origin}cellsize {grid.dlon!r}\nNODATA_value {NODATA:g}\n"
    rows = np.where(nodata_mask, NODATA, values)[::-1]
    body = "\n".join(" ".join(f"{v:.17g}" for v in row) for row in rows)
    with atomic_output(path) as tmp:
        tmp.write_text(header + body + "\n", encoding="ascii")


def read_meic_grid(path: str | Path) -> tuple[LonLatGrid, np.ndarray]:
    """Read one MEIC file (``.asc`` or netCDF): the grid and values (nlat, nlon; lat ascending), no-data as 0."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "<file>", "an existing MEIC file (.asc or .nc)")
    if path.suffix.lower() == ".asc":
        grid, values = _read_asc(path)
    else:
        grid, values = _read_netcdf(path)
    _check_grid(path, grid)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        j, i = np.unravel_index(np.flatnonzero(bad)[:3], values.shape)
        raise InputError(
            path,
            "z",
            "finite, non-negative emissions (t/cell/month; no-data as NaN or the no-data value)",
            f"{values[j, i].tolist()} at (row from south, column) {list(zip(j.tolist(), i.tolist(), strict=True))}",
        )
    return grid, values


def _check_grid(path: Path, grid: LonLatGrid) -> None:
    if not (grid.dlon > 0 and grid.dlat > 0 and grid.nlon >= 1 and grid.nlat >= 1):
        raise InputError(path, "spacing", "positive cell sizes and at least one cell", f"{grid}")
    if not (-180 <= grid.lon0 < grid.lon1 <= 360 and -90 <= grid.lat0 < grid.lat1 <= 90):
        raise InputError(
            path,
            "x_range/y_range",
            "longitude within -180..360 and latitude within -90..90 degrees (a grid in degrees, not metres)",
            f"{grid}",
        )


def _grid(lon0: float, lat0: float, dlon: float, dlat: float, nlon: int, nlat: int) -> LonLatGrid:
    """A grid from its south-west corner, cell sizes and counts (rounded to 1e-9 degree)."""

    def r(v: float) -> float:
        return round(float(v), 9)

    return LonLatGrid(r(lon0), r(lon0 + nlon * dlon), r(lat0), r(lat0 + nlat * dlat), r(dlon), r(dlat))


# ---- ESRI ASCII grid -------------------------------------------------------------------------------------------


def _asc_header(path: Path) -> tuple[dict[str, float], int]:
    """Header values (lower-case keys) and the number of data tokens after the header."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, "<file>", "an ESRI ASCII grid (plain ASCII text)", type(error).__name__) from None
    tokens = text.split()
    header: dict[str, float] = {}
    k = 0
    while k + 1 < len(tokens) and tokens[k].lower() in ASC_KEYS:
        try:
            header[tokens[k].lower()] = float(tokens[k + 1])
        except ValueError:
            raise InputError(path, tokens[k], "a number in the header", tokens[k + 1]) from None
        k += 2
    for key in ("ncols", "nrows"):
        if key not in header:
            raise InputError(path, key, "an ESRI ASCII grid header line", "missing")
    if not ({"xllcorner", "xllcenter"} & set(header) and {"yllcorner", "yllcenter"} & set(header)):
        raise InputError(path, "xllcorner/yllcorner", "xllcorner or xllcenter and yllcorner or yllcenter")
    if "cellsize" not in header and not {"dx", "dy"} <= set(header):
        raise InputError(path, "cellsize", "an ESRI ASCII grid header line", "missing")
    sizes = [header[key] for key in ("cellsize", "dx", "dy") if key in header]
    if not all(size > 0 for size in sizes):
        raise InputError(path, "cellsize", "a positive cell size (degrees)", f"{sizes}")
    try:
        np.asarray(tokens[k:], dtype=np.float64)
    except ValueError:
        bad = next(t for t in tokens[k:] if not _is_number(t))
        raise InputError(path, "z", "numbers after the header (t/cell/month)", repr(bad)) from None
    return header, len(tokens) - k


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _read_asc(path: Path) -> tuple[LonLatGrid, np.ndarray]:
    header, count = _asc_header(path)
    ncols, nrows = int(header["ncols"]), int(header["nrows"])
    if count != ncols * nrows:
        raise InputError(
            path,
            "ncols/nrows",
            f"{nrows} rows of {ncols} values ({ncols * nrows}) after the header",
            f"{count} values (truncated or wrong dimensions)",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rasterio's NotGeoreferencedWarning: .asc has no CRS
            with rasterio.open(path, DATATYPE="Float64") as src:
                data = src.read(1).astype(np.float64)
                transform, nodata = src.transform, src.nodata
    except RasterioError as error:
        raise InputError(path, "<file>", "an ESRI ASCII grid readable by GDAL", str(error)[:200]) from None
    if transform.b != 0 or transform.d != 0 or transform.e >= 0:
        raise InputError(path, "cellsize", "a north-up grid without rotation", f"transform {tuple(transform)}")
    nodata_cells = np.isnan(data) | ((data == nodata) if nodata is not None else False)
    data[nodata_cells] = 0.0
    dlon, dlat = transform.a, -transform.e
    grid = _grid(transform.c, transform.f - nrows * dlat, dlon, dlat, ncols, nrows)
    return grid, data[::-1].copy()


# ---- GMT-style netCDF --------------------------------------------------------------------------------------------


def _check_netcdf3_size(path: Path) -> None:
    """A netCDF-3 file must hold every byte its header declares (scipy reads classic and 64-bit offset)."""
    try:
        with netcdf_file(path, "r", mmap=False) as nc:
            for var in nc.variables.values():
                _ = var.data
    except (ValueError, TypeError, OSError, EOFError) as error:
        raise InputError(
            path,
            "<file size>",
            "every byte its netCDF-3 header declares",
            f"{path.stat().st_size} bytes, {type(error).__name__}: truncated (interrupted download?)",
        ) from None


def _read_netcdf(path: Path) -> tuple[LonLatGrid, np.ndarray]:
    try:
        nc = netCDF4.Dataset(path)
    except (OSError, RuntimeError, ValueError) as error:
        raise InputError(
            path,
            "<file>",
            "a readable MEIC netCDF file (netCDF-3, or netCDF-4/HDF5 without errors)",
            f"{error} (truncated or corrupt?)",
        ) from None
    with nc:
        if nc.file_format in ("NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT"):
            _check_netcdf3_size(path)
        nc.set_auto_maskandscale(False)
        try:
            if "x_range" in nc.variables:
                return _read_gmt_flat(path, nc)
            return _read_gmt_coards(path, nc)
        except (OSError, RuntimeError) as error:
            raise InputError(path, "z", "readable grid values", f"{error} (truncated or corrupt?)") from None


def _unpack(path: Path, var, raw: np.ndarray) -> np.ndarray:
    """Physical values: no-data (NaN, ``nodata_value``, ``_FillValue``) as NaN, then scale and offset applied."""
    values = np.asarray(raw, dtype=np.float64)
    missing = np.isnan(values)
    for attr in ("nodata_value", "_FillValue", "missing_value"):
        if attr in var.ncattrs():
            missing |= values == np.float64(np.asarray(var.getncattr(attr)).ravel()[0])
    scale = float(np.asarray(getattr(var, "scale_factor", 1.0)).ravel()[0])
    offset = float(np.asarray(getattr(var, "add_offset", 0.0)).ravel()[0])
    if not np.isfinite(scale) or scale == 0 or not np.isfinite(offset):
        raise InputError(
            path, "scale_factor/add_offset", "finite packing attributes, scale_factor != 0", f"{scale}, {offset}"
        )
    values = values * scale + offset
    values[missing] = np.nan
    return values


def _node_offset(path: Path, nc, var, extent_x: float, dx: float, nx: int) -> int:
    """Registration: 1 = pixel (ranges are edges), 0 = gridline (ranges are centres); checked against the sizes."""
    declared = getattr(var, "node_offset", getattr(nc, "node_offset", None))
    cells = extent_x / dx
    fits = {1: np.isclose(cells, nx, atol=1e-6), 0: np.isclose(cells, nx - 1, atol=1e-6)}
    if declared is not None:
        declared = int(np.asarray(declared).ravel()[0])
        if declared not in fits:
            raise InputError(path, "node_offset", "0 (gridline) or 1 (pixel registration)", f"{declared}")
        if not fits[declared]:
            raise InputError(
                path,
                "dimension",
                f"{nx} columns matching x_range and spacing for node_offset {declared}",
                f"x_range / spacing = {cells:g}",
            )
        return declared
    for registration in (1, 0):
        if fits[registration]:
            return registration
    raise InputError(
        path,
        "dimension",
        "columns matching x_range / spacing (pixel) or + 1 (gridline)",
        f"{nx} columns, x_range / spacing = {cells:g}",
    )


def _read_gmt_flat(path: Path, nc) -> tuple[LonLatGrid, np.ndarray]:
    for name in ("x_range", "y_range", "spacing", "dimension", "z"):
        if name not in nc.variables:
            raise InputError(path, name, "a GMT-style MEIC variable")
    x_range, y_range = (np.asarray(nc[v][:], dtype=np.float64) for v in ("x_range", "y_range"))
    spacing, dimension = np.asarray(nc["spacing"][:], dtype=np.float64), np.asarray(nc["dimension"][:])
    if x_range.size != 2 or y_range.size != 2 or spacing.size != 2 or dimension.size != 2:
        raise InputError(path, "x_range/y_range/spacing/dimension", "two values each")
    (dx, dy), (nx, ny) = spacing, (int(dimension[0]), int(dimension[1]))
    if not (dx > 0 and dy > 0 and nx > 0 and ny > 0):
        raise InputError(path, "spacing/dimension", "positive spacing and dimension", f"{spacing}, {dimension}")
    if not (x_range[1] > x_range[0] and y_range[1] > y_range[0]):
        raise InputError(path, "x_range/y_range", "increasing ranges (min, max)", f"{x_range}, {y_range}")
    registration = _node_offset(path, nc, nc["z"], x_range[1] - x_range[0], dx, nx)
    rows = (y_range[1] - y_range[0]) / dy + (1 - registration)
    if not np.isclose(rows, ny, atol=1e-6):
        raise InputError(path, "dimension", f"{ny} rows matching y_range and spacing", f"{rows:g}")
    z = nc["z"]
    if z.size != nx * ny:
        raise InputError(path, "z", f"dimension[0] x dimension[1] = {nx * ny} values", f"{z.size}")
    values = _unpack(path, z, z[:]).reshape(ny, nx)[::-1]
    half = 0.0 if registration == 1 else 0.5
    grid = _grid(x_range[0] - half * dx, y_range[0] - half * dy, dx, dy, nx, ny)
    return grid, np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=-np.inf)


def _coordinate(path: Path, nc, names: tuple[str, ...]) -> tuple[str, np.ndarray]:
    for name in names:
        if name in nc.variables and nc[name].ndim == 1:
            return name, np.asarray(nc[name][:], dtype=np.float64)
    raise InputError(path, "/".join(names), "a 1-D coordinate variable (or the GMT x_range/y_range layout)")


def _regular(path: Path, name: str, centres: np.ndarray) -> float:
    steps = np.diff(centres)
    if centres.size < 2 or not np.allclose(steps, steps[0], rtol=1e-6, atol=1e-9) or steps[0] == 0:
        raise InputError(path, name, "regularly spaced, monotonic cell centres")
    return float(steps[0])


def _read_gmt_coards(path: Path, nc) -> tuple[LonLatGrid, np.ndarray]:
    x_name, x = _coordinate(path, nc, ("lon", "longitude", "x"))
    y_name, y = _coordinate(path, nc, ("lat", "latitude", "y"))
    candidates = [
        v for v in nc.variables.values() if v.dimensions[-2:] == (nc[y_name].dimensions[0], nc[x_name].dimensions[0])
    ]
    if not candidates:
        raise InputError(path, "z", f"a grid variable z({y_name}, {x_name})")
    var = nc["z"] if "z" in nc.variables else candidates[0]
    if var.ndim != 2:
        if var.ndim == 3 and var.shape[0] == 1:
            raw = var[0]
        else:
            raise InputError(path, var.name, f"a 2-D grid ({y_name}, {x_name})", f"shape {var.shape}")
    else:
        raw = var[:]
    values = _unpack(path, var, raw)
    dx, dy = _regular(path, x_name, x), _regular(path, y_name, y)
    if dx < 0:
        x, values, dx = x[::-1], values[:, ::-1], -dx
    if dy < 0:
        y, values, dy = y[::-1], values[::-1], -dy
    grid = _grid(x[0] - dx / 2, y[0] - dy / 2, dx, dy, x.size, y.size)
    return grid, np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=-np.inf)
