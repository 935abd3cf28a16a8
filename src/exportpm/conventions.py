"""Conventions shared by every stage, defined once: MEIC sectors and species, the inventory's species.

MEIC (Li et al. 2017) distributes five sectors and, of the species the paper uses, NOx (as NO2 mass), SO2, CO,
NH3, BC, OC and PM2.5 (which includes BC and OC). The inventory replaces MEIC's PM2.5 by the *other* primary
PM2.5 (PM2.5 - BC - OC), so that the seven inventory species do not double count.
"""

from __future__ import annotations

MEIC_SECTORS = ("agriculture", "industry", "power", "residential", "transportation")
MEIC_SPECIES = ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25")
INVENTORY_SPECIES = ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25_other")
