"""The labelled index of the linked MRIO: which row is which region and sector, which columns are whose demand.

The linked table (190 regions x 65 sectors in the full world) is stored region-major: row ``i * N + j`` is
sector ``j`` of region ``i``, and final-demand column ``i * D + d`` is category ``d`` of region ``i``. Every
stage that needs the provinces' rows, the foreign rows or one region's final demand asks this object, instead
of rebuilding ``np.arange(i * N, (i + 1) * N)`` by hand; the numerics keep plain integer arrays.

>>> index = LinkedIndex(("usa", "CN-BJ"), ("agr", "ind"), (False, True), ("household", "government", "gfcf"))
>>> index.province_rows.tolist(), index.foreign_rows.tolist()
([2, 3], [0, 1])
>>> index.fd_columns(region="CN-BJ").tolist(), index.fd_columns(category="gfcf").tolist()
([3, 4, 5], [2, 5])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class LinkedIndex:
    """Rows (region x sector) and final-demand columns (region x category) of the linked MRIO."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    is_province: tuple[bool, ...]
    categories: tuple[str, ...]
    _region_position: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Normalise the fields to tuples, check one province flag per region and unique regions."""
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "sectors", tuple(self.sectors))
        object.__setattr__(self, "is_province", tuple(bool(f) for f in self.is_province))
        object.__setattr__(self, "categories", tuple(self.categories))
        if len(self.is_province) != len(self.regions):
            raise ValueError(f"is_province has {len(self.is_province)} flags for {len(self.regions)} regions")
        if len(set(self.regions)) != len(self.regions):
            raise ValueError("linked MRIO regions are not unique")
        object.__setattr__(self, "_region_position", {r: i for i, r in enumerate(self.regions)})

    @property
    def n_sectors(self) -> int:
        """Number of sectors N of every region."""
        return len(self.sectors)

    @property
    def n_rows(self) -> int:
        """Rows (= columns) of Z: regions x sectors."""
        return len(self.regions) * len(self.sectors)

    @property
    def n_fd_columns(self) -> int:
        """Columns of Y: regions x final-demand categories."""
        return len(self.regions) * len(self.categories)

    @property
    def provinces(self) -> tuple[str, ...]:
        """The provinces (regions flagged as provinces), in table order."""
        return tuple(r for r, f in zip(self.regions, self.is_province, strict=True) if f)

    @property
    def foreign_regions(self) -> tuple[str, ...]:
        """The foreign regions (regions not flagged as provinces), in table order."""
        return tuple(r for r, f in zip(self.regions, self.is_province, strict=True) if not f)

    def position(self, region: str) -> int:
        """Position of ``region`` in :attr:`regions` (KeyError naming it when absent)."""
        try:
            return self._region_position[region]
        except KeyError:
            raise KeyError(f"region {region!r} is not in the linked MRIO") from None

    def rows(self, region: str) -> np.ndarray:
        """The N row positions of one region's sectors."""
        start = self.position(region) * self.n_sectors
        return np.arange(start, start + self.n_sectors)

    def rows_of(self, regions: tuple[str, ...] | list[str]) -> np.ndarray:
        """Row positions of several regions, in the order given (region-major)."""
        if not regions:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([self.rows(r) for r in regions])

    @property
    def province_rows(self) -> np.ndarray:
        """Rows of the Chinese provinces (p = provinces x sectors), in table order."""
        return self.rows_of(self.provinces)

    @property
    def foreign_rows(self) -> np.ndarray:
        """Rows of the foreign regions (f = foreign regions x sectors), in table order."""
        return self.rows_of(self.foreign_regions)

    @property
    def row_region(self) -> np.ndarray:
        """Region label of every row."""
        return np.repeat(np.array(self.regions, dtype=object), self.n_sectors)

    @property
    def row_sector(self) -> np.ndarray:
        """Sector position (0..N-1) of every row."""
        return np.tile(np.arange(self.n_sectors), len(self.regions))

    @property
    def fd_region(self) -> np.ndarray:
        """Region label of every final-demand column."""
        return np.repeat(np.array(self.regions, dtype=object), len(self.categories))

    @property
    def fd_category(self) -> np.ndarray:
        """Category label of every final-demand column."""
        return np.tile(np.array(self.categories, dtype=object), len(self.regions))

    def fd_columns(
        self, region: str | None = None, category: str | None = None, foreign: bool | None = None
    ) -> np.ndarray:
        """Final-demand columns selected by region, category and/or whether the region is foreign."""
        keep = np.ones(self.n_fd_columns, dtype=bool)
        if region is not None:
            keep &= self.fd_region == self.regions[self.position(region)]
        if category is not None:
            if category not in self.categories:
                raise KeyError(f"final-demand category {category!r} is not one of {self.categories}")
            keep &= self.fd_category == category
        if foreign is not None:
            flags = np.repeat(np.array(self.is_province), len(self.categories))
            keep &= flags != foreign
        return np.flatnonzero(keep)

    def row_labels(self) -> pd.MultiIndex:
        """(region, sector) of every row, as pymrio labels its frames."""
        return pd.MultiIndex.from_product([self.regions, self.sectors], names=["region", "sector"])

    def fd_labels(self) -> pd.MultiIndex:
        """(region, category) of every final-demand column."""
        return pd.MultiIndex.from_product([self.regions, self.categories], names=["region", "category"])
