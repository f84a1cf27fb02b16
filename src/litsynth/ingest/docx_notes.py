"""The comments a reviewer wrote in a Word document, with the words each is on.

Coding interview transcripts in Word, a comment naming the code on each passage, is how
much qualitative analysis is done before (or instead of) a coding tool. A comment in a .docx
is two things: its text, author and date in the comments part (word/comments.xml), and the
range it covers in the body, between a `w:commentRangeStart` and a `w:commentRangeEnd` with
its id. The body is read as ingest reads it (`docx.comment_ranges`: tracked changes
accepted, fields as their results), so the range's words are the words the stored text
holds; a reply (Word 2013 and later: word/commentsExtended.xml names each comment's parent)
is folded into the comment it answers.

The comments come out as the same `PdfNote` records a PDF's marks do, with no page (a Word
file has none until printed): `coding.human.annotations` places them in the stored text by
their letters.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from litsynth.ingest.docx import comment_ranges
from litsynth.ingest.pdf_notes import CONTEXT, NotesRead, PdfNote


def read_docx_notes(path: Path) -> NotesRead:
    """Every comment in the .docx at `path` that is on words of its body.

    Raises ParseFailure when the file is not a readable .docx (as ingest says why).
    """
    text, ranges, package = comment_ranges(path.read_bytes(), str(path))
    rels = package.related(package.main)
    root = package.xml(rels["comments"]) if "comments" in rels else None
    extended = package.xml(rels["commentsExtended"]) if "commentsExtended" in rels else None
    parents = _parents(extended)
    comments = [c for c in (root if root is not None else ()) if _name(c) == "comment"]
    by_paragraph = {_last_paragraph(c): _value(c, "id") for c in comments}
    replies: dict[str, list[tuple[str, str]]] = {}
    tops = []
    for comment in comments:
        parent = parents.get(_last_paragraph(comment), "")
        answered = by_paragraph.get(parent) if parent else None
        if answered is not None:
            replies.setdefault(answered, []).append((_value(comment, "author"), _text(comment)))
        else:
            tops.append(comment)
    notes: list[PdfNote] = []
    skipped: dict[str, int] = {}
    for comment in tops:
        ident = _value(comment, "id")
        if ident not in ranges:
            skipped["comment on no words"] = skipped.get("comment on no words", 0) + 1
            continue
        start, end = ranges[ident]
        lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
        notes.append(
            PdfNote(
                page=0,
                kind="comment" if text[start:end].strip() else "note",
                page_text=text[lo:hi],
                start=start - lo,
                end=end - lo,
                comment=_text(comment),
                author=_value(comment, "author"),
                at=_iso(_value(comment, "date")),
                replies=tuple(replies.get(ident, ())),
            )
        )
    return NotesRead(tuple(notes), skipped)


def _name(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _value(el: Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace (w:, w14:, w15:)."""
    return next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == name), "")


def _paragraphs(el: Element) -> Iterator[Element]:
    return (p for p in el.iter() if _name(p) == "p")


def _text(comment: Element) -> str:
    lines = [
        "".join(t.text or "" for t in p.iter() if _name(t) == "t") for p in _paragraphs(comment)
    ]
    return "\n".join(line for line in lines if line.strip()).strip()


def _last_paragraph(comment: Element) -> str:
    """The paraId of a comment's last paragraph: how commentsExtended names the comment."""
    ids = [_value(p, "paraId") for p in _paragraphs(comment)]
    return ids[-1] if ids else ""


def _parents(extended: Element | None) -> dict[str, str]:
    """Each reply's paraId → the paraId of the comment it answers."""
    out = {}
    for ex in extended if extended is not None else ():
        parent = _value(ex, "paraIdParent")
        if parent:
            out[_value(ex, "paraId")] = parent
    return out


def _iso(date: str) -> str:
    """Word's date ("2024-03-05T10:21:00Z") to the millisecond, as codings are timed."""
    if len(date) >= 19 and date[4] == "-" and date[10] == "T":
        return date[:19] + ".000Z"
    return ""
