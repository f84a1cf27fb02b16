"""A large review's deposit package: `litsynth export package` and `prisma --from` measured.

The store is bench_backup's: the 17,432 real records of ../shared (seven searches, each its
own source, deduplicated), a title/abstract decision on every record by each of two reviewers
(34,864 rows in the log) and the 13 scholarly PDFs ingested with the hash embedder.

Raw baselines in the same run:
- writing: the two tables the flow follows from dumped straight from SQLite with the csv
  module and zipped with zipfile (`SELECT *` of records and decisions; no decisions joined,
  no README, no descriptor, no flow): the floor of any export of that data;
- reproducing: `litsynth prisma --json` on the store itself (the same flow from the tables in
  SQLite), against recomputing it from the package's CSV files after checking every SHA-256;
- the reference validator: `frictionless validate` on the package (every row typed, every
  foreign key looked up), for how long a reader's own check takes.

Correctness, checked each run: the flow recomputed from the package equals the store's, the
package validates, and three exports give the same bytes.

Run: .venv/bin/python bench/bench_deposit.py   (writes bench/results/deposit.json)
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from bench_backup import make_store, median_seconds

from litsynth.biblio.screening_ops import prisma_flow
from litsynth.config import open_project
from litsynth.report.deposit import package_files, sha256, zip_bytes
from litsynth.report.deposit_check import read_package, reproduce
from litsynth.report.deposit_collect import DepositOptions, collect
from litsynth.store import opened

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "deposit.json"


def raw_dump(db: Path) -> bytes:
    """records and decisions, every column, as CSV in a zip: the floor."""
    conn = sqlite3.connect(db)
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in ("records", "decisions"):
                cursor = conn.execute(f"SELECT * FROM {name}")  # two fixed table names
                text = io.StringIO()
                writer = csv.writer(text)
                writer.writerow([c[0] for c in cursor.description])
                writer.writerows(cursor)
                archive.writestr(f"{name}.csv", text.getvalue())
    finally:
        conn.close()
    return out.getvalue()


def litsynth_package(root: Path) -> bytes:
    project = open_project(root)
    with opened(project.store_path) as conn:
        parts = collect(conn, project, DepositOptions())
    return zip_bytes(package_files(parts), "deposit")


def main() -> None:
    from frictionless import validate

    with tempfile.TemporaryDirectory(prefix="bench-deposit-") as tmp:
        root = Path(tmp) / "review"
        start = time.perf_counter()
        make_store(root)
        built = time.perf_counter() - start
        db = root / "litsynth.db"
        zips = [litsynth_package(root) for _ in range(3)]
        same_bytes = len({sha256(z) for z in zips}) == 1
        package = Path(tmp) / "deposit.zip"
        package.write_bytes(zips[0])
        t_raw = median_seconds(lambda: raw_dump(db))
        t_ours = median_seconds(lambda: litsynth_package(root))
        with opened(db) as conn:
            store_flow = prisma_flow(conn).to_json()

        def from_store() -> None:
            with opened(db) as conn:
                prisma_flow(conn)

        t_store = median_seconds(from_store)
        t_reproduce = median_seconds(lambda: reproduce(read_package(package)))
        done = reproduce(read_package(package))
        folder = Path(tmp) / "unpacked"
        with zipfile.ZipFile(package) as archive:
            archive.extractall(folder)
        start = time.perf_counter()
        report = validate(str(folder / "deposit" / "datapackage.json"))
        t_frictionless = time.perf_counter() - start
        with zipfile.ZipFile(package) as archive:
            sizes = {i.filename.split("/", 1)[1]: i.file_size for i in archive.infolist()}
    result = {
        "store": {"records": 17432, "decisions": 34864, "pdfs": 13, "build_seconds": built},
        "package_bytes": len(zips[0]),
        "files": sizes,
        "export_seconds": t_ours,
        "raw_dump_seconds": t_raw,
        "export_over_raw": t_ours / t_raw,
        "reproduce_seconds": t_reproduce,
        "prisma_from_store_seconds": t_store,
        "reproduce_over_store": t_reproduce / t_store,
        "frictionless_validate_seconds": t_frictionless,
        "frictionless_over_reproduce": t_frictionless / t_reproduce,
        "valid": report.valid,
        "reproduced": done.ok,
        "flow_equals_store": json.loads(json.dumps(done.flow.to_json())) == store_flow,
        "same_bytes_three_exports": same_bytes,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"store: 17,432 records, 34,864 decisions, 13 PDFs (built in {built:.0f} s)")
    print(f"package: {len(zips[0]):,} bytes zipped; same bytes in three exports: {same_bytes}")
    print(f"export package {t_ours:.2f} s; raw csv+zip of records and decisions {t_raw:.2f} s"
          f" ({t_ours / t_raw:.1f}x)")  # fmt: skip
    print(f"prisma --from {t_reproduce:.2f} s (every SHA-256 checked); prisma on the store"
          f" {t_store:.2f} s ({t_reproduce / t_store:.1f}x)")  # fmt: skip
    print(f"frictionless validate {t_frictionless:.1f} s ({t_frictionless / t_reproduce:.0f}x"
          f" prisma --from); valid: {report.valid}")  # fmt: skip
    print(f"reproduced: {done.ok}; flow equals the store's: {result['flow_equals_store']}")
    if not report.valid:
        print(report.flatten(["resourceName", "rowNumber", "fieldName", "message"])[:10])


if __name__ == "__main__":
    main()
