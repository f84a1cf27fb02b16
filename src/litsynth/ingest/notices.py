"""Publication notices inside a document's text: the history and licence box a journal
prints in the margin of its first page.

"Received: January 31, 2025 / Revised: … / Accepted: … / Published: … / Copyright: © 2025 by
the authors. Submitted for possible open access publication under the terms and conditions of
the Creative Commons Attribution (CC BY SA) license (https://creativecommons.org/…)". Text
copied or converted from such a PDF carries the box wherever the margin met the flow: in the
demo's first document it splits a sentence of the Introduction, and the passage around it
came first in a search for trust between partners, with fifteen lines of dates and licence.

ACM's copyright statement ("Permission to make digital or hard copies of all or part of this
work …") and its citation block ("ACM Reference Format: …") are the same kind of text in
prose: each runs to its DOI line, and is a notice when that line comes within 15 lines.

`notice_spans` finds such a box: a line that opens with a history or copyright keyword and
then a colon or a date ("Received: …", "Accepted 3 May 2020", "Copyright: © 2025"), and the
lines after it while they are notices too, licence lines, or the short pieces a narrow
margin breaks a licence sentence into. A box is at least two such notice or licence lines,
so a sentence of prose that starts "Received wisdom …" or a lone "© 2023" is never one.
Each span runs from its first line to the next line of text, so the chunker can cut there
(a notice is a passage of its own) and roles call it boilerplate; the text is never changed.
"""

from __future__ import annotations

import re

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+"
    r"\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
)
_KEY = (
    r"(?:received|revised|accepted|published(?:\s+online)?|available\s+online|first\s+published"
    r"|curr\.?\s*ver\.?|academic\s+editors?|handling\s+editor|licensee|copyright)"
)
# a history or copyright line: the keyword, then a colon, or a date (with "in revised form")
_NOTICE = re.compile(
    rf"^\s*{_KEY}\s*(?::\s*\S|(?:in\s+(?:final\s+|revised\s+)?form\s*)?{_DATE})|^\s*©\s*\d{{4}}",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"copyright|©", re.IGNORECASE)
_LICENCE = re.compile(
    r"creative\s*commons|licen[cs]e|creativecommons\.org|open\s+access|cc[\s-]by|"
    r"all rights reserved",
    re.IGNORECASE,
)
# ACM's (and IEEE's) copyright statement and ACM's citation block run as prose to the DOI
_STATEMENT = re.compile(
    r"^\s*(?:permission to make digital or hard copies|acm reference format\b)", re.IGNORECASE
)
_DOI_LINE = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)10\.\S+\s*$", re.IGNORECASE)
_STATEMENT_LINES = 15  # the statement's DOI line comes within this many lines, or it is none
_HEADING = re.compile(r"^\s*(?:#{1,6}\s|\d+(?:\.\d+)*\.?\s+[A-Z]|[A-Z][A-Z ]{3,}$)")
_PIECE_WORDS = 6  # a new sentence in a narrow margin: a few words a line
_MARGIN_WORDS = 10  # a margin's line, continuing a sentence ("This is an open / access …")
_LINE = re.compile(r"[^\n]*\n?")


def _piece(line: str) -> bool:
    """A short line that may open a sentence in the margin, not a heading."""
    return len(line.split()) <= _PIECE_WORDS and not _HEADING.match(line)


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", "!", "?", ")"))


def notice_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each publication notice box in `text`: from its first line's start
    to the start of the next line of text after it (or the end of the text).

    After the first notice line, the box takes notice and licence lines, and margin lines
    between them: a line of a sentence still open (up to `_MARGIN_WORDS` words), or a short
    line opening one (`_PIECE_WORDS`). It ends after its last notice or licence line, or
    the line that closes the sentence one of them opened; trailing short lines ("References",
    a heading) are left out."""
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group()]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if _STATEMENT.match(lines[i][1]):
            end = _statement_end(lines, i)
            if end is not None:
                spans.append((lines[i][0], end))
            i += 1
            while end is not None and i < len(lines) and lines[i][0] < end:
                i += 1  # a "© 2023 …" line inside the statement opens no second box
            continue
        if not _NOTICE.match(lines[i][1]):
            i += 1
            continue
        notices, last, open_sentence = 1, i, False
        for j in range(i + 1, len(lines)):
            line = lines[j][1]
            if not line.strip():
                continue
            notice = bool(_NOTICE.match(line))
            if notice or _LICENCE.search(line):
                notices, last = notices + 1, j
            elif len(line.split()) <= _MARGIN_WORDS and (open_sentence or _piece(line)):
                if open_sentence and _ends_sentence(line):
                    last = j
            else:
                break
            # a history line ("Received: …", "Academic Editor: …") opens no sentence; a
            # copyright or licence line may ("… This is an open / access article …")
            history = notice and not _COPYRIGHT.search(line)
            open_sentence = not _ends_sentence(line) and not history
        if notices >= 2:
            after = next((s for s, line in lines[last + 1 :] if line.strip()), len(text))
            spans.append((lines[i][0], after))
        i = last + 1
    return spans


def _statement_end(lines: list[tuple[int, str]], i: int) -> int | None:
    """Where a copyright statement or citation block opened at line `i` ends: after the line
    its DOI ends (the start of the next line); None when no such line comes soon."""
    for j in range(i + 1, min(len(lines), i + _STATEMENT_LINES)):
        if _DOI_LINE.search(lines[j][1]):
            return lines[j + 1][0] if j + 1 < len(lines) else lines[j][0] + len(lines[j][1])
    return None
