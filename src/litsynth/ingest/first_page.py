"""A PDF's title read off its first page: the text set in the largest type.

Half the papers a reviewer downloads have no /Title in their document info (LaTeX leaves it
empty unless the author sets it), and a citation that falls back to "2206.10883v3.pdf" is no
citation. Every paper prints its title on page 1 in the largest type, so that is read instead,
through pypdf's text visitor, which reports each run of text with its font size and matrix.

Only horizontal text counts (arXiv's margin stamp is rotated), sizes are the effective ones
(font size scaled by the text and graphics matrices), and the title must stand out: at least
15 % larger than the size most of the page's text is set in. Small capitals ("LongEval" set as
"L" + "ONG" + "E" + "VAL") sit between title-sized runs and are kept. A first page with no
such run (a table, a scanned cover) gives no title rather than a guess.

The year comes from what page 1 prints about the paper itself, never from the years it cites:
arXiv's margin stamp (arXiv:2206.10883 was first posted in 2022), a proceedings footer
("Proceedings of NAACL-HLT 2018, pages 84–91"), a journal's header in the page's first lines
("Journal of Physics: Conference Series 2188 (2022) 012011"), else a copyright line ("©2020
Association for Computational Linguistics"), else what a journal prints about the issue in
the page's head or foot ("Postgrad Med J 2010;86:272e278", "VOL. 7, NO. 5, OCTOBER 1997")
or the venue a preprint is to appear in ("To appear in OSDI 2006"). The footer goes before
the copyright line because ACL's 2018 footers print "©2017".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from litsynth.citations.doi import normalize_doi

STAND_OUT = 1.15  # the title's type over the body's
SMALL_CAPS = 0.7  # runs this much smaller between title runs are part of it
MIN_CHARS, MAX_CHARS = 8, 300
_YEAR_LINES = (
    # arXiv's margin stamp "arXiv:YYMM.NNNNNvN [cs.CL] …": YYMM is the first version's month.
    # The [category] makes it the stamp, not an arXiv paper cited in a footnote. OCR reads
    # the rotated "arXiv:" apart from the rest, so a line may also start with the number.
    re.compile(r"(?:\barXiv:|^)(\d\d)(?:0[1-9]|1[0-2])\.\d{4,5}(?:v\d+)?\s*\[", re.M),
    # "Proceedings of the 30th VLDB Conference,⏎Toronto, Canada, 2004": the place may wrap.
    re.compile(r"\bProceedings of\b[^\n]{0,200}?(?:,[ \t]*\n[^\n]{0,60}?)?\b((?:19|20)\d\d)\b"),
    # A journal's running header: "Journal of Physics: Conference Series 2188 (2022) 012011",
    # "Computers & Education 142 (2019) 103642": a volume, then the year in brackets. Only in
    # the page's first lines (a header), where no reference is printed.
    re.compile(
        r"\A(?:[^\n]*\n){0,11}?[^\n]*\b(?:Journal|Transactions|Letters|Series|Review|Annals"
        r"|Bulletin|Education|Research|Science|Medicine)\b[^\n]{0,60}?\b\d{1,4}\s*"
        r"\(((?:19|20)\d\d)\)"
    ),
    re.compile(r"(?:©|\(c\)|\bCopyright\b)\s*(?:©\s*)?((?:19|20)\d\d)\b", re.IGNORECASE),
)
_YEAR = r"((?:19|20)\d\d)"
# What a journal prints about the issue in a page's head or foot, where no reference is: the
# year next to the volume ("International Psychogeriatrics (2014), 26:1", "Postgrad Med J
# 2010;86:272e278", "VOL. 7, NO. 5, OCTOBER 1997", "January 2007, Volume 18, Issue 3",
# "Volume 2010, Article ID 157939"), or the venue a preprint is to appear in ("To appear in
# OSDI 2006", "11th ZEUS Workshop, ZEUS 2019").
_ISSUE_LINES = (
    re.compile(rf"\({_YEAR}\)\s*,?\s*\d{{1,4}}\s*[,:(]"),
    re.compile(rf"\b{_YEAR}\s*;\s*\d{{1,4}}\s*[:(]"),
    re.compile(rf"\bvol(?:ume)?\.?\s*\d{{1,4}}\b[^\n]{{0,40}}?\b{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}\s*,\s*vol(?:ume)?\.?\s*\d{{1,4}}\b", re.I),
    re.compile(rf"\bvolume\s+{_YEAR}\s*,\s*article\b", re.I),
    re.compile(rf"\bto appear in\b[^\n]{{0,80}}?\b{_YEAR}\b", re.I),
    # "Dhaka Univ. J. Pharm. Sci. 8(1): 7-10, 2009": volume(issue): pages, year
    re.compile(rf"\b\d{{1,4}}\s*\(\d{{1,4}}\)\s*:\s*\d+\s*[-–]\s*\d+\s*,\s*{_YEAR}\b"),
    re.compile(rf"\b(?:workshop|conference|symposium)\b[^\n]{{0,60}}?\b{_YEAR}\b", re.I),
)
_HEAD_LINES, _FOOT_LINES = 12, 8
# ACM's permission block, wherever the column puts it: "CHI 2013 Extended Abstracts, April
# 27–May 2, 2013, Paris, France." over "ACM 978-1-4503-1952-2/13/04."
_ACM_BLOCK = re.compile(
    rf"\b[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\s*[–-]\s*(?:[A-Z][a-z]{{2,8}}\.?\s+)?\d{{1,2}},\s*"
    rf"{_YEAR}\b[^\n]*\n[^\n]*\bACM\b"
)
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")


# " - Circuits and Systems for Video Technology, IEEE Transactions on": IEEE Xplore's /Title
# carries the journal after the title.
_APPENDED = re.compile(
    r"\s+[-–]\s+[^-–]*\b(?:IEEE|Transactions|Journal|Proceedings|Conference|Letters)\b[^-–]*$"
)
_VENUE = re.compile(r"(?:proceedings of|journal of|transactions on)\b", re.I)
_ARTICLE_TYPE = re.compile(
    r"^(?:research|review|original|short|brief)\s+(?:article|paper|research|report"
    r"|communication)\s*[:.\-–]?\s+(?=\S)",
    re.I,
)


@dataclass(frozen=True)
class Run:
    """One piece of text as pypdf draws it: its characters, effective size and baseline."""

    text: str
    size: float
    y: float


def run_recorder() -> tuple[list[Run], Callable[..., None]]:
    """A list and a pypdf `visitor_text` that fills it with the page's horizontal text runs in
    drawing order. Passed to the page's one `extract_text`, so the title costs no second
    reading of page 1."""
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text or not text.strip():
            return
        try:
            a, b, c, d, e, f = (float(x) for x in tm)
            ca, cb, cc, cd, _ce, cf = (float(x) for x in cm)
            scale = float(size or 0.0)
        except (TypeError, ValueError):  # a malformed matrix: the run has no size, the text stays
            return
        m = (a * ca + b * cc, a * cb + b * cd, c * ca + d * cc, c * cb + d * cd)
        if abs(m[1]) > 1e-6 or m[0] <= 0:  # rotated or mirrored: a margin stamp, not a title
            return
        y = e * cb + f * cd + cf
        runs.append(Run(text, round(scale * math.hypot(m[2], m[3]), 1), y))

    return runs, visit


def title_from_runs(runs: list[Run]) -> str:
    """The largest-type text, if it stands out from the body's type; else ""."""
    sized = [r for r in runs if r.size > 0]
    worded = [r for r in sized if sum(ch.isalpha() for ch in r.text) >= 2]
    if not worded:
        return ""
    weight: dict[float, int] = {}
    for r in worded:
        weight[r.size] = weight.get(r.size, 0) + len(r.text)
    body = max(weight, key=lambda s: weight[s])
    top = max(r.size for r in worded)
    if top < body * STAND_OUT:
        return ""
    at = [i for i, r in enumerate(sized) if abs(r.size - top) < 0.6]
    parts: list[str] = []
    previous: Run | None = None
    for r in sized[at[0] : at[-1] + 1]:
        if r.size < top * SMALL_CAPS:
            continue
        if previous is not None and abs(r.y - previous.y) > 1:
            parts.append(" ")  # a new line of the title
        parts.append(r.text)
        previous = r
    title = " ".join("".join(parts).split()).strip(" :;,.-–—")
    if not MIN_CHARS <= len(title) <= MAX_CHARS or len(title.split()) < 2:
        return ""
    return title


