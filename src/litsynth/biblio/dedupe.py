"""Linking duplicate records to a root: bib-dedupe finds the pairs, people settle the doubts.

Why bib-dedupe rather than our own matcher: it is the best public result on the labelled
benchmark (F1 0.997 with zero false positives over 13.7k records; see bench/bench_dedupe.py
for our own run through this pipeline), MIT-licensed, and its rules (DOI, container title,
volume/pages, author and title similarity) encode years of curation we could not match here.

The flow is three pure steps around one library call:

    records --records_frame--> DataFrame --bib-dedupe prep/block/match--> pairs (duplicate|maybe)
    pairs + human verdicts --group--> {duplicate id: (root id, note)}

Grouping is a union-find over the pairs in a fixed order — human "same" verdicts first, then
the matcher's pairs — that refuses any union which would put two records a person called
"different" into one group, so a verdict is obeyed even when a chain of other pairs would
connect them. The root of a group is its earliest-imported record (batch import time, then
position in the file): a later import can then never demote a record that was already
screened. Nothing is deleted; re-running gives the same groups (tested).

`--from-column COL` uses a dataset's own duplicate marks instead of the matcher (Nagtegaal's
`duplicate_record_id`): the row holding a value is the duplicate of the row it names, and
that named row stays the root, so counts match the dataset's exactly.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING

from litsynth.biblio.likeness import likeness
from litsynth.biblio.record_fields import (
    EXTRA_KEYS,
    extra_value,
    issue_of,
    notice_by_title,
    pages_of,
)
from litsynth.citations.doi import dois_set_apart
from litsynth.errors import BiblioError
from litsynth.progress import progress
from litsynth.provenance import library_versions
from litsynth.records import BibRecord
from litsynth.store import runs

if TYPE_CHECKING:
    import pandas as pd

DUPLICATE = "duplicate"
MAYBE = "maybe"
DISTINCT = "distinct"  # a maybe pair whose DOIs show two works (`set_apart`)
_BAR_FROM = 3000  # records: below, the three steps take a few seconds, and show no bar

# bib-dedupe compares these BibTeX entry types; export types map onto them.
_ENTRYTYPES = {
    "article": ("article", "jour", "journal article", "j", "ejour", "jfull", "mgzn", "review"),
    "inproceedings": (
        "inproceedings",
        "conference paper",
        "conf",
        "cpaper",
        "proceedings paper",
        "c",
        "conference",
    ),
    "book": ("book", "b", "ebook", "edbook", "whole book"),
    "inbook": ("inbook", "chap", "echap", "book chapter", "incollection", "book section"),
    "phdthesis": ("phdthesis", "thes", "thesis", "dissertation"),
    "techreport": ("techreport", "rprt", "report"),
}
_TYPE_OF = {alias: kind for kind, aliases in _ENTRYTYPES.items() for alias in aliases}
# Where each export keeps volume, issue and pages (kept in `extra` by the readers).


@dataclass(frozen=True)
class Pair:
    """Two records the matcher judged duplicate or maybe (a < b), or a column's mark.

    For a column's mark, `a` is the row holding the mark and `b` the row it names.
    """

    a: str
    b: str
    label: str  # DUPLICATE | MAYBE | DISTINCT
    method: str


@dataclass(frozen=True)
class DedupeResult:
    groups: list[list[str]]  # [[root, duplicate, ...]] in import order
    n_duplicates: int
    uncertain: list[tuple[str, str]]  # the "maybe" pairs a person still has to settle
    method: str
    warnings: list[str] = field(default_factory=list)
    set_apart: list[tuple[str, str]] = field(default_factory=list)  # maybes whose DOIs differ

    def to_json(self) -> dict[str, object]:
        return {
            "groups": self.groups,
            "n_duplicates": self.n_duplicates,
            "uncertain": [list(p) for p in self.uncertain],
            "set_apart": [list(p) for p in self.set_apart],
            "method": self.method,
            "warnings": self.warnings,
        }


def matcher_name() -> str:
    """Versioned name of the matcher, recorded on every link it makes."""
    return f"bib-dedupe {metadata.version('bib-dedupe')}"


_BIBTEX_TYPES = {
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "proceedings",
    "manual", "mastersthesis", "phdthesis", "techreport", "unpublished", "misc",
}  # fmt: skip
_IN_BOOK = {"inproceedings", "proceedings", "inbook", "incollection"}  # container = booktitle


def _entrytype(rec: BibRecord) -> str:
    """BibTeX types pass through (bib-dedupe compares them); export types map onto them."""
    doc_type = rec.doc_type.strip().lower()
    if doc_type in _BIBTEX_TYPES:
        return doc_type
    kind = _TYPE_OF.get(doc_type)
    if kind:
        return kind
    return "article" if rec.journal else "misc"


def records_frame(records: Iterable[BibRecord]) -> pd.DataFrame:
    """The DataFrame bib-dedupe reads: BibTeX-named string columns, one row per record."""
    import pandas as pd

    rows = []
    for rec in records:
        kind = _entrytype(rec)
        rows.append(
            {
                "ID": rec.id,
                "ENTRYTYPE": kind,
                "author": " and ".join(rec.authors),
                "title": rec.title,
                "year": str(rec.year) if rec.year else "",
                "journal": rec.journal if kind not in _IN_BOOK else "",
                "booktitle": rec.journal if kind in _IN_BOOK else "",
                "volume": extra_value(rec.extra, EXTRA_KEYS["volume"]),
                "number": issue_of(rec.extra),
                "pages": pages_of(rec.extra),
                "doi": rec.doi,
                "abstract": rec.abstract,
            }
        )
    columns = ["ID", "ENTRYTYPE", "author", "title", "year", "journal", "booktitle"]
    columns += ["volume", "number", "pages", "doi", "abstract"]
    return pd.DataFrame(rows, columns=columns).astype(str)


def find_pairs(records: Sequence[BibRecord], *, cpu: int = 1) -> list[Pair]:
    """bib-dedupe's duplicate and maybe pairs among the records (prep → block → match)."""
    import pandas as pd

    if len(records) < 2:
        return []
    frame = records_frame(records)
    sentinel = "__litsynth_sentinel__"
    if not frame["author"].str.strip().any():
        # bib-dedupe 0.11 on pandas 3 crashes in prep when no record has an author (its
        # first-author column becomes all-NaN float). One throwaway row with an author keeps
        # the column textual; it is dropped again before blocking, so it can match nothing.
        row = dict.fromkeys(frame.columns, "")
        row.update(ID=sentinel, ENTRYTYPE="misc", author="Sentinel, S", title=sentinel)
        frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
    with warnings.catch_warnings():
        # bib-dedupe 0.11 uses pandas options pandas 3 deprecates; they say nothing about
        # the user's data, so they are not shown to the user.
        warnings.filterwarnings("ignore", module=r"bib_dedupe\.")
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        import bib_dedupe.bib_dedupe as bd  # late: it pulls requests and sets pandas options

        # bib-dedupe's three steps take 1.5 minutes on 17,000 records on one core: a bar
        # (on a terminal) says which one is running, from a few thousand records on
        steps = iter(progress(("prepare", "block", "match"), total=3, unit="step",
                              desc=f"bib-dedupe on {len(records):,} records",
                              minimum=3 if len(records) >= _BAR_FROM else 4))  # fmt: skip
        next(steps)
        prepared = bd.prep(frame, verbosity_level=0, cpu=cpu)
        prepared = prepared[prepared["ID"] != sentinel]
        next(steps)
        # Blocking runs in one process whatever `cpu` says. bib-dedupe groups records by
        # hash(tuple(fields)), and a record without authors has NaN for its first author:
        # NaN hashes by object identity, so in one process the author-less records of a
        # year share a block, while in worker processes (each unpickling its own NaNs) they
        # do not. `--cpu 2` then lost 508 of 1,942 maybe pairs on 17,432 records. Preparing
        # and matching are row by row and give the same pairs split over processes.
        blocked = bd.block(prepared, verbosity_level=0, cpu=1)
        next(steps)
        matched = bd.match(blocked, verbosity_level=0, cpu=cpu)
        next(steps, None)  # the bar completes and closes
    method = matcher_name()
    pairs: dict[tuple[str, str], str] = {}
    for a, b, label in matched[["ID_1", "ID_2", "duplicate_label"]].itertuples(index=False):
        key = (min(str(a), str(b)), max(str(a), str(b)))
        if key[0] == key[1]:
            continue
        # A pair reported both ways keeps the stronger label.
        if pairs.get(key) != DUPLICATE:
            pairs[key] = DUPLICATE if label == DUPLICATE else MAYBE
    return [Pair(a, b, label, method) for (a, b), label in sorted(pairs.items())]


