"""The static tables shipped in ``resources/`` (sectors, regions, concordances, APE values)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from exportpm.errors import InputError

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"


def read_table(path: str | Path, required: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV whose leading ``#`` lines are provenance comments; check required columns."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "<file>", "an existing CSV file")
    frame = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    for column in required or []:
        if column not in frame.columns:
            raise InputError(path, column, "a column of that name", f"columns {list(frame.columns)}")
    return frame


@cache
def resource(name: str) -> pd.DataFrame:
    """A table of ``resources/`` by file stem, e.g. ``resource("gtap11_sectors")``."""
    return read_table(RESOURCES_DIR / f"{name}.csv")
