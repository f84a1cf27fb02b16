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

from litsynth.biblio.styled import ReferenceList, add_reference_paragraphs
from litsynth.cells import xml_safe
from litsynth.report.contents import Matrix, ReportData, ShownPassage
from litsynth.report.render import APPRAISAL_FIGURES
from litsynth.words import and_list, count

QUOTES_PER_THEME = 2
_PROSE_WORDS = 12  # a passage shorter than this is a heading or a stray line, not a quote
QUOTE_WORDS = 60  # a quote's length at most, in words: a few sentences, not a whole passage
_PORTRAIT_COLUMNS = 5
_SMALL = 8  # points: the type of the wide tables (appraisal grid, characteristics)


# PRISMA 2020's items by number, with their topics (Page et al., 2021, BMJ 372:n71): journals
# ask for the checklist with where each item is reported, and the draft's last appendix says
# which of them it reports, and where.
PRISMA_ITEMS = (
    ("1", "Title"), ("2", "Abstract"), ("3", "Rationale"), ("4", "Objectives"),
    ("5", "Eligibility criteria"), ("6", "Information sources"), ("7", "Search strategy"),
    ("8", "Selection process"), ("9", "Data collection process"), ("10", "Data items"),
    ("11", "Study risk of bias assessment"), ("12", "Effect measures"),
    ("13", "Synthesis methods"), ("14", "Reporting bias assessment"),
    ("15", "Certainty assessment"), ("16a", "Study selection: the flow"),
    ("16b", "Study selection: studies excluded"), ("17", "Study characteristics"),
    ("18", "Risk of bias in studies"), ("19", "Results of individual studies"),
    ("20", "Results of syntheses"), ("21", "Reporting biases"),
    ("22", "Certainty of evidence"), ("23", "Discussion"),
    ("24", "Registration and protocol"), ("25", "Support"), ("26", "Competing interests"),
    ("27", "Availability of data, code and other materials"),
)  # fmt: skip


def write_manuscript(data: ReportData, path: Path, *, prisma_png: Path | None = None) -> Path:
    """The draft at `path`; `prisma_png` is the flow diagram drawn for it (None: no records)."""
    from docx import Document

    doc = Document()
    doc.add_heading(xml_safe(f"{data.project}: manuscript draft"), level=0)
    _note(doc, f"Drafted by litsynth from the project's records on {data.generated_at}. "
               "Running `litsynth report` again draws it afresh: edit a copy.")  # fmt: skip
    located: dict[str, str] = {}  # PRISMA item -> where this draft reports it
    _methods(doc, data, located)
    _results(doc, data, prisma_png, located, path.parent)
    if data.references is not None and data.references.references:
        doc.add_heading("References", level=1)
        listed = _listed(data.references, data.references_quoted)
        _note(doc, f"{listed}, in {data.references.style}.")
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
        located["7"] = "Appendix: search strategies"
    if data.prisma_counts:
        _prisma_items(doc, located)
    doc.save(str(path))
    return path


def _listed(listing: ReferenceList, others: int) -> str:
    """Whose references the list holds, in words (`others`: the sources quoted that are no
    included study)."""
    if others == len(listing.references):  # papers without records
        return "The sources this draft quotes"
    also = f" and the {count(others, 'other source')} this draft quotes" if others else ""
    return f"The included studies{also}"


def _prisma_items(doc: Any, located: dict[str, str]) -> None:
    doc.add_heading("Appendix: PRISMA 2020 items in this draft", level=1)
    drafted = len({number.rstrip("ab") for number in located})
    _note(doc, f"Where this draft reports {drafted} of PRISMA 2020's 27 items"
               " (Page et al., 2021), for the checklist a journal asks for; the others are the"
               " authors' to write, and the locations to update as the text moves.")  # fmt: skip
    rows = [(n, topic, located.get(n, "")) for n, topic in PRISMA_ITEMS]
    _table(doc, ("Item", "Topic", "Where in this draft"), rows, size=_SMALL)


def _note(doc: Any, text: str) -> None:
    doc.add_paragraph().add_run(xml_safe(text)).italic = True


