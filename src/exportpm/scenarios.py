"""Zero-out scenarios (paper Table 1): scale factors on the MEIC grid and the scenario emissions.

A scenario removes, from each province p, MEIC sector s and species q, the fraction f[p, s, q] of its
emissions that the scenario's driver causes (footprint stage). A cell's emission is the sum of its
provinces' parts (area-fraction weights W[p, cell], the same as in the inventory), so the gridded scale factor
is 1 - sum_p W[p, cell] f[p, s, q] and the removal attributed to province p is exactly f[p, s, q] E_p.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from scipy import sparse

from exportpm.grid import LonLatGrid
from exportpm.inventory import MEIC_SECTORS, MEIC_SPECIES
from exportpm.io.atomic import atomic_output

# Species of the scale factors and scenario emissions: MEIC's, plus other primary PM2.5 = PM2.5 - BC - OC.
SF_SPECIES = (*MEIC_SPECIES, "PM25_other")
FIXED_SCENARIOS = {"Base": None, "I_EX": "all_exports", "I_EXEAST": "east_coast_exports", "I_EXDIR": "direct_exports"}


def group_slug(group: str) -> str:
    """A region group's name as an identifier part (runs of non-alphanumerics to ``_``)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", group).strip("_")


def scenario_drivers(region_groups: list[str]) -> dict[str, str | None]:
    """Scenario name -> footprint driver (None for Base): Base, I_EX, I_EXEAST, I_EXDIR, I_EXREGION_<group>."""
    out = dict(FIXED_SCENARIOS)
    for group in region_groups:
        out[f"I_EXREGION_{group_slug(group)}"] = f"group:{group}"
    return out


def removed_fractions(fractions: pd.DataFrame, driver: str | None, provinces: tuple[str, ...]) -> np.ndarray:
    """f[p, MEIC sector, species of SF_SPECIES] for one driver (zeros for Base)."""
    out = np.zeros((len(provinces), len(MEIC_SECTORS), len(SF_SPECIES)))
    if driver is None:
        return out
    rows = fractions[fractions["driver"].astype(str) == driver]
    if rows.empty:
        raise ValueError(f"scenario fractions hold no driver {driver!r}")
    p = rows["province"].astype(str).map({c: i for i, c in enumerate(provinces)})
    keep = p.notna()
    s = rows["meic_sector"].astype(str).map(MEIC_SECTORS.index)
    q = rows["species"].astype(str).map(SF_SPECIES.index)
    out[p[keep].astype(int).to_numpy(), s[keep].to_numpy(), q[keep].to_numpy()] = rows["fraction_removed"][keep]
    return out


def scale_factors(weights: sparse.csr_matrix, fractions: np.ndarray, grid: LonLatGrid) -> np.ndarray:
    """[MEIC sector, species, lat, lon] = 1 - sum_p W[p, cell] f[p, s, q]  (unitless, in [0, 1])."""
    removed = (weights.T @ fractions.reshape(fractions.shape[0], -1)).T  # [(s, q), cells]
    out = 1.0 - removed.reshape(fractions.shape[1], fractions.shape[2], grid.nlat, grid.nlon)
    if (out < -1e-12).any() or (out > 1 + 1e-12).any():
        raise ValueError("scale factors outside [0, 1]")
    return np.clip(out, 0.0, 1.0)


def write_scale_factors(path: str | Path, grid: LonLatGrid, factors: np.ndarray, year: int, attrs: dict) -> None:
    """COARDS netCDF that HEMCO reads: time (hours since), lat, lon; one unitless variable per MEIC line."""
    data = {}
    for s, sector in enumerate(MEIC_SECTORS):
        for q, species in enumerate(SF_SPECIES):
            data[f"SF_{sector}_{species}"] = (
                ("time", "lat", "lon"),
                factors[s, q][None].astype(np.float32),
                {"units": "1", "long_name": f"scale factor MEIC {sector} {species}"},
            )
    ds = xr.Dataset(
        data,
        coords={
            "time": (
                "time",
                np.array([0.0]),
                {"units": f"hours since {year}-01-01 00:00:00", "calendar": "standard", "axis": "T"},
            ),
            "lat": ("lat", grid.lat, {"units": "degrees_north", "long_name": "Latitude", "axis": "Y"}),
            "lon": ("lon", grid.lon, {"units": "degrees_east", "long_name": "Longitude", "axis": "X"}),
        },
        attrs={"Conventions": "COARDS", **attrs},
    )
    encoding = {name: {"_FillValue": None} for name in (*data, "time", "lat", "lon")}
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4", encoding=encoding)


def monthly_meic(files: Mapping[tuple[int, str, str], str], months: list[int]) -> tuple[LonLatGrid, np.ndarray]:
    """[month, MEIC sector, species of SF_SPECIES, lat, lon] t per cell; PM25_other = PM25 - BC - OC."""
    from exportpm.io.meic import read_meic_grid

    grid, first = read_meic_grid(files[(months[0], MEIC_SECTORS[0], MEIC_SPECIES[0])])
    out = np.zeros((len(months), len(MEIC_SECTORS), len(SF_SPECIES), *first.shape))
    for m, month in enumerate(months):
        for s, sector in enumerate(MEIC_SECTORS):
            for q, species in enumerate(MEIC_SPECIES):
                out[m, s, q] = read_meic_grid(files[(month, sector, species)])[1]
    pm, bc, oc = (SF_SPECIES.index(x) for x in ("PM25", "BC", "OC"))
    out[:, :, SF_SPECIES.index("PM25_other")] = out[:, :, pm] - out[:, :, bc] - out[:, :, oc]
    return grid, out


