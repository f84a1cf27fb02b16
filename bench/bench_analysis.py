"""Open/axial/selective coding benchmark on the demo project, against the raw libraries.

1. `cluster_vectors` (k-means over the fine-grained k range, small clusters dissolved,
   silhouette per k) vs the raw sklearn loop doing only KMeans + silhouette_score over the same
   k range on the same vectors: the ratio is the cost of dissolving and canonical numbering.
2. `extract_phrases` (noun chunks, lemmatised and filtered) vs raw `nlp.pipe` over the same
   texts: the ratio is the cost of the phrase rules.
3. Whole commands: `run_discover --all`, `run_relate`, `run_themes` on the demo store
   (vectors read back from the FAISS index), and `cooccurrence` vs a raw `fisher_exact` loop.
4. Scale: `cluster_vectors` on 5,000 random 384-d vectors (a large review).

Run from the repo root after `litsynth ingest` and `litsynth code suggest`:
    .venv/bin/python bench/bench_analysis.py        (writes bench/results/analysis.json)
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import fisher_exact
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "analysis.json"

from litsynth.coding.analysis.discover import cluster_vectors, passage_vectors, run_discover  # noqa: E402
from litsynth.coding.analysis.keyphrases import _nlp, extract_phrases  # noqa: E402
from litsynth.coding.analysis.relate import cooccurrence, require_codebook, run_relate  # noqa: E402
from litsynth.coding.analysis.themes import run_themes  # noqa: E402
from litsynth.config import open_project  # noqa: E402
from litsynth.store import analysis as store  # noqa: E402
from litsynth.store import opened  # noqa: E402
from litsynth.store.db import connect  # noqa: E402
from litsynth.synthesis.from_store import cited_work_counts  # noqa: E402


def on_store(stage, project, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a stage over the project's store, opened and closed, as the CLI does."""
    with opened(project.store_path) as conn:
        return stage(conn, project, *args, **kwargs)


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def raw_kmeans(x: np.ndarray, ks: list[int], seed: int = 0) -> None:
    for k in ks:
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x).labels_
        silhouette_score(
            x, labels, metric="cosine", sample_size=min(len(x), 3000), random_state=seed
        )


def main() -> None:
    if not (REPO / "litsynth.db").exists():
        sys.exit(
            "no demo store: run `litsynth ingest` and `litsynth code suggest` in the repo root"
        )
    project = open_project(REPO)
    conn = connect(project.store_path)
    passages = store.load_passages(conn)
    codings = store.load_codings(conn)
    conn.close()
    t_vec, (vectors, _) = timed(lambda: passage_vectors(project, passages), repeat=1)
    x = vectors.astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    texts = [p.text for p in passages]
    results: dict[str, object] = {
        "passages": len(passages),
        "codings": len(codings),
        "vectors_s": t_vec,
    }

    t_ours, (_, scores) = timed(lambda: cluster_vectors(x, min_size=5, max_k=20, seed=0))
    t_raw, _ = timed(lambda: raw_kmeans(x, sorted(scores)))
    results["cluster"] = {"ours_s": t_ours, "raw_sklearn_s": t_raw, "ratio": t_ours / t_raw}

    nlp = _nlp()
    t_raw_nlp, _ = timed(lambda: list(nlp.pipe(texts, batch_size=32)), repeat=2)
    t_phr, _ = timed(lambda: extract_phrases(texts), repeat=2)
    results["phrases"] = {
        "ours_s": t_phr,
        "raw_spacy_pipe_s": t_raw_nlp,
        "ratio": t_phr / t_raw_nlp,
    }

    by_chunk: dict[str, set[str]] = {}
    for c in codings:
        by_chunk.setdefault(c.chunk_id, set()).add(c.code_id)
    t_co, pairs = timed(lambda: cooccurrence(by_chunk, len(passages), level="passage"))
    carriers: dict[str, set[str]] = {}
    for chunk, codes in by_chunk.items():
        for code in codes:
            carriers.setdefault(code, set()).add(chunk)

    def raw_fisher() -> None:
        n = len(passages)
        for a, b in itertools.combinations(sorted(carriers), 2):
            both = len(carriers[a] & carriers[b])
            if both:
                na, nb = len(carriers[a]), len(carriers[b])
                fisher_exact(
                    [[both, na - both], [nb - both, n - na - nb + both]], alternative="greater"
                )

    t_fisher, _ = timed(raw_fisher)
    results["cooccurrence"] = {
        "pairs": len(pairs),
        "ours_s": t_co,
        "raw_fisher_loop_s": t_fisher,
        "ratio": t_co / t_fisher,
    }

    t_disc, d = timed(lambda: on_store(run_discover, project, uncoded_only=False), repeat=1)
    t_rel, _ = timed(lambda: on_store(run_relate, project), repeat=1)

    def themes() -> object:
        codebook = require_codebook(project)
        with opened(project.store_path) as conn:
            return run_themes(conn, codebook, cited=cited_work_counts(conn, codebook))

    t_th, _ = timed(themes, repeat=1)
    results["commands_s"] = {
        "discover_all": t_disc,
        "relate": t_rel,
        "themes": t_th,
        "clusters": d.k,
    }

    rng = np.random.default_rng(0)
    big = rng.normal(size=(5000, 384))
    big /= np.linalg.norm(big, axis=1, keepdims=True)
    t_big, (labels, big_scores) = timed(
        lambda: cluster_vectors(big, min_size=25, max_k=20), repeat=1
    )
    t_big_raw, _ = timed(lambda: raw_kmeans(big, sorted(big_scores)), repeat=1)
    results["scale_5000"] = {
        "ours_s": t_big,
        "raw_sklearn_s": t_big_raw,
        "ratio": t_big / t_big_raw,
        "largest_cluster_share": float(np.bincount(labels).max() / len(big)),
    }

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
