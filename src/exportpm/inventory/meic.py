"""MEIC gridded emissions -> annual provincial totals by MEIC sector and species.

Cells shared by provinces are split by the area fraction of each province in the cell, normalised over the
provinces present (a coastal cell's emissions stay on land); emissions in cells no province touches are
reported and left out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid, area_fractions
from exportpm.io.meic import read_meic_grid

log = logging.getLogger(__name__)
MAX_OUTSIDE_SHARE = 0.10  # of a file's emissions in cells no province touches: more means a flipped or shifted grid


@dataclass
class MeicProvincial:
    """MEIC emissions summed by province (t per year), what lies outside every province, and the grid."""

    totals: np.ndarray  # [province, MEIC sector, MEIC species] t/yr
    unassigned: np.ndarray  # [MEIC sector, MEIC species] t/yr outside every province
    grid: LonLatGrid


def province_weights(grid: LonLatGrid, polygons: list) -> sparse.csr_matrix:
    """W[p, cell] = area fraction of p in the cell / sum over provinces (0 where no province)."""
    fractions = area_fractions(grid, polygons)
    covered = np.asarray(fractions.sum(axis=0)).ravel()
    scale = np.divide(1.0, covered, out=np.zeros_like(covered), where=covered > 0)
    return sparse.csr_matrix(fractions.multiply(scale[None, :]))


def check_inside(path: str, values: np.ndarray, covered: np.ndarray) -> None:
    """At most :data:`MAX_OUTSIDE_SHARE` of a file's emissions may lie where no province is (else a flipped grid)."""
    total = values.sum()
    outside = values[~covered].sum()
    if total > 0 and outside > MAX_OUTSIDE_SHARE * total:
        raise InputError(
            path,
            "z",
            f"emissions inside the province boundaries (at most {MAX_OUTSIDE_SHARE:.0%} "
            "outside; rows north to south, longitude first)",
            f"{outside / total:.1%} outside every province (grid flipped or shifted?)",
        )


def meic_provincial_totals(
    files: Mapping[tuple[int, str, str], str], sectors: tuple[str, ...], species: tuple[str, ...], polygons: list
) -> MeicProvincial:
    """``files`` maps (month, sector, species) to paths; all months are summed to the annual total."""
    grid = weights = covered = None
    totals = np.zeros((len(polygons), len(sectors), len(species)))
    unassigned = np.zeros((len(sectors), len(species)))
    for s, sector in enumerate(sectors):
        for q, name in enumerate(species):
            annual = None
            for (month, f_sector, f_species), path in sorted(files.items()):
                if (f_sector, f_species) != (sector, name):
                    continue
                file_grid, values = read_meic_grid(path)
                if grid is None:
                    grid = file_grid
                    weights = province_weights(grid, polygons)
                    covered = np.asarray(weights.sum(axis=0)).ravel() > 0
                    log.info(
                        "MEIC grid %d x %d at %g degree; province weights for %d provinces",
                        grid.nlon,
                        grid.nlat,
                        grid.dlon,
                        len(polygons),
                    )
                elif file_grid != grid:
                    raise InputError(path, "x_range/y_range/spacing", f"the grid of the other MEIC files {grid}")
                check_inside(path, values.ravel(), covered)
                annual = values.ravel() if annual is None else annual + values.ravel()
                _ = month
            if annual is None:
                raise InputError(f"MEIC {sector} {name}", "<file>", "12 monthly files")
            totals[:, s, q] = weights @ annual
            unassigned[s, q] = annual[~covered].sum()
    total = totals.sum() + unassigned.sum()
    log.info(
        "MEIC: %.4g t in provinces, %.4g t (%.3f %%) outside every province",
        totals.sum(),
        unassigned.sum(),
        100 * unassigned.sum() / max(total, 1e-30),
    )
    return MeicProvincial(totals, unassigned, grid)
