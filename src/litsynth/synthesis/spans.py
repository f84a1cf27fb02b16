"""The inputs every synthesis view shares: documents and their coded spans, and how to cite them.

A matrix cell, a theme's cited works and a REFI-QDA selection all point back at the same
thing — a span of a document's canonical text that a code applies to now (the
`effective_codings` view: the latest human decision, else a machine suggestion above its
threshold). These records carry what is needed to show such a span to a reader: its quote, its
pages, and its citation "Author (Year), p. N".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from litsynth.citations.labels import printed_span
from litsynth.errors import SynthesisError
from litsynth.markup import shown
from litsynth.records import CodedSpan, Page, Passage, SourceDoc


def span_pages(doc: SourceDoc | None, span: CodedSpan) -> tuple[int, int]:
    """First and last page (or text section) the span touches.

    A human may code part of a chunk, so the chunk's page span can be wider than the span's;
    the pages table narrows it. Without pages, the chunk's own span is the answer.
    """
    if doc is None or not doc.pages or (span.start, span.end) == (span.chunk_start, span.chunk_end):
        return span.page_start, span.page_end
    return _touched(doc.pages, span.start, span.end) or (span.page_start, span.page_end)


def _touched(pages: Sequence[Page], start: int, end: int) -> tuple[int, int] | None:
    """The first and last of `pages` that the characters start..end lie on."""
    last_char = max(start, end - 1)
    touched = [p.number for p in pages if p.start <= last_char and p.end > start]
    return (min(touched), max(touched)) if touched else None


def _section(
    kind: str, whole: Passage | CodedSpan, pages: Sequence[Page], first: int, last: int
) -> str:
    """The section label of pages `first` to `last` of `whole`, a passage or a coded span:
    its own, unless a PDF's span was narrowed to fewer pages, which are then cited by their
    printed numbers (`printed_span`)."""
    if kind != "pdf" or (first, last) == (whole.page_start, whole.page_end):
        return whole.section
    return printed_span([p.label for p in pages], first, last)


def part_of(passage: Passage, pages: Sequence[Page], start: int, end: int) -> Passage:
    """Characters start..end of a passage (document offsets), cited where they lie: a
    sentence a writer quotes from a passage that runs over two pages is on one of them."""
    if not passage.start <= start < end <= passage.end:
        raise SynthesisError(
            f"characters {start}–{end} are not inside passage {passage.chunk_id}"
            f" ({passage.start}–{passage.end})",
            hint="select text within one passage",
        )
    first, last = _touched(pages, start, end) or (passage.page_start, passage.page_end)
    section = _section(passage.kind, passage, pages, first, last)
    return replace(
        passage,
        start=start,
        end=end,
        text=passage.text[start - passage.start : end - passage.start],
        page_start=first,
        page_end=last,
        section=section,
    )


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
    section = _section(doc.kind, span, doc.pages, first, last)
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
