"""`litsynth export annotated-pdfs`: each coded PDF again, its codings drawn on it as
highlights, to read and share in any PDF reader.

A co-author who never opens litsynth reads the coded papers in Acrobat, Preview or on a
tablet: every coded span is a highlight in its theme's colour (a code with no theme its own),
its comment the code's label with the coder's memo, its author the coder, its date the
coding's. The highlight's quadrilaterals are PDFium's rectangles for the characters of the
coded words, found in PDFium's reading of the page by their letters (`ingest.anchor`), as
`code import-annotations` finds a reviewer's marks the other way. So a copy marked further in
a reader comes back with `code import-annotations`: the codings drawn here are already in the
project and are not written twice; only the new marks are.
"""

from __future__ import annotations

import ctypes
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litsynth.coding.codebook.model import Codebook
from litsynth.coding.human.annotations import StoredText
from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.ingest.anchor import letters, place
from litsynth.ingest.files import on_disk
from litsynth.ingest.pdf import open_pdf
from litsynth.ingest.pdf_notes import PageChars
from litsynth.records import CodedSpan
from litsynth.store.documents import document_pages, holding_paths, kind_and_path
from litsynth.store.report import document_text
from litsynth.synthesis.from_store import coded_spans

# The colours annotation readers name (Zotero's palette), in the order themes take them;
# `coding.human.annotations.colour_name` names each back as itself.
PALETTE: dict[str, tuple[int, int, int]] = {
    "yellow": (255, 212, 0),
    "green": (95, 178, 54),
    "blue": (46, 168, 229),
    "purple": (162, 138, 229),
    "orange": (241, 152, 55),
    "magenta": (229, 110, 238),
    "red": (255, 102, 102),
    "pink": (255, 128, 160),
    "grey": (170, 170, 170),
}


_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def rgb(colour: str) -> tuple[int, int, int]:
    """A palette name's or a "#rrggbb" colour's red, green and blue (0–255)."""
    if colour in PALETTE:
        return PALETTE[colour]
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@dataclass(frozen=True)
class Key:
    """Which colour stands for what: a theme (its codes) or a code with no theme."""

    colour: str
    ident: str
    label: str
    kind: str  # "theme" | "code"


def colour_key(book: Codebook, spans: Sequence[CodedSpan]) -> tuple[dict[str, str], list[Key]]:
    """Each coded code's colour, and the key to them: the colour the codebook gives the code
    (`color: "#4f81bd"`, as REFI-QDA projects carry), else its theme's, the themes taking
    the palette in codebook order (more themes than colours go round it again)."""
    used = {s.code_id for s in spans}
    groups: dict[str, Key] = {}
    colours: dict[str, str] = {}
    names = list(PALETTE)
    for code in book.codes.values():
        if code.id not in used:
            continue
        if _HEX.fullmatch(code.color or ""):  # the codebook's own colour (NVivo's, say)
            colours[code.id] = code.color.lower()
            groups.setdefault(code.id, Key(code.color.lower(), code.id, code.label, "code"))
            continue
        theme = book.themes.get(code.theme or "")
        ident, label, kind = (
            (theme.id, theme.label, "theme") if theme else (code.id, code.label, "code")
        )
        if ident not in groups:
            taken = sum(k.colour in PALETTE for k in groups.values())
            groups[ident] = Key(names[taken % len(names)], ident, label, kind)
        colours[code.id] = groups[ident].colour
    for code_id in sorted(used - set(colours)):  # coded once, since gone from the codebook
        colours[code_id] = "grey"
    return colours, list(groups.values())


@dataclass
class Drawn:
    """What one PDF's copy holds: highlights drawn, and the codings that could not be."""

    highlights: int = 0
    missed: list[str] = field(default_factory=list)
    problem: str = ""  # why no copy was written (a file that cannot be opened)


def draw_codings(
    pdf: Path,
    target: Path,
    stored: StoredText,
    spans: Sequence[CodedSpan],
    book: Codebook,
    colours: dict[str, str],
    *,
    passwords: Sequence[str] = (),
) -> Drawn:
    """Write `pdf` with `spans` drawn on it as highlights to `target`."""
    import pypdfium2 as pdfium

    data = pdf.read_bytes()
    _reader, _how, password = open_pdf(data, str(pdf), passwords)
    document = pdfium.PdfDocument(data, password=password or None)
    drawn = Drawn()
    keep: list[Any] = []  # the strings PDFium reads stay alive until the file is written
    pages: dict[int, tuple[Any, Any, Any]] = {}
    try:
        for span in spans:
            pieces = _pieces(span, stored)
            if not pieces:
                drawn.missed.append(_missed(span, stored))
                continue
            for number, start, end in pieces:
                if number not in pages:
                    try:
                        page = document[number - 1]
                    except (pdfium.PdfiumError, IndexError):  # a damaged or missing page
                        drawn.missed.append(_missed(span, stored))
                        continue
                    text_page = page.get_textpage()
                    chars = PageChars.of(text_page)
                    pages[number] = (page, text_page, letters(chars.text))
                page, text_page, theirs = pages[number]
                found = place(stored.letters(number), theirs, start, end)
                if found is None:
                    drawn.missed.append(_missed(span, stored))
                    continue
                rects = [
                    text_page.get_rect(i)
                    for i in range(text_page.count_rects(found.start, found.end - found.start))
                ]
                if rects:
                    draw_mark(
                        page, rects, rgb(colours[span.code_id]), comment=_comment(span, book),
                        author=_author(span), date=pdf_date_of(span.at), keep=keep,
                    )  # fmt: skip
                    drawn.highlights += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(target))
    finally:
        document.close()
    return drawn


