"""The manuscript draft: what the project can write of the review's paper, as a Word file.

Review authors copy the same things out of their tools into the manuscript by hand: the
searches (PRISMA 2020 items 6–7), the selection process (8), the flow in words and as a
figure (16a), the studies excluded at full text with reasons (16b), the characteristics of
the included studies (17), their appraisal (18), the themes with quotes (20), the summary of
qualitative findings, and the reference list. `litsynth report` gathers all of them for the
HTML report already (`ReportData`); this draws the same data as a .docx, in the order of a
review's Methods and Results, for the authors to edit. It holds only what the project
records: a part with nothing behind it is left out, never filled with a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litsynth.biblio.styled import add_reference_paragraphs
from litsynth.cells import xml_safe
from litsynth.report.contents import Matrix, ReportData, ShownPassage
from litsynth.words import and_list, count

QUOTES_PER_THEME = 2
_PROSE_WORDS = 12  # a passage shorter than this is a heading or a stray line, not a quote
QUOTE_WORDS = 60  # a quote's length at most, in words: a few sentences, not a whole passage
_PORTRAIT_COLUMNS = 5
_SMALL = 8  # points: the type of the wide tables (appraisal grid, characteristics)


def write_manuscript(data: ReportData, path: Path, *, prisma_png: Path | None = None) -> Path:
    """The draft at `path`; `prisma_png` is the flow diagram drawn for it (None: no records)."""
    from docx import Document

    doc = Document()
    doc.add_heading(xml_safe(f"{data.project}: manuscript draft"), level=0)
    _note(doc, f"Drafted by litsynth from the project's records on {data.generated_at}. "
               "Running `litsynth report` again draws it afresh: edit a copy.")  # fmt: skip
    _methods(doc, data)
    _results(doc, data, prisma_png)
    if data.references is not None and data.references.references:
        doc.add_heading("References", level=1)
        _note(doc, f"The included studies, in {data.references.style}.")
        add_reference_paragraphs(doc, data.references)
    elif data.references_error:
        doc.add_heading("References", level=1)
        _note(doc, f"Not shown: {data.references_error}")
    if data.searches:
        doc.add_heading("Appendix: search strategies", level=1)
        for source, on, query in data.searches:
            doc.add_heading(xml_safe(f"{source}" + (f", searched {on}" if on else "")), level=3)
            if query:
                doc.add_paragraph(xml_safe(query), style="No Spacing")
    doc.save(str(path))
    return path


def _note(doc: Any, text: str) -> None:
    doc.add_paragraph().add_run(xml_safe(text)).italic = True


def _paragraphs(doc: Any, text: str) -> None:
    for part in (p.strip() for p in text.split("\n\n")):
        if part:
            doc.add_paragraph(xml_safe(" ".join(part.split())))


def _methods(doc: Any, data: ReportData) -> None:
    doc.add_heading("Methods", level=1)
    if data.searches:
        doc.add_heading("Information sources and search", level=2)
        told = [
            f"{source} (searched {on})" if on else source for source, on, _query in data.searches
        ]
        doc.add_paragraph(xml_safe(
            f"We searched {and_list(told)}. The full search strategies are in the appendix."
        ))  # fmt: skip
    if data.prisma_methods:
        doc.add_heading("Selection process", level=2)
        _paragraphs(doc, data.prisma_methods)
    themes = [n for n in data.codebook if n.kind == "theme"]
    if data.codebook:
        doc.add_heading("Synthesis methods", level=2)
        codes = sum(1 for _ in _codes(data.codebook))
        in_themes = f", grouped under {count(len(themes), 'theme')}" if themes else ""
        doc.add_paragraph(xml_safe(
            f"The full texts ({count(data.counts.get('documents', 0), 'document')}, "
            f"{count(data.counts.get('passages', 0), 'passage')}) were coded with a codebook of "
            f"{count(codes, 'code')}{in_themes}. The matrices count {data.source}."
        ))  # fmt: skip


def _results(doc: Any, data: ReportData, prisma_png: Path | None) -> None:
    doc.add_heading("Results", level=1)
    if data.prisma_paragraph or prisma_png:
        doc.add_heading("Study selection", level=2)
        _paragraphs(doc, data.prisma_paragraph)
        if prisma_png is not None and prisma_png.exists():
            from docx.shared import Inches

            doc.add_picture(str(prisma_png), width=Inches(6))
            _caption(doc, "Figure 1. PRISMA 2020 flow diagram.")
    if data.excluded:
        _table(doc, ("Report", "Reason"), [(c, reason) for c, _title, reason in data.excluded],
               caption="Table. Reports excluded at full text, with reasons.")  # fmt: skip
    if data.characteristics:
        _table(doc, data.characteristics[0], data.characteristics[1:], size=_SMALL,
               heading="Study characteristics",
               caption="Table. Characteristics of the included studies.")  # fmt: skip
    if data.appraisal:
        _table(doc, data.appraisal[0], data.appraisal[1:], size=_SMALL,
               heading="Critical appraisal", lead=data.appraisal_summary,
               caption="Table. Critical appraisal of the included studies.")  # fmt: skip
    theme_matrix = next((m for m in data.matrices if m.id == "theme-matrix"), None)
    themes = [n for n in data.codebook if n.kind == "theme"]
    if themes and theme_matrix is not None:
        doc.add_heading("Themes", level=2)
        for theme in themes:
            _theme(doc, theme.label, theme.definition, theme_matrix)
    if data.findings:
        _table(doc, data.findings[0], data.findings[1:], size=_SMALL,
               heading="Summary of qualitative findings")  # fmt: skip


def _theme(doc: Any, label: str, definition: str, matrix: Matrix) -> None:
    """A theme's heading, its definition, its spread and its quotes (from distinct studies,
    people's codings first, then the highest scores)."""
    doc.add_heading(xml_safe(label), level=3)
    if definition:
        doc.add_paragraph(xml_safe(definition))
    if label not in matrix.cols:
        return
    col = matrix.cols.index(label)
    shown: list[ShownPassage] = []
    studies = 0
    for r, _row in enumerate(matrix.rows):
        cell = matrix.cells[r][col]
        if cell.count:
            studies += 1
            shown.extend(matrix.passages.get(cell.key, ()))
    if not shown:
        _note(doc, "No coded passage yet.")
        return
    doc.add_paragraph(
        f"{count(len({p.chunk_id for p in shown}), 'passage')} from {count(studies, 'source')}."
    )
    picked: list[ShownPassage] = []
    for p in sorted(shown, key=lambda p: (p.origin != "human", -(p.score or 0.0))):
        prose = _is_prose(p.text)
        if prose and p.passage.document_id not in {q.passage.document_id for q in picked}:
            picked.append(p)
        if len(picked) == QUOTES_PER_THEME:
            break
    for p in picked:
        doc.add_paragraph(xml_safe(p.passage.quoting(trim_quote(p.text))), style="Quote")