def trusted_title(own: str, first_page: str) -> str:
    """The file's own /Title when it is this paper's title: shaped like one (two words, eight
    characters) and printed on page 1 (four in five of its words of three letters or more),
    cut of what publishers append to it; else "".

    A /Title is often not the title: a production code ("ipg1300180a", "OECS12_abstract_
    Muller1"), a running number, "doi:", the journal ("AI Magazine"), the proceedings
    ("Proceedings of the 45th Annual Meeting of the …"), or another paper's, copied with
    the volume's template. The words of a paper's title are on its first page; those are not.
    """
    title = _APPENDED.sub("", own).strip()
    words = _words(title)
    if len(title) < MIN_CHARS or len(title.split()) < 2 or not words:
        return ""
    if _VENUE.match(title):
        return ""
    page = set(_words(first_page))
    return title if sum(w in page for w in words) >= 0.8 * len(words) else ""


def _words(text: str) -> list[str]:
    """Words of three letters or more, compared as read ("ﬁ" as "fi", any case)."""
    return re.findall(r"[^\W\d_]{3,}", unicodedata.normalize("NFKC", text).casefold())


def without_article_type(title: str) -> str:
    """ "Research Article Patient Experiences of …" → "Patient Experiences of …": the label
    some publishers set above the title, in the title's type."""
    return _ARTICLE_TYPE.sub("", title)


