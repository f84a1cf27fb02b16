"""Learning from decisions, multi-label: per-code Cohen's kappa as the reviewer decides more.

Goal (issue 11): on a multi-label benchmark built from the shared sets, the mean per-code
kappa against the gold rises with the number of decisions per code (10, 25, 50, 100, 200),
and is reported per code.

How the benchmark is made (the same for CSAbstruct and NICTA-PIBOSO):
- Each abstract is cut into passages of 2–5 consecutive sentences (lengths drawn with a fixed
  seed, the last passage takes what is left). A passage carries every code of its sentences:
  "method; result" when it holds a method sentence and a result sentence.
- The train split's passages are the pool a reviewer works through; the test split's are
  scored. Both are one corpus for the classifier, as a project's passages are: TF-IDF and
  positions use no label.
- n decisions per code: pool passages are taken in a random order, keeping a passage while it
  brings a code still short of n positives; every kept passage is fully reviewed (its codes
  applied, every other code rejected), as in the workspace. A code with fewer than n
  passages in the pool uses all of them.
- Codebook: the definitions-only codebooks in ../shared/data/coding/codebooks (no example).
- Prediction: every code at or above its threshold (multi-label), via `learn` as `suggest`
  runs it. n = 0 is zero-shot.

With `--fine-tune`, each draw first fine-tunes a copy of the encoder on its decisions, as
`litsynth code finetune` does (pairs sharing a code → 1, none → 0, at most 3,000), and the
classifier runs on that copy's vectors; the fine-tuning time is reported beside kappa.

With `--corpus`, codes short of their quota are topped up with the corpus's own clearest
passages, as `code suggest` does by default (`learn_on_corpus`, [coding] learn_from_corpus).

Seeds 1–3; mean ± sd. Results: bench/results/multilabel.json (multilabel-finetuned.json,
multilabel-corpus.json).

    .venv/bin/python bench/bench_multilabel.py [--sizes 0,10,25,50,100,200] [--fine-tune|--corpus]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from sklearn.metrics import cohen_kappa_score

from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.corpus import learn_on_corpus
from litsynth.coding.machine.features import Unit, context_of
from litsynth.coding.machine.learn import Example, learn
from litsynth.config import cache_dir
from litsynth.embed import get_embedder
from litsynth.embed.vectors import CachedEmbedder

HERE = Path(__file__).resolve().parent
CODING = HERE.parent.parent / "shared" / "data" / "coding"
OUT = HERE / "results" / "multilabel.json"
Abstract = tuple[str, list[tuple[str, str]]]  # (id, [(sentence, label)])


def csabstruct(split: str) -> list[Abstract]:
    path = CODING / "csabstruct" / "data" / "CSAbstruct" / f"{split}.jsonl"
    out = []
    for a, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        out.append((f"{split}-{a}", list(zip(row["sentences"], row["labels"], strict=True))))
    return out


def nicta(split: str) -> list[Abstract]:
    out: list[Abstract] = []
    for line in (CODING / "nicta_piboso" / f"{split}_clean.txt").read_text("utf-8").splitlines():
        if line.startswith("###"):
            out.append((f"{split}-{line[3:]}", []))
        elif line.strip() and out:
            label, _, text = line.partition("\t")
            # the data says "study design", the codebook's id is study_design
            out[-1][1].append((text, label.replace(" ", "_")))
    return [a for a in out if a[1]]


def passages(abstracts: list[Abstract], seed: int = 0) -> list[tuple[Unit, frozenset[str]]]:
    rng = np.random.default_rng(seed)
    out = []
    for doc, sentences in abstracts:
        i, ordinal = 0, 0
        while i < len(sentences):
            size = int(rng.integers(2, 6))
            part = sentences[i : i + size]
            i += size
            text = " ".join(s for s, _ in part)
            out.append((Unit(text, doc, ordinal), frozenset(lab for _, lab in part)))
            ordinal += 1
    return out


def reviewed(pool: list[frozenset[str]], codes: list[str], n: int, seed: int) -> list[int]:
    """Pool indices a reviewer decides, until every code has n positives (or the pool ends)."""
    rng = np.random.default_rng(seed)
    have = dict.fromkeys(codes, 0)
    chosen = []
    for i in rng.permutation(len(pool)):
        if any(have[c] < n for c in pool[i] if c in have):
            chosen.append(int(i))
            for c in pool[i]:
                if c in have:
                    have[c] += 1
        if all(v >= n for v in have.values()):
            break
    return chosen


def tuned_vectors(
    texts: list[str], examples: list[Example], seed: int, folder: Path
) -> tuple[CachedEmbedder, np.ndarray, float]:
    """`code finetune`'s path on the reviewed passages (finetuned.py; multi-label: a pair is a
    1 when the passages share any code), every text re-embedded with the copy. Returns the
    embedder (for the codebook's prototypes), the vectors, and the seconds to train and save."""
    from finetuned import fine_tuned_encoder

    from litsynth.embed.bf16 import has_bf16

    started = time.perf_counter()
    inner, _ = fine_tuned_encoder(texts, examples, folder=folder, seed=seed, bf16=has_bf16())
    seconds = time.perf_counter() - started
    embedder = CachedEmbedder(inner, folder / "vectors.sqlite")
    return embedder, embedder.embed(texts), seconds


def one_set(
    name: str,
    train: list[Abstract],
    test: list[Abstract],
    sizes: list[int],
    seeds: tuple[int, ...] = (1, 2, 3),
    fine_tuned: bool = False,
    corpus: bool = False,
) -> dict:
    book = load_codebook(CODING / "codebooks" / f"{name}.yaml")
    codes = list(book.codes)
    pool, scored = passages(train), passages(test)
    units = [u for u, _ in pool] + [u for u, _ in scored]
    texts = [u.text for u in units]
    embedder = CachedEmbedder(get_embedder("all-MiniLM-L6-v2"), cache_dir() / "vectors.sqlite")
    vectors = embedder.embed(texts)
    ctx = context_of(units)
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    zero = zs.score(vectors, texts)
    gold = np.array([[c in labels for c in codes] for _, labels in scored])
    offset = len(pool)
    rows: dict[str, dict] = {}
    for n in sizes:
        runs = []
        for seed in seeds:
            t = time.perf_counter()
            picked = reviewed([labels for _, labels in pool], codes, n, seed) if n else []
            examples = [
                Example(i, frozenset(pool[i][1] & set(codes)), frozenset(set(codes) - pool[i][1]))
                for i in picked
            ]
            tuning = 0.0
            if fine_tuned and examples:
                with tempfile.TemporaryDirectory() as folder:
                    tuned, tuned_vecs, tuning = tuned_vectors(texts, examples, seed, Path(folder))
                    zs_tuned = fit_zero_shot(book, tuned, lemmatize=False)
                    t = time.perf_counter()
                    scores = learn(
                        zs_tuned, zs_tuned.score(tuned_vecs, texts), texts, tuned_vecs, ctx,
                        examples,
                    )  # fmt: skip
            elif corpus:
                scores, _ = learn_on_corpus(zs, zero, texts, vectors, ctx, examples)
            else:
                scores = learn(zs, zero, texts, vectors, ctx, examples) if examples else zero
            predicted = scores.suggested()[offset:]
            kappas = {
                c: float(cohen_kappa_score(gold[:, k], predicted[:, k]))
                for k, c in enumerate(codes)
            }
            runs.append({"kappa": kappas, "decisions": len(picked),
                         "seconds": time.perf_counter() - t,
                         "fine_tune_seconds": tuning})  # fmt: skip
            if not n:
                break  # zero-shot has no draw
        per_code = {c: float(np.mean([r["kappa"][c] for r in runs])) for c in codes}
        means = [float(np.mean(list(r["kappa"].values()))) for r in runs]
        rows[str(n)] = {
            "mean_kappa": round(float(np.mean(means)), 3),
            "sd": round(float(np.std(means)), 3),
            "per_code": {c: round(v, 3) for c, v in per_code.items()},
            "passages_reviewed": round(float(np.mean([r["decisions"] for r in runs])), 1),
            "learn_seconds": round(float(np.mean([r["seconds"] for r in runs])), 2),
            "fine_tune_seconds": round(float(np.mean([r["fine_tune_seconds"] for r in runs])), 1),
        }
        print(f"{name:<13} n={n:>3}  mean kappa {rows[str(n)]['mean_kappa']:.3f} "
              f"± {rows[str(n)]['sd']:.3f}  ({rows[str(n)]['passages_reviewed']:.0f} passages "
              f"reviewed, learn {rows[str(n)]['learn_seconds']} s)  "
              + "  ".join(f"{c} {v:.2f}" for c, v in per_code.items()), flush=True)  # fmt: skip
    return {"passages": {"pool": len(pool), "test": len(scored)}, "codes": codes, "sizes": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10,25,50,100,200")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument(
        "--fine-tune",
        action="store_true",
        help="fine-tune the encoder on each draw's decisions first (`code finetune`)",
    )
    parser.add_argument(
        "--corpus", action="store_true", help="top up codes from the corpus (`learn_on_corpus`)"
    )
    args = parser.parse_args()
    seeds = tuple(int(s) for s in args.seeds.split(","))
    if not CODING.exists():
        print(f"skipped: {CODING} is absent (the shared data sits beside the repository)")
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    out = OUT.with_name("multilabel-finetuned.json") if args.fine_tune else OUT
    out = OUT.with_name("multilabel-corpus.json") if args.corpus else out
    results = {
        "csabstruct": one_set("csabstruct", csabstruct("train"), csabstruct("test"), sizes,
                              seeds, args.fine_tune, args.corpus),
        "nicta_piboso": one_set("nicta_piboso", nicta("train"), nicta("test"), sizes, seeds,
                                args.fine_tune, args.corpus),
    }  # fmt: skip
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
