"""Model evaluation against monitoring stations (the paper: 1,470 stations, r and normalised mean bias).

Station means come from the platform's daily archive with the GB 3095-2012 validity rules
(:func:`exportpm.io.stations.station_means`); this module pairs them with the modelled Base PM2.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.ctm import COMPONENTS
from exportpm.ctm.product import read_pm25
from exportpm.errors import InputError
from exportpm.grid import LonLatGrid


def base_fields(
    paths: Sequence[str | Path], months: Sequence[int], background_ugm3: float | np.ndarray = 0.0
) -> tuple[LonLatGrid, dict[int, np.ndarray]]:
    """Month -> modelled PM2.5 (sum of components + ``background_ugm3``, ug/m3) from the Base products.

    ``paths`` and ``months`` go together in order (the rule lists the products of the configured months), so no
    month is taken from a file name. Every product must share one grid.
    """
    if len(paths) != len(months) or len(set(months)) != len(months):
        raise ValueError(f"one Base product per month: {len(paths)} files for months {list(months)}")
    grid, fields = None, {}
    for path, month in zip(paths, months, strict=True):
        file_grid, components, _ = read_pm25(path)
        if grid is not None and file_grid != grid:
            raise InputError(path, "lat/lon", f"the grid of the other Base months {grid}", f"{file_grid}")
        grid = file_grid
        fields[int(month)] = sum(components[c] for c in COMPONENTS) + background_ugm3
    return grid, fields


def statistics(model: np.ndarray, observed: np.ndarray) -> dict[str, float]:
    """n, Pearson r, normalised mean bias and error (sum-normalised), RMSE."""
    model, observed = np.asarray(model, float), np.asarray(observed, float)
    return {
        "n": int(model.size),
        "r": float(np.corrcoef(model, observed)[0, 1]) if model.size > 1 else np.nan,
        "nmb": float((model - observed).sum() / observed.sum()),
        "nme": float(np.abs(model - observed).sum() / observed.sum()),
        "rmse": float(np.sqrt(np.mean((model - observed) ** 2))),
    }


def sample(field: np.ndarray, grid: LonLatGrid, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Values of the cells containing each point (NaN outside the grid)."""
    i = np.floor((lon - grid.lon0) / grid.dlon).astype(int)
    j = np.floor((lat - grid.lat0) / grid.dlat).astype(int)
    inside = (i >= 0) & (i < grid.nlon) & (j >= 0) & (j < grid.nlat)
    out = np.full(lon.shape, np.nan)
    out[inside] = field[j[inside], i[inside]]
    return out


def _series_mean(values: np.ndarray) -> float:
    """The mean as ``pandas.Series.mean`` computes it (NaN skipped: zeros summed, divided by the count)."""
    missing = np.isnan(values)
    total = np.where(missing, 0.0, values).sum() if missing.any() else values.sum()
    count = np.float64(values.size - missing.sum())
    return float(total / count) if count > 0 else np.nan


def evaluate(
    stations: pd.DataFrame,
    monthly_totals: dict[int, np.ndarray],
    grid: LonLatGrid,
    density: np.ndarray,
    density_threshold: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model vs observed station means over the simulated months; statistics overall and for dense cells.

    ``monthly_totals``: month -> modelled total PM2.5 (nlat, nlon); ``density``: persons per km2 on ``grid``.
    Stations with monthly values are compared over the simulated months they report; annual rows (month 0)
    are compared with the mean of all simulated months.
    """
    months = sorted(monthly_totals)
    annual_model = np.mean([monthly_totals[m] for m in months], axis=0)
    keys, names = pd.factorize(stations["station_id"], sort=True)  # the groups of groupby(sort=True)
    order = np.argsort(keys, kind="stable")  # each station's rows in their order
    order = order[keys[order] >= 0]
    first = order[np.r_[True, np.diff(keys[order]) != 0]] if order.size else order
    ends = np.r_[np.flatnonzero(np.diff(keys[order]) != 0) + 1, order.size]
    lon = stations["lon"].to_numpy(float)[first]  # each station's first row, as group.iloc[0]
    lat = stations["lat"].to_numpy(float)[first]
    month = stations["month"].to_numpy()
    used = np.isin(month, months)
    observed_all = stations["pm25_ugm3"].to_numpy(float)
    at = {m: sample(monthly_totals[m], grid, lon, lat) for m in months}
    at_annual = sample(annual_model, grid, lon, lat)
    dens = sample(density, grid, lon, lat)
    rows = []
    for k, (start, end) in enumerate(zip(np.r_[0, ends[:-1]], ends, strict=True)):
        group = order[start:end]
        use = group[used[group]]
        if use.size:
            model = np.mean([at[int(m)][k] for m in month[use]])
            observed = _series_mean(observed_all[use])
        elif (month[group] == 0).any():
            model = float(at_annual[k])
            observed = _series_mean(observed_all[group[month[group] == 0]])
        else:
            continue
        rows.append((names[keys[first[k]]], float(lon[k]), float(lat[k]), observed, model, float(dens[k])))
    table = pd.DataFrame(
        rows, columns=["station_id", "lon", "lat", "observed_ugm3", "model_ugm3", "population_density_km2"]
    ).dropna(subset=["model_ugm3"])
    dense = table["population_density_km2"] >= density_threshold
    stats = pd.DataFrame(
        [
            {"subset": "all stations", **statistics(table["model_ugm3"], table["observed_ugm3"])},
            {
                "subset": f"population density >= {density_threshold:g} per km2",
                **statistics(table.loc[dense, "model_ugm3"], table.loc[dense, "observed_ugm3"]),
            },
        ]
    )
    return stats, table
