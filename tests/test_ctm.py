"""The surrogate CTM: mass balance, zero in -> zero out, linearity, NH4NO3 equilibrium, NH3 limitation."""

from __future__ import annotations

import numpy as np
import pytest

from exportpm.ctm import COMPONENTS
from exportpm.ctm.chemistry import kp_nh4no3, partition, ppb_per_umol_m3
from exportpm.ctm.met import MonthlyMet, default_met
from exportpm.ctm.surrogate import (
    SurrogateParameters,
    budget,
    run_month,
    run_month_scenarios,
    solve_family,
    transport_operator,
)
from exportpm.grid import LonLatGrid
from exportpm.regrid import regrid_extensive

GRID = LonLatGrid(100.0, 110.0, 25.0, 33.0, 0.5, 0.5)


def uniform_met(grid: LonLatGrid, u=3.0, v=-1.0, H=800.0, T=285.0, P=0.1) -> MonthlyMet:
    shape = (grid.nlat, grid.nlon)
    return MonthlyMet(
        np.full(shape, u), np.full(shape, v), np.full(shape, H), np.full(shape, T), np.full(shape, P), "test"
    )


def sources(grid, **values):
    out = {k: np.zeros((grid.nlat, grid.nlon)) for k in ("SO2", "NOx", "NH3", "BC", "OC", "PM25_other")}
    for name, amount in values.items():
        out[name][8, 6] = amount
    return out


@pytest.mark.parametrize("met", [uniform_met(GRID), default_met(GRID, 1), default_met(GRID, 7)])
def test_point_source_mass_balance(met):
    """Emitted = deposited + transformed + outflow through the domain edge (to 1e-6)."""
    op = transport_operator(GRID, met, K=5000.0)
    k_chem = 1 / (3600 * 30.0)
    dry = 0.005 / op.mixing_height
    wet = 5e-5 * met.precipitation.ravel()
    S = np.zeros(op.volume.size)
    S[GRID.nlon * 8 + 6] = 1e6
    c = solve_family(op, k_chem + dry + wet, S)
    b = budget(op, {"transformed": np.full(S.size, k_chem), "dry": dry, "wet": wet}, c, S)
    assert b["transformed"] + b["dry"] + b["wet"] + b["outflow"] == pytest.approx(b["emitted"], rel=1e-6)
    assert (c >= -1e-12).all() and b["outflow"] > 0


def test_zero_emissions_give_zero():
    out = run_month(GRID, default_met(GRID, 4), sources(GRID), 4, SurrogateParameters())
    for name in COMPONENTS:
        assert np.abs(out[name]).max() == 0.0


