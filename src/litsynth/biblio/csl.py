"""Records as CSL-JSON items: what Zotero, pandoc and every CSL processor read.

A CSL item is the one shape every citation style is written against, so it is both what
`export records --format json` hands to Zotero or pandoc and what `styled` formats a
reference list from. It keeps the record id as the item id, so a CSL-JSON file imported
into another project gives the same ids.

A record keeps its names as "Family, Given" (import made them so); a name without a comma
is an institution and goes out whole (`literal`), never split into a family name. MEDLINE's
bare initials ("JA") are spelled as initials ("J. A.") so that a style shortens them
rightly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from litsynth.biblio.normalize import normalize_authors
from litsynth.biblio.record_fields import (
    extra_value,
    issue_of,
    page_range,
    url_of,
    volume_of,
    work_kind,
)
from litsynth.records import BibRecord

# Each kind of work (`work_kind`) as a CSL item type.
_CSL_TYPE = {
    "article": "article-journal", "conference": "paper-conference", "book": "book",
    "chapter": "chapter", "thesis": "thesis", "report": "report", "web": "webpage",
    "unpublished": "manuscript", "patent": "patent", "dataset": "dataset", "misc": "document",
}  # fmt: skip
# CSL 1.0.2's item types: a record imported from CSL-JSON keeps its own.
CSL_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
})  # fmt: skip
# Where the name of what a work appeared in goes, by kind: a book's "journal" field holds its
# publisher (as BibTeX's writer reads it), a thesis's its university, a report's its
# institution.
_PUBLISHER_KINDS = frozenset({"book", "thesis", "report"})
# CSL variables a record may carry in its extra fields as they came (a CSL-JSON import keeps
# what it does not read there), written back as they are.
_KEPT = ("publisher-place", "edition", "event-title", "event-place", "genre", "ISBN", "ISSN",
         "PMID", "PMCID", "collection-title", "note")  # fmt: skip
_BARE_INITIALS = re.compile(r"^[A-Z]{1,3}$")


# Types that CSL and the databases both use, meaning different works: BibTeX's and Web of
# Science's "article" is a journal article (CSL's is a preprint or other stand-alone
# article), Web of Science's "Review" a review article (CSL's a review of another work).
_NOT_CSL_OWN = frozenset({"article", "review"})


def csl_type(rec: BibRecord) -> str:
    """The record's CSL type: its own when it is one (a CSL-JSON import), else its kind's."""
    own = rec.doc_type.strip().lower()
    if own in CSL_TYPES and own not in _NOT_CSL_OWN:
        return own
    return _CSL_TYPE[work_kind(rec.doc_type)]


def csl_name(name: str) -> dict[str, str]:
    """ "Family, Given" -> {"family", "given"}; "World Health Organization" -> {"literal"}."""
    family, comma, given = name.partition(",")
    if not comma:
        return {"literal": name.strip()}
    given = given.strip()
    if _BARE_INITIALS.match(given):  # MEDLINE's "Smith JA", imported as "Smith, JA"
        given = " ".join(f"{letter}." for letter in given)
    person = {"family": family.strip()}
    if given:
        person["given"] = given
    return person


def to_csl(rec: BibRecord) -> dict[str, object]:
    """One record as a CSL-JSON item, empty variables left out."""
    kind = work_kind(rec.doc_type)
    first, last = page_range(rec.extra)
    item: dict[str, object] = {
        "id": rec.id,
        "type": csl_type(rec),
        "title": rec.title,
        "author": [csl_name(a) for a in rec.authors],
        "issued": {"date-parts": [[rec.year]]} if rec.year else None,
        "DOI": rec.doi,
        "volume": volume_of(rec.extra),
        "issue": issue_of(rec.extra),
        "page": "-".join(p for p in (first, last) if p) or extra_value(rec.extra, ("page",)),
        "URL": url_of(rec.extra) or extra_value(rec.extra, ("URL",)),
        "publisher": extra_value(rec.extra, ("publisher", "PB")),
        "editor": _editors(rec.extra, kind),
        "abstract": rec.abstract,
        "keyword": ", ".join(rec.keywords),
        "language": rec.language,
    }
    if rec.journal:
        slot = "publisher" if kind in _PUBLISHER_KINDS else "container-title"
        item[slot] = item.get(slot) or rec.journal
    for key in _KEPT:
        item[key] = item.get(key) or extra_value(rec.extra, (key,))
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}


# RIS's secondary authors are a chapter's or a proceedings paper's editors; in a journal
# article's record a database may put anything there, so it is read for these kinds only.
_EDITED_KINDS = frozenset({"chapter", "conference"})


def _editors(extra: Mapping[str, str], kind: str) -> list[dict[str, str]]:
    """The editors of the book a chapter or paper appeared in, as CSL names: BibTeX's
    `editor` ("Ed, Alan and Other, Bea"), RIS `A2` for a chapter or proceedings paper, or a
    CSL-JSON import's own list (kept as JSON text)."""
    given = extra_value(extra, ("editor",))
    if not given and kind in _EDITED_KINDS:
        given = extra_value(extra, ("secondary_authors", "A2"))
    if given.startswith("["):
        try:
            people = json.loads(given)
        except json.JSONDecodeError:
            people = None
        if isinstance(people, list):
            return [
                p for p in people if isinstance(p, dict) and (p.get("family") or p.get("literal"))
            ]
    return [csl_name(name) for name in normalize_authors(given)] if given else []


def to_csl_json(records: Iterable[BibRecord]) -> str:
    """CSL-JSON text (an array of items), as Zotero imports it and pandoc's --citeproc reads."""
    return json.dumps([to_csl(r) for r in records], ensure_ascii=False, indent=2) + "\n"
