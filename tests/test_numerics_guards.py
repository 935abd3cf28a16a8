"""Entry checks of the numerical core: unproductive or non-finite systems fail before any factorisation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from exportpm.footprint.leontief import LeontiefSystem, ProvinceRows, technical_coefficients
from exportpm.mrio.gras import BalancingError, gras
from exportpm.numerics import NumericalInputError, require_productive


def coefficients_with_column_sums(n: int, total: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    A = rng.random((n, n))
    return A * (total / A.sum(0))[None, :]


@pytest.mark.parametrize(("total", "effect"), [(1.4, "negative output"), (1 - 1e-13, "multipliers of about")])
def test_unproductive_coefficients_are_rejected_before_the_lu(total, effect):
    A = coefficients_with_column_sums(40, total)
    with pytest.raises(NumericalInputError, match="not productive") as error:
        LeontiefSystem.factorise(A)
    assert effect in str(error.value)
    x = np.linspace(1.0, 3.0, 40)
    rows_P, rows_F = np.arange(10), np.arange(10, 40)
    with pytest.raises(NumericalInputError, match="not productive"):
        ProvinceRows.from_flows(A * x[None, :], x, rows_P, rows_F)


def test_multipliers_of_an_accepted_system_are_bounded():
    A = coefficients_with_column_sums(40, 0.999)
    L = np.linalg.inv(np.eye(40) - A)  # oracle (tests only)
    assert require_productive("test", A) == pytest.approx(0.999)
    solved = LeontiefSystem.factorise(A).solve(np.eye(40))
    np.testing.assert_allclose(solved, L, rtol=1e-8)


def test_column_sums_above_one_with_radius_below_one_pass():
    """Negative value added in one sector (column sum 2) with rho(A) = sqrt(0.2): productive, accepted."""
    A = np.array([[0.0, 2.0], [0.1, 0.0]])
    upper = require_productive("test", A)
    assert np.sqrt(0.2) - 1e-9 <= upper < 1  # a valid upper bound, tight enough to decide
    np.testing.assert_allclose(LeontiefSystem.factorise(A).solve(np.eye(2)), np.linalg.inv(np.eye(2) - A))


def test_periodic_unproductive_system_is_found_by_power_iteration():
    """Column sums 0.5 and 2.5 (not decisive); rho = sqrt(1.25) > 1."""
    A = np.array([[0.0, 2.5], [0.5, 0.0]])
    with pytest.raises(NumericalInputError, match="not productive"):
        require_productive("test", A)


def test_zero_output_sector_with_inputs_is_not_dropped_silently():
    Z = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.2], [0.3, 0.0, 0.0]])
    x = np.array([10.0, 0.0, 5.0])
    with pytest.raises(NumericalInputError, match=r"inputs but output x <= 0 \(columns 1"):
        technical_coefficients(Z, x)
    Z[:, 1] = 0.0  # an empty sector (no inputs, no output) is fine: its coefficients are zero
    assert technical_coefficients(Z, x)[:, 1].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_leontief_inputs_fail_at_entry(bad):
    A = coefficients_with_column_sums(6, 0.5)
    A[2, 4] = bad
    with pytest.raises(NumericalInputError, match=r"NaN or infinite values in 1 column\(s\) \(first 4\)"):
        LeontiefSystem.factorise(A)
    x = np.ones(6)
    x[3] = bad
    with pytest.raises(NumericalInputError, match="gross output x"):
        technical_coefficients(np.ones((6, 6)), x)


@pytest.mark.parametrize("where", ["P", "u", "w", "N"])
def test_non_finite_gras_inputs_fail_before_iterating(where):
    rng = np.random.default_rng(3)
    P = rng.random((5, 4))
    u, w = P.sum(1) * 1.1, P.sum(0) * 1.1
    N = sparse.csr_matrix(np.where(rng.random((5, 4)) > 0.8, 0.01, 0.0))
    {"P": P, "u": u, "w": w}.get(where, np.empty(2)).flat[1] = np.nan
    if where == "N":
        N.data[0] = np.inf
    with pytest.raises(BalancingError, match="NaN or inf"):
        gras(P, N, u, w, max_iter=3)
