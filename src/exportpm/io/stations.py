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

    This is the library entry point for the station comparison (``evaluate_ctm``) and for calibrating a CTM to
    the stations: ``annual`` and ``monthly`` carry the counts of valid days and ``valid`` flags.
    """
    stations = read_station_list(station_list)
    codes = list(stations["code"])
    seen: dict[date, str] = {}
    daily = np.full((len(codes), 366 if calendar.isleap(year) else 365), np.nan)
    index = {c: k for k, c in enumerate(codes)}
    for path in sorted(map(str, archive_files)):
        day, means = read_daily_file(path, codes, year)
        if day in seen:
            raise InputError(path, "file name", "one file per day", f"{day} also in {seen[day]}")
        seen[day] = path
        rows = [index[c] for c in means.index]
        daily[rows, day.timetuple().tm_yday - 1] = means.to_numpy()
    if not seen:
        raise InputError(station_list, "archive", f"daily files china_sites_{year}MMDD.csv", "none")
    return StationMeans(stations, _monthly(codes, daily, year), _annual(codes, daily))


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
    """Write one day in the platform's layout: ``hourly`` maps type -> [24, station] values (NaN = blank)."""
    from exportpm.io.atomic import atomic_output

    lines = [",".join([*FIXED_COLUMNS, *codes])]
    for kind, values in hourly.items():
        for hour in range(24):
            cells = ["" if np.isnan(v) else f"{v:.0f}" for v in values[hour]]
            lines.append(",".join([day.strftime("%Y%m%d"), str(hour), kind, *cells]))
    with atomic_output(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
