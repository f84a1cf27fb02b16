"""Journal articles in JATS XML (.nxml, .xml): PubMed Central's, eLife's, PLOS's full texts.

The open-access subset of PubMed Central and many publishers give an article's full text as
JATS (Journal Article Tag Suite, NISO Z39.96) XML beside its PDF. The XML says outright what
a PDF hides: title, authors, year, journal and DOI in the front matter; the abstract; the
body's sections with their headings; figure and table captions; and the reference list, one
`<ref>` per entry. So nothing is guessed, and a passage is cited by section and paragraph
("§ Results, ¶ 3"), as the article online is.

What is read, in order: the title (opening a section, as a Word file's Title does), each
abstract under its title ("Abstract", "eLife digest"), the body (a `<sec>`'s title opens a
section, labels kept: "2.1 Participants"; a paragraph holding a list, formula, quote or
figure is split around it; a figure's or table's label and caption as one paragraph, then
the table's rows as "cell | cell"), then the back matter: acknowledgements, appendices,
notes, and the references, each entry one paragraph ("Mori H, Takio K (1992). Mass
spectrometry of … J Biol Chem 267:17082–6."), so roles find the reference list exactly.

Left out: authors' affiliations and correspondence (the authors are the document's own
metadata), figure graphics, object identifiers, permissions, and sub-articles (an eLife
decision letter and author response are the review, not the article: counted in the
document's `sub_articles_left_out`). A file whose root is not `<article>` fails as
"unsupported-type", saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.normalize import assemble_sections, normalize_parts
from litsynth.ingest.xhtml import parse_tree
from litsynth.records import Document, bytes_id

_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
# Elements whose text a reader of the article never sees as such.
_UNSEEN = frozenset(
    ["object-id", "graphic", "inline-graphic", "alt-text", "permissions", "long-desc",
     "attrib", "annotation", "uri", "self-uri", "processing-meta", "x"]
)  # fmt: skip
# Block elements inside a paragraph: the paragraph is split around them.
_BLOCKS = frozenset(
    ["list", "disp-formula", "disp-formula-group", "disp-quote", "fig", "fig-group",
     "table-wrap", "table-wrap-group", "boxed-text", "statement", "def-list", "preformat",
     "supplementary-material", "media", "speech", "verse-group", "code", "array"]
)  # fmt: skip
_CAPTIONED = frozenset(["fig", "fig-group", "table-wrap", "table-wrap-group", "boxed-text",
                        "supplementary-material", "media", "chem-struct-wrap"])  # fmt: skip
_SECTIONS = frozenset(["sec", "app", "abstract", "trans-abstract", "bio", "notes"])
# What a list, a quote or a statement holds: read as paragraphs of their own.
_CONTAINERS = _BLOCKS | {"p", "sec", "list-item", "def-item", "def", "fn", "ref", "table"}
# A formula or table given several ways: the one a reader takes in, first found.
_PREFERRED = ("table", "math", "tex-math")
_BACK_TITLES = {"ack": "Acknowledgements", "ref-list": "References", "fn-group": "Notes",
                "app-group": "Appendix", "glossary": "Abbreviations"}  # fmt: skip
_DATE_TYPES = ("epub", "pub", "ppub", "collection", "epreprint")


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _inline(el: Any) -> str:
    """The text of an element as a reader sees it: its descendants' text in order, less
    what is never shown; of a formula or table given several ways, the one preferred."""
    if _tag(el) == "alternatives":
        kinds = {_tag(c): c for c in el}
        chosen = next((kinds[k] for k in _PREFERRED if k in kinds), None)
        return _inline(chosen) if chosen is not None else ""
    parts = [el.text or ""]
    for child in el:
        tag = _tag(child)
        if tag and tag not in _UNSEEN:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _line(text: str) -> str:
    return " ".join(text.split())


def _child(el: Any, name: str) -> Any | None:
    return next((c for c in el if _tag(c) == name), None)


def _heading(el: Any) -> str:
    """ "2.1 Participants": a section's label and title, when it has either."""
    label, title = _child(el, "label"), _child(el, "title")
    return _line(" ".join(_inline(x) for x in (label, title) if x is not None))


