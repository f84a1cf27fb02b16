"""Embedding backends: throughput against raw fp32 `SentenceTransformer.encode`, and what the
int8 vectors do to retrieval, on real scholarly text.

Passages: the first N abstracts of CSAbstruct's train split (computer-science abstracts,
~170 word-pieces each, the size of a litsynth passage). Queries: the "objective" sentences of
CSAbstruct's test split, searched over the test split's abstracts, so every query has one
right answer (its own abstract) and a realistic crowd of near misses.

Printed and written to bench/results/embed_backends.json:
- passages per second of raw `encode` (fp32, its default batch 32 and litsynth's 64), of
  litsynth's default fp32 backend (the model's ONNX export), of its onnx-int8 and of its
  torch-bf16 backend, as ratios to raw `encode` in the same run (best of `--repeat` runs);
- recall@10 of each fast backend's vectors (bfloat16, int8) against exact fp32 search (how
  many of fp32's top 10 its top 10 holds), and hit@1 / hit@10 of each backend against the
  gold abstract;
- cosine between each fast backend's vectors and fp32's for the same passage (min, mean).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_embed_backends.py [--passages 600]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from litsynth.embed.models import REAL_MODEL, _load_sentence_transformer, get_embedder, model_path
from litsynth.errors import ConfigError

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "coding" / "csabstruct" / "data" / "CSAbstruct"
RESULTS = HERE / "results"


def _abstracts(split: str) -> list[dict[str, list[str]]]:
    with (DATA / f"{split}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _best(fn, repeat: int) -> tuple[float, np.ndarray]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    assert out is not None
    return best, np.asarray(out, dtype=np.float32)


def _top(queries: np.ndarray, corpus: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ corpus.T), axis=1)[:, :k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no CSAbstruct at {DATA} (../shared absent)", file=sys.stderr)
        return 1
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    passages = [" ".join(a["sentences"]) for a in _abstracts("train")[: args.passages]]
    raw = _load_sentence_transformer(str(model_path()))
    fp32_backend = get_embedder(REAL_MODEL)
    onnx_backend = get_embedder(f"{REAL_MODEL}+onnx-int8")
    onnx_backend.embed(passages[:4])  # sessions warm, model file built/cached
    raw.encode(passages[:4])
    fast = {"onnx-int8": onnx_backend}
    try:
        fast["torch-bf16"] = get_embedder(f"{REAL_MODEL}+torch-bf16")
        fast["torch-bf16"].embed(passages[:4])
    except ConfigError as exc:  # a CPU without bfloat16 instructions: say so, measure the rest
        print(f"torch-bf16 not measured: {exc}")

    runs = {
        "raw encode fp32 (batch 32)": lambda: raw.encode(passages, normalize_embeddings=True),
        "raw encode fp32 (batch 64)": lambda: raw.encode(
            passages, batch_size=64, normalize_embeddings=True
        ),
        "litsynth fp32": lambda: fp32_backend.embed(passages),
        **{f"litsynth {k}": (lambda b=b: b.embed(passages)) for k, b in fast.items()},
    }
    speed: dict[str, dict[str, float]] = {}
    vectors: dict[str, np.ndarray] = {}
    for name, fn in runs.items():
        seconds, vectors[name] = _best(fn, args.repeat)
        speed[name] = {"seconds": round(seconds, 3), "per_s": round(len(passages) / seconds, 1)}
    base = speed["raw encode fp32 (batch 32)"]["seconds"]
    for name in speed:
        speed[name]["ratio"] = round(base / speed[name]["seconds"], 2)

    cosines = {k: (vectors[f"litsynth {k}"] * vectors["litsynth fp32"]).sum(axis=1) for k in fast}

    test = _abstracts("test")
    corpus_texts = [" ".join(a["sentences"]) for a in test]
    queries, gold = [], []
    for i, a in enumerate(test):
        for sentence, label in zip(a["sentences"], a["labels"], strict=True):
            if label == "objective":
                queries.append(sentence)
                gold.append(i)
    gold_arr = np.asarray(gold)
    tops = {}
    for name, backend in (("fp32", fp32_backend), *fast.items()):
        tops[name] = _top(backend.embed(queries), backend.embed(corpus_texts), 10)
    overlap = {
        k: np.mean([len(set(a) & set(b)) / 10 for a, b in zip(tops["fp32"], tops[k], strict=True)])
        for k in fast
    }
    retrieval = {
        "queries": len(queries),
        "corpus": len(corpus_texts),
        "recall_at_10_vs_fp32": {k: round(float(v), 4) for k, v in overlap.items()},
        **{
            f"{name}_hit@{k}": round(
                float(np.mean([g in t[:k] for g, t in zip(gold_arr, top, strict=True)])), 4
            )
            for name, top in tops.items()
            for k in (1, 10)
        },
    }
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "passages": len(passages),
        "mean_word_pieces": round(float(np.mean(fp32_backend.count_tokens(passages))), 1),
        "speed": speed,
        "cosine_vs_fp32": {
            k: {"min": round(float(c.min()), 4), "mean": round(float(c.mean()), 5)}
            for k, c in cosines.items()
        },
        "retrieval": retrieval,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "embed_backends.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"{len(passages)} passages, {results['mean_word_pieces']} word-pieces on average")
    for name, s in speed.items():
        print(f"  {name:28} {s['per_s']:7.1f} passages/s   x{s['ratio']:.2f} raw encode")
    print(f"  retrieval: {retrieval['queries']} objective sentences over {retrieval['corpus']}"
          f" abstracts; hit@1 fp32 {retrieval['fp32_hit@1']}")  # fmt: skip
    for k, c in results["cosine_vs_fp32"].items():
        print(f"  {k:11} cosine vs fp32 min {c['min']}, mean {c['mean']};"
              f" recall@10 vs fp32 {retrieval['recall_at_10_vs_fp32'][k]};"
              f" hit@1 {retrieval[f'{k}_hit@1']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
