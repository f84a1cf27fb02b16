"""Screening prioritisation vs ASReview's default model (ELAS u4), side by side in one run.

For each data set (the two reviews in ../shared/data/screening, and two more public reviews
kept in bench/data/screening, see below) and each seed, both tools start from the same
priors (1 random include + 1 random exclude chosen with that seed by
`litsynth.biblio.simulate.choose_priors`; ASReview gets them as --prior-idx) and screen until
every include is found. Both orders are scored by the same functions (WSS@95, recall@10 %,
ATD as defined in litsynth.biblio.simulate, priors left out), and wall time is measured around
each tool's simulation (ASReview: its whole `asreview simulate` subprocess; ours: feature
building + the loop).

ASReview lives in its own venv (.venv-asreview, created here on first use) so it can never
touch this project's pinned torch: its default model is scikit-learn only.

    .venv/bin/python bench/bench_screening.py [--seeds 3] [--first-seed 1] [--datasets ...]

The two extra reviews are not in ../shared, and big data stays out of the repository: copy
them by hand from GitHub GerbrichFerdinands/asreview-thesis at commit
186beba091acb0aab0d094de4e37e0ded039f124 (CC BY 4.0; the cleaned simulation sets of
Ferdinands' thesis): datasets/sim_datasets/virus.csv → bench/data/screening/Kwok_2020.csv
(Kwok et al. 2020, virus metagenomics in farm animals: 2,304 records, 114 included) and
datasets/sim_datasets/wilson.csv → bench/data/screening/Appenzeller-Herzog_2020.csv
(Appenzeller-Herzog et al. 2019, therapies for Wilson disease: 2,333 records, 23 included).
A data set whose file is absent is skipped with a message.

Writes bench/results/screening.json (screening-seeds-F-L.json when --first-seed is not 1).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from litsynth.biblio.prioritise import PrioritiserSettings, record_text
from litsynth.biblio.simulate import choose_priors, metrics_from_order, simulate

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "screening"
VENV = REPO / ".venv-asreview"
RESULTS = REPO / "bench" / "results" / "screening.json"
EXTRA = REPO / "bench" / "data" / "screening"
DATASETS = {
    "Nagtegaal_2019": DATA / "Nagtegaal_2019" / "output" / "Nagtegaal_2019.csv",
    "Kitchenham_2010": DATA
    / "Hall_Wahono_Radjenovic_Kitchenham"
    / "output"
    / "Kitchenham_2010.csv",
    "Kwok_2020": EXTRA / "Kwok_2020.csv",
    "Appenzeller-Herzog_2020": EXTRA / "Appenzeller-Herzog_2020.csv",
}


def ensure_asreview() -> Path:
    """The asreview executable in its own venv; created (pip from PyPI) the first time."""
    exe = VENV / "bin" / "asreview"
    if not exe.exists():
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "--quiet", "asreview==3.0.8"], check=True
        )
    return exe


def asreview_version() -> str:
    out = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import asreview; print(asreview.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def asreview_order(csv: Path, priors: list[int], seed: int) -> tuple[list[int], float]:
    """Labels in ASReview's screening order (priors left out) and the wall time of its run."""
    exe = ensure_asreview()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sim.asreview"
        cmd = [str(exe), "simulate", str(csv), "-o", str(out), "--seed", str(seed)]
        cmd += ["--prior-idx", *map(str, priors)]
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        with zipfile.ZipFile(out) as zf:
            zf.extract("results.db", tmp)
        conn = sqlite3.connect(Path(tmp) / "results.db")
        rows = conn.execute(
            "SELECT r.label FROM results r JOIN record d ON d.record_id = r.record_id"
            f" WHERE d.dataset_row NOT IN ({','.join('?' * len(priors))}) ORDER BY r.rowid",
            priors,
        ).fetchall()
        conn.close()
    return [int(r[0]) for r in rows], seconds


def load(csv: Path) -> tuple[list[str], np.ndarray]:
    frame = pd.read_csv(csv)
    texts = [
        record_text(str(t) if pd.notna(t) else "", str(a) if pd.notna(a) else "")
        for t, a in zip(frame["title"], frame["abstract"], strict=True)
    ]
    column = "label_included" if "label_included" in frame.columns else "included"
    return texts, frame[column].astype(int).to_numpy()


