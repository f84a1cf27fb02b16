"""Merging another copy of the project's store: the human work done there, appended here.

Two reviewers who screen or code on their own laptops each hold a copy of the project, and
their work lives in its litsynth.db. Every table of human work here is a log (a decision,
a coding, an answer is appended, the latest by the same person wins), so merging is
appending the other copy's rows this store lacks, in the other copy's order, and changing
nothing that is here.

Two things keep that honest:
- a row only lands where its subject is here: a decision on a record this project holds,
  a coding on a passage it holds (the same exports imported and the same corpus ingested
  give the same content-hash ids); the others are counted and named, never half-inserted;
- appending a row makes it its person's latest on that subject, so a row older than a
  decision this store already holds by the same person on the same subject (the same name
  used on both laptops) is left out and counted: merging never turns back someone's later
  decision.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    """How one table merges: the columns copied, the person, and what must be here first."""

    table: str
    label: str
    columns: tuple[str, ...]
    same: tuple[str, ...]  # columns that make two rows the same fact
    person: str  # who made the row (its latest per subject wins)
    subject: tuple[str, ...]  # with `person`: what "latest" is per; () = no latest
    needs: tuple[tuple[str, str], ...] = ()  # (column, table whose id it must name here)
    order: str = "rowid"
    where: str = "1"  # which of the other copy's rows merge (SQL over `o`)


PARTS = (
    Part("decisions", "screening decisions",
         ("record_id", "stage", "decision", "reviewer", "at", "reason", "note", "origin",
          "source"),
         ("record_id", "stage", "decision", "reviewer", "at", "reason", "note", "origin",
          "source"),
         "reviewer", ("record_id", "stage"), (("record_id", "records"),), "seq"),
    Part("codings", "coding decisions",
         ("id", "chunk_id", "document_id", "code_id", "start", "end", "coder", "at", "status",
          "memo", "suggestion_score"),
         ("id",), "coder", ("chunk_id", "code_id", "start", "end"),
         (("chunk_id", "chunks"), ("document_id", "documents")), "seq"),
    Part("memos", "memos", ("id", "target", "author", "at", "text"), ("id",), "author", ()),
    # a summary names its cell by document id (content hash) or a study's label, its theme by
    # id: the same corpus and codebook on both laptops, the same cell
    Part("cell_summaries", "framework summaries",
         ("id", "rows", "row_key", "cols", "col_key", "text", "author", "at", "basis"),
         ("id",), "author", ("rows", "row_key", "cols", "col_key"), (), "seq"),
    # `form` tells an appraisal's answer from data extracted (019_appraisal.sql): a field id
    # may be a question of each
    Part("extraction_values", "extraction and appraisal entries",
         ("form", "record_id", "field", "value", "reviewer", "at", "source"),
         ("form", "record_id", "field", "value", "reviewer", "at", "source"),
         "reviewer", ("form", "record_id", "field"), (("record_id", "records"),), "id"),
    Part("dedupe_resolutions", "answers on possible duplicates",
         ("record_a", "record_b", "same", "reviewer", "at", "note"),
         ("record_a", "record_b", "same", "reviewer", "at", "note"),
         "reviewer", ("record_a", "record_b"),
         (("record_a", "records"), ("record_b", "records")), "id"),
    Part("relation_decisions", "relation decisions",
         ("source", "target", "type", "weight", "reviewer", "at", "codebook_file",
          "codebook_version", "evidence"),
         ("source", "target", "type", "reviewer", "at"),
         "reviewer", ("source", "target"), (), "seq"),
    Part("record_documents", "links of records to their full texts",
         ("record_id", "document_id", "method", "score", "linked_at"),
         ("record_id", "document_id"), "method", (),
         (("record_id", "records"), ("document_id", "documents"))),
    Part("study_links", "reports grouped into studies",
         ("record_id", "study", "reviewer", "at", "note"),
         ("record_id", "study", "reviewer", "at", "note"),
         "reviewer", ("record_id",), (("record_id", "records"),), "id"),
    Part("searches", "searches recorded",
         ("source", "searched_on", "query", "recorded_at"),
         ("source", "searched_on", "query"), "source", ()),
    # an update's corrections of its previous version's data; what was carried comes with
    # the previous version's list (merge_previous)
    Part("previous_values", "corrections of the previous version's data",
         ("form", "study", "field", "value", "reviewer", "at", "source", "carried"),
         ("form", "study", "field", "value", "reviewer", "at", "source", "carried"),
         "reviewer", ("form", "study", "field"), (), "id", "o.carried = 0"),
)  # fmt: skip
# Not merged: the digests of imported sheets (`screening_sheets`). A digest says "every
# decision of this sheet is here", which holds only if each of them was merged; a sheet
# imported again after a merge is still safe, its decisions equal to the reviewer's current
# ones being skipped (`screen import`).


@dataclass
class Outcome:
    """One table's merge: rows added (per person), already here, and left out with why."""

    label: str
    added: dict[str, int] = field(default_factory=dict)
    already: int = 0
    no_subject: int = 0  # its record or passage is not in this project
    other_subject: int = 0  # this project holds another record under its record's id
    superseded: int = 0  # older than this store's own later row by the same person

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "already_here": self.already,
            "subject_not_here": self.no_subject,
            "another_record_here_under_its_id": self.other_subject,
            "older_than_this_projects": self.superseded,
        }


