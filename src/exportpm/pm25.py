"""Annual (multi-month mean) PM2.5 per scenario and export-related PM2.5 = Base - scenario."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.ctm import COMPONENTS
from exportpm.ctm.product import read_pm25
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output

log = logging.getLogger(__name__)
LINEAR_COMPONENTS = ("SO4", "BC", "POA", "DST")  # cannot rise when emissions are only removed


def annual_mean(paths: list[str]) -> tuple[LonLatGrid, np.ndarray, dict]:
    """[component, lat, lon]: the mean of the monthly products (the paper's 4-month annual mean)."""
    fields, grid, attrs = [], None, {}
    for path in paths:
        grid, components, attrs = read_pm25(path)
        fields.append(np.stack([components[c] for c in COMPONENTS]))
    return grid, np.mean(fields, axis=0), attrs


def export_related(annual: Mapping[str, np.ndarray], base: str = "Base", rtol: float = 1e-9) -> dict[str, np.ndarray]:
    """Base - scenario per component. Linear components must not become negative (checked); nitrate and
    ammonium may (less sulfate frees ammonia for ammonium nitrate), which is reported."""
    out = {}
    scale = max(float(np.abs(annual[base]).max()), 1e-30)
    for scenario, field in annual.items():
        if scenario == base:
            continue
        diff = annual[base] - field
        for c, name in enumerate(COMPONENTS):
            if name in LINEAR_COMPONENTS and diff[c].min() < -rtol * scale:
                raise ValueError(f"{scenario}: Base - scenario {name} is negative ({diff[c].min():.3g} ug/m3)")
            if name not in LINEAR_COMPONENTS and (diff[c] < 0).any():
                log.info(
                    "%s: %s rises in %d cells when exports are removed (min %.3g ug/m3): thermodynamics",
                    scenario,
                    name,
                    int((diff[c] < 0).sum()),
                    diff[c].min(),
                )
        out[scenario] = diff
    return out


def write_fields(
    path: str | Path, grid: LonLatGrid, fields: Mapping[str, np.ndarray], attrs: dict, long_name: str
) -> None:
    """Write PM2.5 fields (ug/m3, [scenario, component, lat, lon]) to one compressed netCDF."""
    names = list(fields)
    ds = xr.Dataset(
        {
            "pm25": (
                ("scenario", "component", "lat", "lon"),
                np.stack([fields[n] for n in names]),
                {"units": "ug m-3", "long_name": long_name},
            )
        },
        coords={
            "scenario": names,
            "component": list(COMPONENTS),
            "lat": ("lat", grid.lat, {"units": "degrees_north"}),
            "lon": ("lon", grid.lon, {"units": "degrees_east"}),
        },
        attrs=attrs,
    )
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4", encoding={"pm25": {"zlib": True, "complevel": 1}})


def read_fields(path: str | Path) -> tuple[LonLatGrid, dict[str, np.ndarray], dict]:
    """Read what ``write_fields`` wrote: grid, scenario -> [component, lat, lon] PM2.5 (ug/m3), attributes."""
    with xr.open_dataset(path) as ds:
        lat, lon = ds["lat"].values, ds["lon"].values
        dlat, dlon = float(lat[1] - lat[0]), float(lon[1] - lon[0])
        grid = LonLatGrid(
            round(float(lon[0] - dlon / 2), 6),
            round(float(lon[-1] + dlon / 2), 6),
            round(float(lat[0] - dlat / 2), 6),
            round(float(lat[-1] + dlat / 2), 6),
            round(dlon, 6),
            round(dlat, 6),
        )
        return grid, {str(s): ds["pm25"].sel(scenario=s).values for s in ds["scenario"].values}, dict(ds.attrs)
