"""Write-then-rename helpers: a failed step never leaves a partial product behind."""

from __future__ import annotations

import glob
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


TMP_MARK = "~partial~"  # .{name}~partial~{host}~{pid}~{random}{suffix}


def _host() -> str:
    return socket.gethostname().replace("~", "-")


def _temporaries(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{glob.escape(target.name)}{TMP_MARK}*"))


def temporary_writer(tmp: str | Path) -> tuple[str, int] | None:
    """(host, pid) of the process that made the temporary ``tmp`` (None if the name is not one of ours)."""
    _, mark, rest = Path(tmp).name.partition(TMP_MARK)
    fields = rest.split("~")
    if not mark or len(fields) < 3 or not fields[1].isdigit():
        return None
    return fields[0], int(fields[1])


def _writer_alive(tmp: Path) -> bool:
    """True if the process that made ``tmp`` still runs on this host."""
    writer = temporary_writer(tmp)
    if writer is None or writer[0] != _host():
        return False
    try:
        os.kill(writer[1], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove what killed writers of ``path`` left (a SIGKILL skips every ``finally``); return the removed paths.

    Snakemake runs one job per output at a time (its lock), so a temporary whose writer is not a live process
    of this host is stale.
    """
    removed = []
    for tmp in _temporaries(Path(path)):
        if _writer_alive(tmp):
            continue
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


@contextmanager
def atomic_output(path: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only if the block succeeds.

    The temporary's name records host and process, so the next run of the rule removes what a killed run left.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale_temporaries(target):
        log.warning("removed %s, left by an interrupted writer of %s", stale, target)
    prefix = f".{target.name}{TMP_MARK}{_host()}~{os.getpid()}~"
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix or target.suffix, dir=target.parent)
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


def write_csv_atomic(
    frame: pd.DataFrame, path: str | Path, header_lines: list[str] | None = None, float_format: str | None = None
) -> None:
    """Write ``frame`` as CSV, preceded by ``# ``-comment lines (provenance, units)."""
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for line in header_lines or []:
                handle.write(f"# {line}\n")
            frame.to_csv(handle, index=False, float_format=float_format, lineterminator="\n")
