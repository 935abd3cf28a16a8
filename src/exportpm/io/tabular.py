"""Reading and validating the pipeline's tabular inputs (CSV exports of statistics, inventories, concordances).

Every tabular reader goes through two steps, so each input is checked the same way:

1. :func:`read_table` reads the file as text cells: it detects the encoding (UTF-8, UTF-8 with BOM, GB18030 /
   GBK, as Chinese statistical exports are), skips ``#`` provenance lines, renames alias headers (e.g. the
   customs platform's Chinese column names) to canonical names, and rejects a missing, empty or header-only
   file and missing columns (naming every missing column at once).
2. :func:`validate_frame` runs a pandera ``DataFrameSchema`` declared next to the reader (dtypes, ranges,
   finiteness, allowed codes, uniqueness keys) and turns every failure into one :class:`InputError` that names
   the file, each failing field and what was expected.

:func:`numeric` converts text cells to numbers and rejects blanks, text, NaN and infinities (which
``pd.to_numeric`` lets through) before they can reach a product.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from exportpm.errors import InputError

ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too; GB18030 is a superset of GBK and GB2312


def detect_encoding(raw: bytes, path: str | Path) -> str:
    """The first of :data:`ENCODINGS` that decodes ``raw`` without error (UTF-8 is tried first)."""
    for encoding in ENCODINGS:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputError(path, "<encoding>", "text in UTF-8, UTF-8 with BOM or GB18030/GBK")


def read_text(path: str | Path) -> str:
    """The whole file as text in its detected encoding; a missing or empty file is an :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "<file>", "an existing file")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, "<file>", "a non-empty file", "0 data bytes")
    return raw.decode(detect_encoding(raw, path))


def read_table(
    path: str | Path,
    required: Sequence[str] = (),
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    sep: str | None = ",",
    comment: str | None = "#",
    min_rows: int = 1,
    skiprows: int | Sequence[int] | None = None,
    require_final_newline: bool = False,
) -> pd.DataFrame:
    """Read a delimited text table as string cells (no NaN conversion), with its columns checked.

    Parameters
    ----------
    path : the file (CSV by default; ``sep=None`` sniffs the delimiter, ``sep="\\t"`` for TSV).
    required : canonical column names that must be present after renaming aliases.
    aliases : canonical name -> accepted alternative headers (compared after stripping spaces, case-insensitive).
    min_rows : fewest data rows accepted (a header-only file is rejected by default).
    skiprows : passed to pandas (e.g. the six preamble lines of a GAINS export).
    require_final_newline : reject a file whose last line does not end with a line break, the mark of a
        download or copy cut short (a cut inside the last number would otherwise go unnoticed).

    Returns
    -------
    pandas.DataFrame of ``str`` cells, header names stripped, aliases renamed to canonical names.

    Long because each way a table can be malformed is checked in turn, with its own message.
    """
    text = read_text(path)
    if require_final_newline and not text.endswith(("\n", "\r")):
        last = text.splitlines()[-1] if text.splitlines() else ""
        raise InputError(
            path, "<last line>", "a file that ends with a line break (complete, not truncated)", f"{last[-60:]!r}"
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            comment=comment,
            dtype=str,
            keep_default_na=False,
            skiprows=skiprows,
            engine="python" if sep is None else "c",
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as error:
        raise InputError(
            path,
            "<table>",
            "a delimited text table with one header row",
            f"{type(error).__name__}: {str(error).strip()[:200]}",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = rename_aliases(frame, aliases or {})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(path, ", ".join(missing), "columns of those names", f"columns {list(frame.columns)}")
    duplicated = sorted(c for c, n in Counter(frame.columns.tolist()).items() if n > 1)  # linear: wide tables
    if duplicated:
        raise InputError(path, ", ".join(duplicated), "each column once", "duplicated header")
    if len(frame) < min_rows:
        raise InputError(path, "<rows>", f"at least {min_rows} data row(s)", f"{len(frame)}")
    return frame


def rename_aliases(frame: pd.DataFrame, aliases: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Rename the first header found among each canonical name's aliases to the canonical name."""
    normalised = {c.strip().lower(): c for c in frame.columns}
    renames = {}
    for canonical, alternatives in aliases.items():
        if canonical in frame.columns:
            continue
        for alternative in alternatives:
            found = normalised.get(alternative.strip().lower())
            if found is not None:
                renames[found] = canonical
                break
    return frame.rename(columns=renames)


def numeric(
    frame: pd.DataFrame, column: str, path: str | Path, *, allow_blank: bool = False, nonnegative: bool = False
) -> pd.Series:
    """Column ``column`` as float64; text, NaN, +/-inf (and blanks unless allowed) are an :class:`InputError`.

    Blank cells become NaN only when ``allow_blank`` (e.g. a price a province does not report).
    """
    cells = frame[column].astype(str).str.strip()
    blank = cells.isin(["", "nan", "NaN", "NA", "null"]) if allow_blank else cells.eq("")
    values = pd.to_numeric(cells.where(~blank, None), errors="coerce").astype(float)
    invalid = (values.isna() & ~blank) | np.isinf(values) | (blank & (not allow_blank))
    if nonnegative:
        invalid |= values < 0
    if invalid.any():
        rows = list(np.flatnonzero(invalid.to_numpy())[:3])
        expected = "finite numbers" + (" >= 0" if nonnegative else "") + (" or blank cells" if allow_blank else "")
        raise InputError(
            path, column, expected, f"{cells.iloc[rows].tolist()} in data rows {[int(r) + 1 for r in rows]}"
        )
    return values


def finite() -> pa.Check:
    """A pandera check that every value is a finite number (``ge``/``le`` checks let inf and NaN through)."""
    return pa.Check(lambda s: np.isfinite(s.astype(float)), element_wise=False, error="finite numbers")


def validate_frame(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: str | Path) -> pd.DataFrame:
    """Validate ``frame`` with ``schema`` (lazily, so every failure is reported) or raise one InputError.

    The error's field lists every failing column (or the uniqueness key), its expectation the failed checks,
    and ``found`` up to three offending values per check.
    """
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        fields, expected, found = [], [], []
        duplicated = cases["check"].astype(str).eq("multiple_fields_uniqueness")
        if duplicated.any():  # one entry for the uniqueness key, naming the duplicated rows
            key = ", ".join(schema.unique)
            rows = sorted({int(i) + 1 for i in cases.loc[duplicated, "index"].dropna()})[:5]
            fields.append(key)
            expected.append(f"one row per ({key})")
            found.append(f"duplicated data rows {rows}")
            cases = cases[~duplicated]
        for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
            name = str(column) if column is not None and column == column else str(schema.unique or "<table>")
            if name not in fields:
                fields.append(name)
            expected.append(f"{name}: {check}")
            found.append(f"{name}: {group['failure_case'].astype(str).head(3).tolist()}")
        raise InputError(path, ", ".join(fields), "; ".join(expected), "; ".join(found)) from None
    except SchemaError as error:  # non-lazy failures (e.g. a missing column with lazy=False in a sub-schema)
        raise InputError(path, str(getattr(error, "column_name", "<table>")), str(error)[:300]) from None
