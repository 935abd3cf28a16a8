"""The foreign countries - Chinese provinces linked MRIO (paper: Foreign countries-Chinese provinces linked
MRIO table) and its GRAS balance.

Regions: the foreign GTAP regions (GTAP order, mainland China removed), then the provinces. Blocks:
ZF-F / DF-F from GTAP, ZP-P / DP-P from the expanded provincial MRIO with imports taken out row by row
(competitive -> domestic flows), ZP-F / DP-F and ZF-P / DF-P from customs (Eq. 2).

Balancing: the matrix [[Z, Y], [v', 0]] is balanced so that rows (Z1 + Y1) and columns (1'Z + v') both
equal gross output x (GTAP output abroad, provincial output at home), final-demand columns keep their
source totals, and the value-added row takes the remainder (its total equals total final demand).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.mrio.customs import TradeBlocks
from exportpm.mrio.gras import BalancingError, GrasResult, apply_scaling, gras, split_signs
from exportpm.mrio.gtap import FD_CATEGORIES, GlobalMRIO
from exportpm.mrio.index import LinkedIndex
from exportpm.mrio.provincial import ProvincialMRIO

log = logging.getLogger(__name__)


@dataclass
class LinkedMRIO:
    """US$ million; rows/columns region-major over ``regions`` x ``sectors``; Y columns region x category."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    is_province: np.ndarray
    Z: np.ndarray
    Y: np.ndarray
    x: np.ndarray
    v: np.ndarray
    categories: tuple[str, ...] = FD_CATEGORIES

    @property
    def n_rows(self) -> int:
        """Number of rows (= columns) of Z: regions x sectors."""
        return len(self.regions) * len(self.sectors)

    @property
    def index(self) -> LinkedIndex:
        """The labelled index of rows and final-demand columns (which rows are provinces, whose demand is where)."""
        return LinkedIndex(self.regions, self.sectors, tuple(self.is_province), self.categories)


def domestic_share(provincial: ProvincialMRIO) -> np.ndarray:
    """1 - import share of each provincial row: imports / (intermediate + final use), clipped to [0, 1]."""
    absorption = provincial.Z.sum(1) + provincial.FD.sum(1)
    share = np.divide(provincial.imports, absorption, out=np.zeros_like(absorption), where=absorption > 0)
    if (share > 1).any():
        log.warning(
            "provincial MRIO: %d rows import more than they use; import share capped at 1", int((share > 1).sum())
        )
    return 1.0 - np.clip(share, 0.0, 1.0)


def assemble(
    world: GlobalMRIO, provincial: ProvincialMRIO, blocks: TradeBlocks, china: str = "chn"
) -> tuple[LinkedMRIO, np.ndarray, np.ndarray]:
    """The unbalanced linked table and its targets: gross output x and final-demand column totals.

    ``world.Z`` may be a lazily indexed array (:func:`exportpm.mrio.store.open_global_mrio`): it is read one
    region's rows at a time, so the peak memory is the linked table plus one GTAP row block."""
    if tuple(world.sectors) != tuple(provincial.sectors):
        raise ValueError("GTAP and provincial sectors differ")
    N, D = world.n, len(FD_CATEGORIES)
    foreign = tuple(r for r in world.regions if r != china)
    F, P = len(foreign), len(provincial.provinces)
    keep_rows = np.concatenate(
        [np.arange(world.regions.index(r) * N, (world.regions.index(r) + 1) * N) for r in foreign]
    )
    keep_fd = np.concatenate([np.arange(world.regions.index(r) * D, (world.regions.index(r) + 1) * D) for r in foreign])
    n = (F + P) * N
    Z = np.empty((n, n))
    for b, region in enumerate(foreign):  # block by block: no full-size temporary copy of the GTAP matrix
        rows = np.asarray(world.Z[world.index(region)])
        Z[b * N : (b + 1) * N, : F * N] = rows[:, keep_rows]
    Z[: F * N, F * N :] = blocks.ZFP
    Z[F * N :, : F * N] = blocks.ZPF
    dom = domestic_share(provincial)
    Z[F * N :, F * N :] = provincial.Z * dom[:, None]
    Y = np.empty((n, (F + P) * D))
    Y[: F * N, : F * D] = world.Y[np.ix_(keep_rows, keep_fd)]
    Y[: F * N, F * D :] = blocks.DFP
    Y[F * N :, : F * D] = blocks.DPF
    Y[F * N :, F * D :] = provincial.FD * dom[:, None]
    x = np.concatenate([world.x[keep_rows], provincial.x])
    v = np.concatenate([world.v[keep_rows], provincial.va])
    fd_totals = np.concatenate([world.Y[:, keep_fd].sum(0), provincial.FD.sum(0)])
    table = LinkedMRIO(foreign + provincial.provinces, world.sectors, np.array([False] * F + [True] * P), Z, Y, x, v)
    log.info(
        "linked table: %d regions (%d foreign, %d provinces) x %d sectors = %d rows; %d final-demand columns",
        F + P,
        F,
        P,
        N,
        n,
        Y.shape[1],
    )
    return table, x, fd_totals


