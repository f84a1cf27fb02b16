"""Canonical text and the text/Markdown/HTML parsers, on tiny real fixtures."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, failure_of, shared
from litsynth.ingest import FAILURE_REASONS, canonical_text, parse_file
from litsynth.ingest.files import walk
from litsynth.ingest.normalize import assemble, fix_surrogates, normalize_parts
from litsynth.records import bytes_id

INGEST = FIXTURES / "ingest"


# --- normalisation -------------------------------------------------------------------------


def test_bom_removed_and_crlf_becomes_lf() -> None:
    assert canonical_text("\ufeffone\r\ntwo\rthree") == "one\ntwo\nthree"


def test_soft_hyphens_removed_inside_and_at_line_end() -> None:
    assert canonical_text("coordi\u00adnation and orches\u00ad\ntration") == (
        "coordination and orchestration"
    )


def test_nfc_composes_decomposed_accents() -> None:
    decomposed = "re\u0301sume\u0301"  # e + combining acute
    text = canonical_text(decomposed)
    assert text == "résumé"
    assert unicodedata.is_normalized("NFC", text)


def test_ligatures_spelled_out() -> None:
    assert canonical_text("the misﬁts see things diﬀerently") == (
        "the misfits see things differently"
    )


def test_whitespace_runs_collapse_and_paragraphs_survive() -> None:
    raw = "  a\t\tb\u00a0\u2009c  \n\n\n\n  d   \n \n e\f f"
    assert canonical_text(raw) == "a b c\n\nd\n\ne\n\nf"


def test_control_characters_become_spaces_but_zwj_is_kept() -> None:
    # U+200D (zero-width joiner) shapes Arabic/Indic text; \x03 is a broken-CMap artefact.
    assert canonical_text("a\x03b \u0928\u094d\u200d") == "a b \u0928\u094d\u200d"


def test_surrogate_pair_becomes_its_letter() -> None:
    assert canonical_text("x\ud835\udc52y") == "x\U0001d452y"


def test_surrogate_pairs_from_a_pdf_font_are_joined() -> None:
    # Regression: pypdf hands over "𝑒" as two UTF-16 code units (plus a stray one) for a
    # paper in the shared set; the text then could not be stored as UTF-8.
    text = canonical_text("problem of ( \ud835\ud835\udc52 + 1)-class")
    assert text == "problem of ( \ufffd\U0001d452 + 1)-class"
    text.encode("utf-8")


def test_hyphenation_joined_when_half_is_a_fragment() -> None:
    assert canonical_text("The coordi-\nnation of firms") == "The coordination of firms"


def test_hyphenation_joined_when_joined_word_occurs_elsewhere() -> None:
    text = canonical_text("Good coordination.\nLead co-\nordination.")
    assert text == "Good coordination.\nLead coordination."


def test_real_compound_keeps_its_hyphen() -> None:
    # "platform-based" occurs elsewhere, so the line-end hyphen is part of the word.
    text = canonical_text("A platform-\nbased model. Platform-based firms grow.")
    assert text.startswith("A platform-based model.")


def test_compound_of_two_document_words_keeps_hyphen() -> None:
    text = canonical_text("The platform is based on data. A platform-\nbased design.")
    assert "platform-based design" in text


def test_english_compound_keeps_hyphen_where_the_document_cannot_tell() -> None:
    # Neither half occurs on its own here: the English word list tells a compound from a word
    # broken in two ("international" is a word, "citationinformed" is not).
    text = canonical_text(
        "SPECTER is citation-\ninformed and fine-\ngrained, not inter-\nnational."
    )
    assert text == "SPECTER is citation-informed and fine-grained, not international."


def test_a_name_broken_after_three_letters_is_joined() -> None:
    # "wal" and "way" are in the word list too: halves of three letters do not make a compound.
    assert canonical_text("Agar-\nwal and Stan-\nway (2020)") == "Agarwal and Stanway (2020)"


def test_short_chance_words_do_not_make_a_compound() -> None:
    # "no" and "table" are both words here, but "no-table" is the word "notable" hyphenated.
    text = canonical_text("No table here. A no-\ntable result.")
    assert text.endswith("A notable result.")


def test_capitalised_continuation_is_not_joined() -> None:
    # A name or acronym after the line break: joining would invent a word.
    assert canonical_text("Smith-\nJones wrote") == "Smith-\nJones wrote"


def test_a_capitalised_continuation_joins_into_a_name_the_document_writes_whole() -> None:
    """Names with inner capitals break at a line end too ("Sci-\\nERC", "GRO-\\nBID"); where
    the document writes the name whole, the break is hyphenation, not a compound."""
    pages = normalize_parts(
        ["Results on Sci-\nERC and GRO-\nBID; Smith-\nJones.", "SciERC, Grobid."]
    )
    assert pages[0] == "Results on SciERC and GROBID; Smith-\nJones."


def test_hyphenation_decided_across_pages() -> None:
    pages = normalize_parts(["The platform-\nbased view.", "Platform-based firms."])
    assert pages[0] == "The platform-based view."


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=300))  # lone surrogates included
def test_canonical_text_form_holds_for_any_input(raw: str) -> None:
    text = canonical_text(raw)
    text.encode("utf-8")  # storable: no lone surrogates
    assert unicodedata.is_normalized("NFC", text)
    assert not any(ch in text for ch in "\r\ufeff\u00ad\u200b\x0c\x0b\t")
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text)
    assert text == text.strip()
    assert "\n\n\n" not in text
    for line in text.split("\n"):
        assert line == line.strip() and "  " not in line
    # Nothing readable is lost: every letter or digit of the input survives, in order, apart
    # from the spelling-out of ligatures and the joining of surrogate pairs.
    kept = [ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum()]
    source = [ch for ch in unicodedata.normalize("NFKC", fix_surrogates(raw)) if ch.isalnum()]
    assert kept == source


_TRICKY = st.sampled_from(
    ["a", "é", "e", "\u0301", "\r", "\n", "\r\n", " ", "\t", "\u00a0", "\u00ad", "\ufeff",
     "\ufb01", "\u2028", "\x0c", "\x03", "\ud835", "\udc52", "-", "\ue0ff", "\u3000", "Z"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TRICKY, max_size=12).map("".join), max_size=8))
def test_parts_are_cleaned_together_exactly_as_one_by_one(parts: list[str]) -> None:
    """Cleaning a document's parts joined (one pass, for speed) gives what cleaning each
    alone gives: no step changes the separator or matches across it; combining marks,
    surrogate halves, CR/LF and soft hyphens at a part's edge stay in their own part."""
    from litsynth.ingest.normalize import _clean_all, _clean_characters

    assert _clean_all(parts) == [_clean_characters(p) for p in parts]


