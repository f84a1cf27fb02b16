"""Typed records passed between the stages.

Frozen dataclasses, so a stage can only return new records, never mutate what another stage
holds. IDs are content hashes (see `content_id`), so re-running any stage is idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


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
    kind: str  # "pdf" | "text" | "markdown" | "html"
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
class CitedPassage:
    """A chunk with what it takes to quote it (the analysis stages never re-read documents)."""

    chunk_id: str
    document_id: str
    ordinal: int
    text: str
    citation: str  # "Yulianti & Santoso (2025), p. 3" or "… (2025), § Results, ¶ 4"
    title: str = ""
    rowid: int = 0  # the FAISS id of the chunk's vector


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
