"""China's provincial MRIO in the CEADs spreadsheet layout (Zheng et al. 2021, Sci. Data 8:244).

One sheet ``Table_2017``; four header rows (title; province over each column block; sector or column names
in Chinese; sector codes); one row per province-sector (province name on the first row of its block, sector
name, code), then value-added rows and total input. Columns: 31 x 42 intermediate use (province-major),
5 final-demand columns per province, export, import, other, total output. Units 10^4 CNY.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl import Workbook, load_workbook

from exportpm.errors import InputError
from exportpm.io.atomic import atomic_output

SHEET = "Table_2017"
FD_NAMES_ZH = ("农村居民消费", "城镇居民消费", "政府消费", "固定资本形成总额", "存货增加")
FD_CODES = ("FD_RURAL", "FD_URBAN", "FD_GOV", "FD_GFCF", "FD_INV")
TAIL_NAMES_ZH = ("出口", "进口", "其他", "总产出")
TAIL_CODES = ("EX", "IM", "OTHER", "TOTAL")
VA_NAMES_ZH = ("劳动者报酬", "生产税净额", "固定资产折旧", "营业盈余", "增加值合计", "总投入")
VA_CODES = ("VA_LAB", "VA_TAX", "VA_DEP", "VA_OS", "VA_TOTAL", "TI")
LABEL_COLUMNS = 3


def write_ceads_mrio(path: str | Path, provinces_zh: Sequence[str], sector_codes: Sequence[str],
                     sector_names_zh: Sequence[str], Z: np.ndarray, FD: np.ndarray, exports: np.ndarray,
                     imports: np.ndarray, other: np.ndarray, value_added: np.ndarray, output: np.ndarray,
                     title: str) -> None:
    """Write the table with openpyxl in write-only mode (the full table has about 1.9 million cells)."""
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
    tail = np.column_stack([exports, imports, other, output])
    for r in range(P * K):
        p, k = divmod(r, K)
        label = [provinces_zh[p] if k == 0 else None, sector_names_zh[k], sector_codes[k]]
        ws.append(label + Z[r].tolist() + FD[r].tolist() + tail[r].tolist())
    va_rows = np.vstack([value_added, value_added.sum(0, keepdims=True), output[None, :]])
    for name, code, values in zip(VA_NAMES_ZH, VA_CODES, va_rows, strict=True):
        ws.append([name, name, code, *values.tolist()])
    with atomic_output(path) as tmp:
        wb.save(tmp)
        normalise_xlsx(tmp)


def normalise_xlsx(path: Path, stamp: str = "2017-12-31T00:00:00Z") -> None:
    """Make an .xlsx byte-reproducible: fixed zip entry times and fixed document timestamps."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            info = zipfile.ZipInfo(name, date_time=(2017, 12, 31, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
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

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [(p, s) for p in self.provinces for s in self.sectors]


def read_ceads_mrio(path: str | Path) -> CeadsTable:
    """Read the CEADs layout written by ``write_ceads_mrio`` (and by CEADs): checks labels and shapes."""
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:
        raise InputError(path, "<file>", "an .xlsx workbook") from err
    if SHEET not in wb.sheetnames:
        raise InputError(path, "sheet", f"a sheet named {SHEET}", f"{wb.sheetnames}")
    rows = list(wb[SHEET].iter_rows(values_only=True))
    wb.close()
    if len(rows) < 6:
        raise InputError(path, "rows", "4 header rows, province-sector rows and value-added rows")
    title, province_row, code_row = rows[0][0] or "", rows[1], rows[3]
    codes = [str(c) for c in code_row[LABEL_COLUMNS:]]
    n_fd = codes.index(FD_CODES[0]) if FD_CODES[0] in codes else -1
    if n_fd <= 0 or codes[-len(TAIL_CODES):] != list(TAIL_CODES):
        raise InputError(path, "header row 4", f"sector codes, then {FD_CODES} per province, then {TAIL_CODES}")
    block_provinces = [str(p) for p in province_row[LABEL_COLUMNS:LABEL_COLUMNS + n_fd] if p]
    sectors = codes[: n_fd // max(len(block_provinces), 1)]
    if len(block_provinces) * len(sectors) != n_fd or codes[:n_fd] != sectors * len(block_provinces):
        raise InputError(path, "header rows 2 and 4", "one block of identical sector codes per province")
    n = n_fd
    body = rows[4:4 + n]
    province, expected = None, [(p, s) for p in block_provinces for s in sectors]
    for r, row in enumerate(body):
        province = str(row[0]) if row[0] else province
        if (province, str(row[2])) != expected[r]:
            raise InputError(path, f"row {r + 5}", f"province-sector {expected[r]}", f"{(province, row[2])}")
    try:
        values = np.array([row[LABEL_COLUMNS:] for row in body], dtype=np.float64)
        va = np.array([row[LABEL_COLUMNS:LABEL_COLUMNS + n] for row in rows[4 + n:4 + n + 4]], dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputError(path, "values", "numbers in every data cell") from err
    if va.shape != (4, n):
        raise InputError(path, "value-added rows", f"4 rows {VA_CODES[:4]} below the intermediate rows")
    nfd_cols = len(FD_CODES) * len(block_provinces)
    output = values[:, n + nfd_cols + 3]
    if (output < 0).any():
        raise InputError(path, "total output", "non-negative total output", f"{(output < 0).sum()} negative rows")
    return CeadsTable(str(title), block_provinces, sectors, values[:, :n], values[:, n:n + nfd_cols],
                      values[:, n + nfd_cols], values[:, n + nfd_cols + 1], values[:, n + nfd_cols + 2], output, va)
