"""Search at scale: the index layout at 10⁴, 10⁵ and 10⁶ passages against raw exact FAISS.

Goal (issue 13): exact below a threshold, inverted lists above it; recall@10 against exact
≥ 0.95 (measured at build time and kept in the manifest); warm in-process p50 ≤ 10 ms and
p99 ≤ 50 ms at 10⁶; build time and RAM reported.

- Vectors: the real all-MiniLM-L6-v2 vectors of CSAbstract's training sentences (11,332;
  ../shared/data/coding/csabstruct). 10⁴ is the first 10,000 of them; 10⁵ and 10⁶ repeat them
  with a little noise (σ = 0.01 per dimension, re-normalised), so every vector is distinct.
- Queries: 500 sentences of the test split (real text, never in the index), embedded by the
  same model.
- Raw baseline, same run, same vectors and queries: `faiss.IndexFlatIP`, one query at a time.
- litsynth: `ChunkIndex` keyed by rowid, its layout fitted to the count (as `save` does).
  Build = add + fitting (training the lists and tuning nprobe). RAM = the serialised index.
- A filtered search (`within` = a random 85% of the ids, as a role filter leaves) is timed too.

    .venv/bin/python bench/bench_index_scale.py [--sizes 10000,100000,1000000]

Writes bench/results/index_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from bench_csabstruct import DATA, MODEL, read_split, vectors_for  # noqa: E402

from litsynth.embed import get_embedder  # noqa: E402
from litsynth.embed.index import EXACT_UP_TO, ChunkIndex  # noqa: E402

OUT = HERE / "results" / "index_scale.json"
QUERIES = 500
K = 10


def corpus(size: int, base: np.ndarray, seed: int = 0) -> np.ndarray:
    if size <= len(base):
        return np.ascontiguousarray(base[:size])
    rng = np.random.default_rng(seed)
    reps = -(-size // len(base))
    parts = [base]
    for _ in range(reps - 1):
        noisy = base + rng.normal(scale=0.01, size=base.shape).astype(np.float32)
        parts.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    return np.ascontiguousarray(np.concatenate(parts)[:size], dtype=np.float32)


def timed_queries(search, queries: np.ndarray) -> tuple[list[list[int]], list[float]]:
    for q in queries[:20]:  # warm-up
        search(q)
    found, ms = [], []
    for q in queries:
        t = time.perf_counter()
        found.append(search(q))
        ms.append((time.perf_counter() - t) * 1000)
    return found, ms


def recall(found: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def one_size(size: int, base: np.ndarray, queries: np.ndarray) -> dict:
    x = corpus(size, base)
    ids = np.arange(size, dtype=np.int64) * 7 + 3  # rowids, not positions
    row: dict = {"passages": size}

    t = time.perf_counter()
    raw = faiss.IndexFlatIP(x.shape[1])
    raw.add(x)
    row["raw_build_s"] = round(time.perf_counter() - t, 2)
    truth, raw_ms = timed_queries(
        lambda q: [int(ids[i]) for i in raw.search(q.reshape(1, -1), K)[1][0]], queries
    )
    row["raw_p50_ms"] = round(float(np.percentile(raw_ms, 50)), 2)
    row["raw_p99_ms"] = round(float(np.percentile(raw_ms, 99)), 2)
    raw.reset()  # frees its vectors before ours are built

    t = time.perf_counter()
    index = ChunkIndex(x.shape[1])
    index.add(ids, x)
    index.fit_layout()
    row["build_s"] = round(time.perf_counter() - t, 2)
    layout = index.layout
    row.update(
        kind=layout.kind,
        nlist=layout.nlist,
        nprobe=layout.nprobe,
        build_recall_at_10=layout.recall_at_10,
        ram_mb=round(len(faiss.serialize_index(index.index)) / 2**20, 1),
    )
    found, ms = timed_queries(lambda q: [i for i, _ in index.search(q, K)], queries)
    row["recall_at_10"] = round(recall(found, truth), 4)
    row["p50_ms"] = round(float(np.percentile(ms, 50)), 2)
    row["p99_ms"] = round(float(np.percentile(ms, 99)), 2)

    rng = np.random.default_rng(1)
    within = ids[rng.random(size) < 0.85].tolist()
    _, wms = timed_queries(lambda q: [i for i, _ in index.search(q, K, within=within)], queries)
    row["filtered_p50_ms"] = round(float(np.percentile(wms, 50)), 2)
    row["p50_vs_raw"] = round(row["raw_p50_ms"] / row["p50_ms"], 2)
    print(
        f"{size:>9,}  {layout.kind:<4} nlist {layout.nlist:>5} nprobe {layout.nprobe:>3}  "
        f"build {row['build_s']:>6.1f} s  RAM {row['ram_mb']:>7.1f} MB  "
        f"recall@10 {row['recall_at_10']:.3f} (build {layout.recall_at_10})  "
        f"p50 {row['p50_ms']:.2f} / p99 {row['p99_ms']:.2f} ms  "
        f"raw exact p50 {row['raw_p50_ms']:.2f} / p99 {row['raw_p99_ms']:.2f} ms  "
        f"= {row['p50_vs_raw']}x  filtered p50 {row['filtered_p50_ms']:.2f} ms",
        flush=True,
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (the shared data sits beside the repository)")
        return 0
    embedder = get_embedder(MODEL)
    train, _ = read_split("train")
    test, _ = read_split("test")
    base = vectors_for("train", train, embedder).astype(np.float32)
    queries = vectors_for("test", test, embedder).astype(np.float32)
    queries = queries[np.random.default_rng(2).choice(len(queries), QUERIES, replace=False)]
    print(
        f"threshold for inverted lists: {EXACT_UP_TO:,} passages; {QUERIES} real queries; "
        f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads"
    )
    rows = [one_size(int(s), base, queries) for s in args.sizes.split(",")]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(
        json.dumps({"threshold": EXACT_UP_TO, "queries": QUERIES, "sizes": rows}, indent=2) + "\n"
    )
    print(f"wrote {OUT.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
