"""Conventions shared by every stage, defined once: MEIC sectors and species, the inventory's species.

MEIC (Li et al. 2017) distributes five sectors and, of the species the paper uses, NOx (as NO2 mass), SO2, CO,
NH3, BC, OC and PM2.5 (which includes BC and OC). The inventory replaces MEIC's PM2.5 by the *other* primary
PM2.5 (PM2.5 - BC - OC), so that the seven inventory species do not double count.
"""

from __future__ import annotations

import numpy as np

MEIC_SECTORS = ("agriculture", "industry", "power", "residential", "transportation")
MEIC_SPECIES = ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25")
INVENTORY_SPECIES = ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25_other")

# The species whose pollution-equivalent value China's Environmental Protection Tax Law (2016, Annex 2) lists
# by name; the particle species take one of the law's dust items (config ``ape``; docs/quantities.md).
APE_LAW_ITEMS = {"SO2": "(SO2)", "NOx": "(NOx)", "CO": "(CO)", "NH3": "(NH3)"}


def ape_per_tonne(species: tuple[str, ...] | list[str], kg_per_equivalent: dict[str, float]) -> np.ndarray:
    """Pollution equivalents per tonne of each species (paper Eq. 13): 1000 kg / (kg per equivalent).

    ``kg_per_equivalent`` is the config's ``ape`` block (species -> kg per pollution equivalent).
    Returns an array aligned with ``species`` (equivalents per tonne).
    """
    missing = [s for s in species if s not in kg_per_equivalent]
    if missing:
        raise KeyError(f"no pollution-equivalent value (config ape) for species {missing}")
    return np.array([1000.0 / float(kg_per_equivalent[s]) for s in species])
