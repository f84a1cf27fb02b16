"""OpenDocument text (.odt, LibreOffice's and the ISO format): the text a reader sees.

An .odt is a zip whose content.xml holds the body as mixed content (text, then child
elements, each followed by its "tail" text). As for Word (docx.py), what is shown is read:

- tracked changes as accepted: a deletion's text lives in a `text:tracked-changes` block at
  the top, outside the body, and is never read; insertions are ordinary body text;
- hidden text and hidden paragraphs (`text:hidden-*`, or a style with `text:display="none"`)
  are not shown, nor are annotations (comments), headers and footers (in styles.xml);
- the lists the program generates (table of contents, indexes) are left out; a bibliography
  is kept, since it is the document's reference list;
- notes keep their mark and are gathered under "Notes"; frames' text boxes are read once,
  after their paragraph; `text:s` counts its spaces.

Headings are `text:h` (with their outline level) or paragraphs whose style, through its
parents, is a heading or has a default outline level; Title, Author and Date styles give the
front matter as for Word. Title and creator come from meta.xml (the first creator, not the
last to save it). An encrypted file (the manifest says its content is encrypted) fails as
"encrypted"; its password cannot be given.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.wordproc import (
    SUPERSCRIPT,
    Block,
    note_block,
    row_blocks,
    style_level,
    word_document,
)
from litsynth.ingest.zipparts import open_archive, part_xml
from litsynth.records import Document

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
# Generated from the document, or not its text: never read.
_SKIPPED = frozenset([
    "text:tracked-changes", "text:table-of-content", "text:alphabetical-index",
    "text:illustration-index", "text:table-index", "text:object-index", "text:user-index",
    "text:sequence-decls", "text:variable-decls", "text:user-field-decls", "office:forms",
    "office:annotation", "text:hidden-text", "text:hidden-paragraph", "text:note-citation",
    "svg:desc", "svg:title", "text:soft-page-break", "draw:image",
])  # fmt: skip
_BLOCKS = frozenset(["text:p", "text:h", "table:table", "text:list", "text:section",
                     "text:bibliography", "text:index-body", "text:list-item",
                     "text:list-header", "text:numbered-paragraph"])  # fmt: skip


def _tag(el: Element) -> str:
    """ "text:p" for {urn:…:text:1.0}p; the namespace as the prefix ODF files use."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        for prefix, uri in _NS.items():
            if uri == ns:
                return f"{prefix}:{name}"
        return f"other:{name}" if "svg" not in ns else f"svg:{name}"
    return tag


def _get(el: Element, qualified: str) -> str:
    prefix, _, name = qualified.partition(":")
    return el.get(f"{{{_NS[prefix]}}}{name}") or ""


@dataclass(frozen=True)
class _Style:
    parent: str
    display_name: str
    outline: int | None
    hidden: bool


def _styles(*roots: Element | None) -> dict[str, _Style]:
    """Paragraph and text styles by name, from styles.xml and content.xml's automatic ones."""
    found: dict[str, _Style] = {}
    for root in roots:
        for el in root.iter(f"{{{_NS['style']}}}style") if root is not None else ():
            props = el.find("style:text-properties", _NS)
            outline = _get(el, "style:default-outline-level")
            found[_get(el, "style:name")] = _Style(
                parent=_get(el, "style:parent-style-name"),
                display_name=_get(el, "style:display-name") or _get(el, "style:name"),
                outline=int(outline) if outline.isdigit() else None,
                hidden=props is not None and _get(props, "text:display") == "none",
            )
    return found


def _chain(name: str, styles: dict[str, _Style]) -> Iterator[_Style]:
    seen: set[str] = set()
    while name and name not in seen and name in styles:
        seen.add(name)
        yield styles[name]
        name = styles[name].parent


