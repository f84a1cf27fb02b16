"""Fields a database export gives beside the record's own: volume, issue, pages, work type.

Exports name them differently (RIS `VL`, `IS`, `SP` and `EP`; BibTeX `volume`, `number`,
`pages`), and import keeps each as it came in the record's `extra`. Deduplication
(bib-dedupe's frame) and likeness (pages that differ) read them here, in one place.

The work type is what the database says a record is beyond "an article": Scopus and Embase
put it in RIS `M3` ("Conference Paper", "Review", "Erratum"), Web of Science in `DT`
("Article; Meeting Paper"), MEDLINE in `PT` ("Journal Article; Review"). A screener excludes
letters, editorials and errata on sight, and a correction notice is never the same work as
the article it corrects, however alike their titles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from litsynth.records import BibRecord

EXTRA_KEYS = {
    "volume": ("volume", "VL", "VI", "vl", "biblio.volume"),  # last: OpenAlex
    # MEDLINE's IS is the ISSN and IP the issue; issue_of passes over an ISSN wherever it is
    "number": ("number", "issue", "IP", "IS", "is", "issue number", "biblio.issue"),
    "pages": ("pages", "PG", "page range", "pp", "pagination", "page"),  # Dimensions; CSL-JSON
}
_PAGE_PAIRS = (
    ("start_page", "end_page"), ("beginning_page", "ending_page"), ("SP", "EP"),
    ("page start", "page end"),  # Scopus's CSV
    ("start page", "end page"),  # IEEE Xplore's and Lens.org's CSV
    ("first page", "last page"),  # Embase's
    ("biblio.first_page", "biblio.last_page"),  # OpenAlex's
    ("BP", "EP"),  # Web of Science's tab-delimited
    ("start page", "other pages"),  # RefWorks': the first page, or the only one in the second
)  # fmt: skip


_ARTICLE_NUMBER = ("custom7", "article_number", "art. no.", "article number", "AR")


def extra_value(extra: Mapping[str, str], keys: Sequence[str]) -> str:
    """The first of `keys` the record's extra fields give a value for, else "". A sheet keeps
    its own header's case ("Volume", "Page start" in Scopus's CSV), so case is not matched.
    A sheet's empty cell read as "nan" (pandas' missing value) is no value either."""
    lowered: dict[str, str] | None = None
    for key in keys:
        value = extra.get(key, "")
        if not str(value).strip():
            if lowered is None:
                lowered = {k.strip().lower(): v for k, v in extra.items()}
            value = lowered.get(key.lower(), "")
        if str(value).strip() and str(value).strip().lower() != "nan":
            return str(value).strip()
    return ""


def pages_of(extra: Mapping[str, str]) -> str:
    """A record's pages as its export gave them ("23-35", or first and last apart)."""
    pages = extra_value(extra, EXTRA_KEYS["pages"])
    if pages:
        return pages
    # CINAHL gives the first page and how many there are
    first, count = extra_value(extra, ("first page",)), extra_value(extra, ("page count",))
    if first.isdigit() and count.isdigit() and int(count) > 1:
        return f"{first}--{int(first) + int(count) - 1}"
    alone = ""  # a first page without its last, unless another pair gives both
    for start, end in _PAGE_PAIRS:
        first, last = extra_value(extra, (start,)), extra_value(extra, (end,))
        if first and last:
            return f"{first}--{last}" if last != first else first
        alone = alone or first or (last if end == "other pages" else "")
    if alone:
        return alone
    # An online-only article has an article number where pages would be ("e15453"): RIS C7
    # (Scopus, EndNote), Web of Science's AR, Scopus's CSV "Art. No."
    return extra_value(extra, _ARTICLE_NUMBER) or _cited(extra)[2]


# PubMed's CSV gives volume, issue and pages only in its citation: "Eur J Med Genet. 2020
# Feb;63(2):103640. doi: …"; "Nature. 2001;410(6824):33-4."
_CITATION = re.compile(r";\s*([^\s();:]+)(?:\(([^)]*)\))?:\s*([^\s.;]+)")


