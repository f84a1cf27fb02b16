"""All SQL for human review: the append-only codings log, memos, and the review queue.

`codings` is a log: rows are only ever inserted, never updated or deleted, and the latest row
per (chunk, code, span) is the current decision (view `latest_codings`). Machine suggestions
live in `suggestions`, which `code suggest` replaces wholesale; nothing here writes to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from litsynth.records import Coding, MachineCell, Memo, Passage, ReviewItem
from litsynth.store import passages as store_passages


def passages(conn: sqlite3.Connection, chunk_ids: Iterable[str]) -> dict[str, Passage]:
    """The passages of the given chunk ids (unknown ids are simply absent)."""
    return store_passages.by_chunk_id(conn, chunk_ids)


def passages_covering(
    conn: sqlite3.Connection, document_id: str, start: int, end: int
) -> list[Passage]:
    """The chunks of a document that overlap the span [start, end), in document order."""
    return store_passages.covering(conn, document_id, start, end)


def document_length(conn: sqlite3.Connection, document_id: str) -> int | None:
    """Characters in the document's canonical text, or None if there is no such document."""
    row = conn.execute("SELECT length(text) FROM documents WHERE id = ?", (document_id,)).fetchone()
    return None if row is None else int(row[0])


def span_text(conn: sqlite3.Connection, chunk_id: str, start: int, end: int) -> str:
    """The document text of a span (document offsets), found through one of its chunks."""
    row = conn.execute(
        "SELECT substr(d.text, ?, ?) FROM chunks c JOIN documents d ON d.id = c.document_id"
        " WHERE c.id = ?",
        (start + 1, end - start, chunk_id),  # substr counts from 1
    ).fetchone()
    return "" if row is None else str(row[0])


def document_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]


def review_items(
    conn: sqlite3.Connection,
    *,
    code: str | None = None,
    coder: str | None = None,
    undecided_only: bool = True,
    suggested_only: bool = True,
    document: str | None = None,
) -> list[ReviewItem]:
    """Machine suggestions with their passages and the coder's latest decision on each.

    `undecided_only` drops suggestions this coder has already decided on (any span of the
    same chunk and code), which is what makes the review loop resumable. With `coder=None`
    a decision by anyone counts. `suggested_only` keeps scores at or above their threshold.
    """
    where = ["1 = 1"]
    params: list[object] = []
    if code is not None:
        where.append("s.code_id = ?")
        params.append(code)
    if suggested_only:
        where.append("s.score >= s.threshold")
    if document is not None:
        where.append("ch.document_id = ?")
        params.append(document)
    if undecided_only:
        where.append("dec.chunk_id IS NULL")
    # One pass over the log, then a join: a correlated subquery per suggestion costs ~4x more
    # at 100k suggestions. With MAX(seq), SQLite takes the bare column `status` from the row
    # holding the maximum (documented behaviour), i.e. the latest decision.
    sql = (
        "WITH dec AS (SELECT chunk_id, code_id, status, MAX(seq) FROM codings"
        + (" WHERE coder = ?" if coder is not None else "")
        + " GROUP BY chunk_id, code_id)"
        f" SELECT {store_passages.COLUMNS}, s.code_id, s.score, s.threshold, s.model, s.evidence,"
        " dec.status AS decision"
        " FROM suggestions s JOIN chunks ch ON ch.id = s.chunk_id"
        " JOIN documents d ON d.id = ch.document_id"
        " LEFT JOIN dec ON dec.chunk_id = s.chunk_id AND dec.code_id = s.code_id"
        f" WHERE {' AND '.join(where)}"
    )
    args = ([coder] if coder is not None else []) + params
    items = []
    authors = store_passages.AuthorCache()
    for row in conn.execute(sql, args):
        items.append(
            ReviewItem(
                passage=store_passages.from_row(row, authors),
                code_id=row["code_id"],
                score=row["score"],
                threshold=row["threshold"],
                model=row["model"],
                evidence_json=row["evidence"],
                decision=row["decision"],
            )
        )
    return items


