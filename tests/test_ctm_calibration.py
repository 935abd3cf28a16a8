"""Surrogate calibration (few Base runs, to stations or a target), the background field, and the exposure
products built on them: people above thresholds due to exports and regions' shares of export-related PM2.5."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.optimize import brentq

from exportpm.ctm import crop, interior
from exportpm.ctm.background import CLIMATOLOGY, background_field, climatology, read_background, write_background
from exportpm.ctm.met import default_met
from exportpm.ctm.run import base_months, calibrate_mixing_height, calibrate_to_stations, secant_log_log
from exportpm.ctm.surrogate import SurrogateParameters
from exportpm.errors import ConfigError, InputError
from exportpm.evaluation import evaluate
from exportpm.exposure import PopulationOnGrid, exposure_cases, region_shares, threshold_population
from exportpm.grid import LonLatGrid

GRID = LonLatGrid(100.0, 110.0, 25.0, 33.0, 0.5, 0.5)


def point_sources(grid: LonLatGrid) -> dict[str, np.ndarray]:
    out = {k: np.zeros((grid.nlat, grid.nlon)) for k in ("SO2", "NOx", "NH3", "BC", "OC", "PM25_other")}
    for name, amount in {"SO2": 4e6, "NOx": 5e6, "NH3": 3e6, "BC": 3e5, "OC": 6e5, "PM25_other": 1e6}.items():
        out[name][8, 6] = amount
        out[name][10, 12] = 0.5 * amount
    return out


@pytest.mark.parametrize("exponent", [1.0, 0.8, 1.3])
def test_secant_in_log_log_needs_few_evaluations(exponent):
    calls = []

    def f(s):
        calls.append(s)
        return 40.0 / s**exponent + 2.0 / (1.0 + s)

    scale, trials = secant_log_log(f, 25.0)
    assert len(trials) == len(calls) <= 6
    assert scale == pytest.approx(brentq(lambda s: f(s) - 25.0, 0.05, 20.0), rel=1e-6)


def test_secant_refuses_an_unreachable_goal():
    with pytest.raises(ValueError, match="leaves"):
        secant_log_log(lambda s: 1.0 / s, 1e4)


def test_calibration_to_a_target_reaches_it():
    months = [1, 7]
    met = {m: default_met(GRID, m) for m in months}
    sources = {m: point_sources(GRID) for m in months}
    weight = np.ones(GRID.nlat * GRID.nlon)
    params = SurrogateParameters()
    modelled = np.mean(list(base_months(months, sources, met, params, 1.0, GRID).values()), axis=0).mean()
    background = np.full(GRID.nlat * GRID.nlon, 0.2 * modelled)
    target = 0.5 * (modelled + 0.2 * modelled)
    result = calibrate_mixing_height(months, sources, met, params, background, weight, target, GRID)
    check = (
        np.mean(
            list(base_months(months, sources, met, params, result["mixing_height_scale"], GRID).values()), axis=0
        ).mean()
        + 0.2 * modelled
    )
    assert check == pytest.approx(target, rel=1e-5)
    assert result["evaluations"] <= 6 and result["mixing_height_scale"] > 1.0  # Brent needed 16 on the demo


def test_calibration_to_stations_removes_the_normalised_mean_bias():
    months, buffer = [1, 4], 1
    met = {m: default_met(GRID, m) for m in months}
    sources = {m: point_sources(GRID) for m in months}
    product = interior(GRID, buffer)
    background = 0.01 * climatology(product)
    params = SurrogateParameters()
    first = base_months(months, sources, met, params, 1.0, GRID)
    j = np.array([7, 7, 8, 6, 7, 8, 9, 9, 10, 8, 9, 10])  # around the two sources (product grid)
    i = np.array([5, 6, 5, 5, 4, 6, 11, 12, 11, 11, 10, 12])
    rows = [
        (
            f"S{k}",
            float(product.lon[i[k]]),
            float(product.lat[j[k]]),
            m,
            0.6 * crop(first[m], buffer)[j[k], i[k]] + background[j[k], i[k]],
        )
        for k in range(12)
        for m in months
    ]
    stations = pd.DataFrame(rows, columns=["station_id", "lon", "lat", "month", "pm25_ugm3"])
    ones = np.ones((product.nlat, product.nlon))

    def station_statistics(fields):
        return evaluate(stations, fields, product, ones, 0.0)[0].iloc[0].to_dict()

    result = calibrate_to_stations(months, sources, met, params, background, station_statistics, GRID, buffer)
    fields = base_months(months, sources, met, params, result["mixing_height_scale"], GRID)
    stats, _ = evaluate(
        stations,
        {m: crop(f, buffer) + background for m, f in fields.items()},
        product,
        np.ones((product.nlat, product.nlon)),
        0.0,
    )
    assert abs(stats.iloc[0]["nmb"]) < 1e-5
    assert result["fit"]["nmb"] == pytest.approx(stats.iloc[0]["nmb"], abs=1e-9)
    assert result["fit"]["n"] == 12 and result["mixing_height_scale"] > 1.0


def test_background_climatology_by_region_class(tmp_path):
    grid = LonLatGrid(70.0, 140.0, 15.0, 55.0, 1.0, 1.0)
    field = climatology(grid)
    at = {
        (lon, lat): field[int(lat - 15.0), int(lon - 70.0)]
        for lon, lat in ((91.5, 29.5), (83.5, 39.5), (121.5, 31.5), (125.5, 45.5), (72.5, 50.5))
    }
    values = {name: v for name, *_, v in CLIMATOLOGY}
    assert at[(91.5, 29.5)] == values["Tibetan plateau"] < 5.0  # Lhasa: below the WHO guideline
    assert at[(83.5, 39.5)] == values["Tarim / Taklimakan"]
    assert at[(121.5, 31.5)] == values["humid east and south"]  # Shanghai
    assert at[(125.5, 45.5)] == values["Northeast"]
    assert at[(72.5, 50.5)] == 3.0
    np.testing.assert_array_equal(background_field({"source": "uniform", "uniform_ugm3": 7.0}, grid), 7.0)
    path = tmp_path / "bg.nc"
    write_background(path, grid, field, {})
    np.testing.assert_array_equal(
        background_field({"source": "file", "file": str(path), "variable": "background"}, grid), field
    )
    with pytest.raises(InputError, match="product grid"):
        read_background(path, interior(grid, 1))
    with pytest.raises(ConfigError, match=r"ctm\.background\.file"):
        background_field({"source": "file", "file": ""}, grid)


def population(people: list[float], provinces: list[int]) -> PopulationOnGrid:
    n = len(people)
    matrix = sparse.csr_matrix((people, (provinces, range(n))), shape=(max(provinces) + 1, n))
    return PopulationOnGrid(tuple(f"P{i}" for i in range(max(provinces) + 1)), matrix, LonLatGrid(0, n, 0, 1, 1, 1))


def test_people_above_thresholds_due_to_exports_by_hand():
    pop = population([100.0, 200.0, 300.0, 400.0], [0, 0, 1, 1])
    base = np.array([[4.0, 6.0, 40.0, 50.0]])
    differences = {"I_EX": np.zeros((2, 1, 4)), "I_EXEAST": np.zeros((2, 1, 4))}
    differences["I_EX"][0] = [0.5, 2.0, 10.0, 10.0]  # total 4 -> 3.5, 6 -> 4, 40 -> 30, 50 -> 40
    differences["I_EXEAST"][1] = [0.0, 0.5, 6.0, 0.0]  # 6 -> 5.5, 40 -> 34
    table = threshold_population(exposure_cases(base, differences), pop, (35.0, 5.0)).set_index(
        ["case", "threshold_ugm3"]
    )["people"]
    assert table[("with_exports", 35.0)] == 700 and table[("without_exports", 35.0)] == 400
    assert table[("due_to_exports", 35.0)] == 300 and table[("due_to_exports", 5.0)] == 200
    assert table[("due_to_east_coast_exports", 35.0)] == 300 and table[("due_to_east_coast_exports", 5.0)] == 0


def test_region_shares_of_export_related_pm25_by_hand():
    rows = [
        ("province", a, s, "total", c, 0.0, p, p)
        for a, s, c, p in (
            ("A", "I_EX", 2.0, 100.0),
            ("B", "I_EX", 4.0, 300.0),
            ("C", "I_EX", 6.0, 100.0),
            ("A", "Base", 50.0, 100.0),
        )
    ]
    table = pd.DataFrame(
        rows,
        columns=[
            "level",
            "province",
            "scenario",
            "component",
            "pw_ugm3",
            "share_of_total",
            "population",
            "population_official",
        ],
    )
    shares = region_shares(table, {"A": True, "B": True, "C": False}, {"A": "X", "B": "X", "C": "East Coast"})
    inland = shares.set_index(["scenario", "region"]).loc[("I_EX", "inland")]
    assert inland["share_of_exposure"] == pytest.approx((200 + 1200) / (200 + 1200 + 600))
    assert inland["share_of_provincial_sum"] == pytest.approx(6.0 / 12.0)
    assert set(shares["scenario"]) == {"I_EX"}
    assert shares.set_index(["scenario", "region"]).loc[("I_EX", "East Coast"), "share_of_exposure"] == pytest.approx(
        600 / 2000
    )


@pytest.mark.parametrize("method", [None, "spawn"])
def test_base_months_in_worker_processes_are_the_same_to_the_bit(method):
    from exportpm.ctm.run import month_pool

    months = [1, 4, 7]
    met = {m: default_met(GRID, m) for m in months}
    sources = {m: point_sources(GRID) for m in months}
    params = SurrogateParameters()
    here = base_months(months, sources, met, params, 1.3, GRID)
    with month_pool(2, method) as pool:
        assert pool is not None
        there = base_months(months, sources, met, params, 1.3, GRID, pool)
    assert list(there) == months
    assert all(here[m].tobytes() == there[m].tobytes() for m in months)
    with month_pool(1) as pool:
        assert pool is None
