"""Word documents (.doc, Word 97–2003 and Word 6/95): the text of the binary format, notes
under Notes, fields as their results, tables as "cell | cell"; real files Word wrote
(tests/fixtures/doc)."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, assert_fails, corpus_project, ingest_json, parse_outcome
from litsynth.cli import cli
from litsynth.embed import HashEmbedder
from litsynth.ingest import chunk_document, parse_file
from litsynth.ingest.doc import _summary_information
from litsynth.ingest.doc_styles import _outline
from litsynth.ingest.files import SUPPORTED
from litsynth.records import Failure
from litsynth.store import opened, transaction
from litsynth.store.documents import record_failure

DOC = FIXTURES / "doc"


def test_footnotes_and_endnotes_keep_their_marks_and_are_gathered_under_notes() -> None:
    doc = parse_file(DOC / "footnote.doc")
    assert (doc.kind, SUPPORTED[".doc"]) == ("doc", "doc")
    assert doc.text == "Test text¹²\n\nNotes\n\n¹ TestFootnote\n\n² TestEndnote"
    assert [p.label for p in doc.pages] == ["", "Notes"]
    assert doc.authors == ("Maxim Valyanskiy",)  # the summary information's author


def test_fields_show_their_results_and_notes_follow_their_marks() -> None:
    """The endnote is cited before the footnote, so it is note 1; a field's code (DATE,
    HYPERLINK, NOTEREF) never shows, its result does."""
    text = parse_file(DOC / "test-fields.doc").text
    assert text.startswith("19/11/2010 14:49:00\n\nHere is a link to an endnote¹")
    assert "Here is a link to a footnote²" in text
    assert text.endswith(
        "¹ Field in EndNote. File size: 0\n\n² Footnote with field: Fridrich Strba"
    )
    assert not any(code in text for code in ("DATE", "HYPERLINK", "NOTEREF", "\x13", "\x14"))
    # A text box is read after the body; one in the page header is not, as headers are not.
    assert "Some annotation linking here\n\nField in text box: 2\n\nNotes" in text
    assert "Textbox in header" not in text


def test_a_table_reads_row_by_row() -> None:
    assert parse_file(DOC / "Bug44603.doc").text == "A | B\n\nC | D"


def test_headings_start_sections_whatever_the_language_of_their_styles() -> None:
    """Word's built-in Heading 1–9 and Title styles are known by number (sti), so Chinese
    style names (标题 1) are headings too; a passage is cited by its section."""
    doc = parse_file(DOC / "Bug51686.doc")
    assert doc.title == "Sample Word Document Title"  # the Title style's paragraph
    assert [p.label for p in doc.pages][:4] == [
        "Sample Word Document Title", "And now for a subtitle", "Main Heading", "Heading Level 1",
    ]  # fmt: skip
    chinese = parse_file(DOC / "61490.doc")
    assert [p.label for p in chinese.pages] == ["", "章节1", "章节1.1", "章节1.2"]
    chunks = chunk_document(chinese, count_tokens=HashEmbedder().count_tokens, target_tokens=8)
    row = next(c for c in chunks if c.text.startswith("21 | 22 | 23"))
    assert (row.section, row.paragraph) == ("章节1.2", 3)  # "下面是表格3x3", row 1, row 2


def test_a_paragraph_in_a_table_is_never_a_heading() -> None:
    """As in .docx, a table row is one paragraph of its cells: a heading style inside a cell
    (a form's boxed "Address in Cyprus") does not cut the row into sections."""
    in_table = bytes.fromhex("1624 01")  # sprmPFInTable 1
    outline_2 = bytes.fromhex("4026 01")  # sprmPOutLvl 1 (Heading 2)
    assert _outline(outline_2) == 1
    assert _outline(outline_2 + in_table) == 9  # body text
    assert _outline(bytes.fromhex("4026")) is None  # a modifier cut short is not read


def test_the_summary_information_is_read_in_its_code_page() -> None:
    with olefile.OleFileIO(str(DOC / "52420.doc")) as ole:
        title, _author, codepage = _summary_information(ole)
    assert (title, codepage) == ("Міністэрства адукацыі Рэспублікі Беларусь", 1251)
    doc = parse_file(DOC / "52420.doc")
    assert doc.text.startswith("Министерство образования Республики Беларусь")
    # The page's Title-styled paragraph is the title, before the file's own (as for .docx)
    assert doc.title == "Министерство образования Республики Беларусь"


def test_a_word_95_file_is_read_in_the_code_page_of_its_text() -> None:
    """Word 6/95 keeps 8-bit text in one stream. This file's summary information says
    UTF-8 (rewritten by a later tool), which says nothing of its text: the text's own bytes
    tell its code page (Windows-1251)."""
    doc = parse_file(DOC / "52117.doc")
    assert doc.text.startswith("[Params]\n\nWndTitle = Установка Microsoft Word 6.0")
    assert doc.title == "Document 6.1"


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        ((DOC / "PasswordProtected.doc").read_bytes(), "encrypted", "password"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "broken-file", "damaged"),
        (b"plain text with a .doc name", "broken-file", "not a Word .doc file"),
    ],
    ids=["password", "truncated", "not-ole"],
)
def test_a_doc_that_cannot_be_read_says_why(
    tmp_path: Path, data: bytes, reason: str, words: str
) -> None:
    assert_fails(tmp_path / "bad.doc", data, reason, words)


