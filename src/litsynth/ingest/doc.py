"""Word's binary documents (.doc: Word 97–2003, and Word 6/95): the text, read without Word.

Grey literature (agency reports, theses, older working papers) still comes as .doc. The
format is an OLE compound file (olefile reads its streams) whose "WordDocument" stream
starts with the FIB, the File Information Block of [MS-DOC] §2.5. Reading the text needs
three of its numbers:

- `ccpText`, `ccpFtn`, `ccpHdd`, `ccpAtn`, `ccpEdn`, `ccpTxbx`: how many characters the
  main document, the footnotes, headers, comments, endnotes and text boxes hold, in that
  order (§2.5.10);
- `fcClx`/`lcbClx`: where the piece table lies in the table stream ("0Table" or "1Table",
  as the FIB's fWhichTblStm says; §2.5.6).

The piece table (§2.9.38) maps character positions to bytes of the WordDocument stream: each
piece is either 8-bit text (Windows-1252, "compressed") or UTF-16. Joined in order, the
pieces give every character of the document. The main text is read, then the text boxes
(their place in the text is in the drawing layer, which this reader does not read), and the
footnotes and endnotes are gathered under "Notes", as for .docx (wordproc.py); headers and
comments are left out. In the text:

- a field (`\\x13` code `\\x14` result `\\x15`, nested) shows its result: a citation
  manager's "(Doe, 2019)", never its code; a table of contents or index field is left out;
- `\\r` ends a paragraph; table cells end with `\\x07` and a row with two, read as
  "cell | cell" as in .docx; a footnote's mark (`\\x02`) becomes its superscript number;
- pictures and drawn objects (`\\x01`, `\\x08`) and other control characters are dropped.

Word 6 and Word 95 files (an older FIB, nFib below 0xC1) keep everything in the one stream:
8-bit text from fcMin to fcMac, or, in a fast-saved file, a piece table at 0x160 whose pieces
are all 8-bit; the story counts start at 0x34. Their code page is the summary information's
when that is an 8-bit one, else it is detected from the text's bytes.

Headings live in the style sheet and the paragraphs' properties (doc_styles.py): a Word 97–2003
file is sectioned at them, as a .docx is (a heading's paragraph mark is swapped for a
private-use character standing for its level, one character for one, so every position
holds until the paragraphs are split). Word 6/95 files are one section, cited by paragraph.
Title and author come from the page's Title style, else the file's summary information. A
password-protected file fails as "encrypted", with what to do (an RTF file with a .doc name,
which Word opens, is read as RTF: parse.py sends it to rtf.py).
"""

from __future__ import annotations

import codecs
import io
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import olefile
from charset_normalizer import from_bytes

from litsynth.ingest.doc_styles import Piece, heading_marks
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.wordproc import SUPERSCRIPT, Block, note_block, word_document
from litsynth.records import Document

# Pairs of FibRgFcLcb97 ([MS-DOC] §2.5.6): where the piece table and the positions of the
# footnote and endnote references lie in the table stream.
_STSHF, _FOOTNOTE_REFS, _BTE_PAPX, _CLX, _ENDNOTE_REFS = 1, 2, 13, 33, 46
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file's first bytes
_WORD97 = 0x00C1  # the nFib of Word 97; Word 2000–2003 files are later and read alike
_IDENTS = frozenset([0xA5EC, 0xA5DC, 0xA699])  # Word 97+, Word 6/95, an Asian Word 95
# What olefile raises on a damaged compound file: bad sectors, loops, truncated streams.
_OLE_ERRORS = (
    OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, struct.error, EOFError,
    NotImplementedError, RecursionError,
)  # fmt: skip
_MAX_STREAM = 256 << 20
# In a document's file_meta, so ingest reads again the .doc files an older reader stored.
# v2: sections at headings (v1: one section).
READER_VERSION = "doc.v2"
_GENERATED = ("TOC", "INDEX", "TOA")  # fields whose result Word generates: left out
_FIELD_CHARS = re.compile("([\x13\x14\x15])")  # a field's begin, separator and end
_DROPPED = re.compile(r"[\x00-\x06\x08\x0e-\x1d]")  # objects, annotation marks, controls
# A heading's paragraph mark, replaced by one of these (private-use characters) for its level.
_LEVEL_MARKS: dict[int | str, str] = {
    **{level: chr(0xE000 + level) for level in range(1, 10)},
    "title": "\ue00a",
}
_MARK_LEVELS = {mark: level for level, mark in _LEVEL_MARKS.items()}


@dataclass
class _Field:
    code: list[str] = field(default_factory=list)
    showing: bool = False  # past its separator: its characters are its result
    generated: bool = False  # a table of contents or index: left out whole


