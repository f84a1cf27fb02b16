"""Full-text screening without a terminal, in a real browser: the reviewer attaches the PDF
they found to the record on screen, and it is stored, read and linked for the reader."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import browsing, until
from conftest import shared
from litsynth.cli import cli

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent
RECORDS = REPO / "tests" / "fixtures" / "screening" / "records.csv"
SHOTS = REPO / "docs" / "img"
# What a browser does when a file is dragged from the desktop and dropped on the record.
DROP = """(text) => {
  const data = new DataTransfer();
  data.items.add(new File([text], "dropped.md", { type: "text/markdown" }));
  const record = document.querySelector("#record");
  for (const type of ["dragover", "drop"]) {
    const event = { dataTransfer: data, bubbles: true, cancelable: true };
    record.dispatchEvent(new DragEvent(type, event));
  }
}"""


def invoke(*args: str | Path) -> None:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_attach_the_pdf_of_the_record_on_screen_and_read_it(project: Path, tmp_path: Path) -> None:
    pdf = shared("data/pdfs/scholarly/papermage/tests/fixtures/2304.02623v1.pdf")
    broken = REPO / "tests" / "fixtures" / "ingest" / "truncated.pdf"
    root = project
    invoke("import", RECORDS, "--source", "Scopus", "--project", root)
    sheet = tmp_path / "ta.csv"
    sheet.write_text("record_id,decision\nr01,include\n", encoding="utf-8")
    invoke("screen", "import", sheet, "--stage", "title-abstract", "--project", root)
    with browsing(root, 1280, 900) as (url, page):
        page.goto(url + "/")
        page.wait_for_selector("#rec-title:not(:empty)")
        assert page.locator("#rec-attach").is_hidden()  # title/abstract: no full text asked
        page.select_option("#stage", "full-text")
        page.wait_for_selector('#record[data-record-id="r01"]')
        until(page, "() => !document.querySelector('#rec-attach').hidden")
        assert "none linked" in page.inner_text("#rec-fulltext")
        # a file that cannot be read: said, and the record still waits for its full text
        page.set_input_files("#attach-file", str(broken))
        until(page, "() => document.querySelector('#attach-status').textContent.includes('broken')")
        assert list((root / "corpus").iterdir()) == []
        page.screenshot(path=str(SHOTS / "workspace-attach.png"))
        page.set_input_files("#attach-file", str(pdf))
        until(page, "() => document.querySelector('#rec-attach').hidden", timeout_s=120)
        fulltext = page.inner_text("#rec-fulltext")
        assert fulltext.startswith("Full text: ") and "corpus/2304.02623v1.pdf" in fulltext
        assert (root / "corpus" / "2304.02623v1.pdf").read_bytes() == pdf.read_bytes()
        conn = sqlite3.connect(root / "litsynth.db")
        try:
            (document,) = conn.execute(
                "SELECT document_id FROM record_documents WHERE record_id = 'r01'"
            ).fetchone()
        finally:
            conn.close()
        # the link opens the paper in the reader, where full-text screening is done
        href = page.get_attribute("#rec-fulltext a", "href")
        assert href == f"/screens/reader#doc={document}"
        # a wrong file is unlinked: the record asks for its full text again, the file stays
        page.click("#rec-fulltext button.unlink")
        until(page, "() => !document.querySelector('#rec-attach').hidden")
        assert "none linked" in page.inner_text("#rec-fulltext")
        assert (root / "corpus" / "2304.02623v1.pdf").exists()
        conn = sqlite3.connect(root / "litsynth.db")
        try:
            methods = conn.execute("SELECT method FROM record_documents WHERE record_id = 'r01'")
            assert [m for (m,) in methods] == ["unlinked"]  # kept, as `link --unlink` keeps it
        finally:
            conn.close()
        # a file dropped on the record from the desktop is attached as if chosen
        page.evaluate(DROP, "# Default options\n\nDefaults nudged physicians on 40 wards.\n")
        until(page, "() => document.querySelector('#rec-attach').hidden")
        assert "corpus/dropped.md" in page.inner_text("#rec-fulltext")
        page.goto(url + href)
        until(page, "() => document.querySelectorAll('#passages > *').length > 5")
        # each passage of a PDF links to its page in the browser's PDF viewer
        link = page.locator(".passage a.source-page").first
        assert link.inner_text() == "PDF p. 1"
        assert link.get_attribute("href") == f"/api/documents/{document}/file#page=1"
        shown = page.request.get(f"{url}/api/documents/{document}/file")
        assert shown.headers["content-type"] == "application/pdf"
        assert shown.body() == pdf.read_bytes()


def test_add_papers_on_the_reader_screen(project: Path, tmp_path: Path) -> None:
    """A corpus-first project starts without a terminal too: papers chosen on Read & code are
    read one by one, the one that cannot be read is named, and the last read is shown."""
    root = project
    paper = tmp_path / "orchestration.md"
    paper.write_bytes((REPO / "corpus" / "002_f98a91929306a877.txt").read_bytes())
    broken = REPO / "tests" / "fixtures" / "ingest" / "truncated.pdf"
    with browsing(root, 1280, 900) as (url, page):
        page.goto(url + "/screens/reader")
        until(page, "() => document.querySelector('#reader-status').textContent.length > 0")
        assert "Add documents" in page.inner_text("#reader-status")
        page.set_input_files("#add-documents", [str(paper), str(broken)])
        until(page, "() => document.querySelector('#reader-status').textContent.includes('added')")
        status = page.inner_text("#reader-status")
        assert status.startswith("1 of 2 added. Not added: truncated.pdf could not be read")
        assert sorted(p.name for p in (root / "corpus").iterdir()) == ["orchestration.md"]
        assert page.locator("#document option").count() == 1
        until(page, "() => document.querySelectorAll('#passages .passage').length > 5")
        # papers dragged from the desktop onto the page are added as if chosen
        page.evaluate(DROP.replace("#record", "#reader-view"), "# Another paper\n\nText.\n")
        until(
            page, "() => document.querySelector('#reader-status').textContent === '1 of 1 added.'"
        )
        assert page.locator("#document option").count() == 2
        assert (root / "corpus" / "dropped.md").exists()
        # a file put in corpus/ by the file system is read with "Read corpus/"
        (root / "corpus" / "by-hand.md").write_text("# By hand\n\nCopied in.\n", encoding="utf-8")
        page.click("#read-corpus")
        until(
            page,
            "() => document.querySelector('#reader-status').textContent.startsWith('corpus/ read')",
        )
        assert page.inner_text("#reader-status").startswith("corpus/ read: 1 ingested, 2 unchanged")
        assert page.locator("#document option").count() == 3
