"""Which paragraphs of a Word 97–2003 .doc are headings: its style sheet and paragraph runs.

A .doc keeps its text in one place and the paragraphs' properties in another ([MS-DOC]): the
style sheet (STSH, §2.9.271) in the table stream, and paragraph runs in 512-byte pages of
the WordDocument stream (PapxFkp, §2.9.174), found through the PlcBtePapx (§2.8.6). Each run
covers a range of bytes of the text, ends at a paragraph mark, and names a style (istd) and
the properties set on the paragraph itself (a grpprl of Prls, §2.6).

A paragraph is a heading when its own properties give it an outline level (sprmPOutLvl,
0–8), or when its style does: one of Word's built-in Heading 1–9 styles (sti 1–9, the same
in every language of Word, while the style's name is the user's language), a style whose
name reads as one ("heading 2"), or whose own properties give it an outline level, also
through the style it is based on. Word's Title style (sti 62) marks the title.

Word 6 and 95 files lay these out differently and are left one section.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from litsynth.ingest.wordproc import style_level

_STI_TITLE = 62
_NO_STYLE = 0x0FFF  # istdBase of a style based on none
_OUT_LVL = 0x2640  # sprmPOutLvl: outline level 0–8, 9 for body text
_IN_TABLE = 0x2416  # sprmPFInTable: the paragraph is in a table cell
_ITAP = 0x6649  # sprmPItap: its table depth
_BODY = 9
_FIXED = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # operand bytes by spra (§2.2.5.1)
_DEF_TABLE = 0xD608  # sprmTDefTable: a two-byte size
_PAGE = 512


@dataclass(frozen=True)
class Piece:
    """A run of the document's characters, [cp, cp_end), stored from byte `fc` of the
    WordDocument stream, `width` bytes a character (1 compressed, 2 UTF-16)."""

    cp: int
    cp_end: int
    fc: int
    width: int


def _prls(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) of each property modifier; stops at one that runs past the end."""
    at = 0
    while at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        spra = sprm >> 13
        if spra in _FIXED:
            size = _FIXED[spra]
        elif sprm == _DEF_TABLE and at + 2 <= len(grpprl):
            size = struct.unpack_from("<H", grpprl, at)[0] + 1
        elif at < len(grpprl):
            size = grpprl[at] + 1
        else:
            return
        if at + size > len(grpprl):
            return
        yield sprm, grpprl[at : at + size]
        at += size


def _outline(grpprl: bytes) -> int | None:
    """The outline level a grpprl sets (0–8, or 9 for body text), else None. A paragraph in
    a table is body text whatever its style: a table row is one paragraph of its cells, as
    in .docx (wordproc.row_blocks)."""
    level = None
    for sprm, operand in _prls(grpprl):
        if sprm == _OUT_LVL:
            level = operand[0]
        elif (sprm == _IN_TABLE and operand[0]) or (sprm == _ITAP and any(operand)):
            return _BODY
    return level


@dataclass(frozen=True)
class _Style:
    sti: int
    base: int
    name: str
    outline: int | None


def _styles(stsh: bytes) -> dict[int, _Style]:
    """The paragraph styles of a style sheet, by istd."""
    if len(stsh) < 6:
        return {}
    cb_stshi, count, base_size = struct.unpack_from("<HHH", stsh, 0)
    at = 2 + cb_stshi
    styles = {}
    for istd in range(count):
        if at + 2 > len(stsh):
            break
        size = struct.unpack_from("<H", stsh, at)[0]
        std = stsh[at + 2 : at + 2 + size]
        at += 2 + size
        if len(std) < base_size + 2 or base_size < 10:
            continue
        first, second = struct.unpack_from("<HH", std, 0)
        if second & 0x000F != 1:  # not a paragraph style
            continue
        chars = struct.unpack_from("<H", std, base_size)[0]
        end = base_size + 2 + 2 * chars
        name = std[base_size + 2 : end].decode("utf-16-le", "replace")
        upx = end + 2  # after the name's terminating null: the paragraph's UPX first
        outline = None
        if upx + 2 <= len(std):
            cb = struct.unpack_from("<H", std, upx)[0]
            outline = _outline(std[upx + 4 : upx + 2 + cb])  # its istd, then a grpprl
        styles[istd] = _Style(first & 0x0FFF, second >> 4, name, outline)
    return styles


def _style_level(istd: int, styles: dict[int, _Style]) -> int | str | None:
    seen: set[int] = set()
    while istd in styles and istd not in seen:
        seen.add(istd)
        style = styles[istd]
        if 1 <= style.sti <= 9:
            return style.sti
        if style.sti == _STI_TITLE:
            return "title"
        named = style_level(style.name)
        if named is not None:
            return named
        if style.outline is not None:
            return style.outline + 1 if style.outline < _BODY else None
        istd = style.base if style.base != _NO_STYLE else -1
    return None


def _runs(word: bytes, bte: bytes) -> tuple[list[int], list[tuple[int, int, int | None]]]:
    """The paragraph runs of every PapxFkp: their starting bytes, sorted, and for each its
    (end, istd, outline level set on the paragraph itself)."""
    count = (len(bte) - 4) // 8
    if count <= 0:
        return [], []
    pages = struct.unpack_from(f"<{count}I", bte, 4 * (count + 1))
    found: dict[int, tuple[int, int, int | None]] = {}
    for pn in pages:
        page = (pn & 0x3FFFFF) * _PAGE
        fkp = word[page : page + _PAGE]
        if len(fkp) < _PAGE:
            continue
        cpara = fkp[-1]
        if 4 * (cpara + 1) + 13 * cpara > _PAGE - 1:
            continue
        fcs = struct.unpack_from(f"<{cpara + 1}I", fkp, 0)
        for i in range(cpara):
            offset = 2 * fkp[4 * (cpara + 1) + 13 * i]
            istd, outline = 0, None
            if offset and offset + 3 < _PAGE:
                cb = fkp[offset]
                start, size = (offset + 1, 2 * cb - 1) if cb else (offset + 2, 2 * fkp[offset + 1])
                if size >= 2:
                    istd = struct.unpack_from("<H", fkp, start)[0]
                    outline = _outline(fkp[start + 2 : min(start + size, _PAGE - 1)])
            found[fcs[i]] = (fcs[i + 1], istd, outline)
    starts = sorted(found)
    return starts, [found[s] for s in starts]


def heading_marks(
    word: bytes,
    table: bytes,
    stsh: tuple[int, int],
    bte_papx: tuple[int, int],
    pieces: list[Piece],
    text: str,
    end: int,
) -> dict[int, int | str]:
    """The heading level (1–9, or "title") of each paragraph of `text[:end]` that has one,
    keyed by the character position of its paragraph mark."""
    styles = _styles(table[stsh[0] : stsh[0] + stsh[1]])
    starts, runs = _runs(word, table[bte_papx[0] : bte_papx[0] + bte_papx[1]])
    if not starts:
        return {}
    levels: dict[int, int | str] = {}
    for piece in pieces:
        stop = min(piece.cp_end, end)
        cp = text.find("\r", piece.cp, stop)
        while cp != -1:
            byte = piece.fc + (cp - piece.cp) * piece.width
            run = bisect.bisect_right(starts, byte) - 1
            if run >= 0 and byte < runs[run][0]:
                _end, istd, outline = runs[run]
                level: int | str | None
                if outline is not None:
                    level = outline + 1 if outline < _BODY else None
                else:
                    level = _style_level(istd, styles)
                if level is not None:
                    levels[cp] = level
            cp = text.find("\r", cp + 1, stop)
    return levels
