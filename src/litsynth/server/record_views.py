"""The workspace's views of bibliographic records: one record to screen, one pair to settle.

Each is the JSON a screen draws, built here from the stage's own functions so the page shows
what the command line would (`screen next`, `dedupe --uncertain`).
"""

from __future__ import annotations

import sqlite3

from litsynth.biblio import dedupe
from litsynth.biblio.abstract_sections import abstract_sections
from litsynth.biblio.encoding_repair import REPAIRED
from litsynth.biblio.highlight import screening_marks
from litsynth.biblio.likeness import differing_facts, differing_words
from litsynth.biblio.record_fields import pages_of, work_type
from litsynth.config import ScreeningSettings
from litsynth.records import BibRecord
from litsynth.store import biblio as biblio_store
from litsynth.store import documents as doc_store


def record_json(
    rec: BibRecord, documents: list[dict[str, str]], settings: ScreeningSettings
) -> dict[str, object]:
    """A record to screen: its sections and the screening terms marked in them, and the
    documents linked to it."""
    return {
        "id": rec.id,
        "full_texts": documents,
        "title": rec.title,
        "title_marks": screening_marks(rec.title or "", settings),
        "abstract": rec.abstract,
        # a structured abstract's sections, each under its label (one unlabelled otherwise),
        # with the screening terms marked in its text
        "sections": [
            {"label": s.label, "text": s.text, "marks": screening_marks(s.text, settings)}
            for s in abstract_sections(rec.abstract or "")
        ],
        "authors": list(rec.authors),
        "year": rec.year,
        "journal": rec.journal,
        "type": work_type(rec.doc_type, rec.extra),  # "Erratum", "Review": "" for an article
        "doi": rec.doi,
        "keywords": list(rec.keywords),
        "keyword_marks": [screening_marks(k, settings) for k in rec.keywords],
        # the fields an import repaired (mojibake in the export), "title, abstract"
        "repaired": rec.extra.get(REPAIRED, ""),
    }


def _side(rec: BibRecord, differs: list[tuple[int, int]]) -> dict[str, object]:
    return {
        "id": rec.id,
        "source": rec.source,
        "title": rec.title,
        "title_differs": differs,  # the words the other title lacks, as character spans
        "authors": list(rec.authors),
        "year": rec.year,
        "journal": rec.journal,
        "type": work_type(rec.doc_type, rec.extra),
        "doi": rec.doi,
        "pages": pages_of(rec.extra).replace("--", "–"),  # BibTeX's "47--65", as printed
        "abstract": rec.abstract,
    }


def next_pair(conn: sqlite3.Connection, known: dict[tuple[str, str], float]) -> dict[str, object]:
    """The most alike unresolved maybe pair (as `litsynth dedupe --uncertain` lists them),
    with how many remain and how many a person has settled; `known` is the likeness kept
    between requests (`dedupe.ranked_uncertain`)."""
    pairs = dedupe.ranked_uncertain(conn, known)
    settled = len(biblio_store.resolutions(conn))
    a = b = None
    if pairs:
        a = biblio_store.get_record(conn, pairs[0][0])
        b = biblio_store.get_record(conn, pairs[0][1])
    if a is None or b is None:
        return {"pair": None, "remaining": 0, "settled": settled}
    differs_a, differs_b = differing_words(a.title, b.title)
    pair = {
        "a": _side(a, differs_a),
        "b": _side(b, differs_b),
        "likeness": pairs[0][2],
        "differs": differing_facts(a, b),  # what the order counted against the pair
    }
    return {"pair": pair, "remaining": len(pairs), "settled": settled}


def papers_only(conn: sqlite3.Connection) -> bool:
    """Whether the project has passages to read and no records to screen: its first screen
    is then Read & code, not an empty Screening screen."""
    return not biblio_store.count_by_source(conn) and doc_store.has_chunks(conn)
