"""Export-related emissions of Chinese provinces (paper Eq. 8-13) on the linked MRIO.

Emissions in province r driven by final demand d of foreign country e follow two channels:
* final products (Eq. 10-12): Chinese products consumed abroad, E_fin[r, s, e, d] = F_r L[r, s] Y[s, (e,d)],
  where s is the province that exports the final product; direct when s = r (Eq. 11: F_r L Y^{re}, r's own
  final products consumed abroad), indirect otherwise (Eq. 12);
* intermediate exports used by foreign producers (the design's "intermediate products for foreign further
  exports"): E_int[r, e, d] = F_r L[r, F] Y[F, (e,d)]. With the exact block identity
  L_PF = (I - A_PP)^-1 A_PF L_FF it splits by the province s whose intermediate export leaves China:
  E_int[r, s, e, d] = F_r (I - A_PP)^-1[r, s] (A_PF L_FF Y_F(e,d))[s]. The whole intermediate channel is
  indirect, s = r included ("supplying intermediate products for other regions' exports", foreign regions
  included): Eq. 11's Y^{re} holds final products only.
Everything comes from the provinces' rows of L = (I - A)^-1, which the block factorisation of I - A with the
provinces eliminated last gives at the cost of one factorisation (``leontief.ProvinceRows``: one LU of
I - A_FF, solves with A_PF' as right-hand sides, a p x p Schur complement; the dense n x n inverse is never
formed, and the foreign rows of L are never needed), plus the small (I - A_PP) LU for the domestic split
(kept by ProvinceRows, which builds I - A_PP anyway).
Every driver is then a product of those rows with a final-demand matrix. Invariants are checked: channels
add up, final demand of every kind explains all emissions, no negative result from non-negative inputs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg

from exportpm.conventions import ape_per_tonne
from exportpm.footprint.leontief import ProvinceRows, take_block
from exportpm.mrio.index import LinkedIndex

log = logging.getLogger(__name__)


@dataclass
class ExportInputs:
    """The linked MRIO and intensities, as arrays. Rows region-major (region, sector)."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    is_province: np.ndarray  # per region
    Z: np.ndarray  # n x n, US$ million (overwritten by the factorisation)
    Y: np.ndarray  # n x (regions x categories)
    x: np.ndarray
    categories: tuple[str, ...]
    F: np.ndarray  # species x n, t per US$ million
    species: tuple[str, ...]
    consumer_groups: dict[str, str]  # foreign region -> group
    east_coast: tuple[str, ...]  # provinces whose exports define I_EXEAST


@dataclass
class ExportResult:
    """Output of :func:`export_emissions` (Eq. 8-12): emissions in t, export volumes in US$ million.

    The array axes are noted field by field: q species, r emitting province, s exporting province,
    e foreign consumer region, d final-demand category.
    """

    by_consumer: np.ndarray  # [q, r, s, e, d, channel] t; channel 0 final products, 1 intermediates
    by_sector: np.ndarray  # [q, r, producing sector, consuming sector, group] t
    by_emitter: np.ndarray  # [q, r, producing sector, driver] t (drivers: see driver_names)
    driver_names: tuple[str, ...]
    all_demand: np.ndarray  # [q, r, fd column] t: every final demand, domestic included
    emissions: np.ndarray  # [q, r, sector] t: total emissions (F * x)
    export_volume: np.ndarray  # [s, sector, e, channel] US$ million: final and intermediate exports
    provinces: tuple[str, ...]
    foreign: tuple[str, ...]
    groups: tuple[str, ...]
    seconds: dict[str, float]
    by_category: np.ndarray | None = None  # [q, r, producing sector, final-demand category] t (Supp. Fig. 5)
    categories: tuple[str, ...] = ()
    blocks: ProvinceRows | None = None  # the block factorisation, for rules that apply the same L (spa)


