"""SQL for the previous version of an updated review (021_previous.sql): its included studies'
reports, one list at a time (biblio/previous.py reads them from a file); and the values its
extraction and appraisal recorded on them, with the update's corrections
(023_previous_values.sql, biblio/previous_values.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from litsynth.records import PreviousReport, PreviousValue


def replace_reports(conn: sqlite3.Connection, reports: Sequence[PreviousReport], at: str) -> None:
    """The previous version's list, instead of any list told before (an update has one
    previous version; telling it again corrects it)."""
    conn.execute("DELETE FROM previous_reports")
    conn.executemany(
        "INSERT INTO previous_reports (id, study, title, authors, year, doi, journal, file_name,"
        " added_at, volume, issue, pages, doc_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.id,
                r.study,
                r.title,
                json.dumps(list(r.authors), ensure_ascii=False),
                r.year,
                r.doi,
                r.journal,
                r.file_name,
                at,
                r.volume,
                r.issue,
                r.pages,
                r.doc_type,
            )
            for r in reports
        ],
    )


def reports(conn: sqlite3.Connection) -> list[PreviousReport]:
    """The previous version's reports, in the order told."""
    return [
        PreviousReport(
            id=row["id"],
            study=row["study"],
            title=row["title"],
            authors=tuple(json.loads(row["authors"])),
            year=row["year"],
            doi=row["doi"],
            journal=row["journal"],
            file_name=row["file_name"],
            volume=row["volume"],
            issue=row["issue"],
            pages=row["pages"],
            doc_type=row["doc_type"],
        )
        for row in conn.execute("SELECT * FROM previous_reports ORDER BY rowid")
    ]


def clear(conn: sqlite3.Connection) -> int:
    """Forget the previous version's list and the values carried with it (the update's own
    corrections stay: a list told again shows them); how many reports it held."""
    conn.execute("DELETE FROM previous_values WHERE carried = 1")
    return conn.execute("DELETE FROM previous_reports").rowcount


def counted(conn: sqlite3.Connection) -> tuple[int, int]:
    """(studies, reports) of the previous version; (0, 0) for a new review."""
    row = conn.execute("SELECT COUNT(DISTINCT study), COUNT(*) FROM previous_reports").fetchone()
    return int(row[0]), int(row[1])


def study_keys(conn: sqlite3.Connection) -> set[str]:
    """The previous version's studies, by the key its list gives each."""
    return {row[0] for row in conn.execute("SELECT DISTINCT study FROM previous_reports")}


def replace_carried(conn: sqlite3.Connection, values: Sequence[PreviousValue]) -> None:
    """The values carried from the previous version, instead of any carried before; the
    update's corrections stay."""
    conn.execute("DELETE FROM previous_values WHERE carried = 1")
    append_values(conn, values)


def append_values(conn: sqlite3.Connection, values: Sequence[PreviousValue]) -> None:
    conn.executemany(
        "INSERT INTO previous_values (form, study, field, value, reviewer, at, source, carried)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (v.form, v.study, v.field, v.value, v.reviewer, v.at, v.source, int(v.carried))
            for v in values
        ],
    )


def standing_values(conn: sqlite3.Connection, form: str | None = None) -> list[PreviousValue]:
    """Per form, study and field the value that stands: the update's latest correction, else
    the value carried; cleared ones ("") included, in the order carried then corrected."""
    where, args = ("WHERE form = ?", (form,)) if form is not None else ("", ())
    latest: dict[tuple[str, str, str], PreviousValue] = {}
    for row in conn.execute(
        f"SELECT * FROM previous_values {where} ORDER BY carried DESC, id", args
    ):
        value = PreviousValue(
            row["form"], row["study"], row["field"], row["value"], row["reviewer"], row["at"],
            row["source"], bool(row["carried"]),
        )  # fmt: skip
        latest[(value.form, value.study, value.field)] = value
    return list(latest.values())