def set_apart(pairs: Sequence[Pair], records: Sequence[BibRecord]) -> list[Pair]:
    """The matcher's pairs, with each maybe pair whose two DOIs name different works
    labelled DISTINCT: not a question for a person (`dois_set_apart`).

    bib-dedupe compares titles, authors and venues, and on a journal's recurring items
    ("Editorial", "Editor's Comments") it is unsure of every pair it can form: 5,211 of the
    5,413 maybe pairs of the labelled digital-work search, none of them a duplicate, have
    DOIs that differ. Over the five labelled searches of ../shared this settles 5,212 of
    6,574 maybe pairs and no true duplicate (bench/bench_dedupe_order.py). Its sure pairs
    are left as they are, so the groups stay bib-dedupe's own.
    """
    doi = {rec.id: rec.doi for rec in records}
    return [
        Pair(p.a, p.b, DISTINCT, p.method)
        if p.label == MAYBE and dois_set_apart(doi.get(p.a, ""), doi.get(p.b, ""))
        else p
        for p in pairs
    ]


def column_pairs(
    records: Sequence[BibRecord], column: str, renamed: Mapping[str, Mapping[str, str]]
) -> tuple[list[Pair], list[str]]:
    """Pairs from a dataset's own duplicate column: (duplicate, the record it names).

    `renamed` is {batch id: {id in file: id in project}}, so a mark keeps pointing at the right
    record even when its id was namespaced on import. The named record must be in the same
    batch: a mark is the dataset's statement about its own rows.
    """
    ids_by_batch: dict[str, set[str]] = {}
    for rec in records:
        ids_by_batch.setdefault(rec.batch_id, set()).add(rec.id)
    pairs: list[Pair] = []
    warnings: list[str] = []
    seen_column = False
    for rec in records:
        if column not in rec.extra:
            continue
        seen_column = True
        value = str(rec.extra[column]).strip()
        if value.endswith(".0") and value[:-2].isdigit():
            value = value[:-2]  # a numeric column written by pandas as float: "168.0"
        if not value:
            continue
        target = renamed.get(rec.batch_id, {}).get(value, value)
        if target not in ids_by_batch.get(rec.batch_id, set()):
            warnings.append(f"record {rec.id}: {column} names {value!r}, not a record of its batch")
            continue
        if target == rec.id:
            continue
        pairs.append(Pair(rec.id, target, DUPLICATE, f"column {column}"))
    if not seen_column:
        raise BiblioError(
            f"no imported record has a {column!r} column",
            hint="check the column name in the CSV header (it is kept as the record's extra field)",
        )
    return pairs, warnings