def printed_doi(text: str) -> str:
    """The paper's DOI as page 1 (`text`) prints it (a journal's header or footer, "https://
    doi.org/…" under the ACM reference format): the one DOI the page prints, else the one in
    its first lines; "" when several compete (a footnote citing a data set, say)."""
    found = _dois(text)
    if len(found) == 1:
        return found[0]
    in_head = _dois("\n".join(text.splitlines()[:_HEAD_LINES]))
    return in_head[0] if len(in_head) == 1 else ""


def _dois(text: str) -> list[str]:
    """The distinct DOIs in `text`; one cut by a line break ("10.1371/journal.") is the
    start of another found, not a DOI of its own."""
    found = list(dict.fromkeys(normalize_doi(m.group(0)) for m in _DOI.finditer(text)))
    return [d for d in found if d and not any(o != d and o.startswith(d) for o in found)]


def printed_year(text: str) -> int | None:
    """The paper's year as page 1 (`text`, as extracted) states it, or None."""
    latest = datetime.now(UTC).year + 1
    for i, pattern in enumerate(_YEAR_LINES):
        match = pattern.search(text)
        if match:
            year = 2000 + int(match.group(1)) if i == 0 else int(match.group(1))
            if 1900 <= year <= latest:
                return year
    lines = [line for line in text.splitlines() if line.strip()]
    edges = "\n".join(lines[:_HEAD_LINES] + lines[_HEAD_LINES:][-_FOOT_LINES:])
    for pattern in _ISSUE_LINES:
        for match in pattern.finditer(edges):
            if 1900 <= int(match.group(1)) <= latest:
                return int(match.group(1))
    acm = _ACM_BLOCK.search(text)
    return int(acm.group(1)) if acm and 1900 <= int(acm.group(1)) <= latest else None
