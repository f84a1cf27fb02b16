"""The sheets a reviewer fills in (screening, coding review, data extraction), as CSV or as an
Excel workbook: the file name's ending chooses, and either kind is read back.

A reviewer who names `ta.xlsx` expects a workbook. Writing CSV bytes under that name gave a
file Excel refuses to open ("the file format or extension is not valid"). Reading looks at
the bytes, not the name, so a workbook saved as .csv by mistake is still read.

Cells are written as given: each sheet escapes its own display columns (`cells.safe_cell`),
because the columns it reads back must come back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from litsynth.biblio.readers import decode_bytes
from litsynth.biblio.readers_csv import sniff_delimiter
from litsynth.biblio.readers_sheet import spreadsheet_kind, workbook_rows
from litsynth.errors import LitsynthError

# Excel's most characters in a cell; a longer one makes Excel "repair" the whole file on open.
EXCEL_CELL_MAX = 32767
_CUT = " … [cut: longer than an Excel cell holds]"


def _fit(cell: str | float, illegal: re.Pattern[str]) -> str | float:
    """A cell a workbook can hold. The control characters openpyxl refuses the whole file
    over (`illegal`, its own pattern; a database export or a PDF's text layer carries them)
    are dropped, and a cell longer than Excel holds (an abstract pasted with its full text) is
    cut, saying so. Only display columns are ever that long; the columns read back are short.
    A number stays a number, so the sheet sorts it as one."""
    if not isinstance(cell, str):
        return cell
    cell = illegal.sub("", cell)
    if len(cell) <= EXCEL_CELL_MAX:
        return cell
    return cell[: EXCEL_CELL_MAX - len(_CUT)] + _CUT


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx"


def write_table(
    rows: Sequence[Sequence[str | float]],
    out: Path,
    *,
    title: str,
    decorate: Callable[[Any], None] | None = None,
    error: type[LitsynthError] = LitsynthError,
    lineterminator: str = "\n",
    workbook: bool | None = None,
) -> None:
    """`rows` (header first) as a workbook with one sheet `title` when `out` ends in .xlsx
    (or `workbook` says so), else as UTF-8 CSV with a byte-order mark (Excel's cue that it is
    not the local code page)."""
    try:
        if is_workbook(out) if workbook is None else workbook:
            from openpyxl import Workbook
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            book = Workbook()
            sheet = book.active
            sheet.title = title
            for row in rows:
                sheet.append([_fit(cell, ILLEGAL_CHARACTERS_RE) for cell in row])
            if decorate is not None:
                decorate(sheet)
            book.save(out)
            return
        buf = io.StringIO()
        csv.writer(buf, lineterminator=lineterminator).writerows(rows)
        out.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise error(f"cannot write {out}: {exc.strerror}", hint="check the folder") from None


def read_table(
    path: Path, *, error: type[LitsynthError] = LitsynthError, data: bytes | None = None
) -> list[list[str]]:
    """The rows of a sheet (header first): a workbook's first sheet, or CSV in UTF-8 or the
    encoding detected (Excel's "CSV" is the local code page), comma, semicolon or tab.
    `data`: the file's bytes when the caller has read them already."""
    try:
        data = path.read_bytes() if data is None else data
    except FileNotFoundError:
        raise error(f"{path} does not exist", hint="check the sheet's file name") from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}", hint="check the path") from None
    if spreadsheet_kind(data):
        try:
            return workbook_rows(data, path.name)
        except LitsynthError as exc:
            raise error(str(exc), hint=exc.hint) from None
    text, _encoding = decode_bytes(data)  # UTF-8, else detected: no byte is replaced
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def layout(widths: Mapping[str, float], wrap: Sequence[str] = ()) -> Callable[[Any], None]:
    """A workbook's look for a sheet read row by row: bold header kept in view, columns named
    in `widths` that wide (in characters), the `wrap` columns wrapped."""

    def decorate(sheet: Any) -> None:
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        sheet.freeze_panes = "A2"
        header = [c.value for c in sheet[1]]
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, name in enumerate(header, start=1):
            letter = get_column_letter(i)
            if name in widths:
                sheet.column_dimensions[letter].width = widths[name]
            if name in wrap:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        fit_rows(sheet, [i for i, name in enumerate(header, start=1) if name in wrap])

    return decorate


LINE_POINTS = 15.0  # a line of Calibri 11, a workbook's default face
MOST_POINTS = 409.0  # the tallest row Excel allows


def fit_rows(sheet: Any, wrapped: Sequence[int], *, first: int = 2) -> None:
    """Each row from `first` on as tall as the longest text of its `wrapped` columns (1-based)
    needs. Excel grows a row to its wrapped text as it opens the file, but LibreOffice keeps
    the height the file gives, one line: a screening sheet's titles and abstracts were drawn
    over the records below them."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widths = {i: sheet.column_dimensions[get_column_letter(i)].width or 8.43 for i in wrapped}
    top = Alignment(vertical="top")
    for r, row in enumerate(sheet.iter_rows(min_row=first), start=first):
        lines = 1
        for i in wrapped:
            value = row[i - 1].value if i <= len(row) else None
            if isinstance(value, str) and value:
                # a width unit is one "0"; text averages about 1.15 characters to it
                per = max(1, int(widths[i] * 1.15))
                lines = max(lines, sum(-(-max(1, len(part)) // per) for part in value.split("\n")))
        if lines > 1:
            sheet.row_dimensions[r].height = min(MOST_POINTS, lines * LINE_POINTS)
            for cell in row:  # the record's id and year beside the top of its abstract
                if cell.value is not None and not cell.alignment.wrap_text:
                    cell.alignment = top
