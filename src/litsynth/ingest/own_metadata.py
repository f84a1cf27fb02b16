"""Names and years as a file states them about itself: a PDF's /Author, a Markdown note's YAML
front matter, an article page's <meta> tags. One reading for all three, so the same string
gives the same authors and year whatever kind of file carried it.

These are the fallbacks; the corpus sidecar and linked records override them.
"""

from __future__ import annotations

import re

_NAME_SEPARATOR = re.compile(r"\s*;\s*|\s+and\s+")
_BRACKETED = re.compile(r"\([^()]*\)")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def author_names(value: str) -> tuple[str, ...]:
    """ "Doe, Jane; Roe, R" or "Jane Doe and R Roe" -> the names, spaces normalised.

    Split on ";" and " and "; on commas only where every piece between them is a whole name
    of two words or more ("Viren Jain, H. Sebastian Seung"): "Doe, Jane" is one name. An
    affiliation in brackets after a name is left out.
    A piece without a letter ("", "&", "1") is no name.
    """
    names = []
    value = _BRACKETED.sub(" ", value)  # "Hector Garcia-Molina (Stanford Univ.)"
    for name in _NAME_SEPARATOR.split(" ".join(value.split())):
        pieces = [p.strip() for p in name.split(",")]
        whole = len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces if p)
        names.extend(pieces if whole else [name])
    return tuple(n for n in names if any(c.isalpha() for c in n))


def year_in(value: str) -> int | None:
    """The first plausible year (1500–2099) in a date string: "2021-05-03", "2021/05/03",
    "May 3, 2021", "c. 2019" -> the year; "last spring" -> None."""
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None