def suggestion_scores(
    conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """Score of the machine suggestion for each (chunk, code) that has one."""
    out = {}
    for chunk_id, code_id in set(keys):
        row = conn.execute(
            "SELECT score FROM suggestions WHERE chunk_id = ? AND code_id = ?", (chunk_id, code_id)
        ).fetchone()
        if row is not None:
            out[(chunk_id, code_id)] = float(row[0])
    return out


def append_codings(
    conn: sqlite3.Connection, codings: Sequence[Coding], document_ids: dict[str, str]
) -> int:
    """Append decisions to the log; returns how many rows were new.

    `document_ids` maps each coding's chunk to its document. A row whose id is already in the
    log (the same decision by the same coder at the same instant) is the same fact: skipped.
    """
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at,"
        " status, memo, suggestion_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.id,
                c.chunk_id,
                document_ids[c.chunk_id],
                c.code_id,
                c.start,
                c.end,
                c.coder,
                c.at,
                c.status,
                c.memo,
                c.suggestion_score,
            )
            for c in codings
        ],
    )
    return conn.total_changes - before


def latest_status(conn: sqlite3.Connection, coder: str) -> dict[tuple[str, str, int, int], str]:
    """The coder's current decision per (chunk, code, start, end): re-importing a sheet whose
    decisions are already in the log appends nothing."""
    rows = conn.execute(
        "SELECT chunk_id, code_id, start, end, status FROM codings WHERE coder = ? ORDER BY seq",
        (coder,),
    )
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


def decided_spans(
    conn: sqlite3.Connection, coder: str, document_id: str
) -> dict[tuple[str, int, int], set[str]]:
    """(code, start, end) of every span of a document the coder decided on, whatever they
    decided, with the memos written on it: an import does not add again what is there, nor
    undo a rejection."""
    rows = conn.execute(
        "SELECT code_id, start, end, memo FROM codings WHERE coder = ? AND document_id = ?",
        (coder, document_id),
    )
    out: dict[tuple[str, int, int], set[str]] = {}
    for r in rows:
        out.setdefault((r[0], r[1], r[2]), set()).add(r[3])
    return out


def codings(conn: sqlite3.Connection, *, coder: str | None = None) -> list[Coding]:
    """The whole log in order (optionally one coder's): the audit trail of every decision."""
    sql = "SELECT * FROM codings" + (" WHERE coder = ?" if coder else "") + " ORDER BY seq"
    return [_coding(r) for r in conn.execute(sql, (coder,) if coder else ())]


def current_codings(conn: sqlite3.Connection, document_id: str) -> list[Coding]:
    """A document's codings as they stand (view `latest_codings`), rejections left out."""
    rows = conn.execute(
        "SELECT * FROM latest_codings WHERE document_id = ? AND status != 'rejected'"
        " ORDER BY start, code_id",
        (document_id,),
    )
    return [_coding(r) for r in rows]


def _coding(r: sqlite3.Row) -> Coding:
    return Coding(
        id=r["id"],
        chunk_id=r["chunk_id"],
        code_id=r["code_id"],
        start=r["start"],
        end=r["end"],
        coder=r["coder"],
        at=r["at"],
        status=r["status"],
        memo=r["memo"],
        suggestion_score=r["suggestion_score"],
    )


def coder_codes(
    conn: sqlite3.Connection, coder: str
) -> dict[str, tuple[Passage | None, list[str]]]:
    """Per passage the coder decided anything on: the passage (None if it is gone) and the
    codes the coder put on it (latest decision per code accepted or added), in the order
    first decided."""
    latest: dict[tuple[str, str], str] = {}
    for r in conn.execute(
        "SELECT chunk_id, code_id, status FROM codings WHERE coder = ? ORDER BY seq", (coder,)
    ):
        latest[(r[0], r[1])] = r[2]
    found = passages(conn, {chunk for chunk, _ in latest})
    out: dict[str, tuple[Passage | None, list[str]]] = {}
    for (chunk, code), status in latest.items():
        entry = out.setdefault(chunk, (found.get(chunk), []))
        if status in ("accepted", "added"):
            entry[1].append(code)
    return out