def _cited(extra: Mapping[str, str]) -> tuple[str, str, str]:
    """(volume, issue, pages) of the record's PubMed-style citation, "" each when none."""
    citation = extra_value(extra, ("citation",))
    match = _CITATION.search(citation) if citation else None
    if match is None:
        return "", "", ""
    volume, issue, pages = match.groups()
    return volume, issue or "", pages


# Where exports keep the PubMed id: MEDLINE's PMID, PubMed's, Lens.org's and Rayyan's CSV,
# Scopus's and the Cochrane Library's "PubMed ID", abstrackr's "pubmed id" ("0" or "none"
# when it has none), Web of Science's PM, OpenAlex's ids.pmid (a pubmed.ncbi.nlm.nih.gov link).
_PMID_KEYS = ("pmid", "pubmed id", "pubmed_id", "pm", "ids.pmid")
_PMID = re.compile(r"(?:^|/|\s)([1-9]\d{0,8})/?$")
_PUBMED_LINK = re.compile(r"ncbi\.nlm\.nih\.gov/(?:pubmed/)?([1-9]\d{0,8})\b")


def pmid_of(extra: Mapping[str, str]) -> str:
    """The record's PubMed id as digits, "" when it has none. Read for every record a search
    looks through (the finder: 17,432 records a query), so the keys are lowered once."""
    lowered = {k.strip().lower(): str(v) for k, v in extra.items()}
    for key in _PMID_KEYS:
        match = _PMID.search(lowered.get(key, "").strip())
        if match:
            return match.group(1)
    cochrane = lowered.get("custom3", "")  # the Cochrane Library's RIS: "PUBMED 21314913"
    match = _PMID.search(cochrane.strip()) if cochrane.upper().startswith("PUBMED") else None
    if match is None:  # EndNote's and Zotero's links: "https://pubmed.ncbi.nlm.nih.gov/26931115/"
        links = " ".join(lowered.get(k, "") for k in ("urls", "url", "ur"))
        match = _PUBMED_LINK.search(links) if "ncbi" in links else None
    return match.group(1) if match else ""


def volume_of(extra: Mapping[str, str]) -> str:
    return extra_value(extra, EXTRA_KEYS["volume"]) or _cited(extra)[0]


def issue_of(extra: Mapping[str, str]) -> str:
    """The issue, never an ISSN: PubMed's .nbib tags the ISSN "IS" ("1878-0849
    (Electronic)"), which RIS and other exports use for the issue."""
    for key in EXTRA_KEYS["number"]:
        value = extra_value(extra, (key,))
        if value and not _ISSN.match(value):
            return value
    return _cited(extra)[1]


_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx](?:\s|$)")


