"""Two readings of one file in the store: carry the human work from the old onto the new.

Ingest calls these when a file's document is about to be dropped or replaced:
- `onto`: a file now holds another document (a new version of the paper saved over the old
  one). Memos and record links always follow it, since nothing else would keep them; codings
  follow only when asked (`ingest --carry`), since a reviewer may want to see what they coded
  against first. What cannot be placed keeps the old reading in the store, as before.
- `in_place` (through `reread`): the same file read again (`ingest --reread`, after
  litsynth's reader improved). The new reading has the old one's id (the id is the file's
  hash), so it replaces the old one in one transaction, foreign keys checked at commit: all
  its codings are placed, or the old reading stays untouched.
- `rechunk`: the same text cut into other passages (`ingest --rebuild`, another chunker).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litsynth.embed.index import ChunkIndex
from litsynth.ingest.carry import Plan, plan
from litsynth.ingest.outcome import IngestReport
from litsynth.records import Chunk, Document
from litsynth.store import carry as held_work
from litsynth.store.db import transaction
from litsynth.store.documents import clear_failure, kind_and_path


@dataclass(frozen=True)
class Outcome:
    """What was carried for one document: its line in ingest's report."""

    path: str
    document_id: str
    codings: int
    memos: int
    changed: int  # placed by their first and last words, the middle having changed
    left: tuple[dict[str, str], ...]  # {kind, code, quote}: not in the new text
    kept_old: bool
    onto: str = "text"  # "passages": the same text cut anew (rechunk)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "document_id": self.document_id, "codings": self.codings,
            "memos": self.memos, "changed": self.changed, "left": list(self.left),
            "kept_old": self.kept_old, "onto": self.onto,
        }  # fmt: skip


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def onto(conn: sqlite3.Connection, old_id: str, new_id: str, *, codings: bool) -> Outcome | None:
    """Move old's work onto the stored document new_id; the caller then tries to drop old.

    None when there was nothing to place: old held no memo or coding (its record links
    follow all the same), or it holds codings and they were not asked for (it is kept whole).
    """
    old = held_work.held(conn, old_id)
    if old.codings and not codings:
        return None
    if not old.has_work:
        held_work.relink(conn, old.links, new_id)
        return None
    new_text, new_chunks = held_work.reading(conn, new_id)
    found = plan(old, new_id, new_text, list(new_chunks))
    held_work.move(conn, old, new_id, found.moves, now())
    path = _path(conn, new_id)
    return _outcome(path, new_id, found, kept_old=bool(found.left))


def in_place(
    conn: sqlite3.Connection,
    doc: Document,
    chunks: list[Chunk],
    store_new: Callable[[], list[int]],
) -> tuple[list[int], list[int], Outcome] | None:
    """Replace the stored reading of doc.id with doc, carrying its work; inside a transaction.

    `store_new` inserts doc and its chunks (as ingest stores any document) and returns their
    rowids. Returns (old rowids, new rowids, outcome); None, with nothing changed, when the
    new reading has the old one's very text. Raises Blocked, with nothing changed, when a
    coding's words are not in the new reading (its outcome quotes them).
    """
    old = held_work.held(conn, doc.id)
    if old.text == doc.text:
        return None
    found = plan(old, doc.id, doc.text, [(c.id, c.start, c.end) for c in chunks])
    if found.left:
        raise Blocked(_outcome(doc.path, doc.id, Plan(left=found.left), kept_old=True))
    files, old_rowids = held_work.drop_reading(conn, doc.id)
    new_rowids = store_new()
    held_work.move(conn, old, doc.id, found.moves, now())
    held_work.restore_files(conn, doc.id, files)
    return old_rowids, new_rowids, _outcome(doc.path, doc.id, found, kept_old=False)


def reread(
    conn: sqlite3.Connection,
    index: ChunkIndex,
    report: IngestReport,
    key: str,
    reading: tuple[Document, list[Chunk], Any],
    store_new: Callable[[], list[int]],
    read_by: str | None = None,
) -> None:
    """--reread of the file at `key`: its new reading (document, chunks, their vectors)
    replaces the stored one with its work carried (`in_place`), or the old one stays.
    `read_by` is the new reading's text reader, recorded when its text is the same."""
    doc, chunks, vectors = reading
    try:
        with transaction(conn):
            done = in_place(conn, doc, chunks, store_new)
            clear_failure(conn, key)
            if done is None:
                held_work.read_by(conn, doc.id, read_by)
    except Blocked as blocked:
        report.kept_with_human_work.append(doc.id)
        report.carried.append(blocked.outcome.to_json())
        return
    if done is None:
        report.documents_reread_same += 1
        return
    removed, rowids, outcome = done
    index.remove(removed)
    index.add(rowids, vectors)
    report.chunks_removed += len(removed)
    report.chunks_added += len(rowids)
    report.documents_ingested += 1
    if outcome.codings or outcome.memos:
        report.carried.append(outcome.to_json())


def rechunk(
    conn: sqlite3.Connection,
    document_id: str,
    chunks: list[Chunk],
    replace: Callable[[], tuple[list[int], int]],
) -> tuple[list[int], int, Outcome | None]:
    """`ingest --rebuild` with another chunker: the same text cut into other passages. The
    codings and memos on the old passages move to the new passage holding their words (the
    offsets hold: the text is the same), so no old passage is kept beside the new ones to be
    found twice by search. `replace` swaps the chunks (store.replace_chunks); returns its
    (new rowids, old passages kept) and what moved (None: nothing)."""
    old = held_work.held(conn, document_id)
    if not old.has_work:
        return (*replace(), None)
    found = plan(old, document_id, old.text, [(c.id, c.start, c.end) for c in chunks])
    if found.left:  # a span with no letters in it: kept on its old passage, as before
        return (*replace(), None)
    held_work.defer_references(conn)
    rowids, kept = replace()
    held_work.move(conn, old, document_id, found.moves, now())
    path = _path(conn, document_id)
    moved = _outcome(path, document_id, found, kept_old=False)
    return rowids, kept, dataclasses.replace(moved, onto="passages")


class Blocked(Exception):
    """A re-reading not stored because some of the old reading's codings are not in it."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.path)
        self.outcome = outcome


def _path(conn: sqlite3.Connection, document_id: str) -> str:
    stored = kind_and_path(conn, document_id)
    assert stored is not None  # the document the work was just moved onto
    return stored[1]


def _outcome(path: str, document_id: str, found: Plan, *, kept_old: bool) -> Outcome:
    return Outcome(
        path=path,
        document_id=document_id,
        codings=sum(m.kind == "coding" for m in found.moves),
        memos=sum(m.kind == "memo" for m in found.moves),
        changed=found.changed,
        left=tuple(
            {"kind": x.kind, "code": x.code_id, "quote": _short(x.quote)} for x in found.left
        ),
        kept_old=kept_old,
    )


def _short(quote: str, limit: int = 160) -> str:
    flat = " ".join(quote.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