def _paragraphs(doc: Any, text: str) -> None:
    for part in (p.strip() for p in text.split("\n\n")):
        if part:
            doc.add_paragraph(xml_safe(" ".join(part.split())))


def _section(
    doc: Any, located: dict[str, str], items: Sequence[str], part: str, title: str
) -> None:
    """A heading, and the PRISMA items it reports placed under "Part › Title"."""
    doc.add_heading(title, level=2)
    for item in items:
        located[item] = f"{part} › {title}"


def _methods(doc: Any, data: ReportData, located: dict[str, str]) -> None:
    doc.add_heading("Methods", level=1)
    appraised = data.appraisal_methods
    selection = data.prisma_methods
    if appraised and selection.endswith(appraised):  # the Methods words end with item 11's
        selection = selection.removesuffix(appraised).strip()
    if selection:  # it opens with the searches told with the imports (item 6), if any
        _section(doc, located, ("8",), "Methods", "Selection process")
        _paragraphs(doc, selection)
        if data.searches:
            located["6"] = located["8"]
            doc.add_paragraph("The full search strategies are in the appendix.")
    if data.extraction_methods:
        _section(doc, located, ("9", "10"), "Methods", "Data collection process")
        doc.add_paragraph(xml_safe(data.extraction_methods))
    if appraised:
        _section(doc, located, ("11",), "Methods", "Critical appraisal")
        doc.add_paragraph(xml_safe(appraised))
    themes = [n for n in data.codebook if n.kind == "theme"]
    if data.codebook:
        _section(doc, located, ("13",), "Methods", "Synthesis methods")
        codes = sum(1 for _ in _codes(data.codebook))
        in_themes = f", grouped under {count(len(themes), 'theme')}" if themes else ""
        doc.add_paragraph(xml_safe(
            f"The full texts ({count(data.counts.get('documents', 0), 'document')}, "
            f"{count(data.counts.get('passages', 0), 'passage')}) were coded with a codebook of "
            f"{count(codes, 'code')}{in_themes}. The matrices count {data.source}."
        ))  # fmt: skip
    if data.findings:
        _section(doc, located, ("15",), "Methods", "Confidence in the findings")
        doc.add_paragraph(xml_safe(_cerqual_sentence(data.findings)))


def _cerqual_sentence(findings: Sequence[Sequence[str]]) -> str:
    """How confidence in the findings was assessed (item 15), and how far it has gone."""
    from litsynth.synthesis.findings import COMPONENTS

    column = list(findings[0]).index("CERQual confidence")
    rows = findings[1:]
    rated = sum(1 for row in rows if row[column] != "not assessed")
    parts = and_list([c.lower() for c in COMPONENTS.values()])
    return (
        "The review team assessed its confidence in each finding with GRADE-CERQual, judging"
        f" {parts} of its evidence: {rated} of {count(len(rows), 'finding')} assessed so far."
    )