def province_intensity_columns(F: np.ndarray, rows_P: np.ndarray, N: int) -> np.ndarray:
    """(n, species x provinces): column (q, r) holds species q's intensities on province r's rows only, so that
    L' times it gives the multipliers G[q, r, :] = F_{q,r} L of emissions in province r (Eq. 8)."""
    Q, Pn = F.shape[0], rows_P.size // N
    out = np.zeros((F.shape[1], Q * Pn))
    for q in range(Q):
        for r in range(Pn):
            block = rows_P[r * N : (r + 1) * N]
            out[block, q * Pn + r] = F[q, block]
    return out


@dataclass
class Layout:
    """Where the provinces, foreign regions and foreign final-demand columns are in the linked table."""

    N: int
    D: int
    provinces: tuple[str, ...]
    foreign: tuple[str, ...]
    rows_P: np.ndarray  # noqa: N815  (the paper's P and F blocks)
    rows_F: np.ndarray  # noqa: N815
    foreign_cols: np.ndarray  # (e, d) region-major over the foreign regions
    groups: tuple[str, ...]
    group_of_col: np.ndarray  # consumer group position of each foreign final-demand column

    @classmethod
    def build(cls, inp: ExportInputs) -> Layout:
        """The layout of the linked table behind ``inp`` (provinces, foreign regions and their final-demand columns)."""
        index = LinkedIndex(inp.regions, inp.sectors, tuple(inp.is_province), inp.categories)
        foreign, foreign_cols = index.foreign_regions, index.fd_columns(foreign=True)
        groups = tuple(dict.fromkeys(inp.consumer_groups[r] for r in foreign))
        group_of_col = np.array([groups.index(inp.consumer_groups[index.fd_region[c]]) for c in foreign_cols])
        return cls(
            index.n_sectors,
            len(inp.categories),
            index.provinces,
            foreign,
            index.province_rows,
            index.foreign_rows,
            foreign_cols,
            groups,
            group_of_col,
        )

    @property
    def Pn(self) -> int:  # noqa: N802
        """Number of provinces."""
        return len(self.provinces)

    @property
    def Fn(self) -> int:  # noqa: N802
        """Number of foreign regions."""
        return len(self.foreign)


def export_volumes(Z: np.ndarray, Y: np.ndarray, lay: Layout) -> np.ndarray:
    """[s, i, e, channel] US$ million: exports of sector i of province s to country e, final sum_d Y[s i, e d]
    and intermediate sum_j Z[s i, e j]."""
    Z_PF = take_block(Z, lay.rows_P, lay.rows_F)
    return np.stack(
        [
            Y[np.ix_(lay.rows_P, lay.foreign_cols)].reshape(lay.Pn, lay.N, lay.Fn, lay.D).sum(axis=3),
            Z_PF.reshape(lay.Pn, lay.N, lay.Fn, lay.N).sum(axis=3),
        ],
        axis=-1,
    )


def emission_multipliers(blocks: ProvinceRows, F: np.ndarray, lay: Layout, n: int) -> tuple[np.ndarray, np.ndarray]:
    """G[q, r, :] = F_{q,r} L (Eq. 8, every column of L) and Gd = F_{q,r} (I - A_PP)^-1 on the provinces' own
    system (for the intermediate channel's exporting province); both [q, r, rows]."""
    Q = F.shape[0]
    intensity_columns = province_intensity_columns(F, lay.rows_P, lay.N)[lay.rows_P]  # p x (q, r)
    G = blocks.weighted_rows(intensity_columns.T).reshape(Q, lay.Pn, n)
    Gd = scipy.linalg.lu_solve(blocks.domestic, intensity_columns, trans=1, check_finite=False)
    return G, Gd.T.reshape(Q, lay.Pn, lay.rows_P.size)