def page_range(extra: Mapping[str, str]) -> tuple[str, str]:
    """(first page, last page) of `pages_of`, the last "" when not given: what RIS's SP and EP
    want apart ("47--65", "47-65" and "47–65" alike; "e94700" is a first page alone)."""
    parts = _PAGE_SEP.split(pages_of(extra), maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


_PAGE_SEP = re.compile(r"\s*(?:-+|–|—)\s*")


# Types that say nothing beyond "a record of a journal", as the formats spell them.
_PLAIN_TYPES = frozenset(
    {"", "article", "journal article", "jour", "jfull", "j", "journal", "gen", "misc", "generic"}
)
# Format codes (RIS TY, BibTeX entry types) in words.
_TYPE_WORDS = {
    "chap": "Book Chapter", "incollection": "Book Chapter", "inbook": "Book Chapter",
    "book": "Book", "conf": "Conference Paper", "cpaper": "Conference Paper",
    "inproceedings": "Conference Paper", "thes": "Thesis", "phdthesis": "Thesis",
    "mastersthesis": "Thesis", "rprt": "Report", "techreport": "Report", "elec": "Web Page",
}  # fmt: skip
# Notices about another work: never that work's duplicate.
NOTICE_TYPES = frozenset(
    {"erratum", "published erratum", "correction", "corrigendum", "retraction",
     "retraction of publication", "retracted publication", "expression of concern",
     "comment", "letter", "editorial", "editorial material", "note"}
)  # fmt: skip


def work_type(doc_type: str, extra: Mapping[str, str]) -> str:
    """What the record is, in the database's words, when that says more than "article": ""
    for a plain journal article. `doc_type` is the format's own type field (RIS TY, WoS DT,
    MEDLINE PT, BibTeX entry type); Scopus's and Embase's RIS give the finer one in M3."""
    given = extra_value(extra, ("type_of_work", "M3", "work_type", "document_type")) or doc_type
    kept = []
    for part in given.replace("|", ";").split(";"):
        word = part.strip()
        name = _TYPE_WORDS.get(word.lower(), word)
        if name.islower():  # import lower-cases some formats' types: "erratum" as "Erratum"
            name = name[0].upper() + name[1:]
        if name.lower() not in _PLAIN_TYPES and name not in kept:
            kept.append(name)
    return "; ".join(kept)


# "Erratum: Eculizumab for …", "Correction to: …", "Retracted: …": a notice by its title, in
# exports that give no type (the bib-dedupe haematology set has such Embase records).
# Springer Nature titles theirs "Author Correction: …" and "Publisher Correction: …".
_NOTICE_TITLE = re.compile(
    r"^\W*(?:(?:author|publisher)(?:'s)?\s+)?"
    r"(?:erratum|errata|correction|corrigendum|retraction|retracted|expression of concern)"
    r"\b\s*(?:to|of|notice|note)?\s*[:.\-–—]",
    re.I,
)


def notice_by_title(title: str) -> bool:
    """Whether a title names a notice about another work ("Erratum: …", "Author Correction:
    …", "Retraction Note: …"). Unlike a database's type, every export keeps the title."""
    return bool(_NOTICE_TITLE.match(title or ""))


def is_notice(rec: BibRecord) -> bool:
    """A notice about another work (an erratum, a retraction, a comment), by the database's
    work type or by its title."""
    kind = work_type(rec.doc_type, rec.extra)
    by_type = any(part.strip().lower() in NOTICE_TYPES for part in kind.split(";"))
    return by_type or notice_by_title(rec.title)


# What kind of work a record is, from its format's type (RIS TY, BibTeX or biblatex entry
# type, Web of Science DT, lower-cased as import keeps it): what a reference manager needs to
# file it as the right kind of item. Anything else is a journal article, as the formats'
# own readers assume.
_KIND_OF = {
    "conference": ("conf", "cpaper", "inproceedings", "conference", "proceedings paper"),
    "book": ("book", "ebook", "edbook", "collection", "mvbook", "booklet", "proceedings"),
    "chapter": ("chap", "echap", "inbook", "incollection", "bookinbook", "book chapter"),
    "thesis": ("thes", "phdthesis", "mastersthesis", "thesis"),
    "report": ("rprt", "govdoc", "techreport", "report", "manual"),
    "web": ("elec", "web", "blog", "online", "electronic", "www"),
    "unpublished": ("unpb", "unpd", "manscpt", "unpublished"),
    "patent": ("pat", "patent"),
    "dataset": ("data", "dataset"),
    "misc": ("gen", "misc"),
}
_KIND = {code: kind for kind, codes in _KIND_OF.items() for code in codes}


def work_kind(doc_type: str) -> str:
    """The kind of work ("article", "conference", "book", "chapter", "thesis", "report",
    "web", "unpublished", "patent", "dataset" or "misc") a record's type names. Web of
    Science's "Article; Proceedings Paper" is a journal article from a meeting: the first
    part decides."""
    return _KIND.get(doc_type.split(";")[0].strip().lower(), "article")


def url_of(extra: Mapping[str, str]) -> str:
    """The record's web address as its export gave it (RIS UR, BibTeX url), the first of
    several."""
    return extra_value(extra, ("url", "urls", "UR", "link")).split(";")[0].strip()
