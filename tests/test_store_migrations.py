"""Migrations are numbered once; a store that applied them under their former names upgrades."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from litsynth.store import connect
from litsynth.store.db import FORMER_NAMES, _migrations, pending_migrations


def test_every_migration_has_its_own_number() -> None:
    numbers = [name.split("_", 1)[0] for name, _ in _migrations()]
    assert len(numbers) == len(set(numbers)), numbers


def test_store_with_former_migration_names_is_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "litsynth.db"
    connect(path).close()
    raw = sqlite3.connect(path)
    with raw:  # what a store made before the renumbering holds
        for new, old in FORMER_NAMES.items():
            raw.execute("UPDATE schema_migrations SET name = ? WHERE name = ?", (old, new))
    raw.close()
    conn = connect(path)  # must not try to create the tables again
    try:
        assert pending_migrations(conn) == []
        names = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
        assert set(FORMER_NAMES.values()) <= names
    finally:
        conn.close()


def test_connections_opening_a_new_store_at_once_all_get_it(tmp_path: Path) -> None:
    """The workspace's first request and its background ingest may open a project's store
    for the first time together. Before, most such races failed: one applied a migration the
    other had just applied ("UNIQUE constraint failed: schema_migrations.name", "table
    documents already exists"), or lost the switch to WAL ("database is locked")."""
    import threading

    for run in range(12):
        path = tmp_path / f"store{run}.db"
        start = threading.Barrier(3)
        errors: list[str] = []

        def open_it(
            path: Path = path, start: threading.Barrier = start, errors: list[str] = errors
        ) -> None:
            start.wait()
            try:
                connect(path).close()
            except Exception as exc:
                errors.append(str(exc))

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        with closing(connect(path)) as conn:
            assert not pending_migrations(conn)
