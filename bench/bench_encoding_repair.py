"""Mojibake repair at import (biblio/encoding_repair.py), on the shared exports.

For each file: records read, records repaired, and the reading time (build_batch: parse,
normalise, repair) against the same reading with the repair switched off; and the repair's
own time against the raw library, ftfy.fix_encoding, run on every shown field (title,
abstract, journal, each author and keyword) of the same records, as a plain use of ftfy would.
Every repair is written out (field, as exported, as repaired) to read.

Run: .venv/bin/python bench/bench_encoding_repair.py   (writes bench/results/encoding_repair.json)
"""

from __future__ import annotations

import json
import timeit
from pathlib import Path

import ftfy

import litsynth.biblio.readers as readers
from litsynth.biblio.encoding_repair import REPAIRED, repaired_text
from litsynth.errors import LitsynthError
from litsynth.records import BibRecord

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
FILES = [
    SHARED / "screening/Nagtegaal_2019/output/Nagtegaal_2019.csv",
    SHARED / "screening/Hall_Wahono_Radjenovic_Kitchenham/output/Kitchenham_2010.csv",
    *sorted((SHARED / "dedup-bibdedupe").rglob("*.csv")),
]
OUT = REPO / "bench" / "results" / "encoding_repair.json"


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    """The fastest of `repeat` runs, in seconds."""
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def shown(rec: BibRecord) -> list[str]:
    return [rec.title, rec.abstract, rec.journal, *rec.authors, *rec.keywords]


def main() -> None:
    rows, repairs = [], []
    original = readers.repair
    for path in FILES:
        if not path.exists():
            print(f"skip (absent): {path}")
            continue
        data = path.read_bytes()
        try:
            batch = readers.build_batch(data, path.name, "bench")
        except LitsynthError as exc:  # a label file beside the exports
            print(f"skip: {exc.message}")
            continue
        with_repair = best_of(lambda: readers.build_batch(data, path.name, "bench"))  # noqa: B023
        readers.repair = lambda rec: (rec, ())  # type: ignore[assignment]
        try:
            without = best_of(lambda: readers.build_batch(data, path.name, "bench"))  # noqa: B023
            plain = readers.build_batch(data, path.name, "bench").records
        finally:
            readers.repair = original
        texts = [t for rec in plain for t in shown(rec)]
        ours = best_of(lambda: [repaired_text(t) for t in texts])  # noqa: B023
        raw = best_of(lambda: [ftfy.fix_encoding(t) for t in texts], repeat=1)  # noqa: B023
        fixed = [r for r in batch.records if REPAIRED in r.extra]
        for r in fixed:
            for name in r.extra[REPAIRED].split(", "):
                now = getattr(r, name)
                repairs.append({"file": path.name, "record": r.id, "field": name,
                                "as_exported": r.extra[f"{name}_as_exported"][:300],
                                "repaired": ("; ".join(now) if isinstance(now, tuple)
                                             else now)[:300]})  # fmt: skip
        row = {
            "file": path.name, "records": len(batch.records), "repaired": len(fixed),
            "read_seconds": round(with_repair, 4), "read_without_repair_seconds": round(without, 4),
            "read_ratio": round(with_repair / without, 3),
            "repair_seconds": round(ours, 4), "ftfy_every_field_seconds": round(raw, 4),
            "repair_vs_ftfy_ratio": round(ours / raw, 4),
        }  # fmt: skip
        rows.append(row)
        print(f"{path.name}: {row['repaired']} of {row['records']} repaired; reading"
              f" {row['read_ratio']}x without the repair; the repair {row['repair_vs_ftfy_ratio']}x"
              f" ftfy on every field ({ours:.3f} s against {raw:.3f} s)")  # fmt: skip
    total = {k: sum(r[k] for r in rows) for k in ("records", "repaired")}
    read = sum(r["read_seconds"] for r in rows) / sum(
        r["read_without_repair_seconds"] for r in rows
    )
    print(f"all: {total['repaired']} of {total['records']} records repaired; reading {read:.3f}x")
    OUT.write_text(json.dumps({"files": rows, "total": {**total, "read_ratio": round(read, 3)},
                               "repairs": repairs}, indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")  # fmt: skip
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
