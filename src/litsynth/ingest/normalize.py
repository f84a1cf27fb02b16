"""Canonical text: the one form of a document's text that offsets, chunks and codings point into.

Every parser (PDF, text, Markdown, HTML) hands its raw text to `normalize_parts`, so the same
words always become the same characters whatever the file format:

- Unicode NFC, so "é" is one code point whether the file wrote it composed or decomposed;
- typographic ligatures (U+FB00–FB06: "ﬁ", "ﬂ", "ﬀ"…) spelled out, so "misﬁts" from a
  LaTeX PDF is the word "misfits" that a query types (NFC keeps them; full NFKC would also
  rewrite superscripts, fractions and full-width CJK punctuation, which carry meaning);
- UTF-16 surrogate pairs (from some PDF fonts) joined into their character, lone ones "�";
- byte-order marks and zero-width spaces removed, CRLF/CR become LF, form feeds paragraph breaks;
- soft hyphens removed (they only mark where a typesetter *may* break a word);
- end-of-line hyphenation joined: "coordi-\\nnation" → "coordination", but a real compound
  broken at its hyphen keeps it: "platform-\\nbased" → "platform-based", "citation-\\ninformed"
  → "citation-informed" (rules in `_join_rule`); a capital after the hyphen joins only
  into a word the document writes whole elsewhere ("Sci-\\nERC" → "SciERC");
- horizontal whitespace (tabs, NBSP, thin spaces…) becomes one space, lines are stripped, and any
  run of blank lines becomes exactly one blank line ("\\n\\n" = paragraph break).

Joining parts (PDF pages, HTML blocks) with "\\n\\n" and recording where each part starts and
ends is `assemble`, which yields the `Page` spans a citation needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from litsynth.ingest.lexicon import english_words
from litsynth.records import Page

PARAGRAPH_BREAK = "\n\n"
_PART_SEPARATOR = "\ue0ff"  # private use: no clean-up step changes it or matches across it

# One translation table, applied in one pass:
# - invisible characters that carry no text are deleted: BOM / zero-width no-break space,
#   zero-width space, word joiner. ZWJ and ZWNJ (U+200C/U+200D) are NOT deleted: Arabic,
#   Persian and Indic scripts need them to shape words correctly;
# - typographic ligatures become their letters;
# - line and paragraph separators, vertical tab and form feed become line breaks.
_CHAR_MAP: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "\ufeff\u200b\u2060"), None),
    **{code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)},
    **{ord("\u2028"): "\n", ord("\u2029"): "\n\n", ord("\x0c"): "\n\n", ord("\x0b"): "\n"},
}
_MAPPED = re.compile("[" + "".join(re.escape(chr(code)) for code in _CHAR_MAP) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Unicode category Cc (C0 and C1 controls) except tab and line feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SOFT_HYPHEN = "\u00ad"
# A soft hyphen at the end of a line is a hyphenation point the typesetter used: join the lines.
_SOFT_HYPHEN_AT_EOL = re.compile(_SOFT_HYPHEN + r"[ \t]*\n[ \t]*")
# Horizontal whitespace: every Unicode space separator (Zs: NBSP, thin, ideographic…) and tabs.
_HSPACE = re.compile(r"[^\S\n]+")
_SPACE_AT_LINE_EDGE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
# A line-final hyphen (ASCII or U+2010) after a word's letters, and a continuation starting
# with a letter. \b keeps the scan linear: no match attempt starts inside a word.
_EOL_HYPHEN = re.compile(r"\b([^\W\d_]+)[-\u2010]\n((?=[^\W\d_])\w+)")
_LETTERS = re.compile(r"[^\W\d_]+")


def line_form(line: str) -> str:
    """A line as it repeats from page to page: digits (page numbers, dates) and spacing
    ignored, case folded. Running heads are found by it at parse time and at role time."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line)).strip().casefold()


