"""Conservative regridding between regular lon-lat grids (extensive quantities: emissions, people).

The overlap of two regular grids factorises into a longitude part (length of overlap) and a latitude part
(overlap in sin(latitude), i.e. exact spherical area), so the weights are two small dense matrices.
"""

from __future__ import annotations

import numpy as np

from exportpm.grid import LonLatGrid


def _overlap(src_edges: np.ndarray, dst_edges: np.ndarray) -> np.ndarray:
    """O[d, s] = length of the overlap of destination interval d and source interval s."""
    lo = np.maximum(dst_edges[:-1, None], src_edges[None, :-1])
    hi = np.minimum(dst_edges[1:, None], src_edges[None, 1:])
    return np.clip(hi - lo, 0.0, None)


def conservative_matrices(src: LonLatGrid, dst: LonLatGrid) -> tuple[np.ndarray, np.ndarray]:
    """(W_lat, W_lon): fractions of each source cell's area that fall in each destination cell."""
    src_lon = src.lon0 + src.dlon * np.arange(src.nlon + 1)
    dst_lon = dst.lon0 + dst.dlon * np.arange(dst.nlon + 1)
    src_lat = np.sin(np.radians(src.lat0 + src.dlat * np.arange(src.nlat + 1)))
    dst_lat = np.sin(np.radians(dst.lat0 + dst.dlat * np.arange(dst.nlat + 1)))
    w_lon = _overlap(src_lon, dst_lon) / np.diff(src_lon)[None, :]
    w_lat = _overlap(src_lat, dst_lat) / np.diff(src_lat)[None, :]
    return w_lat, w_lon


def regrid_extensive(values: np.ndarray, src: LonLatGrid, dst: LonLatGrid) -> np.ndarray:
    """Totals per cell (e.g. t or persons; ..., nlat, nlon) moved to ``dst``; what lies outside is dropped."""
    w_lat, w_lon = conservative_matrices(src, dst)
    return np.einsum("ds,...sx,ex->...de", w_lat, values, w_lon, optimize=True)
