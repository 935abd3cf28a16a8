"""The Leontief system x = Ax + y (paper Eq. 4-7) as an LU factorisation of (I - A)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.linalg

log = logging.getLogger(__name__)


def technical_coefficients(Z: np.ndarray, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """A = Z diag(x)^-1 (Eq. 6), US$ per US$; columns without output are zero. ``out=Z`` works in place."""
    inverse = np.divide(1.0, x, out=np.zeros_like(x, dtype=float), where=x > 0)
    return np.multiply(Z, inverse[None, :], out=out)


@dataclass
class LeontiefSystem:
    """LU factors of (I - A): ``solve(B)`` = L B (Eq. 7), ``solve_transposed(B)`` = L' B, with L = (I - A)^-1.

    The factorisation is of (I - A)' stored as the Fortran-ordered view of the row-major (I - A): LAPACK then
    works in place with no n x n copy, and the two solve directions swap LAPACK's ``trans`` flag.
    """

    lu: np.ndarray
    pivots: np.ndarray

    @property
    def n(self) -> int:
        return self.lu.shape[0]

    @classmethod
    def factorise(cls, A: np.ndarray, overwrite: bool = False) -> LeontiefSystem:
        """LU of I - A. With ``overwrite`` the array ``A`` becomes the factors (no second n x n copy)."""
        start = time.perf_counter()
        M = np.ascontiguousarray(A) if overwrite else np.array(A, order="C")
        np.negative(M, out=M)
        return cls._factorise_negated(M, start)

    @classmethod
    def from_flows(cls, Z: np.ndarray, x: np.ndarray) -> LeontiefSystem:
        """LU of I - A with A = Z diag(x)^-1 (Eq. 6), built in place in ``Z`` in one pass (Z is consumed)."""
        start = time.perf_counter()
        minus_inverse = np.divide(-1.0, x, out=np.zeros_like(x, dtype=float), where=x > 0)
        np.multiply(Z, minus_inverse[None, :], out=Z)
        return cls._factorise_negated(Z, start)

    @classmethod
    def _factorise_negated(cls, M: np.ndarray, start: float) -> LeontiefSystem:
        """M holds -A (row-major); add I and factorise in place."""
        M[np.diag_indices_from(M)] += 1.0
        lu, pivots = scipy.linalg.lu_factor(M.T, overwrite_a=True, check_finite=False)  # M.T: F-ordered view
        diagonal = np.diag(lu)
        if not np.isfinite(diagonal).all() or (np.abs(diagonal) < 1e-14).any():
            raise np.linalg.LinAlgError("I - A is singular: some sector's inputs reach or exceed its output")
        log.info("LU factorisation of I - A (%d x %d) in %.1f s", *M.shape, time.perf_counter() - start)
        return cls(lu, pivots)

    def solve(self, B: np.ndarray) -> np.ndarray:
        """L B: gross output needed for each column of final demand B (n x k)."""
        return scipy.linalg.lu_solve((self.lu, self.pivots), B, trans=1, check_finite=False)

    def solve_transposed(self, B: np.ndarray) -> np.ndarray:
        """L' B: for B = F' (intensities as columns), the multipliers (F L)' (Eq. 8)."""
        return scipy.linalg.lu_solve((self.lu, self.pivots), B, trans=0, check_finite=False)


def consumption_accounts(Z: np.ndarray, x: np.ndarray, Y: np.ndarray, S: np.ndarray, regions: int
                         ) -> dict[str, np.ndarray]:
    """Footprints in pymrio's layout (an independent-oracle interface for tests).

    Z (n x n), x (n), Y (n x regions) final demand per consuming region, S (q x n) stressor intensities.
    Returns D_cba (q x n: footprint of all regions' final demand for each product (region, sector)... laid out
    per consuming region and sector as pymrio does), D_pba (q x n) and D_exp (q x n).
    """
    n = x.size
    N = n // regions
    system = LeontiefSystem.factorise(technical_coefficients(Z, x))
    multipliers = system.solve_transposed(S.T).T                     # M = S L (q x n)
    D_cba = np.zeros((S.shape[0], regions * N))
    for c in range(regions):
        D_cba[:, c * N:(c + 1) * N] = (multipliers * Y[:, c][None, :]).reshape(S.shape[0], regions, N).sum(1)
    output = system.solve(Y)                                          # x per consuming region (n x regions)
    region_of_row = np.repeat(np.arange(regions), N)
    foreign = output.copy()
    foreign[region_of_row[:, None] == np.arange(regions)[None, :]] = 0.0
    return {"D_cba": D_cba, "D_pba": S * output.sum(1)[None, :], "D_exp": S * foreign.sum(1)[None, :]}
