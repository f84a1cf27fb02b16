"""Typed records passed between the stages.

Frozen dataclasses, so a stage can only return new records, never mutate what another stage
holds. IDs are content hashes (see `content_id`), so re-running any stage is idempotent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from litsynth.citations.labels import locator, parenthetical, work_label
from litsynth.errors import ConfigError
from litsynth.markup import shown


def content_id(*parts: object, length: int = 16) -> str:
    """A short stable id from the parts: the same content always gets the same id.

    16 hex digits = 64 bits; the birthday bound puts a collision at ~4 billion items, far past
    any review's corpus.
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


def bytes_id(data: bytes, length: int = 16) -> str:
    """Document id: the hash of the file's bytes, so a renamed file keeps its id."""
    return hashlib.sha256(data).hexdigest()[:length]


@dataclass(frozen=True)
class Page:
    """One page (PDF) or one section (plain text) of a document's canonical text."""

    number: int  # 1-based PDF page; for text, the 1-based section number
    start: int  # character offsets into Document.text
    end: int
    label: str = ""  # section heading for text documents ("3. Results"), "" for PDF pages


@dataclass(frozen=True)
class Document:
    """A parsed document: canonical text (NFC, normalised) with its page boundaries."""

    id: str
    path: str  # relative to the project root where possible
    kind: str  # a files.SUPPORTED value: "pdf", "text", "markdown", "html", "docx", "rtf"…
    text: str
    pages: tuple[Page, ...]
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    doi: str = ""
    attributes: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, with offsets that slice Document.text exactly."""

    id: str  # content_id(document_id, start, end)
    document_id: str
    ordinal: int
    start: int
    end: int
    text: str  # == document.text[start:end]
    page_start: int
    page_end: int
    n_tokens: int
    section: str = ""  # heading the chunk falls under, for citations of plain text
    paragraph: int | None = None  # 1-based paragraph number in the document, for plain text


@dataclass(frozen=True)
class Failure:
    """A file that could not be ingested, with a reason a user understands."""

    path: str
    reason: str  # one of ingest.FAILURE_REASONS
    detail: str = ""


@dataclass(frozen=True)
class BibRecord:
    """A bibliographic record from one import batch; duplicates point at their group's root."""

    id: str
    source: str  # database name the batch came from ("Scopus", "citation searching", ...)
    batch_id: str
    title: str = ""
    abstract: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    doi: str = ""
    journal: str = ""
    language: str = ""
    doc_type: str = ""
    keywords: tuple[str, ...] = ()
    file: str = ""  # Zotero-style attached file path, if the export had one
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class PreviousReport:
    """A report of a study the previous version of an updated review included (PRISMA 2020's
    flow for updated reviews counts them apart from the new searches)."""

    id: str  # the report's id in its file (its record id, RIS ID, BibTeX key)
    study: str  # the study it reports: reports of one study share it
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    doi: str = ""
    journal: str = ""
    file_name: str = ""  # the file the list came from
    # what a reference list needs beside the journal, as the file gave them
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doc_type: str = ""


@dataclass(frozen=True)
class PreviousValue:
    """A value the previous version of an updated review recorded on a study it included, in
    its data extraction or critical appraisal, carried into the update (or, `carried` False, a
    correction the update's reviewers made to it)."""

    form: str  # "extraction" | "appraisal"
    study: str  # the previous version's study (PreviousReport.study)
    field: str  # the form's field id
    value: str
    reviewer: str
    at: str  # ISO 8601 UTC, as the previous version recorded it
    source: str  # where it was read: "v1.zip, extraction.csv line 12"
    carried: bool = True


@dataclass(frozen=True)
class StudyLink:
    """One entry of the study log: from `at` on, `record_id` reports the study whose main
    report is `study` ('' = a study of its own). The latest entry per record counts."""

    record_id: str
    study: str
    reviewer: str
    at: str  # ISO 8601 UTC
    note: str = ""


# The screening stages, named once: the log, the sheets, PRISMA and the CLI all use these.
TITLE_ABSTRACT = "title-abstract"
FULL_TEXT = "full-text"
SCREENING_STAGES = (TITLE_ABSTRACT, FULL_TEXT)