def _results(
    doc: Any, data: ReportData, prisma_png: Path | None, located: dict[str, str], folder: Path
) -> None:
    doc.add_heading("Results", level=1)
    figure = 1
    if data.prisma_paragraph or prisma_png:
        _section(doc, located, ("16a",), "Results", "Study selection")
        _paragraphs(doc, data.prisma_paragraph)
        if prisma_png is not None and prisma_png.exists():
            from docx.shared import Inches

            doc.add_picture(str(prisma_png), width=Inches(6))
            _caption(doc, "Figure 1. PRISMA 2020 flow diagram.")
            located["16a"] += ", Figure 1"
            figure = 2
    if data.excluded:
        _table(doc, ("Report", "Reason"), [(c, reason) for c, _title, reason in data.excluded],
               caption="Table. Reports excluded at full text, with reasons.")  # fmt: skip
        located["16b"] = "Results › Study selection, table of excluded reports"
    if data.studies:
        _table(doc, ("Study (its main report)", "Also reported in"), data.studies,
               caption="Table. Studies reported in more than one paper.")  # fmt: skip
    if data.characteristics:
        _table(doc, data.characteristics[0], data.characteristics[1:], size=_SMALL,
               heading="Study characteristics",
               caption="Table. Characteristics of the included studies.")  # fmt: skip
        located["17"] = "Results › Study characteristics"
    if data.appraisal:
        _table(doc, data.appraisal[0], data.appraisal[1:], size=_SMALL,
               heading="Critical appraisal", lead=data.appraisal_summary,
               caption="Table. Critical appraisal of the included studies.")  # fmt: skip
        located["18"] = "Results › Critical appraisal"
        drawn = _appraisal_figures(doc, data, folder, figure)
        if drawn:
            located["18"] += ", " + " and ".join(f"Figure {n}" for n in drawn)
            figure = drawn[-1] + 1
    theme_matrix = next((m for m in data.matrices if m.id == "theme-matrix"), None)
    themes = [n for n in data.codebook if n.kind == "theme"]
    if themes and theme_matrix is not None:
        _section(doc, located, ("20",), "Results", "Themes")
        for theme in themes:
            _theme(doc, theme.label, theme.definition, theme_matrix)
    if data.framework_rows:
        _table(doc, ("Source", *data.framework_cols), _framework_cells(data), size=_SMALL,
               heading="Framework matrix",
               caption="Table. What each source says on each theme, and where.")  # fmt: skip
        _note(doc, data.framework_said)
    if data.findings:
        _table(doc, data.findings[0], data.findings[1:], size=_SMALL,
               heading="Summary of qualitative findings")  # fmt: skip
        located["22"] = "Results › Summary of qualitative findings"


def _appraisal_figures(doc: Any, data: ReportData, folder: Path, first: int) -> list[int]:
    """The appraisal's summary and traffic-light figures under its table, drawn as PNG beside
    the draft (Word shows no SVG everywhere); their figure numbers."""
    from docx.shared import Inches

    from litsynth.biblio.appraisal_figure import draw

    grid = data.appraisal_grid
    if grid is None or not grid.studies:
        return []
    captions = {
        "summary": "the answers to each question, as shares of the studies appraised.",
        "traffic-light": "each study's answers, question by question (+ best answer,"
        " − between, × worst, NA does not apply).",
    }
    numbers = []
    for n, (name, kind) in enumerate(APPRAISAL_FIGURES, start=first):
        png = folder / f"{name}.png"
        draw(grid, png, kind=kind, fmt="png")
        doc.add_picture(str(png), width=Inches(6))
        _caption(doc, f"Figure {n}. Critical appraisal: {captions[kind]}")
        numbers.append(n)
    return numbers


def _framework_cells(data: ReportData) -> list[tuple[str, ...]]:
    """The framework's rows as the manuscript's table shows them: each summary with where its
    passages are; a cell not summarised yet is left blank (the note under it says how many)."""

    def shown(text: str, where: str, stale: bool) -> str:
        if not text:
            return ""
        return text + (f" [{where}]" if where else "") + (" (out of date)" if stale else "")

    return [
        (label, *(shown(text, where, stale) for text, where, _, stale in cells))
        for label, cells in data.framework_rows
    ]


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


# Between sentences: the space after a stop (and its closing quote), before a capital.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][”\"’)]))\s+(?=[“\"‘(\[]?[A-Z0-9])")


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
    from litsynth.synthesis.word import grid_table

    wide = len(header) > _PORTRAIT_COLUMNS
    if wide:
        _orient(doc, landscape=True)
    if heading:
        doc.add_heading(xml_safe(heading), level=2)
    if lead:
        doc.add_paragraph(xml_safe(lead))
    if caption:
        _caption(doc, caption)
    table = grid_table(doc, header, rows, size=size)
    table.autofit = False
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
    """A new section from here on, turned as asked."""
    from docx.enum.section import WD_SECTION

    from litsynth.synthesis.word import turn

    turn(doc.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)


def _codes(nodes: Sequence[Any]) -> Any:
    for node in nodes:
        if node.kind == "code":
            yield node
        yield from _codes(node.children)
