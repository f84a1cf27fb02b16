"""The highlights, underlines and comments a reviewer made in a PDF, with the text under them.

Review authors read and mark their papers in Acrobat, Preview, Zotero ("export PDF with
annotations"), pdf.js or Okular long before they open a coding tool. Those marks are PDF
annotations: a highlight (or underline, squiggly, strike-out) holds the quadrilaterals it
covers on the page, its colour, its author, when it was made and the comment typed into it;
a sticky note or text box holds a comment at a place on the page. The words under a
highlight are not stored in it. They are read back here from the page's characters: a
character is under the highlight when the centre of its box lies inside one of the
highlight's quadrilaterals, so a highlight that grazes the line above or below, or cuts a
letter at its ends, takes neither.

The text is PDFium's reading of the page (pypdfium2, as OCR uses), not the stored text;
`litsynth.coding.human.annotations` places it in the stored text by its letters
(`ingest.anchor`), as codings are carried to a new reading of a document. pypdf reads the
annotations themselves (replies and pop-ups are links between them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.pdf import open_pdf, page_marks, reply_to

# Markup over text: the words under the quadrilaterals are what the reviewer meant.
MARKUP = {
    "/Highlight": "highlight",
    "/Underline": "underline",
    "/Squiggly": "squiggly",
    "/StrikeOut": "strike-out",
}
NOTE_KINDS = {"/Text": "note", "/FreeText": "text box"}
COVERING = frozenset({*MARKUP.values(), "comment"})  # marks over words (a Word comment too)
GAP = 80  # characters of reading order between two parts of one mark, at most
CONTEXT = 200  # characters of the page kept on each side of a mark, to place it in the text


@dataclass(frozen=True)
class PdfNote:
    """One reviewer mark on a page: `page_text[start:end]` is the text it covers (markup) or
    the text nearest to where it was put (a note); the page text is PDFium's reading."""

    page: int  # 1-based; 0 for a Word comment (no pages)
    kind: str  # highlight | underline | squiggly | strike-out | note | text box | a drawing's kind
    page_text: str
    start: int
    end: int
    comment: str = ""
    author: str = ""
    at: str = ""  # ISO 8601 UTC, "" when the PDF does not say
    colour: tuple[float, float, float] | None = None
    replies: tuple[tuple[str, str], ...] = ()  # (author, text) of each reply in the thread

    @property
    def covers_text(self) -> bool:
        return self.kind in COVERING

    @property
    def text(self) -> str:
        return " ".join(self.page_text[self.start : self.end].split())


@dataclass(frozen=True)
class NotesRead:
    """What a PDF holds: its notes, the marks with no text or comment (by kind), and the
    marks whose text could not be read (by page), so the import can say what it left."""

    notes: tuple[PdfNote, ...]
    skipped: dict[str, int] = field(default_factory=dict)
    unreadable: tuple[str, ...] = ()


def read_notes(path: Path, passwords: Sequence[str] = ()) -> NotesRead:
    """Every reviewer mark in the PDF at `path`, in page order.

    Raises ParseFailure when the file cannot be opened at all (broken, or encrypted without a
    password that opens it): the import reports it and goes on with the other files.
    """
    import pypdfium2 as pdfium

    data = path.read_bytes()
    reader, _how, password = open_pdf(data, str(path), passwords)
    try:
        document = pdfium.PdfDocument(data, password=password or None)
    except pdfium.PdfiumError as exc:
        raise ParseFailure("broken-file", f"PDFium cannot open it: {exc}", str(path)) from None
    try:  # as ingest reads it: a page tree that cannot be walked is a broken file
        pages = [reader.pages[i] for i in range(len(reader.pages))]
    except Exception as exc:  # pypdf raises many exception types on a malformed file
        document.close()
        detail = f"page tree: {type(exc).__name__}: {exc}"
        raise ParseFailure("broken-file", detail, str(path)) from None
    notes: list[PdfNote] = []
    skipped: dict[str, int] = {}
    unreadable: list[str] = []
    try:
        for index, page in enumerate(pages):
            marks = _marks(page)
            if not marks:
                continue
            if index >= len(document):  # PDFium found fewer pages: these marks have no text
                unreadable.append(f"page {index + 1}: PDFium cannot read this page")
                continue
            try:
                text_page = document[index].get_textpage()
            except pdfium.PdfiumError:  # a damaged page: the others are still read
                unreadable.append(f"page {index + 1}: PDFium cannot read this page")
                continue
            chars = PageChars.of(text_page)
            for mark in marks:
                note = _note(mark, index + 1, chars)
                if isinstance(note, str):
                    skipped[note] = skipped.get(note, 0) + 1
                elif note.start == note.end and note.covers_text:
                    unreadable.append(f"page {index + 1}: a {note.kind} over no text")
                else:
                    notes.append(note)
    finally:
        document.close()
    return NotesRead(tuple(notes), skipped, tuple(unreadable))


