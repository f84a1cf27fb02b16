"""Writing records back out as RIS (rispy) or BibTeX (bibtexparser), ids kept.

Used to hand a deduplicated set to a reference manager, and by the round-trip tests
(import → export → import keeps every record). The record id is written as RIS `ID` / the
BibTeX key, so re-importing the file gives the same ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from litsynth.biblio.record_fields import (
    extra_value,
    issue_of,
    page_range,
    url_of,
    volume_of,
    work_kind,
)
from litsynth.records import BibRecord

# Each kind of work (`work_kind`) as RIS and BibTeX type it, and the BibTeX field that names
# what it appeared in (a journal, proceedings, a book, the university…). BibTeX has no
# thesis, web page or dataset of its own: biblatex's names, which Zotero and JabRef read.
_RIS_TY = {
    "article": "JOUR", "conference": "CPAPER", "book": "BOOK", "chapter": "CHAP",
    "thesis": "THES", "report": "RPRT", "web": "ELEC", "unpublished": "UNPB", "patent": "PAT",
    "dataset": "DATA", "misc": "GEN",
}  # fmt: skip
_BIB_TYPE = {
    "article": "article", "conference": "inproceedings", "book": "book",
    "chapter": "incollection", "thesis": "thesis", "report": "techreport", "web": "online",
    "unpublished": "unpublished", "patent": "patent", "dataset": "dataset", "misc": "misc",
}  # fmt: skip
# The entry types a record may keep as it came (classic BibTeX's and biblatex's own).
_BIB_TYPES = {*_BIB_TYPE.values(), "inbook", "phdthesis", "mastersthesis", "proceedings",
              "collection", "manual", "booklet", "report", "conference"}  # fmt: skip
_BIB_CONTAINER = {
    "conference": "booktitle", "chapter": "booktitle", "book": "publisher", "thesis": "school",
    "report": "institution", "web": "organization",
}  # fmt: skip


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each entry (an Ovid habit, not RIS)."""

    def set_header(self, count: int) -> str:
        return ""


def _ris_type(doc_type: str) -> str:
    """The record's own RIS type when it is one (the database said so), else its kind's."""
    upper = doc_type.upper()
    if upper in rispy.TYPE_OF_REFERENCE_MAPPING:
        return upper
    return _RIS_TY[work_kind(doc_type)]


def _bib_type(doc_type: str) -> str:
    """The record's own BibTeX entry type when it is one we know, else its kind's."""
    lower = doc_type.lower()
    return lower if lower in _BIB_TYPES else _BIB_TYPE[work_kind(doc_type)]


def to_ris(records: Iterable[BibRecord]) -> str:
    """RIS text, one entry per record: TY, ID, TI, AU…, PY, DO, T2, VL, IS, SP, EP, M3, AB,
    LA, KW…, L1, DB."""
    entries = []
    for rec in records:
        entry: dict[str, object] = {
            "type_of_reference": _ris_type(rec.doc_type),
            "id": rec.id,
        }
        first, last = page_range(rec.extra)
        optional: dict[str, object] = {
            "title": rec.title,
            "authors": list(rec.authors),
            "year": str(rec.year) if rec.year else "",
            "doi": rec.doi,
            "secondary_title": rec.journal,
            # what a reference list needs beside the journal: VL, IS, SP, EP
            "volume": volume_of(rec.extra),
            "number": issue_of(rec.extra),
            "start_page": first,
            "end_page": last,
            "type_of_work": extra_value(rec.extra, ("type_of_work", "M3")),  # M3: "Erratum"
            "abstract": rec.abstract,
            "language": rec.language,
            "keywords": list(rec.keywords),
            "publisher": extra_value(rec.extra, ("publisher", "PB")),
            "urls": [url] if (url := url_of(rec.extra)) else [],
            "file_attachments1": rec.file,
            "notes": [rec.extra["note"]] if rec.extra.get("note") else [],  # N1, as BibTeX note
            # DB: where it was found, as EndNote's "Name of Database" keeps it, so a library
            # of these records can be imported again split by database (`--by-database`)
            "name_of_database": rec.source,
        }
        entry.update({k: v for k, v in optional.items() if v})
        entries.append(entry)
    return str(rispy.dumps(entries, implementation=_PlainRisWriter))


def _brace(value: str) -> str:
    """Balance a value's braces: an unmatched one is dropped or closed, never breaks the file."""
    depth = 0
    out = []
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + "}" * depth


_AND_WORD = re.compile(r"(?<!\S)and(?!\S)", re.I)


def _bib_name(name: str) -> str:
    """A name as BibTeX reads it back. A person is "Family, Given"; a name of several words
    without a comma is an institution, braced whole so that no word is taken for a family
    name. Any word "and" is braced too ("A, {AND}"): BibTeX splits names on it, in any case.
    """
    if "," not in name and " " in name.strip():
        return "{" + name + "}"
    return _AND_WORD.sub(lambda m: "{" + m.group(0) + "}", name)


def to_bibtex(records: Iterable[BibRecord]) -> str:
    """BibTeX text with the record id as key; authors joined by ' and ' as BibTeX wants."""
    library = bibtexparser.Library()
    for rec in records:
        values = {
            "title": rec.title,
            "author": " and ".join(_bib_name(a) for a in rec.authors),
            "year": str(rec.year) if rec.year else "",
            "doi": rec.doi,
            "journal": "",  # or the field that names what the work appeared in, below
            "publisher": extra_value(rec.extra, ("publisher", "PB")),
            "url": url_of(rec.extra),
            "volume": volume_of(rec.extra),
            "number": issue_of(rec.extra),
            "pages": "--".join(p for p in page_range(rec.extra) if p),
            "abstract": rec.abstract,
            "language": rec.language,
            "keywords": "; ".join(rec.keywords),
            "file": rec.file,
            "note": rec.extra.get("note", ""),  # e.g. the review's decisions (biblio.export)
        }
        container = _BIB_CONTAINER.get(work_kind(rec.doc_type), "journal")
        values[container] = values.get(container) or rec.journal
        # bibtexparser's writer adds the enclosing braces itself.
        fields = [Field(k, _brace(v)) for k, v in values.items() if v]
        library.add(Entry(_bib_type(rec.doc_type), rec.id, fields))
    return str(bibtexparser.write_string(library))
