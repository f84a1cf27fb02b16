"""SQL for bibliographic records: batches, records, rejections, dedupe state, full-text links.

Functions other stages call (screening, PRISMA): `unique_records`, `all_records`,
`records_by_source`, `count_by_source`, `count_duplicates`, `record_documents`, `get_record`.
Records are returned as `litsynth.records.BibRecord`; a duplicate's root is in
`extra["duplicate_of"]` only for callers that ask for duplicates (`all_records`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from litsynth.citations.labels import work_label
from litsynth.records import BibRecord
from litsynth.store.db import transaction
from litsynth.store.passages import decode_authors

if TYPE_CHECKING:
    from litsynth.records import ImportBatch

_COLUMNS = (
    "id, batch_id, source, position, title, abstract, authors, year, doi, journal, language,"
    " doc_type, keywords, file, extra, duplicate_of, dedupe_note"
)


def _record(row: sqlite3.Row) -> BibRecord:
    return BibRecord(
        id=row["id"],
        source=row["source"],
        batch_id=row["batch_id"],
        title=row["title"],
        abstract=row["abstract"],
        authors=decode_authors(row["authors"]),
        year=row["year"],
        doi=row["doi"],
        journal=row["journal"],
        language=row["language"],
        doc_type=row["doc_type"],
        keywords=tuple(json.loads(row["keywords"])),
        file=row["file"],
        extra=json.loads(row["extra"]),
    )


# ---- import batches -------------------------------------------------------------------------


def find_batch(conn: sqlite3.Connection, source: str, file_hash: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM import_batches WHERE source = ? AND file_hash = ?", (source, file_hash)
    ).fetchone()
    return row


def record_exists(conn: sqlite3.Connection, record_id: str) -> bool:
    return conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is not None


def save_batch(conn: sqlite3.Connection, batch: ImportBatch) -> None:
    """Write a batch, its records and its rejections in one transaction: all or nothing."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO import_batches (id, source, file_name, file_hash, format, encoding,"
            " imported_at, n_records, n_rejected, report) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                batch.id,
                batch.source,
                batch.file_name,
                batch.file_hash,
                batch.format,
                batch.encoding,
                batch.imported_at,
                len(batch.records),
                len(batch.rejected),
                json.dumps(batch.report, ensure_ascii=False),
            ),
        )
        conn.executemany(
            f"INSERT INTO records ({_COLUMNS}) VALUES ({','.join('?' * 17)})",
            [
                (
                    r.id,
                    batch.id,
                    r.source,
                    position,
                    r.title,
                    r.abstract,
                    json.dumps(list(r.authors), ensure_ascii=False),
                    r.year,
                    r.doi,
                    r.journal,
                    r.language,
                    r.doc_type,
                    json.dumps(list(r.keywords), ensure_ascii=False),
                    r.file,
                    json.dumps(r.extra, ensure_ascii=False),
                    None,
                    "",
                )
                for position, r in enumerate(batch.records)
            ],
        )
        conn.executemany(
            "INSERT INTO rejected_entries (batch_id, file_name, line, reason, excerpt)"
            " VALUES (?,?,?,?,?)",
            [(batch.id, batch.file_name, r.line, r.reason, r.excerpt) for r in batch.rejected],
        )


