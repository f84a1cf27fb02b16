"""Web pages saved whole (.mhtml, .mht, .webarchive): the page inside the archive, read as an
HTML file; a page Chromium saved (tests/fixtures/mhtml) and archives written here."""

from __future__ import annotations

import base64
import json
import plistlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, assert_fails, corpus_project, ingest_json
from litsynth.cli import cli
from litsynth.ingest import parse_file
from litsynth.ingest.files import SUPPORTED

SAVED = FIXTURES / "mhtml" / "report.mhtml"
SAVED_PAGE = FIXTURES / "mhtml" / "report.html"  # the page it holds


def test_a_page_chromium_saved_reads_as_the_page() -> None:
    doc = parse_file(SAVED)
    assert (SUPPORTED[".mhtml"], SUPPORTED[".mht"], doc.kind) == ("mhtml", "mhtml", "html")
    assert doc.title == "Supply chain orchestration in practice"
    assert doc.authors == ("Ngũgĩ, Wanjiru", "Müller, Jörg") and doc.year == 2023
    assert doc.attributes["saved_from"] == "https://policylab.example.org/reports/orchestration"
    assert [p.label for p in doc.pages] == [doc.title, "Findings", "Recommendations"]
    assert "Nairobi and Kraków" in doc.text and "Figure 1. Stock-outs" in doc.text
    assert "Home ›" not in doc.text and "font-family" not in doc.text  # nav and style


def test_an_archive_with_a_base64_page_in_its_own_code_page(tmp_path: Path) -> None:
    """Internet Explorer's .mht: the page base64-encoded, in Windows-1252 as its part says."""
    page = "<html><body><h1>Café study</h1><p>“Quoted” naïve text.</p></body></html>"
    encoded = base64.encodebytes(page.encode("cp1252")).decode("ascii")
    archive = (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/html; charset=windows-1252\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Location: http://example.org/study\r\n\r\n"
        f"{encoded}\r\n--b1--\r\n"
    )
    path = tmp_path / "study.mht"
    path.write_bytes(archive.encode("ascii"))
    doc = parse_file(path)
    assert doc.text == "Café study\n\n“Quoted” naïve text."
    assert doc.attributes == {"encoding": "windows-1252", "saved_from": "http://example.org/study"}


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"plain words, no archive", "broken-file", "not a saved web page"),
        (
            b'Content-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
            b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n",
            "empty",
            "no HTML page",
        ),
    ],
    ids=["not-an-archive", "no-page"],
)
def test_a_saved_page_that_cannot_be_read_says_why(
    tmp_path: Path, data: bytes, reason: str, words: str
) -> None:
    assert_fails(tmp_path / "page.mhtml", data, reason, words)


def test_ingest_cites_a_saved_page_by_its_sections(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (SAVED, "brief.mhtml"))
    assert ingest_json(root)["documents_ingested"] == 1
    found = CliRunner().invoke(cli, ["search", "stock-outs data", "--project", str(root), "--json"])
    citations = {h["citation"] for h in json.loads(found.stdout)}
    assert any(c.startswith("Ngũgĩ & Müller (2023), § Findings, ¶ ") for c in citations)


def _webarchive(tmp_path: Path, main: dict[str, object], *, xml: bool = False) -> Path:
    """A web archive as Safari writes one: a binary property list (an XML one from older
    versions) with the page as its main resource, a picture among its subresources."""
    archive = {
        "WebMainResource": main,
        "WebSubresources": [
            {
                "WebResourceURL": "https://example.org/chart.png",
                "WebResourceMIMEType": "image/png",
                "WebResourceData": b"\x89PNG\r\n\x1a\n",
            }
        ],
    }
    path = tmp_path / "page.webarchive"
    path.write_bytes(plistlib.dumps(archive, fmt=plistlib.FMT_XML if xml else plistlib.FMT_BINARY))
    return path


@pytest.mark.parametrize("xml", [False, True], ids=["binary", "xml"])
def test_a_safari_web_archive_reads_as_its_page(tmp_path: Path, xml: bool) -> None:
    page = SAVED_PAGE.read_bytes()
    main = {"WebResourceData": page, "WebResourceMIMEType": "text/html",
            "WebResourceTextEncodingName": "UTF-8", "WebResourceFrameName": "",
            "WebResourceURL": "https://policylab.example.org/reports/orchestration"}  # fmt: skip
    doc = parse_file(_webarchive(tmp_path, main, xml=xml))
    assert SUPPORTED[".webarchive"] == "webarchive"
    assert doc.text == parse_file(SAVED).text  # the same page, saved by Chromium as MHTML
    assert (doc.title, doc.year) == ("Supply chain orchestration in practice", 2023)
    assert doc.attributes["saved_from"] == main["WebResourceURL"]


def test_a_web_archive_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    assert_fails(tmp_path / "page.webarchive", b"bplist00 truncated", "broken-file", "Safari")
    empty = _webarchive(tmp_path, {"WebResourceData": b"  ", "WebResourceURL": "x"})
    assert_fails(empty, empty.read_bytes(), "empty", "no page")
