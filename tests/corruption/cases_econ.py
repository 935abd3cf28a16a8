"""Corruption cases of the economic inputs (GTAP, CEADs, customs, yearbooks, concordances)."""

from __future__ import annotations

from pathlib import Path

from corruption.harness import Case
from exportpm.io.customs import read_customs
from exportpm.resources import RESOURCES_DIR, resource

CUSTOMS = "customs/customs_2017.csv"
HS6 = "customs/hs6_gtap_concordance.csv"


def read_tiny_customs(world: Path) -> object:
    """The customs reader as the customs_blocks rule calls it, on the tiny world's dimensions."""
    provinces = tuple(resource("provinces31")["iso3166_2"])
    sectors = tuple(resource("gtap11_sectors")["code"])
    regions = tuple(resource("gtap11_regions")["code"])
    return read_customs(world / CUSTOMS, world / HS6, RESOURCES_DIR / "gtap11_regions.csv", provinces, sectors,
                        regions, excluded_modes=[])


def drop_column(relative: str, column: str):
    def corrupt(world: Path) -> None:
        path = world / relative
        lines = path.read_text(encoding="utf-8").splitlines()
        body = [line for line in lines if not line.startswith("#")]
        header = body[0].split(",")
        index = header.index(column)
        rows = [",".join(cell for i, cell in enumerate(line.split(",")) if i != index) for line in body]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return corrupt


CASES = [
    Case("econ/customs/value_column_missing", CUSTOMS, drop_column(CUSTOMS, "value_usd"), read_tiny_customs,
         "value_usd"),
]
