"""Chemical transport models for the zero-out scenarios. Every backend writes the same product: monthly
surface PM2.5 components (SO4, NIT, NH4, BC, POA, DST; ug/m3) on the GEOS-Chem nested Asia grid."""

from exportpm.grid import LonLatGrid

COMPONENTS = ("SO4", "NIT", "NH4", "BC", "POA", "DST")
# GEOS-Chem nested Asia (0.3125 x 0.25 degree, 70-140E, 15-55N), cell-centred.
NESTED_ASIA = LonLatGrid(70.0, 140.0, 15.0, 55.0, 0.3125, 0.25)
