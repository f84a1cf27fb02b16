"""Dedupe benchmark: our pipeline (import CSV → litsynth dedupe) vs raw bib-dedupe, same run.

Data: ../shared/data/dedup-bibdedupe/data/<dataset>/records_pre_merged.csv (the records) and
merged_record_ids.csv (one true duplicate group per row, ids joined by ";").

Two ways of counting, so the numbers compare with bib-dedupe's published table:
- pairs: every pair of records inside a predicted group vs inside a true group
  (TP = predicted and true, FP = predicted only, FN = true only) — the measure asked for;
- records: bib-dedupe's own evaluation (dedupe_benchmark.compare_dedupe_id), which keeps one
  record per predicted group and counts per record: a removed record of a true group is a TP,
  a kept extra one an FN, a removed non-duplicate (or a whole true group lost) an FP.

Run: .venv/bin/python bench/bench_dedupe.py [DATASET ...]   (writes bench/results/dedupe.json)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "dedup-bibdedupe" / "data"
OUT = REPO / "bench" / "results" / "dedupe.json"


def truth_groups(folder: Path) -> list[list[str]]:
    frame = pd.read_csv(folder / "merged_record_ids.csv", dtype=str)
    return [ids.split(";") for ids in frame["merged_ids"].dropna()]


def pairs_of(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}  # type: ignore[misc]


def pair_scores(predicted: list[list[str]], truth: list[list[str]]) -> dict[str, float]:
    pred, true = pairs_of(predicted), pairs_of(truth)
    tp, fp, fn = len(pred & true), len(pred - true), len(true - pred)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def record_scores(all_ids: list[str], kept: set[str], truth: list[list[str]]) -> dict[str, float]:
    """bib-dedupe's compare_dedupe_id counting, re-implemented on ids (see module docstring)."""
    in_truth = {i for g in truth for i in g}
    tp = fp = fn = tn = 0
    for rid in all_ids:
        if rid not in in_truth:
            tn, fp = (tn + 1, fp) if rid in kept else (tn, fp + 1)
    for g in truth:
        n_kept = sum(1 for i in g if i in kept)
        if n_kept == 0:
            fp, tp = fp + 1, tp + len(g) - 1
        else:
            tn, fn, tp = tn + 1, fn + n_kept - 1, tp + len(g) - n_kept
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def raw_bib_dedupe(folder: Path) -> tuple[list[list[str]], float]:
    """The library alone on the dataset's own CSV, as its README shows it."""
    import bib_dedupe.bib_dedupe as bd

    frame = pd.read_csv(folder / "records_pre_merged.csv")
    start = time.perf_counter()
    prepared = bd.prep(frame, verbosity_level=0, cpu=1)
    blocked = bd.block(prepared, verbosity_level=0, cpu=1)
    matched = bd.match(blocked, verbosity_level=0, cpu=1)
    groups = bd.cluster(matched, verbosity_level=0)
    return [list(map(str, g)) for g in groups], time.perf_counter() - start


def ours(folder: Path) -> tuple[list[list[str]], float, float, int, int]:
    """import → dedupe through litsynth, in a throwaway project."""
    from litsynth.biblio.dedupe import run_dedupe
    from litsynth.biblio.readers import import_files
    from litsynth.store import biblio as store
    from litsynth.store import connect

    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "litsynth.db")
        t0 = time.perf_counter()
        [outcome] = import_files(conn, [folder / "records_pre_merged.csv"], "benchmark")
        t1 = time.perf_counter()
        result = run_dedupe(conn, cpu=1)
        t2 = time.perf_counter()
        n_maybe = len(store.uncertain_pairs(conn))
        conn.close()
    return result.groups, t1 - t0, t2 - t1, outcome.n_records, n_maybe


def _totals(rows: list[dict]) -> dict[str, dict[str, float]]:  # type: ignore[type-arg]
    """Pairs summed over datasets, for ours and raw bib-dedupe."""
    total: dict[str, dict[str, float]] = {}
    for side in ("ours", "raw"):
        tp = sum(r[f"{side}_pairs"]["tp"] for r in rows)
        fp = sum(r[f"{side}_pairs"]["fp"] for r in rows)
        fn = sum(r[f"{side}_pairs"]["fn"] for r in rows)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total[side] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    return total


def main(names: list[str]) -> None:
    datasets = names or sorted(p.name for p in DATA.iterdir() if p.is_dir())
    rows = []
    for name in datasets:
        folder = DATA / name
        truth = truth_groups(folder)
        all_ids = pd.read_csv(folder / "records_pre_merged.csv", dtype=str)["ID"].tolist()
        raw_groups, raw_s = raw_bib_dedupe(folder)
        our_groups, import_s, dedupe_s, n_imported, n_maybe = ours(folder)
        kept_ours = set(all_ids) - {i for g in our_groups for i in g[1:]}
        kept_raw = set(all_ids) - {i for g in raw_groups for i in sorted(g)[1:]}
        row = {
            "dataset": name,
            "n_records": len(all_ids),
            "n_imported": n_imported,
            "true_groups": len(truth),
            "ours_pairs": pair_scores(our_groups, truth),
            "raw_pairs": pair_scores(raw_groups, truth),
            "ours_records": record_scores(all_ids, kept_ours, truth),
            "raw_records": record_scores(all_ids, kept_raw, truth),
            "uncertain_pairs_left": n_maybe,
            "seconds": {"import": import_s, "dedupe": dedupe_s, "raw_bib_dedupe": raw_s},
            "time_ratio_ours_vs_raw": (import_s + dedupe_s) / raw_s if raw_s else None,
        }
        rows.append(row)
        p, r = row["ours_pairs"], row["raw_pairs"]
        print(
            f"{name:20s} n={len(all_ids):5d}  ours P={p['precision']:.4f} R={p['recall']:.4f}"
            f" F1={p['f1']:.4f} FP={p['fp']:3d} | raw F1={r['f1']:.4f} FP={r['fp']:3d}"
            f" | {import_s + dedupe_s:6.1f}s vs {raw_s:6.1f}s",
            flush=True,
        )
    total = _totals(rows)
    print(
        "\n| dataset | n | pairs P | pairs R | pairs F1 | FP"
        " | records F1 (bib-dedupe's count) | raw F1 | ours s | raw s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        p = row["ours_pairs"]
        print(
            f"| {row['dataset']} | {row['n_records']} | {p['precision']:.4f} | {p['recall']:.4f}"
            f" | {p['f1']:.4f} | {p['fp']} | {row['ours_records']['f1']:.4f}"
            f" | {row['raw_pairs']['f1']:.4f}"
            f" | {row['seconds']['import'] + row['seconds']['dedupe']:.1f}"
            f" | {row['seconds']['raw_bib_dedupe']:.1f} |"
        )
    print(f"all pairs: ours {total['ours']}  raw {total['raw']}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if names and OUT.exists():
        # A partial run (named datasets) replaces only those rows of the last full run.
        previous = json.loads(OUT.read_text(encoding="utf-8"))["datasets"]
        rows = [r for r in previous if r["dataset"] not in names] + rows
        rows.sort(key=lambda r: r["dataset"])
        total = _totals(rows)
    OUT.write_text(json.dumps({"datasets": rows, "total_pairs": total}, indent=2), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
