"""HTML: visible text in reading order, paragraph breaks at block elements, sections at h1–h6.

The standard library's tolerant `html.parser` is enough: we need the text and the block
structure, not a DOM, and it never raises on the broken markup saved web pages are full of.
Script, style and other invisible elements are dropped.

A journal's article page says what it is in <meta> tags: the Highwire Press `citation_*` tags
Google Scholar reads (every major publisher writes them), else Dublin Core `DC.*`. They give
the title, authors, year and DOI, as a PDF's info dictionary does; without them the first
<h1> is the title, else <title> (which often carries the site name as well).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from litsynth.citations.doi import normalize_doi
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.normalize import assemble_sections, normalize_parts
from litsynth.ingest.own_metadata import author_names, year_in
from litsynth.ingest.text import decode
from litsynth.records import Document, bytes_id

# Elements that end a paragraph; their text becomes its own block.
_BLOCK = frozenset([
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
])  # fmt: skip
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# Never shown as text; "nav" is site navigation, boilerplate on every page of a site.
_INVISIBLE = frozenset([
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "nav",
])  # fmt: skip
_SPACES = re.compile(r"\s+")
# <meta name=…> → field, best source first: Highwire Press, then Dublin Core, then plain HTML.
_META_FIELDS = {
    "title": ("citation_title", "dc.title"),
    "authors": ("citation_author", "dc.creator", "author"),
    "year": ("citation_publication_date", "citation_date", "citation_year",
             "citation_online_date", "dc.date"),
    "doi": ("citation_doi", "dc.identifier"),
}  # fmt: skip


class BlockParser(HTMLParser):
    """Collects (raw text, heading tag or None) blocks; a heading block starts a section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str | None]] = []
        self.title = ""
        self._buffer: list[str] = []
        self._hidden = 0  # depth inside invisible elements
        self._pre = 0
        self._heading: str | None = None  # "h1".."h6" while inside a heading
        self._in_title = False
        self.meta: dict[str, list[str]] = {}  # lower-cased <meta name> -> its contents, in order

    def _flush(self) -> None:
        raw = "".join(self._buffer)
        self._buffer = []
        text = raw if self._pre else _SPACES.sub(" ", raw)
        if text.strip():
            self.blocks.append((text, self._heading))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag == "meta":
            found = dict(attrs)
            name, content = found.get("name"), found.get("content")
            if name and content and content.strip():
                self.meta.setdefault(name.strip().lower(), []).append(" ".join(content.split()))
            return
        if tag in _INVISIBLE:
            self._hidden += 1
        elif tag in _BLOCK:
            self._flush()
            # A block opening ends any heading left unclosed ("<h2>Title<p>text"), so one
            # missing </h2> cannot turn the rest of the page into headings.
            self._heading = tag if tag in _HEADINGS else None
            if tag == "pre":
                self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _INVISIBLE:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self._flush()
            if tag in _HEADINGS:
                self._heading = None
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._hidden:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _from_meta(meta: dict[str, list[str]], field: str) -> list[str]:
    """The values of the best <meta> source that has `field` (all of them: authors repeat)."""
    for name in _META_FIELDS[field]:
        if meta.get(name):
            return meta[name]
    return []


def parse_html(path: Path, data: bytes) -> Document:
    """An .html file as a canonical `Document` sectioned at its headings."""
    source, encoding = decode(data, path)
    return html_document(path, data, source, {"encoding": encoding})


def html_document(path: Path, data: bytes, source: str, attributes: dict[str, str]) -> Document:
    """The `Document` of an HTML page's `source`, its id the hash of the file's `data` (a
    saved page's archive holds the page among its resources: saved_pages.py)."""
    parser = BlockParser()
    parser.feed(source)
    parser.close()
    texts = normalize_parts([text for text, _ in parser.blocks])
    # A heading and the blocks after it are one section, one Page.
    blocks = [(text, heading) for text, (_, heading) in zip(texts, parser.blocks, strict=True)]
    text, pages = assemble_sections((t, heading is not None) for t, heading in blocks if t)
    h1 = next((" ".join(t.split()) for t, heading in blocks if t and heading == "h1"), "")
    if not text:
        raise ParseFailure("empty", "no visible text in the HTML", str(path))
    meta = parser.meta
    titles = _from_meta(meta, "title")
    title = titles[0] if titles else h1 or " ".join(parser.title.split())
    authors = tuple(n for v in _from_meta(meta, "authors") for n in author_names(v))
    years = _from_meta(meta, "year")
    dois = (normalize_doi(v) for v in _from_meta(meta, "doi"))
    return Document(
        id=bytes_id(data),
        path=str(path),
        kind="html",
        text=text,
        pages=tuple(pages),
        title=title,
        authors=authors,
        year=year_in(years[0]) if years else None,
        doi=next((d for d in dois if d), ""),
        attributes=attributes,
    )