class _Reader:
    """Walks the article into paragraphs, each (text, whether it opens a section)."""

    def __init__(self) -> None:
        self.paragraphs: list[tuple[str, bool]] = []

    def add(self, text: str, opens: bool = False) -> None:
        if text.strip():
            self.paragraphs.append((text.strip(), opens))

    def section(self, el: Any, fallback: str = "") -> None:
        self.add(_heading(el) or fallback, opens=True)
        self.blocks(el)

    def blocks(self, el: Any) -> None:
        for child in el:
            self.block(child)

    def block(self, el: Any) -> None:
        tag = _tag(el)
        if not tag or tag in _UNSEEN or tag in ("label", "title", "caption"):
            return
        if tag in _SECTIONS:
            self.section(el)
        elif tag in _BACK_TITLES:
            self.section(el, _BACK_TITLES[tag])
        elif tag == "ref":
            self.add(_reference(el))
        elif tag == "p":
            self.paragraph(el)
        elif tag in _CAPTIONED:
            self.captioned(el)
        elif tag == "table":
            for row in el.iter("{*}tr"):
                cells = [_line(_inline(c)) for c in row if _tag(c) in ("td", "th")]
                self.add(" | ".join(c for c in cells if c))
        elif tag == "alternatives":
            table = _child(el, "table")
            if table is not None:
                self.block(table)
            else:
                self.add(_line(_inline(el)))  # a formula: MathML, else its TeX
        elif any(_tag(c) in _CONTAINERS for c in el):
            self.blocks(el)  # a list, a quote, a statement: the paragraphs it holds
        else:
            self.add(_line(_inline(el)))

    def paragraph(self, p: Any) -> None:
        """A paragraph, split around the blocks inside it (a list, a formula, a figure)."""
        parts = [p.text or ""]
        for child in p:
            tag = _tag(child)
            if tag in _BLOCKS:
                self.add(_line("".join(parts)))
                parts = []
                self.block(child)
            elif tag and tag not in _UNSEEN:
                parts.append(_inline(child))
            parts.append(child.tail or "")
        self.add(_line("".join(parts)))

    def captioned(self, el: Any) -> None:
        """A figure, table or box: its label and caption as one paragraph, then what it
        holds (a table's rows, a box's paragraphs; a figure's graphic is not text)."""
        label, caption = _child(el, "label"), _child(el, "caption")
        words = [_inline(label) if label is not None else ""]
        if caption is not None:
            words += [_inline(c) for c in caption]
        self.add(_line(" ".join(words)))
        self.blocks(el)


def _names(group: Any) -> list[str]:
    """ "Mori H", "Takio K", … "et al." from a person-group (or a citation's own names)."""
    names = []
    for el in group:
        tag = _tag(el)
        if tag in ("name", "name-alternatives"):
            inner = _child(el, "name") if tag == "name-alternatives" else None
            name = inner if inner is not None else el
            surname, given = _child(name, "surname"), _child(name, "given-names")
            names.append(_line(" ".join(_inline(x) for x in (surname, given) if x is not None)))
        elif tag in ("string-name", "collab"):
            names.append(_line(_inline(el)))
        elif tag == "etal":
            names.append("et al.")
    return [n for n in names if n]


def _reference(ref: Any) -> str:
    """One reference-list entry as a line a reader (and the reference reader) takes in: a
    mixed citation as typeset, an element citation as "Authors (Year). Title. Source
    Volume(Issue):Pages. doi:…"."""
    label = _child(ref, "label")
    prefix = f"{_line(_inline(label))} " if label is not None else ""
    citation = next((c for c in ref if _tag(c).endswith("citation")), None)
    if citation is None:
        return prefix + _line(_inline(ref))
    if _tag(citation) == "mixed-citation":  # typeset, punctuation and all
        return prefix + _line(_inline(citation))
    found = {_tag(c): _line(_inline(c)) for c in citation if _tag(c)}
    groups = [c for c in citation if _tag(c) == "person-group"]
    people = [n for g in groups[:1] for n in _names(g)] or _names(citation)
    pages = "–".join(x for x in (found.get("fpage"), found.get("lpage")) if x)
    issue = f"({found['issue']})" if found.get("issue") else ""
    volume = f"{found.get('volume', '')}{issue}"
    where = f"{volume}:{pages}" if volume and pages else volume or pages
    where = where or found.get("elocation-id", "")
    title = found.get("article-title") or found.get("chapter-title") or found.get("data-title")
    doi = next(
        (_line(_inline(c)) for c in citation
         if _tag(c) == "pub-id" and c.get("pub-id-type") == "doi"), "",
    )  # fmt: skip
    text = ", ".join(people)
    text += f" ({found['year']})." if found.get("year") else "."
    for part in (title, " ".join(x for x in (found.get("source"), where) if x)):
        if part:
            text += f" {part.rstrip('.')}."
    return prefix + (f"{text} doi:{doi}" if doi else text)


