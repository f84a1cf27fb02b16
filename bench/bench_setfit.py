"""Does fine-tuning the encoder on the reviewer's decisions help coding? A SetFit-style test.

Issue 11 asks for an optional fine-tuning step, kept only if it wins on the benchmarks. This is
the measurement that decides it, run through the product's own code (`litsynth code finetune`:
litsynth.coding.machine.finetune).

Per data set (CSAbstruct, NICTA-PIBOSO; the definitions-only codebooks in
../shared/data/coding/codebooks) and per draw: k = 32 training sentences per code.

- **base**: litsynth's classifier (`learn`, the codebook's zero-shot scorer plus the examples,
  sentence position and neighbours as context) on the packaged all-MiniLM-L6-v2 vectors;
- **fine-tuned**: the same classifier on vectors from a copy of the encoder fine-tuned on the
  same examples, SetFit-style: pairs of sentences with the same code (target cosine 1) and
  with different codes (target 0), `--pairs` per example up to `--max-pairs`, each side
  mean-pooled, mean squared error on the cosine, AdamW at 2e-5 with linear warm-up and decay,
  one epoch, batch 16, under bfloat16 autocast where the CPU has it (`--precision fp32` not).
  The codebook's prototypes are embedded with the fine-tuned copy too;
- **MiniLM+LR**, **fine-tuned+LR**: logistic regression on the sentence vectors alone, for
  reference.

The training sentences' whole abstracts come along unlabelled, so positions are real (as in
bench_csabstruct.py). Macro-F1 is on the whole test split, and (`*_unseen`) on the test
sentences whose text the train split does not hold. Time is the fine-tuning alone.

    .venv/bin/python bench/bench_setfit.py [--draws 3] [--pairs 10] [--sets csabstruct,nicta_piboso]

`--k 0` trains on the whole train split. Pairs are capped as `code finetune` caps them (one
per example, at least 3,000 and at most 10,000) unless `--max-pairs` is given.

Writes bench/results/setfit.json (setfit-k<k>.json for another k).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_multilabel import CODING, csabstruct, nicta
from finetuned import fine_tuned_encoder

from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.features import Unit, context_of
from litsynth.coding.machine.learn import Example, learn
from litsynth.config import cache_dir
from litsynth.embed import get_embedder
from litsynth.embed.bf16 import FolderEmbedder, has_bf16
from litsynth.embed.vectors import CachedEmbedder

OUT = Path(__file__).resolve().parent / "results" / "setfit.json"


def tuned_embedder(
    texts: list[str], labels: list[str], args: argparse.Namespace, seed: int, folder: Path
) -> tuple[FolderEmbedder, int]:
    """The product's path (finetuned.py): one label per training sentence."""
    examples = [Example(i, frozenset({label})) for i, label in enumerate(labels)]
    return fine_tuned_encoder(
        texts, examples, folder=folder, seed=seed, bf16=has_bf16() and args.precision != "fp32",
        per_example=args.pairs, max_pairs=args.max_pairs,
    )  # fmt: skip


def units_of(abstracts: list, split: str) -> tuple[list[Unit], list[str]]:
    units, labels = [], []
    for doc, sentences in abstracts:
        for j, (text, label) in enumerate(sentences):
            units.append(Unit(text, f"{split}:{doc}", j))
            labels.append(label)
    return units, labels


def classify(zs, units: list[Unit], vectors: np.ndarray, examples: list[Example]) -> list[str]:
    texts = [u.text for u in units]
    zero = zs.score(vectors, texts)
    scores = learn(zs, zero, texts, vectors, context_of(units), examples)
    codes = list(scores.code_ids)
    return [codes[k] for k in scores.top()]