def write_results(runs: list[dict], datasets: list[str], seeds: list[int], out: Path) -> dict:
    """Summarise the runs so far and write them (after every run: a stopped bench keeps them)."""
    summary: dict[str, dict[str, dict[str, float]]] = {}
    for tool in ("litsynth", "asreview"):
        per = {}
        for name in datasets:
            sel = [r[tool] for r in runs if r["dataset"] == name]
            if sel:
                per[name] = {
                    k: round(statistics.mean(s[k] for s in sel), 4)
                    for k in ("wss_95", "recall_at_10pct", "atd", "seconds")
                }
        per["mean"] = {
            k: round(statistics.mean(v[k] for v in per.values()), 4)
            for k in ("wss_95", "recall_at_10pct", "atd", "seconds")
        }
        summary[tool] = per
    ratio = summary["asreview"]["mean"]["seconds"] / max(
        summary["litsynth"]["mean"]["seconds"], 1e-9
    )
    result = {
        "protocol": "1 random include + 1 random exclude as priors per seed, same priors for both;"
        " metrics exclude priors; run until all includes found",
        "asreview_version": asreview_version(),
        "asreview_model": "elas_u4 (default)",
        "litsynth_prioritiser": PrioritiserSettings().name,
        "seeds": seeds,
        "wss_95_points_over_asreview": round(
            100 * (summary["litsynth"]["mean"]["wss_95"] - summary["asreview"]["mean"]["wss_95"]),
            2,
        ),
        "runs_done": len(runs),
        "summary": summary,
        "asreview_time_over_litsynth": round(ratio, 2),
        "runs": runs,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    args = parser.parse_args()
    names = []
    for name in args.datasets.split(","):
        if DATASETS[name].exists():
            names.append(name)
        else:
            print(f"skipped {name}: {DATASETS[name]} is absent (see this script's docstring)")
    if not names:
        return
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    out = RESULTS
    if args.first_seed != 1:
        out = RESULTS.with_name(f"screening-seeds-{seeds[0]}-{seeds[-1]}.json")
    ensure_asreview()
    runs = []
    for name in names:
        texts, y = load(DATASETS[name])
        for seed in seeds:
            priors = choose_priors(y, 1, 1, seed)
            ours = simulate(texts, y, seed=seed, settings=PrioritiserSettings(seed=seed))
            labels, seconds = asreview_order(DATASETS[name], priors, seed)
            labels += [0] * (len(y) - len(priors) - len(labels))  # unscreened tail holds no include
            theirs = metrics_from_order(
                labels,
                n_records=len(y),
                n_included=int(y.sum()),
                n_priors=len(priors),
                seconds=seconds,
                prioritiser="asreview elas_u4",
            )
            row = {
                "dataset": name,
                "seed": seed,
                "priors": priors,
                "litsynth": ours.to_json(),
                "asreview": theirs.to_json(),
            }
            runs.append(row)
            print(
                f"{name:16s} seed {seed}: WSS@95 {ours.wss_95:.3f} vs {theirs.wss_95:.3f}  "
                f"R@10% {ours.recall_at_10pct:.3f} vs {theirs.recall_at_10pct:.3f}  "
                f"ATD {ours.atd:.4f} vs {theirs.atd:.4f}  "
                f"time {ours.seconds:.1f}s vs {theirs.seconds:.1f}s",
                flush=True,
            )
            write_results(runs, names, seeds, out)
    result = write_results(runs, names, seeds, out)
    summary, ratio = result["summary"], result["asreview_time_over_litsynth"]
    print(f"{'data set':24s} {'tool':9s} {'WSS@95':>7s} {'R@10%':>7s} {'ATD':>7s} {'s/run':>7s}")
    for name in [*names, "mean"]:
        for tool in ("litsynth", "asreview"):
            m = summary[tool][name]
            print(
                f"{name:24s} {tool:9s} {m['wss_95']:7.3f} {m['recall_at_10pct']:7.3f} "
                f"{m['atd']:7.4f} {m['seconds']:7.1f}"
            )
    gain = result["wss_95_points_over_asreview"]
    print(f"mean WSS@95: litsynth {gain:+.2f} points over ASReview")
    print(f"ASReview takes {ratio:.1f}x the time of litsynth; written {out}")


if __name__ == "__main__":
    main()
