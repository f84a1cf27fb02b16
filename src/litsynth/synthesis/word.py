"""A matrix as a Word document: the table a review author pastes into the manuscript.

Reviews are written in Word, and a matrix pasted from a spreadsheet loses its evidence. Here
the counts are a Word table ("12 (3)": 12 passages from 3 documents, totals in bold), and
every count is a link to the quotes behind it, listed under "Passages behind each cell" with
their citations ("Phadnis (2023), p. 4"), so a co-author goes from a number to the evidence
in one click, as in the XLSX workbook.

python-docx writes the file; the links are Word's own internal hyperlinks to bookmarks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litsynth.synthesis.display import display_frame, legend
from litsynth.synthesis.matrix import Matrix

# Characters XML 1.0 cannot hold (C0 controls but tab and line feed, lone surrogates): a quote
# from a damaged PDF may carry one, and python-docx would refuse the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _bookmark(r: int, c: int) -> str:
    return f"cell_{r}_{c}"  # Word's rule: a letter first, at most 40 characters


def write_docx(matrix: Matrix, path: Path) -> list[Path]:
    """Counts as a Word table linked to every cell's passages listed below it."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    corner = matrix.rows.replace("attr:", "")
    title = f"{corner} × {matrix.cols.replace('attr:', '')}"
    doc.core_properties.title = title
    doc.add_heading(xml_safe(title.capitalize()), level=1)
    frame = display_frame(matrix)
    table = doc.add_table(rows=len(frame) + 1, cols=len(frame.columns) + 1)
    table.style = "Table Grid"
    header = [corner, *map(str, frame.columns)]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(xml_safe(text)).bold = True
    for i, (label, row) in enumerate(frame.iterrows(), start=1):
        cells = table.rows[i].cells
        total_row = i > len(matrix.row_keys)
        cells[0].paragraphs[0].add_run(xml_safe(str(label))).bold = total_row
        for j, value in enumerate(row.tolist(), start=1):
            paragraph = cells[j].paragraphs[0]
            at_row, at_col = i - 1, j - 1
            linked = not total_row and at_col < len(matrix.col_keys) and value
            if linked and (matrix.row_keys[at_row], matrix.col_keys[at_col]) in matrix.cells:
                _link(paragraph, str(value), _bookmark(at_row, at_col))
            else:
                paragraph.add_run(str(value)).bold = total_row or j > len(matrix.col_keys)
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


def _link(paragraph: Any, text: str, anchor: str) -> None:
    """A run of `text` that jumps to the bookmark `anchor`, styled as Word styles links."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for name, value in (("w:color", "1F4E9A"), ("w:u", "single")):
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
