"""The one query that builds `Passage` records, and the small policies every store module shares.

A passage is a chunk joined with its document's bibliographic facts. Search (by FAISS row id),
review (by chunk id), hand coding (by document span) and the analysis stages (all of them) ask
for passages in different ways, but every one of them goes through `_select` and `_passage`, so
a citation cannot come out differently in two places.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from litsynth.records import Passage

T = TypeVar("T")

# SQLite caps bound parameters (999 before 3.32, 32766 since); 500 keeps every build safe.
BATCH = 500

COLUMNS = (
    "ch.rowid AS rowid, ch.id AS chunk_id, ch.document_id, ch.ordinal, ch.start, ch.end,"
    " ch.text, ch.page_start, ch.page_end, ch.section, ch.paragraph, ch.role,"
    " d.kind, d.title, d.authors, d.year, d.path"
)
_FROM = "FROM chunks ch JOIN documents d ON d.id = ch.document_id"


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """`items` in slices that fit SQLite's limit on bound parameters."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int) -> str:
    """'?,?,?' for an IN clause of n values."""
    return ",".join("?" * n)


def decode_authors(cell: str | None) -> tuple[str, ...]:
    """A document's stored author list (JSON) as a tuple; unreadable or not a list: none.

    Lenient on purpose: authors only label a citation, and a damaged cell must not stop a
    search or a report (it shows as a title or file name instead).
    """
    try:
        value = json.loads(cell or "[]")
    except ValueError:
        return ()
    return tuple(str(a) for a in value) if isinstance(value, list) else ()


class AuthorCache:
    """decode_authors once per document, not once per passage (a corpus has 100x more)."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, cell: str | None) -> tuple[str, ...]:
        key = cell or "[]"
        if key not in self.cache:
            self.cache[key] = decode_authors(key)
        return self.cache[key]


def from_row(row: sqlite3.Row, authors: AuthorCache) -> Passage:
    """A row selected with COLUMNS (joined as `ch` chunks and `d` documents) as a Passage."""
    return Passage(
        chunk_id=row["chunk_id"],
        document_id=row["document_id"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        kind=row["kind"],
        title=row["title"] or "",
        path=row["path"],
        authors=authors(row["authors"]),
        year=row["year"],
        page_start=row["page_start"],
        page_end=row["page_end"],
        section=row["section"] or "",
        paragraph=row["paragraph"],
        ordinal=row["ordinal"],
        rowid=row["rowid"],
        role=row["role"] or "body",
    )


def _select(conn: sqlite3.Connection, where: str, args: Iterable[object]) -> Iterator[Passage]:
    authors = AuthorCache()
    for row in conn.execute(f"SELECT {COLUMNS} {_FROM} {where}", tuple(args)):
        yield from_row(row, authors)


def all_passages(conn: sqlite3.Connection) -> list[Passage]:
    """Every passage, ordered by chunk id: results never depend on insert order."""
    return list(_select(conn, "ORDER BY ch.id", ()))


def by_chunk_id(conn: sqlite3.Connection, chunk_ids: Iterable[str]) -> dict[str, Passage]:
    """The passages of these chunk ids (unknown ids are simply absent)."""
    ids = list(dict.fromkeys(chunk_ids))
    out: dict[str, Passage] = {}
    for part in batches(ids):
        out.update(
            (p.chunk_id, p) for p in _select(conn, f"WHERE ch.id IN ({marks(len(part))})", part)
        )
    return out


def by_rowid(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, Passage]:
    """The passages of these FAISS row ids (what a vector search returns)."""
    ids = [int(i) for i in rowids]
    out: dict[int, Passage] = {}
    for part in batches(ids):
        out.update(
            (p.rowid, p) for p in _select(conn, f"WHERE ch.rowid IN ({marks(len(part))})", part)
        )
    return out


def covering(conn: sqlite3.Connection, document_id: str, start: int, end: int) -> list[Passage]:
    """The chunks of a document that overlap the span [start, end), in document order."""
    where = "WHERE ch.document_id = ? AND ch.start < ? AND ch.end > ? ORDER BY ch.ordinal"
    return list(_select(conn, where, (document_id, end, start)))


def rowids_and_ids(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """Every passage's (rowid, id): which passage each FAISS id numbers in this store."""
    return [(r[0], r[1]) for r in conn.execute("SELECT rowid, id FROM chunks ORDER BY rowid")]
