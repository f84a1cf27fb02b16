"""The framework matrix written out: a Markdown grid, a Word table for the manuscript, and the
charting sheet (XLSX or CSV) a reviewer writes summaries in and `framework import-sheet` reads.

Every written summary carries where its evidence is (the pages, or the citations when a row
is a study of several papers), so the grid stays traceable to its passages once it has left
litsynth. The sheet puts each cell's quotes beside the column the summary goes in, so the
summary is written with its evidence in view, and keeps the words it was exported with, so a
summary written in the workspace meanwhile is never overwritten by a stale sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litsynth.biblio.sheet_files import EXCEL_CELL_MAX, layout, read_table, write_table
from litsynth.cells import safe_cell
from litsynth.errors import SynthesisError
from litsynth.synthesis.framework import Framework, FrameworkCell, passage_key, where_from
from litsynth.synthesis.word import grid_table, table_layout, turn, xml_safe

FORMATS = ("md", "docx", "xlsx", "csv")
SHEET_COLUMNS = (
    "row", "column", "passages", "state", "summary", "evidence", "written_by", "at",
    "row_key", "column_key", "exported_summary", "rows", "cols",
)  # fmt: skip
HIDDEN = ("row_key", "column_key", "exported_summary", "rows", "cols")
READ_BACK = ("row_key", "column_key", "summary", "exported_summary")


def shown(framework: Framework, cell: FrameworkCell) -> str:
    """A cell as the grid shows it: the summary and where its evidence is; what is missing."""
    n = len(cell.refs)
    passages = f"{n} passage{'s' if n != 1 else ''}"
    if cell.summary is None:
        return f"({passages}, not summarised)" if n else ""
    text = cell.summary.text
    if cell.refs:
        text += f" [{where_from(framework, cell)}]"
    if cell.stale:
        text += f" (out of date: {_change(cell)})"
    return text


def _change(cell: FrameworkCell) -> str:
    parts = []
    if cell.new:
        parts.append(f"{len(cell.new)} passage{'s' if len(cell.new) != 1 else ''} coded since")
    if cell.gone:
        parts.append(f"{len(cell.gone)} no longer coded")
    return ", ".join(parts)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(framework: Framework) -> str:
    """The grid as a pipe table, then the counts, and any summary whose cell has gone."""
    m = framework.matrix
    if not framework.col_keys:
        return no_columns(framework) + "\n"
    corner = m.rows.replace("attr:", "")
    cols = framework.col_keys
    lines = [
        "| " + " | ".join(_md(h) for h in [corner, *(m.col_labels[c] for c in cols)]) + " |",
        "|" + "|".join(["---"] * (len(cols) + 1)) + "|",
    ]
    for r in m.row_keys:
        cells = [shown(framework, framework.cell(r, c)) for c in cols]
        if any(cells):
            lines.append("| " + " | ".join(_md(x) for x in [m.row_labels[r], *cells]) + " |")
    lines += ["", said_counts(framework)]
    if framework.orphans:
        lines += ["", "Summaries whose row or column is no longer in the matrix:", ""]
        lines += [
            f"- {_md(s.row_key)} × {_md(s.col_key)}: {_md(s.text)}" for s in framework.orphans
        ]
    return "\n".join(lines).rstrip() + "\n"


def column_markdown(framework: Framework, col: str) -> str:
    """One theme read down its column, as the finding is written from it: each source's
    summary with where its passages are, then the sources not summarised yet."""
    m = framework.matrix
    lines = [f"## {m.col_labels[col]}: what each source says", ""]
    waiting = []
    for r in m.row_keys:
        cell = framework.cell(r, col)
        if cell.summary is not None:
            lines.append(f"- **{m.row_labels[r]}**: {shown(framework, cell)}")
        elif cell.refs:
            waiting.append(f"{m.row_labels[r]} ({len(cell.refs)})")
    if len(lines) == 2:
        lines.append("No source is summarised on this theme yet.")
    if waiting:
        lines += ["", f"Not summarised yet (passages): {'; '.join(waiting)}."]
    return "\n".join(lines) + "\n"


def no_columns(framework: Framework) -> str:
    """Why a framework has no column: a codebook without themes (or categories) puts every
    coded passage under "(no theme)", which is no theme to summarise."""
    cols = framework.matrix.cols
    return (
        f"Nothing to summarise by {cols}: no coded passage is under any of the codebook's"
        f" {cols}. Use --cols codes for a column per code."
    )


def said_counts(framework: Framework) -> str:
    n = framework.counts()
    line = (
        f"{n['written']} cell(s) summarised of {n['cells']} with passages;"
        f" {n['waiting']} waiting for a summary"
    )
    if n["out_of_date"]:
        line += f"; {n['out_of_date']} out of date (coded further since they were written)"
    return line + "."


def sheet_rows(framework: Framework) -> list[list[str | float]]:
    """The charting sheet: a row per cell with passages or a summary, its evidence quoted."""
    m = framework.matrix
    rows: list[list[str | float]] = [list(SHEET_COLUMNS)]
    for cell in framework.ordered():
        summary = cell.summary.text if cell.summary else ""
        rows.append([
            safe_cell(m.row_labels[cell.row]), safe_cell(m.col_labels[cell.col]),
            len(cell.refs), cell.state(), summary, safe_cell(_evidence(cell)),
            cell.summary.author if cell.summary else "", cell.summary.at if cell.summary else "",
            cell.row, cell.col, summary, m.rows, m.cols,
        ])  # fmt: skip
    return rows


def _evidence(cell: FrameworkCell) -> str:
    new = set(cell.new)
    lines = [
        ("NEW " if passage_key(ref) in new else "") + f"{ref.citation}: “{ref.shown_quote}”"
        for ref in cell.refs
    ]
    text = "\n\n".join(lines)
    return text if len(text) < EXCEL_CELL_MAX else text[: EXCEL_CELL_MAX - 40] + " … (cut)"


def write_sheet(framework: Framework, out: Path) -> None:
    """The charting sheet as XLSX (its summary column wide and wrapped) or CSV."""
    decorate = layout(
        {"row": 28, "column": 24, "summary": 60, "evidence": 80, "exported_summary": 12},
        wrap=("row", "column", "summary", "evidence"),
    )

    def look(sheet: Any) -> None:
        from openpyxl.utils import get_column_letter

        decorate(sheet)
        summary_at = SHEET_COLUMNS.index("summary") + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=summary_at, max_col=summary_at):
            cell.data_type = "s"  # a summary starting "=" is words, never a formula
        for name in HIDDEN:
            sheet.column_dimensions[get_column_letter(SHEET_COLUMNS.index(name) + 1)].hidden = True
        _grid_sheet(sheet.parent.create_sheet("Grid"), framework)

    write_table(sheet_rows(framework), out, title="Framework", decorate=look, error=SynthesisError)


def _grid_sheet(sheet: Any, framework: Framework) -> None:
    """The workbook's second sheet: the grid itself, sources down and themes across, each
    summary with where its passages are, to read or print (the first sheet is the one read
    back)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from litsynth.biblio.sheet_files import fit_rows

    m = framework.matrix
    cols = framework.col_keys
    sheet.append([m.rows.replace("attr:", ""), *(m.col_labels[c] for c in cols)])
    for r in m.row_keys:
        cells = [shown(framework, framework.cell(r, c)) for c in cols]
        if any(cells):
            sheet.append([safe_cell(m.row_labels[r]), *(safe_cell(x) for x in cells)])
    sheet.freeze_panes = "B2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i in range(1, len(cols) + 2):
        sheet.column_dimensions[get_column_letter(i)].width = 28 if i == 1 else 40
    top = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = top
    fit_rows(sheet, list(range(1, len(cols) + 2)))


