"""Gridded population in the distributed layouts: GeoTIFF (WorldPop, LandScan, GPW v4) and netCDF.

Either layout holds one 2-D grid on regular WGS84 longitude-latitude cells, as persons per cell (counts:
WorldPop ``ppp``, LandScan, GPW "population count") or persons per km2 (density: GPW "population density").
The units come from the ``units`` argument (config ``data.population_units``) or, when that is ``auto``, from
the file's metadata (netCDF ``units`` attribute; GeoTIFF ``units`` tag or band unit). Density is converted to
persons per cell with the exact spherical cell area (:meth:`LonLatGrid.cell_area_m2`).

Checks: one band / one 2-D variable (a leading axis of length 1 is dropped; dims ``lat``/``lon``,
``latitude``/``longitude`` or ``y``/``x`` in either order), a geographic CRS (not metres), regular cells,
finite non-negative values (no-data cells as 0), and, when ``provinces`` are given, a grid total within
``tolerance`` (default 10 %) of their official 2017 resident population, which catches a density grid read as
counts and vice versa. The CTM stages move the counts to their grid conservatively (:mod:`exportpm.regrid`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import rasterio
import xarray as xr
from affine import Affine
from rasterio.errors import RasterioError

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output
from exportpm.resources import resource

UNITS = ("counts", "density_km2")
COUNT_WORDS = ("per cell", "per grid cell", "per pixel", "count", "ppp")
DENSITY_WORDS = ("km2", "km-2", "km^-2", "km**-2", "km^2", "square kilometer", "square kilometre", "density")
AXES = {"y": ("lat", "latitude", "y"), "x": ("lon", "longitude", "x")}


def read_population(
    path: str | Path, units: str = "auto", provinces: Sequence[str] | None = None, tolerance: float = 0.10
) -> tuple[LonLatGrid, np.ndarray]:
    """Grid and persons per cell (nlat, nlon; lat ascending) from a GeoTIFF or netCDF population grid.

    ``units``: ``counts`` (persons per cell), ``density_km2`` (persons per km2) or ``auto`` (from metadata).
    ``provinces``: ISO 3166-2 codes whose official 2017 population the grid total must match within
    ``tolerance`` (relative); ``None`` skips that check.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "<file>", "an existing population grid (GeoTIFF or netCDF)")
    if path.suffix.lower() in (".tif", ".tiff"):
        grid, values, found_units = _read_geotiff(path)
    else:
        grid, values, found_units = _read_netcdf(path)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise InputError(
            path,
            "population",
            "finite, non-negative values (no-data as the no-data value or NaN)",
            f"{values[bad][:3].tolist()}",
        )
    kind = _units(path, units, found_units)
    people = values * (grid.cell_area_m2() / 1e6) if kind == "density_km2" else values
    if provinces is not None:
        check_total(path, people, values, grid, kind, provinces, tolerance)
    return grid, people


def population_note(path: str | Path) -> str:
    """The grid's own description (GeoTIFF ``description`` tag, netCDF ``comment``/``title``), for reports."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".tif", ".tiff"):
            with rasterio.open(path) as src:
                return str(src.tags().get("description", ""))
        with xr.open_dataset(path) as ds:
            return str(ds.attrs.get("comment", ds.attrs.get("title", "")))
    except (RasterioError, OSError, ValueError):
        return ""


def official_population(provinces: Sequence[str]) -> float:
    """Official 2017 year-end resident population of ``provinces`` (NBS; resources/provinces31.csv), persons."""
    table = resource("provinces31").set_index("iso3166_2")["population_2017_10k"].astype(float) * 1e4
    unknown = sorted(set(provinces) - set(table.index))
    if unknown:
        raise InputError("resources/provinces31.csv", "iso3166_2", "every province of the boundaries", f"{unknown}")
    return float(table[list(provinces)].sum())


def check_total(
    path: Path,
    people: np.ndarray,
    values: np.ndarray,
    grid: LonLatGrid,
    kind: str,
    provinces: Sequence[str],
    tolerance: float,
) -> None:
    """The grid total within ``tolerance`` of the provinces' official population, or an InputError."""
    expected = official_population(provinces)
    total = float(people.sum())
    if abs(total / expected - 1.0) <= tolerance:
        return
    other = values.sum() if kind == "density_km2" else float((values * grid.cell_area_m2() / 1e6).sum())
    hint = (
        f"; read as {'counts' if kind == 'density_km2' else 'density per km2'} it would be {other:.4g}"
        if abs(other / expected - 1.0) <= tolerance
        else ""
    )
    raise InputError(
        path,
        "population total (units)",
        f"{expected:.4g} persons (official 2017 population of "
        f"{len(provinces)} provinces) within {100 * tolerance:g} %, read as {kind}",
        f"{total:.4g}{hint}",
    )


def _units(path: Path, units: str, found: str | None) -> str:
    if units in UNITS:
        return units
    if units != "auto":
        raise InputError(path, "units", f"one of {UNITS} or auto", units)
    text = (found or "").lower()
    if any(word in text for word in DENSITY_WORDS):
        return "density_km2"
    if any(word in text for word in COUNT_WORDS) or text.strip() in ("persons", "people", "1"):
        return "counts"
    raise InputError(
        path,
        "units",
        "metadata saying persons per cell or persons per km2 (or set "
        "data.population_units: counts | density_km2 in the config)",
        repr(found),
    )


def _grid_from_edges(west: float, south: float, dlon: float, dlat: float, nlon: int, nlat: int) -> LonLatGrid:
    def r(v: float) -> float:
        return round(float(v), 9)

    return LonLatGrid(r(west), r(west + nlon * dlon), r(south), r(south + nlat * dlat), r(dlon), r(dlat))


