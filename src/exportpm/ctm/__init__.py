"""Chemical transport models for the zero-out scenarios. Every backend writes the same product: monthly
surface PM2.5 components (SO4, NIT, NH4, BC, POA, DST; ug/m3) on the GEOS-Chem nested Asia grid."""

from exportpm.grid import LonLatGrid

COMPONENTS = ("SO4", "NIT", "NH4", "BC", "POA", "DST")
# GEOS-Chem nested Asia (0.3125 x 0.25 degree): cell centres from 70E to 140E and 15N to 55N (225 x 161).
NESTED_ASIA = LonLatGrid(69.84375, 140.15625, 14.875, 55.125, 0.3125, 0.25)
# Cells along each edge of a nested domain where GEOS-Chem does not advect (excluded from analysis).
BUFFER_CELLS = 3


def interior(grid: LonLatGrid, buffer: int = BUFFER_CELLS) -> LonLatGrid:
    """The grid without ``buffer`` cells along each edge."""
    return LonLatGrid(
        grid.lon0 + buffer * grid.dlon,
        grid.lon1 - buffer * grid.dlon,
        grid.lat0 + buffer * grid.dlat,
        grid.lat1 - buffer * grid.dlat,
        grid.dlon,
        grid.dlat,
    )


def crop(field, buffer: int = BUFFER_CELLS):
    """A (..., nlat, nlon) field without its buffer cells."""
    return field[..., buffer : field.shape[-2] - buffer, buffer : field.shape[-1] - buffer] if buffer else field