@dataclass(frozen=True)
class _Mark:
    """An annotation's dictionary with the replies made to it."""

    obj: Any
    replies: tuple[tuple[str, str], ...]


def _marks(page: Any) -> list[_Mark]:
    """The page's annotations that a reviewer made, replies folded into what they answer."""
    replies: dict[int, list[tuple[str, str]]] = {}
    marks: list[tuple[int | None, Any]] = []
    for number, annot in page_marks(page):
        parent = reply_to(annot)
        if parent is not None:
            reply = _string(annot.get("/Contents"))
            if reply:
                replies.setdefault(parent, []).append((_string(annot.get("/T")), reply))
            continue
        marks.append((number, annot))
    return [_Mark(a, tuple(replies.get(n, ()) if n is not None else ())) for n, a in marks]


def _note(mark: _Mark, page: int, chars: PageChars) -> PdfNote | str:
    """The note a mark stands for, or the kind of a mark with no text and no comment."""
    annot = mark.obj
    subtype = str(annot.get("/Subtype", "/Unknown"))
    comment = _string(annot.get("/Contents"))
    kind = MARKUP.get(subtype) or NOTE_KINDS.get(subtype) or subtype.lstrip("/").lower()
    quads = _quads(annot.get("/QuadPoints")) if subtype in MARKUP else []
    if quads:
        start, end = chars.under(quads)
    elif comment or mark.replies:
        rect = _numbers(annot.get("/Rect"))
        if len(rect) != 4:
            return kind
        start, end = chars.near(rect)
    else:
        return kind
    lo, hi = max(0, start - CONTEXT), min(len(chars.text), end + CONTEXT)
    return PdfNote(
        page=page,
        kind=kind,
        page_text=chars.text[lo:hi],
        start=start - lo,
        end=end - lo,
        comment=comment,
        author=_string(annot.get("/T")),
        at=pdf_date(_string(annot.get("/M")) or _string(annot.get("/CreationDate"))),
        colour=_colour(annot.get("/C")),
        replies=mark.replies,
    )


@dataclass(frozen=True)
class PageChars:
    """A page's characters as PDFium reads them, with the centre of each one's box (NaN for
    a space or line end PDFium added, which has no box)."""

    text: str
    centres: np.ndarray  # shape (len(text), 2)

    @classmethod
    def of(cls, text_page: Any) -> PageChars:
        import pypdfium2.raw as raw

        n = text_page.count_chars()
        out: list[str] = []
        centres = np.full((n, 2), np.nan)
        for i in range(n):
            out.append(_char(raw.FPDFText_GetUnicode(text_page, i)))
            if raw.FPDFText_IsGenerated(text_page, i) == 1 or out[-1] in "\r\n":
                continue
            left, bottom, right, top = text_page.get_charbox(i)
            centres[i] = ((left + right) / 2, (bottom + top) / 2)
        return cls("".join(_paired(out)), centres)

    def under(self, quads: list[list[tuple[float, float]]]) -> tuple[int, int]:
        """The span from the first to the last character whose centre a quadrilateral holds
        (a highlight over several lines covers the line ends between them), in the largest
        group of such characters near each other in reading order."""
        inside = np.zeros(len(self.text), dtype=bool)
        for quad in quads:
            inside |= _holds(quad, self.centres)
        found = np.flatnonzero(inside)
        if not found.size:
            return (0, 0)
        # Characters the reader's text order puts far from the rest (a figure's label, a
        # word of another text layer drawn in the same place) are not what was marked: the
        # largest group of characters near each other in reading order is.
        groups = np.split(found, np.flatnonzero(np.diff(found) > GAP) + 1)
        best = max(groups, key=len)
        return int(best[0]), int(best[-1]) + 1

    def near(self, rect: list[float]) -> tuple[int, int]:
        """The characters of the line nearest to a note's box (its top edge, where the icon
        points), as an empty span at the nearest one: a note marks a place, not words."""
        if not len(self.text) or np.isnan(self.centres[:, 0]).all():
            return (0, 0)
        x = (rect[0] + rect[2]) / 2
        y = max(rect[1], rect[3])
        # A line away counts more than a column away: notes sit in the margin, level with
        # the line they are about.
        distance = np.abs(self.centres[:, 0] - x) + 4 * np.abs(self.centres[:, 1] - y)
        best = int(np.nanargmin(distance))
        return (best, best)