def insert_memo(conn: sqlite3.Connection, memo: Memo) -> bool:
    """Store a memo; False if the identical memo (same target, author, time, text) exists."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO memos(id, target, author, at, text) VALUES (?, ?, ?, ?, ?)",
        (memo.id, memo.target, memo.author, memo.at, memo.text),
    )
    return cur.rowcount > 0


def memo_exists(conn: sqlite3.Connection, target: str, author: str, text: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM memos WHERE target = ? AND author = ? AND text = ? LIMIT 1",
        (target, author, text),
    ).fetchone()
    return row is not None


def memos(conn: sqlite3.Connection, target: str | None = None) -> list[Memo]:
    sql = "SELECT id, target, author, at, text FROM memos"
    rows = conn.execute(
        sql + (" WHERE target = ? ORDER BY at" if target else " ORDER BY target, at"),
        (target,) if target else (),
    )
    return [Memo(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def chunk_exists(conn: sqlite3.Connection, chunk_id: str) -> bool:
    return conn.execute("SELECT 1 FROM chunks WHERE id = ?", (chunk_id,)).fetchone() is not None


def agreement_cells(conn: sqlite3.Connection, *, coder: str | None = None) -> list[MachineCell]:
    """Every (chunk, code) on a passage some human decided anything about, where the machine
    suggested the code or a human decided on it. (chunk, code) pairs neither touched are the
    agreed negatives; the caller counts them from the passage and code totals."""
    who = " AND coder = ?" if coder else ""
    args: tuple[str, ...] = (coder,) if coder else ()
    human: dict[tuple[str, str], str] = {}
    for r in conn.execute(
        f"SELECT chunk_id, code_id, status FROM codings WHERE 1 = 1{who} ORDER BY seq", args
    ):
        human[(r[0], r[1])] = r[2]
    touched = {chunk for chunk, _ in human}
    machine: set[tuple[str, str]] = set()
    for chunk_list in store_passages.batches(sorted(touched)):
        rows = conn.execute(
            "SELECT chunk_id, code_id FROM suggestions WHERE score >= threshold"
            f" AND chunk_id IN ({','.join('?' * len(chunk_list))})",
            chunk_list,
        )
        machine.update((r[0], r[1]) for r in rows)
    keys = sorted(set(human) | machine)
    return [MachineCell(k[0], k[1], k in machine, human.get(k)) for k in keys]


def effective_chunk_ids(conn: sqlite3.Connection, code_ids: Iterable[str]) -> set[str]:
    """Chunks whose effective coding (view effective_codings) is any of `code_ids`."""
    ids = sorted(set(code_ids))
    out: set[str] = set()
    for part in store_passages.batches(ids):
        rows = conn.execute(
            "SELECT DISTINCT chunk_id FROM effective_codings"
            f" WHERE code_id IN ({','.join('?' * len(part))})",
            part,
        )
        out.update(r[0] for r in rows)
    return out


def human_coded(conn: sqlite3.Connection, code_id: str) -> bool:
    """Whether any person's decision names the code (a rejection too)."""
    row = conn.execute("SELECT 1 FROM codings WHERE code_id = ? LIMIT 1", (code_id,)).fetchone()
    return row is not None


def used_code_ids(conn: sqlite3.Connection) -> set[str]:
    """Code ids the store has codings or suggestions for (codes may outlive a codebook edit)."""
    rows = conn.execute("SELECT code_id FROM codings UNION SELECT code_id FROM suggestions")
    return {r[0] for r in rows}


def coding_counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Passages people have decided on (a coding or a rejection), per coder too, and the
    suggestions above their bar that nobody has decided."""
    decided = conn.execute("SELECT COUNT(DISTINCT chunk_id) FROM codings").fetchone()[0]
    coders = dict(
        conn.execute(
            "SELECT coder, COUNT(DISTINCT chunk_id) FROM codings GROUP BY coder ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    undecided = conn.execute(
        "SELECT COUNT(*) FROM effective_codings WHERE origin = 'machine'"
    ).fetchone()[0]
    return {"decided": int(decided), "coders": coders, "undecided": int(undecided)}


def last_coding_seq(conn: sqlite3.Connection) -> int:
    """The newest coding's place in the log (0 for none): what a suggest run has read."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM codings").fetchone()[0])


def codings_after(conn: sqlite3.Connection, seq: int) -> int:
    """How many codings were logged after place `seq`."""
    return int(conn.execute("SELECT COUNT(*) FROM codings WHERE seq > ?", (seq,)).fetchone()[0])


def annotatable_files(conn: sqlite3.Connection, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(path, document id) of every file holding an ingested document of these kinds, by
    path: the files a reviewer may have marked up (`litsynth code import-annotations`)."""
    rows = conn.execute(
        "SELECT f.path, f.document_id FROM files f JOIN documents d ON d.id = f.document_id"
        f" WHERE d.kind IN ({store_passages.marks(len(kinds))}) ORDER BY f.path",
        tuple(kinds),
    )
    return [(r[0], r[1]) for r in rows]


def annotatable_texts(conn: sqlite3.Connection, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(document id, text) of every ingested document of these kinds: what a marked copy is
    matched against when neither its bytes nor its path say which document it is."""
    rows = conn.execute(
        f"SELECT id, text FROM documents WHERE kind IN ({store_passages.marks(len(kinds))})"
        " ORDER BY path",
        tuple(kinds),
    )
    return [(r[0], r[1]) for r in rows]