def batches(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every import batch in import order, with its report decoded."""
    rows = conn.execute("SELECT * FROM import_batches ORDER BY imported_at, rowid").fetchall()
    return [{**dict(row), "report": json.loads(row["report"])} for row in rows]


def batch_members(conn: sqlite3.Connection) -> dict[str, list[tuple[str, bool]]]:
    """{batch id: [(record id, whether it is another's duplicate)]}, in one read."""
    out: dict[str, list[tuple[str, bool]]] = {}
    rows = conn.execute(
        "SELECT batch_id, id, duplicate_of IS NOT NULL FROM records ORDER BY batch_id, position"
    )
    for batch_id, record_id, duplicate in rows:
        out.setdefault(batch_id, []).append((record_id, bool(duplicate)))
    return out


def records_with_work(conn: sqlite3.Connection) -> set[str]:
    """Records a person's work rests on: any screening decision (the log is append-only, and
    automation's marks are in it too), a duplicate verdict, a link by hand, extracted data,
    a report grouped into a study (either end)."""
    sql = (
        "SELECT record_id FROM decisions"
        " UNION SELECT record_a FROM dedupe_resolutions"
        " UNION SELECT record_b FROM dedupe_resolutions"
        " UNION SELECT record_id FROM record_documents WHERE method IN ('manual', 'unlinked')"
        " UNION SELECT record_id FROM extraction_values"
        " UNION SELECT record_id FROM study_links"
        " UNION SELECT study FROM study_links WHERE study != ''"
    )
    return {r[0] for r in conn.execute(sql)}


def delete_batch(conn: sqlite3.Connection, batch_id: str) -> tuple[int, int, int]:
    """Delete a batch, its records and what matching derived from them, in the caller's
    transaction: (dedupe pairs, full-text links, records of other batches made unique again).
    The caller has made sure no person's work rests on them (`records_with_work`)."""
    mine = "(SELECT id FROM records WHERE batch_id = :b)"
    unlinked = conn.execute(
        f"UPDATE records SET duplicate_of = NULL, dedupe_note = '' WHERE duplicate_of IN {mine}"
        " AND batch_id != :b",
        {"b": batch_id},
    ).rowcount
    pairs = conn.execute(
        f"DELETE FROM dedupe_pairs WHERE record_a IN {mine} OR record_b IN {mine}",
        {"b": batch_id},
    ).rowcount
    links = conn.execute(
        f"DELETE FROM record_documents WHERE record_id IN {mine}", {"b": batch_id}
    ).rowcount
    conn.execute("UPDATE records SET duplicate_of = NULL WHERE batch_id = ?", (batch_id,))
    conn.execute("DELETE FROM records WHERE batch_id = ?", (batch_id,))
    conn.execute("DELETE FROM rejected_entries WHERE batch_id = ?", (batch_id,))
    conn.execute("DELETE FROM import_batches WHERE id = ?", (batch_id,))
    return int(pairs), int(links), int(unlinked)


def rejected_entries(conn: sqlite3.Connection, batch_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM rejected_entries"
    args: tuple[str, ...] = ()
    if batch_id:
        sql, args = sql + " WHERE batch_id = ?", (batch_id,)
    return [dict(r) for r in conn.execute(sql + " ORDER BY rowid", args)]


# ---- records --------------------------------------------------------------------------------

_FROM = " FROM records r JOIN import_batches b ON b.id = r.batch_id"
_IMPORT_ORDER = "SELECT r.*, b.imported_at" + _FROM
_ORDER = " ORDER BY b.imported_at, b.rowid, r.position"


def all_records(conn: sqlite3.Connection) -> list[BibRecord]:
    """Every record in import order; a duplicate carries its root in extra['duplicate_of']."""
    return [_with_root(row) for row in conn.execute(_IMPORT_ORDER + _ORDER)]


def _with_root(row: sqlite3.Row) -> BibRecord:
    """The record of `row`, a duplicate carrying its root in extra['duplicate_of']."""
    rec = _record(row)
    if row["duplicate_of"]:
        rec.extra["duplicate_of"] = row["duplicate_of"]
    return rec


def unique_records(conn: sqlite3.Connection) -> list[BibRecord]:
    """Records that are not a duplicate of another (roots and singletons), in import order."""
    return [
        _record(r) for r in conn.execute(_IMPORT_ORDER + " WHERE r.duplicate_of IS NULL" + _ORDER)
    ]


def unique_ids(conn: sqlite3.Connection) -> list[str]:
    """The ids of `unique_records`, in the same order, without reading the records: what a
    count or a membership test needs. Decoding every record's fields was most of a reviewer's
    progress, which `screen status`, the terminal loop and each record the workspace serves
    compute (10,000 records: 0.146 s, now 0.034 s)."""
    query = "SELECT r.id" + _FROM + " WHERE r.duplicate_of IS NULL" + _ORDER
    return [row[0] for row in conn.execute(query)]


def get_record(conn: sqlite3.Connection, record_id: str) -> BibRecord | None:
    row = conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    return _record(row) if row else None


def record_here(conn: sqlite3.Connection, record_id: str) -> BibRecord | None:
    """`get_record`, a duplicate carrying its root in extra['duplicate_of'] as in
    `all_records`."""
    row = conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    return _with_root(row) if row else None


def records_by_source(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """{source: [record ids]} over all records, duplicates included (PRISMA identification)."""
    out: dict[str, list[str]] = {}
    for row in conn.execute(_IMPORT_ORDER + _ORDER):
        out.setdefault(row["source"], []).append(row["id"])
    return out


def count_by_source(conn: sqlite3.Connection) -> dict[str, int]:
    """{source: records imported}, duplicates included: PRISMA's per-database counts."""
    rows = conn.execute("SELECT source, count(*) AS n FROM records GROUP BY source ORDER BY source")
    return {r["source"]: r["n"] for r in rows}


def duplicates_by_source(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """{source: {"records": imported, "duplicates": of them linked to another's group}}."""
    rows = conn.execute(
        "SELECT source, count(*), sum(duplicate_of IS NOT NULL) FROM records"
        " GROUP BY source ORDER BY source"
    )
    return {source: {"records": n, "duplicates": int(d or 0)} for source, n, d in rows}


def count_duplicates(conn: sqlite3.Connection, sources: Iterable[str] | None = None) -> int:
    """Records linked to a root (PRISMA's "duplicate records removed"), optionally per sources."""
    sql = "SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL"
    wanted = list(sources or [])
    if wanted:
        sql += f" AND source IN ({','.join('?' * len(wanted))})"
    return int(conn.execute(sql, wanted).fetchone()[0])


def duplicate_groups(conn: sqlite3.Connection) -> list[list[str]]:
    """[[root, duplicate, ...], ...]: roots in import order, duplicates in import order."""
    groups: dict[str, list[str]] = {}
    for row in conn.execute(_IMPORT_ORDER + " WHERE r.duplicate_of IS NOT NULL" + _ORDER):
        groups.setdefault(row["duplicate_of"], []).append(row["id"])
    order = {rid: i for i, rid in enumerate(r["id"] for r in conn.execute(_IMPORT_ORDER + _ORDER))}
    return [[root, *dups] for root, dups in sorted(groups.items(), key=lambda kv: order[kv[0]])]


def set_duplicates(conn: sqlite3.Connection, links: Mapping[str, tuple[str, str]]) -> None:
    """Replace all duplicate links with {duplicate id: (root id, note)} in one transaction."""
    with transaction(conn):
        conn.execute("UPDATE records SET duplicate_of = NULL, dedupe_note = ''")
        conn.executemany(
            "UPDATE records SET duplicate_of = ?, dedupe_note = ? WHERE id = ?",
            [(root, note, dup) for dup, (root, note) in links.items()],
        )


def set_pairs(
    conn: sqlite3.Connection, pairs: Iterable[tuple[str, str, str, str]], at: str
) -> None:
    """Replace the matcher's pairs with the latest run's: (a, b, label, method), a < b."""
    with transaction(conn):
        conn.execute("DELETE FROM dedupe_pairs")
        conn.executemany(
            "INSERT OR REPLACE INTO dedupe_pairs (record_a, record_b, label, method, found_at)"
            " VALUES (?,?,?,?,?)",
            [(a, b, label, method, at) for a, b, label, method in pairs],
        )


def machine_pairs(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """The latest run's pairs as (a, b, label, method)."""
    rows = conn.execute(
        "SELECT record_a, record_b, label, method FROM dedupe_pairs ORDER BY record_a, record_b"
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def uncertain_pairs(conn: sqlite3.Connection, label: str = "maybe") -> list[dict[str, Any]]:
    """ "Maybe" pairs (or those of another label) of the latest run that no person has
    resolved yet."""
    rows = conn.execute(
        "SELECT u.record_a, u.record_b, u.method, u.found_at FROM dedupe_pairs u"
        " WHERE u.label = ? AND NOT EXISTS (SELECT 1 FROM dedupe_resolutions d"
        "  WHERE d.record_a = u.record_a AND d.record_b = u.record_b)"
        " ORDER BY u.record_a, u.record_b",
        (label,),
    )
    return [dict(r) for r in rows]


def add_resolution(
    conn: sqlite3.Connection, a: str, b: str, *, same: bool, reviewer: str, at: str, note: str = ""
) -> None:
    a, b = sorted((a, b))
    with transaction(conn):
        conn.execute(
            "INSERT INTO dedupe_resolutions (record_a, record_b, same, reviewer, at, note)"
            " VALUES (?,?,?,?,?,?)",
            (a, b, int(same), reviewer, at, note),
        )


def verdicts(conn: sqlite3.Connection) -> list[tuple[str, str, bool, str]]:
    """The latest verdict on each pair as (a, b, same, reviewer), a < b."""
    latest: dict[tuple[str, str], tuple[bool, str]] = {}
    rows = conn.execute(
        "SELECT record_a, record_b, same, reviewer FROM dedupe_resolutions ORDER BY id"
    )
    for row in rows:
        latest[(row["record_a"], row["record_b"])] = (bool(row["same"]), row["reviewer"])
    return [(a, b, same, who) for (a, b), (same, who) in latest.items()]


def resolution_log(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every verdict a person gave on a pair, in the order given (a deposit shares them all:
    a later verdict on the same pair overrides an earlier one, and both are the record)."""
    rows = conn.execute(
        "SELECT record_a, record_b, same, reviewer, at, note FROM dedupe_resolutions ORDER BY id"
    )
    return [{**dict(row), "same": bool(row["same"])} for row in rows]


def count_pairs(conn: sqlite3.Connection, label: str) -> int:
    """How many pairs of the latest dedupe run have `label`, settled or not."""
    return int(
        conn.execute("SELECT COUNT(*) FROM dedupe_pairs WHERE label = ?", (label,)).fetchone()[0]
    )


def resolutions(conn: sqlite3.Connection) -> dict[tuple[str, str], bool]:
    """{(a, b): same} with the latest verdict per pair (a < b)."""
    out: dict[tuple[str, str], bool] = {}
    for row in conn.execute("SELECT record_a, record_b, same FROM dedupe_resolutions ORDER BY id"):
        out[(row["record_a"], row["record_b"])] = bool(row["same"])
    return out


# ---- full-text links ------------------------------------------------------------------------


def documents_for_linking(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT id, path, title, authors, year, doi FROM documents ORDER BY path")
    return [{**dict(r), "authors": list(decode_authors(r["authors"]))} for r in rows]


def document_texts(
    conn: sqlite3.Connection, ids: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """id, path and canonical text of the given (default: all) ingested documents, by path."""
    wanted = list(ids or [])
    sql = "SELECT id, path, text FROM documents"
    if wanted:
        sql += f" WHERE id IN ({','.join('?' * len(wanted))})"
    return [dict(r) for r in conn.execute(sql + " ORDER BY path", wanted)]


def save_links(
    conn: sqlite3.Connection, links: Iterable[tuple[str, str, str, float]], at: str
) -> None:
    """Replace machine links with (record, document, method, score).

    A person's rows stay: 'manual' links, and 'unlinked' rows that keep a wrong automatic
    match from coming back (INSERT OR IGNORE meets them on the primary key).
    """
    with transaction(conn):
        conn.execute("DELETE FROM record_documents WHERE method NOT IN ('manual', 'unlinked')")
        conn.executemany(
            "INSERT OR IGNORE INTO record_documents"
            " (record_id, document_id, method, score, linked_at)"
            " VALUES (?,?,?,?,?)",
            [(r, d, m, s, at) for r, d, m, s in links],
        )


def record_documents(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every record↔document link: record_id, document_id, method, score, linked_at."""
    rows = conn.execute(
        "SELECT * FROM record_documents WHERE method != 'unlinked' ORDER BY record_id, document_id"
    )
    return [dict(r) for r in rows]


def full_text_paths(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Each linked record's full-text files (the paths of its documents, as stored)."""
    rows = conn.execute(
        "SELECT l.record_id, d.path FROM record_documents l JOIN documents d"
        " ON d.id = l.document_id WHERE l.method != 'unlinked' ORDER BY l.record_id, d.path"
    )
    out: dict[str, list[str]] = {}
    for record_id, path in rows:
        out.setdefault(record_id, []).append(path)
    return out


def linked_documents(conn: sqlite3.Connection, record_id: str) -> list[dict[str, str]]:
    """The documents linked to a record (`litsynth link`): what a full-text screener reads,
    each with its path and the label it is cited by ("Yulianti & Santoso (2025)")."""
    rows = conn.execute(
        "SELECT d.id, d.authors, d.year, d.title, d.path FROM record_documents l"
        " JOIN documents d ON d.id = l.document_id"
        " WHERE l.record_id = ? AND l.method != 'unlinked' ORDER BY d.id",
        (record_id,),
    )
    return [
        {
            "id": r["id"],
            "path": r["path"],
            "label": work_label(
                decode_authors(r["authors"]), r["year"], title=r["title"], path=r["path"]
            ),
        }
        for r in rows
    ]


def set_manual_link(
    conn: sqlite3.Connection, record_id: str, document_id: str, *, linked: bool, at: str
) -> None:
    """A person's link ('manual') or refusal ('unlinked') of one record and document."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO record_documents (record_id, document_id, method, score, linked_at)"
            " VALUES (?, ?, ?, 1.0, ?) ON CONFLICT(record_id, document_id) DO UPDATE SET"
            " method = excluded.method, score = excluded.score, linked_at = excluded.linked_at",
            (record_id, document_id, "manual" if linked else "unlinked", at),
        )


def add_search(
    conn: sqlite3.Connection, source: str, searched_on: str, query: str, recorded_at: str
) -> bool:
    """Record a search of `source` (PRISMA items 6 and 7); False when it was already told."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT OR IGNORE INTO searches (source, searched_on, query, recorded_at)"
            " VALUES (?, ?, ?, ?)",
            (source, searched_on, query, recorded_at),
        )
    return cursor.rowcount == 1


def searches(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every search told, by source (in the order sources were first told) and date."""
    rows = conn.execute(
        "SELECT source, searched_on, query FROM searches"
        " ORDER BY (SELECT MIN(id) FROM searches s WHERE s.source = searches.source),"
        " searched_on, id"
    ).fetchall()
    return [dict(row) for row in rows]
