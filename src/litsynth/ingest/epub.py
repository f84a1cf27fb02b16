"""EPUB e-books (.epub): the chapters in reading order, cited by the printed page when the
book marks its pages, else by section.

An EPUB is a zip: META-INF/container.xml names the package document (the OPF), whose spine
lists the chapter files (XHTML) in reading order and whose metadata gives the title, the
creators, the date, the publisher and identifiers. Each chapter is read as an HTML page is
(html.py's `BlockParser`, driven by libxml2: xhtml.py): paragraphs at block elements,
sections at headings. Formulas (MathML) are read as text, with the TeX beside them left out,
and an <object>'s fallback (what a reading system without scripts shows) is read.

**Printed pages.** APA and every other style cite a book by the page of its printed edition,
and an accessible EPUB marks where each printed page begins (`epub:type="pagebreak"` or
`role="doc-pagebreak"`, labelled "169" or "xiv"). When a book marks at least two pages, each
passage is cited by the pages it lies on ("Mulvany (2005), p. 169", "pp. 169–170" for a
paragraph that runs on): the book is cut into parts at each page a paragraph starts on, so
no sentence is cut in two, and a part whose last paragraph runs onto the next page names both.
The marker's own text (the "169" shown in the margin) is not read as the book's text.
Without page marks a passage is cited by its section, as an HTML page is: the chapter's
heading, else the title the table of contents gives its file, else its file's <title> when
that names the chapter and not the book.

Left out: the table of contents (the nav document, or the guide's "toc"), scripts and other
invisible elements. Chapters outside the linear reading order (answers, pop-up notes) come
after the others. A book whose chapters are encrypted (Adobe ADEPT, Readium LCP, Apple
FairPlay: DRM) fails as "encrypted"; fonts obfuscated as the standard allows are not
encryption. A chapter the package lists but the zip lacks, or one that is not text, is
skipped and noted; a book none of whose chapters can be read is a broken file.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from litsynth.citations.doi import normalize_doi
from litsynth.citations.labels import printed_pages
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.first_page import printed_year
from litsynth.ingest.html import BlockParser
from litsynth.ingest.normalize import PARAGRAPH_BREAK, assemble, normalize_parts
from litsynth.ingest.own_metadata import author_names, year_in
from litsynth.ingest.text import decode
from litsynth.ingest.xhtml import feed
from litsynth.ingest.zipparts import open_archive, part_bytes, part_xml
from litsynth.records import Document, bytes_id

_OPF = "http://www.idpf.org/2007/opf"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_XMLENC = "http://www.w3.org/2001/04/xmlenc#"
# Font obfuscation (IDPF's and Adobe's) hides embedded fonts, not the text: not DRM.
_FONT_OBFUSCATION = frozenset(
    ["http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"]
)
_CHAPTER_TYPES = frozenset(["application/xhtml+xml", "text/html", "application/xml", "text/xml"])
_NCX_TYPE = "application/x-dtbncx+xml"
_XHTML = "http://www.w3.org/1999/xhtml"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
# A printed page's mark inside a paragraph's raw text, until the paragraphs are cut into parts.
_MARK, _END = "\ue000", "\ue001"
_MARKS = re.compile(f"{_MARK}([^{_END}]*){_END}")
_PAGE_WORD = re.compile(r"^(?:page|pg\.?|p\.)\s*", re.I)
_PAGE_LABEL = re.compile(r"^(?:[\w.-]*\d[\w.-]*|[ivxlcdm]+)$", re.I)  # "169", "A-3", "xiv"
# MathML: its token elements are read with a space after each ("A x = b"); the TeX or
# content markup some books add beside a formula is its source, not more text.
_MATH_TOKENS = frozenset(["mi", "mn", "mo", "ms", "mtext"])
_MATH_SOURCE = frozenset(["annotation", "annotation-xml"])
# Hidden on a web page, read in a book: a textbook's formulas, and what an <object> (a quiz,
# an interactive figure) shows a reading system that does not run it.
_TRANSPARENT = frozenset(["math", "object"])
_MIN_MARKS = 2  # page marks a book needs before its passages are cited by printed page
_AUTHOR_ROLES = ("aut", "")  # a creator with no role is the author
_LATER_EVENTS = frozenset(["modification", "conversion", "creation"])  # EPUB 2's dc:date events


def _is_page_mark(attrs: dict[str, str | None]) -> bool:
    types = (attrs.get("epub:type") or "").split()
    return "pagebreak" in types or (attrs.get("role") or "").strip() == "doc-pagebreak"


def _page_label(raw: str) -> str:
    """ "169", "Page 169", "xiv" → the page's label; "" for anything else."""
    label = _PAGE_WORD.sub("", " ".join(raw.split()))
    return label if len(label) <= 12 and _PAGE_LABEL.match(label) else ""