def province_removal(weights: sparse.csr_matrix, emissions: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """[p, s, q]: removal attributed to each province, sum_cells W[p, cell] E[cell] f[p, s, q]."""
    attributed = weights @ emissions.reshape(-1, emissions.shape[-2] * emissions.shape[-1]).T  # [p, (s, q)]
    return attributed.reshape(fractions.shape) * fractions


def write_scenario_emissions(
    path: str | Path, grid: LonLatGrid, months: list[int], emissions: np.ndarray, attrs: dict
) -> None:
    """[month, species, lat, lon] t per cell and month on the MEIC grid (summed over MEIC sectors)."""
    if emissions.shape[1] != len(SF_SPECIES):
        raise ValueError(f"scenario emissions: {emissions.shape[1]} species, expected {len(SF_SPECIES)}")
    ds = xr.Dataset(
        {
            "emissions": (
                ("month", "species", "lat", "lon"),
                emissions,
                {"units": "t per grid cell per month", "long_name": "scenario emissions"},
            )
        },
        coords={
            "month": months,
            "species": list(SF_SPECIES),
            "lat": ("lat", grid.lat, {"units": "degrees_north"}),
            "lon": ("lon", grid.lon, {"units": "degrees_east"}),
        },
        attrs=attrs,
    )
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4", encoding={"emissions": {"zlib": True, "complevel": 1}})


def read_scenario_emissions(path: str | Path) -> tuple[LonLatGrid, list[int], np.ndarray]:
    """Read a scenario's emissions: grid, months and [month, species, lat, lon] t per cell."""
    with xr.open_dataset(path) as ds:
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
        return grid, [int(m) for m in ds["month"].values], ds["emissions"].values


def read_scenario_month(path: str | Path, month: int) -> tuple[LonLatGrid, np.ndarray]:
    """[species, lat, lon] t per cell of one month of a scenario's emissions (only that month is read)."""
    with xr.open_dataset(path) as ds:
        months = [int(m) for m in ds["month"].values]
        if month not in months:
            raise ValueError(f"{path}: no month {month} (holds {months})")
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
        return grid, ds["emissions"].isel(month=months.index(month)).values


@dataclass
class ScenarioInputs:
    """What every scenario shares, read once: MEIC by month (t/cell), its annual sum and the sparse
    province-to-cell weights W[p, cell] of the MEIC grid."""

    grid: LonLatGrid
    monthly: np.ndarray  # [12 months, MEIC sector, species of SF_SPECIES, lat, lon] t per cell
    annual: np.ndarray  # [MEIC sector, species, lat, lon] t per cell and year
    weights: sparse.csr_matrix  # [province, cell]
    provinces: tuple[str, ...]


def scenario_inputs(
    provinces: tuple[str, ...], polygons: list, meic_files: Mapping[tuple[int, str, str], str]
) -> ScenarioInputs:
    """Read MEIC for all 12 months and the province-to-cell weights once for every scenario."""
    from exportpm.inventory.meic import province_weights

    grid, monthly = monthly_meic(meic_files, list(range(1, 13)))
    return ScenarioInputs(grid, monthly, monthly.sum(axis=0), province_weights(grid, polygons), provinces)


def footprint_removal(by_emitter: pd.DataFrame, driver: str | None, provinces: tuple[str, ...]) -> np.ndarray:
    """[p, species of SF_SPECIES] t/yr that the footprint says the driver causes (MEIC's PM2.5 holds BC, OC
    and the other primary part)."""
    expected = np.zeros((len(provinces), len(SF_SPECIES)))
    if driver is None:
        return expected
    rows = by_emitter[by_emitter["driver"].astype(str) == driver]
    totals = rows.groupby(["emitting_province", "species"], observed=True)["tonnes"].sum()
    for (province, species), value in totals.items():
        if province not in provinces:
            continue
        p = provinces.index(province)
        if species in ("BC", "OC", "PM25_other"):
            expected[p, SF_SPECIES.index("PM25")] += value
        expected[p, SF_SPECIES.index(species)] += value
    return expected


def build_scenario(
    inputs: ScenarioInputs, fractions: pd.DataFrame, by_emitter: pd.DataFrame, driver: str | None, months: list[int]
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Scale factors [s, q, lat, lon], scenario emissions [month, q, lat, lon] (t/cell/month, CTM months) and
    the check table: Base - scenario per province and species (all 12 months) against the footprint."""
    provinces = inputs.provinces
    f = removed_fractions(fractions, driver, provinces)
    factors = scale_factors(inputs.weights, f, inputs.grid)
    ctm = inputs.monthly[[m - 1 for m in months]]  # [month, s, q, lat, lon]
    emissions = (ctm * factors[None]).sum(axis=1)
    removal = province_removal(inputs.weights, inputs.annual, f).sum(axis=1)  # [p, q] t/yr
    expected = footprint_removal(by_emitter, driver, provinces)
    check = pd.DataFrame(
        [
            (
                p,
                q,
                removal[i, j],
                expected[i, j],
                abs(removal[i, j] - expected[i, j]) / max(expected[i, j], 1e-300)
                if expected[i, j]
                else abs(removal[i, j]),
            )
            for i, p in enumerate(provinces)
            for j, q in enumerate(SF_SPECIES)
        ],
        columns=["province", "species", "removed_t", "footprint_t", "relative_gap"],
    )
    return factors, emissions, check
