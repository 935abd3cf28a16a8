"""Monitoring stations: the national platform's daily archive plus its station list, and valid station means.

Archive: one CSV per day, ``china_sites_YYYYMMDD.csv``, columns ``date`` (YYYYMMDD), ``hour`` (0-23), ``type``
(AQI, PM2.5, PM2.5_24h, PM10, ...), then one column per station code (e.g. ``1001A``), blank where no value
was reported. Only the hourly ``PM2.5`` rows are used. Station list: code, name, city, longitude, latitude
(English or the platform's Chinese headers 监测点编码, 监测点名称, 城市, 经度, 纬度). Both are read through
:mod:`exportpm.io.tabular` (UTF-8, UTF-8 with BOM or GB18030) and validated by pandera schemas.

Means follow the validity rules of GB 3095-2012 (section 8.2): a daily mean needs at least 20 hourly values, a
monthly mean at least 27 daily means (25 in February), an annual mean at least 324 daily means. Means that
miss a rule are reported as NaN with their counts, never silently from fewer values.

Rejected with an :class:`InputError` naming file and field: station coordinates outside longitude/latitude (e.g.
latitude 999), duplicate station codes, archive columns naming stations the list does not know, an invalid
date (month 13) or a date other than the file name's, hours outside 0-23 or repeated, negative, infinite or
non-numeric concentrations, two files for one day, a file outside the study year.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from exportpm.errors import InputError
from exportpm.io.tabular import finite, numeric, read_table, read_text, validate_frame

ARCHIVE_NAME = re.compile(r"china_sites_(?P<date>\d{8})\.csv$")
FIXED_COLUMNS = ("date", "hour", "type")
HOURLY_TYPE = "PM2.5"
MIN_HOURS_PER_DAY = 20
MIN_DAYS_PER_MONTH = 27
MIN_DAYS_FEBRUARY = 25
MIN_DAYS_PER_YEAR = 324
LIST_ALIASES = {
    "code": ["station_code", "station_id", "监测点编码", "站点编码", "编码"],
    "name": ["station_name", "监测点名称", "站点名称", "名称"],
    "city": ["城市", "city_name"],
    "lon": ["longitude", "经度"],
    "lat": ["latitude", "纬度"],
}
STATION_LIST_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(r"^\w+$"), unique=True, report_duplicates="all"),
        "lon": pa.Column(float, [finite(), pa.Check.in_range(-180.0, 360.0)]),
        "lat": pa.Column(float, [finite(), pa.Check.in_range(-90.0, 90.0)]),
    }
)


@dataclass
class StationMeans:
    """Station means of PM2.5 (ug/m3) with the counts behind them; NaN where a validity rule is not met."""

    stations: pd.DataFrame  # code, name, city, lon, lat
    monthly: pd.DataFrame  # code, month, n_days, pm25_ugm3 (NaN if n_days is too small), valid
    annual: pd.DataFrame  # code, n_days, pm25_ugm3 (NaN if n_days < 324), valid


def read_station_list(path: str | Path) -> pd.DataFrame:
    """code, name, city, lon, lat (degrees) of every station; codes unique, coordinates in range."""
    frame = read_table(path, required=["code", "lon", "lat"], aliases=LIST_ALIASES)
    frame = frame.assign(
        code=frame["code"].str.strip(), lon=numeric(frame, "lon", path), lat=numeric(frame, "lat", path)
    )
    frame = validate_frame(frame, STATION_LIST_SCHEMA, path)
    for column in ("name", "city"):
        if column not in frame.columns:
            frame[column] = ""
    return frame[["code", "name", "city", "lon", "lat"]].reset_index(drop=True)


def archive_date(path: str | Path, year: int | None = None) -> date:
    """The day of an archive file from its name ``china_sites_YYYYMMDD.csv`` (a valid date, in ``year``)."""
    match = ARCHIVE_NAME.search(Path(path).name)
    if not match:
        raise InputError(path, "file name", "china_sites_YYYYMMDD.csv")
    day = _parse_date(path, "file name", match["date"])
    if year is not None and day.year != year:
        raise InputError(path, "file name", f"a day of the study year {year}", match["date"])
    return day


def _parse_date(path: str | Path, field: str, text: str) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InputError(path, field, "a calendar date YYYYMMDD (month 1-12)", text) from None


def read_daily_file(path: str | Path, codes: Sequence[str], year: int | None = None) -> tuple[date, pd.Series]:
    """One day's file: its date and the daily mean PM2.5 per station code (NaN if < 20 hourly values)."""
    day = archive_date(path, year)
    frame, stations, cells = _read_day_table(path)
    unknown = sorted(set(stations) - set(codes))
    if unknown:
        raise InputError(path, "station columns", "station codes of the station list", f"unknown {unknown[:5]}")
    dates = frame["date"].str.strip().unique()
    if len(dates) != 1 or dates[0] != day.strftime("%Y%m%d"):
        bad = next((d for d in dates if d != day.strftime("%Y%m%d")), dates[0])
        _parse_date(path, "date", bad)
        raise InputError(path, "date", f"{day:%Y%m%d} (the file name's day) in every row", f"{list(dates)[:3]}")
    hours = numeric(frame, "hour", path)
    if not hours.between(0, 23).all() or (hours % 1 != 0).any():
        raise InputError(path, "hour", "whole hours 0-23", f"{hours[~hours.between(0, 23)].head(3).tolist()}")
    frame = frame.assign(hour=hours.astype(int), type=frame["type"].str.strip())
    repeated = frame.duplicated(["hour", "type"])
    if repeated.any():
        first = frame.loc[repeated, ["hour", "type"]].head(3).to_numpy().tolist()
        raise InputError(path, "hour", "one row per hour and type", f"repeated {first}")
    hourly = (frame["type"] == HOURLY_TYPE).to_numpy()
    if not hourly.any():
        raise InputError(path, "type", f"hourly rows of type {HOURLY_TYPE}", f"types {sorted(frame['type'].unique())}")
    values = _concentrations(path, cells[hourly], frame["hour"].to_numpy()[hourly], stations)
    counts, means = _nanmean(values.T)
    return day, pd.Series(np.where(counts >= MIN_HOURS_PER_DAY, means, np.nan), index=stations, dtype=float)


