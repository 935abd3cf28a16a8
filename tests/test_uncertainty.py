"""Uncertainty: no perturbation gives the deterministic result; sampled intervals match analytical ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exportpm.footprint.leontief import LeontiefSystem, technical_coefficients
from exportpm.uncertainty import intervals, lognormal_sigma, monte_carlo, mrio_error_sd


def test_zero_perturbation_returns_the_deterministic_result_exactly():
    export = np.array([[1.0, 2.0], [3.0, 4.0]])
    total = export * 5
    samples_e, samples_t = monte_carlo(export, total, np.zeros_like(export), np.zeros(2), samples=50, seed=1)
    assert (samples_e == export[None]).all() and (samples_t == total[None]).all()
    i = intervals(samples_e.sum(-1), export.sum(-1))
    np.testing.assert_array_equal(i["median"], i["deterministic"])


def test_lognormal_interval_matches_the_analytical_one():
    sigma = lognormal_sigma(0.31)  # MEIC NOx: 31 % at 95 %
    samples_e, _ = monte_carlo(
        np.array([[10.0]]), np.array([[20.0]]), np.zeros((1, 1)), np.array([sigma]), samples=200_000, seed=7
    )
    lo, hi = np.percentile(samples_e[:, 0, 0], [2.5, 97.5])
    assert hi == pytest.approx(10.0 * 1.31, rel=0.01)  # exp(1.96 sigma) = 1.31 by construction
    assert lo == pytest.approx(10.0 / 1.31, rel=0.01)


def test_first_order_mrio_error_on_a_two_sector_system():
    """Analytical first-order sd against a sampled linearised propagation (and the exact one, small errors)."""
    Z = np.array([[15.0, 25.0], [20.0, 5.0]])
    y = np.array([65.0, 70.0])
    x = Z.sum(1) + y
    f = np.array([0.3, 0.1])
    system = LeontiefSystem.factorise(technical_coefficients(Z, x))
    x_export = system.solve(y[:, None])[:, 0]
    m = system.solve_transposed(f[:, None])[:, 0]
    sd = float(mrio_error_sd(m[None], Z, y, x_export, x, 0.05, 0.05)[0])
    rng = np.random.default_rng(3)
    exact = []
    for _ in range(20_000):
        Zs = Z * (1 + 0.05 * rng.standard_normal(Z.shape))
        ys = y * (1 + 0.05 * rng.standard_normal(2))
        A = Zs / x[None, :]
        exact.append(f @ np.linalg.solve(np.eye(2) - A, ys))
    assert np.std(exact) == pytest.approx(sd, rel=0.05)


def test_share_constrained_interpolation_agrees_at_the_gains_years():
    from exportpm.inventory.pipeline import _within_sector_shares
    from exportpm.io.emission_inputs import interpolate_years

    g15, g20 = np.array([[1.0, 3.0, 2.0]]), np.array([[2.0, 2.0, 6.0]])
    meic = np.array(["power", "power", "industry"])
    a, b = _within_sector_shares(g15, meic), _within_sector_shares(g20, meic)
    np.testing.assert_allclose(interpolate_years(a, b, 2015, 2020, 2015), a)
    np.testing.assert_allclose(interpolate_years(a, b, 2015, 2020, 2020), b)
    np.testing.assert_allclose(a, [[0.25, 0.75, 1.0]])


@pytest.mark.parametrize(
    ("regions", "province_regions", "seed"), [(3, (0, 1), 5), (4, (2, 3), 8)], ids=["provinces first", "last"]
)
def test_export_multipliers_equal_the_textbook_formulas(regions, province_regions, seed):
    """export_multipliers (A in Z's memory, Z part from A and a Neumann series, L's province rows from the export
    engine's block factorisation) against mrio_error_sd on Z, the dense inverse and F x, for two provinces;
    blocks of other rows are refused."""
    from exportpm.footprint.leontief import ProvinceRows
    from exportpm.uncertainty import export_multipliers, neumann_output

    rng = np.random.default_rng(seed)
    N = 2
    n = N * regions
    Z = rng.uniform(1.0, 10.0, (n, n))
    y = rng.uniform(20.0, 60.0, n)
    x = Z.sum(1) + y + rng.uniform(10.0, 30.0, n)  # domestic final demand besides the exports y
    F = rng.uniform(0.0, 1.0, (2, n))
    rows_P = np.concatenate([np.arange(r * N, (r + 1) * N) for r in province_regions])
    rows_F = np.setdiff1d(np.arange(n), rows_P)
    L = np.linalg.inv(np.eye(n) - Z / x[None, :])
    np.testing.assert_allclose(neumann_output(Z / x[None, :], y), L @ y, rtol=1e-13)
    blocks = ProvinceRows.from_flows(Z.copy(), x, rows_P, rows_F)
    args = (x, y, F, rows_P, N, ("a", "b"), ("P1", "P2"), 0.05, 0.02)
    m = export_multipliers(Z.copy(), *args, blocks)
    x_export = L @ y
    for q in range(2):
        for r in range(2):
            block = rows_P[r * N : (r + 1) * N]
            assert m.export[q, r] == pytest.approx(F[q, block] @ x_export[block], rel=1e-12)
            assert m.total[q, r] == pytest.approx(F[q, block] @ x[block], rel=1e-12)
            G = np.zeros(n)
            G[block] = F[q, block]
            expected = mrio_error_sd((G @ L)[None], Z, y, x_export, x, 0.05, 0.02)[0]
            assert m.mrio_sd[q, r] == pytest.approx(expected, rel=1e-10)
    other = ProvinceRows.from_flows(Z.copy(), x, rows_F, rows_P)
    with pytest.raises(ValueError, match="other province rows"):
        export_multipliers(Z.copy(), *args, other)


def test_export_multipliers_travel_between_the_two_uncertainty_rules_exactly(tmp_path):
    """uncertainty_mrio writes the multipliers as a table and uncertainty reads them back: every value round-trips
    bit for bit through Parquet, so splitting the rule leaves the Monte Carlo product unchanged."""
    from exportpm.io import write_parquet_atomic
    from exportpm.uncertainty import ExportMultipliers, multipliers_frame, multipliers_from_frame

    rng = np.random.default_rng(2)
    m = ExportMultipliers(("SO2", "NOx", "NH3"), ("CN-BJ", "CN-TJ"), *(rng.lognormal(5, 2, (3, 2)) for _ in range(3)))
    write_parquet_atomic(multipliers_frame(m), tmp_path / "m.parquet")
    back = multipliers_from_frame(pd.read_parquet(tmp_path / "m.parquet"))
    assert back.species == m.species and back.provinces == m.provinces
    for name in ("export", "total", "mrio_sd"):
        np.testing.assert_array_equal(getattr(back, name), getattr(m, name))
    with pytest.raises(ValueError, match="species x provinces"):
        multipliers_from_frame(multipliers_frame(m).iloc[1:])
