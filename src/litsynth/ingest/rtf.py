"""Rich Text Format (.rtf): the text a reader of the document sees, sectioned at its headings.

RTF is what TextEdit saves by default, what Word, WordPad and LibreOffice save as "Rich
Text", and what NVivo and ATLAS.ti import beside Word files, so interview transcripts and
field notes often reach a review in it. An RTF file is text: groups in braces, control words
(`\\par`, `\\b`, `\\f2`), and the document's characters. Much of it is never shown:

- the font, colour and style tables, the document's properties (`\\info`: its title and
  author are kept as the file's own), pictures and embedded objects, headers and footers,
  bookmarks, index and contents entries, comments, and every `{\\*\\…}` group a reader does
  not know (the format's rule for extensions);
- a field's code: only its result is shown (a Zotero citation reads "(Smith, 2020)"), and a
  table of contents or an index Word generated is left out, as in .docx;
- hidden text (`\\v`) and deleted tracked changes (`\\deleted`);
- the fallback after a Unicode character (`\\u8220\\'93`: one character, not two).

Tables read as in Word files: a row is one paragraph, its cells joined by " | " (a nested
table's rows sit in their cell). Footnotes and endnotes keep a superscript mark in the text
and are gathered under "Notes"; a text box's paragraphs follow the paragraph it sits in.
Headings are paragraphs with an outline level, or in a style named "heading 1".."heading 9"
(the style's own outline level also counts: Word writes style names in the user's language).
Characters decode per font (`\\fcharset`, e.g. Shift-JIS or Windows-1250), else by the
document's `\\ansicpg`; the Symbol font's Greek letters and signs become Unicode.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.rtf_text import (
    CHARSETS,
    CONTROL_SYMBOLS,
    DOCUMENT_CHARSETS,
    SYMBOL_CHARSET,
    SYMBOLS,
    decode,
)
from litsynth.ingest.wordproc import (
    SUPERSCRIPT,
    Block,
    note_block,
    row_blocks,
    style_level,
    word_document,
)
from litsynth.records import Document

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # a control word, its parameter, its delimiter
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the current code page
    rb"|\\(.)"  # a control symbol: \~ \- \_ \* \\ \{ \}; a line break after \ is \par
    rb"|([{}])"
    rb"|[\r\n]+"  # line breaks in the file are not in the text
    rb"|([^\\{}\r\n]+)",
    re.S,
)
# Groups whose content is never shown, with or without the {\* } that marks an extension.
_UNSHOWN = frozenset([
    "colortbl", "pict", "header", "headerl", "headerr", "headerf", "footer", "footerl",
    "footerr", "footerf", "bkmkstart", "bkmkend", "xe", "tc", "tcn", "rxe", "txe",
    "annotation", "atnid", "atnauthor", "atndate", "atnref", "atntime", "atrfstart", "atrfend",
    "listtable", "listoverridetable", "revtbl", "rsidtbl", "filetbl", "pgdsctbl", "themedata",
    "colorschememapping", "datastore", "latentstyles", "xmlnstbl", "generator", "shprslt",
    "sp", "nonshppict", "shppict", "objdata", "objclass", "objname", "do", "ftnsep", "ftnsepc",
    "aftnsep", "aftnsepc", "ftncn", "aftncn", "pn", "pntxta", "pntxtb", "template", "docvar",
    "userprops", "private", "mmathPr", "fldtype", "ud", "nonesttables", "mmathPict",
])  # fmt: skip
# {\*\…} groups that are read all the same: a field's code (to tell a contents list), a
# shape's text box, and nested table rows' end marks.
_READ_STARRED = frozenset(["fldinst", "shpinst", "shptxt", "nesttableprops", "moMath"])
_INFO_FIELDS = frozenset(["title", "author"])
_GENERATED_LISTS = frozenset(["TOC", "INDEX", "TOA"])  # contents, index, table of authorities
_BODY_LEVEL = 9  # \outlinelevel9 is body text
_TABLES = ("fonttbl", "stylesheet", "info:")  # destinations read though never shown


@dataclass
class _State:
    """What a group inherits from its parent and may change for its own content."""

    skip: bool = False  # inside a group that is never shown
    dest: str = ""  # "fonttbl", "stylesheet", "info:title", "fldinst", …
    uc: int = 1  # bytes of fallback after each \uN
    font: int = 0
    hidden: bool = False  # \v, or \deleted
    style: int = 0
    outline: int | None = None
    intbl: bool = False
    depth: int = 1  # table nesting (\itapN)
    math_run: bool = False  # in a formula's {\mr …}: its text (the rest are its properties)


@dataclass
class _Font:
    charset: int | None = None
    codepage: int | None = None
    name: str = ""


@dataclass
class _Style:
    name: str = ""
    outline: int | None = None
    based_on: int | None = None


@dataclass
class _Table:
    """One table level being read: its finished cells of the current row, and the cell's
    paragraphs so far."""

    cells: list[list[Block]] = field(default_factory=list)
    cell: list[Block] = field(default_factory=list)


@dataclass
class _Story:
    """A stream of paragraphs: the body, a footnote, a text box."""

    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    boxes: list[Block] = field(default_factory=list)  # text boxes met in the open paragraph


@dataclass
class _Field:
    depth: int  # the group depth of the {\field …}
    code: list[str] = field(default_factory=list)
    generated: bool = False


class _Reader:
    """Reads tokens into stories, with a stack of group states."""

    def __init__(self) -> None:
        self.state = _State()
        self.stack: list[_State] = []
        self.codepage = 1252
        self.default_font = 0  # \deffN: what \plain goes back to
        self.fonts: dict[int, _Font] = {}
        self.font_def = 0  # the font being defined in the font table
        self.styles: dict[int, _Style] = {}
        self.style_def = _Style()
        self.style_number: int | None = 0  # \s0 is the entry's number unless it says
        self.info: dict[str, list[str]] = {"title": [], "author": []}
        self.story = _Story()
        self.stories: list[tuple[_Story, int, str]] = []  # (outer story, depth, kind)
        self.notes: list[Block] = []
        self.fields: list[_Field] = []
        self.pending = bytearray()  # bytes waiting to be decoded together
        self.pending_codepage = 1252
        self.to_skip = 0  # fallback bytes after \uN still to skip
        self.high: int | None = None  # a high surrogate waiting for its low half
        self.marked = False  # the body's last token was a note's \chftn mark
        self.ended = False

    # ------------------------------------------------------------------------- text
    def font_codepage(self) -> int:
        """The code page of the current font: its character set's, else the document's; the
        Symbol font is -2 (decode maps it)."""
        font = self.fonts.get(self.state.font)
        if font is None:
            return self.codepage
        if font.codepage:
            return font.codepage
        name = font.name.split(";")[0].strip().lower()
        if font.charset == SYMBOL_CHARSET or name == "symbol":
            return -SYMBOL_CHARSET
        return CHARSETS.get(font.charset or 0, self.codepage)

    def flush(self) -> None:
        if self.pending:
            self.emit(decode(bytes(self.pending), self.pending_codepage))
            self.pending.clear()

    def add_bytes(self, data: bytes) -> None:
        if self.to_skip:
            cut = min(self.to_skip, len(data))
            self.to_skip -= cut
            data = data[cut:]
        if not data or (self.state.skip and not self.state.dest.startswith(_TABLES)):
            return
        self.high = None
        codepage = self.font_codepage()
        if self.pending and codepage != self.pending_codepage:
            self.flush()
        self.pending_codepage = codepage
        self.pending += data

    def emit(self, text: str) -> None:
        """Shown text, to wherever the current destination keeps it."""
        state = self.state
        if state.dest == "fonttbl":
            self.fonts.setdefault(self.font_def, _Font()).name += text
        elif state.dest == "stylesheet":
            self.style_def.name += text
        elif state.dest.startswith("info:"):
            self.info[state.dest[5:]].append(text)
        elif state.dest == "fldinst":
            if self.fields:
                self.fields[-1].code.append(text)
        elif state.dest == "math" and not state.math_run:
            return  # a formula's structure: fraction bars, delimiters, alignment
        elif not state.skip and not state.hidden:
            self.story.parts.append(text)
            self.marked = False

    def unicode(self, value: int) -> None:
        self.flush()
        value %= 0x10000  # \u-3913 is U+F0B7
        self.to_skip = self.state.uc
        if 0xD800 <= value < 0xDC00:
            self.high = value
            return
        if 0xDC00 <= value < 0xE000 and self.high is not None:
            value = 0x10000 + ((self.high - 0xD800) << 10) + (value - 0xDC00)
        self.high = None
        if 0xD800 <= value < 0xE000:
            return  # half a pair: nothing a reader could see
        self.emit(chr(value))

    # --------------------------------------------------------------------- groups
    def open_group(self) -> None:
        self.flush()
        self.to_skip = 0
        self.stack.append(self.state)
        self.state = replace(self.state)

    def close_group(self) -> None:
        self.flush()
        self.to_skip = 0
        closing = self.state
        depth = len(self.stack)
        if closing.dest == "stylesheet" and depth and self.stack[-1].dest == "stylesheet":
            if self.style_number is not None:  # one paragraph style's group ends
                name = self.style_def.name.split(";")[0].strip()
                self.styles[self.style_number] = replace(self.style_def, name=name)
            self.style_def, self.style_number = _Style(), 0
        if self.stories and self.stories[-1][1] == depth:
            self.end_story()
        if self.fields and self.fields[-1].depth == depth:
            self.fields.pop()
        if self.stack:
            self.state = self.stack.pop()
        self.ended = not self.stack  # the document's group is closed: what follows is junk

    def destination(self, word: str, starred: bool) -> None:
        """A control word at the start of a group that names what the group holds."""
        state = self.state
        if state.dest in ("fonttbl", "stylesheet"):
            if starred or word in _UNSHOWN:  # a font's {\*\panose}, a character style
                state.dest = "ignored"
            return
        if state.dest == "info":
            state.dest = f"info:{word}" if word in _INFO_FIELDS else "ignored"
            return
        if state.skip:
            return
        if word in ("fonttbl", "stylesheet", "info"):
            state.skip, state.dest = True, word
        elif word == "field":
            self.fields.append(_Field(len(self.stack)))
        elif word == "fldinst":
            state.dest = "fldinst"
        elif word == "fldrslt":
            if self.fields and self.fields[-1].generated is False:
                code = "".join(self.fields[-1].code).split()
                self.fields[-1].generated = bool(code) and code[0].upper() in _GENERATED_LISTS
            if self.fields and self.fields[-1].generated:
                state.skip = True
        elif word in ("footnote", "shptxt"):
            self.start_story(word)
        elif word == "moMath":
            state.dest = "math"
        elif word == "mr" and state.dest == "math":
            state.math_run = True
        elif word in _UNSHOWN or (starred and word not in _READ_STARRED):
            state.skip = True

    # ------------------------------------------------------------------ paragraphs
    def level(self) -> int | str | None:
        """The heading level (1–9) or front-matter style of the paragraph being read."""
        outline = self.state.outline
        style = self.styles.get(self.state.style)
        seen = set()
        while outline is None and style is not None and id(style) not in seen:
            seen.add(id(style))
            named = style_level(style.name)
            if named is not None:
                return named
            outline = style.outline
            style = self.styles.get(style.based_on) if style.based_on is not None else None
        return outline + 1 if outline is not None and outline < _BODY_LEVEL else None

    def end_paragraph(self) -> None:
        self.flush()
        story = self.story
        text = "".join(story.parts)
        story.parts.clear()
        block = Block(text, self.level())
        if self.state.intbl:
            while len(story.tables) < self.state.depth:
                story.tables.append(_Table())
            story.tables[self.state.depth - 1].cell.append(block)
        else:
            self.close_tables(1)
            story.blocks.append(block)
        story.blocks.extend(story.boxes)
        story.boxes.clear()

    def end_cell(self, depth: int) -> None:
        if self.story.parts or self.pending:
            self.end_paragraph_in(depth)
        story = self.story
        while len(story.tables) < depth:
            story.tables.append(_Table())
        table = story.tables[depth - 1]
        table.cells.append(table.cell)
        table.cell = []

    def end_paragraph_in(self, depth: int) -> None:
        """A cell's last paragraph, ended by \\cell rather than \\par."""
        intbl, saved = self.state.intbl, self.state.depth
        self.state.intbl, self.state.depth = True, depth
        self.end_paragraph()
        self.state.intbl, self.state.depth = intbl, saved

    def end_row(self, depth: int) -> None:
        story = self.story
        if story.parts or self.pending:
            self.end_cell(depth)
        if len(story.tables) < depth:
            return
        table = story.tables[depth - 1]
        row = row_blocks(table.cells + ([table.cell] if table.cell else []))
        del story.tables[depth - 1 :]
        if depth > 1:
            while len(story.tables) < depth - 1:
                story.tables.append(_Table())
            story.tables[depth - 2].cell.extend(row)
        else:
            story.blocks.extend(row)

    def close_tables(self, depth: int) -> None:
        """Rows left open when text outside the table begins (a row without \\row)."""
        while len(self.story.tables) >= depth:
            self.end_row(len(self.story.tables))

    # --------------------------------------------------------------------- stories
    def start_story(self, kind: str) -> None:
        if kind == "footnote" and not self.marked:
            self.mark()
        self.flush()
        self.stories.append((self.story, len(self.stack), kind))
        self.story = _Story()
        self.state.intbl, self.state.depth = False, 1

    def end_story(self) -> None:
        if self.story.parts:
            self.end_paragraph()
        self.close_tables(1)
        outer, _depth, kind = self.stories.pop()
        blocks = [b for b in self.story.blocks if b.text.strip()]
        self.story = outer
        if kind == "footnote":
            self.notes.append(note_block(len(self.notes) + 1, (b.text for b in blocks)))
        else:
            outer.boxes.extend(Block(b.text) for b in blocks)

    def mark(self) -> None:
        """A note's mark in the text, numbered in order (the file's own number is Word's
        \\chftn, which it computes, not text)."""
        if self.stories and self.stories[-1][2] == "footnote":
            return  # the mark repeated at the start of the note itself
        self.emit(str(len(self.notes) + 1).translate(SUPERSCRIPT))
        self.marked = True

    # ------------------------------------------------------------------ control words
    def word(self, word: str, param: int | None, first: bool, starred: bool) -> None:
        state = self.state
        if first:
            self.destination(word, starred)
        if state.dest == "fonttbl":
            self.font_word(word, param)
            return
        if state.dest == "stylesheet":
            self.style_word(word, param)
            return
        if word == "u" and param is not None:
            self.unicode(param)
            return
        if self.to_skip:  # a control word stands for one fallback character
            self.to_skip -= 1
            return
        if word in SYMBOLS:
            self.flush()
            self.emit(SYMBOLS[word])
        elif word in ("par", "sect", "page"):
            if not state.skip:
                self.end_paragraph()
        elif word in ("cell", "nestcell"):
            self.end_cell(1 if word == "cell" else max(state.depth, 2))
        elif word in ("row", "nestrow"):
            self.end_row(1 if word == "row" else max(state.depth, 2))
        elif word == "chftn":
            self.flush()
            if not state.skip and not state.hidden:
                self.mark()
        else:
            self.property(word, param)

    def property(self, word: str, param: int | None) -> None:
        state = self.state
        if word == "uc" and param is not None:
            state.uc = max(param, 0)
        elif word == "f" and param is not None:
            self.flush()
            state.font = param
        elif word in ("v", "deleted"):
            self.flush()
            state.hidden = param != 0
        elif word == "plain":
            self.flush()
            state.hidden, state.font = False, self.default_font
        elif word == "pard":
            state.style, state.outline, state.intbl, state.depth = 0, None, False, 1
        elif word == "s" and param is not None:
            state.style = param
        elif word == "outlinelevel" and param is not None:
            state.outline = param
        elif word == "intbl":
            state.intbl = True
        elif word == "itap" and param is not None:
            state.intbl, state.depth = param > 0, max(param, 1)
        elif word == "ansicpg" and param:
            self.codepage = param
        elif word in DOCUMENT_CHARSETS:
            self.codepage = DOCUMENT_CHARSETS[word]
        elif word == "deff" and param is not None:
            self.default_font = state.font = param

    def font_word(self, word: str, param: int | None) -> None:
        if word == "f" and param is not None:
            self.font_def = param
            self.fonts.setdefault(param, _Font())
        elif word == "fcharset" and param is not None:
            self.fonts.setdefault(self.font_def, _Font()).charset = param
        elif word == "cpg" and param:
            self.fonts.setdefault(self.font_def, _Font()).codepage = param

    def style_word(self, word: str, param: int | None) -> None:
        if word == "s" and param is not None:
            self.style_number = param
        elif word in ("cs", "ds", "ts"):  # character, section and table styles: no levels
            self.style_number = None
        elif word == "outlinelevel" and param is not None:
            self.style_def.outline = param
        elif word == "sbasedon" and param is not None:
            self.style_def.based_on = param

    def feed(self, data: bytes) -> None:
        first = starred = False  # the next token opens a group / follows its \*
        for kind, value, param in _tokens(data):
            if self.ended:
                break
            if kind == "{":
                self.open_group()
                first, starred = True, False
                continue
            if kind == "}":
                self.close_group()
                first = starred = False
                continue
            if kind == "word":
                self.word(value.decode("ascii"), param, first, starred)
            elif kind == "byte":
                self.add_bytes(value)
            elif kind == "symbol":
                self.control_symbol(value)
                if value == b"*" and first:
                    starred = True
                    continue
            elif kind == "text":
                self.add_bytes(value)
                if first and not value.strip():  # "{ \field …": still the group's start
                    continue
            first = starred = False
        self.flush()
        while self.stories:
            self.end_story()
        if self.story.parts:
            self.end_paragraph()
        self.close_tables(1)
        self.story.blocks.extend(self.story.boxes)

    def control_symbol(self, value: bytes) -> None:
        if value in (b"\n", b"\r"):
            if not self.state.skip:
                self.end_paragraph()
            return
        if value == b"*":
            return
        if self.to_skip:
            self.to_skip -= 1
            return
        char = CONTROL_SYMBOLS.get(value.decode("latin-1"))
        if char is not None:
            self.flush()
            self.emit(char)


