"""China's provincial MRIO in the CEADs spreadsheet layout (Zheng et al. 2021, Sci. Data 8:244).

One sheet (``Table_2017``); header rows with the province over each column block, sector or column names
(Chinese) and sector codes 01-42; one row per province-sector (province name on the first row of its block,
sector name, code), then value-added rows and total input. Columns: 31 x 42 intermediate use (province-major),
5 final-demand columns per province, export, import, other, total output. Units 10^4 CNY.

:func:`read_ceads_mrio` does not trust a fixed layout: it reads the sheet with python-calamine (through pandas)
and locates the sector-code header row, the province row, the final-demand, export / import / other / total
columns and the value-added rows by their labels (Chinese or English names, codes), reads the unit from the
title (万元, 亿元, 元, ...) and converts to 10^4 CNY, and reports the workbook's own balance residuals (row sums
vs total output, column sums plus value added vs total input). A missing value-added row, a blank or text cell,
a province block out of order or a row balance off by more than ``balance_rtol`` is an :class:`InputError`
naming the cell or block.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from exportpm.errors import InputError
from exportpm.io.atomic import atomic_output

log = logging.getLogger(__name__)
SHEET = "Table_2017"
FD_NAMES_ZH = ("农村居民消费", "城镇居民消费", "政府消费", "固定资本形成总额", "存货增加")
FD_CODES = ("FD_RURAL", "FD_URBAN", "FD_GOV", "FD_GFCF", "FD_INV")
TAIL_NAMES_ZH = ("出口", "进口", "其他", "总产出")
TAIL_CODES = ("EX", "IM", "OTHER", "TOTAL")
VA_NAMES_ZH = ("劳动者报酬", "生产税净额", "固定资产折旧", "营业盈余", "增加值合计", "总投入")
VA_CODES = ("VA_LAB", "VA_TAX", "VA_DEP", "VA_OS", "VA_TOTAL", "TI")
LABEL_COLUMNS = 3


def write_ceads_mrio(
    path: str | Path,
    provinces_zh: Sequence[str],
    sector_codes: Sequence[str],
    sector_names_zh: Sequence[str],
    Z: np.ndarray,
    FD: np.ndarray,
    exports: np.ndarray,
    imports: np.ndarray,
    other: np.ndarray,
    value_added: np.ndarray,
    output: np.ndarray,
    title: str,
) -> None:
    """Write the table as openpyxl writes it in write-only mode (the full table has about 1.9 million cells).

    openpyxl writes the workbook with every text cell (title, headers, row labels); the numeric cells, the
    bulk of the sheet, are then formatted in one ``str.format`` call per row exactly as openpyxl formats them
    (``<c r="D5" t="n"><v>%.16g</v></c>``) and spliced into the rows, so the file is the one openpyxl writes
    cell by cell, in a fraction of the time.
    """
    P, K = len(provinces_zh), len(sector_codes)
    nfd = len(FD_CODES)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([title])
    province_row: list = ["地区", None, None]
    name_row: list = ["", "部门", "代码"]
    code_row: list = [None, None, None]
    for p in range(P):
        province_row += [provinces_zh[p]] + [None] * (K - 1)
        name_row += list(sector_names_zh)
        code_row += list(sector_codes)
    for p in range(P):
        province_row += [provinces_zh[p]] + [None] * (nfd - 1)
        name_row += list(FD_NAMES_ZH)
        code_row += list(FD_CODES)
    province_row += [None] * len(TAIL_CODES)
    name_row += list(TAIL_NAMES_ZH)
    code_row += list(TAIL_CODES)
    for row in (province_row, name_row, code_row):
        ws.append(row)
    for r in range(P * K):
        p, k = divmod(r, K)
        ws.append([provinces_zh[p] if k == 0 else None, sector_names_zh[k], sector_codes[k]])
    for name, code in zip(VA_NAMES_ZH, VA_CODES, strict=True):
        ws.append([name, name, code])
    numbers = [np.column_stack([Z, FD, exports, imports, other, output])]
    numbers.append(np.vstack([value_added, value_added.sum(0, keepdims=True), output[None, :]]))
    with atomic_output(path) as tmp:
        wb.save(tmp)
        normalise_xlsx(tmp, sheet_numbers=(5, numbers))  # rows 1-4: title and the three header rows


def _column_letters(n: int) -> list[str]:
    """Spreadsheet column names A, B, ..., Z, AA, ... of the first ``n`` columns."""
    letters = []
    for index in range(1, n + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _numeric_rows(sheet_xml: bytes, first_row: int, blocks: Sequence[np.ndarray]) -> Iterator[bytes]:
    """``sheet_xml`` (openpyxl's, text cells only) with the numeric cells of ``blocks`` appended to its rows.

    Row ``first_row + i`` gets the values of the i-th row of the stacked blocks in the columns after
    LABEL_COLUMNS, formatted as openpyxl's ``safe_string`` does (``%.16g``; NaN and infinities as empty values).
    """
    text = sheet_xml.decode("utf-8")
    head, sep, tail = text.partition("</sheetData>")
    rows = head.split("</row>")
    width = max(block.shape[1] for block in blocks)
    letters = _column_letters(LABEL_COLUMNS + width)[LABEL_COLUMNS:]
    cells = [f'<c r="{letter}{{0}}" t="n"><v>{{{i}:.16g}}</v></c>' for i, letter in enumerate(letters, 1)]
    yield "</row>".join(rows[: first_row - 1]).encode("utf-8")
    index = first_row - 1
    for block in blocks:
        template = "".join(cells[: block.shape[1]])
        finite = bool(np.isfinite(block).all())
        chunk = []
        for values in block.tolist():
            line = template.format(index + 1, *values)
            if not finite:
                line = re.sub(r"<v>(-?inf|nan)</v>", "<v />", line)
            chunk.append(f"</row>{rows[index]}{line}")
            index += 1
            if len(chunk) == 64:
                yield "".join(chunk).encode("utf-8")
                chunk = []
        yield "".join(chunk).encode("utf-8")
    if index != len(rows) - 1:
        raise ValueError(f"CEADs writer: {len(rows) - 1} rows in the sheet, {index} with numbers")
    yield f"</row>{rows[index]}{sep}{tail}".encode()


def normalise_xlsx(
    path: Path,
    stamp: str = "2017-12-31T00:00:00Z",
    sheet_numbers: tuple[int, Sequence[np.ndarray]] | None = None,
) -> None:
    """Make an .xlsx byte-reproducible: fixed zip entry times and fixed document timestamps.

    With ``sheet_numbers = (first_row, blocks)`` the rows of the (single) worksheet from ``first_row`` on also
    get the numeric cells of ``blocks``, streamed into the archive (see :func:`_numeric_rows`).
    """
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            info = zipfile.ZipInfo(name, date_time=(2017, 12, 31, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if sheet_numbers is not None and name == "xl/worksheets/sheet1.xml":
                with dst.open(info, "w") as handle:
                    for piece in _numeric_rows(data, *sheet_numbers):
                        handle.write(piece)
            else:
                dst.writestr(info, data)


@dataclass
class CeadsTable:
    """The provincial MRIO as arrays (10^4 CNY), rows and columns province-major."""

    title: str
    provinces: list[str]
    sectors: list[str]
    Z: np.ndarray
    FD: np.ndarray
    exports: np.ndarray
    imports: np.ndarray
    other: np.ndarray
    output: np.ndarray
    value_added: np.ndarray  # (4, n): labour, taxes, depreciation, surplus
    units: str = "10^4 CNY"
    residuals: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The (province, sector) label of each row, province-major."""
        return [(p, s) for p in self.provinces for s in self.sectors]


# Labels each block is found by (lower-case; Chinese, English, code).
FD_LABELS = {
    "FD_RURAL": ("农村居民消费", "农村居民消费支出", "rural household consumption", "fd_rural"),
    "FD_URBAN": ("城镇居民消费", "城镇居民消费支出", "urban household consumption", "fd_urban"),
    "FD_GOV": ("政府消费", "政府消费支出", "government consumption", "fd_gov"),
    "FD_GFCF": (
        "固定资本形成总额",
        "固定资本形成",
        "gross fixed capital formation",
        "fixed capital formation",
        "fd_gfcf",
    ),
    "FD_INV": ("存货增加", "存货变动", "inventory increase", "changes in inventories", "fd_inv"),
}
TAIL_LABELS = {
    "EX": ("出口", "export", "exports", "ex"),
    "IM": ("进口", "import", "imports", "im"),
    "OTHER": ("其他", "误差", "其他及误差", "other", "error", "statistical error"),
    "TOTAL": ("总产出", "总计", "total output", "output", "total"),
}
VA_LABELS = {
    "VA_LAB": ("劳动者报酬", "compensation of employees", "labour compensation", "va_lab"),
    "VA_TAX": ("生产税净额", "net taxes on production", "net production taxes", "va_tax"),
    "VA_DEP": ("固定资产折旧", "depreciation of fixed capital", "depreciation", "va_dep"),
    "VA_OS": ("营业盈余", "operating surplus", "va_os"),
    "VA_TOTAL": ("增加值合计", "增加值", "total value added", "value added", "va_total"),
    "TI": ("总投入", "total input", "ti"),
}
UNITS = {"万元": 1.0, "亿元": 1e4, "百万元": 1e2, "千元": 0.1, "元": 1e-4}  # factor to 10^4 CNY
HEADER_SEARCH_ROWS = 12


def _label(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return re.sub(r"\s+", " ", text).strip().lower().removesuffix(".0")


def _sector_code(value: object) -> str | None:
    text = _label(value)
    return text.zfill(2) if re.fullmatch(r"\d{1,2}", text) and 1 <= int(text) <= 42 else None


def _match(value: object, labels: dict[str, tuple[str, ...]]) -> str | None:
    text = _label(value)
    for code, names in labels.items():
        if text in names:
            return code
    return None


def _cell(row: int, column: int) -> str:
    """Excel address of a 0-based cell (A1 style)."""
    letters, column = "", column + 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _province(value: object) -> str | None:
    from exportpm.io.yearbook import PROVINCE_SUFFIXES

    text = _label(value)
    if not text:
        return None
    names = _province_names()
    return names.get(text) or names.get(re.sub(PROVINCE_SUFFIXES, "", text))


@cache
def _province_names() -> dict[str, str]:
    from exportpm.resources import resource

    table = resource("provinces31")
    names = {}
    for _, row in table.iterrows():
        for key in (row["name_zh"], row["name_en"], row["iso3166_2"]):  # not NBS codes: they look like sectors
            names[str(key).strip().lower()] = row["name_zh"]
    return names


def _read_sheet(path: Path) -> pd.DataFrame:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    except Exception as err:  # calamine raises its own errors on damaged or non-xlsx files
        raise InputError(path, "<file>", "an .xlsx workbook", f"{type(err).__name__}: {str(err)[:160]}") from None
    if SHEET in sheets:
        return sheets[SHEET]
    if len(sheets) == 1:
        return next(iter(sheets.values()))
    raise InputError(path, "sheet", f"a sheet named {SHEET} (or a single sheet)", f"{list(sheets)}")


def _header_rows(grid: np.ndarray, path: Path) -> tuple[int, int]:
    """(sector-code row, province row): the row of the most sector codes, the row above it of the most provinces."""
    code_row = None
    for r in range(min(HEADER_SEARCH_ROWS, grid.shape[0])):  # the topmost row of codes repeated per block
        codes = [c for c in (_sector_code(v) for v in grid[r]) if c]
        if len(codes) >= 2 and len(set(codes)) < len(codes):
            code_row = r
            break
    if code_row is None:
        raise InputError(
            path,
            "header rows",
            f"a header row of sector codes 01-42 (one block per province) in the first {HEADER_SEARCH_ROWS} rows",
            "none",
        )
    provinces = [sum(_province(v) is not None for v in grid[r]) for r in range(code_row)]
    if not provinces or max(provinces) == 0:
        raise InputError(
            path,
            "province row",
            f"a header row naming the province of each column block, above the sector codes (row {code_row + 1})",
            "none",
        )
    return code_row, int(np.argmax(provinces))


def read_ceads_mrio(path: str | Path, balance_rtol: float = 1e-3) -> CeadsTable:
    """Read a CEADs-layout provincial MRIO by its labels (see the module docstring); 10^4 CNY.

    Long because every block of the workbook is located, converted and checked in turn; each step names its block.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "<file>", "an existing .xlsx workbook")
    grid = _read_sheet(path).to_numpy(dtype=object)
    if grid.shape[0] < 6:
        raise InputError(
            path, "rows", "header rows, province-sector rows and value-added rows", f"{grid.shape[0]} rows"
        )
    code_row, province_row = _header_rows(grid, path)
    columns = _columns(grid, code_row, province_row, path)
    rows = _rows(grid, code_row, columns["first"], path)
    provinces, sectors = columns["provinces"], columns["sectors"]
    expected = [(p, k) for p in provinces for k in sectors]
    if rows["labels"] != expected:
        padded = rows["labels"] + [None] * len(expected)
        bad = next(i for i, (a, b) in enumerate(zip(padded[: len(expected)], expected, strict=True)) if a != b)
        found = rows["labels"][bad] if bad < len(rows["labels"]) else "no row"
        raise InputError(
            path,
            f"row {rows['index'][min(bad, len(rows['index']) - 1)] + 1}",
            f"province-sector rows in the column order, here {expected[bad]}",
            f"{found}",
        )
    title = " ".join(_label(v) and str(v) for v in grid[: code_row + 1, 0] if _label(v))
    units, factor = _units(grid[: code_row + 1], path)
    value_columns = [*columns["Z"], *columns["FD"], *columns["tail"]]
    values = _numbers(grid, rows["index"], value_columns, path) * factor
    n, nfd = len(expected), len(columns["FD"])
    va_rows = [rows["va"][code] for code in VA_CODES]
    va = _numbers(grid, va_rows, columns["Z"], path) * factor
    output = values[:, n + nfd + 3]
    if (output < 0).any():
        raise InputError(path, "total output", "non-negative total output", f"{(output < 0).sum()} negative rows")
    table = CeadsTable(
        title,
        provinces,
        sectors,
        values[:, :n],
        values[:, n : n + nfd],
        values[:, n + nfd],
        values[:, n + nfd + 1],
        values[:, n + nfd + 2],
        output,
        va[:4],
        units,
    )
    table.residuals = balance_residuals(table, va[4], va[5])
    log.info(
        "%s: %d provinces x %d sectors, unit %s; balance residuals (relative to the largest output): %s",
        path,
        len(provinces),
        len(sectors),
        units,
        ", ".join(f"{k} {v:.2e}" for k, v in table.residuals.items()),
    )
    if table.residuals["row_balance"] > balance_rtol:
        raise InputError(
            path,
            "row balance",
            f"intermediate + final use + exports - imports + other = total output "
            f"within {balance_rtol:g} (relative to the largest output)",
            f"residual {table.residuals['row_balance']:.3g} (a block read shifted?)",
        )
    return table


def balance_residuals(table: CeadsTable, va_total: np.ndarray, total_input: np.ndarray) -> dict[str, float]:
    """The workbook's own balances, largest absolute gap relative to the largest total output."""
    scale = max(float(np.abs(table.output).max()), 1e-30)
    rows = table.Z.sum(1) + table.FD.sum(1) + table.exports - table.imports + table.other
    return {
        "row_balance": float(np.abs(rows - table.output).max() / scale),
        "column_balance": float(np.abs(table.Z.sum(0) + va_total - total_input).max() / scale),
        "value_added_total": float(np.abs(table.value_added.sum(0) - va_total).max() / scale),
        "input_vs_output": float(np.abs(total_input - table.output).max() / scale),
    }


def _columns(grid: np.ndarray, code_row: int, province_row: int, path: Path) -> dict:
    """Intermediate columns (by sector code under a province), final-demand columns and the tail columns.

    Long because each column block (intermediate, final demand, trade, total) is found by its labels in turn.
    """
    header = grid[: code_row + 1]
    provinces_by_col, current = [], None
    for value in grid[province_row]:
        current = _province(value) or current
        provinces_by_col.append(current)
    z_cols = [c for c, v in enumerate(grid[code_row]) if _sector_code(v) and provinces_by_col[c]]
    if not z_cols:
        raise InputError(path, f"row {code_row + 1}", "sector codes under province names")
    first = z_cols[0]
    blocks: dict[str, list[str]] = {}
    for c in z_cols:
        blocks.setdefault(provinces_by_col[c], []).append(_sector_code(grid[code_row, c]))
    provinces = list(blocks)
    sectors = blocks[provinces[0]]
    for province, codes in blocks.items():
        if codes != sectors:
            raise InputError(
                path, f"column block {province}", f"the sector codes {sectors} of the first block", f"{codes}"
            )
    if len(set(sectors)) != len(sectors):
        raise InputError(
            path,
            f"row {code_row + 1}",
            "each sector code once per province block",
            f"{sorted({s for s in sectors if sectors.count(s) > 1})}",
        )
    fd: dict[tuple[str, str], int] = {}
    tail: dict[str, int] = {}
    for c in range(z_cols[-1] + 1, grid.shape[1]):
        labels = [header[r, c] for r in range(header.shape[0])]
        category = next((m for m in (_match(v, FD_LABELS) for v in labels) if m), None)
        end = next((m for m in (_match(v, TAIL_LABELS) for v in labels) if m), None)
        if category:
            key = (provinces_by_col[c], category)
            if key in fd:
                raise InputError(
                    path,
                    f"column {_cell(code_row, c)}",
                    "each final-demand column once per province",
                    f"a second {category} for {key[0]}",
                )
            fd[key] = c
        elif end and end not in tail:
            tail[end] = c
    missing_fd = [f"{p} {k}" for p in provinces for k in FD_CODES if (p, k) not in fd]
    if missing_fd:
        raise InputError(
            path, "final-demand columns", f"{FD_CODES} ({FD_NAMES_ZH}) for every province", f"missing {missing_fd[:5]}"
        )
    missing_tail = [code for code in TAIL_CODES if code not in tail]
    if missing_tail:
        raise InputError(
            path,
            ", ".join(missing_tail),
            f"columns {TAIL_NAMES_ZH} ({TAIL_CODES}) after final demand",
            f"not found in header rows 1-{code_row + 1}",
        )
    return {
        "first": first,
        "provinces": provinces,
        "sectors": sectors,
        "Z": z_cols,
        "FD": [fd[(p, k)] for p in provinces for k in FD_CODES],
        "tail": [tail[c] for c in TAIL_CODES],
    }


def _rows(grid: np.ndarray, code_row: int, first_value_col: int, path: Path) -> dict:
    """Province-sector rows (sector code in a label column) and the value-added rows (by label)."""
    labels, index, va, current = [], [], {}, None
    for r in range(code_row + 1, grid.shape[0]):
        cells = grid[r, :first_value_col]
        va_code = next((m for m in (_match(v, VA_LABELS) for v in cells) if m), None)
        if va_code:
            if va_code in va:
                raise InputError(path, f"row {r + 1}", f"the value-added row {va_code} once", "a second one")
            va[va_code] = r
            continue
        current = next((p for p in (_province(v) for v in cells) if p), current)
        code = next((c for c in (_sector_code(v) for v in reversed(cells)) if c), None)
        if code is not None:
            if va:
                raise InputError(
                    path,
                    f"row {r + 1}",
                    "province-sector rows above the value-added rows",
                    f"sector {code} below {sorted(va)}",
                )
            labels.append((current, code))
            index.append(r)
        elif any(_label(v) for v in grid[r]):
            raise InputError(
                path,
                f"row {r + 1}",
                f"a province-sector row (code 01-42) or a value-added row ({', '.join(VA_NAMES_ZH)})",
                f"{[str(v) for v in cells]}",
            )
    missing = [f"{code} ({name})" for code, name in zip(VA_CODES, VA_NAMES_ZH, strict=True) if code not in va]
    if missing:
        raise InputError(
            path, "value-added rows", f"the rows {VA_CODES} below the province-sector rows", f"missing {missing}"
        )
    return {"labels": labels, "index": index, "va": va}


def _units(header: np.ndarray, path: Path) -> tuple[str, float]:
    """The unit stated in the header rows (单位：万元, 亿元, ...; 10^4 CNY) and its factor to 10^4 CNY."""
    text = " ".join(str(v) for v in header.ravel() if _label(v))
    match = re.search(r"单位[:：]?\s*(百万元|千元|万元|亿元|元)", text) or re.search(r"(百万元|千元|万元|亿元)", text)
    if match:
        unit = match.group(1)
        return f"{unit} ({UNITS[unit]:g} x 10^4 CNY)", UNITS[unit]
    if re.search(r"10\^4 cny|10,000 yuan|ten thousand yuan", text.lower()):
        return "10^4 CNY", 1.0
    raise InputError(path, "unit", "a unit in the title or header rows (e.g. 单位：万元 / 10^4 CNY)", "none stated")


def _numbers(grid: np.ndarray, rows: list[int], columns: list[int], path: Path) -> np.ndarray:
    """The cells as float64; a blank, text or non-finite cell is an error naming its address."""
    block = grid[np.ix_(rows, columns)]
    try:
        values = block.astype(np.float64)
    except (TypeError, ValueError):
        values = None
    if values is not None and np.isfinite(values).all():
        return values
    for i, r in enumerate(rows):
        for j, c in enumerate(columns):
            cell = block[i, j]
            try:
                number = float(cell)
            except (TypeError, ValueError):
                number = np.nan
            if not np.isfinite(number):
                kind = "blank" if not _label(cell) else repr(cell)
                raise InputError(path, f"cell {_cell(r, c)}", "a finite number in every data cell", kind)
    raise InputError(path, "values", "numbers in every data cell")  # not reached: a bad cell was found above
