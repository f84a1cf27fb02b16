"""Warm search through the workspace (`litsynth serve`): server time per query, p50 and p99.

Goal (issue 12): p50 ≤ 50 ms and p99 ≤ 200 ms, on the demo corpus and on a 100k-passage project.
The raw baseline, measured in the same run over the same queries and vectors, is the model's
`encode` of the query plus an exact FAISS search. The ratio shows what the workspace costs
above the libraries: HTTP routing, the store lookups and the JSON.

- Queries: the labels and definitions of the demo codebook's codes (real questions an analyst
  asks of this corpus).
- The 100k project: the demo store with its passages repeated under new ids until there are
  100,000. Their vectors are the real vectors plus a little noise (σ = 0.01, re-normalised), so
  the index holds 100k distinct neighbours.
- Server time: Starlette's test client, in-process, timed around each request.

Results: bench/results/workspace.json.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import numpy as np  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from litsynth.coding.codebook.load import load_codebook  # noqa: E402
from litsynth.config import open_project  # noqa: E402
from litsynth.embed import get_embedder  # noqa: E402
from litsynth.embed.index import ChunkIndex, load_index  # noqa: E402
from litsynth.ingest.incremental import IngestOptions, ingest  # noqa: E402
from litsynth.ingest.indexing import chunker_spec  # noqa: E402
from litsynth.server.app import create_app  # noqa: E402

OUT = REPO / "bench" / "results" / "workspace.json"
ROUNDS = 3  # each query this many times after a warm-up


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def queries() -> list[str]:
    book = load_codebook(REPO / "codebook")
    out = []
    for code in book.codes.values():
        out += [code.label, code.definition[:200]]
    return [q for q in out if q.strip()]


def demo_project(base: Path) -> Path:
    root = base / "demo"
    root.mkdir()
    for name in ("corpus", "codebook"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "litsynth.toml", root / "litsynth.toml")
    (root / "litsynth.toml").write_text(
        (REPO / "litsynth.toml").read_text(encoding="utf-8").split("[records]")[0],
        encoding="utf-8",
    )
    ingest(open_project(root), IngestOptions(quiet=True))
    return root


def grow(root: Path, target: int) -> Path:
    """A copy of `root` whose store and index hold `target` passages (see module docstring)."""
    big = root.with_name("big")
    shutil.copytree(root, big)
    project = open_project(big)
    conn = sqlite3.connect(big / "litsynth.db")
    rows = conn.execute(
        "SELECT rowid, id, document_id, ordinal, start, end, text, page_start, page_end,"
        " n_tokens, section, paragraph FROM chunks ORDER BY rowid"
    ).fetchall()
    loaded = load_index(project.index_dir)
    assert loaded is not None
    index, manifest = loaded
    base = {r[0]: index.index.reconstruct(int(r[0])) for r in rows}
    rng = np.random.default_rng(0)
    new_ids, new_vectors = [], []
    copy = 0
    with conn:
        while len(rows) + len(new_ids) < target:
            copy += 1
            for r in rows:
                if len(rows) + len(new_ids) >= target:
                    break
                cur = conn.execute(
                    "INSERT INTO chunks(id, document_id, ordinal, start, end, text, page_start,"
                    " page_end, n_tokens, section, paragraph) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (f"{r[1]}~{copy}", *r[2:]),
                )
                vector = base[r[0]] + rng.normal(0, 0.01, size=base[r[0]].shape)
                new_ids.append(int(cur.lastrowid or 0))
                new_vectors.append(vector / np.linalg.norm(vector))
    conn.close()
    index.add(new_ids, np.asarray(new_vectors, dtype=np.float32))
    index.save(project.index_dir, model=manifest.model, chunker=chunker_spec(project))
    return big


def measure(root: Path, qs: list[str]) -> dict[str, float]:
    client = TestClient(create_app(open_project(root)))
    client.get("/api/search", params={"q": qs[0]})  # warm: the model and the index load once
    times = []
    for _ in range(ROUNDS):
        for q in qs:
            started = time.perf_counter()
            response = client.get("/api/search", params={"q": q, "k": 10})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and response.json()
    return {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "n": len(times)}


def raw(root: Path, qs: list[str]) -> dict[str, float]:
    """The libraries alone: encode the query, exact inner-product search over the same vectors."""
    import faiss

    project = open_project(root)
    embedder = get_embedder(project.settings.embed.model)
    loaded = load_index(project.index_dir)
    assert loaded is not None
    index: ChunkIndex = loaded[0]
    flat = faiss.IndexFlatIP(index.dim)
    ids = index.ids()
    flat.add(np.vstack([index.index.reconstruct(int(i)) for i in ids]).astype(np.float32))
    embedder.embed([qs[0]])
    times = []
    for _ in range(ROUNDS):
        for q in qs:
            started = time.perf_counter()
            vector = embedder.embed([q])
            flat.search(np.asarray(vector, dtype=np.float32), 10)
            times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "n": len(times)}


def main() -> None:
    qs = queries()
    results: dict[str, object] = {"queries": len(qs), "rounds": ROUNDS}
    with tempfile.TemporaryDirectory() as tmp:
        demo = demo_project(Path(tmp))
        big = grow(demo, 100_000)
        for name, root in (("demo", demo), ("100k", big)):
            ours, theirs = measure(root, qs), raw(root, qs)
            n = sqlite3.connect(root / "litsynth.db").execute("SELECT count(*) FROM chunks")
            results[name] = {
                "passages": n.fetchone()[0],
                "workspace": ours,
                "raw_encode_plus_faiss": theirs,
                "p50_ratio": ours["p50_ms"] / theirs["p50_ms"],
            }
            print(
                f"{name}: workspace p50 {ours['p50_ms']:.1f} ms, p99 {ours['p99_ms']:.1f} ms;"
                f" raw encode+faiss p50 {theirs['p50_ms']:.1f} ms"
                f" (ratio {ours['p50_ms'] / theirs['p50_ms']:.2f}x)"
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
