"""`litsynth backup` / `restore`, and the backups litsynth takes by itself (an upgrade, a day).

All on real SQLite files in WAL mode, with another connection open the way the workspace
keeps one: the case a plain file copy of litsynth.db gets wrong.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from conftest import FIXTURES, REPO, corpus_project, run_cli
from litsynth.embed.index import load_index
from litsynth.embed.models import get_embedder
from litsynth.store import backup, connect, opened
from litsynth.store.db import _migrations, pending_migrations
from litsynth.store.lock import writer_lock

RECORDS = FIXTURES / "screening" / "records.csv"


def decisions(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def screened(project: Path) -> Path:
    """`project` with the screening fixture's records and two decisions taken one at a time."""
    run_cli(project, "import", str(RECORDS), "--source", "Scopus")
    run_cli(project, "screen", "decide", "r01", "include")
    run_cli(project, "screen", "decide", "r02", "include")
    return project


def test_a_backup_taken_while_the_workspace_holds_the_store_has_every_decision(
    screened: Path, tmp_path: Path
) -> None:
    """With a connection open (the workspace's), commits wait in litsynth.db-wal: a copy of
    litsynth.db alone lacks them; the backup has them, and is one file with no -wal."""
    held = connect(screened / "litsynth.db")  # kept open: no checkpoint on the others' close
    try:
        run_cli(screened, "screen", "decide", "r03", "exclude", "--reason", "design")
        assert (screened / "litsynth.db-wal").stat().st_size > 0
        naive = tmp_path / "naive.db"
        shutil.copy(screened / "litsynth.db", naive)
        out = run_cli(screened, "backup", "--json")
    finally:
        held.close()
    made = Path(json.loads(out)["path"])
    assert made.parent == screened / "backups" and backup.listed(made.parent) == [made]
    assert decisions(naive) < 3  # what a file copy of the store keeps: not every decision
    assert decisions(made) == 3 and json.loads(out)["holds"]["decisions"] == 3
    assert not made.with_name(made.name + "-wal").exists()
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_backup_does_not_wait_for_a_write_in_progress_and_leaves_it_out(screened: Path) -> None:
    writer = sqlite3.connect(screened / "litsynth.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO memos(id, target, author, at, text)"
                   " VALUES ('m1', 'project', 'ana', '2026-01-01', 'half written')")  # fmt: skip
    try:
        out = run_cli(screened, "backup", "--json")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert json.loads(out)["holds"]["memos"] == 0 and json.loads(out)["holds"]["decisions"] == 2


def test_restore_puts_the_store_back_and_keeps_what_it_replaced(screened: Path) -> None:
    made = Path(json.loads(run_cli(screened, "backup", "--json"))["path"])
    run_cli(screened, "screen", "decide", "r03", "exclude", "--reason", "design")
    out = run_cli(screened, "restore", str(made))
    assert "restored" in out and "3 screening decisions" in out  # what it replaced, said
    assert decisions(screened / "litsynth.db") == 2
    kept = [p for p in backup.listed(screened / "backups") if "before-restore" in p.name]
    assert len(kept) == 1 and decisions(kept[0]) == 3
    with opened(screened / "litsynth.db") as conn:  # still a WAL store, whole, up to date
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert pending_migrations(conn) == []
    run_cli(screened, "restore", str(kept[0]))  # and a restore is undone by another
    assert decisions(screened / "litsynth.db") == 3


