"""Word documents (.docx): the text a reader of the document sees, sectioned at its headings.

Interview transcripts, field notes, reports and manuscripts reach a review as Word files, and
converting each to PDF first loses its headings and adds page furniture. A .docx is a zip of
XML parts (Office Open XML); the standard library reads it, with defusedxml against entity
bombs. What Word shows is not simply every text node:

- tracked changes are read as if accepted: insertions kept, deletions (`w:delText`) and the
  old place of moved text (`w:moveFrom`) dropped;
- fields show their result, never their code: a Zotero, Mendeley or EndNote citation is a
  field whose code is kilobytes of JSON and whose result is "(Smith, 2020)";
- hidden text (`w:vanish`) is not shown, nor are comments, headers and footers (a page's
  furniture, like a PDF's running headers); a table of contents or an index Word generated
  is left out too (it repeats the headings with page numbers);
- a text box is drawn twice, as DrawingML and as a VML fallback: only the first is read;
- footnotes and endnotes keep a superscript mark in the text and are gathered at the end
  under "Notes", as a reader meets them at the foot of the page;
- a table row is one paragraph, its cells joined by " | " (a two-column transcript table
  reads "Interviewer | So how did…").

Headings are the paragraphs whose style is a built-in heading ("heading 1".."heading 9"; the
name is English in styles.xml whatever the language of Word) or has an outline level, also
through the styles it is based on. Sections, notes, title, authors and year are then made as
for every word-processor file (wordproc.py): the title on the page before the file's own
(docProps/core.xml, often the template's), the creator only when it reads as a person's name.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
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
from litsynth.ingest.zipparts import ZIP_ERRORS, part_xml
from litsynth.records import Document

_W = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "http://purl.oclc.org/ooxml/wordprocessingml/main")  # transitional, strict  # fmt: skip
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .doc, or an encrypted .docx
# Runs of these never show: deleted text, field codes, the old place of moved text, the
# properties of paragraphs and runs.
_UNSHOWN = frozenset(["delText", "instrText", "delInstrText", "moveFrom", "del", "pPr", "rPr",
                      "commentReference", "footnoteRef", "endnoteRef", "sectPr"])  # fmt: skip
_WRAPPERS = frozenset(["ins", "moveTo", "customXml", "smartTag", "sdtContent", "hyperlink",
                       "fldSimple", "bdo", "dir"])  # fmt: skip
_GENERATED_LISTS = frozenset(["TOC", "INDEX", "TOA"])  # contents, index, table of authorities


def _local(el: Element) -> tuple[str, str]:
    """(namespace, local name) of an element."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _attr(el: Element, name: str) -> str:
    """A w:-namespaced attribute, in either namespace."""
    for ns in _W:
        value = el.get(f"{{{ns}}}{name}")
        if value is not None:
            return value
    return ""


def _child(el: Element, name: str) -> Element | None:
    for ns in _W:
        found = el.find(f"{{{ns}}}{name}")
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str
    outline: int | None  # 0-based outline level, as stored


def _styles(root: Element | None) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for el in root:
        if _local(el)[1] != "style":
            continue
        name_el, based_el = _child(el, "name"), _child(el, "basedOn")
        ppr = _child(el, "pPr")
        outline_el = _child(ppr, "outlineLvl") if ppr is not None else None
        outline = _attr(outline_el, "val") if outline_el is not None else ""
        styles[_attr(el, "styleId")] = _Style(
            name=_attr(name_el, "val") if name_el is not None else "",
            based_on=_attr(based_el, "val") if based_el is not None else "",
            outline=int(outline) if outline.isdigit() else None,
        )
    return styles


def _level(style_id: str, styles: dict[str, _Style]) -> int | str | None:
    """A paragraph style's level (`style_level`), or its outline level; follows basedOn."""
    seen: set[str] = set()
    while style_id and style_id not in seen and style_id in styles:
        seen.add(style_id)
        style = styles[style_id]
        if (level := style_level(style.name)) is not None:
            return level
        if style.outline is not None and style.outline < 9:
            return style.outline + 1
        style_id = style.based_on
    return None