def test_assemble_keeps_empty_pages_numbered() -> None:
    text, pages = assemble([("ab", ""), ("", ""), ("cd", "")])
    assert text == "ab\n\ncd"
    assert [(p.number, p.start, p.end) for p in pages] == [(1, 0, 2), (2, 2, 2), (3, 4, 6)]
    assert [text[p.start : p.end] for p in pages] == ["ab", "", "cd"]


# --- text, Markdown, HTML ------------------------------------------------------------------


def test_markdown_sections_at_headings_not_in_fences_or_front_matter() -> None:
    doc = parse_file(INGEST / "sections.md")
    assert doc.kind == "markdown"
    assert doc.id == bytes_id((INGEST / "sections.md").read_bytes())
    assert doc.title == "Orchestration in Supply Chains: a Field Note"
    labels = [p.label for p in doc.pages]
    assert labels == ["", "Platform Coordination in Practice", "Setext Heading", "2. Results"]
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert doc.text[doc.pages[3].start :].startswith("## 2. Results")
    assert "platform-based model reduces coordination costs" in doc.text


def test_txt_with_markdown_headings_is_sectioned_but_setext_lines_are_not(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Intro line\n\n## Method\n\nWe read.\n\nTable\n-----\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.kind == "text"
    assert [p.label for p in doc.pages] == ["", "Method"]
    assert doc.title == "Method"


def test_html_text_sections_and_title() -> None:
    doc = parse_file(INGEST / "page.html")
    assert doc.kind == "html"
    assert doc.title == "Orchestration Note"
    assert "not text" not in doc.text and "color" not in doc.text  # script, style dropped
    assert "Home" not in doc.text  # <nav> boilerplate dropped
    assert "Orchestration sits between planning and execution." in doc.text
    assert "coordination layer & more." in doc.text
    assert "line one\nline two" in doc.text  # <pre> keeps its line breaks
    assert [p.label for p in doc.pages] == ["Orchestration Note", "Signals"]
    signals = doc.pages[1]
    assert doc.text[signals.start : signals.end].split("\n\n")[:3] == [
        "Signals",
        "Supplier delay",
        "Demand spike",
    ]


def test_unclosed_heading_ends_at_the_next_block(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<h2>Methods<p>We read papers.<p>We coded them.</html>", encoding="utf-8")
    doc = parse_file(path)
    assert [p.label for p in doc.pages] == ["Methods"]
    assert doc.text == "Methods\n\nWe read papers.\n\nWe coded them."


def test_bom_crlf_file() -> None:
    doc = parse_file(INGEST / "crlf-bom.txt")
    assert doc.text == "First line\nsecond line\n\nThird para"


def test_latin1_file_is_decoded() -> None:
    doc = parse_file(INGEST / "latin1.txt")
    assert doc.text.startswith("Café naïve résumé")
    assert doc.attributes["encoding"] != "utf-8"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n\t\n", "empty"),
        ("notes.rtf", b"PK\x03\x04", "broken-file"),  # read since RTF ingest landed
        ("notes.pages", b"PK\x03\x04", "unsupported-type"),
        ("book.epub", b"PK\x03\x04", "broken-file"),  # read since EPUB ingest landed
        ("paper.docx", b"PK\x03\x04", "broken-file"),  # read since Word ingest landed
        ("binary.txt", b"\x00\x01\x02\x00text", "unsupported-type"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "broken-file"),
        ("empty.html", b"<html><script>x()</script></html>", "empty"),
    ],
)
def test_unusable_files_fail_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    failure = failure_of(tmp_path / name, content)
    assert failure.reason == reason
    assert failure.reason in FAILURE_REASONS
    assert failure.hint == FAILURE_REASONS[reason]
    assert name in str(failure)