def final_channel(G: np.ndarray, Y: np.ndarray, lay: Layout) -> np.ndarray:
    """E_fin[q, r, s, e, d] = F_r L[r, s] Y^e_d[s] (Eq. 10; s = r is Eq. 11, s != r Eq. 12)."""
    Q = G.shape[0]
    Y_PF = Y[np.ix_(lay.rows_P, lay.foreign_cols)].reshape(lay.Pn, lay.N, lay.Fn, lay.D)
    return np.einsum("qrsi,siec->qrsec", G[:, :, lay.rows_P].reshape(Q, lay.Pn, lay.Pn, lay.N), Y_PF, optimize=True)


def foreign_products_demand(Y: np.ndarray, lay: Layout) -> np.ndarray:
    """(n x foreign columns): foreign final demand for foreign products only (the intermediate channel's Y)."""
    out = np.zeros((Y.shape[0], lay.foreign_cols.size))
    out[lay.rows_F] = Y[np.ix_(lay.rows_F, lay.foreign_cols)]
    return out


def intermediate_channel(
    blocks: ProvinceRows, Gd: np.ndarray, Y_F_only: np.ndarray, lay: Layout
) -> tuple[np.ndarray, np.ndarray]:
    """E_int[q, r, s, e, d] = F_r (I - A_PP)^-1[r, s] (A_PF L_FF Y^e_d)[s] (exact block decomposition of
    F_r L_PF Y_F), and the intermediate exports A_PF L_FF Y_F (p x foreign columns)."""
    Q = Gd.shape[0]
    ex_int = blocks.intermediate_exports_through_foreign_inverse(Y_F_only[lay.rows_F])
    intermediate = np.einsum(
        "qrsi,siec->qrsec",
        Gd.reshape(Q, lay.Pn, lay.Pn, lay.N),
        ex_int.reshape(lay.Pn, lay.N, lay.Fn, lay.D),
        optimize=True,
    )
    return intermediate, ex_int


def group_indicator(lay: Layout) -> np.ndarray:
    """(foreign columns x groups) 0/1: which consumer group each foreign final-demand column belongs to."""
    out = np.zeros((lay.foreign_cols.size, len(lay.groups)))
    out[np.arange(lay.foreign_cols.size), lay.group_of_col] = 1.0
    return out


def sector_group_outputs(blocks: ProvinceRows, Y: np.ndarray, lay: Layout, n_regions: int) -> np.ndarray:
    """L[P, :] y_(k, g) (p x (sectors x groups)): province outputs driven by group g's final demand for products
    of sector k, whatever their origin (Fig. 3's consuming sectors)."""
    sector_of_row = np.tile(np.arange(lay.N), n_regions)
    Y_foreign = Y[:, lay.foreign_cols]
    by_group = group_indicator(lay)
    G_ = len(lay.groups)
    sector_group = np.zeros((Y.shape[0], lay.N * G_))
    for k in range(lay.N):
        rows_k = sector_of_row == k
        sector_group[rows_k, k * G_ : (k + 1) * G_] = Y_foreign[rows_k] @ by_group
    return blocks.times(sector_group)


def category_outputs(blocks: ProvinceRows, Y: np.ndarray, lay: Layout) -> np.ndarray:
    """L[P, :] y_d (p x categories): province outputs driven by foreign final demand of category d (household,
    government, capital formation) summed over the foreign countries, both channels."""
    Y_cat = Y[:, lay.foreign_cols].reshape(Y.shape[0], lay.Fn, lay.D).sum(axis=1)
    return blocks.times(Y_cat)


def exporter_outputs(
    blocks: ProvinceRows, Y: np.ndarray, ex_int: np.ndarray, lay: Layout
) -> tuple[np.ndarray, np.ndarray]:
    """Province outputs (p x exporting province s) driven by s's final exports, L_PP y^s (Eq. 11 when the emitting
    province is s), and by s's intermediate exports, (I - A_PP)^-1 [A_PF L_FF Y_F]_s."""
    N = lay.N
    province_exports = np.zeros((lay.rows_P.size, lay.Pn))
    for s in range(lay.Pn):
        rows = lay.rows_P[s * N : (s + 1) * N]
        province_exports[s * N : (s + 1) * N, s] = Y[np.ix_(rows, lay.foreign_cols)].sum(1)
    final = blocks.provinces_times(province_exports)
    by_province = ex_int.sum(axis=1)[:, None] * np.repeat(np.eye(lay.Pn), N, axis=0)  # column s: s's rows
    return final, scipy.linalg.lu_solve(blocks.domestic, by_province, check_finite=False)