def one_set(name: str, train: list, test: list, args: argparse.Namespace) -> dict:
    draws = args.draws
    book = load_codebook(CODING / "codebooks" / f"{name}.yaml")
    codes = list(book.codes)
    train_units, train_labels = units_of(train, "train")
    test_units, test_labels = units_of(test, "test")
    base = CachedEmbedder(get_embedder("all-MiniLM-L6-v2"), cache_dir() / "vectors.sqlite")
    zs_base = fit_zero_shot(book, base, lemmatize=False)
    by_code = {c: [i for i, label in enumerate(train_labels) if label == c] for c in codes}
    # CSAbstruct repeats 172 of its 1,349 test sentences in train (../shared/data/README.md):
    # every score is also given on the test sentences train does not hold
    seen = {u.text for u in train_units}
    fresh = [i for i, u in enumerate(test_units) if u.text not in seen]
    runs = []
    for draw in range(draws):
        rng = random.Random(draw)
        k = args.k or max(len(v) for v in by_code.values())  # 0: the whole train split
        picked = [i for c in codes for i in rng.sample(by_code[c], min(k, len(by_code[c])))]
        docs = {train_units[i].doc for i in picked}
        keep = [i for i, u in enumerate(train_units) if u.doc in docs]
        where = {g: n for n, g in enumerate(keep)}
        units = [train_units[i] for i in keep] + test_units
        examples = [Example(where[i], frozenset({train_labels[i]})) for i in picked]
        labels = [train_labels[i] for i in picked]
        row: dict[str, float] = {}

        def score(predicted: list[str]) -> float:
            return float(f1_score(test_labels, predicted, average="macro"))

        def unseen(predicted: list[str]) -> float:
            """Macro-F1 on the test sentences whose text is not in the train split."""
            return float(
                f1_score([test_labels[i] for i in fresh], [predicted[i] for i in fresh],
                         average="macro")
            )  # fmt: skip

        vectors = base.embed([u.text for u in units])
        predicted = classify(zs_base, units, vectors, examples)[len(keep) :]
        row["base"] = score(predicted)
        row["base_unseen"] = unseen(predicted)
        lr = LogisticRegression(max_iter=2000).fit(vectors[[where[i] for i in picked]], labels)
        row["minilm_lr"] = score(list(lr.predict(vectors[len(keep) :])))
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            tuned, n_pairs = tuned_embedder(
                [train_units[i].text for i in picked], labels, args, draw, Path(folder)
            )
            row["fine_tune_seconds"] = time.perf_counter() - started
            row["pairs"] = n_pairs
            tuned_vectors = tuned.embed([u.text for u in units])
            zs_tuned = fit_zero_shot(book, tuned, lemmatize=False)
        predicted = classify(zs_tuned, units, tuned_vectors, examples)[len(keep) :]
        row["fine_tuned"] = score(predicted)
        row["fine_tuned_unseen"] = unseen(predicted)
        lr = LogisticRegression(max_iter=2000)
        lr.fit(tuned_vectors[[where[i] for i in picked]], labels)
        row["fine_tuned_lr"] = score(list(lr.predict(tuned_vectors[len(keep) :])))
        runs.append(row)
        print(
            f"{name} draw {draw}: " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True
        )
    summary = {
        k: {"mean": round(float(np.mean([r[k] for r in runs])), 3),
            "sd": round(float(np.std([r[k] for r in runs], ddof=1)) if draws > 1 else 0.0, 3)}
        for k in runs[0]
    }  # fmt: skip
    print(f"{name}: " + "  ".join(f"{k} {v['mean']}" for k, v in summary.items()), flush=True)
    return {
        "k": args.k or "all",
        "test_sentences": len(test_units),
        "test_sentences_unseen": len(fresh),
        "draws": draws,
        "pairs_per_example": args.pairs,
        "max_pairs": args.max_pairs or "auto",
        "precision": "bf16" if has_bf16() and args.precision != "fp32" else "fp32",
        "summary": summary,
        "runs": runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--k", type=int, default=32, help="examples per code; 0 = all of train")
    parser.add_argument("--pairs", type=int, default=10, help="positive+negative pairs per example")
    parser.add_argument(
        "--max-pairs", type=int, default=None, help="as `code finetune` (default: its own)"
    )
    parser.add_argument("--precision", choices=["auto", "fp32"], default="auto")
    parser.add_argument("--sets", default="csabstruct,nicta_piboso")
    args = parser.parse_args()
    if not CODING.exists():
        print(f"skipped: {CODING} is absent (the shared data sits beside the repository)")
        return 0
    loaders = {"csabstruct": csabstruct, "nicta_piboso": nicta}
    results = {}
    for name in args.sets.split(","):
        load = loaders[name]
        results[name] = one_set(name, load("train"), load("test"), args)
        out = OUT if args.k == 32 else OUT.with_name(f"setfit-k{args.k}.json")
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT if args.k == 32 else OUT.with_name(f'setfit-k{args.k}.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