def _paired(chars: list[str]) -> list[str]:
    """PDFium gives a character outside the Basic Multilingual Plane (a mathematical italic
    𝜒 or 𝑝, common in papers) as two indexes, one per UTF-16 half: the pair is joined into
    the character at the first and an invisible word joiner at the second, so the text
    keeps one position per index and its letters match the stored text's. A half alone
    becomes U+FFFD."""
    for i in range(len(chars) - 1):
        high, low = chars[i], chars[i + 1]
        if "\ud800" <= high <= "\udbff" and "\udc00" <= low <= "\udfff":
            chars[i] = (high + low).encode("utf-16", "surrogatepass").decode("utf-16")
            chars[i + 1] = "\u2060"
    # A half with no other half is no character (and cannot be written as UTF-8).
    return ["\ufffd" if "\ud800" <= c <= "\udfff" else c for c in chars]


def _char(code: int) -> str:
    if code == 2:  # PDFium's mark for a hyphen it took as a line-end break
        return "-"
    try:
        return chr(code) if code else " "
    except ValueError:
        return " "


def _holds(quad: list[tuple[float, float]], points: np.ndarray) -> np.ndarray:
    """Which points a convex quadrilateral holds, whatever order its corners are in.

    The PDF standard orders a quad's corners one way and most writers another (Acrobat and
    PDFium write top-left, top-right, bottom-left, bottom-right), so the corners are put in
    order around their centre before each point is tested against the four edges (on the
    same side of each, or on an edge). NaN points are held by none.
    """
    corners = np.array(quad, dtype=float)
    centre = corners.mean(axis=0)
    ring = corners[np.argsort(np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0]))]
    edges = np.roll(ring, -1, axis=0) - ring  # (4, 2)
    rel_x = points[:, None, 0] - ring[None, :, 0]  # (n, 4)
    rel_y = points[:, None, 1] - ring[None, :, 1]
    cross = edges[None, :, 0] * rel_y - edges[None, :, 1] * rel_x
    with np.errstate(invalid="ignore"):
        return np.all(cross >= 0, axis=1) | np.all(cross <= 0, axis=1)


def _quads(value: Any) -> list[list[tuple[float, float]]]:
    numbers = _numbers(value)
    return [
        [(numbers[i + k], numbers[i + k + 1]) for k in range(0, 8, 2)]
        for i in range(0, len(numbers) - 7, 8)
    ]


def _numbers(value: Any) -> list[float]:
    try:
        return [float(v) for v in (value.get_object() if value is not None else [])]
    except (TypeError, ValueError, AttributeError):
        return []


def _colour(value: Any) -> tuple[float, float, float] | None:
    numbers = _numbers(value)
    if len(numbers) == 3:
        return (numbers[0], numbers[1], numbers[2])
    if len(numbers) == 1:
        return (numbers[0], numbers[0], numbers[0])
    if len(numbers) == 4:  # CMYK
        c, m, y, k = numbers
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def _string(value: Any) -> str:
    if value is None:
        return ""
    try:
        text = str(value.get_object())
    except Exception:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


_DATE = re.compile(
    r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+-])\s*(\d{2})?'?(\d{2})?'?)?"
)


def pdf_date(value: str) -> str:
    """A PDF date ("D:20151230152248+01'00'") as ISO 8601 UTC, or "" if it is not one.

    Writers differ in the zone part ("Z00'00", "+01'00'", "+0100", none: local time, read
    as UTC), which is all the standard allows to vary.
    """
    found = _DATE.match(value.strip())
    if not found:
        return ""
    year, month, day, hour, minute, second, sign, zh, zm = found.groups()
    try:
        moment = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
            int(second or 0), tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return ""
    if sign in ("+", "-"):
        offset = timedelta(hours=int(zh or 0), minutes=int(zm or 0))
        moment = moment.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
