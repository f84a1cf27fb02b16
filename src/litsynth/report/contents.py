"""What the report shows, as plain typed records (gathered in collect.py, drawn in render.py).

Keeping the data separate from the templates lets tests check content (which passages a cell
lists, which citation they carry) without parsing HTML, and lets the templates stay dumb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litsynth.biblio.appraisal_figure import AppraisalGrid
from litsynth.biblio.styled import ReferenceList
from litsynth.markup import shown
from litsynth.records import Passage


@dataclass(frozen=True)
class ShownPassage:
    """A passage as the report shows it: the one `Passage` (its text is what is shown, raw
    here and escaped at render time) with its link back and what marks it in this place."""

    passage: Passage
    href: str  # link to the source at the right page / text anchor, relative to the report
    highlights: tuple[str, ...] = ()  # evidence terms to mark inside the text
    codes: tuple[str, ...] = ()  # code labels this passage carries in the cell's context
    score: float | None = None
    origin: str = ""  # "human" | "machine"

    @property
    def chunk_id(self) -> str:
        return self.passage.chunk_id

    @property
    def citation(self) -> str:
        """ "Yulianti & Santoso (2025), § 3. Results, ¶ 4" """
        return self.passage.citation

    @property
    def text(self) -> str:
        """What the reader sees: a text or Markdown document's markup hidden."""
        return shown(self.passage.text, self.passage.kind)


@dataclass(frozen=True)
class Cell:
    count: int  # passages
    n_documents: int
    key: str  # anchor id of its passage list ("" when empty)


@dataclass(frozen=True)
class Matrix:
    id: str
    title: str
    description: str
    row_header: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]  # [row][col]
    passages: dict[str, tuple[ShownPassage, ...]] = field(
        default_factory=dict
    )  # cell key -> passages


@dataclass(frozen=True)
class CodeNode:
    id: str
    label: str
    kind: str  # "theme" | "category" | "code"
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    keywords: tuple[str, ...] = ()
    color: str = ""
    n_passages: int = 0
    children: tuple[CodeNode, ...] = ()


@dataclass(frozen=True)
class CitedWork:
    work: str  # "Teece (2010)" or the resolved reference entry
    reference: str  # the full reference-list entry when resolved, else ""
    count: int
    citing: tuple[str, ...]  # citations of the passages that cite it


@dataclass(frozen=True)
class Proposal:
    label: str
    key_phrases: tuple[str, ...]
    size: int
    n_documents: int
    quotes: tuple[ShownPassage, ...]
    overlaps: str = ""  # the code the cluster lies inside ("" for a new concept)
    nearest: str = ""  # a new concept's nearest code, for the reviewer to compare


@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str
    citation: str  # author-year label
    path: str
    kind: str
    n_pages: int
    n_chunks: int
    href: str
    attributes: dict[str, str] = field(default_factory=dict)
    parse_notes: dict[str, str] = field(default_factory=dict)  # records.PARSE_NOTES


@dataclass(frozen=True)
class SourcePage:
    """A text document rendered to HTML so citations of plain text can link to an anchor."""

    document_id: str
    title: str
    file_name: str  # "sources/<id>.html"
    chunks: tuple[tuple[str, str, str], ...]  # (chunk_id, citation, text)


@dataclass(frozen=True)
class ReportData:
    project: str
    generated_at: str
    documents: tuple[DocumentRow, ...]
    failures: tuple[tuple[str, str, str], ...]  # (path, reason, detail)
    failures_by_reason: dict[str, int]
    counts: dict[str, int]  # documents, pages, chunks, codings, suggestions
    settings: dict[str, object]
    versions: dict[str, str]
    prisma_svg: str = ""  # file name inside the report folder, "" when no records
    prisma_counts: dict[str, object] = field(default_factory=dict)
    # (arm, the template's words, value): the PRISMA table as people read it
    prisma_rows: tuple[tuple[str, str, object], ...] = ()
    # the flow in words: the study-selection paragraph of the Results (PRISMA 2020 item 16a)
    prisma_paragraph: str = ""
    # the selection process in words: reviewers, agreement, automation (item 8)
    prisma_methods: str = ""
    # the searches told with the imports: (source, date, query), for item 7's appendix
    searches: tuple[tuple[str, str, str], ...] = ()
    # the stopping rule's verdict per stage and reviewer, as sentences
    stopping: tuple[str, ...] = ()
    # reports excluded at full text: (citation, title, reason), for item 16b's list
    excluded: tuple[tuple[str, str, str], ...] = ()
    # studies reported in more than one paper (`litsynth studies`): (the study, its reports)
    studies: tuple[tuple[str, str], ...] = ()
    # characteristics of included studies (data extraction): header, then a row per study
    characteristics: tuple[tuple[str, ...], ...] = ()
    extraction_methods: str = ""  # how the data were collected, for the Methods (items 9-10)
    # values two extractors gave differently, unsettled (a form with `independent: true`)
    extraction_disagreements: tuple[str, ...] = ()
    # critical appraisal: header, then a row per study; the checklist named; the judgements
    appraisal: tuple[tuple[str, ...], ...] = ()
    appraisal_tones: tuple[tuple[str, ...], ...] = ()  # per answer: good, mid, bad or ""
    appraisal_notes: tuple[tuple[str, str], ...] = ()  # (study, its text fields' answers)
    appraisal_methods: str = ""  # how, for the Methods (PRISMA 2020 item 11)
    appraisal_disagreements: tuple[str, ...] = ()  # reviewers' answers that differ, unsettled
    appraisal_summary: str = ""
    # the answers by choice question, for the traffic-light and summary figures (item 18)
    appraisal_grid: AppraisalGrid | None = None
    # Summary of qualitative findings (findings.yaml): header, then a row per theme
    findings: tuple[tuple[str, ...], ...] = ()
    # per finding, its studies: (citation, passages, anchor of its theme-matrix cell or "")
    findings_studies: tuple[tuple[tuple[str, int, str], ...], ...] = ()
    findings_error: str = ""  # findings.yaml that cannot be read, and why
    # the framework matrix (`litsynth framework`): its theme labels, then per source its
    # label and cells (summary, where its passages are, anchor of its theme-matrix cell,
    # out of date?), and what is summarised in words
    framework_cols: tuple[str, ...] = ()
    framework_rows: tuple[tuple[str, tuple[tuple[str, str, str, bool], ...]], ...] = ()
    framework_said: str = ""
    # the reference list in the project's citation style (the included studies and the other
    # sources the report quotes), or why not
    references: ReferenceList | None = None
    references_quoted: int = 0  # of them, sources quoted that are no included study
    references_error: str = ""
    codebook: tuple[CodeNode, ...] = ()
    core_category: str = ""
    matrices: tuple[Matrix, ...] = ()
    source: str = ""  # whose codings the matrices count, in words ([synthesis] source)
    waiting: int = 0  # machine suggestions no person has decided on (empty matrices say so)
    cited_by_theme: dict[str, tuple[CitedWork, ...]] = field(default_factory=dict)
    proposals: tuple[Proposal, ...] = ()
    sources: tuple[SourcePage, ...] = ()
    copied_files: dict[str, str] = field(default_factory=dict)  # report path -> original path

    def summary(self) -> str:
        """What the report holds: its matrices and the documents its citations open (a text
        document as a page of the report, a PDF as a copy beside it)."""
        linked = f"{len(self.sources)} source pages"
        if self.copied_files:
            linked += f" and {len(self.copied_files)} PDFs"
        return f"{len(self.matrices)} matrices, {linked}"