class _ChapterParser(BlockParser):
    """A chapter's blocks, with each printed page's mark kept in the text where it falls."""

    def __init__(self) -> None:
        super().__init__()
        self.marks = 0
        self._marker: str | None = None  # the tag of the page mark being read
        self._depth = 0
        self._label = ""
        self._inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._marker is not None:
            self._depth += tag == self._marker
            return
        if tag in _TRANSPARENT:
            return
        if tag in _MATH_SOURCE:
            self._hidden += 1
            return
        found = dict(attrs) if attrs else {}
        if found and _is_page_mark(found):
            self._marker, self._depth, self._inside = tag, 1, []
            self._label = found.get("title") or found.get("aria-label") or ""
            return
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._marker is None:
            if tag in _MATH_TOKENS:
                self.handle_data(" ")
            elif tag in _MATH_SOURCE:
                self._hidden = max(0, self._hidden - 1)
            elif tag not in _TRANSPARENT:
                super().handle_endtag(tag)
            return
        self._depth -= tag == self._marker
        if self._depth == 0:
            self._marker = None
            label = _page_label(self._label) or _page_label("".join(self._inside))
            if label and not self._hidden:
                self._buffer.append(f"{_MARK}{label}{_END}")
                self.marks += 1

    def handle_data(self, data: str) -> None:
        if self._marker is not None:
            self._inside.append(data)
        else:
            super().handle_data(data.replace(_MARK, "").replace(_END, ""))


@dataclass
class _Part:
    """Paragraphs cited alike: under one heading, starting on one printed page."""

    heading: str
    first: str  # the printed page it starts on ("" before the book's first page mark)
    last: str
    paragraphs: list[str] = field(default_factory=list)

    def label(self, paged: bool) -> str:
        return printed_pages(self.first, self.last) if paged and self.first else self.heading


@dataclass(frozen=True)
class _Chapter:
    blocks: list[tuple[str, str | None]]
    title: str  # its file's <title>
    listed: str = ""  # the title the table of contents gives it


def _cut(chapters: Iterable[_Chapter], paged: bool, book_title: str) -> list[_Part]:
    """The chapters' paragraphs as parts: a new one at each chapter, heading and (when the
    book is paged) each page a paragraph starts on."""
    chapters = list(chapters)
    titles = Counter(c.title for c in chapters)
    parts: list[_Part] = []
    page = ""
    for chapter in chapters:
        unique = titles[chapter.title] == 1 and chapter.title != book_title
        own = chapter.listed or (chapter.title if unique else "")
        opening = fresh = True
        for raw, heading in chapter.blocks:
            pieces = _MARKS.split(raw)
            texts, labels = pieces[0::2], pieces[1::2]
            lead = 0  # page marks before the paragraph's first word turn the page before it
            while lead < len(labels) and not texts[lead].strip():
                page, lead = labels[lead], lead + 1
                opening = opening or paged
            words = "".join(texts)
            if not words.strip():
                continue
            if opening or heading is not None:
                if heading is not None:
                    name = " ".join(words.split())
                else:  # a chapter's start, or a page turned inside a section
                    name = parts[-1].heading if parts and not fresh else own
                parts.append(_Part(name, page, page))
                opening = fresh = False
            parts[-1].paragraphs.append(words)
            for j in range(lead, len(labels)):
                page = labels[j]
                if "".join(texts[j + 1 :]).strip():  # the paragraph runs on to this page
                    parts[-1].last = page
                opening = opening or paged
    return parts


def _package(archive: zipfile.ZipFile, where: str) -> str:
    """The package document's name in the zip: what container.xml names, else the one .opf."""
    container = part_xml(archive, "META-INF/container.xml", where)
    for root in container.iter(f"{{{_CONTAINER}}}rootfile") if container is not None else ():
        name = unquote(root.get("full-path") or "")
        if name.lower().endswith(".opf") and name in archive.namelist():
            return name
    found = [n for n in archive.namelist() if n.lower().endswith(".opf")]
    if len(found) == 1:
        return found[0]
    raise ParseFailure("broken-file", "no package document (.opf) in the zip: not an EPUB", where)