@dataclass(frozen=True)
class Decision:
    """One screening decision; the log is append-only, latest per (record, stage, reviewer) wins."""

    record_id: str
    stage: str  # "title-abstract" | "full-text"
    decision: str  # "include" | "exclude" | "maybe" | "not-retrieved"
    reviewer: str
    at: str  # ISO 8601 UTC
    reason: str = ""
    note: str = ""
    origin: str = "terminal"  # "sheet" | "terminal" | "automation" | "resolution"
    source: str = ""  # provenance: "sheet.csv:12", the automation rule, ...


@dataclass(frozen=True)
class Suggestion:
    """A machine-suggested code for a chunk, with the evidence a reviewer needs to judge it."""

    chunk_id: str
    code_id: str
    score: float
    model: str
    codebook_version: str
    evidence: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Coding:
    """A human coding decision on a span: never overwritten by a later machine run."""

    id: str
    chunk_id: str
    code_id: str
    start: int  # offsets into the document's canonical text
    end: int
    coder: str
    at: str
    status: str  # "accepted" | "rejected" | "added"
    memo: str = ""
    suggestion_score: float | None = None


# ---- records shared by the store and several stages (kept here so arrows point down) ----


@dataclass(frozen=True)
class Rejection:
    """An entry the reader skipped: where it starts and why, in words a person can act on."""

    line: int  # 1-based; 0 = the whole file
    reason: str
    excerpt: str = ""


@dataclass(frozen=True)
class ImportBatch:
    """One file from one source, ready to store: its records (final ids) and its rejections."""

    id: str
    source: str
    file_name: str
    file_hash: str
    format: str
    encoding: str
    imported_at: str
    records: tuple[BibRecord, ...]
    rejected: tuple[Rejection, ...]
    report: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Passage:
    """The one passage record: a chunk (or a span of one) with its document's facts.

    Built by one store query (`store.passages`) and used by search, review, discovery, themes,
    matrices, the report and the exports, so a citation is made in one place: `citation`
    ("Phadnis (2023), p. 4"; "… § Results, ¶ 4" for text) and `label` ("Phadnis (2023)").
    For a coded span inside a chunk, `start`/`end` and the pages are the span's.
    """

    chunk_id: str
    document_id: str
    start: int  # offsets into the document's canonical text
    end: int
    text: str
    kind: str = "pdf"
    title: str = ""
    path: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    page_start: int = 1
    page_end: int = 1
    section: str = ""
    paragraph: int | None = None
    ordinal: int = 0  # the chunk's place in its document
    rowid: int = 0  # the FAISS id of the chunk's vector
    role: str = "body"  # body, abstract, front matter, references, … (ingest/roles.py)

    @cached_property
    def label(self) -> str:
        """The work: "Yulianti & Santoso (2025)", else a short title, else the file name."""
        return work_label(self.authors, self.year, title=self.title, path=self.path)

    @cached_property
    def where(self) -> str:
        """Where in the work: "p. 4", "pp. 4–5", or "§ Findings, ¶ 2" for text."""
        return locator(
            kind=self.kind, page_start=self.page_start, page_end=self.page_end,
            section=self.section, paragraph=self.paragraph,
        )  # fmt: skip

    @cached_property
    def citation(self) -> str:
        """'Phadnis (2023), p. 4', or '§ Findings, ¶ 2' for text: where a reader finds it
        (`citations.labels.format_citation`'s form: the work, then where in it)."""
        return f"{self.label}, {self.where}"

    @cached_property
    def quote(self) -> str:
        """The passage as a writer quotes it: “…” (Phadnis, 2023, p. 4)."""
        return self.quoting(" ".join(shown(self.text, self.kind).split()))

    def quoting(self, words: str) -> str:
        """`words` from the passage (as shown, perhaps cut) in quotes, with its citation."""
        cite = parenthetical(self.authors, self.year, self.where, title=self.title, path=self.path)
        return f"“{words}” {cite}"


class OnPassage:
    """For results that hold a `passage: Passage` and add to it (a search hit, a matrix
    back-link, a quote): the passage's identity and citation without copying its fields."""

    passage: Passage

    @property
    def chunk_id(self) -> str:
        return self.passage.chunk_id

    @property
    def document_id(self) -> str:
        return self.passage.document_id

    @property
    def citation(self) -> str:
        return self.passage.citation