def _check_extent(path: Path, grid: LonLatGrid, field: str) -> None:
    if not (-180 <= grid.lon0 < grid.lon1 <= 360 and -90 <= grid.lat0 < grid.lat1 <= 90):
        raise InputError(
            path,
            field,
            "longitude within -180..360 and latitude within -90..90 degrees (WGS84, not metres; longitude first)",
            f"{grid}",
        )


def _read_geotiff(path: Path) -> tuple[LonLatGrid, np.ndarray, str | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with rasterio.open(path) as src:
                if src.count != 1:
                    raise InputError(path, "band", "one band of population", f"{src.count} bands")
                if src.crs is None or not src.crs.is_geographic:
                    raise InputError(
                        path, "crs", "a geographic CRS (WGS84 longitude-latitude, EPSG:4326)", f"{src.crs}"
                    )
                data = src.read(1).astype(np.float64)
                transform, nodata = src.transform, src.nodata
                found = src.tags().get("units") or src.tags().get("UNITS") or (src.units[0] or None)
    except RasterioError as error:
        raise InputError(path, "<file>", "a GeoTIFF readable by GDAL", str(error)[:200]) from None
    if transform.b != 0 or transform.d != 0 or transform.a <= 0 or transform.e >= 0:
        raise InputError(path, "transform", "a north-up grid without rotation", f"{tuple(transform)[:6]}")
    missing = np.isnan(data) | ((data == nodata) if nodata is not None else False)
    data[missing] = 0.0
    nlat, nlon = data.shape
    grid = _grid_from_edges(transform.c, transform.f + nlat * transform.e, transform.a, -transform.e, nlon, nlat)
    _check_extent(path, grid, "transform")
    return grid, data[::-1].copy(), found


def _axis(path: Path, dims: Sequence[str], axis: str) -> str:
    for name in AXES[axis]:
        if name in dims:
            return name
    raise InputError(
        path, "/".join(AXES[axis]), f"a {'latitude' if axis == 'y' else 'longitude'} dimension", f"dims {tuple(dims)}"
    )


def _read_netcdf(path: Path) -> tuple[LonLatGrid, np.ndarray, str | None]:
    try:
        ds = xr.open_dataset(path, mask_and_scale=True)
    except (OSError, ValueError, RuntimeError) as error:
        raise InputError(path, "<file>", "a readable netCDF population grid", str(error)[:200]) from None
    with ds:
        names = [n for n in ds.data_vars if ds[n].ndim >= 2]
        name = "population" if "population" in ds.data_vars else (names[0] if len(names) == 1 else None)
        if name is None:
            raise InputError(
                path,
                "population",
                "a variable population(lat, lon) (or exactly one 2-D variable)",
                f"variables {list(ds.data_vars)}",
            )
        var = ds[name]
        y, x = _axis(path, var.dims, "y"), _axis(path, var.dims, "x")
        extra = [d for d in var.dims if d not in (y, x)]
        if any(var.sizes[d] != 1 for d in extra):
            raise InputError(
                path, name, f"a 2-D grid ({y}, {x}) (a leading axis of length 1 is accepted)", f"dims {dict(var.sizes)}"
            )
        try:
            var = var.isel({d: 0 for d in extra}).transpose(y, x)
            values = np.asarray(var.values, dtype=np.float64)
            lat, lon = np.asarray(ds[y].values, dtype=np.float64), np.asarray(ds[x].values, dtype=np.float64)
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            raise InputError(path, name, "readable values and coordinates", str(error)[:200]) from None
        found = var.attrs.get("units")
    values = np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=-np.inf)
    dlat, dlon = _spacing(path, y, lat), _spacing(path, x, lon)
    if dlat < 0:
        lat, values, dlat = lat[::-1], values[::-1], -dlat
    if dlon < 0:
        lon, values, dlon = lon[::-1], values[:, ::-1], -dlon
    grid = _grid_from_edges(lon[0] - dlon / 2, lat[0] - dlat / 2, dlon, dlat, lon.size, lat.size)
    _check_extent(path, grid, f"{y}/{x}")
    return grid, values, found


def _spacing(path: Path, name: str, centres: np.ndarray) -> float:
    steps = np.diff(centres)
    if centres.size < 2 or steps[0] == 0 or not np.allclose(steps, steps[0], rtol=1e-6, atol=1e-9):
        raise InputError(path, name, "regularly spaced, monotonic cell centres")
    return float(steps[0])


def write_population_geotiff(
    path: str | Path, grid: LonLatGrid, people: np.ndarray, units: str = "counts", description: str = ""
) -> None:
    """Write ``people`` (nlat, nlon; lat ascending; persons per cell, or per km2 with ``density_km2``) as GeoTIFF."""
    if units not in UNITS:
        raise ValueError(f"units must be one of {UNITS}")
    transform = Affine(grid.dlon, 0.0, grid.lon0, 0.0, -grid.dlat, grid.lat1)
    label = "persons per grid cell" if units == "counts" else "persons per km2"
    with atomic_output(path) as tmp:
        with rasterio.open(
            tmp,
            "w",
            driver="GTiff",
            height=grid.nlat,
            width=grid.nlon,
            count=1,
            dtype="float64",
            crs="EPSG:4326",
            transform=transform,
            nodata=-9999.0,
            compress="deflate",
        ) as dst:
            dst.write(people[::-1].astype(np.float64), 1)
            dst.update_tags(units=label, description=description)
            dst.set_band_unit(1, label)
