"""What Word (.docx) and OpenDocument (.odt) files share once their XML is walked: paragraphs
in reading order, each marked as a heading, a title, an author or a date line, or plain text.

`word_document` turns those paragraphs into the canonical `Document`: one section per heading
(a passage is cited "§ Findings, ¶ 12", as in Markdown: a word-processor file has no fixed
pages, only the ones some printer last laid out), notes gathered under "Notes", and the
title, authors and year found the same way for both formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from litsynth.ingest.byline import byline_authors, reads_as_name
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.first_page import printed_year
from litsynth.ingest.normalize import assemble_sections, normalize_parts
from litsynth.ingest.own_metadata import author_names, year_in
from litsynth.records import Document, bytes_id

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")  # a note's mark in the text
FRONT_STYLES = frozenset(["title", "author", "date"])
_FRONT_BLOCKS = 12  # paragraphs at the top where a title, authors and a date are looked for
# Built-in heading style names ("heading 1"; English in the file whatever the language of the
# program); LibreOffice's "Heading" is the parent of its numbered ones.
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])?$", re.I)
# Words of the account names a word processor writes as a file's creator when it knows no
# person's name.
_ACCOUNT_WORDS = frozenset(
    ["user", "admin", "administrator", "author", "unknown", "owner", "office", "microsoft",
     "windows", "employee", "staff", "guest", "python-docx", "poi"]
)  # fmt: skip


@dataclass(frozen=True)
class Block:
    """One paragraph: its text, and a heading level (1–9), a FRONT_STYLES name, or None."""

    text: str
    level: int | str | None = None


def style_level(name: str) -> int | str | None:
    """The level a paragraph style's name gives: 1–9 for a heading style, "title", "author"
    or "date" for those styles (Word's Title; the Author and Date of pandoc's and many
    journals' templates), else None."""
    name = name.strip().lower()
    if name in FRONT_STYLES:
        return name
    if match := _HEADING_STYLE.match(name):
        return int(match.group(1) or 1)
    return None


def row_blocks(cells: Sequence[Sequence[Block]]) -> list[Block]:
    """A table row, given each cell's paragraphs, as the paragraphs a reader takes in: one,
    its cells joined by " | " (a transcript's "P3 | We stopped phoning…"); or, when only one
    cell holds text (a box drawn around some paragraphs), those paragraphs as they are."""
    texts = [[b.text.strip() for b in cell if b.text.strip()] for cell in cells]
    texts = [cell for cell in texts if cell]
    if len(texts) == 1:
        return [Block(text) for text in texts[0]]
    return [Block(" | ".join(" ".join(cell) for cell in texts))] if texts else []


def note_block(number: int, texts: Iterable[str]) -> Block:
    """A footnote or endnote as the paragraph under "Notes": its mark, then its text."""
    return Block(f"{str(number).translate(SUPERSCRIPT)} {' '.join(t.strip() for t in texts)}")


def word_document(
    path: Path,
    data: bytes,
    *,
    kind: str,
    blocks: Sequence[Block],
    notes: Sequence[Block],
    own_title: str,
    creator: str,
) -> Document:
    """The canonical `Document` of a word-processor file, from its paragraphs and notes and
    the title and creator its properties state; raises `ParseFailure` "empty" without text."""
    blocks = [b for b in blocks if b.text.strip()]
    if notes:
        blocks += [Block("Notes", 1), *notes]
    texts = normalize_parts([b.text for b in blocks])
    kept = [Block(text, block.level) for text, block in zip(texts, blocks, strict=True) if text]
    text, pages = assemble_sections(
        (b.text, b.level is not None and b.level not in ("author", "date")) for b in kept
    )
    if not text:
        raise ParseFailure("empty", "no visible text in the document's body", str(path))
    title, authors, year = _front(kept, own_title, creator)
    return Document(
        id=bytes_id(data),
        path=str(path),
        kind=kind,
        text=text,
        pages=pages,
        title=title,
        authors=authors,
        year=year or printed_year(text[:3000]),
        attributes={"footnotes": str(len(notes))} if notes else {},
    )


def _wordy(title: str) -> bool:
    """A title with a word in it: not ".", not a template's "<%AcceptAction::Approve%>"."""
    return bool(re.search(r"[^\W\d_]{2,}", title)) and not re.search(r"[<>{}]|%\w", title)


def _front(
    blocks: list[Block], own_title: str, creator: str
) -> tuple[str, tuple[str, ...], int | None]:
    """Title, authors and year from the top of the document (up to its first heading; a
    second title page is an appendix's), else from the file's own properties.

    The title on the page comes first: a file's own title is often its template's. Authors
    are the Author-styled paragraphs, else the names printed under the title (read as a PDF's
    byline), else the file's creator (often only who typed it). The file's dates are not a
    year: they say when it was typed."""
    top = next((i for i, b in enumerate(blocks) if i and isinstance(b.level, int)), len(blocks))
    front = blocks[: min(top, _FRONT_BLOCKS)]
    styled = {
        style: [" ".join(b.text.split()) for b in front if b.level == style]
        for style in FRONT_STYLES
    }
    title = next((t for t in (*styled["title"][:1], own_title) if _wordy(t)), "")
    bylines = tuple(dict.fromkeys(n for line in styled["author"] for n in author_names(line)))
    printed = byline_authors("\n".join(b.text for b in front), title)
    creators = author_names(creator)
    own = all(
        reads_as_name(n) and not _ACCOUNT_WORDS & set(n.lower().replace(",", " ").split())
        for n in creators
    )
    year = next((y for line in styled["date"] if (y := year_in(line))), None)
    return title, bylines or printed or (creators if own else ()), year