@dataclass
class _Reader:
    styles: dict[str, _Style]
    blocks: list[Block] = field(default_factory=list)
    notes: list[Block] = field(default_factory=list)

    def container(self, el: Element) -> None:
        for child in el:
            tag = _tag(child)
            if tag in _SKIPPED or self._hidden(child):
                continue
            if tag in ("text:p", "text:h"):
                self.paragraph(child, tag)
            elif tag == "table:table":
                self.table(child)
            elif tag in _BLOCKS or tag.startswith("table:"):
                self.container(child)

    def table(self, tbl: Element) -> None:
        for row in _rows(tbl):
            cells = []
            for cell in row.findall("table:table-cell", _NS):
                inner = _Reader(self.styles, notes=self.notes)
                inner.container(cell)
                cells.append(inner.blocks)
            self.blocks.extend(row_blocks(cells))

    def paragraph(self, p: Element, tag: str) -> None:
        level = self._level(p, tag)
        parts: list[str] = []
        boxes: list[Block] = []
        self._inline(p, parts, boxes)
        self.blocks.append(Block("".join(parts), level))
        self.blocks.extend(boxes)

    def _level(self, p: Element, tag: str) -> int | str | None:
        """A Title/Author/Date style wins; else a text:h's outline level; else the level its
        style or a parent style gives (a heading style, or a default outline level)."""
        styled: int | str | None = None
        for style in _chain(_get(p, "text:style-name"), self.styles):
            styled = style_level(style.display_name)
            if styled is None and style.outline is not None and 0 < style.outline < 10:
                styled = style.outline
            if styled is not None:
                break
        if isinstance(styled, str):
            return styled
        if tag == "text:h":
            outline = _get(p, "text:outline-level")
            return int(outline) if outline.isdigit() and 0 < int(outline) < 10 else styled or 1
        return styled

    def _inline(self, el: Element, parts: list[str], boxes: list[Block]) -> None:
        parts.append(el.text or "")
        for child in el:
            tag = _tag(child)
            if tag in _SKIPPED or self._hidden(child):
                pass
            elif tag == "text:s":
                count = _get(child, "text:c")
                parts.append(" " * (int(count) if count.isdigit() else 1))
            elif tag == "text:tab":
                parts.append("\t")
            elif tag == "text:line-break":
                parts.append("\n")
            elif tag == "text:note":
                mark = child.find("text:note-citation", _NS)
                label = "".join(mark.itertext()).strip() if mark is not None else ""
                body = child.find("text:note-body", _NS)
                if body is not None:
                    inner = _Reader(self.styles)
                    inner.container(body)
                    number = len(self.notes) + 1
                    self.notes.append(note_block(number, (b.text for b in inner.blocks)))
                    parts.append(str(number).translate(SUPERSCRIPT))
                elif label:
                    parts.append(label)
            elif tag == "draw:text-box":
                inner = _Reader(self.styles, notes=self.notes)
                inner.container(child)
                boxes.extend(inner.blocks)
            else:
                self._inline(child, parts, boxes)
            parts.append(child.tail or "")

    def _hidden(self, el: Element) -> bool:
        if _get(el, "text:is-hidden") == "true" or _get(el, "text:display") == "none":
            return True
        name = _get(el, "text:style-name")
        return any(style.hidden for style in _chain(name, self.styles))


def _rows(el: Element) -> Iterator[Element]:
    """A table's own rows, also inside its header-rows, rows and row-group wrappers (not the
    rows of a table nested in a cell: that table is read with its cell)."""
    for child in el:
        tag = _tag(child)
        if tag == "table:table-row":
            yield child
        elif tag in ("table:table-header-rows", "table:table-rows", "table:table-row-group"):
            yield from _rows(child)


def _encrypted(archive: zipfile.ZipFile, path: str) -> bool:
    manifest = part_xml(archive, "META-INF/manifest.xml", path)
    if manifest is None:
        return False
    for entry in manifest.iter(f"{{{_NS['manifest']}}}file-entry"):
        if _get(entry, "manifest:full-path") == "content.xml":
            return entry.find("manifest:encryption-data", _NS) is not None
    return False


def parse_odt(path: Path, data: bytes) -> Document:
    """An .odt file as a canonical `Document` sectioned at its headings."""
    where = str(path)
    archive = open_archive(data, "an .odt", where)
    if _encrypted(archive, where):
        detail = "a password-protected document; save a copy without the password and ingest that"
        raise ParseFailure("encrypted", detail, where)
    content = part_xml(archive, "content.xml", where)
    body = content.find("office:body/office:text", _NS) if content is not None else None
    if body is None:
        raise ParseFailure("broken-file", "no text body (content.xml): not a text document", where)
    reader = _Reader(_styles(part_xml(archive, "styles.xml", where), content))
    reader.container(body)
    meta = part_xml(archive, "meta.xml", where)

    def said(*fields: str) -> str:
        for name in fields:
            found = meta.find(f"office:meta/{name}", _NS) if meta is not None else None
            if found is not None and found.text and found.text.strip():
                return " ".join(found.text.split())
        return ""

    return word_document(
        path,
        data,
        kind="odt",
        blocks=reader.blocks,
        notes=reader.notes,
        own_title=said("dc:title"),
        creator=said("meta:initial-creator", "dc:creator"),
    )
