"""Paragraph numbers as a reader counts them: within each section, the heading not counted."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from litsynth.cli import cli
from litsynth.embed import HashEmbedder
from litsynth.ingest import chunk_document, parse_file
from litsynth.ingest.normalize import assemble
from litsynth.ingest.paragraphs import paragraph_numbers
from litsynth.records import Document, bytes_id

REPO = Path(__file__).resolve().parents[1]


def _numbers_of(doc: Document, *starts_of: str) -> list[int | None]:
    """The number of the paragraph that starts with each given text."""
    return paragraph_numbers(doc, [doc.text.index(s) for s in starts_of])


def test_markdown_sections_count_from_one_under_their_headings() -> None:
    doc = parse_file(FIXTURES / "ingest" / "sections.md")
    assert _numbers_of(doc, "Preamble") == [1]
    # an ATX heading with emphasis and code in it, a setext heading, a closed ATX heading
    assert _numbers_of(doc, "# Platform", "Lead firms", "```") == [1, 1, 2]
    assert _numbers_of(doc, "Setext Heading", "Text under") == [1, 1]
    assert _numbers_of(doc, "## 2. Results", "Results paragraph one", "Results paragraph two") == [
        1,
        1,
        2,
    ]


def _sectioned(*sections: tuple[str, list[str]], kind: str = "epub") -> Document:
    text, pages = assemble([("\n\n".join(paras), label) for label, paras in sections])
    return Document(bytes_id(text.encode()), "book.epub", kind, text, pages)


def test_a_section_continued_without_a_heading_continues_its_count() -> None:
    """An e-book chapter split over two files is two sections with one label; the second has
    no heading of its own. A chapter labelled from the table of contents, with no heading in
    its text, starts its own count; an unlabelled part goes on with the one before."""
    doc = _sectioned(
        ("Chapter 1", ["Chapter 1", "First.", "Second."]),
        ("Chapter 1", ["Third."]),
        ("", ["Fourth."]),
        ("Chapter 2", ["Opening of chapter two."]),
        ("Chapter 2", ["Chapter 2", "A new heading restarts."]),
    )
    assert _numbers_of(doc, "Chapter 1", "First.", "Second.", "Third.", "Fourth.") == [
        1,
        1,
        2,
        3,
        4,
    ]
    assert _numbers_of(doc, "Opening of", "A new heading") == [1, 1]


def test_one_line_paragraphs_without_headings_count_from_the_start() -> None:
    line = "x" * 250  # lines this long are paragraphs of their own
    doc = _sectioned(("", [f"{line} one.\n{line} two.\n{line} three."]), kind="text")
    assert _numbers_of(doc, f"{line} one", f"{line} two", f"{line} three") == [1, 2, 3]


def test_pdf_passages_have_no_paragraph_number() -> None:
    doc = _sectioned(("", ["Page one.", "More."]), kind="pdf")
    assert paragraph_numbers(doc, [0, 12]) == [None, None]


def test_a_word_table_row_is_a_paragraph_of_its_section(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Background", level=1)
    document.add_paragraph("The interview took place at the distribution centre.")
    document.add_heading("Findings", level=1)
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Interviewer", "How?"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "P3", "We stopped phoning."
    document.save(tmp_path / "interview.docx")
    doc = parse_file(tmp_path / "interview.docx")
    assert _numbers_of(doc, "Findings", "Interviewer", "P3") == [1, 1, 2]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(REPO / "corpus" / "000_e36bc8967a0d5917.txt", root / "corpus")
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root)])
    assert result.exit_code == 0, result.output
    return root


def test_a_store_numbered_document_wide_is_renumbered_without_parsing(project: Path) -> None:
    """A store made before paragraphs.v2 holds document-wide numbers: the next ingest counts
    them again from the stored text, and a second ingest finds nothing to do."""
    db = project / "litsynth.db"
    with sqlite3.connect(db) as conn:
        now = conn.execute("SELECT id, paragraph FROM chunks ORDER BY ordinal").fetchall()
        conn.execute("UPDATE chunks SET paragraph = paragraph + 100")
        conn.execute("UPDATE documents SET paragraphs_version = ''")
    conn.close()
    result = CliRunner().invoke(cli, ["ingest", "--json", "--project", str(project)])
    report = json.loads(result.stdout)
    assert (report["paragraphs_renumbered"], report["documents_ingested"]) == (1, 0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, paragraph FROM chunks ORDER BY ordinal").fetchall() == now
    conn.close()
    again = CliRunner().invoke(cli, ["ingest", "--json", "--project", str(project)])
    assert json.loads(again.stdout)["paragraphs_renumbered"] == 0


def test_the_demo_review_cites_a_results_paragraph_a_reader_can_find() -> None:
    """Seed 000's "4. Results and Discussion" holds some thirty paragraphs, one a line: each
    passage in it starts inside the paragraph its number names, counted from the heading."""
    doc = parse_file(REPO / "corpus" / "000_e36bc8967a0d5917.txt")
    chunks = chunk_document(doc, count_tokens=HashEmbedder().count_tokens)
    section = next(p for p in doc.pages if p.label == "4. Results and Discussion")
    under = doc.text[section.start : section.end].split("\n")[1:]
    paragraphs = [line for line in under if line.strip()]
    numbers = [c.paragraph for c in chunks if c.section == section.label]
    assert numbers[0] == 1
    assert all(n is not None and 1 <= n <= len(paragraphs) for n in numbers)
    for chunk in chunks:
        if chunk.section == section.label and chunk.start > section.start:
            assert chunk.paragraph is not None
            assert chunk.text.split("\n")[0][:40] in paragraphs[chunk.paragraph - 1]