_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’)]*\s+(?=[“\"‘(\[]?[A-Z0-9])")


def trim_quote(text: str, words: int = QUOTE_WORDS) -> str:
    """A passage cut to its first sentences, up to `words` words: a quote a paragraph can
    carry. A first sentence longer than that is cut at a word and marked "…"."""
    kept: list[str] = []
    total = 0
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        n = len(sentence.split())
        if kept and total + n > words:
            return " ".join(kept) + " …"
        kept.append(sentence)
        total += n
        if total > words:
            return " ".join(" ".join(kept).split()[:words]) + " …"
    return " ".join(kept)


def _is_prose(text: str) -> bool:
    """Sentences to quote, not a heading, a stray line or a ruled block (a Markdown card's
    "═══…" or "---" separators)."""
    words = text.split()
    ruled = any(len(w) >= 3 and not any(ch.isalnum() for ch in w) for w in words)
    return len(words) >= _PROSE_WORDS and not ruled


def _caption(doc: Any, text: str) -> None:
    doc.add_paragraph(xml_safe(text), style="Caption")


def _table(
    doc: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 10,
    heading: str = "",
    lead: str = "",
    caption: str = "",
) -> None:
    """A table under its heading, lead paragraph and caption, as wide as the page. A table
    wider than a portrait page holds (more than `_PORTRAIT_COLUMNS` columns) gets landscape
    pages of its own, heading and all, as journals set such tables."""
    from docx.shared import Pt

    wide = len(header) > _PORTRAIT_COLUMNS
    if wide:
        _orient(doc, landscape=True)
    if heading:
        doc.add_heading(xml_safe(heading), level=2)
    if lead:
        doc.add_paragraph(xml_safe(lead))
    if caption:
        _caption(doc, caption)
    table = doc.add_table(rows=1, cols=len(header))
    table.autofit = False
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(xml_safe(str(text)))
        run.bold = True
        run.font.size = Pt(size)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.paragraphs[0].add_run(xml_safe(str(text))).font.size = Pt(size)
    section = doc.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    shares = [1.5, *([1.0] * (len(header) - 1))]  # the first column names the row
    for i, column in enumerate(table.columns):
        width = int(room * shares[i] / sum(shares))
        column.width = width  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = width  # each cell's own, which Word reads
    if wide:
        _orient(doc, landscape=False)


def _orient(doc: Any, *, landscape: bool) -> None:
    """A new section from here on, turned as asked (its page sizes swapped)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    before = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = sorted((before.page_width, before.page_height), reverse=landscape)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


def _codes(nodes: Sequence[Any]) -> Any:
    for node in nodes:
        if node.kind == "code":
            yield node
        yield from _codes(node.children)