def _pieces(span: CodedSpan, stored: StoredText) -> list[tuple[int, int, int]]:
    """(page, start, end) of each page's part of a span, offsets into that page's text: a
    highlight lies on one page, so a span over a page break is drawn as two."""
    out = []
    for page in stored.pages.values():
        start, end = max(span.start, page.start), min(span.end, page.end)
        if start < end and stored.text[start:end].strip():
            out.append((page.number, start - page.start, end - page.start))
    return out


def _comment(span: CodedSpan, book: Codebook) -> str:
    code = book.codes.get(span.code_id)
    label = code.label if code else span.code_id
    if span.origin == "machine":
        return f"Suggested: {label} (score {span.score:.2f}; not reviewed)"
    return "\n".join(part for part in (label, span.memo) if part)


def _author(span: CodedSpan) -> str:
    return "litsynth suggestion" if span.origin == "machine" else span.coder


def _missed(span: CodedSpan, stored: StoredText) -> str:
    words = " ".join(stored.text[span.start : span.end].split())
    shown = words if len(words) <= 60 else words[:59] + "…"
    return f"p. {span.page_start}: {span.code_id} “{shown}”"


def draw_mark(
    page: Any,
    rects: Sequence[tuple[float, float, float, float]],
    rgb: tuple[int, int, int],
    *,
    comment: str = "",
    author: str = "",
    date: str = "",
    kind: str = "highlight",
    keep: list[Any],
) -> None:
    """Draw one mark on a PDFium page, as a PDF reader writes it: a highlight (or underline)
    with one quadrilateral per rectangle of its words (corners top-left, top-right,
    bottom-left, bottom-right, as Acrobat writes them), or a sticky note at the first
    rectangle; its colour, comment, author and PDF date. `keep` holds the strings PDFium
    reads until the file is saved."""
    import pypdfium2.raw as raw

    subtype = {"highlight": raw.FPDF_ANNOT_HIGHLIGHT, "underline": raw.FPDF_ANNOT_UNDERLINE,
               "note": raw.FPDF_ANNOT_TEXT}[kind]  # fmt: skip
    annot = raw.FPDFPage_CreateAnnot(page, subtype)
    if kind == "note":  # in the margin, level with the words it is about
        left, bottom, right, top = 20.0, rects[0][1], 40.0, rects[0][3]
    else:
        for left, bottom, right, top in rects:
            quad = raw.FS_QUADPOINTSF(left, top, right, top, left, bottom, right, bottom)
            raw.FPDFAnnot_AppendAttachmentPoints(annot, ctypes.byref(quad))
        left, bottom = min(r[0] for r in rects), min(r[1] for r in rects)
        right, top = max(r[2] for r in rects), max(r[3] for r in rects)
    raw.FPDFAnnot_SetRect(annot, ctypes.byref(raw.FS_RECTF(left, top, right, bottom)))
    raw.FPDFAnnot_SetColor(annot, raw.FPDFANNOT_COLORTYPE_Color, *rgb, 255)
    for key, value in (("Contents", comment), ("T", author), ("M", date)):
        if value:
            buffer = ctypes.create_string_buffer((value + "\x00").encode("utf-16-le"))
            keep.append(buffer)
            raw.FPDFAnnot_SetStringValue(
                annot, key.encode(), ctypes.cast(buffer, raw.FPDF_WIDESTRING)
            )
    raw.FPDFPage_CloseAnnot(annot)


def pdf_date_of(at: str) -> str:
    """ISO 8601 UTC ("2026-12-01T09:15:00.000Z") as a PDF date ("D:20261201091500Z")."""
    digits = "".join(ch for ch in at[:19] if ch.isdigit())
    return f"D:{digits}Z" if len(digits) == 14 else ""


@dataclass(frozen=True)
class Written:
    """One annotated copy: which document, where it went, what it holds."""

    document_id: str
    source: str  # the project's file it was drawn on
    target: Path
    codings: int
    drawn: Drawn


def export_annotated(
    project: Project,
    conn: sqlite3.Connection,
    book: Codebook,
    out: Path,
    *,
    source: str,
    codes: Sequence[str] = (),
    documents: Sequence[str] = (),
    passwords: Sequence[str] = (),
    on_document: Callable[[Written], None] | None = None,
) -> tuple[list[Written], list[Key]]:
    """A copy of each coded PDF in `out` with its codings drawn on it (of `source`; only
    `codes` and `documents` when given), and the colour key."""
    spans = [
        s for s in coded_spans(conn, source)
        if (not codes or s.code_id in codes) and (not documents or s.document_id in documents)
    ]  # fmt: skip
    colours, key = colour_key(book, spans)
    by_document: dict[str, list[CodedSpan]] = {}
    for span in sorted(spans, key=lambda s: (s.document_id, s.start, s.code_id)):
        by_document.setdefault(span.document_id, []).append(span)
    written: list[Written] = []
    names: set[str] = set()
    for document, its_spans in by_document.items():
        found = kind_and_path(conn, document)
        file = on_disk(project.root, holding_paths(conn, document))
        if found is None or found[0] != "pdf" or file is None:
            continue  # a text, or a PDF whose file is gone: nothing to draw on
        name = file.name if file.name not in names else f"{document}-{file.name}"
        names.add(name)
        stored = StoredText(document_text(conn, document), document_pages(conn, document))
        try:
            drawn = draw_codings(
                file, out / name, stored, its_spans, book, colours, passwords=passwords
            )
        except LitsynthError as exc:  # said, and the other PDFs drawn
            drawn = Drawn(problem=str(exc))
        done = Written(
            document, file.relative_to(project.root).as_posix(), out / name,
            len(its_spans), drawn,
        )  # fmt: skip
        written.append(done)
        if on_document is not None:
            on_document(done)
    return written, key