def test_every_reason_explains_what_to_do() -> None:
    required = {"encrypted", "broken-file", "no-text-layer", "garbage-text", "timeout",
                "out-of-memory", "unsupported-type", "empty", "worker-crashed"}  # fmt: skip
    assert required <= set(FAILURE_REASONS)
    assert "--password" in FAILURE_REASONS["encrypted"]
    assert "OCR" in FAILURE_REASONS["no-text-layer"]


def test_seed_000_is_sectioned_with_its_title() -> None:
    seed = next(shared("seeds").glob("000_*.txt"))
    doc = parse_file(seed)
    assert doc.title.startswith("Bridging Business Models and Supply Chain Strategy")
    labels = [p.label for p in doc.pages]
    assert "1. Introduction" in labels and "References" in labels
    for page in doc.pages:
        assert doc.text[page.start : page.end] == doc.text[page.start : page.end].strip()


def test_front_matter_title_read_before_indentation_is_stripped() -> None:
    # Regression: normalisation strips indentation, which broke the YAML of seed 003.
    seed = next(shared("seeds").glob("003_*.txt"))
    doc = parse_file(seed)
    assert doc.title == "Outsourced Value Chain Coordination"
    labels = [p.label for p in doc.pages]
    assert not any("GROUP" in label for label in labels)
    assert "Section 1: Context" in labels


