"""DOIs as every stage compares them: the bare, lower-case `10.x/y` form."""

from __future__ import annotations

import re

_DOI_PREFIX = re.compile(
    r"^\s*(?:(?:https?://)?(?:dx\.)?doi\.org/|doi\s*:\s*|doi\s+|urn:doi:|info:doi/)", re.I
)
_DOI_CORE = re.compile(r"10\.\d{4,9}/\S+")


def normalize_doi(value: object) -> str:
    """'https://doi.org/10.1000/ABC.' -> '10.1000/abc'; '' when no DOI is recognisable.

    DOIs are case-insensitive by definition (DOI Handbook 2.4), so lowercase is safe.
    PubMed appends " [doi]" and exports sometimes list several DOIs: the first one wins.
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    text = _DOI_PREFIX.sub("", text)
    match = _DOI_CORE.search(text)
    if not match:
        return ""
    doi = match.group(0).rstrip(".,;)]}").lower()
    return doi.removesuffix("[doi]")
