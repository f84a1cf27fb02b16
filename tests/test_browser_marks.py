"""The marks a reviewer made in a PDF, offered on the Read & code screen in a real browser:
a code picked for a colour, brought in, shown as codings, and not offered again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from browser_support import browsing, until
from litsynth.ingest.pdf_notes import read_notes
from pdf_marks import marked_project

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "img"
STATUS = "document.querySelector('#reader-status').textContent"
PASSAGES = "document.querySelector('#passages').textContent"


def _codes(root: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return sorted(conn.execute("SELECT code_id, coder FROM codings"))
    finally:
        conn.close()


def test_marks_in_the_pdf_are_offered_and_brought_in(tmp_path: Path) -> None:
    root = marked_project(tmp_path)
    with browsing(root, 1280, 900) as (url, page):
        page.goto(url + "/screens/reader")
        page.wait_for_selector("#pdf-marks:not([hidden])", timeout=30_000)
        offer = page.inner_text("#pdf-marks")
        assert "This PDF holds 5 marks (by Ann, Bob)" in offer
        assert "3 codings (Scale of the system ×2, Research challenges)" in offer
        assert "green (1)" in offer and "blue (1)" in offer
        page.select_option('#pdf-marks-colours select[data-colour="blue"]', "entity-linking")
        # what they make is said again with the colour's code
        now = page.inner_text("#pdf-marks-what")
        assert "4 codings (Scale of the system ×2, Research challenges, Entity linking)" in now
        assert "and 1 memo" in now
        page.screenshot(path=str(SHOTS / "workspace-pdf-marks.png"))
        page.click("#pdf-marks-import")
        until(page, f"() => {STATUS}.includes('Brought in')")
        assert "4 codings and 1 memo" in page.inner_text("#reader-status")
        assert page.locator("#pdf-marks").is_hidden()
        until(page, f"() => {PASSAGES}.includes('Entity linking (added, Bob)')")
        assert _codes(root) == [
            ("challenges", "Ann"), ("entity-linking", "Bob"), ("scale", "Ann"), ("scale", "Ann"),
        ]  # fmt: skip
        # The same PDF with its codings drawn on it, downloaded from the link by the document.
        with page.expect_download() as got:
            page.click("#annotated-pdf")
        copy = tmp_path / got.value.suggested_filename
        got.value.save_as(copy)
        assert copy.name == "ammar (coded).pdf"
        drawn = {n.comment.splitlines()[0] for n in read_notes(copy).notes if n.comment}
        assert {"Entity linking", "Research challenges", "Scale of the system"} <= drawn
        page.reload()
        page.wait_for_selector("#passages .passage")
        page.wait_for_timeout(1500)  # the offer's question is answered: nothing new
        assert page.locator("#pdf-marks").is_hidden()


def test_comments_in_a_word_transcript_are_offered(tmp_path: Path) -> None:
    from conftest import corpus_project, run_cli
    from pdf_marks import DOCX_CODEBOOK, interview_docx

    interview = interview_docx(tmp_path / "interview.docx")
    root = corpus_project(tmp_path, (interview, "interview.docx"))
    (root / "codebook" / "codebook.yaml").write_text(DOCX_CODEBOOK, encoding="utf-8")
    run_cli(root, "ingest")
    with browsing(root, 1280, 900) as (url, page):
        page.goto(url + "/screens/reader")
        page.wait_for_selector("#pdf-marks:not([hidden])", timeout=30_000)
        assert page.inner_text("#pdf-marks-title") == "Comments made in this Word document"
        assert "This document holds 3 comments (by Ana, Ben) made in Word" in page.inner_text(
            "#pdf-marks"
        )
        assert page.locator("#annotated-pdf").is_hidden()  # no PDF to draw on
        page.click("#pdf-marks-import")
        until(page, f"() => {STATUS}.includes('Brought in')")
        assert "2 codings and 1 memo" in page.inner_text("#reader-status")
        assert _codes(root) == [("platform", "Ana"), ("trust", "Ana")]