def scenario_drivers(
    f_P: np.ndarray,
    x_group: np.ndarray,
    x_final: np.ndarray,
    x_int: np.ndarray,
    lay: Layout,
    east: np.ndarray,
    rtol: float,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """[q, r, sector, driver] t for the zero-out scenarios: all exports (I_EX), the East Coast's exports over both
    channels (I_EXEAST), direct exports F_r L Y^{re} (Eq. 11, I_EXDIR), and each consumer group (I_EXREGION)."""
    Pn, N, G_ = lay.Pn, lay.N, len(lay.groups)
    by_exporter = f_P[..., None] * (x_final + x_int).reshape(Pn, N, Pn)[None]
    by_group = f_P[..., None] * x_group.reshape(Pn, N, G_)[None]
    _close(by_exporter.sum(-1), by_group.sum(-1), rtol, "drivers: exports of all provinces = of all groups")
    # Direct (Eq. 11): r's own final products consumed abroad; the intermediate channel is indirect (Eq. 12).
    direct = f_P * np.einsum("rjr->rj", x_final.reshape(Pn, N, Pn))[None]
    drivers = np.concatenate(
        [by_group.sum(-1, keepdims=True), by_exporter[..., east].sum(-1, keepdims=True), direct[..., None], by_group],
        axis=-1,
    )
    return drivers, ("all_exports", "east_coast_exports", "direct_exports", *(f"group:{g}" for g in lay.groups))


def export_emissions(inp: ExportInputs, check_rtol: float = 1e-9) -> ExportResult:
    """All export-related emission tables from one block factorisation of I - A (see the module docstring)."""
    clock = {}
    start = time.perf_counter()
    lay = Layout.build(inp)
    n, Q, N = inp.x.size, len(inp.species), lay.N
    if (inp.F[:, lay.rows_F] != 0).any():
        raise ValueError("intensities must be zero outside the provinces")
    emissions = inp.F * inp.x[None, :]
    export_volume = export_volumes(inp.Z, inp.Y, lay)
    blocks = ProvinceRows.from_flows(inp.Z, inp.x, lay.rows_P, lay.rows_F)
    inp.Z = None  # its memory held the factors; now freed
    clock["factorise"] = time.perf_counter() - start

    t = time.perf_counter()
    G, Gd = emission_multipliers(blocks, inp.F, lay, n)  # Eq. 8
    clock["multipliers"] = time.perf_counter() - t
    t = time.perf_counter()
    Y = inp.Y
    all_demand = G @ Y  # [q, r, all fd columns]
    fin = final_channel(G, Y, lay)  # Eq. 10-12
    Y_F_only = foreign_products_demand(Y, lay)
    x_sector_group = sector_group_outputs(blocks, Y, lay, len(inp.regions))
    clock["outputs"] = time.perf_counter() - t
    t = time.perf_counter()
    intermediate, ex_int = intermediate_channel(blocks, Gd, Y_F_only, lay)
    x_final, x_int = exporter_outputs(blocks, Y, ex_int, lay)
    x_category = category_outputs(blocks, Y, lay)
    by_consumer = np.stack([fin, intermediate], axis=-1)  # [q, r, s, e, d, channel]
    f_P = inp.F[:, lay.rows_P].reshape(Q, lay.Pn, N)
    by_sector = f_P[:, :, :, None, None] * x_sector_group.reshape(lay.Pn, N, N, len(lay.groups))[None]
    x_group = x_sector_group.reshape(-1, N, len(lay.groups)).sum(axis=1)  # each group: its sectors' sum
    east = np.array([p in inp.east_coast for p in lay.provinces])
    drivers, driver_names = scenario_drivers(f_P, x_group, x_final, x_int, lay, east, check_rtol)
    clock["aggregation"] = time.perf_counter() - t
    result = ExportResult(
        by_consumer,
        by_sector,
        drivers,
        driver_names,
        all_demand,
        emissions[:, lay.rows_P].reshape(Q, lay.Pn, N),
        export_volume,
        lay.provinces,
        lay.foreign,
        lay.groups,
        clock,
        f_P[..., None] * x_category.reshape(lay.Pn, N, lay.D)[None],
        tuple(inp.categories),
        blocks,
    )
    check_invariants(result, G, Y, Y_F_only, lay.rows_P, lay.foreign_cols, check_rtol)
    log.info(
        "export-related emissions in %.1f s (%s)",
        time.perf_counter() - start,
        ", ".join(f"{k} {v:.1f} s" for k, v in clock.items()),
    )
    return result


def _close(a: np.ndarray, b: np.ndarray, rtol: float, what: str) -> None:
    scale = max(np.abs(b).max(), 1e-300)
    gap = float(np.abs(a - b).max() / scale)
    if gap > rtol:
        raise ValueError(f"invariant violated: {what} (relative gap {gap:.3g})")
    log.info("invariant holds: %s (%.1e)", what, gap)


def check_invariants(
    result: ExportResult,
    G: np.ndarray,
    Y: np.ndarray,
    Y_F_only: np.ndarray,
    rows_P: np.ndarray,
    foreign_cols: np.ndarray,
    rtol: float,
) -> None:
    """Check the accounting identities of an export result; raise ValueError when one fails.

    Checked to relative tolerance ``rtol``: all final demand explains all emissions, the intermediate
    channel adds up to F L_PF Y_F, final plus intermediate channels equal foreign final demand's emissions,
    direct (Eq. 11) plus indirect (Eq. 12) equals the total (Eq. 10), the sector, driver and category
    breakdowns add up, and no result is negative.
    """
    Q, Pn = G.shape[:2]
    # Every final demand, domestic and foreign, explains all of a province's emissions.
    _close(result.all_demand.sum(-1), result.emissions.sum(-1), rtol, "sum over all final demand = emissions")
    # Intermediate channel by exporting province adds up to F_r L_PF Y_F.
    total_int = (G @ Y_F_only).reshape(Q, Pn, -1)  # [q, r, foreign cols]
    _close(
        result.by_consumer[..., 1].sum(2).reshape(Q, Pn, -1),
        total_int,
        rtol,
        "intermediate channel over exporting provinces = F L_PF Y_F",
    )
    # Both channels = emissions driven by foreign final demand.
    foreign_total = result.all_demand[:, :, foreign_cols]
    _close(
        result.by_consumer.sum(axis=(2, 5)).reshape(Q, Pn, -1),
        foreign_total,
        rtol,
        "final + intermediate channels = foreign final demand's emissions",
    )
    # Direct (Eq. 11, s = r) + indirect (Eq. 12, s != r) = Eq. 10's total F_r L Y^e over Chinese products,
    # the latter computed along another path (one product per emitting province and consumer column).
    fin = result.by_consumer[..., 0]
    Pn = fin.shape[1]
    direct = fin[:, np.arange(Pn), np.arange(Pn)]  # [q, r, e, d]
    indirect = fin.sum(axis=2) - direct
    eq10 = (G[:, :, rows_P] @ Y[np.ix_(rows_P, foreign_cols)]).reshape(direct.shape)
    _close(direct + indirect, eq10, rtol, "direct (Eq. 11) + indirect (Eq. 12) = total (Eq. 10)")
    _close(
        result.by_sector.sum(axis=(2, 3, 4)),
        foreign_total.sum(-1),
        rtol,
        "by producing/consuming sector = foreign final demand's emissions",
    )
    _close(result.by_emitter[..., 0].sum(-1), foreign_total.sum(-1), rtol, "drivers: all exports")
    if result.by_category is not None:
        _close(result.by_category.sum(-1), result.by_emitter[..., 0], rtol, "by final-demand category = all exports")
    if min(result.by_consumer.min(), result.by_sector.min(), result.by_emitter.min()) < -rtol * max(
        result.emissions.max(), 1e-300
    ):
        raise ValueError("negative export-related emissions from non-negative inputs")


def to_frames(
    result: ExportResult,
    species: tuple[str, ...],
    categories: tuple[str, ...],
    sectors: tuple[str, ...],
    consumer_groups: dict[str, str],
    ape: dict[str, float],
) -> dict[str, pd.DataFrame]:
    """Long tables (non-zero rows) with categorical labels and an ``ape`` column (Eq. 13, equivalents).

    Long by design: one long table per product, each a single call with its labels.
    """
    equivalents_per_tonne = ape_per_tonne(species, ape)
    frames = {}

    def frame(array, names, labels):
        idx = np.nonzero(array)
        data = {
            name: pd.Categorical.from_codes(i, categories=list(lab))
            for name, i, lab in zip(names, idx, labels, strict=True)
        }
        data["tonnes"] = array[idx]
        data["ape"] = array[idx] * equivalents_per_tonne[idx[0]]
        return pd.DataFrame(data)

    frames["by_consumer"] = frame(
        result.by_consumer,
        ["species", "emitting_province", "exporting_province", "consumer_region", "final_demand", "channel"],
        [
            species,
            result.provinces,
            result.provinces,
            result.foreign,
            categories,
            ("final_products", "intermediate_exports"),
        ],
    )
    frames["by_consumer"]["consumer_group"] = (
        frames["by_consumer"]["consumer_region"].map(consumer_groups).astype("category")
    )
    # Eq. 11: direct = the emitting province's own final products consumed abroad; all else is indirect (Eq. 12).
    # Both province columns are categoricals over result.provinces, so equal codes mean the same province.
    frames["by_consumer"]["direct"] = (
        frames["by_consumer"]["exporting_province"].cat.codes.to_numpy()
        == frames["by_consumer"]["emitting_province"].cat.codes.to_numpy()
    ) & (frames["by_consumer"]["channel"] == "final_products")
    frames["by_sector"] = frame(
        result.by_sector,
        ["species", "emitting_province", "producing_sector", "consuming_sector", "consumer_group"],
        [species, result.provinces, sectors, sectors, result.groups],
    )
    frames["by_emitter"] = frame(
        result.by_emitter,
        ["species", "emitting_province", "sector", "driver"],
        [species, result.provinces, sectors, result.driver_names],
    )
    if result.by_category is not None:
        frames["by_category"] = frame(
            result.by_category,
            ["species", "emitting_province", "sector", "final_demand"],
            [species, result.provinces, sectors, result.categories],
        )
    totals = frame(result.emissions, ["species", "province", "sector"], [species, result.provinces, sectors])
    frames["emissions"] = totals
    volume = result.export_volume
    idx = np.nonzero(volume)
    frames["export_volume"] = pd.DataFrame(
        {
            "exporting_province": pd.Categorical.from_codes(idx[0], categories=list(result.provinces)),
            "sector": pd.Categorical.from_codes(idx[1], categories=list(sectors)),
            "consumer_region": pd.Categorical.from_codes(idx[2], categories=list(result.foreign)),
            "channel": pd.Categorical.from_codes(idx[3], categories=["final_products", "intermediate_exports"]),
            "musd": volume[idx],
        }
    )
    frames["export_volume"]["consumer_group"] = frames["export_volume"]["consumer_region"].map(consumer_groups)
    return frames
