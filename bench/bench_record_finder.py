"""Find a record at scale: the workspace's `GET /api/records/find` over 17,432 real records.

The records: the five labelled searches of ../shared/data/dedup-bibdedupe (cytology
screening, digital work, haematology, respiratory, stroke) and the two shared screening
reviews (Nagtegaal 2019, Kitchenham 2010), each imported as its own source, then `litsynth
dedupe`: a large review's records with the duplicates of several databases.

Queries: two words of the titles of 30 records drawn at random (seed 1), as a reviewer types
a half-remembered title, and the eight statuses without words. Server time through
Starlette's test client, in-process.

The raw baseline, in the same run over the same queries: sqlite3 reading the same columns
of every record and Python keeping those holding every word (casefolded), which is the
least any search over the records must do without an index. The ratio is what the finder
adds: each record's decisions from the screening log, its duplicate group, its full texts,
the counts per status and the JSON.

Run: .venv/bin/python bench/bench_record_finder.py   (writes bench/results/record-finder.json)
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "results" / "record-finder.json"
HOST = "127.0.0.1:8765"
SEARCHES = ("cytology_screening", "digital_work", "haematology", "respiratory", "stroke")
REVIEWS = {
    "Nagtegaal 2019": "screening/Nagtegaal_2019/output/Nagtegaal_2019.csv",
    "Kitchenham 2010": "screening/Hall_Wahono_Radjenovic_Kitchenham/output/Kitchenham_2010.csv",
}
STATUSES = ("undecided", "include", "exclude", "maybe", "conflict", "duplicate", "all",
            "not-retrieved")  # fmt: skip


def build(root: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(root)])
    files = {name: SHARED / "dedup-bibdedupe" / "data" / name / "records_pre_merged.csv"
             for name in SEARCHES} | {k: SHARED / v for k, v in REVIEWS.items()}  # fmt: skip
    for source, path in files.items():
        done = runner.invoke(cli, ["import", str(path), "--source", source, "--project", str(root)])
        assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["dedupe", "--project", str(root)])
    assert done.exit_code == 0, done.output


def raw(db: Path, words: str) -> int:
    terms = words.casefold().split()
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT id, title, abstract, authors, journal, doi, year, keywords, source FROM records"
        ).fetchall()
    finally:
        conn.close()
    texts = (" ".join(str(x or "") for x in row).casefold() for row in rows)
    return sum(1 for text in texts if all(t in text for t in terms))


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
    }


def main() -> None:
    if not (SHARED / "dedup-bibdedupe").exists():
        sys.exit(f"skipped: {SHARED} is absent (the shared data beside the repository)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "review"
        _, build_s = timed(build, root)
        db = root / "litsynth.db"
        conn = sqlite3.connect(db)
        titles = [r[0] for r in conn.execute("SELECT title FROM records WHERE length(title) > 20")]
        ids = [r[0] for r in conn.execute("SELECT id FROM records ORDER BY id")]
        n_records = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        conn.close()
        rng = random.Random(1)
        queries = []
        for title in rng.sample(titles, 30):
            words = [w for w in title.split() if len(w) > 3 and w.isalpha()]
            if len(words) >= 2:
                queries.append(" ".join(rng.sample(words, 2)))
        client = TestClient(create_app(open_project(root), allowed_hosts=(HOST,)),
                            base_url=f"http://{HOST}")  # fmt: skip
        client.get("/api/records/find")  # the first request opens the store and warms Python
        ours, theirs, agree = [], [], 0
        for words in queries:
            answer, seconds = timed(client.get, "/api/records/find", params={"words": words})
            ours.append(seconds)
            count, raw_seconds = timed(raw, db, words)
            theirs.append(raw_seconds)
            total = answer.json()["total"] + answer.json()["counts"].get("duplicate", 0)
            agree += total == count
        statuses = [timed(client.get, "/api/records/find", params={"status": s})[1]
                    for s in STATUSES]  # fmt: skip
        opened = [timed(client.get, "/api/records/record", params={"id": rid})[1]
                  for rid in rng.sample(ids, 20)]  # fmt: skip
    words_sum = summary(ours)
    raw_sum = summary(theirs)
    result = {
        "records": n_records,
        "build_seconds": round(build_s, 1),
        "queries": len(queries),
        "finder_words": words_sum,
        "raw_sqlite_words": raw_sum,
        "ratio_p50": round(words_sum["p50_ms"] / raw_sum["p50_ms"], 1),
        "same_count_as_raw": f"{agree} of {len(queries)}",
        "finder_status": summary(statuses),
        "record_opened": summary(opened),
    }
    print(json.dumps(result, indent=2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
