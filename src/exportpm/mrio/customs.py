"""Customs-linked blocks between provinces and foreign regions (paper Eq. 2 and its import analogue).

Exports: province r's exports of s to country f (customs, rescaled to the provincial MRIO's export of (r, s))
are split into f's using sectors e and final-demand categories d with China's national ratios in the global
MRIO:  ZP-F[(r,s),(f,e)] = E_rs^f * Z[(chn,s),(f,e)] / (sum_e Z[(chn,s),(f,e)] + sum_d Y[(chn,s),(f,d)]),
and DP-F likewise with Y. Imports: province p's imports of i from f (customs, rescaled to the provincial
MRIO's imports of (p, i)) are split into p's using sectors j and final demand d by China's national use
input ratio of imported i: ZF-P[(f,i),(p,j)] = M_pi^f * a_ij x_pj / (sum_j' a_ij' x_pj' + sum_d b_id y_pd), with
a_ij = sum_f' Z[(f',i),(chn,j)] / x_chn,j (imported-input coefficients) and b_id the same per unit of China's
final demand d, so each province's imports go to the sectors it actually has.
Where customs hold nothing for a (province, sector) that the provincial MRIO says trades (services, gaps),
GTAP China's destinations (exports) or origins (imports) of that sector are used, and the fallback's size
is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from exportpm.mrio.gtap import GlobalMRIO

log = logging.getLogger(__name__)


@dataclass
class TradeBlocks:
    """US$ million. Export blocks rows (province, sector); import blocks rows (foreign region, sector)."""

    ZPF: np.ndarray  # (P*N, F*N)
    DPF: np.ndarray  # (P*N, F*D)
    ZFP: np.ndarray  # (F*N, P*N)
    DFP: np.ndarray  # (F*N, P*D)
    exports: np.ndarray  # [p, s, f] rescaled bilateral exports
    imports: np.ndarray  # [p, i, f] rescaled bilateral imports


def _rescale(customs: np.ndarray, totals: np.ndarray, fallback: np.ndarray, what: str) -> np.ndarray:
    """Scale customs[p, s, :] to totals[p, s]; where customs are empty use fallback[s, :] shares."""
    sums = customs.sum(axis=2)
    out = np.divide(
        customs * totals[:, :, None], sums[:, :, None], out=np.zeros_like(customs), where=sums[:, :, None] > 0
    )
    empty = (sums <= 0) & (totals > 0)
    if empty.any():
        out[empty] = totals[empty][:, None] * fallback[np.nonzero(empty)[1]]
        log.info(
            "%s: %d province-sectors (US$ %.4g million, %.1f %%) without customs records use GTAP China's pattern",
            what,
            int(empty.sum()),
            totals[empty].sum(),
            100 * totals[empty].sum() / max(totals.sum(), 1e-30),
        )
    return out


def _shares(values: np.ndarray) -> np.ndarray:
    total = values.sum(axis=-1, keepdims=True)
    return np.divide(values, total, out=np.zeros_like(values), where=total > 0)


def trade_blocks(
    world: GlobalMRIO,
    china: str,
    foreign: tuple[str, ...],
    customs_exports: np.ndarray,
    customs_imports: np.ndarray,
    provincial_exports: np.ndarray,
    provincial_imports: np.ndarray,
    provincial_output: np.ndarray,
    provincial_final_demand: np.ndarray,
) -> TradeBlocks:
    """Build ZP-F, DP-F, ZF-P, DF-P (US$ million).

    Provincial vectors come from the expanded provincial MRIO: exports, imports and output (P*N,), final
    demand totals by province and category (P*D,).

    Long because the four blocks of Eq. 2 and its import analogue are built one after another.
    """
    N = world.n
    P, F, D = customs_exports.shape[0], len(foreign), world.Y.shape[1] // len(world.regions)
    Zv = world.Z.reshape(len(world.regions), N, len(world.regions), N)
    Yv = world.Y.reshape(len(world.regions), N, len(world.regions), D)
    c = world.regions.index(china)
    f_idx = [world.regions.index(f) for f in foreign]
    # China's sales of s to each foreign region's sectors and final demand: [s, f, e] and [s, f, d].
    to_z = Zv[c][:, f_idx, :]
    to_d = Yv[c][:, f_idx, :]
    total = to_z.sum(2) + to_d.sum(2)  # [s, f]
    # Where GTAP has no China -> f flow of s, use f's use structure of s from all origins.
    all_z = Zv.sum(axis=0)[:, f_idx, :]
    all_d = Yv.sum(axis=0)[:, f_idx, :]
    use_all = np.where((total > 0)[:, :, None], 0, 1)
    to_z = to_z + use_all * all_z
    to_d = to_d + use_all * all_d
    total = to_z.sum(2) + to_d.sum(2)
    ratio_z = np.divide(to_z, total[:, :, None], out=np.zeros_like(to_z), where=total[:, :, None] > 0)
    ratio_d = np.divide(to_d, total[:, :, None], out=np.zeros_like(to_d), where=total[:, :, None] > 0)
    ex_total = provincial_exports.reshape(P, N)
    exports = _rescale(
        customs_exports, ex_total, _shares(Zv[c][:, f_idx, :].sum(2) + Yv[c][:, f_idx, :].sum(2)), "exports"
    )
    ZPF = np.einsum("psf,sfe->psfe", exports, ratio_z).reshape(P * N, F * N)
    DPF = np.einsum("psf,sfd->psfd", exports, ratio_d).reshape(P * N, F * D)
    # Imported-input coefficients of China (per unit of output of j, per unit of final demand d), applied to
    # each province's own output and final demand, give the province's use of imported i; the customs
    # imports of (p, i) from f are shared out in proportion.
    x_chn = world.x[world.index(china)]
    into_china_z, into_china_d = Zv[:, :, c, :][f_idx], Yv[:, :, c, :][f_idx]  # [f, i, j], [f, i, d]: China's
    # columns first (views), then the foreign rows: copies of those blocks only, never of the whole of Z
    imp_z = into_china_z.sum(0)  # [i, j]
    imp_d = into_china_d.sum(0)  # [i, d]
    coef_z = np.divide(imp_z, x_chn[None, :], out=np.zeros_like(imp_z), where=x_chn[None, :] > 0)
    fd_chn = Yv[:, :, c, :].sum(axis=(0, 1))  # [d]
    coef_d = np.divide(imp_d, fd_chn[None, :], out=np.zeros_like(imp_d), where=fd_chn[None, :] > 0)
    use_z = coef_z[None, :, :] * provincial_output.reshape(P, N)[:, None, :]  # [p, i, j]
    use_d = coef_d[None, :, :] * provincial_final_demand.reshape(P, D)[:, None, :]  # [p, i, d]
    use_total = use_z.sum(2) + use_d.sum(2)
    no_use = use_total <= 0  # nothing in China's structure uses imported i: the own sector takes it
    if no_use.any():
        p_idx, i_idx = np.nonzero(no_use)
        use_z[p_idx, i_idx, i_idx] = 1.0
        use_total[no_use] = 1.0
    r_z, r_d = use_z / use_total[:, :, None], use_d / use_total[:, :, None]
    origins = _shares((into_china_z.sum(2) + into_china_d.sum(2)).T)  # [i, f]
    imports = _rescale(customs_imports, provincial_imports.reshape(P, N), origins, "imports")
    ZFP = np.einsum("pif,pij->fipj", imports, r_z).reshape(F * N, P * N)
    DFP = np.einsum("pif,pid->fipd", imports, r_d).reshape(F * N, P * D)
    log.info(
        "export blocks: US$ %.6g million (%.1f %% to final demand); import blocks: US$ %.6g million",
        exports.sum(),
        100 * DPF.sum() / max(exports.sum(), 1e-30),
        imports.sum(),
    )
    return TradeBlocks(ZPF, DPF, ZFP, DFP, exports, imports)
