"""GRAS / RAS balancing: textbook example, negative entries, agreement with a matrix-rebuilding reference."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from exportpm.mrio.gras import BalancingError, _multiplier, _residual, apply_scaling, gras, split_signs


def gras_rebuilding(
    A: np.ndarray, u: np.ndarray, w: np.ndarray, tol: float = 1e-10, max_iter: int = 10_000
) -> tuple[np.ndarray, int]:
    """Reference GRAS that rebuilds the matrix every half-step (as textbook and MARIO-style codes do).

    Same fixed point as ``gras``: the tests' reference (the pipeline uses ``gras``).
    """
    X = A.copy()
    floor_u, floor_w = 1e-9 * np.abs(u).mean(), 1e-9 * np.abs(w).mean()
    for iteration in range(1, max_iter + 1):
        pos, neg = np.where(X > 0, X, 0.0), np.where(X < 0, -X, 0.0)
        s = _multiplier(w, pos.sum(0), neg.sum(0))
        X = pos * s[None, :] - neg / s[None, :]
        pos, neg = np.where(X > 0, X, 0.0), np.where(X < 0, -X, 0.0)
        r = _multiplier(u, pos.sum(1), neg.sum(1))
        X = pos * r[:, None] - neg / r[:, None]
        if max(_residual(X.sum(1), u, floor_u), _residual(X.sum(0), w, floor_w)) < tol:
            return X, iteration
    raise BalancingError(f"reference GRAS did not converge in {max_iter} iterations")


def balance(A0, u, w, tol=1e-12):
    P, N = split_signs(A0.copy())
    result = gras(P, N, u, w, tol=tol)
    return apply_scaling(P, N, result), result


def test_miller_blair_ras_example_equals_the_minimum_cross_entropy_solution():
    """Miller & Blair (2009), section 7.4.2: the prior A(0), the new gross outputs x(1) and the intermediate row
    and column totals u(1), v(1) of the unknown Z(1) (as the GAMS model library's IOBALANCE reproduces them).
    RAS is the unique biproportional fit, i.e. the minimiser of sum Z ln(Z / Z0) under the margins; that
    optimum is found here independently with SLSQP."""
    from scipy.optimize import minimize

    A0 = np.array([[0.120, 0.100, 0.049], [0.210, 0.247, 0.265], [0.026, 0.249, 0.145]])
    x1 = np.array([421.0, 284.0, 283.0])
    Z1 = np.array([[98.0, 72.0, 75.0], [65.0, 8.0, 63.0], [88.0, 27.0, 44.0]])  # the book's "unknown" flows
    u, v = Z1.sum(1), Z1.sum(0)
    np.testing.assert_array_equal(u, [245.0, 136.0, 159.0])
    np.testing.assert_array_equal(v, [251.0, 107.0, 182.0])
    Z0 = A0 * x1[None, :]
    Z, result = balance(Z0, u, v)
    np.testing.assert_allclose(Z.sum(1), u, rtol=1e-10)
    np.testing.assert_allclose(Z.sum(0), v, rtol=1e-10)
    np.testing.assert_allclose(Z / Z0, result.r[:, None] * result.s[None, :], rtol=1e-10)

    def cross_entropy(z):
        return float(np.sum(z * np.log(z / Z0.ravel()) - z))

    margins = [{"type": "eq", "fun": lambda z, i=i: z.reshape(3, 3)[i].sum() - u[i]} for i in range(3)]
    margins += [{"type": "eq", "fun": lambda z, j=j: z.reshape(3, 3)[:, j].sum() - v[j]} for j in range(2)]
    optimum = minimize(
        cross_entropy,
        Z0.ravel() * u.sum() / Z0.sum(),
        method="SLSQP",
        constraints=margins,
        bounds=[(1e-9, None)] * 9,
        jac=lambda z: np.log(z / Z0.ravel()),
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert optimum.success
    np.testing.assert_allclose(Z.ravel(), optimum.x, rtol=1e-6)


def test_negative_entries_keep_their_sign_and_margins_hold():
    rng = np.random.default_rng(7)
    A0 = rng.uniform(1, 10, size=(6, 8))
    A0[rng.random((6, 8)) < 0.2] *= -0.3  # e.g. inventory changes
    u = np.abs(A0).sum(1) * rng.uniform(0.8, 1.2, 6)
    w = A0.sum(0) * rng.uniform(0.9, 1.1, 8)
    w *= u.sum() / w.sum()
    X, _ = balance(A0, u, w)
    np.testing.assert_allclose(X.sum(1), u, rtol=1e-10)
    np.testing.assert_allclose(X.sum(0), w, rtol=1e-10)
    assert (np.sign(X) == np.sign(A0)).all()
    reference, _ = gras_rebuilding(A0, u, w, tol=1e-12)
    np.testing.assert_allclose(X, reference, rtol=1e-9, atol=1e-12)


def test_scaling_form_equals_rebuilding_reference_on_random_system():
    rng = np.random.default_rng(11)
    A0 = rng.lognormal(size=(40, 45))
    u, w = A0.sum(1) * rng.uniform(0.9, 1.1, 40), A0.sum(0) * rng.uniform(0.9, 1.1, 45)
    w *= u.sum() / w.sum()
    X, result = balance(A0, u, w)
    reference, iterations = gras_rebuilding(A0, u, w, tol=1e-12)
    np.testing.assert_allclose(X, reference, rtol=1e-9)
    assert result.iterations <= iterations + 1


def test_inconsistent_or_empty_targets_fail_clearly():
    A0 = np.ones((2, 2))
    with pytest.raises(BalancingError, match="row targets sum"):
        gras(A0.copy(), None, np.array([1.0, 1.0]), np.array([1.0, 2.0]))
    with pytest.raises(BalancingError, match="empty rows"):
        gras(np.array([[1.0, 1.0], [0.0, 0.0]]), None, np.array([1.0, 1.0]), np.array([1.0, 1.0]))


def test_non_convergence_raises_after_the_limit():
    A0 = np.array([[1.0, 0.0], [1.0, 1.0]])  # row 0 and column 1 fight: infeasible with these targets
    with pytest.raises(BalancingError, match="did not converge"):
        gras(A0.copy(), sparse.csr_matrix((2, 2)), np.array([2.0, 1.0]), np.array([1.0, 2.0]), max_iter=50)