@dataclass
class _Reader:
    """Walks the body of one part in document order, collecting its paragraphs as blocks."""

    styles: dict[str, _Style]
    notes: dict[tuple[str, str], Element]  # ("footnote" | "endnote", id) -> the note's element
    blocks: list[Block] = field(default_factory=list)
    cited_notes: list[tuple[str, str]] = field(default_factory=list)
    drop_cap: str = ""  # the initial letter of the paragraph that comes next
    ranges: bool = False  # mark where comments begin and end (comment_ranges), never at ingest
    # open complex fields: [state, code]; state "code" until the separator, then "result",
    # or "generated" for a table of contents or an index (not shown: it repeats headings)
    fields: list[list[str]] = field(default_factory=list)

    def container(self, el: Element) -> None:
        """Body-level content: paragraphs, tables, and the wrappers around them."""
        for child in el:
            ns, name = _local(child)
            if ns == _MC and name == "AlternateContent":
                self.container(_first_choice(child))
            elif ns not in _W:
                continue
            elif name in _RANGES and self.ranges:  # a comment over several paragraphs
                self.blocks.append(Block(_range_mark(name, child), None))
            elif name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name == "sdt" and _is_contents(child):
                continue
            elif name in _WRAPPERS or name == "sdt":
                self.container(child)

    def table(self, tbl: Element) -> None:
        for row in _items(tbl, "tr"):
            cells = []
            for cell in _items(row, "tc"):
                inner = _Reader(
                    self.styles, self.notes, cited_notes=self.cited_notes, ranges=self.ranges
                )
                inner.container(cell)
                cells.append(inner.blocks)
            self.blocks.extend(row_blocks(cells))

    def paragraph(self, p: Element) -> None:
        ppr = _child(p, "pPr")
        level: int | str | None = None
        if ppr is not None:
            style = _child(ppr, "pStyle")
            level = _level(_attr(style, "val"), self.styles) if style is not None else None
            outline = _child(ppr, "outlineLvl")
            value = _attr(outline, "val") if outline is not None else ""
            if value.isdigit() and int(value) < 9:
                level = int(value) + 1
        parts: list[str] = []
        boxes: list[Block] = []
        self._inline(p, parts, boxes)
        text, self.drop_cap = self.drop_cap + "".join(parts), ""
        frame = _child(ppr, "framePr") if ppr is not None else None
        if frame is not None and _attr(frame, "dropCap") in ("drop", "margin"):
            self.drop_cap = text  # a drop cap is its own paragraph: "D" + "rop cap."
        else:
            self.blocks.append(Block(text, level))
        self.blocks.extend(boxes)

    def _inline(self, el: Element, parts: list[str], boxes: list[Block]) -> None:
        for child in el:
            ns, name = _local(child)
            if ns == _MC and name == "AlternateContent":
                self._inline(_first_choice(child), parts, boxes)
                continue
            if ns == _MATH:
                if name == "t":
                    parts.append(child.text or "")
                else:
                    self._inline(child, parts, boxes)
                continue
            if ns not in _W:  # drawings, shapes: look inside for text boxes
                self._inline(child, parts, boxes)
                continue
            if name == "instrText" and self.fields and self.fields[-1][0] == "code":
                self.fields[-1][1] += child.text or ""
            if name in _RANGES and self.ranges:
                parts.append(_range_mark(name, child))
                continue
            if name in _UNSHOWN:
                continue
            if name == "fldChar":
                self._field(_attr(child, "fldCharType"))
                continue
            if name == "r" and _hidden(child):
                continue
            if name != "r" and any(state != "result" for state, _ in self.fields):
                continue  # a field's code, or a contents list; runs may hold its next fldChar
            if name == "txbxContent":
                inner = _Reader(self.styles, self.notes, cited_notes=self.cited_notes)
                inner.container(child)
                boxes.extend(inner.blocks)
            elif name == "t":
                parts.append(child.text or "")
            elif name == "tab":
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
            elif name in ("footnoteReference", "endnoteReference"):
                key = (name.removesuffix("Reference"), _attr(child, "id"))
                if key in self.notes:
                    if key not in self.cited_notes:
                        self.cited_notes.append(key)
                    mark = str(self.cited_notes.index(key) + 1)
                    parts.append(mark.translate(SUPERSCRIPT))
            else:
                self._inline(child, parts, boxes)

    def _field(self, kind: str) -> None:
        """A complex field's begin, separate or end mark. Fields nest and may span paragraphs
        (a table of contents does), so their state lives with the reader."""
        if kind == "begin":
            self.fields.append(["code", ""])
        elif kind == "separate" and self.fields:
            code = self.fields[-1][1].split()
            generated = bool(code) and code[0].upper() in _GENERATED_LISTS
            self.fields[-1][0] = "generated" if generated else "result"
        elif kind == "end" and self.fields:
            self.fields.pop()


