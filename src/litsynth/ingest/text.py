"""Plain text and Markdown: decode, normalise, and cut into sections at headings.

A text file has no pages, so its `Page` spans are sections: each starts at a heading line and
runs to the next heading, labelled with the heading's plain text ("2. Related Work"), which is
what a citation of plain text names. Headings are found by markdown-it-py on the canonical text,
so "#" lines inside fenced code are not mistaken for headings. A .txt file is sectioned at ATX
("## Title") headings only: the seeds are .txt files written in Markdown, while a plain text file
often underlines with "----" where Markdown would see a setext heading. A leading YAML front
matter block ("---" … "---") is kept in the text but never sectioned; its title, authors, year
and DOI are the document's own metadata (`front_matter`), as a PDF's info dictionary is. A
.txt file with neither takes its first line as its title when that line reads as one
(`first_line_title`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from charset_normalizer import from_bytes
from markdown_it import MarkdownIt
from markdown_it.token import Token

from litsynth.citations.doi import normalize_doi
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.normalize import canonical_text
from litsynth.ingest.own_metadata import author_names, year_in
from litsynth.records import Document, Page, bytes_id

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)(?:\n|\Z)", re.DOTALL)
_ATX = {"#" * n for n in range(1, 7)}
_MARKDOWN = MarkdownIt("commonmark")


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding): UTF-8 when it is valid, else charset-normalizer's best guess."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseFailure("unsupported-type", "binary content, not text", str(path))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ParseFailure("unsupported-type", "text encoding could not be detected", str(path))
    return str(best), best.encoding


def _plain(inline: Token) -> str:
    """Heading text without Markdown markup: "A *b* `c`" → "A b c"."""
    parts = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline", "html_inline"}:
            parts.append(child.content if child.type != "html_inline" else "")
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _headings(text: str, *, atx_only: bool) -> list[tuple[int, int, str]]:
    """(line number, level, plain label) of each heading outside the front matter."""
    match = _FRONT_MATTER.match(text)
    skip_lines = match.group(0).count("\n") if match else 0
    body = text[match.end() :] if match else text
    tokens = _MARKDOWN.parse(body)
    found = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        if atx_only and token.markup not in _ATX:
            continue
        label = _plain(tokens[i + 1])
        if label:
            found.append((token.map[0] + skip_lines, int(token.tag[1]), label))
    return found


def sections(text: str, *, atx_only: bool) -> tuple[tuple[Page, ...], str]:
    """Section spans of a canonical text, and the title of its first top-level heading."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    headings = _headings(text, atx_only=atx_only)
    starts = [(line_starts[line], label) for line, _, label in headings]
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, ""))
    pages = []
    for number, (start, label) in enumerate(starts, start=1):
        end = starts[number][0] if number < len(starts) else len(text)
        end = start + len(text[start:end].rstrip())
        pages.append(Page(number, start, end, label))
    title = ""
    if headings:
        top = min(level for _, level, _ in headings)
        title = next(label for _, level, label in headings if level == top)
    return tuple(pages), title


_LETTERS = re.compile(r"[^\W\d_]{2,}")


def first_line_title(text: str) -> str:
    """A plain text's first paragraph when it reads as a title: one line of 3 to 25 words,
    not ending as a sentence or a clause does, with more text after it. A .txt file has no
    markup to say which line is its title, and a file name ("002_f98a.txt") is no citation;
    "Abstract", a navigation line ("← Overview") or a first sentence are not titles."""
    first, _, rest = text.lstrip().partition("\n\n")
    line = first.strip()
    words = len(_LETTERS.findall(line))
    if "\n" in line or not rest.strip() or not 3 <= words <= 25 or len(line.split()) > 25:
        return ""
    return "" if line.endswith((".", ",", ";", ":")) else line


@dataclass(frozen=True)
class FrontMatter:
    """What a YAML front matter block says about its document (Pandoc, Quarto, Obsidian and
    Zotero note exports write these keys); the corpus sidecar still overrides each."""

    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    doi: str = ""


def front_matter(raw: str) -> FrontMatter:
    """`title`, `author`/`authors`, `year`/`date` and `doi` of a leading YAML block.

    Read from the raw text, because normalisation strips indentation, which YAML depends on.
    A block that is not YAML, or not a mapping, says nothing: the file is still read.
    """
    match = _FRONT_MATTER.match(raw.lstrip("\ufeff").replace("\r\n", "\n"))
    if not match:
        return FrontMatter()
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return FrontMatter()
    if not isinstance(meta, dict):
        return FrontMatter()
    title = meta.get("title")
    return FrontMatter(
        title=" ".join(title.split()) if isinstance(title, str) else "",
        authors=_names(meta.get("authors", meta.get("author"))),
        year=_year(meta.get("year", meta.get("date"))),
        doi=normalize_doi(meta.get("doi")),
    )


def _names(value: object) -> tuple[str, ...]:
    """ "Doe, Jane; Roe, R", "Jane Doe and R Roe", a list of names, or CSL's {family, given}."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            family, given = item.get("family"), item.get("given")
            name = item.get("name") or ", ".join(str(x) for x in (family, given) if x)
            names.extend(author_names(str(name)))
        elif isinstance(item, str):
            names.extend(author_names(item))
    return tuple(names)


def _year(value: object) -> int | None:
    """2021, "2021", "2021-05-03" or a YAML date -> 2021; anything else -> None."""
    if isinstance(value, date):
        return value.year
    return year_in(str(value)) if isinstance(value, int | str) else None


def parse_text(path: Path, data: bytes, *, kind: str) -> Document:
    """A .txt ("text") or .md ("markdown") file as a sectioned canonical `Document`."""
    raw, encoding = decode(data, path)
    text = canonical_text(raw)
    if not text:
        raise ParseFailure("empty", "no text after normalisation", str(path))
    pages, heading = sections(text, atx_only=kind == "text")
    meta = front_matter(raw)
    if kind == "text" and not heading and not meta.title:
        heading = first_line_title(text)
    return Document(
        id=bytes_id(data),
        path=str(path),
        kind=kind,
        text=text,
        pages=pages,
        title=meta.title or heading,
        authors=meta.authors,
        year=meta.year,
        doi=meta.doi,
        attributes={"encoding": encoding},
    )
