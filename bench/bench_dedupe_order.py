"""The order of the pairs bib-dedupe leaves to people: how soon the real duplicates come.

`litsynth dedupe` links the pairs bib-dedupe is sure of and keeps its "maybe" pairs for a
person (`dedupe --uncertain`, the workspace's Duplicates screen). This bench deduplicates each
labelled search of ../shared/data/dedup-bibdedupe, takes its maybe pairs, marks those whose two
records share a true group (merged_record_ids.csv), and reports where they come:
- in the store's order (record ids: what `--uncertain` printed before likeness);
- most alike first (`biblio/likeness.py`, what it prints now).
"work to 95 %" is the share of the pairs a person settles, in that order, before meeting 95 %
of the real duplicates among them; "work to all" the share before the last (over the pairs
a person is asked: those whose DOIs differ are set apart, `dedupe.set_apart`).

Then the whole work: a reviewer who knows the labelled groups settles the pairs as the
workspace serves them, most alike first, each verdict through `dedupe.resolve` (which
regroups the store), until none is left. "asked: before" is every pair bib-dedupe was unsure
of (what a person was asked before pairs were set apart by their DOIs and answers followed
from earlier verdicts); "now" the questions answered; "dups grouped" how many of the true
duplicate pairs among them end in one group; "resolve" the mean seconds per verdict.

The weights of likeness were chosen looking at these searches: these are development figures.

Run: .venv/bin/python bench/bench_dedupe_order.py [DATASET ...]
(writes bench/results/dedupe_order.json)
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from litsynth.biblio import dedupe
from litsynth.cli import cli
from litsynth.store import biblio as biblio_store
from litsynth.store import opened

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "dedup-bibdedupe" / "data"
OUT = REPO / "bench" / "results" / "dedupe_order.json"


def truth(folder: Path) -> dict[str, int]:
    lines = (folder / "merged_record_ids.csv").read_text(encoding="utf-8").splitlines()[1:]
    return {rid: n for n, line in enumerate(lines) for rid in line.strip('"').split(";")}


def work(flags: list[bool], share: float) -> float | None:
    """The share of pairs settled, in order, before `share` of the true ones are met."""
    positions = [i for i, f in enumerate(flags) if f]
    if not positions:
        return None
    need = max(1, math.ceil(share * len(positions)))
    return (positions[need - 1] + 1) / len(flags)


def one(name: str) -> dict[str, Any]:
    folder = DATA / name
    group = truth(folder)
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "review"
        steps = (["init", str(root)], ["import", str(folder / "records_pre_merged.csv"),
                 "--source", name], ["dedupe"])  # fmt: skip
        for args in steps:
            full = args if args[0] == "init" else [*args, "--project", str(root)]
            result = runner.invoke(cli, full)
            assert result.exit_code == 0, result.output
        with opened(root / "litsynth.db") as conn:
            doubts = [
                (
                    biblio_store.get_record(conn, r["record_a"]),
                    biblio_store.get_record(conn, r["record_b"]),
                )
                for label in (dedupe.MAYBE, dedupe.DISTINCT)
                for r in biblio_store.uncertain_pairs(conn, label)
            ]
            apart = {(r["record_a"], r["record_b"])
                     for r in biblio_store.uncertain_pairs(conn, dedupe.DISTINCT)}  # fmt: skip
            started = time.perf_counter()
            ordered = dedupe.uncertain(conn)
            order_s = time.perf_counter() - started
            n_records = len(biblio_store.all_records(conn))
            asked, settle_s = settle_all(conn, group)
            links = {r.id: r.id for r in biblio_store.all_records(conn)}
            for members in biblio_store.duplicate_groups(conn):
                links.update(dict.fromkeys(members, members[0]))

    def flags(pairs: list[tuple[Any, Any]]) -> list[bool]:
        return [group.get(a.id, -1) == group.get(b.id, -2) for a, b in pairs]

    doubt_flags = flags(doubts)
    stored = [p for p in doubts if (p[0].id, p[1].id) not in apart]  # what bib-dedupe left
    store_flags, like_flags = flags(stored), flags([(a, b) for a, b, _alike in ordered])
    true_pairs = [(a.id, b.id) for (a, b), t in zip(doubts, doubt_flags, strict=True) if t]
    return {
        "records": n_records,
        "maybe_pairs": len(doubts),
        "duplicates_among_them": sum(doubt_flags),
        "set_apart_by_doi": len(apart),
        "duplicates_set_apart": sum(
            t for (a, b), t in zip(doubts, doubt_flags, strict=True) if (a.id, b.id) in apart
        ),
        "questions_before": len(doubts),
        "questions_now": asked,
        "duplicates_grouped_after": sum(links[a] == links[b] for a, b in true_pairs),
        "settle_seconds": round(settle_s, 1),
        "store_order": {
            "work_to_95": work(store_flags, 0.95),
            "work_to_all": work(store_flags, 1.0),
        },
        "most_alike_first": {
            "work_to_95": work(like_flags, 0.95),
            "work_to_all": work(like_flags, 1.0),
        },
        "ordering_seconds": round(order_s, 3),
        "one_resolve_seconds": round(settle_s / asked, 3) if asked else None,
        "likeness_of_first": ordered[0][2] if ordered else None,
    }


def settle_all(conn: Any, group: dict[str, int]) -> tuple[int, float]:
    """A reviewer who knows the labelled groups settles the pairs as the Duplicates screen
    serves them (the most alike open pair, asked again after each verdict), through
    `dedupe.resolve`, until none is left: how many questions, and the seconds spent."""
    known: dict[tuple[str, str], float] = {}
    asked = 0
    started = time.perf_counter()
    while pairs := dedupe.ranked_uncertain(conn, known):
        a, b, _alike = pairs[0]
        same = group.get(a, -1) == group.get(b, -2)
        dedupe.resolve(conn, a, b, same=same, reviewer="bench")
        asked += 1
    return asked, time.perf_counter() - started


def main(names: list[str]) -> None:
    if not DATA.exists():
        sys.exit(f"skipped: {DATA} is absent (the shared data beside the repository)")
    names = names or sorted(
        p.name for p in DATA.iterdir() if (p / "merged_record_ids.csv").exists()
    )
    results: dict[str, dict[str, Any]] = {}
    head = ("search", "records", "maybe", "dups", "to 95 %: store → alike", "to all: store → alike")
    print(
        f"{head[0]:20} {head[1]:>7} {head[2]:>6} {head[3]:>5}  {head[4]:>24}  {head[5]:>23} resolve"
        "  apart (dups)  asked: before → now  dups grouped"
    )
    for name in names:
        r = results[name] = one(name)
        s, m = r["store_order"], r["most_alike_first"]

        def pct(x: object) -> str:
            return "–" if x is None else f"{x:.2f}"

        print(f"{name:20} {r['records']:>7} {r['maybe_pairs']:>6} {r['duplicates_among_them']:>5}"
              f"  {pct(s['work_to_95']):>12} → {pct(m['work_to_95']):<9}"
              f"  {pct(s['work_to_all']):>11} → {pct(m['work_to_all']):<9}"
              f"  {pct(r['one_resolve_seconds']):>7}s"
              f"  {r['set_apart_by_doi']:>5} ({r['duplicates_set_apart']})"
              f"  {r['questions_before']:>6} → {r['questions_now']:<6}"
              f"  {r['duplicates_grouped_after']} of {r['duplicates_among_them']}")  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main(sys.argv[1:])