def _tokens(data: bytes) -> Iterator[tuple[str, bytes, int | None]]:
    """(kind, bytes, parameter) of each token: "word", "byte", "symbol", "{", "}", "text".
    `\\binN` is followed by N raw bytes (an embedded picture or object), skipped whole."""
    at = 0
    while at < len(data):
        for match in _TOKEN.finditer(data, at):
            word, param, hexbyte, symbol, brace, text = match.groups()
            if word is not None:
                number = int(param) if param is not None else None
                if word == b"bin" and number:
                    at = match.end() + max(number, 0)
                    break
                yield "word", word, number
            elif hexbyte is not None:
                yield "byte", bytes([int(hexbyte, 16)]), None
            elif symbol is not None:
                yield "symbol", symbol, None
            elif brace is not None:
                yield brace.decode(), brace, None
            elif text is not None:
                yield "text", text, None
        else:
            return


def is_rtf(data: bytes) -> bool:
    """Whether the bytes are an RTF file, whatever the file is called."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf"


def parse_rtf(path: Path, data: bytes) -> Document:
    """An RTF file as a canonical `Document`: one section per heading, notes under Notes."""
    if not is_rtf(data):
        detail = "not an RTF file (it does not begin with {\\rtf); check it is the right file"
        raise ParseFailure("broken-file", detail, str(path))
    reader = _Reader()
    reader.feed(data)
    title = " ".join("".join(reader.info["title"]).split())
    author = " ".join("".join(reader.info["author"]).split())
    return word_document(
        path,
        data,
        kind="rtf",
        blocks=reader.story.blocks,
        notes=reader.notes,
        own_title=title,
        creator=author,
    )