def write_docx(framework: Framework, path: Path) -> None:
    """The grid as a Word table for the manuscript's appendix: a row per source with any
    passage, each summary followed by where its evidence is."""
    from docx import Document

    m = framework.matrix
    doc = Document()
    corner = m.rows.replace("attr:", "")
    cols = framework.col_keys
    header = [corner, *(m.col_labels[c] for c in cols)]
    body = [
        [m.row_labels[r], *(shown(framework, framework.cell(r, c)) for c in cols)]
        for r in m.row_keys
        if any(framework.cell(r, c).refs or framework.cell(r, c).summary for c in cols)
    ]
    landscape, size, _widths = table_layout([row[0] for row in body], header)
    turn(doc.sections[0], landscape=landscape or len(cols) > 3)
    title = f"Framework matrix: {corner} × {m.cols}"
    doc.core_properties.title = title
    doc.add_heading(xml_safe(title), level=1)
    grid_table(doc, header, body, size=min(size, 9.0))
    doc.add_paragraph(xml_safe(said_counts(framework)))
    doc.save(str(path))


def write_framework(framework: Framework, out: Path, fmt: str) -> None:
    """The framework as `fmt` (one of FORMATS) in `out`."""
    try:
        if fmt == "md":
            out.write_text(to_markdown(framework), encoding="utf-8")
        elif fmt == "docx":
            write_docx(framework, out)
        else:
            write_sheet(framework, out)
    except OSError as exc:
        raise SynthesisError(
            f"cannot write {out}: {exc.strerror}", hint="check the folder"
        ) from None


# ------------------------------------------------------------------------------- read back


@dataclass(frozen=True)
class SheetSummary:
    """One row of a charting sheet read back: the cell and its summary as now written."""

    row_key: str
    col_key: str
    text: str
    exported: str  # the cell's summary when the sheet was written


@dataclass
class SheetRead:
    changed: list[SheetSummary] = field(default_factory=list)
    unchanged: int = 0
    kind: tuple[str, str] | None = None  # the grid it was exported from: (rows, cols)


def read_sheet(path: Path) -> SheetRead:
    """The rows whose summary was changed in the sheet (the rest are left alone)."""
    rows = read_table(path, error=SynthesisError)
    if not rows:
        raise SynthesisError(
            f"{path} is empty", hint="export one with `litsynth framework export-sheet`"
        )
    header = [h.strip().lower() for h in rows[0]]
    missing = [name for name in READ_BACK if name not in header]
    if missing:
        raise SynthesisError(
            f"{path.name} is not a framework sheet: no column {', '.join(missing)}",
            hint="export the sheet with `litsynth framework export-sheet FILE`, write in its"
            " summary column, keep the other columns",
        )
    at = {name: header.index(name) for name in READ_BACK}
    read = SheetRead()
    if "rows" in header and "cols" in header and len(rows) > 1:
        kind = (_at(rows[1], header.index("rows")), _at(rows[1], header.index("cols")))
        read.kind = kind if all(kind) else None
    for line in rows[1:]:
        values = {name: _at(line, i) for name, i in at.items()}
        if not values["row_key"] or not values["column_key"]:
            continue
        if values["summary"].strip() == values["exported_summary"].strip():
            read.unchanged += 1
            continue
        read.changed.append(
            SheetSummary(values["row_key"], values["column_key"], values["summary"].strip(),
                         values["exported_summary"].strip())
        )  # fmt: skip
    return read


def _at(line: Sequence[str], i: int) -> str:
    return str(line[i]) if i < len(line) and line[i] is not None else ""
