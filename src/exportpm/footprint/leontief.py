"""The Leontief system x = Ax + y (paper Eq. 4-7) as an LU factorisation of (I - A)."""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.linalg

from exportpm.numerics import require_inputs_have_output, require_productive

log = logging.getLogger(__name__)


def technical_coefficients(Z: np.ndarray, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """A = Z diag(x)^-1 (Eq. 6), US$ per US$; columns without output are zero. ``out=Z`` works in place."""
    require_inputs_have_output("A = Z diag(x)^-1", Z, x)  # entry check: no column's inputs dropped silently
    inverse = np.divide(1.0, x, out=np.zeros_like(x, dtype=float), where=x > 0)
    return np.multiply(Z, inverse[None, :], out=out)


def _identity_minus_coefficients(Z_block: np.ndarray, x: np.ndarray) -> np.ndarray:
    """In place: the square block Z_block (a diagonal block of Z) becomes I - Z_block diag(x)^-1 (Eq. 6)."""
    technical_coefficients(Z_block, x, out=Z_block)
    np.negative(Z_block, out=Z_block)
    Z_block[np.diag_indices_from(Z_block)] += 1.0
    return Z_block


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
        """Order n of the system (rows of I - A)."""
        return self.lu.shape[0]

    @classmethod
    def factorise(cls, A: np.ndarray, overwrite: bool = False) -> LeontiefSystem:
        """LU of I - A. With ``overwrite`` the array ``A`` becomes the factors (no second n x n copy)."""
        require_productive("LeontiefSystem.factorise", A)  # entry check: finite, spectral radius < 1
        start = time.perf_counter()
        M = np.ascontiguousarray(A) if overwrite else np.array(A, order="C")
        np.negative(M, out=M)
        M[np.diag_indices_from(M)] += 1.0
        lu, pivots = _factorise_in_place(M.T, "I - A")  # M.T: F-ordered view, no copy
        log.info("LU factorisation of I - A (%d x %d) in %.1f s", *M.shape, time.perf_counter() - start)
        return cls(lu, pivots)

    def solve(self, B: np.ndarray) -> np.ndarray:
        """L B: gross output needed for each column of final demand B (n x k)."""
        return scipy.linalg.lu_solve((self.lu, self.pivots), B, trans=1, check_finite=False)

    def solve_transposed(self, B: np.ndarray) -> np.ndarray:
        """L' B: for B = F' (intensities as columns), the multipliers (F L)' (Eq. 8)."""
        return scipy.linalg.lu_solve((self.lu, self.pivots), B, trans=0, check_finite=False)


@dataclass
class ProvinceRows:
    """The provinces' rows of L = (I - A)^-1, from the block factorisation of I - A with the provinces last.

    With P the province rows and F the foreign rows (paper Eq. 7 partitioned; the two-region feedback form of
    Miller & Blair):
        V    = A_PF (I - A_FF)^-1          provinces' intermediate exports carried through the foreign inverse
        U    = V A_FP                       the China -> abroad -> China feedback
        L_PP = S^-1,  S = I - A_PP - U      the p x p Schur complement, kept as its LU factors
        L_PF = L_PP V
    Only I - A_FF gets a full-size LU (in place, no inverse); V comes from solves with the p columns of A_PF'
    as right-hand sides. That is the cost of one n x n factorisation, with the provinces' rows folded into it,
    instead of a factorisation plus solves for every driver. Neither L_PP nor L_PF is formed: products with
    them are solves with S's factors and products with V. All blocks are non-negative for an M-matrix I - A,
    and every identity used is a sum of non-negative terms (no cancellation).
    """

    schur: tuple[np.ndarray, np.ndarray]  # LU factors and pivots of S (p x p)
    domestic: tuple[np.ndarray, np.ndarray]  # LU of I - A_PP: the provinces' own system, no foreign feedback
    V: np.ndarray  # p x f
    U: np.ndarray  # p x p
    province_rows: np.ndarray
    foreign_rows: np.ndarray

    @classmethod
    def from_flows(cls, Z: np.ndarray, x: np.ndarray, rows_P: np.ndarray, rows_F: np.ndarray) -> ProvinceRows:
        """Blocks of L for the rows ``rows_P`` (sorted; the complement ``rows_F``), with A = Z diag(x)^-1 (Eq. 6).

        Z (n x n, US$ million, C-ordered) is consumed: its memory holds the LU factors of I - A_FF afterwards,
        so no f x f copy is made.
        """
        require_inputs_have_output("ProvinceRows.from_flows", Z, x)  # entry checks: finite, productive A
        require_productive("ProvinceRows.from_flows", Z, np.divide(1.0, x, out=np.zeros(x.size), where=x > 0))
        start = time.perf_counter()
        A_PF = take_block(Z, rows_P, rows_F)
        technical_coefficients(A_PF, x[rows_F], out=A_PF)
        A_FP = take_block(Z, rows_F, rows_P)
        technical_coefficients(A_FP, x[rows_P], out=A_FP)
        S = _identity_minus_coefficients(take_block(Z, rows_P, rows_P), x[rows_P])  # I - A_PP for now
        domestic = _factorise_in_place(np.array(S, order="F"), "I - A_PP")
        M = _identity_minus_coefficients(_compact_block_in_place(Z, rows_F), x[rows_F])  # in Z's memory
        foreign = _factorise_in_place(M.T, "I - A_FF")  # M.T: (I - A_FF)' as an F-ordered view
        # (I - A_FF)' V' = A_PF'  ->  V = A_PF (I - A_FF)^-1
        V = scipy.linalg.lu_solve(foreign, A_PF.T, trans=0, overwrite_b=True, check_finite=False).T
        del foreign, M, A_PF
        U = V @ A_FP
        S -= U
        schur = _factorise_in_place(np.asfortranarray(S), "the provinces' Schur complement I - A_PP - U")
        log.info(
            "province rows of L (%d of %d) by block factorisation in %.1f s",
            rows_P.size,
            x.size,
            time.perf_counter() - start,
        )
        return cls(schur, domestic, V, U, rows_P, rows_F)

    @classmethod
    def from_coefficients(cls, A: np.ndarray, rows_P: np.ndarray, rows_F: np.ndarray) -> ProvinceRows:
        """The same blocks from technical coefficients A (n x n, C-ordered; consumed like Z in ``from_flows``)."""
        return cls.from_flows(A, np.ones(A.shape[0]), rows_P, rows_F)

    def write(self, path: str | Path, attrs: dict[str, str] | None = None) -> None:
        """Store the blocks (netCDF4, float64, atomically) so that another rule (``spa``) applies the same L
        without factorising I - A again; :meth:`read` gives back the same arrays bit for bit."""
        import xarray as xr

        from exportpm.io.atomic import atomic_output

        p, f = self.province_rows.size, self.foreign_rows.size
        ds = xr.Dataset(
            {
                "schur_lu": (("p", "p_col"), self.schur[0], {"long_name": "LU factors of S = I - A_PP - U"}),
                "schur_pivots": (("p",), self.schur[1]),
                "domestic_lu": (("p", "p_col"), self.domestic[0], {"long_name": "LU factors of I - A_PP"}),
                "domestic_pivots": (("p",), self.domestic[1]),
                "V": (("p", "f"), self.V, {"long_name": "A_PF (I - A_FF)^-1"}),
                "U": (("p", "p_col"), self.U, {"long_name": "V A_FP"}),
                "province_rows": (("p",), self.province_rows),
                "foreign_rows": (("f",), self.foreign_rows),
            },
            attrs={**(attrs or {}), "content": f"province rows of L = (I - A)^-1 as blocks (p = {p}, f = {f})"},
        )
        with atomic_output(path) as tmp:
            ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4")

    @classmethod
    def read(cls, path: str | Path) -> ProvinceRows:
        """The blocks written by :meth:`write`."""
        import xarray as xr

        from exportpm.errors import InputError

        names = ("schur_lu", "schur_pivots", "domestic_lu", "domestic_pivots", "V", "U", "province_rows")
        try:
            ds = xr.open_dataset(path, engine="netcdf4")
        except (OSError, ValueError) as err:
            raise InputError(path, "<file>", "a netCDF4 file of ProvinceRows.write") from err
        with ds:
            for name in (*names, "foreign_rows"):
                if name not in ds:
                    raise InputError(path, name, "a variable of that name")
            a = {name: ds[name].values for name in (*names, "foreign_rows")}
        return cls(
            (np.asfortranarray(a["schur_lu"]), a["schur_pivots"]),
            (np.asfortranarray(a["domestic_lu"]), a["domestic_pivots"]),
            a["V"],
            a["U"],
            a["province_rows"],
            a["foreign_rows"],
        )

    def provinces_times(self, B_P: np.ndarray) -> np.ndarray:
        """L_PP B_P (p x k): a solve with the Schur complement's factors."""
        return scipy.linalg.lu_solve(self.schur, B_P, check_finite=False)

    def times(self, B: np.ndarray) -> np.ndarray:
        """L[P, :] B (p x k) for B with all n rows: the provinces' output driven by each column of B (Eq. 7)."""
        return self.provinces_times(B[self.province_rows] + self.V @ B[self.foreign_rows])

    def weighted_rows(self, weights: np.ndarray) -> np.ndarray:
        """W L[P, :] (m x n) for weights W (m x p) on the province rows, e.g. intensities (Eq. 8)."""
        weighted_PP = scipy.linalg.lu_solve(self.schur, weights.T, trans=1, check_finite=False).T  # W L_PP
        out = np.empty((weights.shape[0], self.province_rows.size + self.foreign_rows.size))
        out[:, self.province_rows] = weighted_PP
        out[:, self.foreign_rows] = weighted_PP @ self.V
        return out

    def intermediate_exports_through_foreign_inverse(self, B_F: np.ndarray) -> np.ndarray:
        """A_PF L_FF B_F (p x k) for foreign-row right-hand sides B_F (f x k).

        From L_FF = (I - A_FF)^-1 + (I - A_FF)^-1 A_FP L_PP V: A_PF L_FF = V + U L_PP V, both terms non-negative.
        """
        carried = self.V @ B_F
        return carried + self.U @ self.provinces_times(carried)


def _as_slice(index: np.ndarray) -> slice | np.ndarray:
    """A slice when ``index`` is a contiguous ascending range (cheap views), else the index itself."""
    if index.size and index[-1] - index[0] + 1 == index.size and (np.diff(index) == 1).all():
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def take_block(Z: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """A copy of Z[rows][:, cols]; slicing when the indices are contiguous (provinces usually are)."""
    r, c = _as_slice(rows), _as_slice(cols)
    if isinstance(r, slice) and isinstance(c, slice):
        return Z[r, c].copy()
    return Z[np.ix_(rows, cols)]


def _compact_block_in_place(Z: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Move Z[keep][:, keep] to the front of Z's own buffer and return it as a C-ordered (k x k) view.

    Row i lands at offset i*k <= keep[i]*n, and ends before row keep[i+1] starts, so no row is overwritten
    before it has been read. Z's other contents are lost.
    """
    if not Z.flags.c_contiguous:
        raise ValueError("Z must be C-contiguous to be factorised in place")
    if keep.size > 1 and (np.diff(keep) <= 0).any():
        raise ValueError("the rows to keep must be strictly increasing")
    k = keep.size
    flat = Z.reshape(-1)
    columns = _as_slice(keep)
    for i, row in enumerate(keep):
        flat[i * k : (i + 1) * k] = Z[row, columns]
    return flat[: k * k].reshape(k, k)


def _factorise_in_place(M: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """LU with partial pivoting of the F-ordered ``M`` in place; a clear error if it is singular."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)  # reported below, naming the matrix
        lu, pivots = scipy.linalg.lu_factor(M, overwrite_a=True, check_finite=False)
    diagonal = np.diag(lu)
    if not np.isfinite(diagonal).all() or (np.abs(diagonal) < 1e-14).any():
        raise np.linalg.LinAlgError(f"{what} is singular: some sector's inputs reach or exceed its output")
    return lu, pivots
