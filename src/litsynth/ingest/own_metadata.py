"""Names and years as a file states them about itself: a PDF's /Author, a Markdown note's YAML
front matter, an article page's <meta> tags. One reading for all three, so the same string
gives the same authors and year whatever kind of file carried it.

These are the fallbacks; the corpus sidecar and linked records override them.
"""

from __future__ import annotations

import re

_NAME_SEPARATOR = re.compile(r"\s*;\s*|\s+and\s+")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def author_names(value: str) -> tuple[str, ...]:
    """ "Doe, Jane; Roe, R" or "Jane Doe and R Roe" -> the names, spaces normalised.

    Split on ";" and " and " only: "Doe, Jane" is one name, and a comma list is ambiguous.
    A piece without a letter ("", "&", "1") is no name.
    """
    names = _NAME_SEPARATOR.split(" ".join(value.split()))
    return tuple(n for n in names if any(c.isalpha() for c in n))


def year_in(value: str) -> int | None:
    """The first plausible year (1500–2099) in a date string: "2021-05-03", "2021/05/03",
    "May 3, 2021", "c. 2019" -> the year; "last spring" -> None."""
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None