# Where a comment's range begins and ends, in the text a reading for comments makes: private
# use characters no document text holds, around the comment's id.
_RANGES = {"commentRangeStart": "\ue000", "commentRangeEnd": "\ue001"}
_RANGE_STOP = "\ue002"
_RANGE_MARK = re.compile("([\ue000\ue001])([^\ue002]*)\ue002")


def _range_mark(name: str, el: Element) -> str:
    return _RANGES[name] + _attr(el, "id") + _RANGE_STOP


def _items(el: Element, name: str) -> Iterator[Element]:
    """The rows of a table or the cells of a row, also those inside a content control or
    custom XML that wraps them."""
    for child in el:
        ns, local = _local(child)
        if local == name:
            yield child
        elif ns in _W and (local in _WRAPPERS or local == "sdt"):
            yield from _items(child, name)


def _is_contents(sdt: Element) -> bool:
    """A content control Word made to hold a table of contents."""
    props = _child(sdt, "sdtPr")
    gallery = props.find(".//{*}docPartGallery") if props is not None else None
    return gallery is not None and _attr(gallery, "val").lower() == "table of contents"


def _hidden(run: Element) -> bool:
    rpr = _child(run, "rPr")
    vanish = _child(rpr, "vanish") if rpr is not None else None
    return vanish is not None and _attr(vanish, "val").lower() not in ("0", "false", "off")


def _first_choice(alternate: Element) -> Element:
    """The content Word would draw: the first mc:Choice (a fallback repeats it for old
    readers), or the fallback when there is no choice."""
    for name in ("Choice", "Fallback"):
        found = alternate.find(f"{{{_MC}}}{name}")
        if found is not None:
            return found
    return Element("empty")


