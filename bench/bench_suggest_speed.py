"""Time to score 100,000 pre-embedded chunks against the demo codebook.

The semantic part of `code suggest` is one matrix multiply of the chunk vectors against the
codebook's prototype vectors, then per-code maxima and a logistic calibration; this bench
times that against the raw numpy multiply it is built on (the floor), on synthetic unit
vectors (the scoring cost does not depend on what the vectors mean). Keyword matching is
timed separately per 1,000 texts, with the blank tokenizer and with the lemmatiser, since it
reads text, not vectors.

    .venv/bin/python bench/bench_suggest_speed.py [--chunks 100000]

Writes bench/results/suggest_speed.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from litsynth.coding import load_codebook
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.features import KeywordMatcher
from litsynth.embed import HashEmbedder

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    book = load_codebook(REPO / "codebook")
    # Prototype vectors from the test embedder: the cost is the same as with MiniLM (384-d).
    zs = fit_zero_shot(book, HashEmbedder(), lemmatize=False)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.chunks, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    counts = np.zeros((args.chunks, len(book.codes)), dtype=np.float32)

    raw = best_of(args.repeat, lambda: vectors @ zs.vectors.T)

    def score() -> None:
        feats, *_ = zs.features(vectors, counts)
        zs.logits(feats)

    ours = best_of(args.repeat, score)
    texts = [c.definition for c in book.codes.values()] * (1000 // len(book.codes) + 1)
    texts = texts[:1000]
    blank = KeywordMatcher(book, lemmatize=False)
    lemma = KeywordMatcher(book, lemmatize=True)
    kw_blank = best_of(1, lambda: blank.match(texts))
    kw_lemma = best_of(1, lambda: lemma.match(texts))
    result = {
        "chunks": args.chunks,
        "codes": len(book.codes),
        "prototypes": len(zs.protos),
        "raw_matmul_s": raw,
        "score_s": ours,
        "ratio_vs_raw_matmul": ours / raw,
        "keywords_per_1000_texts_blank_s": kw_blank,
        "keywords_per_1000_texts_lemma_s": kw_lemma,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "suggest_speed.json").write_text(
        json.dumps(result, indent=2), encoding="utf-8"
    )
    print(f"{args.chunks:,} chunks x {len(book.codes)} codes ({len(zs.protos)} prototypes)")
    print(f"  raw numpy matmul          {raw:8.3f} s")
    print(f"  litsynth zero-shot score  {ours:8.3f} s   ({ours / raw:.1f}x the raw multiply)")
    print(
        f"  keywords, 1,000 texts     {kw_blank:8.3f} s blank tokenizer,"
        f" {kw_lemma:.3f} s lemmatiser"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