def _meta(front: Any | None) -> tuple[str, tuple[str, ...], int | None, str, str]:
    """Title, authors ("Family, Given"), year, journal and DOI from the front matter."""
    if front is None:
        return "", (), None, "", ""
    meta = _child(front, "article-meta")
    meta = meta if meta is not None else front
    title_el = next(meta.iter("{*}article-title", "article-title"), None)
    title = _line(_inline(title_el)) if title_el is not None else ""
    authors = []
    for group in (g for g in meta if _tag(g) == "contrib-group"):
        for contrib in (c for c in group if _tag(c) == "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = _child(contrib, "name")
            collab = _child(contrib, "collab")
            if name is not None:
                surname, given = _child(name, "surname"), _child(name, "given-names")
                family = _line(_inline(surname)) if surname is not None else ""
                first = _line(_inline(given)) if given is not None else ""
                authors.append(f"{family}, {first}" if family and first else family or first)
            elif collab is not None:
                authors.append(_line(_inline(collab)))
    dates = [d for d in meta if _tag(d) == "pub-date"]
    kinds = {(d.get("pub-type") or d.get("date-type") or ""): d for d in dates}
    chosen = next((kinds[k] for k in _DATE_TYPES if k in kinds), dates[0] if dates else None)
    year_el = _child(chosen, "year") if chosen is not None else None
    year_text = _line(_inline(year_el)) if year_el is not None else ""
    year = int(year_text) if year_text.isdigit() and 1000 < int(year_text) < 3000 else None
    doi = next(
        (_line(_inline(a)) for a in meta if _tag(a) == "article-id"
         and a.get("pub-id-type") == "doi"), "",
    )  # fmt: skip
    journal = next(front.iter("{*}journal-title", "journal-title"), None)
    venue = _line(_inline(journal)) if journal is not None else ""
    return title, tuple(a for a in authors if a), year, venue, doi


def _article_parts(root: Any) -> Iterator[tuple[str, Any]]:
    for child in root:
        tag = _tag(child)
        if tag in ("front", "body", "back", "floats-group", "sub-article", "response"):
            yield tag, child


def parse_jats(path: Path, data: bytes) -> Document:
    """A JATS article as a canonical `Document`: sections at its headings, references as
    a section of their own; title, authors, year, journal and DOI from its front matter."""
    where = str(path)
    declared = _ENCODING.match(data[:200])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        source = data.decode(encoding, "replace")
    except LookupError:
        source = data.decode("utf-8", "replace")
    root = parse_tree(source)
    if root is None:
        raise ParseFailure("broken-file", "not well-formed XML, even read leniently", where)
    if _tag(root) != "article":
        detail = (
            f"an XML file whose root is <{_tag(root) or '?'}>, not a JATS <article> (the"
            " full-text XML of PubMed Central, eLife or PLOS); ingest the article's PDF"
        )
        raise ParseFailure("unsupported-type", detail, where)
    parts = dict(_article_parts(root))
    front = parts.get("front")
    title, authors, year, venue, doi = _meta(front)
    reader = _Reader()
    reader.add(title, opens=True)
    meta = _child(front, "article-meta") if front is not None else None
    for abstract in (a for a in (meta if meta is not None else ()) if _tag(a) == "abstract"):
        reader.section(abstract, "Abstract")
    for name in ("body", "floats-group", "back"):
        if name in parts:
            reader.blocks(parts[name])
    texts = normalize_parts([text for text, _ in reader.paragraphs])
    text, pages = assemble_sections(
        (t, opens) for t, (_, opens) in zip(texts, reader.paragraphs, strict=True) if t
    )
    if not text or text.strip() == title:
        raise ParseFailure("empty", "the article has no text beyond its title", where)
    left_out = sum(1 for c in root if _tag(c) in ("sub-article", "response"))
    return Document(
        id=bytes_id(data),
        path=where,
        kind="jats",
        text=text,
        pages=pages,
        title=title,
        authors=authors,
        year=year,
        venue=venue,
        doi=doi,
        attributes={"sub_articles_left_out": str(left_out)} if left_out else {},
    )
