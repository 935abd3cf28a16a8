"""The Chinese provincial customised emission inventory (paper: MEIC x GAINS hybrid, Eq. 3 and Eq. 9)."""

INVENTORY_SPECIES = ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25_other")
MEIC_SPECIES = ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25")
MEIC_SECTORS = ("agriculture", "industry", "power", "residential", "transportation")