def _fields(text: str) -> str:
    """Field codes out, results in: "\\x13 CITATION \\x14(Doe, 2019)\\x15" → "(Doe, 2019)".
    Fields nest; a generated list (a table of contents) is left out whole. Read a run of
    text at a time, between field characters: a character at a time was most of the time
    a .doc took to read."""
    if "\x13" not in text:
        return text
    out: list[str] = []
    stack: list[_Field] = []
    for piece in _FIELD_CHARS.split(text):
        if piece == "\x13":
            stack.append(_Field())
        elif piece == "\x14" and stack:
            words = "".join(stack[-1].code).split()
            stack[-1].showing = True
            stack[-1].generated = bool(words) and words[0].upper() in _GENERATED
        elif piece == "\x15" and stack:
            stack.pop()
        elif stack and not stack[-1].showing:
            stack[-1].code.append(piece)
        elif not any(f.generated for f in stack):
            out.append(piece)
    return "".join(out)


def _marked(main: str, headings: dict[int, int | str]) -> str:
    """The main text with each heading's paragraph mark replaced by its level's mark (one
    character for one, so positions hold): `_blocks` reads them back."""
    chars = list(main)
    for cp, level in headings.items():
        if cp < len(chars) and chars[cp] == "\r":
            chars[cp] = _LEVEL_MARKS[level]
    return "".join(chars)


def _blocks(text: str, notes: list[int] | None = None) -> list[Block]:
    """The paragraphs of a text run, headings with their level; each footnote mark numbered
    from `notes` (a counter)."""
    blocks: list[Block] = []
    for part in re.split(f"([\r{''.join(_LEVEL_MARKS.values())}])", _cleaned(text, notes)):
        if part in _MARK_LEVELS and blocks and blocks[-1].level is None:
            blocks[-1] = Block(blocks[-1].text, _MARK_LEVELS[part])
        elif part != "\r" and part not in _MARK_LEVELS:
            blocks.append(Block(part.strip(" |")))
    return [b for b in blocks if b.text]


def _paragraphs(text: str, notes: list[int] | None = None) -> list[str]:
    """The paragraphs of a text run, as text."""
    return [b.text for b in _blocks(text, notes)]


def _cleaned(text: str, notes: list[int] | None) -> str:
    """A text run's fields as results, note marks numbered, cells as " | ", controls out."""
    text = _fields(text)
    if notes is not None:

        def mark(_: re.Match[str]) -> str:
            notes[0] += 1
            return str(notes[0]).translate(SUPERSCRIPT)

        text = re.sub("\x02", mark, text)
    text = text.replace("\x07\x07", "\r").replace("\x07", " | ")  # table cells and rows
    text = text.replace("\x0b", "\n").replace("\x0c", "\r").replace("\x1e", "-")
    return _DROPPED.sub("", text.replace("\x1f", ""))


def _note_blocks(text: str) -> list[str]:
    """Footnote or endnote text, one note per mark (`\\x02` opens each)."""
    return [n for n in (" ".join(_paragraphs(part)) for part in text.split("\x02")) if n]


def _reference_cps(table: bytes, fc: int, lcb: int) -> list[int]:
    """The character positions of the note references a PlcffndRef or PlcfendRef lists: n + 1
    positions, then n two-byte FRDs; the last position only closes the list."""
    count = (lcb - 4) // 6 if lcb >= 10 else 0
    if count <= 0 or fc + 4 * count > len(table):
        return []
    return list(struct.unpack_from(f"<{count}I", table, fc))


def _in_mark_order(main: str, *kinds: tuple[list[int], list[str]]) -> list[str]:
    """The notes numbered as the reader meets their marks: footnotes and endnotes keep
    their own lists in the file, and their marks interleave in the text. When the lists do
    not match the marks (a damaged file), footnotes first, then endnotes."""
    owner = {cp: (kind, i) for kind, (cps, _) in enumerate(kinds) for i, cp in enumerate(cps)}
    marks = [owner.get(at) for at, char in enumerate(main) if char == "\x02"]
    texts = [notes for _, notes in kinds]
    every = sorted((k, i) for k, notes in enumerate(texts) for i in range(len(notes)))
    found = [m for m in marks if m is not None]
    if len(found) != len(marks) or sorted(found) != every:
        return [note for notes in texts for note in notes]
    return [texts[k][i] for k, i in found]


def _stream(ole: olefile.OleFileIO, name: str, where: str) -> bytes:
    if not ole.exists(name):
        raise ParseFailure("broken-file", f"no {name} stream: not a Word document", where)
    if ole.get_size(name) > _MAX_STREAM:
        raise ParseFailure("broken-file", f"the {name} stream is over 256 MiB", where)
    data: bytes = ole.openstream(name).read()
    return data