def _encrypted(archive: zipfile.ZipFile, chapters: set[str], where: str) -> bool:
    """Whether a chapter is encrypted: DRM, not the font obfuscation the standard allows."""
    encryption = part_xml(archive, "META-INF/encryption.xml", where)
    for item in encryption.iter(f"{{{_XMLENC}}}EncryptedData") if encryption is not None else ():
        method = item.find(f"{{{_XMLENC}}}EncryptionMethod")
        if method is not None and method.get("Algorithm") in _FONT_OBFUSCATION:
            continue
        for ref in item.iter(f"{{{_XMLENC}}}CipherReference"):
            if posixpath.normpath(unquote(ref.get("URI") or "")).lstrip("/") in chapters:
                return True
    return False


@dataclass(frozen=True)
class _Metadata:
    title: str
    authors: tuple[str, ...]
    year: int | None
    doi: str
    publisher: str


def _metadata(opf: Element) -> _Metadata:
    meta = opf.find(f"{{{_OPF}}}metadata")
    if meta is None:
        return _Metadata("", (), None, "", "")

    def texts(name: str) -> list[Element]:
        return [e for e in meta.iter(f"{{{_DC}}}{name}") if e.text and e.text.strip()]

    refined = {  # EPUB 3 states a creator's role in a <meta refines="#id" property="role">
        (m.get("refines") or "").lstrip("#"): (m.text or "").strip()
        for m in meta.iter(f"{{{_OPF}}}meta")
        if m.get("property") == "role"
    }

    def role(el: Element) -> str:
        return (el.get(f"{{{_OPF}}}role") or refined.get(el.get("id") or "", "")).lower()

    creators = texts("creator")
    chosen = [c for c in creators if role(c) in _AUTHOR_ROLES] or [
        c for c in creators if role(c) == "edt"
    ]
    authors = tuple(dict.fromkeys(n for c in chosen for n in author_names(c.text or "")))
    dates = [d for d in texts("date") if (d.get(f"{{{_OPF}}}event") or "") not in _LATER_EVENTS]
    dois = (normalize_doi(e.text or "") for e in texts("identifier"))
    first = texts("title")
    publisher = texts("publisher")
    return _Metadata(
        title=" ".join((first[0].text or "").split()) if first else "",
        authors=authors,
        year=next((y for d in dates if (y := year_in(d.text or ""))), None),
        doi=next((d for d in dois if d), ""),
        publisher=" ".join((publisher[0].text or "").split()) if publisher else "",
    )


@dataclass(frozen=True)
class _Spine:
    chapters: list[str]  # chapter files in reading order: linear ones first
    items: int  # what the spine lists, images and SVG pages included
    nav: list[str]  # the table-of-contents files (EPUB 3 nav, EPUB 2 NCX), never read as text


def _spine(opf: Element, folder: str) -> _Spine:
    """The chapter files in reading order, without the table of contents."""
    manifest: dict[str, tuple[str, str]] = {}
    nav: list[str] = []
    for item in opf.iter(f"{{{_OPF}}}item"):
        href = posixpath.normpath(posixpath.join(folder, unquote(item.get("href") or "")))
        media = (item.get("media-type") or "").lower()
        manifest[item.get("id") or ""] = (href, media)
        if "nav" in (item.get("properties") or "").split() or media == _NCX_TYPE:
            nav.append(href)
    skipped = set(nav)
    for ref in opf.iter(f"{{{_OPF}}}reference"):
        if (ref.get("type") or "").lower() == "toc":
            href = unquote((ref.get("href") or "").split("#")[0])
            skipped.add(posixpath.normpath(posixpath.join(folder, href)))
    linear: list[str] = []
    aside: list[str] = []
    refs = list(opf.iter(f"{{{_OPF}}}itemref"))
    for ref in refs:
        href, media = manifest.get(ref.get("idref") or "", ("", ""))
        if href and media in _CHAPTER_TYPES and href not in skipped:
            (aside if ref.get("linear") == "no" else linear).append(href)
    return _Spine(list(dict.fromkeys(linear + aside)), len(refs), nav)


def _toc_entries(root: Element) -> Iterator[Element]:
    """The elements of a nav document's table of contents (not its landmarks or page list),
    or of a whole NCX."""
    navs = [
        el for el in root.iter(f"{{{_XHTML}}}nav") if "toc" in (el.get(_EPUB_TYPE) or "").split()
    ]
    for top in navs or [root]:
        yield from top.iter()


