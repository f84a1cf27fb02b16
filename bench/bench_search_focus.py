"""What finding each hit's focus sentence costs a search, against the raw libraries.

`search` embeds each hit's sentences to find the one closest to the query (search_focus.py).
This times, in one warm process over the demo project (its index and the ONNX query model
loaded once, as the workspace keeps them), per query and best of `--rounds`:

- raw: the query embedded by the ONNX model and FAISS's top k, nothing else;
- focus: `focus_hits` on those k hits (sentence cut, one model call, the pages read);
- search: the whole `litsynth.search.search` (filters, the store's passages, focus, marks).

printed as milliseconds and as ratios to raw, for k = 10 (the default) and k = 50.

    .venv/bin/python bench/bench_search_focus.py [--rounds 3]

Writes bench/results/search_focus.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench_search_start import QUERIES  # the same ten queries over the demo

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "search_focus.json"


def best(seconds: list[float]) -> float:
    return min(seconds) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from litsynth.config import open_project
    from litsynth.embed.models import query_embedder
    from litsynth.ingest.indexing import ensure_index
    from litsynth.search import search
    from litsynth.search_focus import candidates, focus_hits
    from litsynth.store import passages
    from litsynth.store.db import opened

    project = open_project(REPO)
    embedder = query_embedder(project.settings.embed.embedder)
    results: dict[str, object] = {"queries": len(QUERIES), "rounds": args.rounds}
    with opened(project.store_path) as conn:
        index, _ = ensure_index(project, conn, embedder)
        search(conn, project, QUERIES[0], embedder=embedder, index=index)  # warm every part
        for k in (10, 50):
            raw, focus, whole, sentences, unique = [], [], [], [], []
            for query in QUERIES:
                times: dict[str, list[float]] = {"raw": [], "focus": [], "search": []}
                for _ in range(args.rounds):
                    started = time.perf_counter()
                    vector = embedder.embed([query])[0]
                    hits = index.search(vector, k)
                    times["raw"].append(time.perf_counter() - started)
                    found = passages.by_rowid(conn, [rowid for rowid, _ in hits])
                    shown = [found[rowid] for rowid, _ in hits if rowid in found]
                    started = time.perf_counter()
                    focus_hits(conn, embedder, vector, shown)
                    times["focus"].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    search(conn, project, query, k=k, embedder=embedder, index=index)
                    times["search"].append(time.perf_counter() - started)
                cut = [p.text[a:b] for p in shown for a, b in candidates(p.text)]
                sentences.append(len(cut))
                unique.append(len(set(cut)))
                raw.append(best(times["raw"]))
                focus.append(best(times["focus"]))
                whole.append(best(times["search"]))
            row = {
                "raw_ms": round(statistics.mean(raw), 1),
                "focus_ms": round(statistics.mean(focus), 1),
                "search_ms": round(statistics.mean(whole), 1),
                "sentences_per_query": round(statistics.mean(sentences), 1),
                "distinct_sentences_per_query": round(statistics.mean(unique), 1),
            }
            row["focus_x_raw"] = round(row["focus_ms"] / row["raw_ms"], 2)
            row["search_x_raw"] = round(row["search_ms"] / row["raw_ms"], 2)
            results[f"k{k}"] = row
            print(
                f"k={k}: raw (ONNX query + FAISS) {row['raw_ms']} ms; focus of the hits "
                f"{row['focus_ms']} ms ({row['focus_x_raw']}× raw, {row['sentences_per_query']}"
                f" sentences, {row['distinct_sentences_per_query']} distinct);"
                f" whole search {row['search_ms']} ms ({row['search_x_raw']}× raw)"
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