@dataclass(frozen=True)
class Evidence:
    """Why the machine suggested a code: the keywords that matched and the nearest example."""

    keywords: tuple[str, ...] = ()
    nearest: str = ""  # the definition/example sentence most similar to the passage
    nearest_kind: str = ""  # "example", "definition", "keyword", ... as the classifier named it
    similarity: float | None = None

    def summary(self) -> str:
        """One line for a sheet cell or the terminal: the keywords, then the nearest example."""
        parts = []
        if self.keywords:
            parts.append("keywords: " + ", ".join(self.keywords))
        if self.nearest:
            kind = self.nearest_kind or "example"
            parts.append(f'nearest {kind}: "{one_line(self.nearest)}"')
        return " | ".join(parts)


def read_evidence(raw: Mapping[str, object]) -> Evidence:
    """The evidence JSON of a suggestion, tolerant of the shapes classifiers write.

    Keywords may come as a list of strings or of {"keyword"/"text": ...} objects; the nearest
    example as a string or as {"text", "kind"/"source", "similarity"/"score"}.
    """
    words: list[str] = []
    for key in ("keywords", "matched_keywords", "matched"):
        value = raw.get(key)
        if isinstance(value, list | tuple):
            for entry in value:
                if isinstance(entry, Mapping):
                    entry = entry.get("keyword") or entry.get("text") or entry.get("phrase") or ""
                if isinstance(entry, str) and entry.strip() and entry.strip() not in words:
                    words.append(entry.strip())
    nearest: object = None
    for key in ("nearest", "nearest_example", "example", "nearest_sentence"):
        if raw.get(key):
            nearest = raw[key]
            break
    text, kind, similarity = "", "", None
    if isinstance(nearest, str):
        text = nearest
    elif isinstance(nearest, Mapping):
        text = str(nearest.get("text") or nearest.get("sentence") or "")
        kind = str(nearest.get("kind") or nearest.get("source") or nearest.get("field") or "")
        score = nearest.get("similarity", nearest.get("score"))
        similarity = float(score) if isinstance(score, int | float) else None
    return Evidence(tuple(words), text.strip(), kind, similarity)


@dataclass(frozen=True)
class ReviewItem:
    """One machine suggestion waiting for (or carrying) a human decision."""

    passage: Passage
    code_id: str
    score: float
    threshold: float
    model: str = ""
    evidence_json: str = "{}"  # as stored; parsed on first use (a queue can hold 100k items)
    decision: str | None = None  # the coder's latest status on it, if any

    @property
    def key(self) -> tuple[str, str]:
        return (self.passage.chunk_id, self.code_id)

    @cached_property
    def evidence(self) -> Evidence:
        try:
            raw = json.loads(self.evidence_json or "{}")
        except json.JSONDecodeError:
            raw = {}
        return read_evidence(raw if isinstance(raw, dict) else {})


@dataclass(frozen=True)
class Memo:
    """A reviewer's note on a passage (chunk id), a code, or a document."""

    id: str
    target: str
    author: str
    at: str
    text: str


@dataclass(frozen=True)
class CellSummary:
    """A reviewer's summary of one cell of a framework matrix: what one source (or study)
    says on one theme, in their words. `basis` names the cell's passages when it was written
    (`synthesis.framework.passage_key`), so a cell coded further since can say what is new."""

    rows: str  # the matrix's rows: "documents", "attr:study", …
    row_key: str
    cols: str  # "themes", "categories" or "codes"
    col_key: str
    text: str  # "" clears the cell
    author: str
    at: str
    basis: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return content_id(
            self.rows, self.row_key, self.cols, self.col_key, self.text, self.author, self.at
        )


def one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class MachineCell:
    """One (passage, code) of a passage a human worked on: did the machine suggest it (at or
    above its threshold), and what is the human's latest decision on it (None: none yet)?"""

    chunk_id: str
    code_id: str
    machine: bool
    human: str | None  # "accepted" | "rejected" | "added" | None