class _Groups:
    """Union-find whose unions respect "different" verdicts; the root is the lowest rank."""

    def __init__(self, rank: Mapping[str, int], different: Iterable[tuple[str, str]]) -> None:
        self.rank = rank
        self.parent = {rid: rid for rid in rank}
        self.members = {rid: {rid} for rid in rank}
        self.different = [(a, b) for a, b in different if a in rank and b in rank]

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        for x, y in self.different:
            fx, fy = self.find(x), self.find(y)
            if {fx, fy} == {ra, rb}:
                return False
        keep, gone = (ra, rb) if self.rank[ra] <= self.rank[rb] else (rb, ra)
        self.parent[gone] = keep
        self.members[keep] |= self.members.pop(gone)
        return True


def group(
    order: Sequence[str],
    pairs: Iterable[Pair],
    verdicts: Mapping[tuple[str, str], bool],
    *,
    preferred_roots: Iterable[str] = (),
    notices: Iterable[str] = (),
) -> dict[str, tuple[str, str]]:
    """{duplicate id: (root id, note)} from pairs and people's verdicts.

    `order` is import order (its first member of a group becomes the root) unless a member is
    in `preferred_roots` (the rows a dataset's column names as originals). A notice about a
    work (`notices`: an erratum, a correction) is the root only of a group of notices: the
    root is the record screened, and an article behind its erratum would be excluded with
    it, unseen. bib-dedupe groups an erratum with its article (so do the labelled searches of
    ../shared, 5 of their 13 such pairs); on the same search exported by 25 tools
    (bench/bench_exports.py) the first export held the erratum, and the article behind it.
    """
    preferred = set(preferred_roots)
    last = set(notices)
    # Rank: preferred roots first, then import order, notices after every other record.
    # 5 records, "r3" preferred: r3 gets 0.
    rank = {
        rid: (0 if rid in preferred else 1, 1 if rid in last else 0, i)
        for i, rid in enumerate(order)
    }
    flat_rank = {rid: i for i, rid in enumerate(sorted(rank, key=lambda r: rank[r]))}
    different = [p for p, same in verdicts.items() if not same]
    groups = _Groups(flat_rank, different)
    notes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = [
        (a, b, "a person said same") for (a, b), same in sorted(verdicts.items()) if same
    ]
    edges += [
        (p.a, p.b, p.method)
        for p in sorted(pairs, key=lambda p: (p.a, p.b))
        if p.label == DUPLICATE and verdicts.get((min(p.a, p.b), max(p.a, p.b))) is None
    ]
    for a, b, note in edges:
        if a not in flat_rank or b not in flat_rank:
            continue
        if groups.union(a, b):
            notes.setdefault(a, note)
            notes.setdefault(b, note)
    links: dict[str, tuple[str, str]] = {}
    for root, members in groups.members.items():
        for member in members:
            if member != root:
                links[member] = (root, notes.get(member, ""))
    return links


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _result(conn: sqlite3.Connection, method: str, warnings: list[str]) -> DedupeResult:
    from litsynth.store import biblio as store

    groups = store.duplicate_groups(conn)
    n = sum(len(g) - 1 for g in groups)
    apart = [(u["record_a"], u["record_b"]) for u in store.uncertain_pairs(conn, DISTINCT)]
    return DedupeResult(groups, n, open_pairs(conn), method, warnings, apart)


