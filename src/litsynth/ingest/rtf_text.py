"""RTF's characters: the code pages its fonts name, and the symbols its control words stand for.

An RTF file is 7-bit: a character outside ASCII is `\\'e9` (a byte in the code page of the
current font's character set, or else the document's `\\ansicpg`) or `\\u233` (Unicode, with a
fallback for old readers that a reader skips). Bytes of a double-byte code page (Shift-JIS,
GBK, Big5) come as two `\\'hh` in a row, so bytes are gathered and decoded together.
"""

from __future__ import annotations

import codecs

# \fcharsetN → Windows code page (RTF 1.9.1, "Font table"). 0 (ANSI) and 1 (default) mean
# the document's \ansicpg; 2 is the Symbol font's own encoding (SYMBOL below).
CHARSETS = {
    77: 10000, 78: 10001, 79: 10003, 80: 10008, 81: 10002, 83: 10005, 84: 10004, 85: 10006,
    86: 10081, 87: 10021, 88: 10029, 89: 10007, 128: 932, 129: 949, 130: 1361, 134: 936,
    136: 950, 161: 1253, 162: 1254, 163: 1258, 177: 1255, 178: 1256, 186: 1257, 204: 1251,
    222: 874, 238: 1250, 254: 437, 255: 850,
}  # fmt: skip
SYMBOL_CHARSET = 2

# The character sets \ansi, \mac, \pc and \pca name, before any \ansicpg.
DOCUMENT_CHARSETS = {"ansi": 1252, "mac": 10000, "pc": 437, "pca": 850}

# Control words that stand for one character (or for none that a reader sees).
SYMBOLS = {
    "emdash": "—", "endash": "–", "lquote": "‘", "rquote": "’", "ldblquote": "“",
    "rdblquote": "”", "bullet": "•", "tab": "\t", "line": "\n", "lbr": "\n", "emspace": " ",
    "enspace": " ", "qmspace": " ", "zwj": "", "zwnj": "", "zwbo": "", "zwnbo": "",
    "ltrmark": "", "rtlmark": "",
}  # fmt: skip
# Control symbols: \~ a no-break space, \_ a no-break hyphen, \- an optional hyphen (shown
# only where a line breaks), \\ \{ \} the characters themselves.
CONTROL_SYMBOLS = {"~": "\u00a0", "_": "-", "-": "", "\\": "\\", "{": "{", "}": "}", "|": ""}

# The Symbol font's bytes (Adobe Symbol encoding): Greek letters and mathematical signs,
# which old Word files type in that font instead of as Unicode.
_SYMBOL_ROWS = {
    0x20: " !∀#∃%&∋()∗+,−./0123456789:;<=>?",
    0x40: "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_",
    0x60: "\uf8e5αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼",
    0xA0: "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵",
    0xC0: "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓",
    0xE0: "◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\uf8f0〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭",
}
SYMBOL = {
    base + i: ch for base, row in _SYMBOL_ROWS.items() for i, ch in enumerate(row) if ch.strip()
}
SYMBOL[0x20] = " "


def codec_of(codepage: int) -> str:
    """The Python codec of a code page (1251 → "cp1251", 10000 → "mac_roman"); Windows-1252
    for one Python does not know, as Word reads an unknown one."""
    name = {65001: "utf-8", 10000: "mac_roman", 10007: "mac_cyrillic", 10006: "mac_greek",
            10029: "mac_latin2", 10081: "mac_turkish"}.get(codepage, f"cp{codepage}")  # fmt: skip
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1252"


def decode(data: bytes, codepage: int) -> str:
    """Bytes of one code page as text: the Symbol font mapped to Unicode, others decoded."""
    if codepage == -SYMBOL_CHARSET:
        return "".join(SYMBOL.get(b, "") for b in data)
    return data.decode(codec_of(codepage), "replace")
