"""How alike two records look, to put the duplicate pairs a person must settle in a useful order.

bib-dedupe links the pairs it is sure of and leaves its "maybe" pairs to people. On real
searches these are many and mostly different works (haematology, 1,414 records: 634 pairs, 30
of them duplicates), so their order decides how soon a reviewer meets the real ones. Ordered by
record id, 95 % of the duplicates among the maybe pairs of the labelled searches of
../shared/data/dedup-bibdedupe came only after 79, 85, 65, 50 and 100 % of the pairs
(cytology, haematology, respiratory, stroke, digital work); most alike first, after 20, 51,
33, 35 and 1 % (bench/bench_dedupe_order.py; weights chosen on these same searches:
development figures).

Likeness is a plain weighted sum a person can follow, 0 to 1:
- 0.6 × how alike the titles read (difflib's ratio over their lower-case words);
- 0.15 if the years agree, 0.15 if the first authors' family names agree;
- 0.1 × how much of the shorter journal name the longer spells out ("Ann Fr Anesth Reanim"
  and "Annales françaises d'anesthésie et de réanimation" agree word by word as prefixes).
A missing title or journal counts half. Then × 0.7 for first pages that differ and × 0.7
for DOIs that differ, where both records give them: two editorials of one journal and year
("Editorial", "Editorial", likeness 1.0 by the rest) are pages 1 and 85 of different issues.
It orders; it never decides.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from litsynth.biblio.record_fields import is_notice, pages_of
from litsynth.citations.names import name_key
from litsynth.records import BibRecord

_WORD = re.compile(r"[^\W_]+")
_FIRST_PAGE = re.compile(r"\s*([A-Za-z]*\d+|[ivxlcdm]+\b)", re.IGNORECASE)  # "e1234", "iii"
_DIFFERS = 0.7  # a first page or a DOI that differs


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    return _WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))


def _titles_alike(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.5
    return difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb), autojunk=False).ratio()


def _journals_alike(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.5
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return sum(any(w.startswith(s) for w in long_) for s in short) / len(short)


def _first_family(rec: BibRecord) -> str:
    """The first author's family name as every match in litsynth keys it (`name_key`)."""
    return name_key(rec.authors[0].split(",", 1)[0]) if rec.authors else ""


def _first_page(rec: BibRecord) -> str:
    match = _FIRST_PAGE.match(pages_of(rec.extra))
    return match.group(1).lower() if match else ""


def differing_facts(a: BibRecord, b: BibRecord) -> list[str]:
    """The facts both records give and disagree on, of "author" (the first author's family
    name), "year", "pages" (the first page) and "doi": what likeness weighs, named so the
    Duplicates screen marks exactly what the order counted against the pair. And "type" when
    one is a notice about a work (an erratum, a retraction) and the other is not: not weighed,
    but a reviewer must see it, for the notice is never the work's duplicate."""
    pairs = {
        "author": (_first_family(a), _first_family(b)),
        "year": (str(a.year or ""), str(b.year or "")),
        "pages": (_first_page(a), _first_page(b)),
        "doi": (a.doi.strip().lower(), b.doi.strip().lower()),
    }
    out = [fact for fact, (x, y) in pairs.items() if x and y and x != y]
    if is_notice(a) != is_notice(b):  # an erratum beside the article it corrects
        out.append("type")
    return out


def likeness(a: BibRecord, b: BibRecord) -> float:
    """How alike two records look, 0 to 1 (see the module docstring)."""
    family = _first_family(a)
    alike = (
        0.6 * _titles_alike(a.title, b.title)
        + 0.15 * (a.year is not None and a.year == b.year)
        + 0.15 * (bool(family) and family == _first_family(b))
        + 0.1 * _journals_alike(a.journal, b.journal)
    )
    differs = differing_facts(a, b)
    for fact in ("pages", "doi"):
        if fact in differs:
            alike *= _DIFFERS
    return round(alike, 4)


def differing_words(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where two texts differ, as character spans of each: the words one has and the other
    lacks, compared case-insensitively, so a person sees at a glance what sets two titles
    apart ("Erratum:", "(vol 360, pg 542, 2009)")."""
    spans_a = [(m.start(), m.end()) for m in _WORD.finditer(a)]
    spans_b = [(m.start(), m.end()) for m in _WORD.finditer(b)]
    words_a = [a[s:e].lower() for s, e in spans_a]
    words_b = [b[s:e].lower() for s, e in spans_b]
    out_a: list[tuple[int, int]] = []
    out_b: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out_a += spans_a[i1:i2]
            out_b += spans_b[j1:j2]
    return out_a, out_b
