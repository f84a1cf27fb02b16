"""Import batches: what each export brought in, and taking back one that was a mistake.

A wrong file, or the right file under a mistyped source name ("Embase" and "EMBASE" are two
databases to PRISMA), used to stay for good: every record counted in "records identified",
with no way out but a new project. A batch can now be removed while nothing a person did
rests on its records. Once any of them is screened, deduplicated by hand, linked by hand or
extracted from, it stays: the screening log is append-only, and the review's work is never
thrown away with a file.

What removal takes with the batch: its records, its rejected entries, the dedupe pairs the
matcher found with them and the full-text links `litsynth link` made for them by matching.
Records of other batches that had one of them as their duplicate root become unique again
until the next `litsynth dedupe`, which says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from litsynth.errors import BiblioError
from litsynth.store import biblio as store
from litsynth.store import runs
from litsynth.store.db import transaction
from litsynth.words import count

REMOVED = "batch-removed"  # the runs log's stage name for a removal


@dataclass(frozen=True)
class Batch:
    """One import as `litsynth batches` lists it."""

    id: str
    source: str
    file_name: str
    imported_at: str
    records: int
    rejected: int
    duplicates: int  # its records linked to a root by dedupe
    work: int  # its records that carry a person's work (screened, resolved, linked, extracted)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Removal:
    """What `remove_batch` took away, and what it left for the next dedupe."""

    batch: Batch
    pairs: int  # dedupe pairs the matcher had found with its records
    links: int  # full-text links made by matching
    unlinked: int  # records of other batches whose duplicate root it held

    def to_json(self) -> dict[str, object]:
        return {**self.batch.to_json(), "pairs": self.pairs, "links": self.links,
                "unlinked": self.unlinked}  # fmt: skip


def list_batches(conn: sqlite3.Connection) -> list[Batch]:
    """Every batch in import order, with how much of the review rests on its records."""
    work = store.records_with_work(conn)
    members = store.batch_members(conn)
    out = []
    for b in store.batches(conn):
        mine = members.get(b["id"], [])
        out.append(
            Batch(
                id=b["id"],
                source=b["source"],
                file_name=b["file_name"],
                imported_at=b["imported_at"],
                records=len(mine),
                rejected=int(b["n_rejected"]),
                duplicates=sum(duplicate for _, duplicate in mine),
                work=sum(record_id in work for record_id, _ in mine),
            )
        )
    return out


def remove_batch(conn: sqlite3.Connection, batch_id: str) -> Removal:
    """Remove one batch and what was derived from its records, or refuse with the reason."""
    found = {b.id: b for b in list_batches(conn)}
    batch = found.get(batch_id)
    if batch is None:
        raise BiblioError(
            f"no import batch {batch_id!r} in this project",
            hint="`litsynth batches` lists them with their ids",
        )
    if batch.work:
        raise BiblioError(
            f"batch {batch_id} ({batch.source}, {batch.file_name}) stays: "
            f"{count(batch.work, 'of its records carries', 'of its records carry')} the review's"
            " work (screening decisions, duplicate verdicts, links by hand, extracted data or"
            " reports grouped into studies)",
            hint="the screening log is append-only; a batch can be removed only before that",
        )
    with transaction(conn):
        pairs, links, unlinked = store.delete_batch(conn, batch_id)
    removal = Removal(batch, pairs, links, unlinked)
    # in the runs log, so `status` can say the duplicates need another look
    runs.log_run(
        conn, REMOVED, settings={"batch": batch_id}, versions={}, summary=removal.to_json()
    )
    return removal


def same_file_elsewhere(
    conn: sqlite3.Connection, batch_id: str, besides: Collection[str] = ()
) -> list[str]:
    """Warnings for a batch whose very file was imported before under another source: almost
    always a slip of the source name, which PRISMA would count as a second database. The
    `besides` sources are no slip: the other parts of one library split by database."""
    every = store.batches(conn)
    batch = next((b for b in every if b["id"] == batch_id), None)
    if batch is None:
        return []
    return [
        f"this file was imported before as {other['source']!r} (batch {other['id']}); if the"
        f" source name is a slip, `litsynth batches --remove {batch_id}` takes this import back"
        for other in every
        if other["file_hash"] == batch["file_hash"]
        and other["id"] != batch_id
        and other["source"] not in besides
    ]


def same_database_elsewhere(conn: sqlite3.Connection, source: str, batch_id: str) -> list[str]:
    """Warnings for a source the project already has under another spelling ("scopus" beside
    "Scopus", "WoS" beside "Web of Science"): PRISMA would count it as a second database."""
    from litsynth.biblio.export_source import database_name

    known = sorted({b["source"] for b in store.batches(conn)})
    return [
        f"the project has this database as {other!r} too: PRISMA counts {source!r} and"
        f" {other!r} as two; if they are one, `litsynth batches --remove {batch_id}` takes"
        f" this import back, to import it again with --source {other!r}"
        for other in known
        if other != source and database_name(other) == database_name(source)
    ]


def settings_naming(batch: Batch, imports: Sequence[str]) -> list[str]:
    """The `[records] imports` entries ("Scopus=records/scopus.ris") that name this batch's
    file and source: `litsynth run` would import a removed batch again from them."""
    out = []
    for spec in imports:
        source, _, path = spec.partition("=")
        if source.strip() == batch.source and Path(path).name == Path(batch.file_name).name:
            out.append(spec)
    return out


# ---- the search behind an export (PRISMA 2020 items 6 and 7) ------------------------------


def search_date(searched: str | None, query: str) -> str | None:
    """The date a search was run, as YYYY-MM-DD, or None when none is told; checked before
    anything is imported, so a typo never leaves the files in without their search."""
    if not (searched or "").strip():
        if query.strip():
            raise BiblioError(
                "the query names a search but not when it was run",
                hint="add --searched YYYY-MM-DD: PRISMA asks for the date of each search",
            )
        return None
    try:
        return date.fromisoformat((searched or "").strip()).isoformat()
    except ValueError:
        raise BiblioError(
            f"--searched {searched!r} is not a date",
            hint="write it as YYYY-MM-DD, e.g. --searched 2026-11-01",
        ) from None


def record_search(conn: sqlite3.Connection, source: str, day: str, query: str) -> dict[str, object]:
    """Store a search of `source` (once, however often it is told) and say what was stored."""
    told = store.add_search(
        conn, source, day, query.strip(), datetime.now(UTC).isoformat(timespec="seconds")
    )
    return {"source": source, "searched_on": day, "query": query.strip(), "recorded": told}
