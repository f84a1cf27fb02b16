"""Does the stopping rule keep its promise? Simulation on every benchmark screening review.

The reviews are bench_screening.py's: the two in ../shared/data/screening and the two public
ones kept in bench/data/screening (provenance in that script's docstring). For each review
and seed: one random include and one random exclude as priors (ASReview's
protocol), then litsynth's prioritised order, as `screen simulate` runs it. Along that order,
every 10 records, the statistical rule (`litsynth.biblio.stopping`, target recall 95 %,
α = 0.05) is asked whether to stop. At its first "stop" we record:

- the recall actually reached (includes found / all includes);
- the work saved, 1 − screened / N.

"rule + random sample": the paper's switch to random sampling. Prioritised screening runs
until 50 irrelevant records in a row; then the rest is drawn in random order (seeded), and
the rule, told where the random sample begins, is asked every 10 records.

Next to it is the heuristic reviewers use today, "stop after H irrelevant records in a row"
(H = 50 and 100).

The rule promises a recall of at least 95 % in at least 95 % of runs.

    .venv/bin/python bench/bench_stopping.py [--seeds 10]

Results: bench/results/stopping.json. With `--pilot N`, the rule after a pilot round
(`litsynth screen pilot`: N random records first) against the usual priors:
bench/results/stopping-pilot.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402
from bench_screening import DATASETS, load  # noqa: E402

from litsynth.biblio.simulate import choose_priors, screening_order  # noqa: E402
from litsynth.biblio.stopping import verdict  # noqa: E402

OUT = REPO / "bench" / "results" / "stopping.json"
STEP = 10
TARGET = 0.95
HEURISTICS = (50, 100)


def rule_stop(labels: list[int], n: int) -> int:
    """The number screened when the rule first says stop (n when it never does)."""
    for seen in range(STEP, n + 1, STEP):
        if verdict(labels[:seen], n, target_recall=TARGET).stop:
            return seen
    return n


def random_phase(
    labels: list[int], order: list[int], y: np.ndarray, switch: int, seed: int
) -> tuple[list[int], int]:
    """(labels in the order screened, screened at the rule's stop) when the records after
    `switch` are drawn at random."""
    rest = np.random.default_rng(seed).permutation(order[switch:]).tolist()
    sequence = labels[:switch] + [int(y[i]) for i in rest]
    n = len(sequence)
    for seen in range(switch + STEP, n + 1, STEP):
        if verdict(sequence[:seen], n, target_recall=TARGET, random_from=switch).stop:
            return sequence, seen
    return sequence, n


def heuristic_stop(labels: list[int], run: int) -> int:
    """Screened when `run` irrelevant records in a row were first seen (after an include)."""
    streak = 0
    found = False
    for i, y in enumerate(labels, start=1):
        found = found or bool(y)
        streak = 0 if y else streak + 1
        if found and streak >= run:
            return i
    return len(labels)


def outcome(labels: list[int], stop: int) -> dict[str, float]:
    total = sum(labels)
    return {
        "screened": stop,
        "recall": sum(labels[:stop]) / total,
        "work_saved": 1 - stop / len(labels),
    }


def summarise(runs: list[dict[str, object]], key: str) -> dict[str, float | int]:
    """One way of stopping over the seeds: runs at the target recall, recall, work saved."""
    recalls = [r[key]["recall"] for r in runs]  # type: ignore[index]
    saved = [r[key]["work_saved"] for r in runs]  # type: ignore[index]
    return {
        "runs_meeting_target": sum(1 for x in recalls if x >= TARGET),
        "runs": len(runs),
        "mean_recall": float(np.mean(recalls)),
        "min_recall": float(np.min(recalls)),
        "mean_work_saved": float(np.mean(saved)),
    }


def _reviews() -> Iterator[tuple[str, list[str], np.ndarray]]:
    """Each benchmark review at hand, as (name, texts, labels); an absent one is said."""
    for name, path in DATASETS.items():
        if not path.exists():
            print(f"{name}: {path} is absent (see bench_screening.py); skipped")
            continue
        texts, y = load(path)
        yield name, texts, y


def main(seeds: int) -> None:
    results: dict[str, object] = {"target_recall": TARGET, "alpha": 0.05, "step": STEP}
    for name, texts, y in _reviews():
        runs = []
        for seed in range(1, seeds + 1):
            started = time.perf_counter()
            priors = choose_priors(y, 1, 1, seed)
            order, _ = screening_order(texts, y, priors)
            labels = [int(y[i]) for i in [*priors, *order]]
            run = {"seed": seed, "rule": outcome(labels, rule_stop(labels, len(labels)))}
            switch = heuristic_stop(labels, 50)  # where the reviewer turns to random sampling
            ordered = [*priors, *order]
            sequence, stop = random_phase(labels, ordered, y, switch, seed)
            run["rule + random sample"] = outcome(sequence, stop)
            for h in HEURISTICS:
                run[f"{h}_in_a_row"] = outcome(labels, heuristic_stop(labels, h))
            run["seconds"] = round(time.perf_counter() - started, 1)
            runs.append(run)
            print(
                f"{name} seed {seed}: {json.dumps({k: v for k, v in run.items() if k != 'seed'})}"
            )
        keys = ["rule", "rule + random sample", *(f"{h}_in_a_row" for h in HEURISTICS)]
        summary = {key: summarise(runs, key) for key in keys}
        results[name] = {"n_records": len(y), "n_included": int(y.sum()), "summary": summary,
                         "runs": runs}  # fmt: skip
        print(f"\n{name} (N = {len(y)}, {int(y.sum())} includes)")
        head = ("runs ≥ 95 %", "mean recall", "min recall", "work saved")
        print(f"{'rule':>22} {head[0]:>12} {head[1]:>12} {head[2]:>11} {head[3]:>11}")
        for key, s in summary.items():
            met = f"{s['runs_meeting_target']}/{s['runs']}"
            print(
                f"{key:>22} {met:>12} {s['mean_recall']:>12.3f}"
                f" {s['min_recall']:>11.3f} {s['mean_work_saved']:>11.3f}"
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


def main_pilot(seeds: int, size: int) -> None:
    """The rule after a pilot round (`litsynth screen pilot`): `size` records drawn at random
    are screened first, then the prioritised order learned from them; the rule reads the
    decisions in that order, as it does in litsynth. Against the same rule after the usual
    priors (1 include + 1 exclude)."""
    results: dict[str, object] = {"target_recall": TARGET, "alpha": 0.05, "pilot": size}
    for name, texts, y in _reviews():
        runs = []
        for seed in range(1, seeds + 1):
            pilot = np.random.default_rng(seed).choice(len(y), size, replace=False).tolist()
            order, _ = screening_order(texts, y, pilot)
            labels = [int(y[i]) for i in [*pilot, *order]]
            priors = choose_priors(y, 1, 1, seed)
            usual = [int(y[i]) for i in [*priors, *screening_order(texts, y, priors)[0]]]
            runs.append({
                "seed": seed,
                "rule after the pilot": outcome(labels, rule_stop(labels, len(labels))),
                "rule after 1 + 1 priors": outcome(usual, rule_stop(usual, len(usual))),
            })  # fmt: skip
            print(f"{name} seed {seed}: {json.dumps(runs[-1])}")
        summary = {}
        for key in ("rule after the pilot", "rule after 1 + 1 priors"):
            s = summary[key] = summarise(runs, key)
            print(f"{name} {key}: {s['runs_meeting_target']}/{s['runs']} runs ≥ 95 %, mean recall"
                  f" {s['mean_recall']:.3f}, min {s['min_recall']:.3f}, work saved"
                  f" {s['mean_work_saved']:.3f}")  # fmt: skip
        results[name] = {"n_records": len(y), "n_included": int(y.sum()), "summary": summary,
                         "runs": runs}  # fmt: skip
    out = OUT.with_name("stopping-pilot.json")
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--pilot", type=int, default=0,
                        help="simulate a pilot round of this many random records first"
                        " (results: stopping-pilot.json)")  # fmt: skip
    args = parser.parse_args()
    if args.pilot:
        main_pilot(args.seeds, args.pilot)
    else:
        main(args.seeds)
