"""Reports of one study proposed (`litsynth studies candidates`) on real searches.

The records: Nagtegaal 2019 (../shared/data/screening: titles and abstracts, no authors, so
only registration numbers can pair them) and the five labelled searches of
../shared/data/dedup-bibdedupe (authors, years, titles), each with its labelled duplicates
folded into one record first, as `litsynth dedupe` leaves a project, so a duplicate is never
proposed as a second report.

Measured per set: records, all n(n−1)/2 pairs (only those sharing a registration number or a
first author are compared), the candidates by registration and by shared authors, and the
time of `candidates` against the raw read of the same file with Python's csv module in the
same run (the least anything that looks at the records must do).

Whether a candidate really is a second report of one study takes a person reading the
papers: bench/studies_judged.json holds 110 author pairs so read (proposed before titles
were asked to agree), and for each sample the pairs of each judgement `candidates` still
proposes are counted, with the precision before and after (docs/screening.md).

Run: .venv/bin/python bench/bench_studies.py   (writes bench/results/studies.json)
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from litsynth.biblio.normalize import normalize_authors, normalize_year
from litsynth.biblio.studies import candidates, registrations
from litsynth.records import BibRecord

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "results" / "studies.json"
JUDGED = REPO / "bench" / "studies_judged.json"
SEARCHES = ("cytology_screening", "digital_work", "haematology", "respiratory", "stroke")
NAGTEGAAL = SHARED / "screening" / "Nagtegaal_2019" / "output" / "Nagtegaal_2019.csv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def folded(name: str) -> list[BibRecord]:
    """A labelled search's records, each duplicate group folded into its first record."""
    base = SHARED / "dedup-bibdedupe" / "data" / name
    later = {
        i for g in read(base / "merged_record_ids.csv") for i in g["merged_ids"].split(";")[1:]
    }
    return [
        BibRecord(r["ID"], name, "b", title=r.get("title", ""), abstract=r.get("abstract", ""),
                  authors=normalize_authors(r.get("author", "")),
                  year=normalize_year(r.get("year", "")))
        for r in read(base / "records_pre_merged.csv")
        if r["ID"] not in later
    ]  # fmt: skip


def nagtegaal() -> list[BibRecord]:
    return [
        BibRecord(r["record_id"], "Nagtegaal", "b", title=r["title"], abstract=r["abstract"])
        for r in read(NAGTEGAAL)
        if not r["duplicate_record_id"]
    ]


def measure(label: str, path: Path, records: list[BibRecord]) -> dict[str, object]:
    started = time.perf_counter()
    read(path)
    raw = time.perf_counter() - started
    started = time.perf_counter()
    found = candidates(records, {})
    took = time.perf_counter() - started
    n = len(records)
    row = {
        "set": label,
        "records": n,
        "with_registration": sum(1 for r in records if registrations(r)),
        "all_pairs": n * (n - 1) // 2,
        "candidates_registration": sum(1 for c in found if c.strength == 2.0),
        "candidates_authors": sum(1 for c in found if c.strength < 2.0),
        "seconds": round(took, 3),
        "raw_csv_read_seconds": round(raw, 3),
        "ratio_to_raw_read": round(took / raw, 2) if raw else None,
    }
    print(f"{label:20} {n:6,} records, {row['with_registration']:4} with a registration:"
          f" {row['candidates_registration']:3} by registration,"
          f" {row['candidates_authors']:4} by authors in {took:.2f} s"
          f" ({row['ratio_to_raw_read']}× the csv read)")  # fmt: skip
    return row


def judged() -> list[dict[str, object]]:
    """The pairs a person judged, each judgement's pairs still proposed, per sample."""
    pairs = json.loads(JUDGED.read_text(encoding="utf-8"))["pairs"]
    records = {name: {r.id: r for r in folded(name)} for name in {p["set"] for p in pairs}}
    out = []
    for sample in sorted({p["sample"] for p in pairs}):
        kept: dict[str, list[int]] = {}
        for p in (p for p in pairs if p["sample"] == sample):
            a, b = records[p["set"]][p["a"]], records[p["set"]][p["b"]]
            tally = kept.setdefault(p["judged"], [0, 0])
            tally[0] += bool(candidates([a, b], {}))
            tally[1] += 1
        same, total = kept["same study"], sum(n for _, n in kept.values())
        proposed = sum(k for k, _ in kept.values())
        row = {"sample": sample, "role": next(p["role"] for p in pairs if p["sample"] == sample),
               "kept": {j: f"{k} of {n}" for j, (k, n) in kept.items()},
               "precision_before": round(same[1] / total, 2),
               "precision_after": round(same[0] / proposed, 2) if proposed else None}  # fmt: skip
        print(f"judged sample {sample} ({row['role']}): kept {row['kept']};"
              f" precision {row['precision_before']} -> {row['precision_after']}")  # fmt: skip
        out.append(row)
    return out


def main() -> int:
    if not NAGTEGAAL.exists():
        print(f"skipped: {NAGTEGAAL} is absent (../shared/data)")
        return 0
    rows = [measure("Nagtegaal 2019", NAGTEGAAL, nagtegaal())]
    for name in SEARCHES:
        path = SHARED / "dedup-bibdedupe" / "data" / name / "records_pre_merged.csv"
        rows.append(measure(name, path, folded(name)))
    result = {"sets": rows, "judged": judged()}
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
