"""GTAP basedata -> global MRIO with the import-proportionality assumption (Peters, Andrew & Lennox 2011).

Valuation: basic prices of the supplying region. For a user in region s buying good i:
* domestic purchases VDFB / VDPB / VDGB / VDIB are flows from (s, i);
* imported purchases VMFB / VMPB / VMGB / VMIB (importer's basic prices) are split over origins r by the
  importer's origin shares VMSB(i, r, s) / sum_r VMSB(i, r, s), which apply to every user (the
  proportionality assumption), and revalued from importer's to exporter's basic prices:
  the flow from (r, i) is VXSB(i, r, s) / sum_r' VMSB(i, r', s) per unit of imported purchase;
* international transport margins on those imports, VTWR(m, i, r, s), are purchases of margin service m
  by the same user, supplied by every region in proportion to its sales to the global transport pool
  VST(m, r);
* import tariffs and export taxes (the rest of the gap between VMSB and VXSB) stay in the user's value
  added (intermediate users) or leave the system (final users).
Then every row sums to GTAP output MAKB(i, i, r) by the output identity, and every column's inputs plus
value added equal its output.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from exportpm.io.gtap import GtapData

log = logging.getLogger(__name__)

FD_CATEGORIES = ("household", "government", "gfcf")
FD_HEADERS = {"household": ("VDPB", "VMPB"), "government": ("VDGB", "VMGB"), "gfcf": ("VDIB", "VMIB")}


@dataclass
class GlobalMRIO:
    """A region x sector MRIO, US$ million; rows and columns region-major (region, sector)."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    Z: np.ndarray  # (R*N, R*N) intermediate flows
    Y: np.ndarray  # (R*N, R*3) final demand by region and category
    x: np.ndarray  # (R*N,) gross output
    v: np.ndarray  # (R*N,) value added (incl. taxes on inputs), x - column sums of Z

    @property
    def n(self) -> int:
        """Number of sectors N of every region."""
        return len(self.sectors)

    def index(self, region: str, sector: str | None = None) -> int | slice:
        """Row position of (``region``, ``sector``), or the slice of the region's N rows when ``sector`` is None."""
        r = self.regions.index(region)
        if sector is None:
            return slice(r * self.n, (r + 1) * self.n)
        return r * self.n + self.sectors.index(sector)


def import_coefficients(gtap: GtapData) -> tuple[np.ndarray, np.ndarray]:
    """Per unit of imported purchase of i by region s: supply from each origin (i, r, s) at the exporter's
    basic prices, and margin purchases by margin type (m, i, s)."""
    h = gtap.headers
    total_imports = h["VMSB"].sum(axis=1)  # (i, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_unit = np.where(total_imports[:, None, :] > 0, h["VXSB"] / total_imports[:, None, :], 0.0)
        margins = np.where(total_imports[None, :, :] > 0, h["VTWR"].sum(axis=2) / total_imports[None, :, :], 0.0)
    return per_unit, margins


def margin_pool_shares(gtap: GtapData) -> np.ndarray:
    """(m, r): share of each region in the supply of margin service m to the global transport pool."""
    vst = gtap.headers["VST"]
    total = vst.sum(axis=1, keepdims=True)
    return np.divide(vst, total, out=np.zeros_like(vst), where=total > 0)


def global_mrio(gtap: GtapData) -> GlobalMRIO:
    """Build Z, Y, x, v (US$ million) from GTAP basedata; checks that rows and columns balance."""
    h = gtap.headers
    regions, sectors = gtap.regions, gtap.sectors
    R, N = len(regions), len(sectors)
    per_unit, margin_rate = import_coefficients(gtap)
    pool = margin_pool_shares(gtap)
    margin_rows = [sectors.index(m) for m in gtap.margins]
    Z = np.zeros((R * N, R * N))
    Y = np.zeros((R * N, R * len(FD_CATEGORIES)))
    Z_view = Z.reshape(R, N, R, N)  # [r, i, s, j]
    Y_view = Y.reshape(R, N, R, len(FD_CATEGORIES))
    for s in range(R):
        imported = h["VMFB"][:, :, s]  # (i, j)
        Z_view[s, :, s, :] += h["VDFB"][:, :, s]
        Z_view[:, :, s, :] += per_unit[:, :, s].T[:, :, None] * imported[None, :, :]
        margin_use = margin_rate[:, :, s] @ imported  # (m, j)
        for g, row in enumerate(margin_rows):
            Z_view[:, row, s, :] += pool[g][:, None] * margin_use[g][None, :]
        for d, category in enumerate(FD_CATEGORIES):
            dom, imp = (h[name][:, s] for name in FD_HEADERS[category])
            Y_view[s, :, s, d] += dom
            Y_view[:, :, s, d] += per_unit[:, :, s].T * imp[None, :]
            margin_fd = margin_rate[:, :, s] @ imp  # (m,)
            for g, row in enumerate(margin_rows):
                Y_view[:, row, s, d] += pool[g] * margin_fd[g]
    x = h["MAKB"][np.arange(N), np.arange(N), :].T.reshape(-1)
    v = x - Z.sum(axis=0)
    mrio = GlobalMRIO(regions, sectors, Z, Y, x, v)
    check_balance(mrio, "GTAP global MRIO")
    return mrio


def check_balance(mrio: GlobalMRIO, what: str, rtol: float = 1e-5) -> float:
    """Relative gap between row sums (Z1 + Y1) and gross output; raises above ``rtol``."""
    rows = mrio.Z.sum(axis=1) + mrio.Y.sum(axis=1)
    gap = float(np.abs(rows - mrio.x).max() / max(mrio.x.max(), 1e-30))
    log.info(
        "%s: %d rows, max |Z1 + Y1 - x| / max x = %.2e; min value added %.4g", what, mrio.x.size, gap, mrio.v.min()
    )
    if gap > rtol:
        raise ValueError(f"{what}: rows do not sum to output (relative gap {gap:.3g})")
    return gap
