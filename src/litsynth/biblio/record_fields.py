"""Fields a database export gives beside the record's own: volume, issue, pages.

Exports name them differently (RIS `VL`, `IS`, `SP` and `EP`; BibTeX `volume`, `number`,
`pages`), and import keeps each as it came in the record's `extra`. Deduplication
(bib-dedupe's frame) and likeness (pages that differ) read them here, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

EXTRA_KEYS = {
    "volume": ("volume", "VL", "VI", "vl"),
    "number": ("number", "issue", "IS", "IP", "is"),
    "pages": ("pages", "PG", "page range", "pp"),
}
_PAGE_PAIRS = (("start_page", "end_page"), ("beginning_page", "ending_page"), ("SP", "EP"))


def extra_value(extra: Mapping[str, str], keys: Sequence[str]) -> str:
    """The first of `keys` the record's extra fields give a value for, else ""."""
    for key in keys:
        value = extra.get(key, "")
        if str(value).strip():
            return str(value).strip()
    return ""


def pages_of(extra: Mapping[str, str]) -> str:
    """A record's pages as its export gave them ("23-35", or first and last apart)."""
    pages = extra_value(extra, EXTRA_KEYS["pages"])
    if pages:
        return pages
    for start, end in _PAGE_PAIRS:
        first, last = extra.get(start, "").strip(), extra.get(end, "").strip()
        if first:
            return f"{first}--{last}" if last else first
    return ""
