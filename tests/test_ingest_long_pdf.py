"""A long PDF (a book, a thesis, a 300-page report) is read whole and says how far it is.

The per-file limit ([ingest] pdf_timeout_s, 60 s) stops a file that hangs. pypdf reads about
30 pages a second here, so before, a book past ~1,800 pages failed as a "timeout" however
well it was going, and a 600-page one sat at "0/1 file" for its whole minute. Now every
stretch of pages read is said to the parent and earns its own time; a page that hangs still
meets the limit (tests/test_ingest_pdf.py's hostile files).
"""

from __future__ import annotations

from pathlib import Path

import pypdf

from conftest import shared
from litsynth.ingest import parse_many
from litsynth.ingest.pdf import LONG_PDF_PAGES, PAGES_STRETCH
from litsynth.records import Document

PAPER = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf"  # 8 pages of ACL text
PAGES = 200


def _book(tmp_path: Path) -> Path:
    """PAPER's pages over and over: PAGES real pages of two-column text."""
    reader = pypdf.PdfReader(shared(PAPER))
    writer = pypdf.PdfWriter()
    for number in range(PAGES):
        writer.add_page(reader.pages[number % len(reader.pages)])
    path = tmp_path / "book.pdf"
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_a_book_longer_than_its_time_limit_is_read_whole_and_says_how_far(
    tmp_path: Path,
) -> None:
    book = _book(tmp_path)
    heard: list[tuple[Path, int, int]] = []
    # 200 pages take ~7 s; the limit is 3 s: only the time each stretch earns lets it finish
    (outcome,) = parse_many(
        [book], timeout_s=3.0, workers=1, on_pages=lambda *said: heard.append(said)
    )
    _path, doc = outcome
    assert isinstance(doc, Document), doc
    assert len(doc.pages) == PAGES
    assert PAGES >= LONG_PDF_PAGES
    assert heard == [(book, n, PAGES) for n in range(PAGES_STRETCH, PAGES, PAGES_STRETCH)]
