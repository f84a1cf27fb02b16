"""Reading a filled-in screening sheet: CSV as Excel saves it in any locale, or a workbook.

`screening_import.import_sheet` and the pipeline's resolution sheets read rows through here;
`screening_rules.parse_sheet` then judges each row. Lines are numbered as the reviewer's
spreadsheet numbers its rows (the header is line 1), so a problem can be found in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from litsynth.biblio.readers_sheet import spreadsheet_kind
from litsynth.biblio.sheet_files import read_table
from litsynth.errors import ScreeningError


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) as we write it; else what Excel's 'CSV' saves (cp1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("cp1252", errors="replace")


def read_file(path: Path) -> bytes:
    """A sheet's or another tool's export's bytes, or the screening error that says why not."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScreeningError(f"cannot read {path}: {exc.strerror}", hint="check the path") from None


def sheet_rows(path: Path, data: bytes | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) pairs of a sheet, CSV or workbook; header names match in any case."""
    data = read_file(path) if data is None else data
    if spreadsheet_kind(data):
        yield from _workbook_sheet_rows(path, data)
        return
    text = _decode(data)
    first = text.split("\n", 1)[0]
    # Excel in comma-decimal locales saves CSV with semicolons
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    _check_header(path, header)
    line = reader.line_num + 1
    for row in reader:
        yield line, _by_header(header, row)
        line = reader.line_num + 1


def _workbook_sheet_rows(path: Path, data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """`sheet_rows` of an .xlsx: its first sheet, lines numbered as Excel shows its rows."""
    table = read_table(path, error=ScreeningError, data=data)
    header = [h.strip().lower() for h in table[0]] if table else []
    _check_header(path, header)
    for line, row in enumerate(table[1:], start=2):
        yield line, _by_header(header, row)


def _by_header(header: list[str], row: list[str]) -> dict[str, str]:
    """A row's cells by column name; a short row's missing cells are blank."""
    return {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}


def _check_header(path: Path, header: list[str]) -> None:
    if "record_id" not in header or "decision" not in header:
        raise ScreeningError(
            f"{path} has no record_id and decision columns (header: {', '.join(header)})",
            hint="export a sheet with `litsynth screen export` and fill in its decision column",
        )


def is_screening_sheet(path: Path, data: bytes) -> bool:
    """Whether a file has a sheet's record_id and decision columns: else it may be another
    screening tool's export (`screening_tools`)."""
    if not spreadsheet_kind(data):
        first = _decode(data[:65536]).split("\n", 1)[0].lower()
        return "record_id" in first and "decision" in first
    try:
        next(sheet_rows(path, data), None)
    except ScreeningError:
        return False
    return True
