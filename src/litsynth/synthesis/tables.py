"""Writers for matrices: CSV (counts + long back-links), XLSX (openpyxl), Markdown, and Word
(word.py).

Each writer keeps the back-links beside the numbers, since a count a reader cannot trace to
passages is not evidence: the CSV writes a second, long-format file; the XLSX workbook links
every non-empty count cell to the first of its passages on the "Passages" sheet; Markdown
lists a few quotes per cell under the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from litsynth.biblio.sheet_files import fit_rows
from litsynth.cells import safe_cell
from litsynth.synthesis.display import display_frame, legend
from litsynth.synthesis.matrix import Matrix

if TYPE_CHECKING:  # pandas and openpyxl load only when a table is written (CLI start-up)
    import pandas as pd

FORMATS = ("csv", "xlsx", "md", "docx")


def format_of(path: Path, explicit: str | None) -> str:
    """The output format: the flag, else the file suffix ("out.xlsx"), else Markdown."""
    if explicit:
        return explicit
    suffix = path.suffix.lower().lstrip(".")
    return (
        {"markdown": "md", "xls": "xlsx"}.get(suffix, suffix)
        if suffix in (*FORMATS, "markdown")
        else "md"
    )


def _md_escape(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(matrix: Matrix, *, links_per_cell: int = 0) -> str:
    """A pipe table (GitHub style) and, if asked, up to `links_per_cell` quotes per cell."""
    frame = display_frame(matrix)
    corner = matrix.rows.replace("attr:", "")
    header = [corner, *map(str, frame.columns)]
    lines = [
        "| " + " | ".join(_md_escape(h) for h in header) + " |",
        "|" + "|".join(["---", *(["---:"] * len(frame.columns))]) + "|",
    ]
    for label, row in frame.iterrows():
        lines.append("| " + " | ".join(_md_escape(v) for v in [label, *row.tolist()]) + " |")
    lines += ["", legend(matrix)]
    if links_per_cell > 0:
        lines += ["", "### Passages behind each cell", ""]
        for (r, c), refs in matrix.ordered_cells():
            lines.append(
                f"**{_md_escape(matrix.row_labels[r])} × {_md_escape(matrix.col_labels[c])}**"
            )
            lines.append("")
            for ref in refs[:links_per_cell]:
                said = _md_escape(ref.shown_quote)
                lines.append(f"- {_md_escape(ref.citation)} — “{said}” (`{ref.chunk_id}`)")
            if len(refs) > links_per_cell:
                lines.append(f"- … and {len(refs) - links_per_cell} more")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def links_path(path: Path) -> Path:
    """Where the CSV writer puts the back-links: "matrix.csv" → "matrix-passages.csv"."""
    return path.with_name(f"{path.stem}-passages{path.suffix or '.csv'}")


_TEXT_COLUMNS = ("row", "column", "citation", "quote")


def _safe_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The text a corpus supplies (quotes, citations, labels) escaped for spreadsheets."""
    out = frame.copy()
    for column in _TEXT_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(lambda v: safe_cell(v) if isinstance(v, str) else v)
    return out


def write_csv(matrix: Matrix, path: Path) -> list[Path]:
    """Counts (with totals) to `path`, back-links in long format beside it. Returns both paths."""
    frame = matrix.table(what="passages")
    frame.index.name = matrix.rows
    frame.to_csv(path, encoding="utf-8")
    long_path = links_path(path)
    _safe_text(matrix.long()).to_csv(long_path, index=False, encoding="utf-8")
    return [path, long_path]


_HEADER_FILL = {"fill_type": "solid", "fgColor": "DDE4EE"}
_BOLD = {"bold": True}
_LINK = {"color": "1F4E9A", "underline": "single"}