def _text(
    word: bytes, table: bytes, fc_clx: int, lcb_clx: int, where: str, eight_bit: str = ""
) -> tuple[str, list[Piece]]:
    """Every character of the document, and its pieces, from the piece table at fcClx in the
    table stream. Word 97 marks each piece 8-bit or UTF-16; Word 6/95 pieces are all
    `eight_bit` text."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting runs, skipped
        at += 3 + struct.unpack_from("<h", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 0x02:
        raise ParseFailure("broken-file", "no piece table where the FIB says", where)
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5 : at + 5 + size]
    count = (len(plc) - 4) // 12
    if count < 1:
        raise ParseFailure("broken-file", "an empty piece table", where)
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    parts, pieces, position = [], [], 0
    for i in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0]
        chars = max(0, cps[i + 1] - cps[i])
        if eight_bit:
            start, width, encoding = fc, 1, eight_bit
        elif fc & 0x40000000:  # compressed: one byte a character, at half the offset
            start, width, encoding = (fc & 0x3FFFFFFF) // 2, 1, "cp1252"
        else:
            start, width, encoding = fc, 2, "utf-16-le"
        part = word[start : start + width * chars].decode(encoding, "replace")
        pieces.append(Piece(position, position + len(part), start, width))
        parts.append(part)
        position += len(part)
    return "".join(parts), pieces


@dataclass(frozen=True)
class _Stories:
    """Every character of the document, how many each story holds, and where the footnote
    and endnote marks are (empty when the format does not say)."""

    text: str
    counts: tuple[int, ...]  # main text, footnotes, headers, macros, comments, endnotes, boxes
    footnote_refs: list[int] = field(default_factory=list)
    endnote_refs: list[int] = field(default_factory=list)
    headings: dict[int, int | str] = field(default_factory=dict)  # paragraph mark → level


def parse_doc(path: Path, data: bytes) -> Document:
    """A Word .doc file (97–2003, or 6/95) as a canonical `Document`: one section, notes
    under Notes."""
    where = str(path)
    if not data.startswith(_CFB):
        detail = "not a Word .doc file (no OLE compound file header); check it is the right file"
        raise ParseFailure("broken-file", detail, where)
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            word = _stream(ole, "WordDocument", where)
            n_fib, flags = _fib_base(word, where)
            title, author, codepage = _summary_information(ole)
            if n_fib >= _WORD97:
                stories = _word97(ole, word, flags, where)
            else:
                stories = _word6(word, flags, codepage, where)
    except _OLE_ERRORS as exc:
        raise ParseFailure("broken-file", f"a damaged Word file ({exc})", where) from None
    main, footnotes, headers, macros, comments, endnotes, boxes = stories.counts
    text = stories.text
    start = main + footnotes + headers + macros + comments  # the endnotes follow these
    body = _marked(text[:main], stories.headings) + "\r"
    body += text[start + endnotes : start + endnotes + boxes]
    notes = _in_mark_order(
        text[:main],
        (stories.footnote_refs, _note_blocks(text[main : main + footnotes])),
        (stories.endnote_refs, _note_blocks(text[start : start + endnotes])),
    )
    return word_document(
        path,
        data,
        kind="doc",
        blocks=_blocks(body, [0]),
        notes=[note_block(i, [n]) for i, n in enumerate(notes, start=1)],
        own_title=title,
        creator=author,
    )


def _fib_base(word: bytes, where: str) -> tuple[int, int]:
    """(nFib, flags) of the FIB; refuses a stream without one, and encrypted files."""
    if len(word) < 0x200:
        raise ParseFailure("broken-file", "the WordDocument stream has no FIB", where)
    ident, n_fib = struct.unpack_from("<HH", word, 0)
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if ident not in _IDENTS:
        raise ParseFailure("broken-file", "the WordDocument stream has no FIB", where)
    if flags & 0x0100:  # fEncrypted, in every version
        detail = (
            "a password-protected Word document; save a copy without the password (File ›"
            " Info › Protect Document) and ingest that"
        )
        raise ParseFailure("encrypted", detail, where)
    return n_fib, flags


def _word97(ole: olefile.OleFileIO, word: bytes, flags: int, where: str) -> _Stories:
    """Word 97–2003: counts in FibRgLw97, the piece table and note references in the table
    stream ("0Table" or "1Table", as fWhichTblStm says), pieces 8-bit or UTF-16."""
    table = _stream(ole, "1Table" if flags & 0x0200 else "0Table", where)
    csw = struct.unpack_from("<H", word, 32)[0]
    lw = 34 + 2 * csw  # cslw, then fibRgLw: cbMac, 2 reserved, ccpText, ccpFtn, ccpHdd, …
    ccp = struct.unpack_from("<11i", word, lw + 2)
    pairs = lw + 4 + 4 * struct.unpack_from("<H", word, lw)[0]  # after cbRgFcLcb

    def pair(index: int) -> tuple[int, int]:  # (fc, lcb) number `index` of FibRgFcLcb97
        found: tuple[int, int] = struct.unpack_from("<II", word, pairs + 8 * index)
        return found

    text, pieces = _text(word, table, *pair(_CLX), where)
    counts = tuple(max(0, ccp[i]) for i in range(3, 10))
    return _Stories(
        text=text,
        counts=counts,
        footnote_refs=_reference_cps(table, *pair(_FOOTNOTE_REFS)),
        endnote_refs=_reference_cps(table, *pair(_ENDNOTE_REFS)),
        headings=heading_marks(word, table, pair(_STSHF), pair(_BTE_PAPX), pieces, text, counts[0]),
    )


def _word6(word: bytes, flags: int, codepage: int, where: str) -> _Stories:
    """Word 6 and Word 95: one stream; 8-bit text in the document's code page, either the
    bytes from fcMin to fcMac or, in a fast-saved file (fComplex), the pieces of the piece
    table at 0x160; the story counts (ccpText …) at 0x34. The summary information's code
    page is the text's when it is an 8-bit one; a Unicode one (later tools rewrite it) says
    nothing about the text, whose code page is then detected from its bytes."""
    ccp = struct.unpack_from("<7i", word, 0x34)
    fc_min, fc_mac = struct.unpack_from("<II", word, 0x18)
    encoding = _encoding(codepage)
    if encoding in ("utf-8", "utf-16-le"):
        best = from_bytes(word[fc_min:fc_mac]).best()
        encoding = best.encoding if best is not None else "cp1252"
    if flags & 0x0004:
        fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x160)
        text = _text(word, word, fc_clx, lcb_clx, where, eight_bit=encoding)[0]
    else:
        text = word[fc_min:fc_mac].decode(encoding, "replace")
    return _Stories(text=text, counts=tuple(max(0, n) for n in ccp))


def _summary_information(ole: olefile.OleFileIO) -> tuple[str, str, int]:
    """Title, author and code page from the "\x05SummaryInformation" property set, read
    here with every count checked against the stream: olefile's own reader loops as often as
    a damaged count says (50 million times, in one fuzzed file)."""
    name = "\x05SummaryInformation"
    if not ole.exists(name) or ole.get_size(name) > 1 << 20:
        return "", "", 1252
    data = ole.openstream(name).read()
    if len(data) < 48:
        return "", "", 1252
    start = struct.unpack_from("<I", data, 44)[0]  # the first property set's offset
    if start + 8 > len(data):
        return "", "", 1252
    count = min(struct.unpack_from("<I", data, start + 4)[0], (len(data) - start - 8) // 8)
    values: dict[int, bytes | str | int] = {}
    for i in range(count):
        pid, offset = struct.unpack_from("<II", data, start + 8 + 8 * i)
        at = start + offset
        if pid not in (1, 2, 4) or at + 8 > len(data):
            continue
        kind = struct.unpack_from("<H", data, at)[0]
        if kind == 0x02:  # VT_I2: the code page
            values[pid] = struct.unpack_from("<h", data, at + 4)[0]
        elif kind == 0x1E:  # VT_LPSTR: bytes in the code page, NUL-terminated
            size = struct.unpack_from("<I", data, at + 4)[0]
            values[pid] = data[at + 8 : at + 8 + min(size, 4096)]
        elif kind == 0x1F:  # VT_LPWSTR: UTF-16 characters
            size = struct.unpack_from("<I", data, at + 4)[0]
            values[pid] = data[at + 8 : at + 8 + 2 * min(size, 4096)].decode("utf-16-le", "replace")
    codepage = values.get(1)
    page = codepage & 0xFFFF if isinstance(codepage, int) else 1252
    return _summary(values.get(2), page), _summary(values.get(4), page), page


def _encoding(codepage: int) -> str:
    """The Python codec of a Windows code page (1251 → "cp1251"); Windows-1252 for one
    Python does not know."""
    name = {1200: "utf-16-le", 65001: "utf-8"}.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1252"


def _summary(value: object, codepage: int) -> str:
    """A summary-information string, in the code page the file states (1251 for Cyrillic,
    65001 for UTF-8)."""
    if isinstance(value, bytes):
        text = value.decode(_encoding(codepage), "replace")
    else:  # a string, or nothing (or, in a damaged file, anything)
        text = value if isinstance(value, str) else ""
    return " ".join(text.replace("\x00", " ").split())