def open_pairs(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The maybe pairs a person still has to settle: not settled, and not answered already
    by what people said of others.

    Being one work is an equivalence: once a person's "same" puts A and B in one group, a
    maybe pair of A's with any of B's group has its answer, and so has a pair across two
    groups a person called different. Asking it again is work, and an answer against the
    grouping could not be obeyed anyway. Over the five labelled searches of ../shared, a
    reviewer settling the pairs most alike first answers 858 questions instead of 6,574
    (with `set_apart`), and meets every duplicate among them. A pair the matcher linked
    through others but was itself unsure of stays, for a person to look at.
    """
    from litsynth.store import biblio as store

    rows = [(u["record_a"], u["record_b"]) for u in store.uncertain_pairs(conn)]
    verdicts = store.resolutions(conn)
    if not rows or not verdicts:
        return rows
    now = {m: g[0] for g in store.duplicate_groups(conn) for m in g}
    pairs = [Pair(a, b, label, m) for a, b, label, m in store.machine_pairs(conn)]
    order = [r.id for r in store.all_records(conn)]
    linked = group(order, pairs, {})  # the matcher's groups alone, before anyone's verdict
    before = {m: root for m, (root, _note) in linked.items()}
    apart = {
        frozenset((now.get(a, a), now.get(b, b))) for (a, b), same in verdicts.items() if not same
    }
    out = []
    for a, b in rows:
        ra, rb = now.get(a, a), now.get(b, b)
        joined_by_people = ra == rb and before.get(a, a) != before.get(b, b)
        if not joined_by_people and frozenset((ra, rb)) not in apart:
            out.append((a, b))
    return out


def _apply(conn: sqlite3.Connection, pairs: list[Pair], preferred: Iterable[str] = ()) -> list[str]:
    """Link the groups; what a reviewer must hear: a screened notice now behind its work."""
    from litsynth.store import biblio as store
    from litsynth.store.screening_log import log

    records = store.all_records(conn)
    notices = [r.id for r in records if notice_by_title(r.title)]
    links = group(
        [r.id for r in records], pairs, store.resolutions(conn), preferred_roots=preferred,
        notices=notices,
    )  # fmt: skip
    # A later import may bring the work a screened notice is about: the work is the root now,
    # and the notice's decisions no longer stand for the group, so it is said.
    was_root = {r.id for r in records if not r.extra.get("duplicate_of")}
    demoted = [n for n in notices if n in links and n in was_root]
    screened = sorted({d.record_id for d in log(conn, records=demoted)}) if demoted else []
    store.set_duplicates(conn, links)
    return [
        f"{rid}, a notice screened before, is now a duplicate of {links[rid][0]}, the work it"
        f" is about, imported since: screen {links[rid][0]}"
        for rid in screened
    ]


def run_dedupe(
    conn: sqlite3.Connection, *, from_column: str | None = None, cpu: int = 1
) -> DedupeResult:
    """Find duplicates among all imported records and link each to its group's root."""
    from litsynth.store import biblio as store

    records = store.all_records(conn)
    warnings: list[str] = []
    preferred: set[str] = set()
    if from_column:
        renamed = {b["id"]: dict(b["report"].get("renamed", {})) for b in store.batches(conn)}
        pairs, warnings = column_pairs(records, from_column, renamed)
        marked = {p.a for p in pairs}
        preferred = {p.b for p in pairs if p.b not in marked}
        method = f"column {from_column}"
    else:
        pairs = set_apart(find_pairs(records, cpu=cpu), records)
        method = matcher_name()
    store.set_pairs(conn, [(p.a, p.b, p.label, p.method) for p in pairs], _now())
    warnings += _apply(conn, pairs, preferred)
    runs.log_run(
        conn,
        "dedupe",
        settings={"from_column": from_column or "", "cpu": cpu},
        versions=library_versions(),
        summary={"n_records": len(records), "n_pairs": len(pairs)},
    )
    return _result(conn, method, warnings)


def resolve(
    conn: sqlite3.Connection, a: str, b: str, *, same: bool, reviewer: str, note: str = ""
) -> DedupeResult:
    """Record a person's verdict on a pair and regroup at once with the last run's pairs."""
    from litsynth.store import biblio as store

    for rid in (a, b):
        if not store.record_exists(conn, rid):
            raise BiblioError(
                f"no record {rid!r}", hint="ids are listed by `litsynth dedupe --uncertain`"
            )
    if a == b:
        raise BiblioError("a record cannot be resolved against itself", hint="name two records")
    store.add_resolution(conn, a, b, same=same, reviewer=reviewer, at=_now(), note=note)
    return _regroup(conn)


def resolve_many(
    conn: sqlite3.Connection,
    verdicts: Sequence[tuple[str, str, bool]],
    *,
    reviewer: str,
    note: str = "",
) -> tuple[DedupeResult, list[tuple[str, str, bool]]]:
    """Record people's verdicts on several pairs (a sheet's) and regroup once. A verdict equal
    to the pair's latest is not repeated, so the same sheet read twice records nothing.
    Returns the result and the verdicts recorded."""
    from litsynth.store import biblio as store

    current = store.resolutions(conn)
    recorded: list[tuple[str, str, bool]] = []
    for a, b, same in verdicts:
        key = (min(a, b), max(a, b))
        if current.get(key) == same:
            continue
        current[key] = same
        store.add_resolution(conn, a, b, same=same, reviewer=reviewer, at=_now(), note=note)
        recorded.append((a, b, same))
    return _regroup(conn), recorded


def _regroup(conn: sqlite3.Connection) -> DedupeResult:
    """The groups again from the last run's pairs and every verdict (no matcher run)."""
    from litsynth.store import biblio as store

    stored = [Pair(x, y, label, method) for x, y, label, method in store.machine_pairs(conn)]
    column = {p.method for p in stored if p.method.startswith("column ")}
    preferred: set[str] = set()
    if column:
        marked = {p.a for p in stored}
        preferred = {p.b for p in stored if p.b not in marked}
    said = _apply(conn, stored, preferred)
    method = next(iter(column)) if column else matcher_name()
    return _result(conn, method, said)


def uncertain(conn: sqlite3.Connection) -> list[tuple[BibRecord, BibRecord, float]]:
    """Unresolved maybe pairs, as records a person can compare side by side, each with its
    likeness: the most alike first, so the real duplicates among them come early."""
    return _with_records(conn, open_pairs(conn))


def set_apart_pairs(conn: sqlite3.Connection) -> list[tuple[BibRecord, BibRecord, float]]:
    """The maybe pairs `set_apart` took from people because their DOIs differ, most alike
    first, for whoever wants to see what was not asked (a person's verdict still counts)."""
    from litsynth.store import biblio as store

    keys = [(u["record_a"], u["record_b"]) for u in store.uncertain_pairs(conn, DISTINCT)]
    return _with_records(conn, keys)


def ranked_uncertain(
    conn: sqlite3.Connection, known: dict[tuple[str, str], float]
) -> list[tuple[str, str, float]]:
    """The ids of the unresolved maybe pairs with their likeness, the most alike first.

    `known` carries likeness already computed, by record ids, and gains the rest: a record's
    content never changes under its id (ids are content hashes), so a caller that asks again
    after each verdict (the workspace's Duplicates screen) compares only new pairs; 5,413
    pairs cost 0.8 s to compare and a few hundredths of a second to look up.
    """
    return _ranked(conn, open_pairs(conn), known, {})


def _with_records(
    conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]
) -> list[tuple[BibRecord, BibRecord, float]]:
    records: dict[str, BibRecord] = {}
    ranked = _ranked(conn, keys, {}, records)
    return [(records[a], records[b], alike) for a, b, alike in ranked]


def _ranked(
    conn: sqlite3.Connection,
    keys: Iterable[tuple[str, str]],
    known: dict[tuple[str, str], float],
    records: dict[str, BibRecord],
) -> list[tuple[str, str, float]]:
    """Rank the pairs `keys`, computing likeness only where `known` lacks it; the records
    read for that are left in `records`."""
    from litsynth.store import biblio as store

    out = []
    for key in keys:
        if key not in known:
            for rid in key:
                if rid not in records and (rec := store.get_record(conn, rid)) is not None:
                    records[rid] = rec
            if key[0] not in records or key[1] not in records:
                continue
            known[key] = likeness(records[key[0]], records[key[1]])
        out.append((*key, known[key]))
    return sorted(out, key=lambda pair: -pair[2])  # stable: ties keep the store's order