def write_xlsx(matrix: Matrix, path: Path) -> list[Path]:
    """A workbook: "Passages" counts, "Documents" counts, and "Back-links" (one row per passage).

    Every non-empty count on the first sheet is a hyperlink to the first back-link row of its
    cell, so a reader goes from a number to the quotes in one click.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = Workbook()
    counts = wb.active
    counts.title = "Passages"
    doc_sheet = wb.create_sheet("Documents")
    back = wb.create_sheet("Back-links")

    long = _safe_text(matrix.long())
    back.append(list(long.columns))
    first_row: dict[tuple[str, str], int] = {}
    for i, record in enumerate(long.itertuples(index=False), start=2):
        key = (record.row_key, record.column_key)
        first_row.setdefault(key, i)
        back.append(list(record))
    _style_header(back, widths={"quote": 90, "citation": 36, "row": 28, "column": 28})
    quote_col = list(long.columns).index("quote") + 1
    for row in back.iter_rows(min_row=2, min_col=quote_col, max_col=quote_col):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    fit_rows(back, [quote_col])

    for sheet, what in ((counts, "passages"), (doc_sheet, "documents")):
        frame = matrix.table(what=what)
        sheet.append([matrix.rows.replace("attr:", ""), *map(str, frame.columns)])
        for r_index, (label, row) in enumerate(frame.iterrows(), start=2):
            sheet.append([str(label), *[int(v) for v in row.tolist()]])
            if label == "Total":
                for cell in sheet[r_index]:
                    cell.font = Font(**_BOLD)
        _style_header(sheet, widths={})
        sheet.column_dimensions["A"].width = 40
        for c_index in range(2, len(frame.columns) + 2):
            sheet.column_dimensions[get_column_letter(c_index)].width = 18
            sheet.cell(row=1, column=c_index).alignment = Alignment(wrap_text=True, vertical="top")
        fit_rows(sheet, range(2, len(frame.columns) + 2), first=1)
        if sheet is counts:
            for r_index, r in enumerate(matrix.row_keys, start=2):
                for c_index, c in enumerate(matrix.col_keys, start=2):
                    target = first_row.get((r, c))
                    if target is not None:
                        cell = sheet.cell(row=r_index, column=c_index)
                        # `location` (not a "#…" target) is how a workbook links within itself
                        cell.hyperlink = Hyperlink(
                            ref=cell.coordinate, location=f"'Back-links'!A{target}"
                        )
                        cell.font = Font(**_LINK)
        note_row = len(frame) + 3
        sheet.cell(row=note_row, column=1, value=_NOTE[what])
        # printed, a table of counts is one page wide (LibreOffice split a 7-column one over
        # ten pages, a column a page) with its header on every page
        sheet.page_setup.orientation = "landscape" if len(frame.columns) > 4 else "portrait"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.print_title_rows = "1:1"
    back.page_setup.orientation = "landscape"  # the quotes read at their size, pages long
    back.print_title_rows = "1:1"
    wb.save(path)
    return [path]


_NOTE = {
    "passages": "Passages coded now, counted once per cell; click a number for its passages. "
    "Totals count distinct passages.",
    "documents": "Distinct documents behind each cell.",
}


def _style_header(sheet: object, *, widths: dict[str, int]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = sheet  # openpyxl's Worksheet; typed loosely because openpyxl ships partial stubs
    for cell in ws[1]:  # type: ignore[index]
        cell.font = Font(**_BOLD)
        cell.fill = PatternFill(**_HEADER_FILL)
        if cell.value in widths:
            ws.column_dimensions[cell.column_letter].width = widths[cell.value]  # type: ignore[attr-defined]
    ws.freeze_panes = "B2"  # type: ignore[attr-defined]


def write_matrix(matrix: Matrix, path: Path, fmt: str) -> list[Path]:
    """Write in `fmt` ("csv", "xlsx", "md", "docx"); returns the files written."""
    if fmt == "csv":
        return write_csv(matrix, path)
    if fmt == "xlsx":
        return write_xlsx(matrix, path)
    if fmt == "docx":
        from litsynth.synthesis.word import write_docx

        return write_docx(matrix, path)
    path.write_text(to_markdown(matrix, links_per_cell=3), encoding="utf-8")
    return [path]