def _toc_titles(archive: zipfile.ZipFile, nav: list[str], where: str) -> dict[str, str]:
    """Chapter file → the title the table of contents gives its first entry. A table that
    is not well-formed XML (HTML entities in an XHTML nav) gives nothing, never a failure."""
    titles: dict[str, str] = {}
    for name in nav:
        try:
            root = part_xml(archive, name, where)
        except ParseFailure:
            continue
        folder = posixpath.dirname(name)
        for el in _toc_entries(root) if root is not None else ():
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if tag == "a":  # EPUB 3: <nav epub:type="toc"><ol><li><a href=…>
                href, label = el.get("href") or "", " ".join("".join(el.itertext()).split())
            elif tag == "navPoint":  # EPUB 2: <navPoint><navLabel><text>…</text>…<content src=…>
                content = next((c for c in el if str(c.tag).endswith("content")), None)
                label_el = next((c for c in el if str(c.tag).endswith("navLabel")), None)
                href = content.get("src") or "" if content is not None else ""
                label = (
                    " ".join("".join(label_el.itertext()).split()) if label_el is not None else ""
                )
            else:
                continue
            target = posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0])))
            if href and label:
                titles.setdefault(target, label)
    return titles


def _read_chapter(archive: zipfile.ZipFile, name: str, where: str) -> _ChapterParser | str:
    """A chapter's blocks, or why it cannot be read: "missing" from the zip, or "not text"."""
    data = part_bytes(archive, name, where)
    if data is None:
        return "missing"
    try:
        source, _ = decode(data, Path(name))
    except ParseFailure:  # binary bytes, or no encoding found
        return "not text"
    parser = _ChapterParser()
    feed(parser, source)
    return parser


def parse_epub(path: Path, data: bytes) -> Document:
    """An .epub file as a canonical `Document`, in parts cited by printed page or section."""
    where = str(path)
    archive = open_archive(data, "an EPUB", where)
    name = _package(archive, where)
    opf = part_xml(archive, name, where)
    assert opf is not None  # _package found it in the zip
    spine = _spine(opf, posixpath.dirname(name))
    order = spine.chapters
    if not order:
        detail = (
            f"the book's {spine.items} pages are images or drawings, with no text to read"
            if spine.items
            else "the package lists no chapters (an empty spine)"
        )
        raise ParseFailure("empty", detail, where)
    if _encrypted(archive, set(order), where):
        detail = (
            "a DRM-protected e-book (its chapters are encrypted); ingest a DRM-free copy, such"
            " as the publisher's open-access file, or the PDF"
        )
        raise ParseFailure("encrypted", detail, where)
    toc = _toc_titles(archive, spine.nav, where)
    meta = _metadata(opf)
    chapters, unread, marks = [], Counter[str](), 0
    for chapter in order:
        parser = _read_chapter(archive, chapter, where)
        if isinstance(parser, str):
            unread[parser] += 1
            continue
        marks += parser.marks
        own = " ".join(parser.title.split())
        chapters.append(_Chapter(parser.blocks, own, toc.get(chapter, "")))
    paged = marks >= _MIN_MARKS
    parts = _cut(chapters, paged, meta.title)
    texts = iter(normalize_parts([p for part in parts for p in part.paragraphs]))
    sections = []
    for part in parts:
        kept = [t for t in (next(texts) for _ in part.paragraphs) if t]
        if kept:
            sections.append((PARAGRAPH_BREAK.join(kept), part.label(paged)))
    text, pages = assemble(sections)
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(unread.items()))
    if not chapters:
        detail = f"none of its {len(order)} chapters could be read ({why})"
        raise ParseFailure("broken-file", detail, where)
    if not text:
        raise ParseFailure("empty", "no visible text in the book's chapters", where)
    notes = {"chapters_unread": f"{unread.total()} of {len(order)} ({why})"} if unread else {}
    if paged:
        labelled = [p for p in parts if p.first]
        notes["printed_pages"] = f"{marks} marked ({labelled[0].first}–{labelled[-1].last})"
    return Document(
        id=bytes_id(data),
        path=where,
        kind="epub",
        text=text,
        pages=pages,
        title=meta.title,
        authors=meta.authors,
        year=meta.year or printed_year(text[:5000]),
        venue=meta.publisher,
        doi=meta.doi,
        attributes=notes,
    )
