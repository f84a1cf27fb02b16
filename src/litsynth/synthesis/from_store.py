"""The synthesis of one project's store: read the inputs once, hand them to the pure builders.

`matrix.build_matrix` and `intext.cited_works` take records, not connections, so they are easy
to test and to call from a notebook; these functions are the short path for callers that hold
a store connection (the CLI, `litsynth themes`, the report).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from litsynth.coding.codebook.model import Codebook
from litsynth.config import SOURCES
from litsynth.errors import SynthesisError
from litsynth.records import CodedSpan, Passage, SourceDoc
from litsynth.store import framework as framework_store
from litsynth.store import synthesis as store
from litsynth.synthesis.findings import Assessment, Finding
from litsynth.synthesis.framework import (
    Framework,
    FrameworkCell,
    build_framework,
    check_kind,
    new_summary,
)
from litsynth.synthesis.intext import (
    CitedWork,
    Reference,
    ResolvedCitation,
    Span,
    cited_works,
    document_citations,
)
from litsynth.synthesis.matrix import (
    CODE_DIMENSIONS,
    Matrix,
    build_matrix,
    check_dimensions,
    row_labels_of_document,
)
from litsynth.synthesis.quotes import CodeQuotes, Heading, quote_bank
from litsynth.synthesis.spans import span_passage
from litsynth.words import count

if TYPE_CHECKING:
    from litsynth.embed.models import Embedder
    from litsynth.synthesis.key_sentences import KeySentence

APPRAISAL_ROWS = "attr:appraisal"  # rows by each study's overall appraisal (biblio/appraisal.py)
STUDY_ROWS = "attr:study"  # rows by the study each document reports (`litsynth studies`)


@dataclass(frozen=True)
class DocumentCitations:
    """A document's in-text citations, resolved, and its parsed reference list."""

    document_id: str
    label: str
    citations: tuple[ResolvedCitation, ...]
    references: tuple[Reference, ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for rc in self.citations:
            out[rc.status] += 1
        return dict(out)


def matrix_from_store(
    conn: sqlite3.Connection,
    codebook: Codebook,
    *,
    rows: str = "documents",
    cols: str = "themes",
    source: str = "both",
    appraisal_form: Path | None = None,
    only_row: str | None = None,
) -> Matrix:
    """The matrix of the project's current codings (see `matrix.build_matrix`).

    `source`: "human" counts people's codings (hand-made and accepted suggestions),
    "machine" the suggestions nobody has reviewed yet, "both" all of them. With the project's
    appraisal form, rows "attr:appraisal" are each document's study's overall judgement
    (biblio/appraisal.py), as if documents.csv held it. With `only_row` (rows of documents
    or an attribute), that row alone, from its documents' codings only: a framework cell
    opened or saved costs one source's passages, not a thousand's.
    """
    judged = appraisal_form if rows == APPRAISAL_ROWS else None
    found = documents(conn, judged, studies=rows == STUDY_ROWS)
    if only_row is not None:
        check_dimensions(rows, cols)
        if rows in CODE_DIMENSIONS:
            raise SynthesisError(
                f"a row of {rows} is not drawn alone", hint="only_row is for documents or attr:NAME"
            )
        found = {d: doc for d, doc in found.items()
                 if only_row in row_labels_of_document(doc, rows, d)}  # fmt: skip
    spans = coded_spans(conn, source, found if only_row is not None else None)
    return build_matrix(spans, found, codebook, rows=rows, cols=cols)


def documents(
    conn: sqlite3.Connection,
    appraisal_form: Path | None = None,
    *,
    with_text: bool = True,
    studies: bool = False,
) -> dict[str, SourceDoc]:
    """The store's documents; with the project's appraisal form, each one that is an included
    study's full text carries the study's overall judgement as its attribute "appraisal"
    (biblio/appraisal.py), as if documents.csv held it: the matrices and the REFI-QDA export
    group and filter by it like any attribute. With `studies`, each carries the study it
    reports as its attribute "study" (`study_labels`)."""
    found = store.load_documents(conn, with_text=with_text)
    extra: dict[str, dict[str, str]] = defaultdict(dict)
    if appraisal_form is not None:
        from litsynth.biblio.appraisal import document_attributes

        for d, attributes in document_attributes(conn, appraisal_form).items():
            extra[d].update(attributes)
    if studies:
        for d, label in study_labels(conn, found).items():
            extra[d]["study"] = label
    return {
        d: replace(doc, attributes={**doc.attributes, **extra[d]}) if d in extra else doc
        for d, doc in found.items()
    }


def study_labels(conn: sqlite3.Connection, found: Mapping[str, SourceDoc]) -> dict[str, str]:
    """Document id -> the study it reports, as a matrix row names it: its record's study's
    main report ("Smith & Berg (2019)"; `litsynth studies`), so the reports of one study
    count as one; a document no record is linked to is a study of its own. Two studies of
    one label are told apart by their main report's id."""
    from litsynth.biblio.studies import (
        is_previous_study,
        previous_label,
        previous_labels,
        record_label,
        studies_of,
        study_of,
    )
    from litsynth.store import biblio as biblio_store
    from litsynth.store import previous as previous_store
    from litsynth.store import studies as studies_store

    grouped = studies_of(studies_store.links(conn))
    root = {d: d for d in found}  # unlinked: its own study, named by its own label
    label = {d: doc.label for d, doc in found.items()}
    earlier = (
        previous_labels(previous_store.reports(conn))
        if any(map(is_previous_study, grouped.values()))
        else {}
    )
    for link in biblio_store.record_documents(conn):
        d = link["document_id"]
        if d not in found or root[d] != d:
            continue  # a document linked to two records takes the first
        root[d] = study_of(grouped, link["record_id"])
        rec = None if is_previous_study(root[d]) else biblio_store.record_here(conn, root[d])
        if rec is not None:
            label[d] = record_label(rec)
        elif is_previous_study(root[d]):  # its name on the previous version's list
            label[d] = previous_label(earlier, root[d])[0]
        else:
            label[d] = root[d]
    roots_of: dict[str, set[str]] = defaultdict(set)
    for d in found:
        roots_of[label[d]].add(root[d])
    return {d: label[d] if len(roots_of[label[d]]) == 1 else f"{label[d]} [{root[d]}]"
            for d in found}  # fmt: skip


def coded_spans(
    conn: sqlite3.Connection, source: str, documents: Collection[str] | None = None
) -> list[CodedSpan]:
    """The current codings of one source: "human" (people's codings, accepted suggestions
    included), "machine" (suggestions above threshold nobody has reviewed) or "both"; of
    `documents` only, when given."""
    if source not in SOURCES:
        raise SynthesisError(f"unknown source {source!r}", hint="human, machine or both")
    found = store.load_coded_spans(conn, documents)
    return [s for s in found if source == "both" or s.origin == source]


def quotes_from_store(
    conn: sqlite3.Connection, codebook: Codebook, *, source: str, codes: Sequence[str] = ()
) -> tuple[list[Heading | CodeQuotes], str]:
    """The quote bank of the project's current codings (`quotes.quote_bank`), with what it
    counts in words ("4 quotes of human codings (accepted suggestions included)")."""
    bank = quote_bank(coded_spans(conn, source), store.load_documents(conn), codebook, codes=codes)
    n = sum(len(b.quotes) for b in bank if isinstance(b, CodeQuotes))
    return bank, f"{count(n, 'quote')} of {SOURCE_WORDS[source]}"


SOURCE_WORDS = {
    "human": "human codings (accepted suggestions included)",
    "machine": "unreviewed machine suggestions",
    "both": "human codings and unreviewed machine suggestions",
}


def citations_by_document(documents: Mapping[str, SourceDoc]) -> dict[str, DocumentCitations]:
    """Extract and resolve the in-text citations of every document (pure over the texts)."""
    out = {}
    for doc in documents.values():
        resolved, references = document_citations(doc.text)
        out[doc.id] = DocumentCitations(doc.id, doc.label, tuple(resolved), tuple(references))
    return out


GROUP_LEVELS = ("themes", "categories", "codes")


def group_spans(
    spans: list[CodedSpan], codebook: Codebook, level: str = "themes"
) -> dict[str, list[Span]]:
    """Per theme (or category, or code; codebook order), the spans coded with any of its codes.

    A category collects the codes of its sub-categories too.
    """
    if level not in GROUP_LEVELS:
        raise SynthesisError(f"unknown level {level!r}", hint="use themes, categories or codes")
    members: dict[str, set[str]]
    if level == "themes":
        members = {t: {c.id for c in codebook.codes_of_theme(t)} for t in codebook.themes}
    elif level == "categories":
        members = {k: {c.id for c in codebook.codes_of_category(k)} for k in codebook.categories}
    else:
        members = {c: {c} for c in codebook.codes}
    groups: dict[str, list[Span]] = {key: [] for key in members}
    for s in spans:
        for key, codes in members.items():
            if s.code_id in codes:
                groups[key].append(Span(s.chunk_id, s.document_id, s.start, s.end))
    return groups


def cited_works_by_theme(
    conn: sqlite3.Connection, codebook: Codebook, *, level: str = "themes", source: str = "both"
) -> dict[str, list[CitedWork]]:
    """Per theme id, the works its passages cite, most-cited first (seed 000's Comparative Insight).

    A passage belongs to a theme when `effective_codings` codes it with any code of the theme;
    a citation belongs to a passage when it lies inside the coded span. `level="categories"` or
    `"codes"` groups by those instead.
    """
    documents = store.load_documents(conn)
    return cited_works_from(coded_spans(conn, source), documents, codebook, level=level)


def cited_work_counts(
    conn: sqlite3.Connection, codebook: Codebook, source: str = "both"
) -> dict[str, list[tuple[str, int, int]]]:
    """Per theme, (work label, passages citing it, documents): what `themes` reports."""
    return {
        theme: [(w.label, w.n_passages, w.n_documents) for w in works]
        for theme, works in cited_works_by_theme(conn, codebook, source=source).items()
    }


def cited_works_from(
    spans: list[CodedSpan],
    documents: Mapping[str, SourceDoc],
    codebook: Codebook,
    *,
    level: str = "themes",
) -> dict[str, list[CitedWork]]:
    """`cited_works_by_theme` over records already loaded (pure)."""
    citations = citations_by_document(documents)
    by_chunk = {(s.chunk_id, s.start, s.end): s for s in spans}

    def cite(span: Span) -> Passage:
        coded = by_chunk.get((span.chunk_id, span.start, span.end))
        doc = documents.get(span.document_id)
        if coded is None:  # every grouped span comes from `spans`; kept for a direct caller
            return Passage(span.chunk_id, span.document_id, span.start, span.end, "")
        return span_passage(doc, coded)

    return cited_works(
        group_spans(spans, codebook, level),
        {doc_id: dc.citations for doc_id, dc in citations.items()},
        cite,
    )


def findings_from_store(
    conn: sqlite3.Connection,
    codebook: Codebook,
    *,
    source: str,
    appraisal_form: Path | None,
    assessments: Mapping[str, Assessment],
    themes: Matrix | None = None,
) -> list[Finding]:
    """Each theme as a review finding (synthesis/findings.py): the documents whose passages
    are coded under it, their studies' appraisal, and the team's assessment.

    `themes`: the documents × themes matrix of the same codings, when the caller has built it
    (the report has), so it is not built twice. The documents are read for their attributes
    only, without their text."""
    from litsynth.synthesis.findings import build_findings

    if themes is None:
        themes = matrix_from_store(conn, codebook, rows="documents", cols="themes", source=source)
    judged = {
        d: doc.attributes["appraisal"]
        for d, doc in documents(conn, appraisal_form, with_text=False).items()
        if "appraisal" in doc.attributes
    } if appraisal_form is not None else {}  # fmt: skip
    return build_findings(themes, codebook, judged, assessments, document_studies(conn))


def document_studies(conn: sqlite3.Connection) -> dict[str, str]:
    """Document id -> the study its record reports, for the documents linked to a record
    that is grouped with another report (`litsynth studies`); empty when none is. A document
    linked to two records takes the first, as `study_labels` names its matrix row."""
    from litsynth.biblio.studies import studies_of, study_of
    from litsynth.store import biblio as biblio_store
    from litsynth.store import studies as studies_store

    studies = studies_of(studies_store.links(conn))
    if not studies:
        return {}
    out: dict[str, str] = {}
    for link in biblio_store.record_documents(conn):
        out.setdefault(link["document_id"], study_of(studies, link["record_id"]))
    return out


def framework_from_store(
    conn: sqlite3.Connection,
    codebook: Codebook,
    *,
    rows: str = "documents",
    cols: str = "themes",
    source: str = "both",
    appraisal_form: Path | None = None,
    only_row: str | None = None,
) -> Framework:
    """The matrix of the project's codings with each cell's standing summary
    (`framework.build_framework`). With `only_row`, that row alone (`matrix_from_store`);
    its counts then are the row's."""
    check_kind(rows, cols)
    matrix = matrix_from_store(
        conn, codebook, rows=rows, cols=cols, source=source, appraisal_form=appraisal_form,
        only_row=only_row,
    )  # fmt: skip
    return build_framework(matrix, framework_store.latest_summaries(conn, rows, cols))


def summarise_cell(
    conn: sqlite3.Connection,
    framework: Framework,
    row: str,
    col: str,
    text: str,
    *,
    author: str,
) -> FrameworkCell | None:
    """Write one cell's summary (its basis the cell's passages in `framework`); "" clears it.
    Returns the cell as it now stands, or None when the words are the cell's already (nothing
    is written twice)."""
    summary = new_summary(framework.matrix, row, col, text, author=author, at=now_precise())
    key = (summary.row_key, summary.col_key)
    standing = framework.cells.get(key)
    same_words = (standing.summary.text if standing and standing.summary else "") == summary.text
    if same_words and not (standing is not None and standing.stale):
        return None  # an unchanged save; a stale one re-saved is the reviewer confirming it
    framework_store.add_summary(conn, summary)
    return build_framework(framework.matrix, [summary]).cell(*key)


def now_precise() -> str:
    """UTC to the millisecond: two versions of a cell saved in one second stay two."""
    stamp = datetime.now(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def framework_progress(
    conn: sqlite3.Connection,
    codebook: Codebook,
    *,
    source: str,
    appraisal_form: Path | None = None,
) -> list[dict[str, object]]:
    """Each kind of framework summarised so far, with its counts (`Framework.counts`), for
    `litsynth status`: how much is written, waiting, and out of date."""
    progress: list[dict[str, object]] = []
    for rows, cols in framework_store.summary_kinds(conn):
        try:
            found = framework_from_store(
                conn, codebook, rows=rows, cols=cols, source=source, appraisal_form=appraisal_form
            )
        except SynthesisError:  # a kind no longer drawn (an attribute gone): nothing to count
            continue
        progress.append({"rows": rows, "cols": cols, **found.counts()})
    return progress


def cell_sentences(
    conn: sqlite3.Connection, framework: Framework, row: str, col: str, embedder: Embedder
) -> list[KeySentence]:
    """The sentences that carry most of one cell (`key_sentences`), each cited by its page."""
    from litsynth.store.documents import document_pages
    from litsynth.synthesis.key_sentences import key_sentences

    refs = framework.cell(row, col).refs
    pages = {d: document_pages(conn, d) for d in {ref.document_id for ref in refs}}
    return key_sentences(refs, pages, embedder)


def framework_said(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """Each source's standing framework summary on each theme, by (document, theme): what
    findings.yaml shows under each study as the finding is written from them."""
    found = framework_store.latest_summaries(conn, "documents", "themes")
    return {(s.row_key, s.col_key): s.text for s in found if s.text}