def test_inert_species_are_linear():
    met = default_met(GRID, 10)
    params = SurrogateParameters()
    one = run_month(GRID, met, sources(GRID, BC=1e5, OC=2e5, PM25_other=3e5), 10, params)
    two = run_month(GRID, met, sources(GRID, BC=2e5, OC=4e5, PM25_other=6e5), 10, params)
    for name in ("BC", "POA", "DST"):
        np.testing.assert_allclose(two[name], 2 * one[name], rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(one["POA"] / one["BC"].clip(1e-300), 2.1 * 2, rtol=1e-8, atol=0)  # 2.1 x OC


def test_nh4no3_equilibrium_by_hand():
    T = np.array([280.0])
    K = float(kp_nh4no3(T)[0])
    assert K == pytest.approx(np.exp(118.87 - 24084 / 280 - 6.025 * np.log(280)))
    to_ppb = float(ppb_per_umol_m3(T)[0])
    # no sulfate: 10 ppb NH3 and 5 ppb HNO3 -> x solves (10 - x)(5 - x) = K
    a_ppb, n_ppb = 10.0, 5.0
    x = 0.5 * ((a_ppb + n_ppb) - np.sqrt((a_ppb - n_ppb) ** 2 + 4 * K))
    out = partition(np.array([0.0]), np.array([a_ppb / to_ppb * 17.03]), np.array([n_ppb / to_ppb * 62.0]), T)
    assert out["NIT"][0] == pytest.approx(x / to_ppb * 62.0, rel=1e-10)
    assert out["NH4"][0] == pytest.approx(x / to_ppb * 18.04, rel=1e-10)
    assert (a_ppb - x) * (n_ppb - x) == pytest.approx(K, rel=1e-9)
    # sulfate takes ammonia first: 1 umol/m3 SO4 binds 2 umol/m3 NH3; with 2 umol/m3 NH3 no nitrate forms
    out = partition(np.array([96.06]), np.array([2 * 17.03]), np.array([62.0]), T)
    assert out["NIT"][0] == 0.0 and out["NH4"][0] == pytest.approx(2 * 18.04)
    # warm and dilute: no particle phase
    out = partition(np.array([0.0]), np.array([0.1]), np.array([0.1]), np.array([305.0]))
    assert out["NIT"][0] == 0.0


def test_halving_nh3_matters_only_where_ammonia_limits_nitrate():
    T = np.array([275.0, 275.0])
    sulfate = np.array([5.0, 5.0])
    total_nh3 = np.array([3.0, 40.0])  # cell 0: ammonia-limited; cell 1: plenty of ammonia
    total_no3 = np.array([30.0, 2.0])  # cell 1: nitrate-limited
    base = partition(sulfate, total_nh3, total_no3, T)
    half = partition(sulfate, total_nh3 / 2, total_no3, T)
    assert half["NIT"][0] < 0.9 * base["NIT"][0]
    assert half["NIT"][1] == pytest.approx(base["NIT"][1], rel=0.02)


def test_conservative_regrid_keeps_totals():
    src = LonLatGrid(70, 150, 10, 60, 0.25, 0.25)
    dst = LonLatGrid(70, 140, 15, 55, 0.3125, 0.25)
    values = np.zeros((src.nlat, src.nlon))
    values[120:140, 150:200] = np.random.default_rng(1).random((20, 50))  # inside the target domain
    out = regrid_extensive(values, src, dst)
    assert out.sum() == pytest.approx(values.sum(), rel=1e-12)


def test_every_scenario_as_a_right_hand_side_equals_one_run_per_scenario():
    """run_month_scenarios (operators factorised once) gives each scenario what its own run gives."""
    met = default_met(GRID, 1)
    params = SurrogateParameters()
    scenarios = {
        "a": sources(GRID, SO2=3e5, NOx=4e5, NH3=2e5, BC=1e4, OC=2e4, PM25_other=5e4),
        "b": sources(GRID, SO2=1e5, NOx=4e5, NH3=3e5, BC=0.0, OC=2e4, PM25_other=1e4),
    }
    together = run_month_scenarios(GRID, met, scenarios, 1, params)
    for name, emissions in scenarios.items():
        alone = run_month(GRID, met, emissions, 1, params)
        for component in COMPONENTS:
            np.testing.assert_allclose(together[name][component], alone[component], rtol=1e-12, atol=1e-18)


def test_primary_sulfate_is_3_1_percent_of_so2_by_mass():
    """Without SO2 oxidation, sulfate is 3.1 % of the SO2 mass transported as a particle, i.e. equal to the BC
    field of a BC source of 0.031 x the SO2 emission (same particle operator), not x 96/64."""
    params = SurrogateParameters(so2_lifetime_hours={m: 1e30 for m in (1, 4, 7, 10)})
    out = run_month(GRID, default_met(GRID, 4), sources(GRID, SO2=1e6, BC=0.031e6), 4, params)
    np.testing.assert_allclose(out["SO4"], out["BC"], rtol=1e-9, atol=1e-18)
    assert out["SO4"].max() > 0


def test_default_met_ventilates_the_coast_and_stagnates_the_north_china_plain():
    grid = LonLatGrid(110.0, 125.0, 30.0, 40.0, 0.5, 0.5)
    met = default_met(grid, 1)

    def at(field, lon, lat):
        return field[int((lat - 30.0) / 0.5), int((lon - 110.0) / 0.5)]

    sea, plain = (123.5, 33.5), (115.5, 37.0)  # Yellow Sea; the North China Plain
    assert at(met.mixing_height, *sea) > 1.9 * at(met.mixing_height, 119.0, 33.5)
    assert abs(at(met.u, *sea)) > abs(at(met.u, *plain)) + 3.0