# What ingest notes about a PDF it read or repaired (ingest/pdf.py). They are stored with the
# document's attributes, as provenance, but are not attributes: exported as REFI-QDA variables
# they became NVivo case attributes ("page_numbers_removed: 14") on every paper.
PARSE_NOTES = frozenset(
    {
        "pages_failed",
        "page_numbers_removed",
        "running_heads_removed",
        "copyright_lines_removed",
        "glued_words_split",
        "small_caps_joined",
        "decrypted_with",
        "ocr_pages",
        "ocr_engine",
        "ocr_confidence",
        "pages_without_text",
        "footnotes",
        "printed_pages",
        "chapters_unread",
        "reader_marks",
    }
)


def attribute_pair(text: str) -> tuple[str, str] | None:
    """NAME=VALUE as (name, value), or None when it is not that (no "=", or no name)."""
    name, sep, value = text.partition("=")
    return (name.strip(), value.strip()) if sep and name.strip() else None


def attribute_matches(attributes: Mapping[str, object], attribute: tuple[str, str]) -> bool:
    """A document has NAME=VALUE: case-insensitively, the whole value or one of its
    ";"-separated parts (documents.csv lists several industries that way)."""
    value = str(attributes.get(attribute[0], ""))
    parts = {v.strip().casefold() for v in [value, *value.split(";")]}
    return attribute[1].strip().casefold() in parts


def split_parse_notes(attributes: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(a document's attributes, what ingest noted while reading it): one split for the
    report, `attributes list` and the REFI-QDA export."""
    notes = {k: v for k, v in attributes.items() if k in PARSE_NOTES}
    return {k: v for k, v in attributes.items() if k not in PARSE_NOTES}, notes


@dataclass(frozen=True)
class SourceDoc:
    """A document as the synthesis sees it: metadata, attributes and canonical text."""

    id: str
    path: str
    kind: str
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    attributes: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    text: str = field(default="", repr=False)
    pages: tuple[Page, ...] = field(default=(), repr=False)

    @property
    def label(self) -> str:
        """Short name for tables: "Yulianti & Santoso (2025)", else the title, else the file."""
        return work_label(self.authors, self.year, title=self.title, path=self.path)

    @property
    def user_attributes(self) -> dict[str, str]:
        """The attributes a reviewer groups, filters and exports by: not ingest's notes."""
        return split_parse_notes(self.attributes)[0]

    @property
    def parse_notes(self) -> dict[str, str]:
        """What ingest noted while repairing the PDF ("page_numbers_removed": "14")."""
        return split_parse_notes(self.attributes)[1]

    def attribute(self, name: str) -> str:
        """An attribute for matrix rows; `year` falls back to the bibliographic year."""
        value = self.attributes.get(name, "")
        if not value and name == "year" and self.year:
            value = str(self.year)
        return str(value).strip()


@dataclass(frozen=True)
class CodedSpan:
    """One row of `effective_codings`, with the chunk it belongs to (pages, section, paragraph)."""

    chunk_id: str
    document_id: str
    code_id: str
    start: int  # offsets into the document's canonical text
    end: int
    score: float
    origin: str  # "human" | "machine"
    coder: str  # reviewer name, or the model for machine suggestions
    at: str = ""  # when it was decided / suggested
    memo: str = ""
    chunk_start: int = 0
    chunk_end: int = 0
    page_start: int = 1
    page_end: int = 1
    section: str = ""
    paragraph: int | None = None


# What a passage is (ingest/roles.py decides it at ingest).
ROLES = (
    "body", "abstract", "front matter", "references", "acknowledgements", "captions/tables",
    "boilerplate",
)  # fmt: skip
# The roles that suggest, search and discover read unless told otherwise. The abstract is
# the paper's own account of its findings, so it is read with the body; the rest is what a
# reviewer never codes (reference lists, author blocks, running headers, captions…).
READ_BY_DEFAULT = ("body", "abstract")


def roles_wanted(given: Sequence[str]) -> tuple[str, ...] | None:
    """The roles a command reads: its `--role` values, the default when none, None for "all"."""
    if not given:
        return READ_BY_DEFAULT
    if "all" in given:
        return None
    unknown = sorted(set(given) - set(ROLES))
    if unknown:
        raise ConfigError(
            f"unknown passage role {unknown[0]!r}",
            hint="one of: " + ", ".join(ROLES) + "; or all",
        )
    return tuple(dict.fromkeys(given))
