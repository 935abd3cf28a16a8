"""The PM2.5 the CTM products do not carry (SOA, natural dust, sea salt and other unresolved mass), as a field.

Totals are components + background (ug/m3). Three sources, chosen by config ``ctm.background.source``:

* ``climatology`` (default): an annual-mean field by region class of the grid cell, from latitude and
  longitude boxes, written down here so a reviewer can check every number. It stands for what GEOS-Chem's
  Base PM2.5 holds beyond the six analysed components (SOA, natural dust, sea salt), whose published
  magnitudes are: natural dust dominates the Taklimakan / Tarim basin and the Hexi corridor (annual means of
  several tens of ug/m3, strongest in spring); the Gobi and western Inner Mongolia carry a smaller dust
  load; SOA is a few ug/m3 in the humid, vegetated east and south; sea salt adds about 1-2 ug/m3 along the
  coast; the Tibetan plateau is the cleanest place in China (total PM2.5 of a few ug/m3 at remote sites).
  Boxes (first match wins; degrees):

  ========================  ===============================  ========
  class                     box                              ug/m3
  ========================  ===============================  ========
  Tibetan plateau           78-103 E, 27-36.5 N              3.0
  Tarim / Taklimakan        75-92 E, 36.5-42 N               30.0
  Junggar, Hexi corridor    80-103 E, 36.5-46 N              12.0
  Gobi, W Inner Mongolia    103-112 E, 37-44 N               8.0
  humid east and south      103-125 E, 18-41 N               5.0
  Northeast                 112-135 E, 41-54 N               3.5
  elsewhere                 -                                3.0
  ========================  ===============================  ========

  The classes are a screening approximation, not a model: replace them with ``file`` when a CTM Base run
  exists.
* ``file``: a netCDF variable (``ctm.background.variable``, ug/m3, lat x lon on the product grid), e.g. SOA +
  natural dust + sea salt of a GEOS-Chem Base run averaged over the simulated months.
* ``uniform``: one number everywhere (``ctm.background.uniform_ugm3``), the earlier behaviour.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.errors import ConfigError, InputError
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output

# (class, lon_min, lon_max, lat_min, lat_max, ug/m3): first match wins.
CLIMATOLOGY = (
    ("Tibetan plateau", 78.0, 103.0, 27.0, 36.5, 3.0),
    ("Tarim / Taklimakan", 75.0, 92.0, 36.5, 42.0, 30.0),
    ("Junggar, Hexi corridor", 80.0, 103.0, 36.5, 46.0, 12.0),
    ("Gobi, W Inner Mongolia", 103.0, 112.0, 37.0, 44.0, 8.0),
    ("humid east and south", 103.0, 125.0, 18.0, 41.0, 5.0),
    ("Northeast", 112.0, 135.0, 41.0, 54.0, 3.5),
)
ELSEWHERE_UGM3 = 3.0
SOURCES = ("climatology", "file", "uniform")


def climatology(grid: LonLatGrid) -> np.ndarray:
    """(nlat, nlon) background by region class of each cell centre (table in the module docstring), ug/m3."""
    lon, lat = np.meshgrid(grid.lon, grid.lat)
    out = np.full(lon.shape, np.nan)
    for _, lon0, lon1, lat0, lat1, value in CLIMATOLOGY:
        inside = np.isnan(out) & (lon >= lon0) & (lon < lon1) & (lat >= lat0) & (lat < lat1)
        out[inside] = value
    return np.where(np.isnan(out), ELSEWHERE_UGM3, out)


def read_background_file(path: str | Path, variable: str, grid: LonLatGrid) -> np.ndarray:
    """A background field from a netCDF file on ``grid`` (e.g. a GEOS-Chem Base run's unanalysed PM2.5)."""
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a netCDF background field") from err
    with ds:
        if variable not in ds:
            raise InputError(path, variable, "a background PM2.5 variable (ug/m3, lat x lon)")
        da = ds[variable]
        if "time" in da.dims:
            da = da.mean("time")
        values = da.values.astype(np.float64)
    if values.shape != (grid.nlat, grid.nlon):
        raise InputError(path, variable, f"the product grid {grid.nlat} x {grid.nlon}", f"{values.shape}")
    if not np.isfinite(values).all() or (values < 0).any():
        raise InputError(path, variable, "finite, non-negative ug/m3")
    return values


def background_field(settings: dict, grid: LonLatGrid) -> np.ndarray:
    """The background on ``grid`` from config ``ctm.background`` (source, uniform_ugm3, file, variable)."""
    source = settings.get("source", "climatology")
    if source == "climatology":
        return climatology(grid)
    if source == "uniform":
        return np.full((grid.nlat, grid.nlon), float(settings["uniform_ugm3"]))
    if source == "file":
        if not settings.get("file"):
            raise ConfigError("ctm.background.file: a netCDF path is needed when ctm.background.source is 'file'")
        return read_background_file(settings["file"], settings.get("variable", "background"), grid)
    raise ConfigError(f"ctm.background.source: expected one of {', '.join(SOURCES)}, found {source!r}")


def write_background(path: str | Path, grid: LonLatGrid, field: np.ndarray, attrs: dict) -> None:
    """The background product: variable ``background`` (ug/m3) on ``grid``."""
    ds = xr.Dataset(
        {
            "background": (
                ("lat", "lon"),
                field.astype(np.float64),
                {"units": "ug m-3", "long_name": "PM2.5 not in the CTM components"},
            )
        },
        coords={
            "lat": ("lat", grid.lat, {"units": "degrees_north"}),
            "lon": ("lon", grid.lon, {"units": "degrees_east"}),
        },
        attrs=attrs,
    )
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4")


def read_background(path: str | Path, grid: LonLatGrid) -> np.ndarray:
    """The background product on ``grid`` (ug/m3)."""
    return read_background_file(path, "background", grid)