@pytest.mark.parametrize(
    ("front", "authors", "year"),
    [
        ('author: "Doe, Jane; Roe, R"\ndate: 2021-05-03', ("Doe, Jane", "Roe, R"), 2021),
        ("author:\n  - Jane Doe\n  - Richard Roe\nyear: 2019", ("Jane Doe", "Richard Roe"), 2019),
        ("author:\n  - family: Doe\n    given: Jane\ndate: '2020'", ("Doe, Jane",), 2020),
        ("authors: Jane Doe and Richard Roe\ndate: last spring", ("Jane Doe", "Richard Roe"), None),
    ],
)
def test_markdown_front_matter_gives_authors_year_and_doi(
    tmp_path: Path, front: str, authors: tuple[str, ...], year: int | None
) -> None:
    """A note exported from Zotero, Obsidian or Pandoc is cited by what its YAML says."""
    path = tmp_path / "note.md"
    path.write_text(
        f"---\ntitle: A note\n{front}\ndoi: 10.1000/XYZ.1\n---\n\n# Findings\n\nText.\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert (doc.title, doc.authors, doc.year, doc.doi) == ("A note", authors, year, "10.1000/xyz.1")


def test_front_matter_that_is_not_a_mapping_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    path.write_text("---\n- one\n- two\n---\n\n# Heading\n\nText.\n", encoding="utf-8")
    doc = parse_file(path)
    assert (doc.title, doc.authors, doc.year) == ("Heading", (), None)


ARTICLE_PAGE = """<!DOCTYPE html><html><head>
<title>Orchestrating supply chains | Journal of Operations Management | Wiley Online Library</title>
<meta name="citation_title" content="Orchestrating supply chains:
  platforms and partners">
<meta name="citation_author" content="Doe, Jane">
<meta name="citation_author" content="Roe, Richard">
<meta name="citation_publication_date" content="2021/05/03">
<meta name="citation_doi" content="10.1002/JOOM.1234">
<meta name="DC.Creator" content="Someone Else">
</head><body><nav>Journals · Log in</nav>
<h1>Orchestrating supply chains</h1><p>Platforms let a lead firm coordinate suppliers.</p>
</body></html>"""


def test_an_article_page_is_cited_by_its_citation_meta_tags(tmp_path: Path) -> None:
    """A journal's web page, saved from the browser: the Highwire tags Google Scholar reads
    give title, authors, year and DOI; the <title> with the site's name is not used."""
    path = tmp_path / "article.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    doc = parse_file(path)
    assert doc.title == "Orchestrating supply chains: platforms and partners"
    assert doc.authors == ("Doe, Jane", "Roe, Richard")  # Highwire first, Dublin Core unused
    assert (doc.year, doc.doi) == (2021, "10.1002/joom.1234")
    assert "Log in" not in doc.text and "lead firm" in doc.text


def test_a_page_without_citation_tags_falls_back_to_dublin_core_then_headings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dc.html"
    path.write_text(
        '<html><head><meta name="DC.creator" content="Roe, R; Doe, J">'
        '<meta name="DC.date" content="c. 2019"><meta name="DC.identifier" content="ISBN 123">'
        "</head><body><h1>A report</h1><p>Text.</p></body></html>",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert (doc.title, doc.authors) == ("A report", ("Roe, R", "Doe, J"))
    assert (doc.year, doc.doi) == (2019, "")  # an identifier that is not a DOI is no DOI


def test_documents_in_formats_not_read_are_named_with_what_to_do(tmp_path: Path) -> None:
    """A Pages document or a Kindle book in corpus/ is not passed over in silence: one
    warning per format names its files and says how to convert them. Other files (a figure,
    a hidden file, Word's lock file) are not documents and are not named."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.pages", "b.pages", "c.pages", "d.pages", "e.pages", "book.mobi",
                 "figure.png", ".hidden.pages", "~$lock.pages", "notes.txt"):  # fmt: skip
        (corpus / name).write_bytes(b"x")
    found, warnings = walk(tmp_path, [corpus])
    assert [e.key for e in found] == ["corpus/notes.txt"]
    assert warnings == [
        "corpus/book.mobi: .mobi files are not read; convert it to EPUB (Calibre does) or use"
        " the PDF, then ingest again",
        "corpus/a.pages, corpus/b.pages, corpus/c.pages and 2 more: .pages files are not read;"
        " export it from Pages as Word (.docx) or PDF, then ingest again",
    ]