def _q(name: str) -> str:
    return f'"{name}"'


# What must agree for a subject to be the same in both stores. Passages and documents are
# named by content hashes; a record keeps the id its export gave it ("5" in a CSV's record_id
# column), so two copies that imported different files can both hold a record "5".
SAME_SUBJECT = {"records": ("title", "doi")}


def _conditions(part: Part) -> tuple[str, str, str, str]:
    """SQL over `o` (the other copy's row): already here; its subjects' ids here; its
    subjects here and the same in both; superseded here."""
    same = " AND ".join(f"m.{_q(c)} IS o.{_q(c)}" for c in part.same)
    already = f"EXISTS (SELECT 1 FROM main.{part.table} m WHERE {same})"
    present, alike = [], []
    for col, table in part.needs:
        present.append(f"EXISTS (SELECT 1 FROM main.{table} t WHERE t.id = o.{_q(col)})")
        agree = "".join(f" AND u.{_q(c)} IS t.{_q(c)}" for c in SAME_SUBJECT.get(table, ()))
        alike.append(
            f"EXISTS (SELECT 1 FROM main.{table} t JOIN other.{table} u ON u.id = t.id"
            f" WHERE t.id = o.{_q(col)}{agree})"
        )
    if part.subject:
        key = " AND ".join(f"m.{_q(c)} IS o.{_q(c)}" for c in (*part.subject, part.person))
        later = f"EXISTS (SELECT 1 FROM main.{part.table} m WHERE {key} AND m.at > o.at)"
    else:
        later = "0"
    return already, " AND ".join(present) or "1", " AND ".join(alike) or "1", later


def merge_part(conn: sqlite3.Connection, part: Part) -> Outcome:
    """Append `other.<table>`'s new rows to `main.<table>` (the caller holds a transaction)."""
    out = Outcome(part.label)
    if not _has_table(conn, "other", part.table):
        return out
    already, present, here, later = _conditions(part)
    src = f"FROM other.{part.table} o WHERE {part.where}"
    new = f"{src} AND NOT {already}"
    out.already = _one(conn, f"SELECT COUNT(*) {src} AND {already}")
    out.no_subject = _one(conn, f"SELECT COUNT(*) {new} AND NOT ({present})")
    out.other_subject = _one(conn, f"SELECT COUNT(*) {new} AND {present} AND NOT ({here})")
    out.superseded = _one(conn, f"SELECT COUNT(*) {new} AND {here} AND {later}")
    chosen = f"{new} AND {here} AND NOT {later}"
    out.added = {
        str(who): int(n)
        for who, n in conn.execute(
            f"SELECT o.{_q(part.person)}, COUNT(*) {chosen} GROUP BY 1 ORDER BY 2 DESC, 1"
        )
    }
    cols = ", ".join(_q(c) for c in part.columns)
    picked = ", ".join(f"o.{_q(c)}" for c in part.columns)
    conn.execute(
        f"INSERT INTO main.{part.table} ({cols}) SELECT {picked} {chosen} ORDER BY o.{part.order}"
    )
    return out


