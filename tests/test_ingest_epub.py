"""E-books (.epub): chapters in reading order, cited by printed page when the book marks its
pages, else by section.

Two real books from the W3C's EPUB 3 samples (tests/fixtures/epub/README.md), and small
packages written here for what those two do not show: page marks inside a paragraph, EPUB 2
metadata, DRM, obfuscated fonts, images-only spines and broken zips.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, parse_outcome
from litsynth.citations.labels import format_citation
from litsynth.cli import cli
from litsynth.embed import HashEmbedder
from litsynth.ingest import ParseFailure, parse_file
from litsynth.ingest.chunk import chunk_document
from litsynth.records import split_parse_notes

EPUB = FIXTURES / "epub"
CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
OPF_HEAD = (
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
    'xmlns:opf="http://www.idpf.org/2007/opf" unique-identifier="id">'
    '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
)


def _chapter(body: str, title: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
        f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )


def _book(
    path: Path,
    chapters: dict[str, str],
    *,
    metadata: str = "<dc:title>A Book</dc:title>",
    spine: str = "",
    extra: dict[str, str] | None = None,
    manifest: str = "",
) -> Path:
    """An EPUB with these chapter files (name → XHTML) in this order, as a reading system
    receives it: mimetype first and stored, the package in OEBPS/."""
    items = "".join(
        f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>'
        for i, name in enumerate(chapters)
    )
    refs = spine or "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    opf = (
        f"{OPF_HEAD}{metadata}</metadata><manifest>{items}{manifest}</manifest>"
        f"<spine>{refs}</spine></package>"
    )
    with zipfile.ZipFile(path, "w") as out:
        out.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        out.writestr("META-INF/container.xml", CONTAINER)
        out.writestr("OEBPS/content.opf", opf)
        for name, xhtml in chapters.items():
            out.writestr(f"OEBPS/{name}", xhtml)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return path


def _citations(doc_path: Path) -> list[tuple[str, str]]:
    """(citation, text) of each passage, as search and the report show them."""
    doc = parse_file(doc_path)
    count = HashEmbedder().count_tokens
    return [
        (
            format_citation(
                doc.authors,
                doc.year,
                kind=doc.kind,
                page_start=c.page_start,
                page_end=c.page_end,
                section=c.section,
                paragraph=c.paragraph,
            ),
            c.text,
        )
        for c in chunk_document(doc, count_tokens=count)
    ]


def test_a_book_that_marks_its_printed_pages_is_cited_by_them() -> None:
    doc = parse_file(EPUB / "childrens-literature.epub")
    assert doc.kind == "epub"
    assert doc.title == "Children's Literature"
    assert doc.authors == ("Charles Madison Curry", "Erle Elsworth Clippinger")
    assert doc.year == 2008
    _, notes = split_parse_notes(doc.attributes)
    assert notes == {"printed_pages": "92 marked (169–260)"}
    assert [p.label for p in doc.pages[:3]] == ["p. 169", "p. 170", "pp. 171–172"]
    cited = _citations(EPUB / "childrens-literature.epub")
    assert cited[0][0] == "Curry & Clippinger (2008), p. 169"
    # A paragraph that runs on to the next page is cited by both pages; none is cut in two.
    running = next(c for c, text in cited if "The modern fanciful story is here placed" in text)
    assert running == "Curry & Clippinger (2008), pp. 171–172"
    # The page numbers shown in the margin are not the book's text.
    assert "\n\n169\n\n" not in doc.text and "\n\n170\n\n" not in doc.text


def test_a_book_without_page_marks_is_cited_by_section() -> None:
    doc = parse_file(EPUB / "wasteland.epub")
    assert (doc.title, doc.authors, doc.year) == ("The Waste Land", ("T.S. Eliot",), 2011)
    assert [p.label for p in doc.pages[1:3]] == ["I. THE BURIAL OF THE DEAD", "II. A GAME OF CHESS"]
    assert "April is the cruellest month, breeding" in doc.text
    cited = next(c for c, text in _citations(EPUB / "wasteland.epub") if "April is" in text)
    assert cited.startswith("Eliot (2011), § I. THE BURIAL OF THE DEAD, ¶ ")
    # Once as the section's heading and once in the notes; the table of contents (nav and
    # NCX) is not read as text.
    assert doc.text.count("II. A GAME OF CHESS") == 2


def test_a_page_mark_inside_a_paragraph_and_its_forms(tmp_path: Path) -> None:
    """`epub:type`, `role="doc-pagebreak"`, a label in `title`, `aria-label` or the text."""
    body = (
        '<span epub:type="pagebreak" title="4" id="p4"/><h1>Chapter 1</h1>'
        "<p>Orchestrators align the network. The platform"
        '<span role="doc-pagebreak" aria-label="Page 5"/> matches loads for them.</p>'
        "<p>Trust grew slowly across the partners.</p>"
        '<div><span epub:type="pagebreak">6</span></div>'
        "<p>Sanctions were rare.</p>"
    )
    book = _book(tmp_path / "b.epub", {"ch1.xhtml": _chapter(body)})
    doc = parse_file(book)
    assert [(p.label, doc.text[p.start : p.end]) for p in doc.pages] == [
        (
            "pp. 4–5",
            "Chapter 1\n\nOrchestrators align the network. The platform matches loads for them.",
        ),
        ("p. 5", "Trust grew slowly across the partners."),
        ("p. 6", "Sanctions were rare."),
    ]


def test_sections_take_the_contents_title_when_a_chapter_has_no_heading(tmp_path: Path) -> None:
    nav = _chapter(
        '<nav epub:type="toc"><ol><li><a href="ch2.xhtml#top">Two: Governance</a></li></ol>'
        '</nav><nav epub:type="landmarks"><ol><li><a href="ch2.xhtml">Start</a></li></ol></nav>'
    )
    book = _book(
        tmp_path / "b.epub",
        {
            "ch1.xhtml": _chapter("<h2>One</h2><p>First words.</p>", "A Book"),
            "ch2.xhtml": _chapter("<p class='chapter-title'>Governance</p><p>Rules.</p>"),
            "nav.xhtml": nav,
        },
        manifest="",
        spine='<itemref idref="c0"/><itemref idref="c1"/><itemref idref="c2"/>',
    )
    with zipfile.ZipFile(book) as z:  # declare the nav document as the nav
        opf = z.read("OEBPS/content.opf").decode()
    opf = opf.replace('id="c2" href="nav.xhtml"', 'id="c2" properties="nav" href="nav.xhtml"')
    _rewrite(book, "OEBPS/content.opf", opf)
    doc = parse_file(book)
    assert [p.label for p in doc.pages] == ["One", "Two: Governance"]
    assert "Start" not in doc.text


def _rewrite(book: Path, name: str, data: str) -> None:
    with zipfile.ZipFile(book) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(book, "w") as out:
        for info, content in items:
            out.writestr(info, data.encode() if info.filename == name else content)


def test_formulas_and_object_fallbacks_are_read_in_a_book(tmp_path: Path) -> None:
    body = (
        '<p>Solve <math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow>'
        "<mi>A</mi><mi>x</mi><mo>=</mo><mi>b</mi></mrow>"
        '<annotation encoding="application/x-tex">Ax=b</annotation></semantics></math> first.</p>'
        '<object data="quiz.js" type="application/javascript"><p>Which planet is largest?</p>'
        "</object><script>alert(1)</script>"
    )
    doc = parse_file(_book(tmp_path / "b.epub", {"a.xhtml": _chapter(body)}))
    assert doc.text == "Solve A x = b first.\n\nWhich planet is largest?"


def test_chapters_are_read_by_libxml2_as_the_html_reader_reads_them() -> None:
    """xhtml.feed replays libxml2's tree to the same block reader, so a chapter gives the
    blocks the standard library's parser gives; HTML entities are read, a DTD's are not."""
    from litsynth.ingest.html import BlockParser
    from litsynth.ingest.xhtml import feed

    with zipfile.ZipFile(EPUB / "wasteland.epub") as book:
        source = book.read("EPUB/wasteland-content.xhtml").decode("utf-8")
    by_stdlib, by_libxml2 = BlockParser(), BlockParser()
    by_stdlib.feed(source)
    by_stdlib.close()
    feed(by_libxml2, source)
    assert by_libxml2.blocks == by_stdlib.blocks and len(by_stdlib.blocks) > 400
    entities = BlockParser()
    feed(entities, _chapter("<p>A&nbsp;B &mdash; C &amp; D</p>"))
    assert entities.blocks == [("A B — C & D", None)]  # a no-break space is a space
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x&b;y</p></body></html>'
    )
    refused = BlockParser()
    feed(refused, bomb)
    assert refused.blocks == [("xy", None)]
    sloppy = BlockParser()  # unclosed tags and a bare "&": libxml2 recovers, nothing is lost
    feed(sloppy, "<body><p>one<p>AT&T & <b>three</p></body>")
    assert [text for text, _ in sloppy.blocks] == ["one", "AT&T & three"]
    plain = BlockParser()  # no markup at all: read as a web page is
    feed(plain, "just words, no markup")
    assert plain.blocks == [("just words, no markup", None)]


def test_epub2_metadata_roles_dates_and_doi(tmp_path: Path) -> None:
    metadata = (
        "<dc:title>Supply Chain Orchestration</dc:title>"
        '<dc:creator opf:role="edt" opf:file-as="Roe, R.">R. Roe</dc:creator>'
        '<dc:creator opf:role="aut">Doe, Jane</dc:creator>'
        '<dc:creator opf:role="aut">John Smith</dc:creator>'
        '<dc:date opf:event="modification">2023-01-02</dc:date>'
        '<dc:date opf:event="publication">2019-05-01</dc:date>'
        "<dc:identifier>urn:isbn:9780000000000</dc:identifier>"
        "<dc:identifier>doi:10.1000/xyz.123</dc:identifier>"
        "<dc:publisher>Open Press</dc:publisher>"
    )
    book = _book(tmp_path / "b.epub", {"a.xhtml": _chapter("<p>Text.</p>")}, metadata=metadata)
    doc = parse_file(book)
    assert doc.authors == ("Doe, Jane", "John Smith")
    assert (doc.year, doc.doi, doc.venue) == (2019, "10.1000/xyz.123", "Open Press")


def test_an_edited_book_is_cited_by_its_editors(tmp_path: Path) -> None:
    metadata = (
        '<dc:title>Handbook</dc:title><dc:creator id="e1">Ann Lee</dc:creator>'
        '<meta refines="#e1" property="role" scheme="marc:relators">edt</meta>'
        '<dc:contributor id="t1">Tom Tran</dc:contributor><dc:date>2021</dc:date>'
    )
    book = _book(tmp_path / "b.epub", {"a.xhtml": _chapter("<p>Text.</p>")}, metadata=metadata)
    assert parse_file(book).authors == ("Ann Lee",)


def test_chapters_out_of_the_reading_order_come_last(tmp_path: Path) -> None:
    book = _book(
        tmp_path / "b.epub",
        {"answers.xhtml": _chapter("<p>Answers.</p>"), "ch.xhtml": _chapter("<p>Body.</p>")},
        spine='<itemref idref="c0" linear="no"/><itemref idref="c1"/>',
    )
    assert parse_file(book).text == "Body.\n\nAnswers."


def test_fonts_obfuscated_as_the_standard_allows_are_not_drm(tmp_path: Path) -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="{alg}"/><enc:CipherData>'
        '<enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData></encryption>'
    )
    fonts = encryption.format(alg="http://www.idpf.org/2008/embedding", uri="OEBPS/f.otf")
    book = _book(
        tmp_path / "fonts.epub",
        {"a.xhtml": _chapter("<p>Readable.</p>")},
        extra={"META-INF/encryption.xml": fonts, "OEBPS/f.otf": "x"},
    )
    assert parse_file(book).text == "Readable."
    drm = encryption.format(alg="http://www.w3.org/2001/04/xmlenc#aes128-cbc", uri="OEBPS/a.xhtml")
    book = _book(
        tmp_path / "drm.epub",
        {"a.xhtml": "\x93\x11binary"},
        extra={"META-INF/encryption.xml": drm, "META-INF/rights.xml": "<rights/>"},
    )
    with pytest.raises(ParseFailure) as caught:
        parse_file(book)
    assert caught.value.reason == "encrypted"
    assert "DRM" in caught.value.detail


@pytest.mark.parametrize(
    ("setup", "reason", "says"),
    [
        ("not-a-zip", "broken-file", "not a zip"),
        ("no-package", "broken-file", "no package document"),
        ("images-only", "empty", "images or drawings"),
        ("bad-xml", "broken-file", "content.opf"),
    ],
)
def test_an_epub_that_cannot_be_read_says_why(
    tmp_path: Path, setup: str, reason: str, says: str
) -> None:
    path = tmp_path / "b.epub"
    if setup == "not-a-zip":
        path.write_bytes(b"%PDF-1.4 not an epub")
    elif setup == "no-package":
        with zipfile.ZipFile(path, "w") as out:
            out.writestr("mimetype", "application/epub+zip")
            out.writestr("chapter.xhtml", _chapter("<p>x</p>"))
    elif setup == "images-only":
        _book(
            path,
            {},
            manifest='<item id="p1" href="p1.svg" media-type="image/svg+xml"/>',
            spine='<itemref idref="p1"/>',
        )
    else:
        _book(path, {"a.xhtml": _chapter("<p>x</p>")})
        _rewrite(path, "OEBPS/content.opf", "<package><unclosed>")
    with pytest.raises(ParseFailure) as caught:
        parse_file(path)
    assert caught.value.reason == reason
    assert says in caught.value.detail


def test_a_chapter_missing_from_the_zip_or_not_text_is_skipped_and_noted(tmp_path: Path) -> None:
    book = _book(
        tmp_path / "b.epub",
        {"a.xhtml": _chapter("<p>Kept.</p>"), "bin.xhtml": "\x00\x01binary\x00"},
        manifest='<item id="gone" href="gone.xhtml" media-type="application/xhtml+xml"/>',
        spine='<itemref idref="c0"/><itemref idref="gone"/><itemref idref="c1"/>',
    )
    doc = parse_file(book)
    assert doc.text == "Kept."
    notes = split_parse_notes(doc.attributes)[1]
    assert notes == {"chapters_unread": "2 of 3 (1 missing, 1 not text)"}
    _rewrite(book, "OEBPS/a.xhtml", "\x00binary too")
    with pytest.raises(ParseFailure) as caught:
        parse_file(book)
    assert caught.value.reason == "broken-file"
    assert "none of its 3 chapters could be read (1 missing, 2 not text)" in caught.value.detail


def test_ingest_reads_an_ebook_into_the_project_and_search_cites_its_page(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "review"
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(EPUB / "childrens-literature.epub", root / "corpus")
    result = runner.invoke(cli, ["ingest", "--project", str(root), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["documents_ingested"] == 1
    found = runner.invoke(
        cli, ["search", "The modern fanciful story is here placed next to the real folk story",
              "--project", str(root), "--json"],
    )  # fmt: skip
    hits = json.loads(found.stdout)
    assert hits and all(h["citation"].startswith("Curry & Clippinger (2008), p") for h in hits)
    cited = {h["citation"] for h in hits if "modern fanciful story is here placed" in h["text"]}
    assert cited == {"Curry & Clippinger (2008), pp. 171–172"}


def test_damaged_books_fail_with_a_reason_and_never_raise(tmp_path: Path) -> None:
    """A real book damaged at random, as a bad download or disk does: bytes of the zip
    changed, or a chapter's markup cut, spliced with page marks, entities, NUL bytes or a
    forbidden character reference. Each is read or fails with a reason; none raises."""
    import random

    source = (EPUB / "wasteland.epub").read_bytes()
    with zipfile.ZipFile(EPUB / "wasteland.epub") as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    splices = [b'<span epub:type="pagebreak" title="', b"&#xD800;", b"<!ENTITY", b"</",
               b"<math>", b"&nbsp", b"\x00", b"<![CDATA["]  # fmt: skip
    rng = random.Random(7)
    outcomes: set[str] = set()
    for trial in range(150):
        if trial % 3 == 0:
            damaged = bytearray(source)
            for _ in range(rng.randint(1, 20)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            data = bytes(damaged)
        else:
            name = rng.choice([n for n in parts if n != "mimetype"])
            content = bytearray(parts[name])
            for _ in range(rng.randint(1, 30)):
                at = rng.randrange(len(content) or 1)
                if rng.random() < 0.5:
                    del content[at : at + rng.randint(1, 200)]
                else:
                    content[at:at] = rng.choice(splices)
            data = _zipped({**parts, name: bytes(content)})
        outcomes.add(parse_outcome(tmp_path / "damaged.epub", data))
    assert "read" in outcomes and "broken-file" in outcomes


def _zipped(parts: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in parts.items():
            out.writestr(name, content)
    return buffer.getvalue()
