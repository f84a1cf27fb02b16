"""Scanned PDFs read by OCR: Tesseract on PDFium's rendering, at ingest (ingest/ocr.py).

The scans are made here from real PDFs (tests/scan_support.py), so their text is known; the
hostile PDFs in ../shared hold a real scanned patent page and a mojibake text layer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from conftest import shared
from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.ingest import ParseFailure, parse_file, parse_many
from litsynth.ingest.failures import OCR_TRIED
from litsynth.ingest.incremental import IngestOptions, ingest
from litsynth.ingest.ocr import OcrSettings, installed_languages, tesseract
from litsynth.ingest.outcome import failure_json
from litsynth.records import Document, Failure
from litsynth.store import opened
from litsynth.store.documents import failure_states
from scan_support import make_scan, word_recall

pytestmark = pytest.mark.skipif(
    tesseract() is None, reason="Tesseract is not installed (make ocr-deps)"
)
CRAZY = "data/pdfs/hard/pypdf/resources/crazyones.pdf"
PAPER = "data/pdfs/scholarly/papermage/tests/fixtures/2304.02623v1.pdf"


@pytest.fixture(scope="module")
def crazy_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scans") / "crazy-scan.pdf"
    return make_scan(shared(CRAZY), out, [0])


def test_a_scan_is_read_by_ocr_with_its_title(crazy_scan: Path) -> None:
    truth = shared("data/pdfs/hard/pypdf/resources/crazyones.txt").read_text(encoding="utf-8")
    doc = parse_file(crazy_scan, ocr=OcrSettings())
    assert word_recall(truth, doc.text) >= 0.95
    assert doc.title == "The Crazy Ones"  # no /Title: the largest type on the scanned page
    assert doc.attributes["ocr_pages"] == "1"
    assert (
        doc.attributes["ocr_engine"].startswith("tesseract ")
        and "(eng)" in doc.attributes["ocr_engine"]
    )
    assert [(p.number, p.start) for p in doc.pages] == [(1, 0)]


def test_a_sheet_scanned_upside_down_or_sideways_is_read(tmp_path: Path) -> None:
    truth = shared("data/pdfs/hard/pypdf/resources/crazyones.txt").read_text(encoding="utf-8")
    for turn in (180, 90):
        scan = make_scan(shared(CRAZY), tmp_path / f"turned-{turn}.pdf", [0], turn=turn)
        doc = parse_file(scan, ocr=OcrSettings())
        assert word_recall(truth, doc.text) >= 0.95, turn
        assert int(doc.attributes["ocr_confidence"]) >= 80
    # Upside down, the boxes still measure the type; sideways they do not, and no title is
    # read rather than a wrong one.
    upside_down = parse_file(tmp_path / "turned-180.pdf", ocr=OcrSettings())
    assert upside_down.title == "The Crazy Ones"
    assert parse_file(tmp_path / "turned-90.pdf", ocr=OcrSettings()).title == ""


def test_without_ocr_a_scan_is_still_a_no_text_layer_failure(crazy_scan: Path) -> None:
    with pytest.raises(ParseFailure) as caught:
        parse_file(crazy_scan)
    assert caught.value.reason == "no-text-layer"
    assert "OCR" not in caught.value.detail  # OCR was not asked for, so nothing is said of it


def test_a_missing_tesseract_is_named_with_how_to_install_it(
    crazy_scan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH on which there is no tesseract
    with pytest.raises(ParseFailure) as caught:
        parse_file(crazy_scan, ocr=OcrSettings())
    assert caught.value.reason == "no-text-layer"
    assert "not read by OCR: Tesseract is not installed" in caught.value.detail
    assert "apt install tesseract-ocr" in caught.value.detail
    assert OCR_TRIED not in caught.value.detail  # so a later ingest tries again


def test_a_missing_language_is_named_with_its_package(crazy_scan: Path) -> None:
    program = tesseract()
    assert program is not None
    absent = next(x for x in ("tlh", "xho", "yor", "zul") if x not in installed_languages(program))
    with pytest.raises(ParseFailure) as caught:
        parse_file(crazy_scan, ocr=OcrSettings(languages=f"eng+{absent}"))
    assert f"apt install tesseract-ocr-{absent}" in caught.value.detail


@pytest.fixture
def mixed(crazy_scan: Path, tmp_path: Path) -> Path:
    """A paper's text page 1, then a scanned page: a cover page before a scanned article."""
    writer = PdfWriter()
    writer.add_page(PdfReader(shared(PAPER)).pages[0])
    writer.add_page(PdfReader(crazy_scan).pages[0])
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_only_the_pages_without_text_are_read_in_a_mixed_pdf(mixed: Path) -> None:
    """A digital cover page (as JSTOR adds) before a scanned article: the cover keeps its text
    layer, the scan is read by OCR, and each page keeps its own number."""
    doc = parse_file(mixed, ocr=OcrSettings())
    assert doc.attributes["ocr_pages"] == "1"
    assert [p.number for p in doc.pages] == [1, 2]
    second = doc.text[doc.pages[1].start : doc.pages[1].end]
    assert "Here" in second and "crazy ones" in second
    assert doc.title.startswith("Beyond Summarization")  # from page 1's own type sizes


