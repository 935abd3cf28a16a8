"""Model evaluation against monitoring stations (the paper: 1,470 stations, r and normalised mean bias)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.resources import read_table

REQUIRED = ["station_id", "lon", "lat", "month", "pm25_ugm3"]


def read_stations(path: str | Path) -> pd.DataFrame:
    """Station observations: station_id, lon, lat, month (1-12; 0 = annual mean), pm25_ugm3."""
    frame = read_table(path, required=REQUIRED)
    for column in ("lon", "lat", "pm25_ugm3", "month"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
        if frame[column].isna().any():
            raise InputError(path, column, "numbers in every row")
    if (frame["pm25_ugm3"] < 0).any():
        raise InputError(path, "pm25_ugm3", "non-negative concentrations")
    return frame


def statistics(model: np.ndarray, observed: np.ndarray) -> dict[str, float]:
    """n, Pearson r, normalised mean bias and error (sum-normalised), RMSE."""
    model, observed = np.asarray(model, float), np.asarray(observed, float)
    return {"n": int(model.size), "r": float(np.corrcoef(model, observed)[0, 1]) if model.size > 1 else np.nan,
            "nmb": float((model - observed).sum() / observed.sum()),
            "nme": float(np.abs(model - observed).sum() / observed.sum()),
            "rmse": float(np.sqrt(np.mean((model - observed) ** 2)))}


def sample(field: np.ndarray, grid: LonLatGrid, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Values of the cells containing each point (NaN outside the grid)."""
    i = np.floor((lon - grid.lon0) / grid.dlon).astype(int)
    j = np.floor((lat - grid.lat0) / grid.dlat).astype(int)
    inside = (i >= 0) & (i < grid.nlon) & (j >= 0) & (j < grid.nlat)
    out = np.full(lon.shape, np.nan)
    out[inside] = field[j[inside], i[inside]]
    return out


def evaluate(stations: pd.DataFrame, monthly_totals: dict[int, np.ndarray], grid: LonLatGrid,
             density: np.ndarray, density_threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model vs observed station means over the simulated months; statistics overall and for dense cells.

    ``monthly_totals``: month -> modelled total PM2.5 (nlat, nlon); ``density``: persons per km2 on ``grid``.
    Stations with monthly values are compared over the simulated months they report; annual rows (month 0)
    are compared with the mean of all simulated months.
    """
    rows = []
    months = sorted(monthly_totals)
    annual_model = np.mean([monthly_totals[m] for m in months], axis=0)
    for station, group in stations.groupby("station_id", sort=True):
        lon, lat = float(group["lon"].iloc[0]), float(group["lat"].iloc[0])
        use = group[group["month"].isin(months)]
        if not use.empty:
            model = np.mean([sample(monthly_totals[int(m)], grid, np.array([lon]), np.array([lat]))[0]
                             for m in use["month"]])
            observed = float(use["pm25_ugm3"].mean())
        elif (group["month"] == 0).any():
            model = float(sample(annual_model, grid, np.array([lon]), np.array([lat]))[0])
            observed = float(group.loc[group["month"] == 0, "pm25_ugm3"].mean())
        else:
            continue
        dens = float(sample(density, grid, np.array([lon]), np.array([lat]))[0])
        rows.append((station, lon, lat, observed, model, dens))
    table = pd.DataFrame(rows, columns=["station_id", "lon", "lat", "observed_ugm3", "model_ugm3",
                                        "population_density_km2"]).dropna(subset=["model_ugm3"])
    dense = table["population_density_km2"] >= density_threshold
    stats = pd.DataFrame([{"subset": "all stations", **statistics(table["model_ugm3"], table["observed_ugm3"])},
                          {"subset": f"population density >= {density_threshold:g} per km2",
                           **statistics(table.loc[dense, "model_ugm3"], table.loc[dense, "observed_ugm3"])}])
    return stats, table