def augmented(table: LinkedMRIO) -> np.ndarray:
    """The (n + 1) x (n + m) matrix [[Z, Y], [v', 0]] that GRAS balances."""
    n, m = table.n_rows, table.Y.shape[1]
    A = np.empty((n + 1, n + m))
    A[:n, :n], A[:n, n:], A[n, :n], A[n, n:] = table.Z, table.Y, table.v, 0.0
    return A


@dataclass
class HeldBlocks:
    """Cells GRAS keeps as they are (the customs export blocks Z_PF and Y_PF: the province-to-country structure
    the paper preserves), with their values before balancing and what the rest had to move."""

    rows: np.ndarray  # rows of the augmented matrix (the province rows)
    cols: np.ndarray  # its columns (foreign sectors' inputs and foreign final demand)
    values: np.ndarray | None = None
    free_change: float = np.nan  # sum |X - X0| / sum |X0| over the cells GRAS was free to move
    free_change_max_factor: float = np.nan  # max over free cells of max(r s, 1/(r s)) - 1


def export_blocks(table: LinkedMRIO) -> HeldBlocks:
    """The province rows x (foreign columns of Z, foreign final-demand columns of Y) of the augmented matrix."""
    index = table.index
    n = table.n_rows
    return HeldBlocks(index.province_rows, np.concatenate([index.foreign_rows, n + index.fd_columns(foreign=True)]))


def _free_change(P: np.ndarray, N, result: GrasResult, chunk: int = 512) -> tuple[float, float]:
    """sum |X - X0| / sum |X0| and the largest scaling factor over the cells GRAS moves (held cells are zero in
    the prior), in row chunks (no copy of the matrix): X - X0 = (r s - 1) P - (1 / (r s) - 1) N cell by cell."""
    moved = total = factor = 0.0
    for start in range(0, P.shape[0], chunk):
        block = P[start : start + chunk]
        scale = result.r[start : start + chunk, None] * result.s[None, :]
        moved += float((np.abs(scale - 1.0) * block).sum())
        total += float(block.sum())
        nonzero = block > 0
        if nonzero.any():
            factor = max(factor, float(np.maximum(scale, 1.0 / scale)[nonzero].max()) - 1.0)
    if N is not None and N.nnz:
        coo = N.tocoo()
        scale = result.r[coo.row] * result.s[coo.col]
        moved += float((np.abs(1.0 / scale - 1.0) * coo.data).sum())
        total += float(coo.data.sum())
    return (moved / total if total else 0.0), factor


def balance_augmented(
    A: np.ndarray,
    x_target: np.ndarray,
    fd_target: np.ndarray,
    tol: float = 1e-10,
    max_iter: int = 5000,
    held: HeldBlocks | None = None,
) -> GrasResult:
    """GRAS on [[Z, Y], [v', 0]] in place: rows and columns of the Z block to x, final-demand columns to their
    totals, the value-added row to total final demand (so both sides add up).

    With ``held`` those cells keep their values exactly: they are taken out of the prior, their sums out of the
    row and column targets, and put back after balancing (the customs export structure, paper Methods block 3
    and Limitations); ``held`` then records how far the free cells had to move.
    """
    u = np.concatenate([x_target, [fd_target.sum()]])
    w = np.concatenate([x_target, fd_target])
    if held is not None:
        held.values = A[np.ix_(held.rows, held.cols)]
        A[np.ix_(held.rows, held.cols)] = 0.0
        np.subtract.at(u, held.rows, held.values.sum(1))
        np.subtract.at(w, held.cols, held.values.sum(0))
        short = np.flatnonzero(np.concatenate([u, w]) < -1e-9 * np.abs(w).max())
        if short.size:
            raise BalancingError(
                f"GRAS with the customs export blocks held: {short.size} rows/columns export or "
                f"receive more than their total output (first at augmented position {short[0]}); "
                "set mrio.gras_hold_exports: false to let GRAS rescale the exports"
            )
    P, N = split_signs(A)
    log.info("GRAS prior: %d x %d, %.4g positive mass, %d negative entries (%.4g)", *A.shape, P.sum(), N.nnz, N.sum())
    result = gras(P, N, u, w, tol=tol, max_iter=max_iter)
    if held is not None:
        held.free_change, held.free_change_max_factor = _free_change(P, N, result)
        log.info(
            "GRAS with the export blocks held: free cells moved by %.3g (sum |X - X0| / sum |X0|), largest factor %.3g",
            held.free_change,
            held.free_change_max_factor,
        )
    apply_scaling(P, N, result)
    if held is not None:
        A[np.ix_(held.rows, held.cols)] = held.values
    return result


