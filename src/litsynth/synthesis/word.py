"""A matrix as a Word document: the table a review author pastes into the manuscript.

Reviews are written in Word, and a matrix pasted from a spreadsheet loses its evidence. Here
the counts are a Word table ("12 (3)": 12 passages from 3 documents, totals in bold), and
every count is a link to the quotes behind it, listed under "Passages behind each cell" with
their citations ("Phadnis (2023), p. 4"), so a co-author goes from a number to the evidence
in one click, as in the XLSX workbook.

python-docx writes the file; the links are Word's own internal hyperlinks to bookmarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litsynth.cells import xml_safe
from litsynth.synthesis.display import display_frame, legend
from litsynth.synthesis.matrix import Matrix

# Page and type, in points: python-docx's template is US Letter with 1.25" side margins, and
# a table cell keeps 0.08" of padding on each side ("Table Grid"). A bold word's letters
# average up to two thirds of the type size across in the faces a reader may get: Cambria in
# Word, DejaVu Serif in LibreOffice without it ("documents" 0.68, "construction" 0.59).
_PORTRAIT, _LANDSCAPE = 8.5 * 72 - 2 * 1.25 * 72, 11 * 72 - 2 * 1.25 * 72
_PADDING = 2 * 0.08 * 72
_CHAR = 0.68
_LABEL_SHARE = 0.35  # of the table's width, at most, for the row labels
_COUNT_MOST = 1.25 * 72  # a column of counts needs no more, unless a word of its header does


def table_layout(labels: list[str], headers: list[str]) -> tuple[bool, float, list[float]]:
    """(landscape, font size, column widths in points) for a table of row `labels` under
    `headers` (the corner first).

    Word and LibreOffice give every column the same width unless told, so a matrix of short
    counts broke its row labels and headers inside words ("Chowdh|ury et al.", "constru|
    ction"). Each column is given at least its longest word, the row labels up to their whole
    length (at most a third of the page), and the counts share the rest, up to 1.25" each. A
    table too wide for a portrait page at 10 pt is set at 9 pt, then on a landscape page, then
    at 8 pt; past that its words wrap where they must.
    """
    firsts = [headers[0], *labels]
    for landscape, size in _SETTINGS:
        usable = _LANDSCAPE if landscape else _PORTRAIT
        floors = [_points(max(_longest_word(t), 6), size) for t in headers[1:]]  # "12 (3)"
        label_floor = _points(max(_longest_word(t) for t in firsts), size)
        if label_floor + sum(floors) <= usable:
            break
    natural = _points(max(len(t) for t in firsts), size)
    label = max(label_floor, min(natural, _LABEL_SHARE * usable, usable - sum(floors)))
    even = _level(floors, usable - label)
    counts = [min(w, max(f, _COUNT_MOST)) for w, f in zip(even, floors, strict=True)]
    widths = [label, *counts]
    scale = min(1.0, usable / sum(widths))  # too wide even so: the page's width, shared alike
    return landscape, size, [w * scale for w in widths]


def _level(floors: list[float], room: float) -> list[float]:
    """Widths as even as their floors allow, summing to `room` when the floors fit in it: each
    column max(floor, t), t found by taking out the columns whose floor is above it."""
    if not floors:
        return []
    wide: set[int] = set()
    while True:
        narrow = len(floors) - len(wide)
        t = (room - sum(floors[i] for i in wide)) / narrow if narrow else 0.0
        more = {i for i, f in enumerate(floors) if f > t}
        if more <= wide:
            return [max(f, t) for f in floors]
        wide |= more


_SETTINGS = ((False, 10.0), (False, 9.0), (True, 9.0), (True, 8.0))  # tried in this order


def _points(chars: int, size: float) -> float:
    return (chars + 1) * size * _CHAR + _PADDING  # a letter to spare: widths are estimates


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=1)


def _bookmark(r: int, c: int) -> str:
    return f"cell_{r}_{c}"  # Word's rule: a letter first, at most 40 characters


def turn(section: Any, *, landscape: bool) -> None:
    """A Word section's pages turned as asked: its orientation set and its width and height
    swapped to agree (python-docx changes the one and not the other)."""
    from docx.enum.section import WD_ORIENT

    width, height = sorted((section.page_width, section.page_height), reverse=landscape)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


def grid_table(
    doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]], *, size: float
) -> Any:
    """A plain Word table ("Table Grid"): the header row in bold, every cell's text at `size`
    points; a short row leaves its last cells empty."""
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(xml_safe(str(text)))
        run.bold = True
        run.font.size = Pt(size)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=False):
            cell.paragraphs[0].add_run(xml_safe(str(text))).font.size = Pt(size)
    return table


def write_docx(matrix: Matrix, path: Path) -> list[Path]:
    """Counts as a Word table linked to every cell's passages listed below it."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    corner = matrix.rows.replace("attr:", "")
    title = f"{corner} × {matrix.cols.replace('attr:', '')}"
    doc.core_properties.title = title
    frame = display_frame(matrix)
    header = [corner, *map(str, frame.columns)]
    landscape, size, widths = table_layout([str(label) for label in frame.index], header)
    if landscape:
        turn(doc.sections[0], landscape=True)
    doc.add_heading(xml_safe(title.capitalize()), level=1)
    table = doc.add_table(rows=len(frame) + 1, cols=len(frame.columns) + 1)
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Pt(width)  # the grid LibreOffice reads; each cell's own, Word's
        for cell in column.cells:
            cell.width = Pt(width)

    def run(paragraph: Any, text: str, bold: bool) -> None:
        added = paragraph.add_run(text)
        added.bold = bold
        added.font.size = Pt(size)

    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run(cell.paragraphs[0], xml_safe(text), True)
    for i, (label, row) in enumerate(frame.iterrows(), start=1):
        cells = table.rows[i].cells
        total_row = i > len(matrix.row_keys)
        run(cells[0].paragraphs[0], xml_safe(str(label)), total_row)
        for j, value in enumerate(row.tolist(), start=1):
            paragraph = cells[j].paragraphs[0]
            at_row, at_col = i - 1, j - 1
            linked = not total_row and at_col < len(matrix.col_keys) and value
            if linked and (matrix.row_keys[at_row], matrix.col_keys[at_col]) in matrix.cells:
                _link(paragraph, str(value), _bookmark(at_row, at_col), size)
            else:
                run(paragraph, str(value), total_row or j > len(matrix.col_keys))
    doc.add_paragraph(legend(matrix)).runs[0].font.size = Pt(9)
    doc.add_heading("Passages behind each cell", level=2)
    row_index = {key: i for i, key in enumerate(matrix.row_keys)}
    col_index = {key: i for i, key in enumerate(matrix.col_keys)}
    for n, ((r, c), refs) in enumerate(matrix.ordered_cells()):
        heading = doc.add_heading(level=3)
        text = f"{matrix.row_labels[r]} × {matrix.col_labels[c]}"
        _bookmarked(heading, xml_safe(text), _bookmark(row_index[r], col_index[c]), n)
        for ref in refs:
            item = doc.add_paragraph(style="List Bullet")
            item.add_run(xml_safe(ref.citation)).bold = True
            item.add_run(f" — “{xml_safe(ref.shown_quote)}”")
    doc.save(str(path))
    return [path]


def _link(paragraph: Any, text: str, anchor: str, size: float) -> None:
    """A run of `text` that jumps to the bookmark `anchor`, styled as Word styles links, at
    `size` points."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for name, value in (("w:color", "1F4E9A"), ("w:sz", str(round(2 * size))), ("w:u", "single")):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        props.append(element)
    run.append(props)
    shown = OxmlElement("w:t")
    shown.text = text
    run.append(shown)
    link.append(run)
    paragraph._p.append(link)


def _bookmarked(paragraph: Any, text: str, name: str, ident: int) -> None:
    """`text` in `paragraph`, inside a bookmark called `name` (a link's target)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    paragraph._p.append(start)
    paragraph.add_run(text)
    paragraph._p.append(end)