def fix_surrogates(text: str) -> str:
    """Join UTF-16 surrogate pairs into their character; a lone surrogate becomes U+FFFD.

    Some PDF fonts map a glyph to UTF-16 code units that pypdf hands over one by one, so
    "𝑒" (U+1D452) arrives as "\\ud835\\udc52" — a str that cannot even be written as UTF-8
    (SQLite, spaCy and every file write would fail on it).
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _clean_characters(raw: str) -> str:
    """Character-level clean-up that needs no knowledge of the rest of the document."""
    text = fix_surrogates(raw).replace("\r\n", "\n").replace("\r", "\n")
    if _MAPPED.search(text):  # str.translate looks up every character: only when needed
        text = text.translate(_CHAR_MAP)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = _SOFT_HYPHEN_AT_EOL.sub("", text).replace(_SOFT_HYPHEN, "")
    # Other control characters (e.g. \x03 from a broken font CMap) would confuse tokenizers and
    # terminals; a space keeps word boundaries where they were.
    text = _SPACE_AT_LINE_EDGE.sub("\n", _HSPACE.sub(" ", _CONTROL.sub(" ", text)))
    return _BLANK_LINES.sub(PARAGRAPH_BREAK, text).strip()


def _clean_all(parts: Sequence[str]) -> list[str]:
    """`_clean_characters` of each part, in one pass over them all joined by a character no
    clean-up step touches or reaches across (a private-use code point): an e-book of 150,000
    paragraphs costs ten regular-expression calls instead of a million and a half. Parts
    that hold that character are cleaned one by one."""
    if len(parts) < 2 or any(_PART_SEPARATOR in p for p in parts):
        return [_clean_characters(p) for p in parts]
    joined = _clean_characters(_PART_SEPARATOR.join(parts))
    return [p.strip() for p in joined.split(_PART_SEPARATOR)]


def vocabulary(texts: Sequence[str]) -> frozenset[str]:
    """Lower-case words a document uses away from line-end hyphens (for `_join_rule`).

    The fragments around a hyphenation point ("coordi", "nation") are cut out first, so that a
    fragment is never mistaken for a word the author wrote.
    """
    words: set[str] = set()
    for text in texts:
        words.update(w.lower() for w in _LETTERS.findall(_EOL_HYPHEN.sub(" ", text)))
    return frozenset(words)


def _join_rule(
    left: str,
    right: str,
    words: frozenset[str],
    compounds: frozenset[str],
    lexicon: frozenset[str] = frozenset(),
) -> str:
    """Decide what "left-\\nright" becomes, from the document's own vocabulary first.

    1. the joined word occurs elsewhere in the document ("coordination") → join;
    2. the hyphenated compound occurs elsewhere ("platform-based") → keep the hyphen;
    3. both halves are words of 3+ letters the document uses on their own ("platform",
       "based") → keep; shorter halves are too often chance words ("no-table" is "notable",
       "in-formation" is "information");
    4. the document cannot tell, but an English word list (`lexicon`) can: both halves are
       words of 4+ letters and the joined one is not ("citation-informed", "fine-grained")
       → keep. Three letters let names through ("Agar-wal", "Stan-way");
    5. otherwise a half is a mere fragment ("coordi") → join.
    Rules 1–3 need no word list, so they work for any language and technical vocabulary;
    rule 4 asks only about halves that are English words.
    """
    joined = (left + right).lower()
    if joined in words:
        return left + right
    if f"{left}-{right}".lower() in compounds:
        return f"{left}-{right}"
    if min(len(left), len(right)) >= 3 and {left.lower(), right.lower()} <= words:
        return f"{left}-{right}"
    if (
        min(len(left), len(right)) >= 4
        and joined not in lexicon
        and {left.lower(), right.lower()} <= lexicon
    ):
        return f"{left}-{right}"
    return left + right


def normalize_parts(parts: Sequence[str]) -> list[str]:
    """Canonical text of each part, with hyphenation decided over the whole document.

    Parts are the pages of a PDF, the blocks of an HTML page, or one whole text file; they are
    normalised together because "platform-based" on page 9 tells how to read "platform-\\nbased"
    on page 2.
    """
    cleaned = _clean_all(parts)
    if not any(_EOL_HYPHEN.search(text) for text in cleaned):
        return cleaned  # reflowable text (HTML, Word, e-books) seldom breaks a word at a line end
    words = vocabulary(cleaned)
    compounds = frozenset(
        m.group(0).lower()
        for text in cleaned
        for m in re.finditer(r"\b[^\W\d_]+-[^\W\d_]+", _EOL_HYPHEN.sub(" ", text))
    )

    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        if right[0].islower():
            return _join_rule(left, right, words, compounds, english_words())
        # A capital goes on: "Smith-\nJones" and "COVID-\n19" stay, but a name the document
        # writes whole elsewhere is that name ("Sci-\nERC" is SciERC, "GRO-\nBID" GROBID).
        return left + right if (left + right).lower() in words else match.group(0)

    return [_EOL_HYPHEN.sub(join, t) for t in cleaned]


def canonical_text(raw: str) -> str:
    """Canonical form of one standalone text (see the module docstring)."""
    return normalize_parts([raw])[0]


def assemble_sections(paragraphs: Iterable[tuple[str, bool]]) -> tuple[str, tuple[Page, ...]]:
    """Normalised paragraphs, each (text, whether it is a heading that opens a section), as
    `assemble` joins them: one `Page` per section, labelled by its heading ("" for the text
    before the first). HTML pages and word-processor files are cited this way."""
    sections: list[tuple[list[str], str]] = []
    for text, opens in paragraphs:
        if opens or not sections:
            sections.append(([], " ".join(text.split()) if opens else ""))
        sections[-1][0].append(text)
    return assemble([(PARAGRAPH_BREAK.join(texts), label) for texts, label in sections])


def assemble(parts: Sequence[tuple[str, str]]) -> tuple[str, tuple[Page, ...]]:
    """Join normalised (text, label) parts with paragraph breaks; one `Page` span per part.

    Part i becomes Page(number=i + 1) whose [start, end) slices exactly its text. An empty part
    (a blank PDF page) keeps its number with a zero-length span, so page numbers never shift.
    Worked example: parts ("ab", "") , ("", ""), ("cd", "") → text "ab\\n\\ncd",
    pages (1, 0, 2), (2, 2, 2), (3, 4, 6).
    """
    pieces: list[str] = []
    pages: list[Page] = []
    position = 0
    for number, (text, label) in enumerate(parts, start=1):
        if not text:
            pages.append(Page(number, position, position, label))
            continue
        if pieces:
            pieces.append(PARAGRAPH_BREAK)
            position += len(PARAGRAPH_BREAK)
        pieces.append(text)
        pages.append(Page(number, position, position + len(text), label))
        position += len(text)
    return "".join(pieces), tuple(pages)
