"""Printed page numbers: a PDF passage is cited by the page printed on the paper ("p. 4970"),
not by its place in the file ("p. 2"), and PDFs stored before that learn it without a parse."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURES, corpus_project, ingest_json, shared
from litsynth.citations.labels import format_citation, printed_span
from litsynth.cli import cli
from litsynth.ingest.pdf import parse_pdf
from litsynth.ingest.printed_pages import find_printed_pages
from litsynth.records import CodedSpan, Page, SourceDoc
from litsynth.synthesis.spans import cite_span

ACL = "data/pdfs/scholarly/papermage/tests/fixtures/2020.acl-main.447.pdf"  # pages 4969–4983
NAACL = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf"  # /PageLabels 84–91
ARXIV = "data/pdfs/scholarly/papermage/tests/fixtures/2206.10883v3.pdf"  # numbered from 1


def _page(head: str, body: str = "Some text of the page.\nMore of it.", foot: str = "") -> str:
    return "\n".join(line for line in (head, body, foot) if line)


def test_running_heads_and_footers_give_the_printed_numbers() -> None:
    pages = [
        _page("International Psychogeriatrics (2014), 26:1, 147–154"),
        _page("148 A. Sundström et al."),
        _page("Life events do not increase risk of dementia 149"),
        _page("150 A. Sundström et al."),
    ]
    found = find_printed_pages(pages)
    assert found.labels == ("147", "148", "149", "150")
    assert found.described() == "147–150 (from the page numbers)"


def test_pages_numbered_as_the_pdf_is_give_no_labels() -> None:
    pages = [_page("Title", foot=str(i + 1)) for i in range(4)]
    assert not find_printed_pages(pages)
    assert not find_printed_pages([_page("Title", foot=f"Page {i + 1} of 4") for i in range(4)])


def test_a_number_on_too_few_pages_sets_no_numbering() -> None:
    # a table cell that happens to be 42 on one page of six is not a page number
    pages = [_page("Results", foot="42")] + [_page("Results") for _ in range(5)]
    assert not find_printed_pages(pages)


def test_page_labels_that_the_print_contradicts_are_not_used() -> None:
    # BioMed Central labels its pages from 0 and prints "Page 2 of 10"
    pages = [_page("Article", foot=f"BMC Health Services Research 2014, 14:1 Page {i + 1} of 4")
             for i in range(4)]  # fmt: skip
    assert not find_printed_pages(pages, ["0", "1", "2", "3"])
    # labels the print agrees with are kept as the file has them; without print, labels alone
    numbered = [_page(f"{84 + i}") for i in range(4)]
    assert find_printed_pages(numbered, ["84", "85", "86", "87"]).source == "page labels"
    assert find_printed_pages([_page("x")] * 3, ["i", "ii", "1"]).labels == ("i", "ii", "1")


def test_a_stated_range_bounds_the_numbered_pages() -> None:
    # Clinical Science 126, 305–313, with four supplement pages after it
    pages = [_page("Clinical Science (2014) 126, 305–313", foot="www.clinsci.org 305")]
    pages += [_page(f"{306 + i} R. G. Douglas and others") for i in range(8)]
    pages += [_page("Supplementary online data") for _ in range(4)]
    labels = find_printed_pages(pages).labels
    assert labels[:9] == tuple(str(305 + i) for i in range(9))
    assert labels[9:] == ("", "", "", "")


def test_a_page_keeps_its_own_number_and_roman_front_matter() -> None:
    # a scanned excerpt that skips page 51; a report's roman front matter
    scan = [_page(f"THE SIEGE OF VICKSBURG. {n}") for n in (49, 50, 52, 53, 54, 55)]
    assert find_printed_pages(scan).labels == ("49", "50", "52", "53", "54", "55")
    report = [_page("Cover"), _page("Copyright"), _page("GeoBase® iii"), _page("GeoBase® iv")]
    report += [_page(f"GeoBase® {n}") for n in range(5, 9)]
    assert find_printed_pages(report).labels[2:5] == ("iii", "iv", "5")


def test_a_proceedings_paper_is_cited_by_its_printed_pages() -> None:
    path = shared(ACL)
    doc = parse_pdf(path, path.read_bytes())
    assert [p.label for p in doc.pages] == [str(4969 + i) for i in range(15)]
    assert doc.attributes["printed_pages"] == "4969–4983 (from the page numbers)"
    labels = [p.label for p in doc.pages]
    assert printed_span(labels, 2, 3) == "pp. 4970–4971"
    cite = format_citation(["Kyle Lo"], 2020, kind="pdf", page_start=2, page_end=2,
                           section=printed_span(labels, 2, 2))  # fmt: skip
    assert cite == "Lo (2020), p. 4970"
    # a supplement after the printed pages (CERMINE's example3: 305–313, then four pages the
    # print does not number) is cited by its PDF page, named as one
    supplement = [str(305 + i) for i in range(9)] + [""] * 4
    assert printed_span(supplement, 9, 9) == "p. 313"
    assert printed_span(supplement, 10, 10) == "PDF p. 10"
    assert printed_span(supplement, 9, 10) == "PDF pp. 9–10"
    cite = format_citation(["Kyle Lo"], 2020, kind="pdf", page_start=10, page_end=10,
                           section=printed_span(supplement, 10, 10))  # fmt: skip
    assert cite == "Lo (2020), PDF p. 10"
    assert printed_span([""] * 13, 10, 10) == ""  # a file with no printed numbers: "p. 10"
    naacl = shared(NAACL)
    again = parse_pdf(naacl, naacl.read_bytes())  # its /PageLabels: 84–91
    assert again.pages[0].label == "84"
    assert again.title == "Construction of the Literature Graph in Semantic Scholar"
    arxiv = shared(ARXIV)  # a preprint numbered from 1: its PDF pages are its pages
    assert all(p.label == "" for p in parse_pdf(arxiv, arxiv.read_bytes()).pages)


def test_a_coded_span_narrower_than_its_passage_cites_its_own_printed_page() -> None:
    pages = (Page(1, 0, 10, "84"), Page(2, 10, 20, "85"))
    doc = SourceDoc(
        "d", "paper.pdf", "pdf", "Paper", ("Lo, Kyle",), 2018, text="x" * 20, pages=pages
    )
    span = CodedSpan("c", "d", "code", 12, 18, 1.0, "human", "ann", chunk_start=5, chunk_end=20,
                     page_start=1, page_end=2, section="pp. 84–85")  # fmt: skip
    assert cite_span(doc, span) == "Lo (2018), p. 85"


def test_ingest_cites_printed_pages_and_brings_an_older_store_up_to_date(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (shared(ACL), "s2orc.pdf"))
    assert ingest_json(root)["documents_ingested"] == 1
    runner = CliRunner()
    found = runner.invoke(cli, ["search", "citation contexts", "-k", "3",
                                "--project", str(root), "--json"])  # fmt: skip
    cites = [hit["citation"] for hit in json.loads(found.stdout)]
    assert cites and all(", p. 49" in c or ", pp. 49" in c for c in cites), cites
    # A store from before printed pages: PDF page labels blank, no finder recorded.
    shutil.copy(FIXTURES / "review" / "codebook.yaml", root / "codebook" / "codebook.yaml")
    with sqlite3.connect(root / "litsynth.db") as conn:
        (chunk,) = conn.execute("SELECT id FROM chunks WHERE page_start = 2 LIMIT 1").fetchone()
        conn.execute("UPDATE pages SET label = ''")
        conn.execute("UPDATE chunks SET section = ''")
        conn.execute("UPDATE documents SET attributes = json_remove(attributes, '$.printed_pages')")
        conn.execute("UPDATE documents SET file_meta = json_remove(file_meta, '$.pages_read_by')")
        # ...and an older reader's trust in the file's own /Title and /Author
        conn.execute(
            "UPDATE documents SET file_meta = json_set(file_meta, '$.title', 'ipg1300180a',"
            " '$.authors', json('[\"Journals\"]'), '$.read_by', 'byline.v2'),"
            " title = 'ipg1300180a', authors = '[\"Journals\"]'"
        )
        before = conn.execute("SELECT id, rowid FROM chunks ORDER BY id").fetchall()
    conn.close()
    added = runner.invoke(
        cli, ["code", "add", "platform", "--chunk", chunk, "--project", str(root)]
    )
    assert added.exit_code == 0, added.output
    report = ingest_json(root)
    assert report["printed_pages_found"] == 1 and report["documents_ingested"] == 0
    assert report["metadata_updated"] == 1
    assert ingest_json(root)["printed_pages_found"] == 0  # once
    with sqlite3.connect(root / "litsynth.db") as conn:
        assert conn.execute("SELECT id, rowid FROM chunks ORDER BY id").fetchall() == before
        (section,) = conn.execute("SELECT section FROM chunks WHERE id = ?", (chunk,)).fetchone()
        assert conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 1
        note = conn.execute("SELECT json_extract(attributes, '$.printed_pages') FROM documents")
        assert note.fetchone()[0] == "4969–4983 (from the page numbers)"
    conn.close()
    assert section.startswith(("p. 4970", "pp. 4970"))
    again = runner.invoke(cli, ["search", "citation contexts", "-k", "1",
                                "--project", str(root), "--json"])  # fmt: skip
    assert json.loads(again.stdout)[0]["citation"].startswith("Lo et al. (2020), p")


def test_a_range_cited_inside_a_book_does_not_bound_its_numbering() -> None:
    pages = [_page(f"{200 + i} A History of Reviews") for i in range(40)]
    pages[20] = _page("220 A History of Reviews", "As chapter 3 showed (see pp. 210–230), it did.")
    labels = find_printed_pages(pages).labels
    assert labels[0] == "200" and labels[39] == "239"
