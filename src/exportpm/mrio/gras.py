"""GRAS balancing (Junius & Oosterhaven 2003; Lenzen, Wood & Gallego 2007; Temurshoev et al. 2013).

Find X = diag(r) P diag(s) - diag(r)^-1 N diag(s)^-1 with row sums u and column sums w, where the prior
A = P - N is split into its positive and negative parts (negatives e.g. from inventory changes). The
iteration works on the scaling vectors r and s only: each half-step costs one matrix-vector product with
P (and one with the sparse N); the matrix is rebuilt once, at the end, in place.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

log = logging.getLogger(__name__)


class BalancingError(RuntimeError):
    """GRAS did not reach the tolerance within the iteration limit, or the targets are infeasible."""


@dataclass
class GrasResult:
    """GRAS scaling vectors ``r`` (rows) and ``s`` (columns), iterations, residuals and run time (s)."""

    r: np.ndarray
    s: np.ndarray
    iterations: int
    row_residual: float  # max |row sum - u| / max(|u|, floor)
    col_residual: float
    seconds: float


def _multiplier(target: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """Solve m * pos - neg / m = target for m > 0 (element-wise); 1 where a row or column is empty."""
    out = np.ones_like(target)
    has_pos = pos > 0
    out[has_pos] = (target[has_pos] + np.sqrt(target[has_pos] ** 2 + 4 * pos[has_pos] * neg[has_pos])) / (
        2 * pos[has_pos]
    )
    only_neg = ~has_pos & (neg > 0)
    out[only_neg] = -neg[only_neg] / np.where(target[only_neg] != 0, target[only_neg], -1e-300)
    return out


def _residual(sums: np.ndarray, target: np.ndarray, floor: float) -> float:
    return float((np.abs(sums - target) / np.maximum(np.abs(target), floor)).max()) if target.size else 0.0


def _require_finite_inputs(P: np.ndarray, N, u: np.ndarray, w: np.ndarray) -> None:
    """BalancingError naming the first rows/columns with NaN or inf in the prior or targets, or P < 0."""
    for name, vector in (("row targets u", u), ("column targets w", w)):
        bad = ~np.isfinite(vector)
        if bad.any():
            raise BalancingError(f"GRAS: {name} hold NaN or inf at {np.flatnonzero(bad)[:5].tolist()}")
    with np.errstate(all="ignore"):
        column_sums = P.sum(axis=0)
    bad = ~np.isfinite(column_sums)
    if bad.any():
        raise BalancingError(
            f"GRAS: the prior P holds NaN or inf in {int(bad.sum())} columns (first {np.flatnonzero(bad)[:5].tolist()})"
        )
    if P.size and P.min() < 0:
        raise BalancingError("GRAS: the positive part P of the prior has negative entries")
    if N is not None:
        data = N.data if sparse.issparse(N) else np.asarray(N)
        if not np.isfinite(data).all():
            raise BalancingError("GRAS: the negative part N of the prior holds NaN or inf")


def gras(
    P: np.ndarray,
    N: sparse.spmatrix | np.ndarray | None,
    u: np.ndarray,
    w: np.ndarray,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    log_every: int = 25,
) -> GrasResult:
    """Scaling vectors (r, s) such that X = diag(r) P diag(s) - diag(1/r) N diag(1/s) has row sums u and
    column sums w. ``P`` dense non-negative; ``N`` (the magnitudes of the negative entries) sparse or None.

    Residuals are relative to max(|target|, 1e-9 * mean |target|). Raises BalancingError after
    ``max_iter`` iterations, naming the worst row or column.

    Long because the GRAS iteration (two half-steps, convergence test, failure report) is kept in one loop for speed.
    """
    if P.shape != (u.size, w.size):
        raise ValueError(f"GRAS: matrix {P.shape} vs targets {u.size} x {w.size}")
    _require_finite_inputs(P, N, u, w)  # entry check: NaN/inf fail now, not after max_iter iterations
    if not np.isclose(u.sum(), w.sum(), rtol=1e-9):
        raise BalancingError(f"GRAS: row targets sum to {u.sum():.10g}, column targets to {w.sum():.10g}")
    N = sparse.csr_matrix(N if N is not None else (u.size, w.size))
    Nt = N.T.tocsr()
    empty_rows = (P.sum(1) == 0) & (np.asarray(N.sum(1)).ravel() == 0) & (u != 0)
    empty_cols = (P.sum(0) == 0) & (np.asarray(N.sum(0)).ravel() == 0) & (w != 0)
    if empty_rows.any() or empty_cols.any():
        raise BalancingError(
            f"GRAS: {int(empty_rows.sum())} empty rows (first {np.flatnonzero(empty_rows)[:5]}) "
            f"and {int(empty_cols.sum())} empty columns (first {np.flatnonzero(empty_cols)[:5]}) "
            "have non-zero targets"
        )
    floor_u, floor_w = 1e-9 * np.abs(u).mean(), 1e-9 * np.abs(w).mean()
    r, s = np.ones(u.size), np.ones(w.size)
    start = time.perf_counter()
    col_pos, col_neg = r @ P, Nt @ (1.0 / r)
    for iteration in range(1, max_iter + 1):
        # After each row step the rows are met exactly; the columns' residual decides convergence.
        col_res = _residual(s * col_pos - col_neg / s, w, floor_w)
        if iteration > 1 and col_res < tol:
            break
        s = _multiplier(w, col_pos, col_neg)
        row_pos, row_neg = P @ s, N @ (1.0 / s)
        if iteration % log_every == 0 or iteration == 1:
            log.info(
                "GRAS iteration %d: row residual %.3e, column residual %.3e (%.1f s)",
                iteration,
                _residual(r * row_pos - row_neg / r, u, floor_u),
                col_res,
                time.perf_counter() - start,
            )
        r = _multiplier(u, row_pos, row_neg)
        col_pos, col_neg = r @ P, Nt @ (1.0 / r)
    else:
        worst = int(np.argmax(np.abs(s * col_pos - col_neg / s - w)))
        raise BalancingError(
            f"GRAS did not converge in {max_iter} iterations: column residual {col_res:.3e} "
            f"(tolerance {tol:g}); worst column {worst}"
        )
    row_res = _residual(r * (P @ s) - (N @ (1.0 / s)) / r, u, floor_u)
    seconds = time.perf_counter() - start
    log.info(
        "GRAS converged in %d iterations (%.1f s): row residual %.2e, column residual %.2e",
        iteration - 1,
        seconds,
        row_res,
        col_res,
    )
    return GrasResult(r, s, iteration - 1, row_res, col_res, seconds)


def apply_scaling(P: np.ndarray, N: sparse.spmatrix | None, result: GrasResult) -> np.ndarray:
    """X = diag(r) P diag(s) - diag(1/r) N diag(1/s), computed in place in ``P`` (returned)."""
    P *= result.r[:, None]
    P *= result.s[None, :]
    if N is not None and N.nnz:
        coo = sparse.coo_matrix(N)
        P[coo.row, coo.col] -= coo.data / (result.r[coo.row] * result.s[coo.col])
    return P


def split_signs(A: np.ndarray) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Positive part (in place: ``A`` with negatives set to 0) and the sparse magnitudes of the negatives."""
    negative = A < 0
    N = sparse.csr_matrix(np.where(negative, -A, 0.0)) if negative.any() else sparse.csr_matrix(A.shape)
    A[negative] = 0.0
    return A, N
