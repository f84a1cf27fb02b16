"""Word documents (.docx): what a reader sees, sectioned at headings, cited by section and ¶.

Two kinds of real files: ones python-docx writes here (styles, tables, core properties, the
way Word's own default template lays them out), some with OOXML that Word writes for tracked
changes, citation fields and text boxes put into them; and small files Word wrote, from
Apache POI's test data (tests/fixtures/docx/README.md).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, assert_fails
from litsynth.citations.labels import format_citation
from litsynth.cli import cli
from litsynth.embed import HashEmbedder
from litsynth.ingest import ParseFailure, parse_file
from litsynth.ingest.chunk import chunk_document
from litsynth.ingest.files import SUPPORTED, walk

docx = pytest.importorskip("docx", reason="python-docx (the dev extra) writes the test files")
from docx.oxml import parse_xml  # noqa: E402

DOCX = FIXTURES / "docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _transcript(path: Path, *, creator: str = "Jane Doe") -> Path:
    """An interview transcript as a researcher types it: a title, headings, a two-column
    table of turns, and a note to self in hidden text."""
    doc = docx.Document()
    doc.core_properties.author = creator
    doc.add_paragraph("Interview 3: the logistics manager", style="Title")
    doc.add_heading("Background", level=1)
    doc.add_paragraph("The interview took place at the distribution centre.")
    doc.add_heading("Findings", level=1)
    table = doc.add_table(rows=2, cols=2)
    for row, (who, said) in zip(
        table.rows,
        [
            ("Interviewer", "So how did the platform change your planning?"),
            ("P3", "We stopped phoning carriers; the platform matched loads for us."),
        ],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = who, said
    para = doc.add_paragraph("Trust grew slowly.")
    para.add_run(" CHECK THE RECORDING AT 12:40").font.hidden = True
    doc.save(path)
    return path


def _with_xml(path: Path, *paragraphs: str) -> Path:
    """A python-docx file with paragraphs given as WordprocessingML, as Word writes them."""
    doc = docx.Document()
    body = doc.element.body
    for xml in paragraphs:
        body.insert(len(body) - 1, parse_xml(f"<w:p {W}>{xml}</w:p>"))
    doc.save(path)
    return path


def test_headings_make_sections_and_a_table_row_reads_as_one_turn(tmp_path: Path) -> None:
    doc = parse_file(_transcript(tmp_path / "interview-3.docx"))
    assert doc.kind == "docx"
    assert [p.label for p in doc.pages] == [
        "Interview 3: the logistics manager",
        "Background",
        "Findings",
    ]
    findings = doc.text[doc.pages[2].start : doc.pages[2].end]
    assert "Interviewer | So how did the platform change your planning?" in findings
    assert "P3 | We stopped phoning carriers; the platform matched loads for us." in findings
    assert "RECORDING" not in doc.text  # hidden text is not shown, so not read
    assert doc.title == "Interview 3: the logistics manager"
    assert doc.authors == ("Jane Doe",)


def test_a_passage_is_cited_by_its_section_and_paragraph(tmp_path: Path) -> None:
    doc = parse_file(_transcript(tmp_path / "interview-3.docx"))
    chunks = chunk_document(doc, count_tokens=HashEmbedder().count_tokens, target_tokens=12)
    turn = next(c for c in chunks if "stopped phoning" in c.text)
    assert turn.section == "Findings"
    cited = format_citation(
        doc.authors,
        doc.year,
        kind=doc.kind,
        page_start=turn.page_start,
        page_end=turn.page_end,
        section=turn.section,
        paragraph=turn.paragraph,
    )
    assert cited == "Doe (n.d.), § Findings, ¶ 2"  # the second row under the heading


def test_an_office_account_is_no_author(tmp_path: Path) -> None:
    doc = parse_file(_transcript(tmp_path / "t.docx", creator="Microsoft Office User"))
    assert doc.authors == ()


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    path = _with_xml(
        tmp_path / "tracked.docx",
        '<w:r><w:t xml:space="preserve">Carriers were </w:t></w:r>'
        '<w:del w:id="1" w:author="R2" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:delText>never</w:delText></w:r></w:del>"
        '<w:ins w:id="2" w:author="R2" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:t>rarely</w:t></w:r></w:ins>"
        '<w:r><w:t xml:space="preserve"> consulted.</w:t></w:r>',
    )
    assert parse_file(path).text == "Carriers were rarely consulted."
    # Word's own file with tracked deletions and insertions (Apache POI's delins.docx)
    real = parse_file(DOCX / "poi-delins.docx").text
    assert "A nickname for Petrika the Albanian variation of Peter" in real


def test_a_citation_field_shows_its_result_not_its_code(tmp_path: Path) -> None:
    """Zotero writes "ADDIN ZOTERO_ITEM CSL_CITATION {…json…}" as the field's code and
    "(Smith, 2020)" as what the reader sees."""
    code = 'ADDIN ZOTERO_ITEM CSL_CITATION {"citationID":"a1","citationItems":[{"id":7}]}'
    path = _with_xml(
        tmp_path / "cited.docx",
        '<w:r><w:t xml:space="preserve">Trust matters </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{code}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>(Smith, 2020)</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:t>.</w:t></w:r>",
    )
    assert parse_file(path).text == "Trust matters (Smith, 2020)."


def test_a_table_of_contents_is_left_out_though_it_spans_paragraphs(tmp_path: Path) -> None:
    """Word's contents list is a TOC field over several paragraphs: its result repeats the
    headings with page numbers, which a reader codes nowhere."""
    path = _with_xml(
        tmp_path / "contents.docx",
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Background 1</w:t></w:r>',
        "<w:r><w:t>Findings 2</w:t></w:r>",
        '<w:r><w:t>Discussion 3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>',
        "<w:r><w:t>The interviews ran from March to May.</w:t></w:r>",
    )
    assert parse_file(path).text == "The interviews ran from March to May."


def test_a_text_box_is_read_once_though_drawn_twice(tmp_path: Path) -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>Box: 12 carriers</w:t></w:r></w:p></w:txbxContent>"
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    path = _with_xml(
        tmp_path / "box.docx",
        "<w:r><w:t>Before the box.</w:t></w:r>"
        f'<w:r><mc:AlternateContent {mc}><mc:Choice Requires="wps">'
        f"<w:pict>{box}</w:pict></mc:Choice>"
        f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>",
    )
    text = parse_file(path).text
    assert text == "Before the box.\n\nBox: 12 carriers"


def test_footnotes_keep_their_mark_and_are_gathered_under_notes() -> None:
    doc = parse_file(DOCX / "poi-footnotes.docx")  # written by Word
    assert doc.text == "Eto ochen prostoy¹ text so snoskoy\n\nNotes\n\n¹ snoska"
    assert [p.label for p in doc.pages] == ["", "Notes"]


def test_content_controls_are_read() -> None:
    text = parse_file(DOCX / "poi-55966.docx").text
    assert "text content from within a paragraph" in text
    assert "Content control that is the entire paragraph" in text


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        ((DOCX / "poi-bug53475-password-is-pass.docx").read_bytes(), "encrypted", "password"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "unsupported-type", "(.doc)"),
        (b"PK\x03\x04 truncated", "broken-file", "zip"),
        ((DOCX / "poi-Tika-792.docx").read_bytes(), "empty", "no visible text"),
    ],
    ids=["password", "word-97", "truncated", "only-moved-text"],
)
def test_a_word_file_that_cannot_be_read_says_why(
    tmp_path: Path, data: bytes, reason: str, words: str
) -> None:
    assert_fails(tmp_path / "bad.docx", data, reason, words)


def test_an_entity_in_the_xml_is_refused(tmp_path: Path) -> None:
    """An XML entity (a billion-laughs bomb, or an external file) is never expanded."""
    doc = docx.Document()
    doc.save(tmp_path / "ok.docx")
    import zipfile

    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"
    )
    with (
        zipfile.ZipFile(tmp_path / "ok.docx") as src,
        zipfile.ZipFile(tmp_path / "bomb.docx", "w") as out,
    ):
        for item in src.infolist():
            data = bomb.encode() if item.filename == "word/document.xml" else src.read(item)
            out.writestr(item, data)
    with pytest.raises(ParseFailure) as caught:
        parse_file(tmp_path / "bomb.docx")
    assert caught.value.reason == "broken-file"


def test_words_lock_file_is_not_a_document(tmp_path: Path) -> None:
    _transcript(tmp_path / "interview-3.docx")
    (tmp_path / "~$terview-3.docx").write_bytes(b"\x0bJane Doe" + bytes(153))  # Word's lock
    found, warnings = walk(tmp_path, [tmp_path])
    assert [e.path.name for e in found] == ["interview-3.docx"]
    assert warnings == []
    assert SUPPORTED[".docx"] == "docx"


def test_ingest_reads_a_word_transcript_into_the_project(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "review"
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    _transcript(root / "corpus" / "interview-3.docx")
    shutil.copy2(DOCX / "poi-bug53475-password-is-pass.docx", root / "corpus" / "locked.docx")
    result = runner.invoke(cli, ["ingest", "--project", str(root), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents_ingested"] == 1
    assert report["failures_by_reason"] == {"encrypted": 1}
    found = runner.invoke(cli, ["search", "platform matched loads", "--project", str(root)])
    assert "Doe (n.d.), § Findings" in found.stdout
