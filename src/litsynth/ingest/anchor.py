"""Find a passage of one reading of a document in another reading of it.

A reviewer's codings point at character offsets in a document's text. When the text changes
(the file was replaced by the publisher's version, or a better reader parsed it again: glued
words split, a running header taken out of a paragraph, small capitals joined) the offsets no
longer hold, but the words mostly do. So a span is looked up by its words, not its offsets:

- both texts are compared on their letters and digits only (NFKC, lower case), so spaces
  added or removed, line-end hyphens, ligatures and punctuation do not matter;
- a span found more than once is placed where its surrounding words match best, then where
  its relative position in the document is nearest;
- a long span whose middle changed (a header line taken out) is placed by its first and last
  words, if what lies between them is still mostly the same text (`similarity`).

Pure functions over strings; `carry` decides what to do with what is found.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 48  # letters of surrounding text compared when a span is found more than once
ENDS = 40  # letters at each end of a long span, looked up on their own when the whole is not
MIN_SIMILARITY = 0.8  # a span placed by its ends must be this much the same text


@dataclass(frozen=True)
class Letters:
    """A text's letters and digits, lower-cased, with where each came from in the text."""

    text: str
    at: tuple[int, ...]  # at[i] is the offset in the original text of text[i]
    source: str  # the original text


@dataclass(frozen=True)
class Placed:
    """Where a span of the old text lies in the new one; similarity 1.0 when word for word."""

    start: int
    end: int
    similarity: float


def letters(text: str) -> Letters:
    out: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isalnum():
                out.append(ch.lower())
                at.append(i)
            continue
        for part in unicodedata.normalize("NFKC", ch):
            if part.isalnum():
                for low in part.lower():
                    out.append(low)
                    at.append(i)
    return Letters("".join(out), tuple(at), text)


def place(old: Letters, new: Letters, start: int, end: int) -> Placed | None:
    """Where old text[start:end] lies in the new text, or None if its words are not there."""
    lo, hi = _letter_range(old, start, end)
    needle = old.text[lo:hi]
    if not needle:
        return None
    lead = old.source[start : old.at[lo]]  # the quotation marks, brackets or stop around it
    trail = old.source[old.at[hi - 1] + 1 : end]
    found: Placed | None = None
    where = _best(old, new, lo, hi, _occurrences(new.text, needle))
    if where is not None:
        found = Placed(new.at[where], new.at[where + len(needle) - 1] + 1, 1.0)
    elif len(needle) >= 2 * ENDS:
        found = _by_ends(old, new, lo, hi)
    return found and _with_ends(found, new.source, lead, trail)


def _with_ends(found: Placed, text: str, lead: str, trail: str) -> Placed:
    """The placed span with the punctuation the old one had around its letters, if it is
    there in the new text too."""
    start, end = found.start, found.end
    if lead and text[start - len(lead) : start] == lead:
        start -= len(lead)
    if trail and text[end : end + len(trail)] == trail:
        end += len(trail)
    return Placed(start, end, found.similarity)


def _letter_range(text: Letters, start: int, end: int) -> tuple[int, int]:
    """The letters [lo, hi) that fall inside the character span [start, end)."""
    return bisect_left(text.at, start), bisect_left(text.at, end)


def _occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    i = haystack.find(needle)
    while i >= 0:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def _best(old: Letters, new: Letters, lo: int, hi: int, candidates: list[int]) -> int | None:
    """The candidate whose surroundings match the old span's best, then nearest in place."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    before = old.text[max(0, lo - CONTEXT) : lo]
    after = old.text[hi : hi + CONTEXT]
    relative = lo / max(1, len(old.text))

    def score(i: int) -> tuple[int, float]:
        j = i + (hi - lo)
        shared = _common_suffix(before, new.text[max(0, i - CONTEXT) : i])
        shared += _common_prefix(after, new.text[j : j + CONTEXT])
        return shared, -abs(i / max(1, len(new.text)) - relative)

    return max(candidates, key=score)


def _by_ends(old: Letters, new: Letters, lo: int, hi: int) -> Placed | None:
    """Place a long span by its first and last letters, when its middle changed."""
    head, tail = old.text[lo : lo + ENDS], old.text[hi - ENDS : hi]
    heads = _occurrences(new.text, head)
    first = _best(old, new, lo, lo + ENDS, heads)
    if first is None:
        return None
    length = hi - lo
    window = new.text[first : first + 2 * length]
    tails = [first + i for i in _occurrences(window, tail) if i >= ENDS // 2]
    if not tails:
        return None
    last = min(tails, key=lambda i: abs(i + ENDS - first - length)) + ENDS
    similarity = SequenceMatcher(None, old.text[lo:hi], new.text[first:last], False).ratio()
    if similarity < MIN_SIMILARITY:
        return None
    return Placed(new.at[first], new.at[last - 1] + 1, round(similarity, 3))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def best_overlap(start: int, end: int, spans: list[tuple[str, int, int]]) -> str | None:
    """The id of the span (id, start, end) that shares the most characters with [start, end)."""
    best, most = None, 0
    for span_id, s, e in spans:
        shared = min(end, e) - max(start, s)
        if shared > most:
            best, most = span_id, shared
    return best
