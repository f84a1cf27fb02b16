"""Rich Text Format (.rtf): what a reader of the document sees, sectioned at its headings;
real files Word and OpenOffice wrote (tests/fixtures/rtf), and small files written here to
show one feature at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, assert_fails, corpus_project, damaged_outcomes, ingest_json
from litsynth.citations.labels import work_label
from litsynth.cli import cli
from litsynth.ingest import parse_file
from litsynth.ingest.files import SUPPORTED

RTF = FIXTURES / "rtf"

# An interview transcript as Word saves it as RTF: a style sheet with a localised heading
# style (its outline level says it is one), a two-column table of turns, a footnote, a
# Zotero citation field, hidden text, a deleted tracked change, and a Unicode quote.
TRANSCRIPT = rb"""{\rtf1\ansi\ansicpg1252\uc1\deff0
{\fonttbl{\f0\froman\fcharset0 Times New Roman;}{\f1\fswiss\fcharset238 Arial CE;}
{\f2\fnil\fcharset2 Symbol;}}
{\colortbl;\red0\green0\blue0;}
{\stylesheet{\ql \f0 Normal;}{\s1\ql\outlinelevel0\sbasedon0 \b\f0 \'dcberschrift 1;}
{\*\cs10 \additive Default Paragraph Font;}{\s15\ql\sbasedon0 Title;}}
{\info{\title Interview 3}{\author Jane Doe}{\operator Jane Doe}{\creatim\yr2019\mo5\dy2}}
{\header \pard\plain Running header of every page\par}
\pard\plain\s15 Interview 3: the logistics manager\par
\pard\plain\s1\outlinelevel0 Background\par
\pard\plain The interview took place at the distribution centre{\v  CHECK THE RECORDING}.
{\deleted An old sentence the author struck out.}\par
\pard\plain\s1 Findings\par
\trowd\cellx2000\cellx8000
\pard\intbl Interviewer\cell So how did the platform change your planning?\cell\row
\trowd\cellx2000\cellx8000
\pard\intbl P3\cell We stopped phoning carriers; the platform matched loads for us.\cell\row
\pard\plain Trust grew slowly{\super\chftn}{\footnote\pard\plain{\super\chftn} As P3 put
 it later.}, as {\field{\*\fldinst ADDIN ZOTERO_ITEM CSL_CITATION {"citationID":"x"}}
{\fldrslt (Smith, 2020)}} also found.\par
\pard\plain Quoted: \u8220\'93platforms\u8221\'94; in Polish {\f1 \'b3\'f3d\'9f}; \'e9t\'e9;
 {\f2 a = b \'b1 c}.\par
}
trailing junk after the document's last brace
"""


def _write(tmp_path: Path, data: bytes, name: str = "interview.rtf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_transcript_reads_as_word_shows_it(tmp_path: Path) -> None:
    doc = parse_file(_write(tmp_path, TRANSCRIPT))
    assert (doc.kind, SUPPORTED[".rtf"]) == ("rtf", "rtf")
    assert doc.text.split("\n\n") == [
        "Interview 3: the logistics manager",
        "Background",
        "The interview took place at the distribution centre.",
        "Findings",
        "Interviewer | So how did the platform change your planning?",
        "P3 | We stopped phoning carriers; the platform matched loads for us.",
        "Trust grew slowly¹, as (Smith, 2020) also found.",
        "Quoted: “platforms”; in Polish łódź; été; α = β ± χ.",
        "Notes",
        "¹ As P3 put it later.",
    ]
    labels = ["Interview 3: the logistics manager", "Background", "Findings", "Notes"]
    assert [p.label for p in doc.pages] == labels  # the title opens a section, as in .docx
    assert doc.title == "Interview 3: the logistics manager"  # the Title style's paragraph
    assert doc.authors == ("Jane Doe",)  # \info's author reads as a person's name
    assert doc.year is None  # the file's creation date says when it was typed, not a year


def test_a_passage_is_cited_by_its_section_and_paragraph(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (TRANSCRIPT, "interview.rtf"))
    assert ingest_json(root)["documents_ingested"] == 1
    found = CliRunner().invoke(
        cli, ["search", "phoning carriers", "-k", "20", "--project", str(root), "--json"]
    )
    citations = [h["citation"] for h in json.loads(found.stdout) if "phoning" in h["text"]]
    assert citations and all(c.startswith("Doe (n.d.), § Findings, ¶ ") for c in citations)


def test_a_contents_list_and_pictures_are_left_out(tmp_path: Path) -> None:
    """A TOC field's result repeats the headings with page numbers; a picture's hex and a
    \\bin run of raw bytes (which may hold braces) are not text."""
    data = (
        rb'{\rtf1\ansi {\field{\*\fldinst TOC \\o "1-3"}{\fldrslt Findings\tab 3\par}}'
        rb"{\pict\pngblip 89504e470d0a1a0a}{\object{\*\objdata \bin4 {}{}}}"
        rb"\pard\s1\outlinelevel0 Findings\par\pard Body text.\par}"
    )
    doc = parse_file(_write(tmp_path, data))
    assert doc.text == "Findings\n\nBody text."
    assert [p.label for p in doc.pages] == ["Findings"]


def test_unicode_fallbacks_and_surrogate_pairs(tmp_path: Path) -> None:
    """\\ucN says how many fallback characters follow each \\uN (a hex byte, a character or
    a control word each count one); a pair of surrogates is one character, a lone half none."""
    data = (
        rb"{\rtf1\ansi\uc1 caf\u233\'e9 {\uc2\u228\'e4\'e4 x}\u8212\emdash\u8212 "
        rb"\u-10179?\u-8703? {\u55357?} end.\par}"
    )
    assert parse_file(_write(tmp_path, data)).text == "café ä x——😁 end."


def test_real_word_file_with_notes_text_box_lists_tables_and_scripts() -> None:
    doc = parse_file(RTF / "various.rtf")
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[:2] == ["Footnote appears here¹", "Here is a text box"]
    assert "• Bullet 1" in paragraphs and "1) Number bullet 1" in paragraphs
    assert "Row 1 Col 1 | Row 1 Col 2 | Row 1 Col 3" in paragraphs
    assert "ゾルゲと尾崎、淡々と最期" in paragraphs  # \u with \'hh fallbacks, skipped
    assert "𐌲𐌿𐍄𐌹𐍃𐌺" in paragraphs  # Gothic: surrogate pairs
    assert paragraphs[-2:] == ["Notes", "¹ This is a footnote."]
    assert doc.authors == ("Michael McCandless",)


def test_a_shift_jis_font_decodes_without_a_code_page_for_the_document() -> None:
    doc = parse_file(RTF / "japanese.rtf")
    assert doc.text.startswith("ゾルゲと尾崎、淡々と最期\n\n古書店で処刑記録見つかる")
    assert "\ufffd" not in doc.text


def test_rtf_saved_under_a_doc_name_is_read(tmp_path: Path) -> None:
    """Web apps and old Word save RTF as .doc; Word opens it, and so does ingest."""
    doc = parse_file(_write(tmp_path, rb"{\rtf1\ansi Saved as RTF\par}", "export.doc"))
    assert (doc.kind, doc.text) == ("rtf", "Saved as RTF")


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"PK\x03\x04 a zip under an .rtf name", "broken-file", "not an RTF file"),
        (rb"{\rtf1\ansi {\header only a header\par}}", "empty", "no visible text"),
        (rb"{\rtf1\ansi {\*\unknowngroup text a reader skips}}", "empty", "no visible text"),
    ],
    ids=["not-rtf", "header-only", "extension-only"],
)
def test_an_rtf_that_cannot_be_read_says_why(
    tmp_path: Path, data: bytes, reason: str, words: str
) -> None:
    assert_fails(tmp_path / "bad.rtf", data, reason, words)


def test_damaged_files_are_read_or_fail_with_a_reason(tmp_path: Path) -> None:
    """Real files with random bytes changed, cut short or left with unbalanced braces: read,
    or failed with a reason, never raising."""
    outcomes = damaged_outcomes(
        tmp_path / "damaged.rtf",
        [(RTF / "various.rtf").read_bytes(), TRANSCRIPT],
        seed=5,
        trials=200,
        changes=40,
        alphabet=b"{}\\'0123456789abcdefu*\x00\xff",
        cut_every=5,
    )
    assert "read" in outcomes
    assert outcomes <= {"read", "empty", "broken-file"}


def test_a_textedit_document_with_pictures_is_named_by_its_bundle() -> None:
    """TextEdit saves a document with pictures as a folder, Notes.rtfd, whose text is
    TXT.rtf: a citation without authors or title names the folder, not "TXT.rtf"."""
    assert work_label((), None, path="corpus/Interview 4.rtfd/TXT.rtf") == "Interview 4.rtfd (n.d.)"
    assert work_label((), 2020, path="corpus/notes/TXT.rtf") == "TXT.rtf (2020)"


def test_a_formula_reads_as_its_characters_in_order(tmp_path: Path) -> None:
    """Word writes a formula as OMML in {\\mmath{\\*\\moMath …}}, its runs in {\\mr …} and its
    structure (fraction bars, delimiters) as properties, then a picture of it for older
    readers: the runs are read, as .docx's m:t are, and the picture is not."""
    data = (
        rb"{\rtf1\ansi Mean: {\mmath{\*\moMath{\mf{\mfPr{\mtype bar}}{\mnum{\mr a}}"
        rb"{\mden{\mr b}}}{\md{\mdPr{\mbegChr (}}{\me{\mr \u931\'3f}}}}}"
        rb"{\mmathPict{\*\shppict{\pict\pngblip 89504e47}}} end.\par}"
    )
    assert parse_file(_write(tmp_path, data)).text == "Mean: abΣ end."
