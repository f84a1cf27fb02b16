"""What a reader should not see of a text document's markup.

Text and Markdown files are stored verbatim: every passage's offsets point into the file's own
characters, so a coded span, a REFI-QDA selection and a quote found again in the source all
agree. But a reader of a matrix cell, a report or the workspace should see "Platform-Based
Coordination", not "**Platform-Based Coordination**", and "Grace Yulianti 1", not
"Grace Yulianti <sup>1</sup>". So the markup is hidden when text is shown, never removed from
what is stored:

- `markup_ranges(text)` gives the character ranges that are markup (the workspace hides those
  characters and keeps counting them, so a selection still maps to the stored offsets);
- `plain(text)` is the text without them (quotes, snippets, the report).

Only the unambiguous forms are read: bold and emphasis markers around non-blank text on one
line, backslash escapes, inline HTML tags, links and images (the text is kept, the address
hidden), heading hashes and inline-code backticks. A lone asterisk, "2 * 3", snake_case names
and "[12](2005)" stay as they are. PDFs and HTML pages carry no such markup; their text is
shown as extracted (`shows_markup`).
"""

from __future__ import annotations

import re

MARKUP_KINDS = frozenset({"text", "markdown"})

_TAG = re.compile(r"</?(?:sup|sub|b|i|em|strong|u|s|small|span|mark|br)\b[^<>]*>", re.IGNORECASE)
_BOLD = re.compile(r"(?<![\\*\w])(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s\\*_])\1(?![*\w])")
_EMPHASIS = re.compile(r"(?<![\\*\w])([*_])(?=[^\s*_])([^\n*_]+?)(?<=[^\s\\*_])\1(?![*\w])")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|<>~])")
# [text](address) and ![alt](address); the address must look like one (a scheme, a path, a
# dot or an anchor) and may hold one level of parentheses, as DOIs do.
_LINK = re.compile(r"(!?\[)([^\]\n]+)(\]\((?=[^)\s]*[:/.#])(?:[^()\s]|\([^()\s]*\))+\))")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_CODE = re.compile(r"(`+)(?=\S)([^`\n]+?)(?<=\S)\1")


def shows_markup(kind: str) -> bool:
    """Whether a document of this kind (`Passage.kind`) may carry Markdown or inline HTML."""
    return kind in MARKUP_KINDS


def markup_ranges(text: str) -> list[tuple[int, int]]:
    """The character ranges of `text` that are markup, sorted and not overlapping."""
    found: list[tuple[int, int]] = []
    for match in _LINK.finditer(text):
        found.append((match.start(1), match.end(1)))
        found.append((match.start(3), match.end(3)))
    for pattern in (_BOLD, _EMPHASIS, _CODE):  # the opening marker and the closing one
        for match in pattern.finditer(text):
            found.append((match.start(1), match.end(1)))
            found.append((match.end(2), match.end()))
    found.extend((m.start(), m.end()) for m in _TAG.finditer(text))
    backslashes = [m.start() for m in _ESCAPE.finditer(text)]
    found.extend((at, at + 1) for at in backslashes)
    found.extend((m.start(), m.end()) for m in _HEADING.finditer(text))
    return _merge(found, escaped={at + 1 for at in backslashes})  # "\*" shows its "*"


def _merge(ranges: list[tuple[int, int]], *, escaped: set[int]) -> list[tuple[int, int]]:
    """Sorted, overlapping ranges joined; an escaped character (at an offset in `escaped`)
    is never hidden as a marker."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if end - start == 1 and start in escaped:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def plain(text: str) -> str:
    """`text` without its markup: what a reader of a quote or snippet should see."""
    return without(text, markup_ranges(text))


def without(
    text: str, ranges: list[tuple[int, int]], start: int = 0, end: int | None = None
) -> str:
    """`text[start:end]` with the parts inside `ranges` (offsets into `text`) left out.

    For a document shown in pieces: its ranges are found once over the whole text, so a bold
    pair split between two pieces is still hidden in both.
    """
    stop = len(text) if end is None else end
    parts: list[str] = []
    at = start
    for a, b in ranges:
        if b <= at or a >= stop:
            continue
        parts.append(text[at : max(a, at)])
        at = min(b, stop)
    parts.append(text[at:stop])
    return "".join(parts)


def plain_with_offsets(text: str) -> tuple[str, list[int]]:
    """`plain(text)` and, for each of its characters, that character's offset in `text`.

    So words a reader copied from a shown passage are found again in the stored text.
    """
    kept: list[int] = []
    at = 0
    for start, end in markup_ranges(text):
        kept.extend(range(at, start))
        at = end
    kept.extend(range(at, len(text)))
    return "".join(text[i] for i in kept), kept


def shown(text: str, kind: str) -> str:
    """The text as a reader sees it: without markup for text and Markdown, else as it is."""
    return plain(text) if shows_markup(kind) else text
