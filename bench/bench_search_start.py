"""`litsynth search` from a cold process: the query embedded by sentence-transformers (the raw
library) or by the fp32 ONNX export (`get_embedder`, what search uses), same index.

A person searching from the command line starts a new process every time, so the time to the
first answer is the time that matters, and most of it was importing sentence-transformers.
Each run below is a fresh Python process over the demo project (188 passages), timed from
start to printed hits, best of `--rounds` alternating rounds; the ONNX file is built before
timing (it is built once per machine). The hits of both are compared for 10 queries.

    .venv/bin/python bench/bench_search_start.py [--rounds 3]

Writes bench/results/search_start.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "search_start.json"
QUERIES = [
    "platform-based coordination", "value creation through orchestration",
    "digital technologies in small firms", "governance of the supply chain",
    "trust between partners", "the orchestrator's role", "federated business model",
    "outsourcing production", "data sharing protocols", "competitive advantage",
]  # fmt: skip
SEARCH = """
import json, sys
from litsynth.config import open_project
from litsynth.embed import SentenceTransformerEmbedder
from litsynth.search import search
from litsynth.store.db import opened
project = open_project({root!r})
raw = {raw}
with opened(project.store_path) as conn:
    embedder = SentenceTransformerEmbedder() if raw else None
    hits = [search(conn, project, q, k=10, embedder=embedder) for q in json.loads(sys.argv[1])]
out = [[(h.passage.chunk_id, h.score) for h in found] for found in hits]
print(json.dumps(out))
"""


def run(raw: bool, queries: list[str]) -> tuple[float, list]:  # type: ignore[type-arg]
    code = SEARCH.format(root=str(REPO), raw=raw)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(queries)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (REPO / "litsynth.db").exists():
        print("skipped: run `make demo` first (the demo project is searched)")
        return 0
    run(False, QUERIES[:1])  # builds the ONNX file if this machine has none yet
    times: dict[str, list[float]] = {"sentence_transformers": [], "onnx_fp32": []}
    for i in range(args.rounds):
        for raw in (True, False) if i % 2 == 0 else (False, True):
            seconds, _ = run(raw, QUERIES[:1])
            times["sentence_transformers" if raw else "onnx_fp32"].append(seconds)
    _, reference = run(True, QUERIES)
    _, fast = run(False, QUERIES)
    same_order = sum(
        [c for c, _ in a] == [c for c, _ in b] for a, b in zip(reference, fast, strict=True)
    )
    score_gap = max(
        abs(sa - sb)
        for a, b in zip(reference, fast, strict=True)
        for (_, sa), (_, sb) in zip(a, b, strict=True)
    )
    best = {name: min(values) for name, values in times.items()}
    result = {
        "seconds_best": {k: round(v, 2) for k, v in best.items()},
        "speedup": round(best["sentence_transformers"] / best["onnx_fp32"], 2),
        "queries_with_the_same_top_10": f"{same_order} of {len(QUERIES)}",
        "largest_score_difference": score_gap,
        "rounds": args.rounds,
    }
    print(
        f"one search, cold process: sentence-transformers {best['sentence_transformers']:.2f} s,"
        f" ONNX fp32 {best['onnx_fp32']:.2f} s -> {result['speedup']}x as fast\n"
        f"same top 10 for {same_order} of {len(QUERIES)} queries; largest difference in the"
        f" scores search reports (4 decimals): {score_gap:.4f}"
    )
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
