"""Regular lon-lat grids and the area fraction of each cell covered by each province polygon."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class LonLatGrid:
    """Cell-centred regular grid; ``lat`` ascending south to north. Extent in degrees."""

    lon0: float
    lon1: float
    lat0: float
    lat1: float
    dlon: float
    dlat: float

    @property
    def nlon(self) -> int:
        """Number of longitude cells."""
        return round((self.lon1 - self.lon0) / self.dlon)

    @property
    def nlat(self) -> int:
        """Number of latitude cells."""
        return round((self.lat1 - self.lat0) / self.dlat)

    @property
    def lon(self) -> np.ndarray:
        """Cell-centre longitudes (degrees east), west to east."""
        return self.lon0 + self.dlon * (np.arange(self.nlon) + 0.5)

    @property
    def lat(self) -> np.ndarray:
        """Cell-centre latitudes (degrees north), south to north."""
        return self.lat0 + self.dlat * (np.arange(self.nlat) + 0.5)

    def cell_area_m2(self) -> np.ndarray:
        """Area of each cell on the sphere (nlat, nlon), m^2."""
        edges = np.radians(self.lat0 + self.dlat * np.arange(self.nlat + 1))
        band = EARTH_RADIUS_M**2 * np.radians(self.dlon) * np.diff(np.sin(edges))
        return np.repeat(band[:, None], self.nlon, axis=1)

    def cell_boxes(self) -> np.ndarray:
        """Shapely boxes of all cells, row-major over (lat, lon)."""
        lon_w = np.tile(self.lon0 + self.dlon * np.arange(self.nlon), self.nlat)
        lat_s = np.repeat(self.lat0 + self.dlat * np.arange(self.nlat), self.nlon)
        return shapely.box(lon_w, lat_s, lon_w + self.dlon, lat_s + self.dlat)


def area_fractions(grid: LonLatGrid, polygons: list) -> sparse.csr_matrix:
    """F[p, cell]: fraction of each cell's (planar lon-lat) area inside polygon p; cells row-major (lat, lon).

    Cells shared by provinces are split by area fraction; a cell fully inside a province has 1.
    """
    boxes = grid.cell_boxes()
    tree = shapely.STRtree(boxes)
    rows, cols, vals = [], [], []
    cell_area = grid.dlon * grid.dlat
    for p, polygon in enumerate(polygons):
        shapely.prepare(polygon)
        candidates = tree.query(polygon, predicate="intersects")
        if candidates.size == 0:
            continue
        inside = shapely.contains_properly(polygon, boxes[candidates])
        fractions = np.ones(candidates.size)
        edge = ~inside
        if edge.any():
            fractions[edge] = shapely.area(shapely.intersection(boxes[candidates[edge]], polygon)) / cell_area
        keep = fractions > 1e-12
        rows.append(np.full(keep.sum(), p))
        cols.append(candidates[keep])
        vals.append(np.minimum(fractions[keep], 1.0))
    n_cells = grid.nlat * grid.nlon
    if not rows:
        return sparse.csr_matrix((len(polygons), n_cells))
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(polygons), n_cells)
    )
