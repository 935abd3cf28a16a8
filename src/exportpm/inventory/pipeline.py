"""The inventory stage as a function of input files (rule inventory_hybrid; tests; uncertainty runs)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.errors import InputError
from exportpm.inventory import INVENTORY_SPECIES, MEIC_SECTORS, MEIC_SPECIES
from exportpm.inventory.hybrid import HybridInventory, build_inventory, inventory_species
from exportpm.inventory.meic import meic_provincial_totals
from exportpm.io.boundaries import read_boundaries
from exportpm.io.emission_inputs import interpolate_years, read_agri_nh3, read_gains
from exportpm.io.meic import MEIC_NAME
from exportpm.resources import read_table

log = logging.getLogger(__name__)
GAINS_NAME = re.compile(r"gains_(?P<year>\d{4})_(?P<species>\w+)\.csv$")


@dataclass
class InventoryInputs:
    """Everything the hybrid inventory needs, read from files: provincial output (US$ million), MEIC (t), GAINS."""

    provinces: tuple[str, ...]
    sectors: tuple[str, ...]
    output: np.ndarray  # [p, g] US$ million
    meic: np.ndarray  # [p, MEIC sector, inventory species] t
    meic_unassigned: np.ndarray  # [MEIC sector, MEIC species] t
    gains: dict[int, dict[str, np.ndarray]]  # year -> species -> [p, GAINS sector]
    gains_table: pd.DataFrame
    agri_nh3: pd.DataFrame


def meic_file_map(paths: Sequence[str | Path], year: int) -> dict[tuple[int, str, str], str]:
    """Map (month, MEIC sector, species) -> path of the MEIC files of ``year``; InputError on any other name."""
    out = {}
    for path in paths:
        match = MEIC_NAME.search(Path(path).name)
        if not match or int(match["year"]) != year:
            raise InputError(path, "file name", f"{year}_MM_<sector>_<species>.asc or .nc")
        out[(int(match["month"]), match["sector"], match["species"])] = str(path)
    return out


def gains_arrays(
    paths: Sequence[str | Path], provinces: tuple[str, ...], gains_table: pd.DataFrame
) -> tuple[dict[int, dict[str, np.ndarray]], set[str]]:
    """year -> species -> [province, GAINS sector] kt (sectors in gains_table order; unknown sectors error),
    and the set of GAINS sectors the files list."""
    known = {s: i for i, s in enumerate(gains_table["gains_sector"])}
    out: dict[int, dict[str, np.ndarray]] = {}
    listed: set[str] = set()
    for path in paths:
        match = GAINS_NAME.search(Path(path).name)
        if not match:
            raise InputError(path, "file name", "gains_<year>_<species>.csv")
        frame = read_gains(path)
        listed |= set(frame["gains_sector"])
        unknown = sorted(set(frame["gains_sector"]) - set(known))
        if unknown:
            raise InputError(path, "Sector", "GAINS sectors listed in resources/gains_sectors.csv", f"{unknown[:5]}")
        frame = frame[frame["province"].isin(provinces)]
        array = np.zeros((len(provinces), len(known)))
        np.add.at(
            array,
            (frame["province"].map(provinces.index).to_numpy(), frame["gains_sector"].map(known).to_numpy()),
            frame["kt"].to_numpy(),
        )
        out.setdefault(int(match["year"]), {})[match["species"]] = array
    return out, listed


def read_inventory_inputs(
    regions,
    sectors,
    x,
    is_province,
    meic_files,
    gains_files,
    agri_nh3_path,
    boundaries_path,
    gains_table_path,
    agnh3_categories_path,
    year: int,
) -> InventoryInputs:
    """Read the inventory's inputs for the provinces of the linked MRIO.

    Parameters
    ----------
    regions, sectors, x, is_province
        Labels, gross output (US$ million) and province flags of the linked MRIO.
    meic_files, gains_files : sequence of path
        MEIC gridded files of ``year`` and GAINS exports.
    agri_nh3_path, boundaries_path, gains_table_path, agnh3_categories_path : path
        Agricultural NH3 inventory, province boundaries, GAINS sector table, NH3 categories.
    year : int
        Inventory year.

    Returns
    -------
    InventoryInputs
        MEIC summed by province, GAINS restricted to the sectors the files list.
    """
    N = len(sectors)
    provinces = tuple(r for r, flag in zip(regions, is_province, strict=True) if flag)
    output = np.concatenate([x[i * N : (i + 1) * N][None, :] for i, flag in enumerate(is_province) if flag])
    _, polygons = read_boundaries(boundaries_path, provinces)
    meic = meic_provincial_totals(meic_file_map(meic_files, year), MEIC_SECTORS, MEIC_SPECIES, polygons)
    gains_table = read_table(gains_table_path, required=["gains_sector", "meic_sector", "gtap_codes", "excluded"])
    gains, listed = gains_arrays(gains_files, provinces, gains_table)
    # Only the GAINS sectors the exports list take part (a table row no file mentions has no emissions).
    keep = gains_table["gains_sector"].isin(listed).to_numpy()
    gains = {year: {q: a[:, keep] for q, a in by_species.items()} for year, by_species in gains.items()}
    gains_table = gains_table[keep].reset_index(drop=True)
    return InventoryInputs(
        provinces,
        tuple(sectors),
        output,
        inventory_species(meic.totals, MEIC_SPECIES),
        meic.unassigned,
        gains,
        gains_table,
        read_agri_nh3(agri_nh3_path, read_table(agnh3_categories_path)),
    )


def hybrid_from_inputs(inputs: InventoryInputs, year: int, method: str = "linear") -> HybridInventory:
    """The hybrid inventory (Eq. 3) for ``year``, t, from GAINS interpolated between its two years.

    ``method`` is the interpolation of :func:`exportpm.io.emission_inputs.interpolate_years`; ``"shares"``
    interpolates each GAINS sector's share within its MEIC sector linearly instead of the emissions.
    InputError unless GAINS has exactly two years and every needed species in both.
    """
    years = sorted(inputs.gains)
    if len(years) != 2:
        raise InputError("GAINS exports", "year", f"two years bracketing {year}", f"{years}")
    a, b = years
    species_needed = {"PM25" if s == "PM25_other" else s for s in INVENTORY_SPECIES}
    gains_year = {}
    meic_of = inputs.gains_table["meic_sector"].to_numpy()
    for species in species_needed:
        if species not in inputs.gains[a] or species not in inputs.gains[b]:
            raise InputError(f"GAINS exports {a} and {b}", "species", f"a file for {species} in both years")
        if method == "shares":  # share-constrained: interpolate the within-MEIC-sector shares, not emissions
            gains_year[species] = interpolate_years(
                _within_sector_shares(inputs.gains[a][species], meic_of),
                _within_sector_shares(inputs.gains[b][species], meic_of),
                a,
                b,
                year,
                "linear",
            )
        else:
            gains_year[species] = interpolate_years(
                inputs.gains[a][species], inputs.gains[b][species], a, b, year, method
            )
    return build_inventory(
        inputs.provinces, inputs.sectors, inputs.output, inputs.meic, gains_year, inputs.gains_table, inputs.agri_nh3
    )


def emissions_frame(inventory: HybridInventory, provinces, sectors) -> pd.DataFrame:
    """Long table: province, meic_sector, sector, species, tonnes (non-zero entries)."""
    p, s, g, q = np.nonzero(inventory.emissions)
    return pd.DataFrame(
        {
            "province": np.array(provinces)[p],
            "meic_sector": np.array(MEIC_SECTORS)[s],
            "sector": np.array(sectors)[g],
            "species": np.array(INVENTORY_SPECIES)[q],
            "tonnes": inventory.emissions[p, s, g, q],
        }
    )


def check_frame(inventory: HybridInventory, provinces) -> pd.DataFrame:
    """Per province, MEIC sector and species: MEIC (t), excluded (t), inventory (t) and their relative gap."""
    rows = []
    included = inventory.emissions.sum(axis=2)
    for p, province in enumerate(provinces):
        for s, sector in enumerate(MEIC_SECTORS):
            for q, species in enumerate(INVENTORY_SPECIES):
                meic = inventory.meic[p, s, q]
                gap = abs(included[p, s, q] + inventory.excluded[p, s, q] - meic) / meic if meic > 0 else 0.0
                rows.append((province, sector, species, meic, inventory.excluded[p, s, q], included[p, s, q], gap))
    return pd.DataFrame(
        rows, columns=["province", "meic_sector", "species", "meic_t", "excluded_t", "inventory_t", "relative_gap"]
    )


def _within_sector_shares(gains: np.ndarray, meic_of: np.ndarray) -> np.ndarray:
    """[p, g] -> each GAINS sector's share of its MEIC sector in the province (0 where the sector is empty)."""
    out = np.zeros_like(gains)
    for sector in np.unique(meic_of):
        members = meic_of == sector
        total = gains[:, members].sum(axis=1, keepdims=True)
        out[:, members] = np.divide(gains[:, members], total, out=np.zeros_like(gains[:, members]), where=total > 0)
    return out
