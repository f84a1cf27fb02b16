"""Migrations are numbered once; a store that applied them under their former names upgrades."""

from __future__ import annotations

import sqlite3
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