def balance(
    table: LinkedMRIO,
    x_target: np.ndarray,
    fd_target: np.ndarray,
    tol: float = 1e-10,
    max_iter: int = 5000,
    hold_exports: bool = True,
) -> tuple[LinkedMRIO, GrasResult, pd.DataFrame]:
    """Balanced copy of ``table`` (rows = columns = x), the GRAS run and a before/after report."""
    A = augmented(table)
    labels = row_labels(table)
    held = export_blocks(table) if hold_exports else None
    exports_before = export_totals(A, table)
    before = balance_report(A, table.n_rows, x_target, fd_target, labels, "unbalanced")
    result = balance_augmented(A, x_target, fd_target, tol, max_iter, held)
    after = balance_report(
        A,
        table.n_rows,
        x_target,
        fd_target,
        labels,
        "balanced",
        result,
        held,
        export_drift(exports_before, export_totals(A, table)),
    )
    n = table.n_rows
    balanced = LinkedMRIO(
        table.regions,
        table.sectors,
        table.is_province,
        A[:n, :n],
        A[:n, n:],
        x_target.copy(),
        A[n, :n].copy(),
        table.categories,
    )
    return balanced, result, pd.concat([before, after], ignore_index=True)


def export_totals(A: np.ndarray, table: LinkedMRIO) -> np.ndarray:
    """Province x foreign-region export totals (intermediate + final, US$ million) of the augmented matrix."""
    index, N, D = table.index, len(table.sectors), len(table.categories)
    n = table.n_rows
    P, F = index.province_rows, index.foreign_rows
    fd = n + index.fd_columns(foreign=True)
    Pn, Fn = len(index.provinces), len(index.foreign_regions)
    return A[np.ix_(P, F)].reshape(Pn, N, Fn, N).sum(axis=(1, 3)) + A[np.ix_(P, fd)].reshape(Pn, N, Fn, D).sum(
        axis=(1, 3)
    )


def export_drift(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """Largest relative change of a province x partner export total and of a province's total exports."""
    cell = float((np.abs(after - before) / np.maximum(np.abs(before), 1e-12)).max()) if before.size else 0.0
    p_before, p_after = before.sum(1), after.sum(1)
    province = float((np.abs(p_after - p_before) / np.maximum(np.abs(p_before), 1e-12)).max()) if before.size else 0.0
    return cell, province


def row_labels(table: LinkedMRIO) -> list[str]:
    """Label ``region/sector`` of each row of the linked table."""
    return [f"{r}/{s}" for r in table.regions for s in table.sectors]


def balance_report(
    A: np.ndarray,
    n: int,
    x_target: np.ndarray,
    fd_target: np.ndarray,
    labels: list[str],
    stage: str,
    result: GrasResult | None = None,
    held: HeldBlocks | None = None,
    drift: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Residuals of rows, columns and final-demand totals against the targets (relative, max and where)."""
    rows = A[:n].sum(1)
    cols = A[:, :n].sum(0)
    fd = A[:n, n:].sum(0)
    records = []
    for name, values, target, where in (
        ("row_sums_vs_x", rows, x_target, labels),
        ("column_sums_vs_x", cols, x_target, labels),
        ("final_demand_totals", fd, fd_target, None),
    ):
        denom = np.maximum(np.abs(target), 1e-9 * np.abs(target).mean())
        rel = np.abs(values - target) / denom
        worst = int(np.argmax(rel))
        at = where[worst] if where else f"final-demand column {worst}"
        records.append((stage, name, float(rel.max()), at, float(np.abs(values - target).sum())))
    records.append((stage, "negative_intermediate_entries", float((A[:n, :n] < 0).sum()), "", np.nan))
    records.append((stage, "negative_final_demand_entries", float((A[:n, n:] < 0).sum()), "", np.nan))
    records.append((stage, "value_added_min", float(A[n, :n].min()), labels[int(np.argmin(A[n, :n]))], np.nan))
    if result is not None:
        records.append((stage, "gras_iterations", float(result.iterations), "", np.nan))
    if held is not None:
        records.append((stage, "export_blocks_held_cells", float(held.rows.size * held.cols.size), "", np.nan))
        records.append((stage, "free_cells_relative_change", held.free_change, "sum |X - X0| / sum |X0|", np.nan))
        records.append((stage, "free_cells_largest_factor_minus_1", held.free_change_max_factor, "", np.nan))
    if drift is not None:
        records.append((stage, "export_totals_drift_province_partner", drift[0], "max relative change", np.nan))
        records.append((stage, "export_totals_drift_province", drift[1], "max relative change", np.nan))
    return pd.DataFrame(records, columns=["stage", "check", "value", "where", "absolute_gap_total"])