class _Package:
    """The parts of a .docx, found through its relationships, each parsed safely."""

    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise _not_a_zip(data, path) from None
        except ZIP_ERRORS as exc:
            raise ParseFailure("broken-file", f"a damaged zip archive ({exc})", path) from None
        self.main = self._main_part()

    def xml(self, name: str) -> Element | None:
        return part_xml(self.zip, name, self.path)

    def related(self, part: str) -> dict[str, str]:
        """Relationship type (its last path segment, e.g. "styles") -> target part name."""
        folder, name = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        found: dict[str, str] = {}
        for rel in rels if rels is not None else ():
            target, kind = rel.get("Target", ""), rel.get("Type", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            where = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found.setdefault(kind.rsplit("/", 1)[-1], posixpath.normpath(where))
        return found

    def _main_part(self) -> str:
        main = self.related("").get("officeDocument", "word/document.xml")
        if main not in self.zip.namelist():
            detail = f"no document part ({main}) in the zip: not a Word document"
            raise ParseFailure("broken-file", detail, self.path)
        return main


def _not_a_zip(data: bytes, path: str) -> ParseFailure:
    if data.startswith(_CFB):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return ParseFailure(
                "encrypted", "a password-protected Word document; save a copy without the"
                " password (File › Info › Protect Document) and ingest that", path,
            )  # fmt: skip
        return ParseFailure(
            "unsupported-type",
            "a Word 97–2003 document (.doc) under a .docx name; rename it .doc to have it read",
            path,
        )
    return ParseFailure("broken-file", "not a zip archive, so not a .docx", path)


def _notes(package: _Package, rels: dict[str, str]) -> dict[tuple[str, str], Element]:
    """Footnotes and endnotes by (kind, id), leaving out Word's separator lines."""
    found: dict[tuple[str, str], Element] = {}
    for kind in ("footnote", "endnote"):
        root = package.xml(rels[f"{kind}s"]) if f"{kind}s" in rels else None
        for note in root if root is not None else ():
            if _local(note)[1] == kind and _attr(note, "type") in ("", "normal"):
                found[(kind, _attr(note, "id"))] = note
    return found


def _core(package: _Package) -> dict[str, str]:
    """title and creator from docProps/core.xml (Dublin Core), "" when absent."""
    part = package.related("").get("core-properties", "docProps/core.xml")
    root = package.xml(part)
    found = {"title": "", "creator": ""}
    for el in root if root is not None else ():
        name = _local(el)[1]
        if name in found and el.text:
            found[name] = " ".join(el.text.split())
    return found


Package = _Package  # the parts of a .docx (`comment_ranges` hands one out)


def _read_body(
    package: _Package,
    rels: dict[str, str],
    notes: dict[tuple[str, str], Element],
    *,
    ranges: bool = False,
) -> _Reader:
    """The main part's body read in document order, with the document's styles."""
    styles = _styles(package.xml(rels["styles"]) if "styles" in rels else None)
    reader = _Reader(styles, notes, ranges=ranges)
    body = package.xml(package.main)
    content = _child(body, "body") if body is not None else None
    if content is not None:
        reader.container(content)
    return reader


def comment_ranges(data: bytes, path: str) -> tuple[str, dict[str, tuple[int, int]], Package]:
    """The body's text as ingest reads it, with where each comment's range lies in it: the
    words a reviewer commented on in Word (`ingest.docx_notes`). The package is returned for
    its comments part."""
    package = _Package(data, path)
    reader = _read_body(package, package.related(package.main), {}, ranges=True)
    marked = "\n".join(b.text for b in reader.blocks)
    text: list[str] = []
    at = 0
    starts: dict[str, int] = {}
    ranges: dict[str, tuple[int, int]] = {}
    length = 0
    for found in _RANGE_MARK.finditer(marked):
        text.append(marked[at : found.start()])
        length += found.start() - at
        at = found.end()
        if found.group(1) == "\ue000":
            starts[found.group(2)] = length
        elif found.group(2) in starts:
            ranges[found.group(2)] = (starts[found.group(2)], length)
    text.append(marked[at:])
    return "".join(text), ranges, package


def parse_docx(path: Path, data: bytes) -> Document:
    """A .docx file as a canonical `Document` sectioned at its headings."""
    where = str(path)
    package = _Package(data, where)
    rels = package.related(package.main)
    reader = _read_body(package, rels, _notes(package, rels))
    notes = []
    for number, key in enumerate(reader.cited_notes, start=1):
        inner = _Reader(reader.styles, {})
        inner.container(reader.notes[key])
        notes.append(note_block(number, (b.text for b in inner.blocks if b.text.strip())))
    core = _core(package)
    document = word_document(
        path,
        data,
        kind="docx",
        blocks=reader.blocks,
        notes=notes,
        own_title=core["title"],
        creator=core["creator"],
    )
    comments = package.xml(rels["comments"]) if "comments" in rels else None
    n = sum(_local(c)[1] == "comment" for c in (comments if comments is not None else ()))
    if n:  # a reviewer's comments, which `litsynth code import-annotations` brings in
        document = replace(document, attributes={**document.attributes, "reader_marks": str(n)})
    return document
