"""Backups of a large review's store: `litsynth backup` and `restore` against the raw copies.

The store: the 17,432 real records of ../shared (the five labelled searches of
dedup-bibdedupe and the two screening reviews, each its own source, deduplicated, as in
bench_record_finder.py), a title/abstract decision on every record by each of two reviewers
(34,864 rows in the log), and the 13 scholarly PDFs of ../shared/data/pdfs/scholarly ingested
(with the hash embedder: the store is what is measured, not the model).

Raw baselines in the same run, on the same store: `shutil.copyfile` of litsynth.db (what a
user's `cp` does, with no one writing: its best case) and `sqlite3.Connection.backup` into a
new file (the library call). `litsynth backup` adds taking the copy out of WAL mode, SQLite's
quick_check, an fsync and the rename; `restore` adds keeping the store it replaces (itself a
backup), copying into the open store and the migration check.

Then the case backups exist for: a second process takes screening decisions one commit at a
time while backups are taken. Each backup must hold every decision acknowledged before it
started and none that was not committed when it ended, and pass integrity_check; a plain copy
of litsynth.db taken at the same moments is counted against the same bar.

Run: .venv/bin/python bench/bench_backup.py   (writes bench/results/backup.json)
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_record_finder import SHARED, build
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.records import Decision
from litsynth.store import backup, opened, screening_log, transaction

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "backup.json"
PDFS = SHARED / "pdfs" / "scholarly"
REPEATS = 3

WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
ids = [r[0] for r in conn.execute("SELECT id FROM records ORDER BY id LIMIT 3000")]
for n, rid in enumerate(ids, start=1):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO decisions(record_id, stage, decision, reviewer, at, reason, note,"
                 " origin, source) VALUES (?, 'full-text', 'include', 'cora', ?, '', '',"
                 " 'terminal', '')", (rid, f"2026-12-07T00:00:{n % 60:02d}Z"))
    conn.execute("COMMIT")
    print(n, flush=True)
    time.sleep(0.002)
"""


def run(root: Path, *args: str) -> str:
    done = CliRunner().invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def make_store(root: Path) -> None:
    build(root)  # init, the 17,432 records, dedupe
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for pdf in sorted(PDFS.rglob("*.pdf")):
        shutil.copy(pdf, root / "corpus" / pdf.name)
    run(root, "ingest", "--quiet")
    with opened(root / "litsynth.db") as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM records")]
        log = [Decision(rid, "title-abstract", "exclude" if i % 20 else "include", reviewer,
                        "2026-12-01T09:00:00Z", origin="sheet")
               for reviewer in ("ana", "ben") for i, rid in enumerate(ids)]  # fmt: skip
        with transaction(conn):
            screening_log.insert_decisions(conn, log)


def median_seconds(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_backup(db: Path, dest: Path) -> None:
    dest.unlink(missing_ok=True)
    src, dst = sqlite3.connect(db), sqlite3.connect(dest)
    src.backup(dst)
    dst.close()
    src.close()


def count(db: Path, reviewer: str = "cora") -> tuple[int, str]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        n = conn.execute("SELECT COUNT(*) FROM decisions WHERE reviewer = ?", (reviewer,))
        return int(n.fetchone()[0]), check
    except sqlite3.DatabaseError as exc:
        return -1, str(exc)
    finally:
        conn.close()


def under_writes(root: Path, scratch: Path) -> dict[str, object]:
    """Backups and plain copies taken while another process commits decisions."""
    db = root / "litsynth.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    assert writer.stdout is not None
    acked = 0

    def read_acks(wait_for: int = 0) -> int:
        nonlocal acked
        while True:
            line = writer.stdout.readline()  # type: ignore[union-attr]
            if not line:
                return acked
            acked = int(line)
            if acked >= wait_for:
                return acked

    rows = []
    read_acks(50)
    for k in range(10):
        low = read_acks(acked + 100)
        started = time.perf_counter()
        with opened(db) as conn:
            made = backup.snapshot(conn, scratch / f"during-{k}.db")
        seconds = time.perf_counter() - started
        high = read_acks(acked + 1)
        got, check = count(made)
        low_cp = read_acks(acked + 20)
        plain = scratch / f"plain-{k}.db"
        shutil.copyfile(db, plain)
        got_cp, check_cp = count(plain)
        rows.append({"acked_before": low, "acked_after": high, "backup_holds": got,
                     "backup_check": check, "seconds": round(seconds, 2),
                     "copy_acked_before": low_cp, "copy_holds": got_cp,
                     "copy_check": check_cp})  # fmt: skip
    writer.kill()
    writer.wait()
    whole = [r for r in rows if r["backup_check"] == "ok"
             and r["acked_before"] <= r["backup_holds"] <= r["acked_after"]]  # fmt: skip
    copies_short = [r for r in rows if r["copy_holds"] < r["copy_acked_before"]]
    return {
        "backups_taken": len(rows),
        "backups_whole_and_holding_every_acknowledged_decision": len(whole),
        "plain_copies_missing_acknowledged_decisions": len(copies_short),
        "plain_copies_missing_mean": round(
            statistics.mean([r["copy_acked_before"] - r["copy_holds"] for r in rows]), 1
        ),
        "rows": rows,
    }


def main() -> None:
    if not (SHARED / "dedup-bibdedupe").exists() or not PDFS.exists():
        sys.exit(f"skipped: {SHARED} is absent (the shared data beside the repository)")
    with tempfile.TemporaryDirectory() as tmp:
        root, scratch = Path(tmp) / "review", Path(tmp) / "scratch"
        scratch.mkdir()
        started = time.perf_counter()
        make_store(root)
        build_s = time.perf_counter() - started
        db = root / "litsynth.db"
        with opened(db) as conn:
            holds = backup.holdings(conn)
        size = db.stat().st_size
        copy_s = median_seconds(lambda: shutil.copyfile(db, scratch / "copy.db"))
        raw_s = median_seconds(lambda: raw_backup(db, scratch / "raw.db"))

        def ours() -> None:
            with opened(db) as conn:
                backup.snapshot(conn, scratch / "ours.db")

        ours_s = median_seconds(ours)
        restore_s = median_seconds(lambda: run(root, "restore", str(scratch / "ours.db")))
        raw_restore_s = median_seconds(lambda: raw_backup(scratch / "ours.db", scratch / "r.db"))
        writes = under_writes(root, scratch)
    result = {
        "store_bytes": size,
        "holds": holds,
        "build_seconds": round(build_s, 1),
        "raw_file_copy_s": round(copy_s, 3),
        "raw_sqlite_backup_s": round(raw_s, 3),
        "litsynth_backup_s": round(ours_s, 3),
        "backup_ratio_to_raw_sqlite_backup": round(ours_s / raw_s, 2),
        "backup_ratio_to_raw_file_copy": round(ours_s / copy_s, 2),
        "litsynth_restore_s": round(restore_s, 3),
        "restore_ratio_to_raw_sqlite_backup": round(restore_s / raw_restore_s, 2),
        "under_writes": writes,
        "cpus": os.cpu_count(),
    }
    print(json.dumps({k: v for k, v in result.items() if k != "under_writes"}, indent=2))
    print(json.dumps({k: v for k, v in writes.items() if k != "rows"}, indent=2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