def test_scanned_pages_left_unread_are_noted_with_the_document(
    mixed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Tesseract, the cover page's text keeps the document, and its notes say that a
    page was not read, and why."""
    assert parse_file(mixed).attributes["pages_without_text"] == "1 of 2"
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    unread = parse_file(mixed, ocr=OcrSettings()).attributes["pages_without_text"]
    assert unread.startswith("1 of 2 (not read by OCR: Tesseract is not installed")


def test_a_scanned_paper_gets_its_title_and_byline(tmp_path: Path) -> None:
    scan = make_scan(shared(PAPER), tmp_path / "paper-scan.pdf", [0])
    doc = parse_file(scan, ocr=OcrSettings())
    assert doc.title == (
        "Beyond Summarization: Designing Al Support for Real-World Expository Writing Tasks"
    )  # "Al": OCR reads the capital I of "AI" as a small l
    assert doc.year == 2023  # the margin stamp, read by OCR as "2304.02623v1 [cs.CL] …"
    # The superscript affiliation marks come out of OCR as quote marks ("Shen’, Tal August’").
    assert doc.authors == (
        "Shen, Zejiang", "August, Tal", "Siangliulue, Pao", "Lo, Kyle", "Bragg, Jonathan",
        "Hammerbacher, Jeff", "Downey, Doug", "Chang, Joseph Chee", "Sontag, David",
    )  # fmt: skip


def test_a_real_scanned_page_and_a_mojibake_layer_are_read() -> None:
    """A real scanned patent page (its first and last pages are blank) and a Czech table whose
    font has no Unicode map: both failed before; OCR reads them."""
    hard = shared("data/pdfs/hard")
    patent = hard / "pypdf/resources/encrypted_doc_no_id.pdf"
    mojibake = hard / "pdfminer/samples/contrib/issue-791-non-unicode-cmap.pdf"
    plain = dict(parse_many([patent, mojibake], timeout_s=60))
    assert [getattr(plain[p], "reason", None) for p in (patent, mojibake)] == [
        "no-text-layer", "garbage-text",
    ]  # fmt: skip
    read = dict(parse_many([patent, mojibake], timeout_s=60, ocr=OcrSettings()))
    assert isinstance(read[patent], Document) and isinstance(read[mojibake], Document)
    assert "international search report" in read[patent].text
    assert read[patent].attributes["ocr_pages"] == "1"  # the blank pages give nothing
    assert read[mojibake].text.startswith("Pen")  # "Peněžní prostředky …" (eng reads it roughly)


def test_a_blank_render_stays_a_failure_that_says_ocr_was_tried() -> None:
    jo = shared("data/pdfs/hard/pdfminer/samples/jo.pdf")  # garbled, and renders blank
    outcome = dict(parse_many([jo], timeout_s=60, ocr=OcrSettings()))[jo]
    assert isinstance(outcome, Failure) and outcome.reason == "garbage-text"
    assert f"({OCR_TRIED} too)" in outcome.detail


def test_the_hint_after_ocr_was_tried_does_not_say_install_tesseract() -> None:
    """A reader who has Tesseract is not told to install it: once OCR ran on every failure of
    a reason, the hint says what is left to do."""
    from litsynth.ingest.failures import FAILURE_REASONS, failure_hint

    tried = f"12% of characters are undecodable glyphs ({OCR_TRIED} too)"
    assert failure_hint("garbage-text", ["12% undecodable"]) == FAILURE_REASONS["garbage-text"]
    assert "install Tesseract" in failure_hint("no-text-layer", ["1 page(s), no text", tried])
    for reason in ("garbage-text", "no-text-layer"):
        hint = failure_hint(reason, [tried])
        assert "install Tesseract" not in hint and "ocr_languages" in hint
    assert failure_hint("encrypted", [tried]) == FAILURE_REASONS["encrypted"]
    jo = shared("data/pdfs/hard/pdfminer/samples/jo.pdf")
    outcome = dict(parse_many([jo], timeout_s=60, ocr=OcrSettings()))[jo]
    assert isinstance(outcome, Failure)
    assert "install Tesseract" not in failure_json(outcome)["explanation"]


def test_ocr_gets_time_beyond_the_pdf_limit_and_has_its_own(tmp_path: Path) -> None:
    """A worker's limit is sized for text PDFs; a scan asks for its pages' OCR time on top,
    and says as it reads each page.
    A page that OCR cannot finish in its own limit fails as a timeout that names it."""
    scan = make_scan(shared(PAPER), tmp_path / "two-pages.pdf", [0, 1])
    heard: list[tuple[Path, int, int]] = []
    outcomes = parse_many(
        [scan], timeout_s=1.0, ocr=OcrSettings(), on_progress=lambda *said: heard.append(said)
    )
    done = dict(outcomes)[scan]
    assert isinstance(done, Document), done
    assert done.attributes["ocr_pages"] == "2"
    assert heard == [(scan, 1, 2), (scan, 2, 2)]  # each page as OCR reads it: the bar moves
    slow = dict(parse_many([scan], timeout_s=60, ocr=OcrSettings(page_timeout_s=0.05)))[scan]
    assert isinstance(slow, Failure) and slow.reason == "timeout"
    assert "OCR of page 1" in slow.detail and "ocr_page_timeout_s" in slow.detail


def test_a_scan_that_failed_before_is_read_once_ocr_is_turned_on(
    project: Path, crazy_scan: Path
) -> None:
    shutil.copy2(crazy_scan, project / "corpus" / "scan.pdf")
    toml = project / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[ingest]\nocr = false\n")
    first = ingest(open_project(project), IngestOptions())
    assert [f["reason"] for f in first.failures] == ["no-text-layer"]
    again = ingest(open_project(project), IngestOptions())  # nothing changed: not retried
    assert again.documents_skipped_failed == 1
    toml.write_text(toml.read_text(encoding="utf-8").replace("ocr = false", "ocr = true"))
    read = ingest(open_project(project), IngestOptions())
    assert (read.documents_ingested, read.failures) == (1, [])
    with opened(project / "litsynth.db") as conn:
        assert failure_states(conn) == {}
        (attributes,) = conn.execute("SELECT attributes FROM documents").fetchone()
    assert json.loads(attributes)["ocr_pages"] == "1"


def test_a_password_protected_scan_is_read_with_its_password(
    crazy_scan: Path, tmp_path: Path
) -> None:
    """PDFium opens the file again to render it, with the password pypdf found."""
    writer = PdfWriter(clone_from=PdfReader(crazy_scan))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    locked = tmp_path / "locked-scan.pdf"
    writer.write(locked)
    doc = parse_file(locked, passwords=["wrong", "secret"], ocr=OcrSettings())
    assert doc.attributes["decrypted_with"] == "user password"
    assert doc.title == "The Crazy Ones" and doc.attributes["ocr_pages"] == "1"


def test_a_document_with_unread_pages_is_read_again_once_ocr_can_run(
    project: Path, mixed: Path
) -> None:
    """With OCR off, the cover page's text is stored and `status` names the unread page; once
    OCR is on, the next ingest parses the file again, and only that once."""
    shutil.copy2(mixed, project / "corpus" / "mixed.pdf")
    toml = project / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[ingest]\nocr = false\n")

    def status() -> dict[str, object]:
        done = CliRunner().invoke(cli, ["status", "--project", str(project), "--json"])
        assert done.exit_code == 0, done.output
        return json.loads(done.output)

    assert ingest(open_project(project), IngestOptions()).documents_ingested == 1
    before = status()
    assert before["pages_without_text"] == [{"path": "corpus/mixed.pdf", "note": "1 of 2"}]
    assert before["read_by_ocr"] == []
    toml.write_text(toml.read_text(encoding="utf-8").replace("ocr = false", "ocr = true"))
    assert ingest(open_project(project), IngestOptions()).documents_ingested == 1
    after = status()
    assert after["pages_without_text"] == []
    (read,) = after["read_by_ocr"]  # type: ignore[misc]
    assert read["path"] == "corpus/mixed.pdf" and read["pages"] == 1
    assert read["confidence"] >= 80
    text = CliRunner().invoke(cli, ["status", "--project", str(project)]).output
    assert "read by OCR: 1 document, 1 page; lowest confidence" in text
    assert ingest(open_project(project), IngestOptions()).documents_ingested == 0


def test_a_coded_document_with_unread_pages_is_kept_as_it_is(project: Path, mixed: Path) -> None:
    """A reviewer's coding points at stored offsets, which a second parse would move: the
    document stays, ingest says so, and status still names its unread page."""
    shutil.copy2(mixed, project / "corpus" / "mixed.pdf")
    toml = project / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[ingest]\nocr = false\n")
    ingest(open_project(project), IngestOptions())
    with opened(project / "litsynth.db") as conn:
        chunk_id, doc_id = conn.execute("SELECT id, document_id FROM chunks LIMIT 1").fetchone()
        conn.execute(
            "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
            " VALUES ('k1', ?, ?, 'platform', 0, 5, 'ana', '2025-01-01T00:00:00Z', 'accepted')",
            (chunk_id, doc_id),
        )
        conn.commit()
    toml.write_text(toml.read_text(encoding="utf-8").replace("ocr = false", "ocr = true"))
    report = ingest(open_project(project), IngestOptions())
    assert (report.documents_ingested, report.kept_with_human_work) == (0, [doc_id])
    with opened(project / "litsynth.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 1
        (attributes,) = conn.execute("SELECT attributes FROM documents").fetchone()
    assert json.loads(attributes)["pages_without_text"] == "1 of 2"


def test_reread_reads_the_scanned_page_and_carries_the_coding(project: Path, mixed: Path) -> None:
    """The same document, kept as it was for its coding, is read with OCR when asked: the
    scanned page gains its text and the coding keeps pointing at the words it coded."""
    shutil.copy2(mixed, project / "corpus" / "mixed.pdf")
    toml = project / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[ingest]\nocr = false\n")
    ingest(open_project(project), IngestOptions())
    with opened(project / "litsynth.db") as conn:
        chunk_id, doc_id, start, end = conn.execute(
            "SELECT id, document_id, start + 40, start + 160 FROM chunks ORDER BY ordinal LIMIT 1"
        ).fetchone()
        conn.execute(
            "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
            " VALUES ('k1', ?, ?, 'platform', ?, ?, 'ana', '2025-01-01T00:00:00Z', 'added')",
            (chunk_id, doc_id, start, end),
        )
        (quote,) = conn.execute(
            "SELECT substr(text, ?, ?) FROM documents", (start + 1, end - start)
        ).fetchone()
        conn.commit()
    toml.write_text(toml.read_text(encoding="utf-8").replace("ocr = false", "ocr = true"))
    said = CliRunner().invoke(cli, ["ingest", "--project", str(project)]).output
    assert "kept 1 document as it was, not read again (OCR can read scanned pages now" in said
    assert "`litsynth ingest --reread` reads it again" in said and "--carry" not in said

    report = ingest(open_project(project), IngestOptions(reread=True))
    assert (report.documents_ingested, report.kept_with_human_work) == (1, [])
    (carried,) = report.carried
    assert (carried["codings"], carried["left"], carried["kept_old"]) == (1, [], False)
    with opened(project / "litsynth.db") as conn:
        (attributes, text) = conn.execute("SELECT attributes, text FROM documents").fetchone()
        (now,) = conn.execute(
            "SELECT substr(d.text, c.start + 1, c.end - c.start) FROM codings c"
            " JOIN documents d ON d.id = c.document_id"
        ).fetchone()
        assert conn.execute("SELECT document_id FROM codings").fetchone()[0] == doc_id
    assert "pages_without_text" not in json.loads(attributes)
    assert word_recall("The Crazy Ones", text) == 1.0  # the scanned page, read
    assert now == quote
