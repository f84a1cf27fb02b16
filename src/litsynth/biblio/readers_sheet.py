"""Spreadsheet exports (.xlsx, and the old .xls that Web of Science still calls "Excel") -> raw
entries, through the same column matching as CSV (readers_csv.read_table).

A spreadsheet is bytes, not text, so it is recognised by its container before any decoding:
an .xlsx is a zip holding `xl/workbook.xml`, an .xls an OLE2 file xlrd can open. Messages name
the sheet row (row 1 is the header), which is what the person sees in Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from litsynth.biblio.readers_base import ReadResult
from litsynth.biblio.readers_csv import header_row, read_table, unread_columns
from litsynth.errors import BiblioError

_OLE2 = b"\xd0\xcf\x11\xe0"


def spreadsheet_kind(data: bytes) -> str | None:
    """'xlsx', 'xls' or None (not a spreadsheet) from the bytes alone."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        return "xlsx" if "xl/workbook.xml" in names else None
    if data.startswith(_OLE2):
        return "xls"
    return None


def _cell(value: object) -> str:
    """A cell as the text a CSV export would hold: 2019.0 -> "2019", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def _pick(names: list[str], sheet: str | None, file_name: str) -> int:
    if sheet is None:
        return 0
    if sheet in names:
        return names.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    raise BiblioError(
        f"{file_name} has no sheet {sheet!r} (its sheets: {', '.join(names)})",
        hint="pass --sheet with one of those names, or its number counting from 1",
    )


def _xlsx_rows(data: bytes, sheet: str | None, file_name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise BiblioError(f"{file_name}: unreadable .xlsx ({exc.__class__.__name__})",
                          hint="open it in Excel and save it again") from None  # fmt: skip
    try:
        ws = book.worksheets[_pick(book.sheetnames, sheet, file_name)]
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()


def _xls_rows(data: bytes, sheet: str | None, file_name: str) -> list[list[str]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        raise BiblioError(f"{file_name}: an old Office file that is not an Excel sheet ({exc})",
                          hint="export as RIS, BibTeX or CSV") from None  # fmt: skip
    ws = book.sheet_by_index(_pick(book.sheet_names(), sheet, file_name))
    rows = []
    for r in range(ws.nrows):
        cells = []
        for c, value in enumerate(ws.row_values(r)):
            if ws.cell_type(r, c) == xlrd.XL_CELL_DATE:
                value = xlrd.xldate_as_datetime(value, book.datemode)
            cells.append(_cell(value))
        rows.append(cells)
    return rows


def workbook_rows(data: bytes, file_name: str, *, sheet: str | None = None) -> list[list[str]]:
    """The cells of the first sheet (or `sheet`, by name or 1-based number) as text."""
    kind = spreadsheet_kind(data)
    if kind is None:
        raise BiblioError(f"{file_name} is not an .xlsx or .xls workbook",
                          hint="export as RIS, BibTeX, CSV or Excel")  # fmt: skip
    return (_xlsx_rows if kind == "xlsx" else _xls_rows)(data, sheet, file_name)


def read_spreadsheet(data: bytes, file_name: str, *, sheet: str | None = None) -> ReadResult:
    """Records from the first sheet (or `sheet`, by name or 1-based number) of a workbook."""
    rows = workbook_rows(data, file_name, sheet=sheet)
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        return ReadResult(entries=(), rejected=())
    at = header_row(rows)
    header = rows[at]
    while header and not header[-1].strip():  # trailing empty header cells (Excel's used range)
        header = header[:-1]
    width = len(header)
    numbered = (
        # padded to the header's width; a row with cells beyond it keeps them, so read_table
        # rejects it with its row number instead of dropping what is out there
        (n, row if any(c.strip() for c in row[width:]) else (row + [""] * width)[:width])
        for n, row in enumerate(rows[at + 1 :], start=at + 2)
    )
    entries, rejected = read_table(header, numbered, file_name)
    return ReadResult(entries=entries, rejected=rejected, warnings=unread_columns(header, entries))
