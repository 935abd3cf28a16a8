"""Zero-out scenarios (scale factors, attribution, HEMCO file) and exposure (Eq. 14, CDF, thresholds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
import xarray as xr
from scipy import sparse

from exportpm.exposure import PopulationOnGrid, exposure_cdf, people_above, population_on_grid, population_weighted
from exportpm.grid import LonLatGrid
from exportpm.inventory import MEIC_SECTORS, MEIC_SPECIES
from exportpm.inventory.meic import province_weights
from exportpm.pm25 import export_related
from exportpm.scenarios import (
    SF_SPECIES,
    province_removal,
    removed_fractions,
    scale_factors,
    scenario_drivers,
    write_scale_factors,
)

GRID = LonLatGrid(0, 3, 0, 1, 1.0, 1.0)
POLYGONS = [shapely.box(0, 0, 1.5, 1), shapely.box(1.5, 0, 3, 1)]


def test_scenario_names():
    names = scenario_drivers(["USA", "Western Europe"])
    assert names["I_EX"] == "all_exports" and names["Base"] is None
    assert names["I_EXREGION_Western_Europe"] == "group:Western Europe"


def test_scale_factors_and_exact_province_attribution():
    W = province_weights(GRID, POLYGONS)
    f = np.zeros((2, len(MEIC_SECTORS), len(SF_SPECIES)))
    s, q = MEIC_SECTORS.index("industry"), MEIC_SPECIES.index("SO2")
    f[0, s, q], f[1, s, q] = 0.2, 0.6
    factors = scale_factors(W, f, GRID)
    np.testing.assert_allclose(factors[s, q, 0], [0.8, 1 - (0.5 * 0.2 + 0.5 * 0.6), 0.4])
    assert (factors[MEIC_SECTORS.index("power")] == 1).all()
    E = np.zeros((len(MEIC_SECTORS), len(SF_SPECIES), 1, 3))
    E[s, q, 0] = [10.0, 20.0, 30.0]
    removal = province_removal(W, E, f)
    # province 0 owns cell 0 and half of cell 1 (20 t): 20 t; province 1 owns the rest: 40 t
    assert removal[0, s, q] == pytest.approx(0.2 * 20.0)
    assert removal[1, s, q] == pytest.approx(0.6 * 40.0)
    # and the gridded field loses exactly the attributed amount
    assert (E[s, q] * (1 - factors[s, q])).sum() == pytest.approx(removal[:, s, q].sum())


def test_removed_fractions_from_table_and_missing_driver():
    table = pd.DataFrame(
        {
            "province": ["CN-A"],
            "meic_sector": ["power"],
            "species": ["NOx"],
            "driver": ["all_exports"],
            "fraction_removed": [0.3],
        }
    )
    f = removed_fractions(table, "all_exports", ("CN-A", "CN-B"))
    assert f[0, MEIC_SECTORS.index("power"), MEIC_SPECIES.index("NOx")] == 0.3 and f.sum() == pytest.approx(0.3)
    assert removed_fractions(table, None, ("CN-A",)).sum() == 0
    with pytest.raises(ValueError, match="no driver"):
        removed_fractions(table, "group:Mars", ("CN-A",))


def test_hemco_scale_factor_file_is_coards(tmp_path):
    factors = np.ones((len(MEIC_SECTORS), len(SF_SPECIES), GRID.nlat, GRID.nlon))
    path = tmp_path / "sf.nc"
    write_scale_factors(path, GRID, factors, 2017, {"scenario": "Base"})
    with xr.open_dataset(path, decode_times=False) as ds:
        assert ds["time"].attrs["units"] == "hours since 2017-01-01 00:00:00"
        assert ds["lat"].attrs["units"] == "degrees_north" and ds["lon"].attrs["units"] == "degrees_east"
        assert ds["SF_industry_SO2"].dims == ("time", "lat", "lon")
        assert ds["SF_industry_SO2"].attrs["units"] == "1"
        assert ds["SF_industry_SO2"].encoding.get("_FillValue") is None
        assert len([v for v in ds.data_vars if v.startswith("SF_")]) == 40


def test_population_weighting_by_hand():
    grid = LonLatGrid(0, 2, 0, 1, 1.0, 1.0)
    by_province = sparse.csr_matrix(np.array([[100.0, 0.0], [0.0, 300.0]]))
    pop = PopulationOnGrid(("A", "B"), by_province, grid)
    c = np.array([[10.0, 30.0]])
    np.testing.assert_allclose(population_weighted(c, pop), [10.0, 30.0])
    assert pop.national @ c.ravel() / pop.national.sum() == pytest.approx(25.0)  # Eq. 14 nationally
    above = people_above({"base": c}, pop, (20.0,))
    assert above["people"].iloc[0] == 300.0
    cdf = exposure_cdf({"base": c}, pop, step=5.0, top=40.0).set_index("pm25_ugm3")["population_share_below"]
    assert cdf[5.0] == 0.0 and cdf[40.0] == 1.0


def test_population_on_grid_keeps_totals():
    src = LonLatGrid(0, 4, 0, 2, 0.5, 0.5)
    people = np.full((src.nlat, src.nlon), 10.0)
    dst = LonLatGrid(0, 4, 0, 2, 1.0, 1.0)
    pop = population_on_grid(people, src, dst, ("A", "B"), [shapely.box(0, 0, 2, 2), shapely.box(2, 0, 4, 2)])
    np.testing.assert_allclose(pop.totals, [160.0, 160.0])


def test_export_related_rejects_rising_sulfate_but_not_nitrate():
    base = np.ones((6, 2, 2))
    ok = base.copy()
    ok[1] += 0.1  # nitrate may rise when sulfate is removed
    assert export_related({"Base": base, "X": ok})["X"][1].min() < 0
    bad = base.copy()
    bad[0] += 0.1
    with pytest.raises(ValueError, match="SO4"):
        export_related({"Base": base, "X": bad})


def test_evaluation_statistics_by_hand():
    from exportpm.evaluation import statistics

    model, observed = np.array([12.0, 18.0, 30.0]), np.array([10.0, 20.0, 30.0])
    s = statistics(model, observed)
    assert s["n"] == 3
    assert s["nmb"] == pytest.approx(0.0)  # (2 - 2 + 0) / 60
    assert s["nme"] == pytest.approx(4.0 / 60.0)
    assert s["rmse"] == pytest.approx(np.sqrt(8.0 / 3.0))
    assert s["r"] == pytest.approx(np.corrcoef(model, observed)[0, 1])


def test_evaluation_samples_station_cells_and_splits_dense_areas():
    from exportpm.evaluation import evaluate

    grid = LonLatGrid(100, 102, 30, 31, 1.0, 1.0)
    stations = pd.DataFrame(
        {
            "station_id": ["a", "a", "b", "b"],
            "lon": [100.5] * 2 + [101.5] * 2,
            "lat": [30.5] * 4,
            "month": [1, 7, 1, 7],
            "pm25_ugm3": [40.0, 20.0, 80.0, 60.0],
        }
    )
    monthly = {1: np.array([[50.0, 90.0]]), 7: np.array([[30.0, 50.0]])}
    stats, table = evaluate(stations, monthly, grid, np.array([[100.0, 5000.0]]), 1000.0)
    assert table.set_index("station_id").loc["a", "model_ugm3"] == pytest.approx(40.0)
    assert stats.iloc[0]["n"] == 2 and stats.iloc[1]["n"] == 1
    assert stats.iloc[0]["nmb"] == pytest.approx((40 + 70 - 30 - 70) / 100)


def reference_evaluation_table(stations, monthly_totals, grid, density):
    """The station table of ``evaluate`` station by station with pandas, as the function was first written."""
    from exportpm.evaluation import sample

    rows = []
    months = sorted(monthly_totals)
    annual_model = np.mean([monthly_totals[m] for m in months], axis=0)
    for station, group in stations.groupby("station_id", sort=True):
        lon, lat = float(group["lon"].iloc[0]), float(group["lat"].iloc[0])
        use = group[group["month"].isin(months)]
        if not use.empty:
            model = np.mean(
                [sample(monthly_totals[int(m)], grid, np.array([lon]), np.array([lat]))[0] for m in use["month"]]
            )
            observed = float(use["pm25_ugm3"].mean())
        elif (group["month"] == 0).any():
            model = float(sample(annual_model, grid, np.array([lon]), np.array([lat]))[0])
            observed = float(group.loc[group["month"] == 0, "pm25_ugm3"].mean())
        else:
            continue
        dens = float(sample(density, grid, np.array([lon]), np.array([lat]))[0])
        rows.append((station, lon, lat, observed, model, dens))
    return pd.DataFrame(
        rows, columns=["station_id", "lon", "lat", "observed_ugm3", "model_ugm3", "population_density_km2"]
    ).dropna(subset=["model_ugm3"])


def test_evaluation_table_equals_the_station_by_station_reference_bit_for_bit():
    """Vectorised sampling, per-station means in pandas' own order: unsorted rows, repeated stations, blank
    observations, stations outside the grid, annual-only and months that are not simulated."""
    from exportpm.evaluation import evaluate

    grid = LonLatGrid(100.0, 110.0, 25.0, 33.0, 0.5, 0.5)
    rng = np.random.default_rng(3)
    n = 600
    stations = pd.DataFrame(
        {
            "station_id": [f"{1001 + k % 150}A" for k in rng.permutation(n)],
            "lon": rng.uniform(99.0, 111.0, n).round(4),
            "lat": rng.uniform(24.0, 34.0, n).round(4),
            "month": rng.integers(0, 13, n),
            "pm25_ugm3": np.where(rng.random(n) < 0.05, np.nan, rng.lognormal(3.5, 0.5, n)),
        }
    )
    monthly = {m: rng.lognormal(3.0, 0.6, (grid.nlat, grid.nlon)) for m in (7, 1, 4, 10)}
    density = rng.lognormal(6.0, 1.5, (grid.nlat, grid.nlon))
    _, table = evaluate(stations, monthly, grid, density, 1000.0)
    expected = reference_evaluation_table(stations, monthly, grid, density)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert len(table) > 50 and table["observed_ugm3"].isna().any()