def _read_day_table(path: str | Path) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """The fixed columns as a frame of text cells, the station codes and their cells [row, station] as text.

    The text comes from :func:`exportpm.io.tabular.read_text` (encoding detection, empty files rejected); the
    rows from the standard ``csv`` module, since a frame of ~1,500 text columns per day would dominate the
    reading time of a year's archive.
    """
    rows = [row for row in csv.reader(io.StringIO(read_text(path))) if row and not row[0].startswith("#")]
    header = [c.strip() for c in rows[0]] if rows else []
    missing = [c for c in FIXED_COLUMNS if c not in header]
    if missing:
        raise InputError(path, ", ".join(missing), "columns of those names", f"columns {header[:8]}")
    if len(rows) < 2:
        raise InputError(path, "<rows>", "at least 1 data row(s)", "0")
    ragged = [k + 1 for k, row in enumerate(rows[1:]) if len(row) != len(header)]
    if ragged:
        raise InputError(
            path, "<table>", f"{len(header)} cells in every row (as the header)", f"data rows {ragged[:3]}"
        )
    repeated = sorted(c for c, n in Counter(header).items() if n > 1)
    if repeated:
        raise InputError(path, ", ".join(repeated[:5]), "each column once", "duplicated header")
    table = np.array(rows[1:], dtype=str)
    fixed = [header.index(c) for c in FIXED_COLUMNS]
    others = [k for k, c in enumerate(header) if c not in FIXED_COLUMNS]
    frame = pd.DataFrame(table[:, fixed], columns=list(FIXED_COLUMNS))
    return frame, [header[k] for k in others], table[:, others]