def test_restore_refuses_what_is_not_a_whole_litsynth_backup_and_changes_nothing(
    screened: Path, tmp_path: Path
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    newer = Path(json.loads(run_cli(screened, "backup", "--json"))["path"])
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migrations(name) VALUES ('999_from_the_future.sql')")
    conn.commit()
    conn.close()
    cases = [
        (text, "is not a SQLite database"),
        (other, "not a litsynth store"),
        (newer, "written by a newer litsynth (it has 999_from_the_future.sql)"),
        (tmp_path / "absent.db", "no file at"),
        (screened / "litsynth.db", "is the store itself"),
    ]
    for path, words in cases:
        out = run_cli(screened, "restore", str(path), exit_code=1)
        assert words in out and "Hint:" in out, out
    assert decisions(screened / "litsynth.db") == 2
    assert not [p for p in backup.listed(screened / "backups") if "before-restore" in p.name]


def test_restore_waits_for_no_ingest_it_refuses_while_one_runs(screened: Path) -> None:
    made = Path(json.loads(run_cli(screened, "backup", "--json"))["path"])
    with writer_lock(screened, "ingest"):
        out = run_cli(screened, "restore", str(made), exit_code=1)
    assert "another litsynth ingest" in out


def test_after_a_restore_the_index_holds_only_vectors_of_the_restored_passages(
    tmp_path: Path,
) -> None:
    seeds = REPO / "corpus"
    root = corpus_project(tmp_path, *((p, p.name) for p in sorted(seeds.glob("00[12]_*.txt"))))
    run_cli(root, "ingest")
    made = Path(json.loads(run_cli(root, "backup", "--json"))["path"])
    shutil.copy(next(seeds.glob("003_*.txt")), root / "corpus")
    run_cli(root, "ingest")
    out = json.loads(run_cli(root, "restore", str(made), "--json"))
    assert out["index"]["removed"] > 0 and out["index"]["without"] == 0  # 003's vectors gone
    assert json.loads(run_cli(root, "status", "--json"))["index_fresh"] is True


def vectors_match_texts(root: Path) -> bool:
    """Whether every vector in the index is the test embedder's vector of its passage's text."""
    index, _ = load_index(root / "indexes")  # type: ignore[misc]
    conn = sqlite3.connect(root / "litsynth.db")
    texts = dict(conn.execute("SELECT rowid, text FROM chunks"))
    conn.close()
    ids = sorted(index.ids().tolist())
    assert ids == sorted(texts)
    want = get_embedder("hash-384").embed([texts[r] for r in ids])
    return bool(np.allclose(index.vectors(ids), want, atol=1e-5))


def test_a_backup_from_another_copy_numbers_its_passages_otherwise_and_search_stays_right(
    tmp_path: Path,
) -> None:
    """Ben's copy ingested the same two papers in the other order: the same ids stand for
    other passages there. The id sets are equal, so comparing them (as `reconcile` does) says
    the index is fresh; its vectors must follow their texts to their new ids."""
    seeds = sorted((REPO / "corpus").glob("00[12]_*.txt"))
    ana = corpus_project(tmp_path / "a", (seeds[0], seeds[0].name))
    ben = corpus_project(tmp_path / "b", (seeds[1], seeds[1].name))
    for root, then in ((ana, seeds[1]), (ben, seeds[0])):  # one paper first, then the other
        run_cli(root, "ingest")
        shutil.copy(then, root / "corpus")
        run_cli(root, "ingest")
    theirs = Path(json.loads(run_cli(ben, "backup", "--json"))["path"])
    before = rows_of(ana)
    out = json.loads(run_cli(ana, "restore", str(theirs), "--json"))
    assert rows_of(ana) != before and set(rows_of(ana)) == set(before)  # same ids, other texts
    assert out["index"]["moved"] > 0 and out["index"]["without"] == 0
    assert vectors_match_texts(ana)


def rows_of(root: Path) -> list[int]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return [r[0] for r in conn.execute("SELECT rowid FROM chunks ORDER BY id")]
    finally:
        conn.close()


def old_store(path: Path, upto: int) -> None:
    """A store made by an older litsynth: only its first `upto` migrations, and a record."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in _migrations()[:upto]:
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations(name) VALUES (?)", (name,))
    conn.close()


def test_an_upgrade_keeps_the_store_as_it_was_and_that_backup_restores(
    screened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = screened / "litsynth.db"
    store.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(store) + suffix).unlink(missing_ok=True)
    old_store(store, 15)
    with sqlite3.connect(store) as raw:
        raw.execute("INSERT INTO memos(id, target, author, at, text)"
                    " VALUES ('m1', 'project', 'ana', '2026-01-01', 'kept')")  # fmt: skip
    next_one = _migrations()[15][0].removesuffix(".sql")
    connect(store).close()  # what any command of the newer litsynth does first
    assert f"upgrading the store ({_migrations()[15][0]}" in capsys.readouterr().err
    kept = backup.listed(screened / "backups")
    assert [p.name.endswith(f"-before-{next_one}.db") for p in kept] == [True]
    with sqlite3.connect(kept[0]) as before:
        assert len(list(before.execute("SELECT name FROM schema_migrations"))) == 15
    connect(store).close()  # up to date now: no second backup
    assert len(backup.listed(screened / "backups")) == 1
    out = json.loads(run_cli(screened, "restore", str(kept[0]), "--json"))
    assert out["upgraded"][0] == _migrations()[15][0] and out["after"]["memos"] == 1


def test_a_new_store_is_not_backed_up(tmp_path: Path) -> None:
    connect(tmp_path / "litsynth.db").close()
    assert not (tmp_path / "backups").exists()


def test_keep_deletes_only_litsynths_older_backups(screened: Path) -> None:
    folder = screened / "backups"
    folder.mkdir()
    mine = folder / "my-notes.db"
    mine.write_text("not ours", encoding="utf-8")
    for stamp in ("20250101-000000", "20250102-000000-before-restore", "20250103-000000"):
        shutil.copy(screened / "litsynth.db", folder / f"litsynth-{stamp}.db")
    out = json.loads(run_cli(screened, "backup", "--keep", "2", "--json"))
    left = [p.name for p in backup.listed(folder)]
    assert left == ["litsynth-20250103-000000.db", Path(out["path"]).name]
    assert len(out["pruned"]) == 2 and mine.exists()
    listing = run_cli(screened, "backup", "--list")
    assert "2 backups in backups/" in listing and "2 screening decisions" in listing


def test_backup_to_a_named_file_and_list_of_an_empty_folder(screened: Path, tmp_path: Path) -> None:
    target = tmp_path / "usb" / "review-2026-12.db"
    out = run_cli(screened, "backup", "--to", str(target))
    assert target.exists() and decisions(target) == 2 and str(target) in out
    assert "no backups in" in run_cli(screened, "backup", "--list")
    for taken in (target, screened / "litsynth.db"):  # never written over, the store least
        assert "exists already" in run_cli(screened, "backup", "--to", str(taken), exit_code=1)
    assert decisions(screened / "litsynth.db") == 2


def test_one_daily_backup_of_a_store_with_work_and_seven_kept(screened: Path) -> None:
    folder = screened / "backups"
    day = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with opened(screened / "litsynth.db") as conn:
        first = backup.daily(conn, folder, day)
        assert first is not None and first.name == "litsynth-20261201-090000-auto.db"
        assert backup.daily(conn, folder, day + timedelta(hours=23)) is None
        for n in range(1, 10):
            assert backup.daily(conn, folder, day + timedelta(days=n)) is not None
    asked = run_cli(screened, "backup", "--json")  # a backup asked for is never pruned
    names = [p.name for p in backup.listed(folder)]
    assert len(names) == 8 and Path(json.loads(asked)["path"]).name in names
    assert names[0] == "litsynth-20261204-090000-auto.db"  # the newest seven daily ones
    status = run_cli(screened, "status")
    assert "backups: 8 in backups/, the newest" in status
    for n, made in enumerate(backup.listed(folder)):  # all from long ago: status says so
        made.rename(folder / f"litsynth-20200101-0000{n:02d}-auto.db")
    assert "backups: 8 in backups/, the newest 2020-01-01 00:00 UTC, " in run_cli(
        screened, "status"
    )
    assert " days old (`litsynth backup` makes one now)" in run_cli(screened, "status")


def test_an_empty_store_gets_no_daily_backup_and_status_asks_for_one_once_work_exists(
    project: Path,
) -> None:
    with opened(project / "litsynth.db") as conn:
        assert backup.daily(conn, project / "backups", datetime.now(UTC)) is None
    assert "backups:" not in run_cli(project, "status")
    run_cli(project, "import", str(RECORDS), "--source", "Scopus")
    assert "backups: none yet; `litsynth backup`" in run_cli(project, "status")


def test_restore_mends_a_store_sqlite_cannot_open_and_sets_the_damaged_one_aside(
    screened: Path,
) -> None:
    made = Path(json.loads(run_cli(screened, "backup", "--json"))["path"])
    store = screened / "litsynth.db"
    data = bytearray(store.read_bytes())
    data[:16] = b"garbage header!!"
    store.write_bytes(bytes(data))
    assert "litsynth restore FILE" in run_cli(screened, "status", exit_code=1)
    out = run_cli(screened, "restore", str(made))
    assert "the damaged store is set aside as backups/litsynth-" in out
    assert decisions(store) == 2 and "index:" in run_cli(screened, "status")
    listing = run_cli(screened, "backup", "--list")  # the damaged file is listed, not a crash
    assert "-damaged.db  cannot be read: " in listing and "2 screening decisions" in listing


def test_a_workspace_left_running_backs_up_after_a_write_once_the_newest_is_a_day_old(
    screened: Path,
) -> None:
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    folder = screened / "backups"
    folder.mkdir()
    shutil.copy(screened / "litsynth.db", folder / "litsynth-20200101-000000.db")  # years old
    host = "127.0.0.1:8765"
    client = TestClient(create_app(open_project(screened), allowed_hosts=(host,)),
                        base_url=f"http://{host}")  # fmt: skip
    ws = client.app.state.workspace  # type: ignore[attr-defined]

    def decide(record: str) -> None:
        body = {"record_id": record, "decision": "include", "reviewer": "cy"}
        done = client.post("/api/screen/decide", headers={"X-Litsynth-Token": ws.token}, json=body)
        assert done.status_code == 200, done.text

    decide("r03")
    assert ws.backup_job is not None
    ws.backup_job.join(timeout=30)
    made = [p for p in backup.listed(folder) if p.name.endswith("-auto.db")]
    assert len(made) == 1 and backup.holdings(sqlite3.connect(made[0]))["decisions"] == 3
    job = ws.backup_job
    decide("r04")  # within the hour: not even looked at again
    assert ws.backup_job is job and len(backup.listed(folder)) == 2


def past_the_limit(root: Path) -> None:
    """3,000 records more: a store well past the child's file-size limit, so that a copy of
    it fails part way."""
    many = root.parent / "many.csv"
    rows = [f"m{n},Study {n},{'An abstract long enough to take room. ' * 8},\"Doe, J\",2020"
            for n in range(3000)]  # fmt: skip
    many.write_text("record_id,title,abstract,authors,year\n" + "\n".join(rows) + "\n")
    run_cli(root, "import", str(many), "--source", "Embase")


BACKUP_ON_A_FULL_DISK = """
import resource, signal, sys
from litsynth.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (32 << 10, 32 << 10))
sys.argv = ["litsynth", "backup", "--project", sys.argv[1]]
main()
"""


def test_a_backup_onto_a_full_disk_is_one_line_and_leaves_nothing_behind(screened: Path) -> None:
    import subprocess
    import sys

    past_the_limit(screened)

    done = subprocess.run([sys.executable, "-c", BACKUP_ON_A_FULL_DISK, str(screened)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "could not write the backup" in done.stderr and "store is intact" in done.stderr
    assert not list((screened / "backups").iterdir())  # no half-written copy, no temporary
    assert decisions(screened / "litsynth.db") == 2


def test_a_file_where_the_backups_folder_goes_is_one_line_and_the_workspace_starts(
    screened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from litsynth.cli.serve import _daily_backup
    from litsynth.config import open_project

    (screened / "backups").write_text("not a folder", encoding="utf-8")
    out = run_cli(screened, "backup", exit_code=1)
    assert "could not write the backup" in out and "Traceback" not in out
    _daily_backup(open_project(screened))  # what `serve` does first: a warning, not a stop
    assert "Warning: could not back up the store" in capsys.readouterr().err


RESTORE_ON_A_FULL_DISK = """
import resource, signal, sys
from litsynth.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (32 << 10, 32 << 10))
sys.argv = ["litsynth", "restore", sys.argv[2], "--project", sys.argv[1]]
main()
"""


def test_a_restore_whose_backup_of_the_store_cannot_be_written_changes_nothing(
    screened: Path,
) -> None:
    """The store a restore replaces is backed up first; when that cannot be written, the
    restore stops there. It set the healthy store aside as "damaged" before."""
    import subprocess
    import sys

    made = Path(json.loads(run_cli(screened, "backup", "--json"))["path"])
    run_cli(screened, "screen", "decide", "r03", "exclude", "--reason", "design")
    past_the_limit(screened)
    done = subprocess.run(
        [sys.executable, "-c", RESTORE_ON_A_FULL_DISK, str(screened), str(made)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "could not write the backup" in done.stderr and "store is intact" in done.stderr
    assert decisions(screened / "litsynth.db") == 3
    assert [p.name for p in backup.listed(screened / "backups")] == [made.name]
