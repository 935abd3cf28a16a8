"""Entry checks of the numerical core: finite inputs and a productive Leontief system (paper Eq. 4-7).

A = Z diag(x)^-1 is productive (x = Ax + y has a non-negative solution for every y >= 0, and (I - A)^-1 exists
with non-negative entries) when its spectral radius rho(A) < 1; the multipliers grow like 1 / (1 - rho). The
checks run in O(n^2) (column sums, and only when those are not decisive a few power iterations), which is
cheap next to the O(n^3) LU factorisation they protect, and they never copy the n x n matrix.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

# rho(A) must stay below 1 - RHO_MARGIN: multipliers up to about 1e6 are accepted, none near 1e13.
RHO_MARGIN = 1e-6
POWER_ITERATIONS = 30
ROW_CHUNK = 1024


class NumericalInputError(np.linalg.LinAlgError):
    """A matrix or vector handed to the numerical core cannot give meaningful numbers (a ValueError too)."""


def _first(mask: np.ndarray, labels=None, limit: int = 5) -> str:
    index = np.flatnonzero(mask)[:limit]
    return ", ".join(str(labels[i]) if labels is not None else str(i) for i in index)


def require_finite(what: str, array: np.ndarray, axis_name: str = "column") -> None:
    """Raise if ``array`` holds NaN or inf (checked through its sums: no n x n temporary)."""
    array = np.asarray(array)
    if array.ndim < 2:
        bad = ~np.isfinite(array)
        if bad.any():
            raise NumericalInputError(f"{what}: {int(bad.sum())} NaN or infinite entries (first at {_first(bad)})")
        return
    with np.errstate(all="ignore"):
        sums = array.sum(axis=0)
    bad = ~np.isfinite(sums)
    if bad.any():
        raise NumericalInputError(
            f"{what}: NaN or infinite values in {int(bad.sum())} {axis_name}(s) (first {_first(bad)})"
        )


def _abs_column_sums(M: np.ndarray) -> np.ndarray:
    out = np.zeros(M.shape[1])
    for start in range(0, M.shape[0], ROW_CHUNK):
        out += np.abs(M[start : start + ROW_CHUNK]).sum(axis=0)
    return out


def _abs_transposed_times(M: np.ndarray, v: np.ndarray) -> np.ndarray:
    """|M|' v without forming |M| (row chunks)."""
    out = np.zeros(M.shape[1])
    for start in range(0, M.shape[0], ROW_CHUNK):
        out += v[start : start + ROW_CHUNK] @ np.abs(M[start : start + ROW_CHUNK])
    return out


def require_inputs_have_output(what: str, Z: np.ndarray, x: np.ndarray) -> None:
    """A sector (column) without positive output must have no inputs: A = Z / x would drop them silently."""
    x = np.asarray(x, dtype=float)
    require_finite(f"{what}: gross output x", x)
    no_output = x <= 0
    if not no_output.any():
        return
    inputs = _abs_column_sums(Z[:, no_output]) if Z.shape[0] else np.zeros(int(no_output.sum()))
    dropped = inputs > 0
    if dropped.any():
        columns = np.flatnonzero(no_output)[dropped]
        raise NumericalInputError(
            f"{what}: {columns.size} sector(s) have inputs but output x <= 0 (columns "
            f"{', '.join(map(str, columns[:5]))}; inputs {inputs[dropped][:5]}, output "
            f"{x[columns[:5]]}): their coefficients A = Z / x are undefined"
        )


def require_productive(what: str, M: np.ndarray, scale: np.ndarray | None = None, margin: float = RHO_MARGIN) -> float:
    """Raise unless A = M diag(scale) (scale = 1 / x, or ones when M is A) has spectral radius < 1 - margin.

    Column sums of |A| bound rho(A) from above; when they are not decisive, power iterations with I + |A|'
    (primitive even when A is periodic) give Collatz-Wielandt bounds for v > 0: rho <= max (|A|'v)_j / v_j
    and, if A >= 0, rho >= min (A'v)_j / v_j. Unproductive (lower bound >= 1 - margin) is an error; undecided
    after the iterations logs a warning and leaves the verdict to the LU's pivots. Returns the upper bound found.
    """
    n = M.shape[1]
    scale = np.ones(n) if scale is None else np.asarray(scale, dtype=float)
    require_finite(what, M)
    sums = _abs_column_sums(M) * scale
    upper = float(sums.max()) if n else 0.0
    if upper < 1 - margin:
        return upper
    nonnegative = all(M[s : s + ROW_CHUNK].min() >= 0 for s in range(0, M.shape[0], ROW_CHUNK))
    lower = float(sums.min()) if nonnegative else 0.0
    v = sums.copy()
    for _ in range(POWER_ITERATIONS):
        if lower >= 1 - margin or upper < 1 - margin:
            break
        positive = np.maximum(v, 1e-12 * v.max()) if v.max() > 0 else np.ones(n)
        w = _abs_transposed_times(M, positive) * scale
        ratio = w / positive
        upper = min(upper, float(ratio.max()))
        if nonnegative:
            lower = max(lower, float(ratio.min()))
        v = (w + positive) / (w + positive).max()  # iterate with I + |A|: primitive, so no oscillation
    if lower >= 1 - margin:
        worst = np.argsort(-sums)[:5]
        effect = "negative output" if lower > 1 else f"multipliers of about {1 / max(1 - lower, 1e-300):.1e}"
        raise NumericalInputError(
            f"{what}: the Leontief system is not productive (I - A singular or with a negative inverse): "
            f"spectral radius of A >= {lower:.15g}, must be below 1 - {margin:g} ({effect}); largest column sums "
            f"of A {np.round(sums[worst], 12).tolist()} at columns {worst.tolist()}"
        )
    if upper >= 1 - margin:
        log.warning(
            "%s: spectral radius of A between %.6g and %.6g after %d power iterations; relying on the LU",
            what,
            lower,
            upper,
            POWER_ITERATIONS,
        )
    return upper
