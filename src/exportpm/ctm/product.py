"""The CTM product both backends write: one netCDF per scenario and month with the PM2.5 components."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.ctm import COMPONENTS
from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output


def write_pm25(path: str | Path, grid: LonLatGrid, components: dict[str, np.ndarray], attrs: dict) -> None:
    """Surface monthly-mean PM2.5 components (ug/m3) on ``grid`` (lat ascending)."""
    data = {}
    for name in COMPONENTS:
        values = components[name]
        if values.shape != (grid.nlat, grid.nlon):
            raise ValueError(f"{name}: shape {values.shape}, expected {(grid.nlat, grid.nlon)}")
        data[name] = (("lat", "lon"), values.astype(np.float64), {"units": "ug m-3", "long_name": f"surface {name}"})
    ds = xr.Dataset(
        data,
        coords={
            "lat": ("lat", grid.lat, {"units": "degrees_north"}),
            "lon": ("lon", grid.lon, {"units": "degrees_east"}),
        },
        attrs=attrs,
    )
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4")


def read_pm25(path: str | Path) -> tuple[LonLatGrid, dict[str, np.ndarray], dict]:
    """Read one CTM product: its grid, each PM2.5 component (ug/m3, [lat, lon]) and its attributes."""
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a PM2.5 product netCDF") from err
    with ds:
        missing = [c for c in COMPONENTS if c not in ds]
        if missing:
            raise InputError(path, missing[0], "every PM2.5 component")
        lat, lon = ds["lat"].values, ds["lon"].values
        dlat, dlon = float(lat[1] - lat[0]), float(lon[1] - lon[0])
        grid = LonLatGrid(
            float(lon[0] - dlon / 2),
            float(lon[-1] + dlon / 2),
            float(lat[0] - dlat / 2),
            float(lat[-1] + dlat / 2),
            round(dlon, 6),
            round(dlat, 6),
        )
        return grid, {c: ds[c].values for c in COMPONENTS}, dict(ds.attrs)
