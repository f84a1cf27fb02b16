"""Reading a coded paper again from the workspace, in a real browser: a PDF stored with a
scanned page nobody read (OCR was off), coded by a reviewer, then read again with OCR from
Read & code's "Read 1 PDF again", its coding following the words it coded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from browser_support import browsing, until
from conftest import REPO, shared
from litsynth.cli import cli
from litsynth.ingest.ocr import tesseract
from scan_support import make_scan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(tesseract() is None, reason="Tesseract is not installed (make ocr-deps)"),
]
PAPER = "data/pdfs/scholarly/papermage/tests/fixtures/2304.02623v1.pdf"
CRAZY = "data/pdfs/hard/pypdf/resources/crazyones.pdf"
SHOTS = REPO / "docs" / "img"


def invoke(*args: str | Path) -> None:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def coded_words(root: Path) -> str:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        (words,) = conn.execute(
            "SELECT substr(d.text, c.start + 1, c.end - c.start) FROM codings c"
            " JOIN documents d ON d.id = c.document_id"
        ).fetchone()
    finally:
        conn.close()
    return str(words)


def test_read_a_coded_scan_again_from_the_reader(project: Path, tmp_path: Path) -> None:
    scan = make_scan(shared(CRAZY), tmp_path / "scan.pdf", [0])
    writer = PdfWriter()
    writer.add_page(PdfReader(shared(PAPER)).pages[0])  # a text page, then a scanned one
    writer.add_page(PdfReader(scan).pages[0])
    with (project / "corpus" / "paper.pdf").open("wb") as fh:
        writer.write(fh)
    shutil_codebook(project)
    toml = project / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[ingest]\nocr = false\n")
    invoke("ingest", "--project", project)
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        (chunk,) = conn.execute("SELECT id FROM chunks ORDER BY ordinal LIMIT 1").fetchone()
    finally:
        conn.close()
    quote = "Large language models"
    invoke("code", "add", "method", "--chunk", chunk, "--quote", quote, "--project", project)
    toml.write_text(toml.read_text(encoding="utf-8").replace("ocr = false", "ocr = true"))
    invoke("ingest", "--project", project)  # kept as it was: a coding points at it
    assert coded_words(project) == quote

    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/reader")
        until(page, "() => !document.querySelector('#reread-corpus').hidden")
        assert page.inner_text("#reread-corpus") == "Read 1 PDF again"
        assert "The Crazy Ones" not in page.inner_text("#passages")
        page.click("#reread-corpus")
        until(
            page,
            "() => document.querySelector('#reader-status').textContent.startsWith('corpus/ read')",
            timeout_s=180,
        )
        status = page.inner_text("#reader-status")
        assert "1 coding moved with its words to the new text" in status
        assert page.locator("#reread-corpus").is_hidden()
        until(page, "() => document.querySelector('#passages').textContent.includes('Crazy')")
        page.screenshot(path=str(SHOTS / "workspace-reread.png"))
    assert coded_words(project) == quote


def shutil_codebook(project: Path) -> None:
    (project / "codebook" / "codes.yaml").write_text(
        "codes:\n  - id: method\n    label: Method\n    definition: How the study was done.\n",
        encoding="utf-8",
    )


def test_remove_the_wrong_paper_from_the_reader(project: Path) -> None:
    """Remove… on the document shown: asked first, then gone from the list, its file set
    aside; a coded one is refused with why."""
    import shutil

    for name in ("000_e36bc8967a0d5917.txt", "002_f98a91929306a877.txt"):
        shutil.copy2(REPO / "corpus" / name, project / "corpus" / name)
    invoke("ingest", "--project", project)
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        (chunk,) = conn.execute(
            "SELECT id FROM chunks WHERE document_id = (SELECT document_id FROM files"
            " WHERE path LIKE '%000_%') LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    invoke("code", "memo", chunk, "keep this one", "--project", project)
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/reader")
        until(page, "() => document.querySelectorAll('#document option').length === 2")
        wrong = page.eval_on_selector(
            "#document", "(s) => [...s.options].find((o) => o.textContent.includes('002_')).value"
        )
        page.select_option("#document", wrong)
        asked: list[str] = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.click("#remove-document")
        until(
            page, "() => document.querySelector('#reader-status').textContent.startsWith('Removed')"
        )
        assert "Remove " in asked[0] and "corpus/.removed/" in asked[0]
        assert "its file is now corpus/.removed/002_f98a91929306a877.txt" in page.inner_text(
            "#reader-status"
        )
        until(page, "() => document.querySelectorAll('#document option').length === 1")
        page.click("#reader-status button")  # put it back: the removal undone
        until(
            page, "() => document.querySelector('#reader-status').textContent.endsWith('is back.')"
        )
        until(page, "() => document.querySelectorAll('#document option').length === 2")
        assert (project / "corpus" / "002_f98a91929306a877.txt").is_file()
        page.select_option("#document", wrong)
        page.click("#remove-document")  # and removed again, for good
        until(page, "() => document.querySelectorAll('#document option').length === 1")
        page.click("#remove-document")  # the one left has a memo
        until(
            page,
            "() => document.querySelector('#reader-status').textContent.includes('not removed')",
        )
        assert "1 memo points at its passages" in page.inner_text("#reader-status")
    assert (project / "corpus" / ".removed" / "002_f98a91929306a877.txt").is_file()


def test_a_coding_carried_by_its_ends_is_marked_until_checked(project: Path) -> None:
    """A new version of a coded paper whose coded passage lost a sentence: the coding is
    carried by its first and last words, marked "moved: check it" in the reader with how
    alike the text was, and no longer marked once the reviewer clicks it."""
    import shutil

    shutil.copy2(REPO / "codebook" / "orchestration.yaml", project / "codebook")
    paper = project / "corpus" / "review.txt"
    shutil.copy2(REPO / "corpus" / "000_e36bc8967a0d5917.txt", paper)
    invoke("ingest", "--project", project)
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        (chunk,) = conn.execute(
            "SELECT id FROM chunks WHERE instr(text, 'Platform-Based Coordination as a') > 0"
        ).fetchone()
    finally:
        conn.close()
    invoke("code", "add", "platform-coordination", "--chunk", chunk, "--project", project)
    quote = "Phadnis (2023) demonstrates how Li & Fung evolved from a supply chain intermediary"
    paper.write_text(paper.read_text(encoding="utf-8").replace(quote, "Another case shows"))
    invoke("ingest", "--carry", "--project", project)
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/reader")
        page.wait_for_selector(".stripe.moved")
        assert page.inner_text(".stripe.moved").endswith("moved: check it)")
        assert "% the same" in (page.get_attribute(".stripe.moved", "title") or "")
        page.click(".stripe.moved")
        until(
            page, "() => document.querySelector('#reader-status').textContent.includes('checked')"
        )
        page.wait_for_selector(".stripe")
        # the status says "checked" as the answer comes; the stripes are redrawn after it
        until(page, "() => document.querySelectorAll('.stripe.moved').length === 0")
        assert page.locator(".stripe.moved").count() == 0
