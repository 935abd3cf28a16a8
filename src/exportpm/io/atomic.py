"""Write-then-rename helpers: a failed step never leaves a partial product behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


@contextmanager
def atomic_output(path: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_parquet_atomic(frame: pd.DataFrame, path: str | Path, metadata: dict[str, str] | None = None) -> None:
    """Write ``frame`` as Parquet (pyarrow, no index) with optional key-value file metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if metadata:
        merged = dict(table.schema.metadata or {})
        merged.update({k.encode(): v.encode() for k, v in metadata.items()})
        table = table.replace_schema_metadata(merged)
    with atomic_output(path) as tmp:
        pq.write_table(table, tmp)


def write_csv_atomic(frame: pd.DataFrame, path: str | Path, header_lines: list[str] | None = None,
                     float_format: str | None = None) -> None:
    """Write ``frame`` as CSV, preceded by ``# ``-comment lines (provenance, units)."""
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for line in header_lines or []:
                handle.write(f"# {line}\n")
            frame.to_csv(handle, index=False, float_format=float_format, lineterminator="\n")