def _nanmean(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the number of finite values and their mean (NaN for none)."""
    finite_cells = np.isfinite(values)
    counts = finite_cells.sum(axis=1)
    sums = np.where(finite_cells, values, 0.0).sum(axis=1)
    return counts, np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _concentrations(path: str | Path, cells: np.ndarray, hours: np.ndarray, stations: list[str]) -> np.ndarray:
    """[hour row, station] ug/m3 from text cells; blank cells NaN; text, negative and infinite values rejected."""
    cells = np.char.strip(cells)
    blank = (cells == "") | np.isin(cells, ["NA", "nan", "NaN", "null", "—", "-"])
    flat = pd.to_numeric(pd.Series(np.where(blank, "nan", cells).ravel()), errors="coerce").to_numpy(float)
    values = flat.reshape(cells.shape)
    bad = (np.isnan(values) & ~blank) | np.isinf(values) | (values < 0)
    if bad.any():
        row, col = (int(v[0]) for v in np.nonzero(bad))
        raise InputError(
            path,
            stations[col],
            "finite concentrations >= 0 (ug/m3) or blank cells",
            f"{str(cells[row, col])!r} at hour {hours[row]}",
        )
    return values


def station_means(archive_files: Sequence[str | Path], station_list: str | Path, year: int) -> StationMeans:
    """Monthly and annual mean PM2.5 per station of ``year`` from the daily archive, with GB 3095-2012 rules.

    This is the library entry point for the station comparison (rule station_means, whose product
    ``evaluate_ctm`` and ``ctm_calibrate`` read): ``annual`` and ``monthly`` carry the counts of valid days
    and ``valid`` flags. Files are read in batches by :func:`_read_days_at_once`; a file it does not accept is
    read on its own by :func:`read_daily_file`, which names what is wrong with it.
    """
    stations = read_station_list(station_list)
    codes = list(stations["code"])
    paths = sorted(map(str, archive_files))
    parsed = _read_days_at_once(paths, set(codes), year)
    seen: dict[date, str] = {}
    daily = np.full((len(codes), 366 if calendar.isleap(year) else 365), np.nan)
    index = pd.Index(codes)
    for path in paths:
        day, means = parsed[path] if path in parsed else read_daily_file(path, codes, year)
        if day in seen:
            raise InputError(path, "file name", "one file per day", f"{day} also in {seen[day]}")
        seen[day] = path
        rows = index.get_indexer(means.index)  # every code is known (checked by the readers)
        daily[rows, day.timetuple().tm_yday - 1] = means.to_numpy()
    if not seen:
        raise InputError(station_list, "archive", f"daily files china_sites_{year}MMDD.csv", "none")
    return StationMeans(stations, _monthly(codes, daily, year), _annual(codes, daily))


BATCH_DAYS = 32  # files parsed together (one month's text, ~20 MB of values for 1,500 stations)
ARROW_BLANKS = ["", "NA", "nan", "NaN", "null", "-"]  # the ASCII blank markers of _concentrations
HOUR_TEXT = {str(h): h for h in range(24)}


def _read_days_at_once(paths: Sequence[str], codes: set[str], year: int) -> dict[str, tuple[date, pd.Series]]:
    """Path -> (day, daily means) for the archive files that pass every check of :func:`read_daily_file`,
    parsed in batches of consecutive files with the same header by one ``pyarrow.csv`` read each.

    Never raises: a file this reader cannot vouch for (not plain ASCII CSV, with or without a UTF-8
    byte-order mark, without quotes, comments or empty lines; any check failing; a cell arrow does not parse)
    is left out, and :func:`read_daily_file` reads it and reports what is wrong with it. For an accepted file
    the means are those :func:`read_daily_file` returns: the same cells, parsed to the same floats (correctly
    rounded), in the same [hour, station] layout and summed in the same order. Reading a year through
    ``read_daily_file`` costs ~8 s of per-file text handling for 1,500 stations; this reads it in ~1 s.
    """
    batches: list[tuple[bytes, list[tuple[str, date, bytes, int]]]] = []
    for path in paths:
        plain = _plain_day(path, year)
        if plain is None:
            continue
        raw = plain[1]
        header = raw[: raw.index(b"\n") + 1]
        if batches and batches[-1][0] == header and len(batches[-1][1]) < BATCH_DAYS:
            batches[-1][1].append((path, *plain))
        else:
            batches.append((header, [(path, *plain)]))
    parsed: dict[str, tuple[date, pd.Series]] = {}
    for header, members in batches:
        parsed.update(_read_batch(header, members, codes))
    return parsed


def _plain_day(path: str, year: int) -> tuple[date, bytes, int] | None:
    """(day, bytes, number of data rows) of an archive file in the plain form :func:`_read_batch` reads, else None."""
    try:
        day = archive_date(path, year)
        raw = Path(path).read_bytes()
    except (InputError, OSError):
        return None
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as read_text drops it
    lines = raw.count(b"\n")
    plain = (
        raw.isascii()  # the same text in UTF-8 and GB18030
        and raw.endswith(b"\n")
        and lines >= 2  # a header and at least one row
        and not raw.startswith((b"\n", b"\r"))
        and b"\n\n" not in raw
        and (b"\r" not in raw or (b"\n\r\n" not in raw and raw.count(b"\r") == raw.count(b"\r\n")))
        and b'"' not in raw
        and b"#" not in raw
    )
    return (day, raw, lines - 1) if plain else None


def _read_batch(
    header: bytes, members: list[tuple[str, date, bytes, int]], codes: set[str]
) -> dict[str, tuple[date, pd.Series]]:
    """The files of one batch (same header line) that pass every check, as in :func:`_read_days_at_once`.

    Long because it repeats, on arrays, each check of :func:`read_daily_file` in turn.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = header.decode("ascii").rstrip("\r\n").split(",")
    stations = [c for c in names if c not in FIXED_COLUMNS]
    if (
        any(c != c.strip() for c in names)
        or len(set(names)) != len(names)
        or not set(FIXED_COLUMNS) <= set(names)
        or not set(stations) <= codes
    ):
        return {}
    text = header + b"".join(raw[len(header) :] for _, _, raw, _ in members)
    types = {c: pa.string() for c in FIXED_COLUMNS} | {c: pa.float64() for c in stations}
    try:
        table = pacsv.read_csv(
            io.BytesIO(text),
            read_options=pacsv.ReadOptions(use_threads=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=ARROW_BLANKS,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return {}
    counts = [n for *_, n in members]
    columns = [table.column(c) for c in stations]
    if table.num_rows != sum(counts) or table.column_names != names:
        return {}
    values = np.column_stack([c.to_numpy() for c in columns]) if stations else np.empty((table.num_rows, 0))
    if int(np.isnan(values).sum()) != sum(c.null_count for c in columns):
        return {}  # a NaN that is not a blank cell (e.g. "-nan")
    fixed = {c: table.column(c).to_pylist() for c in FIXED_COLUMNS}
    parsed = {}
    start = 0
    for path, day, _, n in members:
        rows = slice(start, start + n)
        start += n
        stamp = day.strftime("%Y%m%d")
        hours, kinds = fixed["hour"][rows], fixed["type"][rows]
        if (
            any(d != stamp for d in fixed["date"][rows])
            or any(h not in HOUR_TEXT for h in hours)
            or any(k != k.strip() for k in kinds)
            or len(set(zip(hours, kinds, strict=True))) != n
        ):
            continue
        hourly = np.array([k == HOURLY_TYPE for k in kinds])
        if not hourly.any():
            continue
        cells = values[rows][hourly]  # a C-ordered [hour row, station] copy, as _concentrations returns
        present = ~np.isnan(cells)
        if (present & (np.signbit(cells) | np.isinf(cells) | (cells >= 2.0**53))).any():
            continue  # negative, -0, infinite or beyond exact integers: left to read_daily_file
        n_hours, means = _nanmean(cells.T)
        daily = np.where(n_hours >= MIN_HOURS_PER_DAY, means, np.nan)
        parsed[path] = (day, pd.Series(daily, index=stations, dtype=float))
    return parsed


def _monthly(codes: list[str], daily: np.ndarray, year: int) -> pd.DataFrame:
    rows = []
    start = 0
    for month in range(1, 13):
        length = calendar.monthrange(year, month)[1]
        block = daily[:, start : start + length]
        start += length
        n, mean = _nanmean(block)
        need = MIN_DAYS_FEBRUARY if month == 2 else MIN_DAYS_PER_MONTH
        valid = n >= need
        rows.append(
            pd.DataFrame(
                {"code": codes, "month": month, "n_days": n, "pm25_ugm3": np.where(valid, mean, np.nan), "valid": valid}
            )
        )
    return pd.concat(rows, ignore_index=True)


def _annual(codes: list[str], daily: np.ndarray) -> pd.DataFrame:
    n, mean = _nanmean(daily)
    valid = n >= MIN_DAYS_PER_YEAR
    return pd.DataFrame({"code": codes, "n_days": n, "pm25_ugm3": np.where(valid, mean, np.nan), "valid": valid})


def evaluation_frame(means: StationMeans) -> pd.DataFrame:
    """The valid means as rows station_id, lon, lat, month (1-12; 0 = annual), pm25_ugm3 for the evaluation."""
    coords = means.stations.set_index("code")[["lon", "lat"]]
    monthly = means.monthly[means.monthly["valid"]][["code", "month", "pm25_ugm3"]]
    annual = means.annual[means.annual["valid"]][["code", "pm25_ugm3"]].assign(month=0)
    frame = pd.concat([monthly, annual[["code", "month", "pm25_ugm3"]]], ignore_index=True)
    frame = frame.join(coords, on="code").rename(columns={"code": "station_id"})
    return frame[["station_id", "lon", "lat", "month", "pm25_ugm3"]].sort_values(
        ["station_id", "month"], ignore_index=True
    )


def write_archive_day(path: str | Path, day: date, hourly: dict[str, np.ndarray], codes: Sequence[str]) -> None:
    """Write one day in the platform's layout: ``hourly`` maps type -> [24, station] values (NaN = blank).

    Values are written as ``f"{v:.0f}"``; the cells of a day are formatted at once (:func:`_text_cells`).
    """
    from exportpm.io.atomic import atomic_output

    lines = [",".join([*FIXED_COLUMNS, *codes])]
    stamp = day.strftime("%Y%m%d")
    for kind, values in hourly.items():
        for hour, cells in enumerate(_text_cells(np.asarray(values, dtype=float)[:24]).tolist()):
            lines.append(",".join([stamp, str(hour), kind, *cells]))
    with atomic_output(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _text_cells(values: np.ndarray) -> np.ndarray:
    """[row, station] values as the text ``f"{v:.0f}"`` (blank for NaN), as an object array.

    Whole non-negative values (the platform's integer ug/m3) are looked up in a table of their decimal texts,
    which equal ``f"{v:.0f}"`` for them; any other value is formatted one by one.
    """
    blank = np.isnan(values)
    filled = np.where(blank, 0.0, values)
    whole = bool(np.all((filled >= 0) & (filled < 1e6) & (filled == np.floor(filled)) & ~np.signbit(filled)))
    if not whole:
        return np.array([["" if np.isnan(v) else f"{v:.0f}" for v in row] for row in values], dtype=object)
    ints = np.where(blank, -1, filled).astype(np.int64)
    table = np.array([*map(str, range(int(ints.max(initial=0)) + 1)), ""], dtype=object)  # index -1: blank
    return table[ints]
