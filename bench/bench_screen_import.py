"""Decisions carried over from ASReview LAB on real reviews: how many land, rightly, how fast.

For each shared review (Nagtegaal 2019, Kitchenham 2010), ASReview LAB 3.0.8 (in its own venv,
.venv-asreview, as bench_screening.py makes it) is given the review's titles and abstracts,
and a reviewer's labels on a random sample of the records (the review's own final labels,
seeded), then exports the project as CSV and as Excel ("Export dataset", every collection:
bench/asreview_lab_label.py). litsynth then imports the review's records as a database export
(the dataset's CSV), links duplicates (`dedupe`), and reads each export with
`screen import`'s own code.

Per review and format: the records labelled in the LAB, the decisions recorded, how many equal
the label given, the entries left unmatched and why, and the time of the import against the
raw library's reading of the same file in the same run (the csv module; openpyxl; zipfile
and sqlite3 for the project file).

    .venv/bin/python bench/bench_screen_import.py [--sample 500] [--seed 1]

Writes bench/results/screen-import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from collections import Counter
from contextlib import closing
from pathlib import Path

import openpyxl
from bench_screening import DATASETS, VENV, asreview_version, ensure_asreview

from litsynth.biblio.dedupe import run_dedupe
from litsynth.biblio.readers import import_files
from litsynth.biblio.screening_import import import_decisions
from litsynth.config import open_project
from litsynth.scaffold import init_project
from litsynth.store import biblio as biblio_store
from litsynth.store import opened

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "screen-import.json"
REVIEWS = ("Nagtegaal_2019", "Kitchenham_2010")
REVIEWER = "bench"
FORMATS = ("csv", "xlsx", "asreview")  # the dataset exports, and the project file


def lab_input(dataset: Path, out: Path) -> list[dict[str, str]]:
    """The dataset's rows, and a copy for the LAB without its labels and ids (the LAB would
    read `label_included` as labels already given)."""
    with dataset.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    keep = [c for c in ("title", "abstract", "year") if c in rows[0]]
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keep)
        writer.writeheader()
        writer.writerows({c: r[c] for c in keep} for r in rows)
    return rows


def raw_read_seconds(path: Path) -> float:
    """The raw library reading every cell of the export: what any import must at least do."""
    start = time.perf_counter()
    if path.suffix == ".asreview":  # zipfile and sqlite3: the project's records and labels
        with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as folder:
            db = z.extract("results.db", folder)
            with closing(sqlite3.connect(db)) as conn:
                conn.execute("SELECT * FROM record").fetchall()
                conn.execute("SELECT * FROM results").fetchall()
    elif path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        sum(1 for _ in book.active.iter_rows(values_only=True))
        book.close()
    else:
        with path.open(encoding="utf-8", newline="") as f:
            sum(1 for _ in csv.DictReader(f))
    return time.perf_counter() - start


def one_review(name: str, dataset: Path, sample: int, seed: int, work: Path) -> dict[str, object]:
    rows = lab_input(dataset, work / "lab-input.csv")
    labelled = random.Random(seed).sample(range(len(rows)), min(sample, len(rows)))
    gold = {i: int(rows[i]["label_included"]) for i in labelled}
    (work / "labels.json").write_text(json.dumps(sorted(gold.items())))
    subprocess.run(
        [str(VENV / "bin" / "python"), str(REPO / "bench" / "asreview_lab_label.py"),
         str(work / "lab-input.csv"), str(work / "labels.json"), str(work / "lab")],
        check=True,
    )  # fmt: skip
    out: dict[str, object] = {"records": len(rows), "labelled": len(gold),
                              "labelled_included": sum(gold.values())}  # fmt: skip
    for fmt in FORMATS:
        export = work / "lab" / f"asreview-export.{fmt}"
        if not export.exists():
            out[fmt] = {"lab_failed": (work / "lab" / f"failed.{fmt}.txt").read_text()}
            continue
        project_dir = work / f"project-{fmt}"
        init_project(project_dir)
        project = open_project(project_dir)
        with opened(project.store_path) as conn:
            import_files(conn, [dataset], "PubMed")
            run_dedupe(conn)
            start = time.perf_counter()
            outcome = import_decisions(
                conn, export, stage="title-abstract", reviewer=REVIEWER,
                settings=project.settings.screening,
            )  # fmt: skip
            seconds = time.perf_counter() - start
            roots = {r.id: r.extra.get("duplicate_of") or r.id
                     for r in biblio_store.all_records(conn)}  # fmt: skip
            log = {
                row["record_id"]: row["decision"]
                for row in conn.execute("SELECT record_id, decision FROM decisions ORDER BY rowid")
            }
        expected = {"include": 1, "exclude": 0}
        agree = sum(
            1 for i, label in gold.items()
            if expected.get(log.get(roots[rows[i]["record_id"]], ""), -1) == label
        )  # fmt: skip
        problems = Counter(p.message.split(" (")[0] for p in outcome.result.sheet.problems)
        raw = raw_read_seconds(export)
        assert outcome.export is not None
        out[fmt] = {
            # the LAB gives a label to every record of a group it found alike (its own
            # duplicates), so the export may hold more labelled rows than were labelled
            "labelled_rows_in_export": sum(1 for e in outcome.export.entries if e.votes),
            "decisions_recorded": outcome.result.appended,
            "equal_to_label": agree,
            "unmatched": dict(problems),
            "seconds": round(seconds, 3),
            "raw_read_seconds": round(raw, 3),
            "ratio_to_raw_read": round(seconds / raw, 2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ensure_asreview()
    results: dict[str, object] = {"asreview": asreview_version(), "sample": args.sample,
                                  "seed": args.seed, "reviews": {}}  # fmt: skip
    for name in REVIEWS:
        dataset = DATASETS[name]
        if not dataset.exists():
            print(f"{name}: {dataset} is absent; skipped")
            continue
        with tempfile.TemporaryDirectory(prefix="bench-screen-import-") as tmp:
            got = one_review(name, dataset, args.sample, args.seed, Path(tmp))
        results["reviews"][name] = got  # type: ignore[index]
        for fmt in FORMATS:
            r = got[fmt]  # type: ignore[index]
            if "lab_failed" in r:
                print(f"{name} {fmt}: ASReview LAB could not export it ({r['lab_failed']})")
                continue
            print(
                f"{name} {fmt}: {got['labelled']} labelled in the LAB ({got['labelled_included']}"
                f" included), {r['labelled_rows_in_export']} labelled rows in its export;"
                f" {r['decisions_recorded']} recorded, {r['equal_to_label']} of the"
                f" {got['labelled']} equal to the label; unmatched {r['unmatched'] or 'none'};"
                f" {r['seconds']} s, {r['ratio_to_raw_read']}× the raw read"
                f" ({r['raw_read_seconds']} s)"
            )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
