"""Import every export in ../shared/data/bib through litsynth, per file and per format.

For each file: detected format and encoding, records imported, entries rejected (with line
and reason), seconds, and — for RIS and BibTeX — the time of the raw library on the same text
(rispy.loads; bibtexparser.parse_string with and without its LaTeX-decoding middleware), so
the cost of our line tracking and normalisation is visible as a ratio.

"seconds" is the whole import (parse, normalise, one SQLite transaction); "parse_seconds"
leaves out the store, and is what the ratios compare.

Run: .venv/bin/python bench/bench_import.py   (writes bench/results/import_shared.json)
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from litsynth.biblio.readers import build_batch, decode_bytes, import_files
from litsynth.errors import LitsynthError
from litsynth.store import biblio as store
from litsynth.store import connect

REPO = Path(__file__).resolve().parent.parent
BIB = REPO.parent / "shared" / "data" / "bib"
OUT = REPO / "bench" / "results" / "import_shared.json"
NOT_EXPORTS = {"LICENSE", "COPYING", "DESCRIPTION"}


def _best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def raw_seconds(fmt: str, text: str) -> dict[str, float]:
    if fmt == "ris":
        return {"rispy.loads": _best_of(lambda: rispy.loads(text))}
    if fmt == "bibtex":
        return {
            "bibtexparser.parse_string": _best_of(lambda: bibtexparser.parse_string(text)),
            "bibtexparser+latex_decoding": _best_of(
                lambda: bibtexparser.parse_string(
                    text, append_middleware=[LatexDecodingMiddleware()]
                )
            ),
        }
    return {}


def main() -> None:
    files = sorted(p for p in BIB.rglob("*") if p.is_file() and p.name not in NOT_EXPORTS)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "litsynth.db")
        for i, path in enumerate(files):
            rel = str(path.relative_to(BIB))
            row: dict[str, object] = {"file": rel}
            try:
                t0 = time.perf_counter()
                [outcome] = import_files(conn, [path], f"source{i}")
                row["seconds"] = time.perf_counter() - t0
                row.update(
                    format=outcome.format,
                    encoding=outcome.encoding,
                    n_records=outcome.n_records,
                    n_rejected=outcome.n_rejected,
                    rejected=[{"line": r.line, "reason": r.reason} for r in outcome.rejected],
                    warnings=store.batches(conn)[-1]["report"].get("warnings", []),
                )
                data = path.read_bytes()
                # Parse + normalise alone (no store), comparable with the raw library's parse.
                row["parse_seconds"] = _best_of(lambda: build_batch(data, rel, "x"))  # noqa: B023
                text, _enc = decode_bytes(data)
                row["raw_seconds"] = raw_seconds(outcome.format, text)
            except LitsynthError as exc:  # refused with a message (a file of no records)
                row["refused"] = str(exc)
            except Exception as exc:  # a crash is a result here: it is what we count
                row["crash"] = f"{type(exc).__name__}: {exc}"
            rows.append(row)
    per_format: dict[str, dict[str, float]] = defaultdict(
        lambda: {"files": 0, "records": 0, "rejected": 0, "crashes": 0, "seconds": 0.0}
    )
    for row in rows:
        fmt = "refused" if "refused" in row else str(row.get("format") or "crash")
        agg = per_format[fmt]
        agg["files"] += 1
        agg["records"] += int(row.get("n_records", 0))  # type: ignore[call-overload]
        agg["rejected"] += int(row.get("n_rejected", 0))  # type: ignore[call-overload]
        agg["crashes"] += 1 if "crash" in row else 0
        agg["seconds"] += float(row.get("seconds", 0.0))  # type: ignore[arg-type]
    reasons: dict[str, int] = defaultdict(int)
    for row in rows:
        for rej in row.get("rejected", []):  # type: ignore[attr-defined]
            reasons[rej["reason"].split(":")[0]] += 1
    print(f"{'format':8s} {'files':>5s} {'records':>7s} {'rejected':>8s} {'crashes':>7s}")
    for fmt, agg in sorted(per_format.items()):
        print(
            f"{fmt:8s} {agg['files']:5.0f} {agg['records']:7.0f} {agg['rejected']:8.0f}"
            f" {agg['crashes']:7.0f}"
        )
    print("rejection reasons:", dict(reasons))
    for row in rows:
        raw = row.get("raw_seconds") or {}
        ours = float(row.get("parse_seconds", 0.0))  # type: ignore[arg-type]
        if raw and ours > 0.01:
            ratios = ", ".join(f"{k} x{ours / v:.1f}" for k, v in raw.items() if v)  # type: ignore[attr-defined]
            print(f"  {row['file']}: parse+normalise {ours:.3f}s = {ratios}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"files": rows, "per_format": per_format, "reasons": reasons}, indent=2),
        encoding="utf-8",
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
