"""ASReview LAB's own project database, read only: the records and the labels in a .asreview.

An ASReview LAB project file (Export → Project) is a zip whose `results.db` (SQLite, project
file version 3: ASReview 2 and 3) holds every record of the dataset (`record`: title, abstract,
year, DOI, the group of records the LAB found alike) and the reviewer's labels (`results`:
label 1 or 0, note, one row per labelled group). Its SQL lives here, with the store's, so the
rest of litsynth reads it as rows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any


def labelled_records(path: Path) -> list[dict[str, Any]]:
    """Every record of the project with its group's label and note (None: never labelled),
    in the dataset's order."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT r.dataset_row, r.title, r.abstract, r.year, r.doi, s.label, s.note"
            " FROM record r LEFT JOIN results s"
            " ON s.record_id = COALESCE(r.duplicate_of, r.record_id)"
            " ORDER BY r.dataset_id, r.dataset_row"
        ).fetchall()
    return [dict(row) for row in rows]
