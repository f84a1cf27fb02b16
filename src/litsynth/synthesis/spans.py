"""The inputs every synthesis view shares: documents and their coded spans, and how to cite them.

A matrix cell, a theme's cited works and a REFI-QDA selection all point back at the same
thing — a span of a document's canonical text that a code applies to now (the
`effective_codings` view: the latest human decision, else a machine suggestion above its
threshold). These records carry what is needed to show such a span to a reader: its quote, its
pages, and its citation "Author (Year), p. N".
"""

from __future__ import annotations

from litsynth.citations.parts import narrowed_section, pages_touched
from litsynth.markup import shown
from litsynth.records import CodedSpan, Passage, SourceDoc


def span_pages(doc: SourceDoc | None, span: CodedSpan) -> tuple[int, int]:
    """First and last page (or text section) the span touches.

    A human may code part of a chunk, so the chunk's page span can be wider than the span's;
    the pages table narrows it. Without pages, the chunk's own span is the answer.
    """
    if doc is None or not doc.pages or (span.start, span.end) == (span.chunk_start, span.chunk_end):
        return span.page_start, span.page_end
    return pages_touched(doc.pages, span.start, span.end) or (span.page_start, span.page_end)


def span_passage(doc: SourceDoc | None, span: CodedSpan) -> Passage:
    """The coded span as a `Passage`: its own offsets, text and (narrowed) pages, so its
    `citation` points at where the coded words are, not at the whole chunk."""
    first, last = span_pages(doc, span)
    if doc is None:
        return Passage(
            span.chunk_id, span.document_id, span.start, span.end, "", kind="text",
            path=span.document_id, page_start=first, page_end=last, section=span.section,
            paragraph=span.paragraph,
        )  # fmt: skip
    whole = (span.page_start, span.page_end)
    section = narrowed_section(doc.kind, span.section, whole, doc.pages, first, last)
    return Passage(
        chunk_id=span.chunk_id,
        document_id=span.document_id,
        start=span.start,
        end=span.end,
        text=doc.text[span.start : span.end],
        kind=doc.kind,
        title=doc.title,
        path=doc.path,
        authors=doc.authors,
        year=doc.year,
        page_start=first,
        page_end=last,
        section=section,
        paragraph=span.paragraph,
    )


def cite_span(doc: SourceDoc | None, span: CodedSpan) -> str:
    """ "Yulianti & Santoso (2025), § 4. Results, ¶ 12" or "Phadnis (2023), p. 4"."""
    return span_passage(doc, span).citation


def quote(text: str, start: int, end: int, *, limit: int = 240, kind: str = "pdf") -> str:
    """The span's text on one line, cut to about `limit` characters at a word boundary;
    a text or Markdown document's markup hidden (`markup.shown`)."""
    # Normalise only the head of a long span: a 3,000-character passage needs its first ~240.
    window = text[start : min(end, start + 4 * limit)]
    one_line = " ".join(shown(window, kind).split())
    if len(one_line) <= limit and start + len(window) >= end:
        return one_line
    cut = one_line[:limit].rsplit(" ", 1)[0]
    return cut + " …"
