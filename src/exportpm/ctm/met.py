"""Monthly meteorology for the surrogate CTM: idealised climatological defaults, or GEOS-Chem StateMet.

The defaults are smooth analytic fields that reproduce the large-scale features of East Asian monthly
means (they are not reanalysis data): mid-latitude westerlies strengthening northwards; the winter monsoon's
northerlies and the summer monsoon's southerlies east of 100E; shallow winter mixing layers in the north;
summer rain over the south and east; the stagnant, shallow Sichuan basin. Magnitudes follow published
climatologies (e.g. Ding 1994, Monsoons over China; MERRA-2 monthly means as summarised in GEOS-Chem
evaluations). Replace them with GEOS-Chem StateMet monthly means (``read_statemet``) for real studies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid


@dataclass
class MonthlyMet:
    """Cell-centred fields (nlat, nlon): winds (m/s), mixing height (m), temperature (K), precipitation (mm/h)."""

    u: np.ndarray
    v: np.ndarray
    mixing_height: np.ndarray
    temperature: np.ndarray
    precipitation: np.ndarray
    source: str


def _ramp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


# The East Asian coastline as (latitude, longitude) breakpoints, 18-41N (Beibu Gulf to the Bohai): cells east of it
# are sea. A coarse polyline (about 0.5 degree), enough for the ventilation of the coastal strip.
COAST_LAT = (18.0, 21.0, 23.0, 25.0, 28.0, 30.5, 32.0, 35.0, 37.0, 39.0, 41.0)
COAST_LON = (108.5, 110.5, 115.0, 119.0, 121.5, 121.8, 121.0, 119.8, 122.0, 118.5, 121.5)


def sea_fraction(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """0 inland, 1 from one degree offshore, a ramp across the coast (from the COAST_* polyline)."""
    return _ramp(lon - np.interp(lat, COAST_LAT, COAST_LON), -0.5, 1.0)


def default_met(grid: LonLatGrid, month: int) -> MonthlyMet:
    """Idealised monthly means on ``grid`` (see the module docstring for what each term stands for).

    Besides the large-scale terms: the North China Plain (centred 115.5E, 37N) is a stagnant basin in the
    lee of the Taihang and Yan mountains (30 % weaker winds, and in winter a 9 % shallower mixing layer); the
    coastal strip and the sea are ventilated (winds 4 m/s stronger along the prevailing flow, mixing layers up to
    twice as deep); and the westerlies are the vector means of variable winds (half the earlier speeds).
    Without these the steady monthly-mean flow carried the whole eastern plain's pollution to a coastal end
    point (Shanghai 165 ug/m3 against 39 observed in 2017) and left the plain too clean."""
    lon, lat = np.meshgrid(grid.lon, grid.lat)
    east = _ramp(lon, 100.0, 115.0)
    season = {1: -1.0, 4: -0.2, 7: 1.0, 10: -0.5}.get(month, np.cos(2 * np.pi * (month - 7) / 12))
    winter = max(-season, 0.0)
    summer = max(season, 0.0)
    u = 0.5 * ((1.0 + 5.0 * winter + 1.5 * (1 - summer)) * _ramp(lat, 18.0, 45.0) + 0.8)
    v = 2.5 * season * east
    mixing = np.clip(1000.0 - winter * 14.0 * (lat - 15.0) + 300.0 * summer, 300.0, 1500.0)
    temperature = 300.0 - (1.1 * winter + 0.3 * summer + 0.7 * (1 - winter - summer)) * (lat - 15.0)
    rain_mm_day = (
        0.3
        + 2.5 * (1 - winter) * np.exp(-(((lat - 28.0) / 9.0) ** 2)) * (0.4 + 0.6 * east)
        + 8.0 * summer * np.exp(-(((lat - 27.0) / 7.0) ** 2)) * east
    )
    basin = np.exp(-(((lon - 105.5) / 2.5) ** 2 + ((lat - 30.0) / 1.8) ** 2))  # Sichuan basin
    u, v = u * (1 - 0.7 * basin), v * (1 - 0.7 * basin)
    mixing = mixing * (1 - 0.4 * basin)
    plain = np.exp(-(((lon - 115.5) / 3.0) ** 2 + ((lat - 37.0) / 2.5) ** 2))  # North China Plain
    u, v = u * (1 - 0.3 * plain), v * (1 - 0.3 * plain)
    mixing = mixing * (1 - 0.09 * plain * winter)
    sea = sea_fraction(lon, lat)
    u = u + 4.0 * sea * np.sign(u)
    mixing = mixing * (1 + sea)
    return MonthlyMet(u, v, mixing, temperature, rain_mm_day / 24.0, "idealised climatology (exportpm defaults)")


STATEMET_FIELDS = {
    "u": "Met_U",
    "v": "Met_V",
    "mixing_height": "Met_PBLH",
    "temperature": "Met_T",
    "precipitation": "Met_PRECTOT",
}


def read_statemet(path: str | Path, grid: LonLatGrid) -> MonthlyMet:
    """Monthly-mean GEOS-Chem StateMet diagnostics (surface level of 3-D fields), on ``grid``.

    Met_PRECTOT is kg m-2 s-1 (= mm/s) and becomes mm/h. The file's grid must equal ``grid``.
    """
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a GEOS-Chem StateMet netCDF") from err
    with ds:
        fields = {}
        for name, variable in STATEMET_FIELDS.items():
            if variable not in ds:
                raise InputError(path, variable, "a StateMet variable")
            da = ds[variable]
            if "time" in da.dims:
                da = da.mean("time")
            if "lev" in da.dims:
                da = da.isel(lev=0)
            fields[name] = da.values.astype(np.float64)
            if fields[name].shape != (grid.nlat, grid.nlon):
                raise InputError(path, variable, f"the nested grid {grid.nlat} x {grid.nlon}", f"{fields[name].shape}")
    fields["precipitation"] = fields["precipitation"] * 3600.0
    return MonthlyMet(source=f"GEOS-Chem StateMet {Path(path).name}", **fields)


def month_met(grid: LonLatGrid, month: int, statemet: dict[int, str]) -> MonthlyMet:
    """The month's meteorology: GEOS-Chem StateMet when a file is configured for it, else the defaults."""
    return read_statemet(statemet[month], grid) if month in statemet else default_met(grid, month)
