"""Finding a record among all of a project's, by its words and where it stands.

A screening app's reference list is where a reviewer goes back to a record: the one a
colleague asks about ("did we exclude the Kumar trial?"), the ones excluded for a reason, the
conflicts of one source. The queue shows the next record only, and `export records` a whole
stage; this answers "which records, and what was decided" for a few words and a status, with
each record's decisions in the order they were made. Deciding again goes through
`screening_ops.record_decision`, as every decision does.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.export import ExportedRecord, with_decisions
from litsynth.biblio.record_fields import pmid_of
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, BibRecord, Decision
from litsynth.store import biblio as biblio_store
from litsynth.store import screening_log

# Where a record stands at a stage: the review's decision (screening_rules.effective), none
# yet, a disagreement, or — not a stage's own — a duplicate of another record (screened as
# its group's root) and, at full text, a record title/abstract screening did not include.
STATUSES = (
    "all", "undecided", "include", "exclude", "maybe", "conflict", "not-retrieved",
    "duplicate", "not-sought",
)  # fmt: skip
PAGE = 50


@dataclass(frozen=True)
class Finding:
    total: int  # records with the words (and source) at this status
    counts: dict[str, int]  # status → records with the words (and source), for the filter
    rows: list[ExportedRecord]  # the page asked for, in import order


def status(e: ExportedRecord, stage: str) -> str:
    if e.duplicate_of:
        return "duplicate"
    if stage == FULL_TEXT:
        if e.ta_decision != "include":
            return "not-sought"
        return e.ft_decision or "undecided"
    return e.ta_decision or "undecided"


def _root(term: str) -> str:
    """A typed word without the endings that keep it from its other forms: "nudges" and
    "nudge" find "nudging" too ("nudg"), "trials" finds "trial". Part of a word already
    counts, so only the end needs loosening; a short word stays whole."""
    for ending in ("s", "e"):
        if len(term) > 4 and term.endswith(ending):
            term = term[: -len(ending)]
    return term


def _text(e: ExportedRecord, pmid: bool) -> str:
    """The words a record is found by; its PubMed id only when a word is a number (it is
    looked up in the record's export fields, which costs a query over 17,432 records 30 ms)."""
    r = e.record
    parts = (r.id, r.title, r.abstract, " ".join(r.authors), r.journal, r.doi,
             str(r.year or ""), " ".join(r.keywords), r.source)  # fmt: skip
    return " ".join((*parts, pmid_of(r.extra)) if pmid else parts).casefold()


def _holds(text: str, terms: Sequence[str]) -> bool:
    return all(t in text for t in terms)


def find_records(
    rows: Sequence[ExportedRecord],
    *,
    words: str = "",
    stage: str = TITLE_ABSTRACT,
    status_is: str = "all",
    source: str = "",
    offset: int = 0,
    limit: int = PAGE,
) -> Finding:
    """The records holding every one of `words` (in title, abstract, authors, journal, DOI,
    PubMed id, year, keywords, id or source; any case; part of a word, and the word without a
    final "s" or "e", count) from `source`, at `status_is` for `stage`; "all"
    is every record but the duplicates, which are screened as their group's root."""
    terms = [_root(t) for t in words.casefold().split()]
    numbers = any(t.isdigit() for t in terms)
    matched = [
        e
        for e in rows
        if (not source or e.record.source == source)
        and (not terms or _holds(_text(e, numbers), terms))
    ]
    standing = [(e, status(e, stage)) for e in matched]
    counts = Counter(s for _e, s in standing)
    counts["all"] = len(matched) - counts["duplicate"]
    chosen = [
        e for e, s in standing if (s != "duplicate" if status_is == "all" else s == status_is)
    ]
    return Finding(len(chosen), dict(counts), chosen[offset : offset + limit])


@dataclass(frozen=True)
class Opened:
    """One record as the finder opens it."""

    here: ExportedRecord  # the record, where it stands at each stage, its full texts
    others: list[BibRecord]  # the rest of its duplicate group (its root first, if not it)
    log: list[Decision]  # every decision on its group's root, oldest first


def open_record(conn: sqlite3.Connection, record_id: str) -> Opened | None:
    """The record `record_id`, or None. A duplicate is screened as its group's root, so
    where it stands and its decisions are the root's."""
    rec = biblio_store.get_record(conn, record_id)
    if rec is None:
        return None
    group = next((g for g in biblio_store.duplicate_groups(conn) if rec.id in g), [rec.id])
    root = group[0]
    log = screening_log.log(conn, records=[root])
    files = biblio_store.full_text_paths(conn).get(rec.id, ())
    duplicate_of = "" if root == rec.id else root
    here = with_decisions(rec, duplicate_of, rules.effective(log), {}, files, decided_as=root)
    others = [r for rid in group if rid != rec.id and (r := biblio_store.get_record(conn, rid))]
    return Opened(here, others, log)


def row_json(e: ExportedRecord) -> dict[str, Any]:
    """A found record as the finder lists it (the workspace, `screen find --json`): where it
    stands at each stage, with the reason."""
    r = e.record
    return {
        "id": r.id,
        "title": r.title,
        "authors": list(r.authors[:3]) + (["…"] if len(r.authors) > 3 else []),
        "year": r.year,
        "journal": r.journal,
        "source": r.source,
        "duplicate_of": e.duplicate_of,
        "title_abstract": {"decision": status(e, TITLE_ABSTRACT), "reason": e.ta_reason},
        "full_text": {"decision": status(e, FULL_TEXT), "reason": e.ft_reason},
        "full_texts": len(e.full_texts),
    }


def history_json(log: Sequence[Decision]) -> list[dict[str, str]]:
    """A record's decisions in the order they were made, each with where it came from: an
    undo shows as "withdrawn", a decision made in another tool names it (`rules.made_in`)."""
    return [
        {
            "stage": d.stage,
            "decision": "withdrawn" if d.decision == rules.UNDECIDED else d.decision,
            "reviewer": d.reviewer,
            "reason": d.reason,
            "note": d.note,
            "at": d.at,
            "origin": d.origin,
            "made_in": rules.made_in(d),
        }
        for d in log
    ]
