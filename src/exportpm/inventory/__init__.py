"""The Chinese provincial customised emission inventory (paper: MEIC x GAINS hybrid, Eq. 3 and Eq. 9)."""

from exportpm.conventions import INVENTORY_SPECIES, MEIC_SECTORS, MEIC_SPECIES

__all__ = ["INVENTORY_SPECIES", "MEIC_SECTORS", "MEIC_SPECIES"]