def test_damaged_doc_files_fail_with_a_reason_and_never_raise(tmp_path: Path) -> None:
    """A real file with random bytes changed: read, or failed with a reason, never raising
    and never stuck (a damaged property count once made olefile loop 50 million times)."""
    sources = [(DOC / name).read_bytes() for name in ("test-fields.doc", "52117.doc")]
    rng = random.Random(3)
    outcomes = set()
    for trial in range(300):
        damaged = bytearray(sources[trial % 2])  # Word 97, and Word 95
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        outcomes.add(parse_outcome(tmp_path / "damaged.doc", bytes(damaged)))
    assert "read" in outcomes and "broken-file" in outcomes


def test_ingest_reads_a_doc_into_the_project(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "review"
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(DOC / "footnote.doc", root / "corpus" / "report.doc")
    shutil.copy2(DOC / "PasswordProtected.doc", root / "corpus" / "locked.doc")
    result = runner.invoke(cli, ["ingest", "--project", str(root), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents_ingested"] == 1
    assert report["failures_by_reason"] == {"encrypted": 1}
    found = runner.invoke(cli, ["search", "TestFootnote", "--project", str(root), "--json"])
    assert any(h["citation"].startswith("Valyanskiy (n.d.), ") for h in json.loads(found.stdout))


def test_a_doc_stored_by_the_older_reader_is_read_again_for_its_headings(tmp_path: Path) -> None:
    """A .doc stored before headings were read is one section: the next ingest reads the
    unchanged file again (once), and it gets its sections."""
    root = corpus_project(tmp_path, (DOC / "Bug51686.doc", "sample.doc"))
    assert ingest_json(root)["documents_ingested"] == 1
    with sqlite3.connect(root / "litsynth.db") as conn:  # as the older reader left it
        conn.execute("UPDATE documents SET file_meta = json_remove(file_meta, '$.read_by')")
        conn.execute("UPDATE pages SET label = ''")
    conn.close()
    assert ingest_json(root)["documents_ingested"] == 1
    with sqlite3.connect(root / "litsynth.db") as conn:
        labels = [r[0] for r in conn.execute("SELECT label FROM pages ORDER BY number")]
    conn.close()
    assert labels[:2] == ["Sample Word Document Title", "And now for a subtitle"]
    again = ingest_json(root)
    assert (again["documents_ingested"], again["documents_skipped_unchanged"]) == (0, 1)


def test_an_rtf_named_doc_that_failed_before_is_read_now(tmp_path: Path) -> None:
    """Before RTF files were read, an RTF file named .doc failed as unsupported-type, and an
    unchanged file's failure stands; this one is tried again, once."""
    root = corpus_project(tmp_path, (rb"{\rtf1\ansi Saved as RTF by a web app\par}", "export.doc"))
    path = root / "corpus" / "export.doc"
    with opened(root / "litsynth.db") as conn, transaction(conn):  # as the older one left it
        record_failure(
            conn,
            Failure("corpus/export.doc", "unsupported-type", "an RTF file under a .doc name; …"),
            file_hash="0" * 16,
            size=path.stat().st_size,
            mtime_ns=path.stat().st_mtime_ns,
        )
    report = ingest_json(root)
    assert (report["documents_ingested"], report["failures"]) == (1, [])
