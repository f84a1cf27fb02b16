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


# Registrants of preprint servers and repositories (bioRxiv and medRxiv, arXiv, SSRN, Research
# Square, OSF's servers, Preprints.org, Authorea, TechRxiv, ChemRxiv, EcoEvoRxiv, ESSOAr,
# Zenodo). A preprint and the article it became have different DOIs, yet a review may count
# them as one work, so a difference involving one of them settles nothing.
_PREPRINTS = (
    "10.1101/", "10.48550/", "10.2139/", "10.21203/", "10.31234/", "10.31219/", "10.31235/",
    "10.20944/", "10.22541/", "10.36227/", "10.26434/", "10.32942/", "10.1002/essoar",
    "10.5281/",
)  # fmt: skip
# Versions of one work under one DOI stem: Cochrane's updates (".pub2"), and the numbered
# versions of F1000Research, Wellcome Open Research and eLife's reviewed preprints (".2").
_VERSION = re.compile(r"\.pub\d+$|(?<=^10\.12688/)(.+)\.\d+$|(?<=^10\.7554/)(.+)\.\d+$")


def _stem(doi: str) -> str:
    """The DOI without a version suffix: '10.1002/14651858.cd006828.pub2' → '…cd006828'."""
    match = _VERSION.search(doi)
    if match is None:
        return doi
    return doi[: match.start()] + (match.group(1) or match.group(2) or "")


def dois_set_apart(a: str, b: str) -> bool:
    """Whether two records' DOIs show them to be different works.

    A DOI names one work, so two that differ do, unless the difference is one a review does
    not count: a version of the same DOI stem (a Cochrane update, an F1000 version), a part
    of the other (its supplement, '….s001'), or a preprint server's DOI beside a journal's.
    Missing on either side says nothing.
    """
    a, b = normalize_doi(a), normalize_doi(b)
    if not a or not b or a == b:
        return False
    if a.startswith(_PREPRINTS) or b.startswith(_PREPRINTS):
        return False
    a, b = _stem(a), _stem(b)
    short, long_ = sorted((a, b), key=len)
    return not (long_ == short or long_.startswith((short + ".", short + "/")))
