"""Synthetic monitoring stations in the national platform's layout: a station list and one CSV per day.

Stations sit where people live; their PM2.5 comes from the demo's own 'truth' (a smooth field of settlement
and industry density, a seasonal cycle with a northern winter excess), times lognormal day-to-day and hourly
noise. It shares nothing with the CTM. Gaps as in real archives: missing hours, a few outages of some days
(so some monthly means miss the 27-day rule) and two stations that report too few days for an annual mean.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.demo.geography import industry_weight, population_grid, province_polygons, settlement_weight
from exportpm.demo.spec import SYNTHETIC_NOTE, WorldSpec
from exportpm.io.atomic import atomic_output
from exportpm.io.stations import write_archive_day

STATION_COUNT = {"tiny": 40, "full": 1470}
STATION_LIST = "stations/station_list.csv"
ARCHIVE_DIR = "stations/archive"
TYPES = ("PM2.5", "PM2.5_24h")


def station_files(year: int) -> list[str]:
    """Relative paths of the station list and the daily archive files of ``year``."""
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return [
        STATION_LIST,
        *(f"{ARCHIVE_DIR}/china_sites_{date(year, 1, 1) + timedelta(d):%Y%m%d}.csv" for d in range(days)),
    ]


def station_sites(spec: WorldSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longitude, latitude and the 'true' annual PM2.5 level (ug/m3) of each station."""
    rng = spec.rng("stations")
    polygons, _ = province_polygons(spec)
    grid, people = population_grid(spec, polygons)
    weight = people.ravel() / people.sum()
    cells = rng.choice(
        weight.size, size=min(STATION_COUNT[spec.size], int((weight > 0).sum())), replace=False, p=weight
    )
    j, i = np.unravel_index(cells, people.shape)
    lon = np.round(grid.lon[i] + rng.uniform(-0.5, 0.5, cells.size) * grid.dlon, 4)
    lat = np.round(grid.lat[j] + rng.uniform(-0.5, 0.5, cells.size) * grid.dlat, 4)
    density = (settlement_weight(spec, grid) + 0.5 * industry_weight(spec, grid)).reshape(people.shape)[j, i]
    return lon, lat, 12.0 + 55.0 * density / np.percentile(density, 95)


def write_stations(spec: WorldSpec, outdir: Path) -> None:
    """The station list (GB18030, the platform's Chinese headers) and 365 daily files of hourly PM2.5."""
    lon, lat, truth = station_sites(spec)
    codes = [f"{1001 + k}A" for k in range(lon.size)]
    frame = pd.DataFrame(
        {
            "监测点编码": codes,
            "监测点名称": [f"监测站{k + 1}" for k in range(lon.size)],
            "城市": [f"城市{k // 4 + 1}" for k in range(lon.size)],
            "经度": lon,
            "纬度": lat,
        }
    )
    with atomic_output(outdir / STATION_LIST) as tmp:
        with open(tmp, "w", encoding="gb18030", newline="") as handle:
            handle.write(f"# {SYNTHETIC_NOTE}. Station list of the national urban air-quality platform.\n")
            frame.to_csv(handle, index=False, lineterminator="\n")
    rng = spec.rng("station_archive")
    n = lon.size
    outage = rng.random(n) < 0.15  # some stations: one outage of 3-10 days in one month
    outage_start = rng.integers(0, 355, n)
    outage_days = rng.integers(3, 11, n)
    sparse = np.zeros(n, bool)
    sparse[rng.choice(n, size=min(2, n), replace=False)] = True  # too few days for an annual mean
    north = np.clip((lat - 30.0) / 10.0, 0.0, 1.0)
    hours = np.arange(24)
    for d, relative in enumerate(station_files(spec.year)[1:]):
        day = date(spec.year, 1, 1) + timedelta(d)
        season = 1.0 + 0.43 * np.cos(2 * np.pi * (d - 15) / 365.0)
        winter = 1.0 + 0.4 * north * max(0.0, np.cos(2 * np.pi * (d - 15) / 365.0)) ** 2
        daily = truth * season * winter * rng.lognormal(0.0, 0.3, n)
        hourly = (
            daily[None, :]
            * (1 + 0.2 * np.sin(2 * np.pi * (hours[:, None] - 8) / 24))
            * rng.lognormal(0.0, 0.1, (24, n))
        )
        hourly = np.round(hourly)
        hourly[rng.random((24, n)) < 0.03] = np.nan  # missing hours
        off = (outage & (d >= outage_start) & (d < outage_start + outage_days)) | (sparse & (rng.random(n) < 0.2))
        hourly[:, off] = np.nan
        rolling = np.round(np.nanmean(np.where(np.isnan(hourly), daily[None, :], hourly), axis=0))
        write_archive_day(
            outdir / relative, day, {"PM2.5": hourly, "PM2.5_24h": np.repeat(rolling[None], 24, 0)}, codes
        )
