"""How well `litsynth previous` finds an update's records that repeat the previous version.

Real data, labelled: the five search sets of ../shared/data/dedup-bibdedupe (records of one
review exported from several databases, every group of records that are one work marked by
hand; CoLRev-Environment/bib-dedupe @ c66515a6, MIT, data from Rathbone 2015 and Wagner
2021). In each set, one member of every labelled group, drawn at random, plays a report of
the previous version (read through `litsynth import`'s own reader into the previous list),
and every other record plays the update's search. An update record repeats the previous
version when its group holds a previous report: that is the truth the matcher
(`biblio.previous.found_again`: the same DOI, or the same title without database notes and
a year apart at most) is scored against, as precision and recall, over three draws.

Baselines in the same run: bib-dedupe (the matcher `litsynth dedupe` runs) over the update
and the previous reports together, the same DOI only, and the title only (exact after
lower-casing). BENCH_FAST=1 leaves bib-dedupe out (a minute and a half).

Run: .venv/bin/python bench/bench_previous.py   (writes bench/results/previous.json)
"""

from __future__ import annotations

import csv
import json
import os
import random
import time
from pathlib import Path

from litsynth.biblio.dedupe import DUPLICATE, find_pairs
from litsynth.biblio.previous import Found, found_again, from_records
from litsynth.biblio.readers import build_batch
from litsynth.records import BibRecord, PreviousReport

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "dedup-bibdedupe" / "data"
OUT = REPO / "bench" / "results" / "previous.json"
SETS = ("cytology_screening", "digital_work", "haematology", "respiratory", "stroke")
DRAWS = 3


def doi_only(records: list[BibRecord], reports: list[PreviousReport]) -> list[Found]:
    dois = {r.doi.casefold(): r.id for r in reports if r.doi}
    return [Found(x.id, dois[x.doi.casefold()], "doi") for x in records
            if x.doi and x.doi.casefold() in dois]  # fmt: skip


def title_only(records: list[BibRecord], reports: list[PreviousReport]) -> list[Found]:
    titles = {r.title.casefold(): r.id for r in reports if r.title}
    return [Found(x.id, titles[x.title.casefold()], "title") for x in records
            if x.title and x.title.casefold() in titles]  # fmt: skip


def score(found: list[Found], truth: set[str]) -> dict[str, float]:
    hits = {f.record_id for f in found}
    right = len(hits & truth)
    return {"found": len(hits), "right": right,
            "precision": right / len(hits) if hits else 1.0,
            "recall": right / len(truth) if truth else 1.0}  # fmt: skip


def one_set(name: str, rng: random.Random) -> dict[str, object]:
    path = DATA / name / "records_pre_merged.csv"
    records = list(build_batch(path.read_bytes(), path.name, name).records)
    with (DATA / name / "merged_record_ids.csv").open(encoding="utf-8") as fh:
        groups = [row["merged_ids"].split(";") for row in csv.DictReader(fh)]
    chosen = {rng.choice(group) for group in groups}
    previous_ids = chosen
    by_id = {r.id: r for r in records}
    previous = from_records([by_id[i] for i in sorted(previous_ids) if i in by_id], path.name)
    update = [r for r in records if r.id not in previous_ids]
    truth = {i for group in groups if set(group) & previous_ids for i in group} - previous_ids
    start = time.perf_counter()
    ours = found_again(update, previous)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    theirs = (
        [] if os.environ.get("BENCH_FAST")
        else with_bib_dedupe(update, [by_id[i] for i in previous_ids if i in by_id])
    )  # fmt: skip
    dedupe_seconds = time.perf_counter() - start
    return {
        "records": len(records), "previous": len(previous), "update": len(update),
        "repeats": len(truth), "seconds": seconds, "bib_dedupe_seconds": dedupe_seconds,
        "litsynth": score(ours, truth), "doi_only": score(doi_only(update, previous), truth),
        "title_only": score(title_only(update, previous), truth),
        "bib_dedupe": score(theirs, truth), "by_doi": sum(f.by == "doi" for f in ours),
    }  # fmt: skip


def with_bib_dedupe(update: list[BibRecord], previous: list[BibRecord]) -> list[Found]:
    """bib-dedupe (the matcher `litsynth dedupe` runs) over the update and the previous
    reports together: an update record paired as a duplicate with a previous one repeats it."""
    earlier = {r.id for r in previous}
    found: dict[str, Found] = {}
    for pair in find_pairs([*update, *previous]):
        if pair.label != DUPLICATE or (pair.a in earlier) == (pair.b in earlier):
            continue
        new, old = (pair.b, pair.a) if pair.a in earlier else (pair.a, pair.b)
        found.setdefault(new, Found(new, old, "bib-dedupe"))
    return list(found.values())


def main() -> None:
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (the shared data beside the repo)")
        return
    results: dict[str, list[dict[str, object]]] = {}
    for name in SETS:
        results[name] = [one_set(name, random.Random(seed)) for seed in range(1, DRAWS + 1)]
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"{'set':<20} {'repeats':>7}  {'litsynth P':>10} {'R':>6}  {'bib-dedupe P':>12}"
          f" {'R':>6}  {'DOI only R':>10}  {'title only R':>12}  {'ms':>5}"
          f"  {'bib-dedupe s':>12}")  # fmt: skip
    totals = {k: [0, 0, 0] for k in ("litsynth", "bib_dedupe", "doi_only", "title_only")}
    for name, runs in results.items():
        for key in totals:
            totals[key][0] += sum(r[key]["right"] for r in runs)  # type: ignore[index]
            totals[key][1] += sum(r[key]["found"] for r in runs)  # type: ignore[index]
            totals[key][2] += sum(int(r["repeats"]) for r in runs)  # type: ignore[call-overload]
        mean = {key: sum(r[key]["recall"] for r in runs) / len(runs) for key in totals}  # type: ignore[index]
        prec = sum(r["litsynth"]["precision"] for r in runs) / len(runs)  # type: ignore[index]
        ms = 1000 * sum(float(r["seconds"]) for r in runs) / len(runs)  # type: ignore[arg-type]
        slow = sum(float(r["bib_dedupe_seconds"]) for r in runs) / len(runs)  # type: ignore[arg-type]
        repeats = sum(int(r["repeats"]) for r in runs) / len(runs)  # type: ignore[call-overload]
        theirs = sum(r["bib_dedupe"]["precision"] for r in runs) / len(runs)  # type: ignore[index]
        print(f"{name:<20} {repeats:>7.0f}  {prec:>10.3f} {mean['litsynth']:>6.3f}"
              f"  {theirs:>12.3f} {mean['bib_dedupe']:>6.3f}"
              f"  {mean['doi_only']:>10.3f}  {mean['title_only']:>12.3f}  {ms:>5.0f}"
              f"  {slow:>12.1f}")  # fmt: skip
    for key, (right, found, truth) in totals.items():
        print(f"all sets, {key}: precision {right / max(found, 1):.3f}, recall {right / truth:.3f}"
              f" ({right} of {truth} repeats; {found - right} wrong)")  # fmt: skip


if __name__ == "__main__":
    main()
