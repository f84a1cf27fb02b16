"""Mark up a real PDF as a reviewer's reader does: highlights, underlines and sticky notes
written by PDFium (the engine of Chrome's and Foxit's readers), found by the words they cover.

PDFium writes each highlighted line's quadrilateral top-left, top-right, bottom-left,
bottom-right, as Acrobat does; the reader in litsynth must take any corner order.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from conftest import corpus_project, run_cli, shared

KINDS = {
    "highlight": raw.FPDF_ANNOT_HIGHLIGHT,
    "underline": raw.FPDF_ANNOT_UNDERLINE,
    "note": raw.FPDF_ANNOT_TEXT,
}
PAPER = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf"
CODEBOOK = """\
codes:
  - id: scale
    label: Scale of the system
    definition: How large the system or its data is.
  - id: entity-linking
    label: Entity linking
    definition: Linking mentions to entities.
  - id: challenges
    label: Research challenges
    definition: Open problems.
"""
YELLOW = (255, 212, 0)  # Zotero's yellow
GREEN = (95, 178, 54)  # Zotero's green
BLUE = (46, 168, 229)  # Zotero's blue


@dataclass(frozen=True)
class Mark:
    page: int  # 1-based
    phrase: str  # the words to mark (a note: put in the margin level with them)
    kind: str = "highlight"
    comment: str = ""
    author: str = ""
    at: str = ""  # a PDF date, "D:20261201101500+01'00'"
    colour: tuple[int, int, int] = YELLOW


def mark(source: Path, target: Path, marks: list[Mark]) -> None:
    """Write `source` with `marks` added to `target` (which may be `source`)."""
    document = pdfium.PdfDocument(source.read_bytes())
    buffers = []  # the strings PDFium reads must live until the file is saved
    for m in marks:
        page = document[m.page - 1]
        text = page.get_textpage()
        found = text.search(m.phrase, match_case=True).get_next()
        assert found, f"{m.phrase!r} is not on page {m.page}"
        rects = [text.get_rect(i) for i in range(text.count_rects(*found))]
        annot = raw.FPDFPage_CreateAnnot(page, KINDS[m.kind])
        if m.kind == "note":
            left, bottom, right, top = 20.0, rects[0][1], 40.0, rects[0][3]
        else:
            for left, bottom, right, top in rects:
                quad = raw.FS_QUADPOINTSF(left, top, right, top, left, bottom, right, bottom)
                raw.FPDFAnnot_AppendAttachmentPoints(annot, ctypes.byref(quad))
            left, bottom = min(r[0] for r in rects), min(r[1] for r in rects)
            right, top = max(r[2] for r in rects), max(r[3] for r in rects)
        raw.FPDFAnnot_SetRect(annot, ctypes.byref(raw.FS_RECTF(left, top, right, bottom)))
        raw.FPDFAnnot_SetColor(annot, raw.FPDFANNOT_COLORTYPE_Color, *m.colour, 255)
        for key, value in (("Contents", m.comment), ("T", m.author), ("M", m.at)):
            if value:
                buffer = ctypes.create_string_buffer((value + "\x00").encode("utf-16-le"))
                buffers.append(buffer)
                raw.FPDFAnnot_SetStringValue(
                    annot, key.encode(), ctypes.cast(buffer, raw.FPDF_WIDESTRING)
                )
        raw.FPDFPage_CloseAnnot(annot)
    document.save(str(target))
    document.close()


def marked_project(tmp_path: Path) -> Path:
    """A project (the test embedder) holding a real paper, ingested, then marked up in
    corpus/ by two reviewers: five marks, as `litsynth code import-annotations` finds them."""
    root = corpus_project(tmp_path, (shared(PAPER), "ammar.pdf"))
    (root / "codebook" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    run_cli(root, "ingest")
    pdf = root / "corpus" / "ammar.pdf"
    mark(
        pdf,
        pdf,
        [
            Mark(1, "The resulting literature graph consists", comment="#scale",
                 author="Ann", at="D:20261201101500+01'00'"),
            Mark(1, "point out research challenges due to differ",
                 comment="Research challenges\nworth a theme of its own", author="Ann"),
            Mark(1, "report empirical results for each", colour=GREEN, author="Ann"),
            Mark(1, "The goal of this work is to facilitate algorithmic", kind="note",
                 comment="Key aim: compare with #scale", author="Ann"),
            Mark(2, "Entity linking edges. We instantiate a directed", colour=BLUE, author="Bob"),
        ],
    )  # fmt: skip
    return root
