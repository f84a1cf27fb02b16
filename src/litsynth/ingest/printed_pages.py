"""The printed page numbers of a PDF's pages, so a passage is cited where a reader finds it.

APA and every other style cite an article by the pages of its published version: a quote on the
PDF's second page of an ACL paper printed on pages 4969–4983 is "p. 4970", not "p. 2". The PDF
page index is right only for preprints and reports numbered from 1; journal and proceedings
articles, book chapters and excerpts from a longer file are not.

Three things say what the printed numbers are, and they are weighed in this order:

1. **The numbers printed on the pages.** A number alone on a line, or at the start or end of a
   line, within `_EDGE_REACH` lines of a page's top or bottom ("148 A. Sundström et al.",
   "Life events do not increase risk of dementia 149", "Page 9 of 11"), gives an offset:
   printed number − page index. An offset is taken when it holds on at least two pages and a
   third of all pages (a third, as a page can hide its number in a figure, and a first page
   often has none), so a footnote mark, a table cell or a year never sets the numbering.
2. **The file's page labels** (/PageLabels, what a PDF viewer shows), when they are not simply
   1, 2, 3… and the printed numbers do not contradict them. They are not trusted over the
   print: BioMed Central's files label their pages from 0 while printing "Page 2 of 10".
3. **A stated page range** ("pages 4969–4983", "Clinical Science (2014) 126, 305–313") on
   one of the first two pages: where it agrees with the offset found, it bounds the pages
   that carry one (a supplement appended after page 313 is not page 314). A range alone
   numbers nothing: an author's copy that says "In Proceedings of ACL, pages 576–583" but
   prints no number on its pages is cited by its PDF pages, which is what a reader of that
   file finds.

A numbering that is the PDF's own (printed 1 on page 1) gives no labels: "p. 4" is right.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Recorded in a PDF's file_meta ("pages_read_by"): a PDF stored by an older finder (or before
# there was one) is read once more, for its printed pages and its citation facts
# (ingest/reprint.py).
PRINTED_PAGES_VERSION = "printed-pages.v1"
_EDGE_REACH = 6  # lines from a page's top or bottom where a page number is looked for
_LONE = re.compile(r"\s*(\d{1,5})\s*")
_LEADING = re.compile(r"\s*(\d{1,5})\s+[^\d\s/]")  # "148 A. Sundström et al."
_TRAILING = re.compile(r".*\S\s+(\d{1,5})\s*")  # "… of dementia 149"
# Roman front matter, in lower case only ("iii"; "II" is more often a part's number), alone
# or at a line's start or end ("GeoBase® iv").
_ROMAN = re.compile(r"\s*([ivxlc]{1,7})\s*|\s*([ivxlc]{1,7})\s+\S.*|.*\S\s+([ivxlc]{1,7})\s*")
_ROMAN_DIGITS = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_RANGE_PAGES = 2  # the pages where an article states its range: its first, or a cover's next
_SLIP = 2  # how far a page's own number may stray from the numbering and still be its label
_PAGE_OF = re.compile(r".*\bPage\s+(\d{1,5})\s+of\s+\d{1,5}\b.*", re.I)  # "Page 2 of 10"
# "pages 4969–4983", "pp. 305-313", "126, 305–313", "2010;86:272e278" (BMJ's en dash, as the
# font's "e"): a range whose first number can be page 1's printed one.
_RANGE = re.compile(
    r"(?<![\d.])(\d{1,5}) ?[–—-] ?(\d{1,5})(?![\d.])|(?<=[;:])(\d{1,5})e(\d{1,5})\b"
)


@dataclass(frozen=True)
class PrintedPages:
    """Each page's printed label ("" where none is known) and how they were found."""

    labels: tuple[str, ...]
    source: str = ""  # "page numbers" or "page labels"; "" when none

    def __bool__(self) -> bool:
        return any(self.labels)

    def described(self) -> str:
        """ "4969–4983 (from the page numbers)" for the document's notes."""
        shown = [label for label in self.labels if label]
        if not shown:
            return ""
        span = shown[0] if len(shown) == 1 else f"{shown[0]}–{shown[-1]}"
        return f"{span} (from the {self.source})"


NONE = PrintedPages(())


