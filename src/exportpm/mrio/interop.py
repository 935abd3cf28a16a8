"""The linked MRIO with its emission extension for other tools: pymrio's own storage format (text tables with
metadata.json, loadable with ``pymrio.load_all``) and the same tables as Parquet (pymrio's parquet format, which
pandas, polars, R arrow or DuckDB read directly)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from exportpm.mrio.link import LinkedMRIO
from exportpm.mrio.store import to_pymrio

EXTENSION = "emissions"


def pymrio_system(table: LinkedMRIO, species: tuple[str, ...], F: np.ndarray, name: str = "exportpm linked MRIO"):
    """The linked table (Z, Y, x in US$ million) as a pymrio IOSystem with the extension ``emissions``: the
    stressors F x (t per year; paper Eq. 9 intensities times gross output) of every species on every row
    (zero on foreign rows: the inventory covers the Chinese provinces)."""
    import pandas as pd
    import pymrio

    system = to_pymrio(table, name=name)
    rows = system.Z.index
    if F.shape != (len(species), len(rows)):
        raise ValueError(f"intensities have shape {F.shape}, the table has {len(species)} species x {len(rows)} rows")
    stressors = pd.DataFrame(F * table.x[None, :], index=pd.Index(list(species), name="stressor"), columns=rows)
    unit = pd.DataFrame({"unit": ["t"] * len(species)}, index=stressors.index)
    system.emissions = pymrio.Extension(name=EXTENSION, F=stressors, unit=unit)
    return system


def write_pymrio(system, folder: str | Path, table_format: str = "txt") -> Path:
    """Save the system and its extension with pymrio (``save_all``) into ``folder``."""
    folder = Path(folder)
    system.save_all(folder, table_format=table_format)
    return folder
