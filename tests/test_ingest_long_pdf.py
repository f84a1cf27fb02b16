"""A long PDF (a book, a thesis, a 300-page report) is read whole and says how far it is.

The per-file limit ([ingest] pdf_timeout_s, 60 s) stops a file that hangs. pypdf reads about
30 pages a second here, so before, a book past ~1,800 pages failed as a "timeout" however
well it was going, and a 600-page one sat at "0/1 file" for its whole minute. Now every
stretch of pages read is said to the parent and earns its own time; a page that hangs still
meets the limit (tests/test_ingest_pdf.py's hostile files).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pypdf
import pytest

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


def test_the_workspace_says_how_far_a_long_pdf_is(project: Path, tmp_path: Path) -> None:
    """Read & code's "read corpus/" showed "0 of 1 files" for a book's whole minute: the
    status now carries the note the terminal's bar shows."""
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    shutil.copy2(_book(tmp_path), project / "corpus" / "book.pdf")
    host = "127.0.0.1:8765"
    client = TestClient(
        create_app(open_project(project), allowed_hosts=(host,)), base_url=f"http://{host}"
    )
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    status = client.post("/api/ingest", headers={"X-Litsynth-Token": token}).json()
    notes: set[str] = set()
    deadline = time.monotonic() + 120
    while status["running"] and time.monotonic() < deadline:
        notes.add(status["note"])
        time.sleep(0.05)
        status = client.get("/api/ingest").json()
    assert status["runs"] == 1 and status["error"] is None and status["last"]["ingested"] == 1
    assert any(n.startswith("book.pdf: page ") and n.endswith(f" of {PAGES} read") for n in notes)
    assert status["note"] == ""  # the file is stored: nothing long under way
