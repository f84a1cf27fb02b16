"""Paragraphs of a text document, and the number a passage is cited by ("§ Results, ¶ 4").

A text document (Markdown, HTML, Word, OpenDocument, an e-book without printed pages) has no
pages, so a passage is cited by its section and paragraph, as APA 7 does for unpaged sources
("Discussion section, para. 1"). The number is the one a reader finds by counting: from 1
within the section, the heading itself not counted, so "§ 4. Results and Discussion, ¶ 3" is
the third paragraph under that heading. Before paragraphs.v2 the count ran from the start of
the document (the demo's top search hit was "¶ 71" of a section of some thirty paragraphs).

The count restarts at each section that opens with its heading, or whose heading differs from
the section before; a section with no heading of its own and the same (or no) label continues
the count of the one before it (an e-book chapter split over two files reads as one). A
document with no headings is one section, counted from its first paragraph. PDFs are cited by
page and have no paragraph number.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Sequence

from litsynth.records import Document
from litsynth.store import documents as store
from litsynth.store import passage_facts
from litsynth.store.db import transaction

# paragraphs.v2: counted within each section, the heading not counted (v1: document-wide)
PARAGRAPHS_VERSION = "paragraphs.v2"

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
# A text whose lines are mostly longer than this is not hard-wrapped: each line is a paragraph.
_UNWRAPPED_LINE_CHARS = 200


def paragraph_breaks(doc: Document) -> re.Pattern[str]:
    """What separates paragraphs: a blank line, or any line break in one-line-per-paragraph text.

    Plain text and Markdown saved from the web or a word processor often write each paragraph
    as one long line with no blank line between (seed 001: 58k characters, no blank line), while
    hard-wrapped text and PDF pages break lines every ~80 characters inside a paragraph. So in a
    text document where most characters sit on lines longer than 200 characters, every line
    break separates paragraphs. PDFs always use blank lines (pages are joined with one).
    """
    if doc.kind != "pdf":
        long_chars = sum(
            len(line) for line in doc.text.split("\n") if len(line) > _UNWRAPPED_LINE_CHARS
        )
        if long_chars * 2 > len(doc.text):
            return _LINE_BREAK
    return _PARAGRAPH_BREAK


def paragraph_numbers(doc: Document, offsets: Sequence[int]) -> list[int | None]:
    """The paragraph number of the paragraph each offset falls in, as a reader counts it
    within its section; None for every offset of a PDF. A passage that starts at its
    section's heading is cited by the paragraph after it (¶ 1)."""
    if doc.kind == "pdf":
        return [None for _ in offsets]
    sections = {p.start: p.label for p in doc.pages if p.end > p.start}
    breaks = [m.end() for m in paragraph_breaks(doc).finditer(doc.text)]
    starts = sorted({0, *breaks, *sections})  # a heading line right under text starts one too
    numbers: list[int] = []
    count, label = 0, ""
    for i, start in enumerate(starts):
        heading = False
        if start in sections:
            end = starts[i + 1] if i + 1 < len(starts) else len(doc.text)
            heading = opens_with_heading(doc.text[start:end], sections[start], doc.kind)
            if heading or (sections[start] and sections[start] != label):
                count = 0
            label = sections[start] or label
        if not heading:
            count += 1
        numbers.append(max(count, 1))  # the heading is cited by the paragraph it opens
    return [numbers[bisect.bisect_right(starts, o) - 1] for o in offsets]


def opens_with_heading(paragraph: str, label: str, kind: str = "") -> bool:
    """Whether a section's first paragraph is its heading line: the label's letters and
    digits ("## 2. Results" and "2. Results" alike: Markdown's marks and emphasis aside), or
    in text and Markdown (`kind`) any ATX heading, whose label is its plain text (a link or
    code in it would not compare equal). Roles use it too (roles.heading_starts)."""
    first = paragraph.split("\n", 1)[0]
    atx = kind in ("text", "markdown") and first.lstrip().startswith("#")
    return bool(label) and (atx or _letters(first) == _letters(label))


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def renumber_paragraphs(conn: sqlite3.Connection) -> int:
    """Number the passages of documents stored by an older count (or re-chunked since) as
    `paragraph_numbers` does, from the stored text and pages: nothing is parsed or embedded
    again. Returns how many documents' numbers changed."""
    changed = 0
    for document_id in passage_facts.documents_not_numbered(conn, PARAGRAPHS_VERSION):
        doc = store.load_document(conn, document_id)
        stored = passage_facts.chunk_paragraphs_of(conn, document_id)
        numbers = paragraph_numbers(doc, [start for _c, start, _n in stored])
        pairs = [
            (chunk_id, number)
            for (chunk_id, _s, old), number in zip(stored, numbers, strict=True)
            if number != old
        ]
        with transaction(conn):
            passage_facts.set_paragraphs(conn, document_id, pairs, PARAGRAPHS_VERSION)
        changed += bool(pairs)
    return changed


def store_numbered(conn: sqlite3.Connection, document_id: str) -> None:
    """Record that a newly stored document's passages were numbered by this count (by
    `chunk_document`, as they were made), so `renumber_paragraphs` leaves them be."""
    passage_facts.set_paragraphs(conn, document_id, [], PARAGRAPHS_VERSION)
