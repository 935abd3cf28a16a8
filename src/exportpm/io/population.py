"""Gridded population (persons per cell) on a regular lon-lat grid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid


def read_population(path: str | Path) -> tuple[LonLatGrid, np.ndarray]:
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a netCDF population grid") from err
    with ds:
        if "population" not in ds:
            raise InputError(path, "population", "a variable population(lat, lon) in persons per cell")
        lat, lon = ds["lat"].values, ds["lon"].values
        people = ds["population"].values.astype(np.float64)
    if lat[0] > lat[-1]:
        lat, people = lat[::-1], people[::-1]
    dlat, dlon = float(np.diff(lat).mean()), float(np.diff(lon).mean())
    if not (np.allclose(np.diff(lat), dlat) and np.allclose(np.diff(lon), dlon)):
        raise InputError(path, "lat/lon", "a regular grid")
    if (people < 0).any() or not np.isfinite(people).all():
        raise InputError(path, "population", "finite, non-negative persons per cell")
    grid = LonLatGrid(round(float(lon[0] - dlon / 2), 6), round(float(lon[-1] + dlon / 2), 6),
                      round(float(lat[0] - dlat / 2), 6), round(float(lat[-1] + dlat / 2), 6), round(dlon, 6),
                      round(dlat, 6))
    return grid, people