def find_printed_pages(pages: Sequence[str], declared: Sequence[str] | None = None) -> PrintedPages:
    """The printed labels of `pages` (each page's text, lines split by "\\n"), given the
    file's own page labels (`declared`: pypdf's `page_labels` when the file has /PageLabels,
    else None). NONE when the PDF's page numbers are already the printed ones."""
    n = len(pages)
    if n == 0:
        return NONE
    shown = [_edge_numbers(text) for text in pages]
    offset = numbering_offset(shown)
    if offset is None:
        if declared is not None and not _trivial(declared) and len(declared) == n:
            return PrintedPages(tuple(declared), "page labels")
        return NONE
    if declared is not None and len(declared) == n and _agrees(declared, offset):
        found = PrintedPages(tuple(declared), "page labels")
    else:
        first, last = _bounds(pages, offset)
        found = PrintedPages(
            tuple(_label(shown[i], i + offset) if first <= i <= last else "" for i in range(n)),
            "page numbers",
        )
    return NONE if _trivial(found.labels) else found


def numbering_offset(shown: Sequence[dict[int, str]]) -> int | None:
    """The offset (printed number − page index) that the numbers at the pages' edges
    (`shown`, one dict per page: number → as printed) share on enough pages, or None."""
    seen: Counter[int] = Counter()
    for index, numbers in enumerate(shown):
        seen.update({number - index for number in numbers})
    if not seen:
        return None
    offset, pages_with_it = seen.most_common(1)[0]
    if pages_with_it < max(2, len(shown) / 3):
        return None
    return offset


def _label(numbers: dict[int, str], expected: int) -> str:
    """A page's label: its own number as printed when it shows one at most `_SLIP` from the
    numbering's (a scanned excerpt that skips a page; roman front matter), else the
    numbering's."""
    near = [n for n in numbers if abs(n - expected) <= _SLIP]
    if not near:
        return str(expected) if expected >= 1 else ""
    return numbers[min(near, key=lambda n: abs(n - expected))]


def _edge_numbers(text: str) -> dict[int, str]:
    """The page numbers a page may print near its top or bottom: number → as printed."""
    lines = [line for line in text.split("\n") if line.strip()]
    edges = lines if len(lines) <= 2 * _EDGE_REACH else lines[:_EDGE_REACH] + lines[-_EDGE_REACH:]
    found: dict[int, str] = {}
    for line in edges:
        for pattern in (_LONE, _PAGE_OF, _LEADING, _TRAILING):
            match = pattern.fullmatch(line) if pattern is not _LEADING else pattern.match(line)
            if match:
                found.setdefault(int(match.group(1)), match.group(1))
                break
        else:
            roman = _ROMAN.fullmatch(line)
            if roman:
                token = roman.group(1) or roman.group(2) or roman.group(3)
                found.setdefault(_roman_value(token), token)
    return found


def _roman_value(token: str) -> int:
    values = [_ROMAN_DIGITS[ch] for ch in token]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _trivial(labels: Sequence[str]) -> bool:
    """Labels that say no more than the PDF's own numbers (blank where unknown)."""
    return all(label in ("", str(i + 1)) for i, label in enumerate(labels))


def _agrees(declared: Sequence[str], offset: int) -> bool:
    """Whether the file's labels are the printed numbers wherever a label is a number."""
    numeric = [(i, int(label)) for i, label in enumerate(declared) if label.isdigit()]
    return bool(numeric) and all(number == i + offset for i, number in numeric)


def _stated_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    for match in _RANGE.finditer(text):
        a, b = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        first, last = int(a), int(b)
        if first < last:
            out.append((first, last))
    return out


def _bounds(pages: Sequence[str], offset: int) -> tuple[int, int]:
    """The first and last page index that carry printed numbers: all pages whose number would
    be 1 or more, within a stated range that agrees with the offset when one of the first
    `_RANGE_PAGES` pages states one (an article's header or a cover; later, "see pp. 210–230"
    in a book's text is a cross-reference, not the book's extent)."""
    n = len(pages)
    first, last = max(0, 1 - offset), n - 1
    for index, text in enumerate(pages[:_RANGE_PAGES]):
        for start, end in _stated_ranges(text):
            begins = start - offset
            if 0 <= begins <= index and end - offset >= index:
                return max(first, begins), min(last, end - offset)
    return first, last
