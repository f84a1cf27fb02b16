"""SQL for the study log (022_studies.sql): which study each record reports, appended;
biblio/studies.py reads the latest entry per record."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from litsynth.records import StudyLink


def append(conn: sqlite3.Connection, links: Sequence[StudyLink]) -> None:
    """Append entries to the log (nothing is ever changed or deleted in it)."""
    conn.executemany(
        "INSERT INTO study_links (record_id, study, reviewer, at, note) VALUES (?, ?, ?, ?, ?)",
        [(x.record_id, x.study, x.reviewer, x.at, x.note) for x in links],
    )


def links(conn: sqlite3.Connection) -> list[StudyLink]:
    """The whole log, oldest first."""
    return [
        StudyLink(row["record_id"], row["study"], row["reviewer"], row["at"], row["note"])
        for row in conn.execute(
            "SELECT record_id, study, reviewer, at, note FROM study_links ORDER BY id"
        )
    ]