def merge_reasons(conn: sqlite3.Connection, origin: str) -> int:
    """The other copy's exclusion reasons this project lacks (matched as the list is, without
    regard to case), so a merged exclusion's reason is one the workspace offers."""
    if not _has_table(conn, "other", "exclusion_reasons"):
        return 0
    before = conn.total_changes
    conn.execute(
        "INSERT INTO main.exclusion_reasons (reason, origin, added_at, added_from)"
        " SELECT o.reason, o.origin, o.added_at, ? FROM other.exclusion_reasons o"
        " WHERE NOT EXISTS (SELECT 1 FROM main.exclusion_reasons m"
        "                   WHERE lower(m.reason) = lower(o.reason))",
        (f"merged from {origin}",),
    )
    return conn.total_changes - before


def merge_previous(conn: sqlite3.Connection) -> tuple[str, int]:
    """An updated review's previous-version list (021_previous.sql) from the other copy, with
    the values carried with it (023_previous_values.sql): it is the project's, told once, so
    it is copied only when this project has none. Returns
    ("copied", its reports) | ("same", 0) | ("differs", 0) (this project's kept) | ("", 0)
    (the other copy has none)."""
    if not _has_table(conn, "other", "previous_reports"):
        return "", 0
    theirs = set(conn.execute("SELECT id, study FROM other.previous_reports"))
    if not theirs:
        return "", 0
    ours = set(conn.execute("SELECT id, study FROM main.previous_reports"))
    if ours:
        return ("same" if ours == theirs else "differs"), 0
    conn.execute(
        "INSERT INTO main.previous_reports (id, study, title, authors, year, doi, journal,"
        " file_name, added_at, volume, issue, pages, doc_type) SELECT id, study, title, authors,"
        " year, doi, journal, file_name, added_at, volume, issue, pages, doc_type"
        " FROM other.previous_reports ORDER BY rowid"
    )
    if _has_table(conn, "other", "previous_values"):  # and the values carried with it
        conn.execute(
            "INSERT INTO main.previous_values (form, study, field, value, reviewer, at, source,"
            " carried) SELECT form, study, field, value, reviewer, at, source, carried"
            " FROM other.previous_values WHERE carried = 1 ORDER BY id"
        )
    return "copied", len(theirs)


def _has_table(conn: sqlite3.Connection, schema: str, table: str) -> bool:
    found = conn.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return found is not None


def _one(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def merge_store(
    conn: sqlite3.Connection, other: str, *, named: str, dry_run: bool = False
) -> tuple[list[Outcome], int, tuple[str, int]]:
    """Merge the store file `other` (same tables as this one: migrated first) into `conn`'s,
    in one transaction: every table or none. `named`: the file as the user named it, kept
    with the exclusion reasons it brings. `dry_run` counts and rolls back. Returns the
    tables' outcomes, the exclusion reasons added and `merge_previous`'s word."""
    conn.execute("ATTACH DATABASE ? AS other", (other,))  # outside a transaction: SQLite's rule
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            outcomes = [merge_part(conn, part) for part in PARTS]
            reasons = merge_reasons(conn, named)
            previous = merge_previous(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("ROLLBACK" if dry_run else "COMMIT")
    finally:
        conn.execute("DETACH DATABASE other")
    return outcomes, reasons, previous
