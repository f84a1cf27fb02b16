"""The order of the pairs bib-dedupe leaves to people: how soon the real duplicates come.

`litsynth dedupe` links the pairs bib-dedupe is sure of and keeps its "maybe" pairs for a
person (`dedupe --uncertain`, the workspace's Duplicates screen). This bench deduplicates each
labelled search of ../shared/data/dedup-bibdedupe, takes its maybe pairs, marks those whose two
records share a true group (merged_record_ids.csv), and reports where they come:
- in the store's order (record ids: what `--uncertain` printed before likeness);
- most alike first (`biblio/likeness.py`, what it prints now).
"work to 95 %" is the share of the pairs a person settles, in that order, before meeting 95 %
of the real duplicates among them; "work to all" the share before the last. Each settle in
the workspace regroups the store: the bench also times one `resolve` per search.

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
            stored = [
                (
                    biblio_store.get_record(conn, r["record_a"]),
                    biblio_store.get_record(conn, r["record_b"]),
                )
                for r in biblio_store.uncertain_pairs(conn)
            ]
            started = time.perf_counter()
            ordered = dedupe.uncertain(conn)
            order_s = time.perf_counter() - started
            resolve_s = None
            if ordered:
                a, b, _alike = ordered[-1]  # the least alike: "different", as a person would say
                started = time.perf_counter()
                dedupe.resolve(conn, a.id, b.id, same=False, reviewer="bench")
                resolve_s = time.perf_counter() - started
            n_records = len(biblio_store.all_records(conn))

    def flags(pairs: list[tuple[Any, Any]]) -> list[bool]:
        return [group.get(a.id, -1) == group.get(b.id, -2) for a, b in pairs]

    store_flags, like_flags = flags(stored), flags([(a, b) for a, b, _alike in ordered])
    return {
        "records": n_records,
        "maybe_pairs": len(stored),
        "duplicates_among_them": sum(store_flags),
        "store_order": {
            "work_to_95": work(store_flags, 0.95),
            "work_to_all": work(store_flags, 1.0),
        },
        "most_alike_first": {
            "work_to_95": work(like_flags, 0.95),
            "work_to_all": work(like_flags, 1.0),
        },
        "ordering_seconds": round(order_s, 3),
        "one_resolve_seconds": None if resolve_s is None else round(resolve_s, 3),
        "likeness_of_first": ordered[0][2] if ordered else None,
    }


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
    )
    for name in names:
        r = results[name] = one(name)
        s, m = r["store_order"], r["most_alike_first"]

        def pct(x: object) -> str:
            return "–" if x is None else f"{x:.2f}"

        print(f"{name:20} {r['records']:>7} {r['maybe_pairs']:>6} {r['duplicates_among_them']:>5}"
              f"  {pct(s['work_to_95']):>12} → {pct(m['work_to_95']):<9}"
              f"  {pct(s['work_to_all']):>11} → {pct(m['work_to_all']):<9}"
              f"  {pct(r['one_resolve_seconds']):>7}s")  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main(sys.argv[1:])
