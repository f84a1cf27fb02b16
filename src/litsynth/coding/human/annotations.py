"""What a reviewer's PDF marks mean for the project: codes, memos, and where in the text.

A highlight's comment may name codes ("trust", "#barriers", "Trust; Cost"), its colour may
stand for a code (`--colour yellow=trust`, as many reviewers colour by theme), and whatever
else the comment says is the reviewer's note. A mark that names no code is kept as a memo
on its passage, with the words it covers, so nothing the reviewer marked is lost.

Pure functions: `litsynth.coding.human.annotations_import` reads the PDFs and the store.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litsynth.coding.codebook.model import Codebook, did_you_mean
from litsynth.errors import CodingError
from litsynth.ingest.anchor import Letters, letters, place
from litsynth.records import Page

if TYPE_CHECKING:  # the type only: naming a colour must not load the PDF readers
    from litsynth.ingest.pdf_notes import PdfNote

# Colour names by hue, as annotation tools name their palettes (Zotero: yellow, red, green,
# blue, purple, magenta, orange, grey; Acrobat and Preview the same few). A pale red is
# pink, as Acrobat's and Preview's pink highlighters are.
HUES = (
    (15, "red"),
    (45, "orange"),
    (70, "yellow"),
    (165, "green"),
    (250, "blue"),
    (285, "purple"),
    (335, "magenta"),
    (360, "red"),
)
COLOURS = ("yellow", "orange", "red", "pink", "green", "blue", "purple", "magenta", "grey")
_TAG = re.compile(r"(?<![\w#])#([\w][\w\-./]*)")
NEAR = 40  # letters around a note's place looked up to find the passage it was put beside


def colour_name(rgb: tuple[float, float, float] | None) -> str:
    """The palette name of an annotation colour ("" when the PDF gives none)."""
    if rgb is None:
        return ""
    h, s, v = colorsys.rgb_to_hsv(*(min(1.0, max(0.0, c)) for c in rgb))
    if s < 0.15 or v < 0.2:
        return "grey"
    degrees = h * 360
    name = next(n for limit, n in HUES if degrees < limit or limit == 360)
    return "pink" if name == "red" and s < 0.55 else name


def name_key(name: str) -> str:
    """A code's id or label as a reviewer may type it: case, '#', spaces and dashes aside."""
    return re.sub(r"[\W_]+", "", name.casefold())


def code_names(book: Codebook) -> dict[str, str]:
    """Each way to name a code (its id, its label, its aliases) → the code id."""
    names: dict[str, str] = {}
    for code in book.codes.values():
        for name in (*code.aliases, code.label, code.id):
            if name_key(name):
                names[name_key(name)] = code.id
    return names


@dataclass(frozen=True)
class Comment:
    """A mark's comment read against the codebook."""

    codes: tuple[str, ...]
    unknown: tuple[str, ...]  # "#tags" that name no code (kept in `rest`)
    rest: str  # what the comment says besides the codes it names


def read_comment(comment: str, names: Mapping[str, str]) -> Comment:
    """The codes a comment names, and the rest of it.

    A line whose every item (split at commas and semicolons) names a code is a list of
    codes; a "#tag" anywhere names a code if one has that id or label. Anything else is the
    reviewer's note and stays as written, tags included ("compare with #scale" means less
    without its tag), so a typo in a tag loses nothing.
    """
    codes: list[str] = []
    unknown: list[str] = []
    kept: list[str] = []
    for line in comment.splitlines():
        items = [i.strip().lstrip("#").strip() for i in re.split(r"[,;]", line)]
        named = [names.get(name_key(i)) for i in items if i]
        if named and all(named):
            codes += [n for n in named if n]
            continue

        for found in _TAG.finditer(line):
            code = names.get(name_key(found.group(1)))
            if code is None:
                unknown.append(found.group(1))
            else:
                codes.append(code)  # left in the line: a tag in a sentence is part of it
        kept.append(" ".join(line.split()))
    rest = "\n".join(k for k in kept if k).strip()
    return Comment(tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(unknown)), rest)


def colour_codes(specs: Sequence[str], book: Codebook) -> dict[str, str]:
    """`--colour yellow=trust` options → {colour name: code id}, each checked."""
    names = code_names(book)
    out: dict[str, str] = {}
    for spec in specs:
        colour, sep, code = spec.partition("=")
        colour = colour.strip().lower().replace("gray", "grey")
        if not sep or not code.strip():
            raise CodingError(
                f"--colour {spec!r} names no code",
                hint="write it as COLOUR=CODE, e.g. --colour yellow=trust",
            )
        if colour not in COLOURS:
            raise CodingError(
                f"unknown colour {colour!r}{did_you_mean(colour, COLOURS)}",
                hint="colours are " + ", ".join(COLOURS),
            )
        found = names.get(name_key(code))
        if found is None:
            raise CodingError(
                f"--colour {spec!r}: no code {code.strip()!r}"
                + did_you_mean(code.strip(), book.codes),
                hint="use a code id or label from the codebook",
            )
        out[colour] = found
    return out


class StoredText:
    """A stored document's text with its pages, and their letters (`ingest.anchor.letters`)
    worked out once each and only when a mark is looked up there."""

    def __init__(self, text: str, pages: Sequence[Page]) -> None:
        self.text = text
        self.pages = {p.number: p for p in pages}
        self._letters: dict[int, Letters] = {}  # by page number; 0: the whole text

    def letters(self, page: int = 0) -> Letters:
        if page not in self._letters:
            shown = self.pages.get(page)
            part = self.text[shown.start : shown.end] if shown else self.text
            self._letters[page] = letters(part)
        return self._letters[page]


def place_note(note: PdfNote, stored: StoredText) -> tuple[int, int] | None:
    """Where in the stored document text the note's words (or its place) are, or None.

    Looked up on its page first (page numbers agree between the PDF and the store), then in
    the whole document. A highlight begun or ended inside a word (a mouse is not a word
    selector) is widened to the whole word, as a reviewer coding those words means.
    """
    old = letters(note.page_text)
    start, end = note.start, note.end
    if not note.covers_text:  # a note marks a place: look up the words around it
        start, end = max(0, start - NEAR), min(len(note.page_text), end + NEAR)
    found = None
    page = stored.pages.get(note.page)
    if page is not None:
        on_page = place(old, stored.letters(note.page), start, end)
        if on_page is not None:
            found = (on_page.start + page.start, on_page.end + page.start)
    if found is None:
        anywhere = place(old, stored.letters(), start, end)
        found = None if anywhere is None else (anywhere.start, anywhere.end)
    if found is None:
        return None
    if not note.covers_text:
        middle = (found[0] + found[1]) // 2
        return middle, middle
    return _whole_words(stored.text, *found)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def memo_text(note: PdfNote, comment: Comment, quote: str) -> str:
    """A memo for a mark that names no code: the words it covers, then what was said."""
    head = note.kind.capitalize() + (f" (p. {note.page})" if note.page else "")
    if quote:
        head += f": “{quote}”"
    return "\n".join(part for part in (head, comment.rest, replies_text(note)) if part)


def replies_text(note: PdfNote) -> str:
    return "\n".join(f"Reply{f' from {who}' if who else ''}: {text}" for who, text in note.replies)
