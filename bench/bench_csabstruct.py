"""CSAbstruct: macro-F1 and Cohen's kappa of the codebook classifier, zero-shot and with k labelled
sentences per code (a learning curve), against TF-IDF + logistic regression on the same k.

Data: ../shared/data/coding/csabstruct (sentences of CS abstracts labelled background /
objective / method / result / other). The codebook bench/csabstruct/codebook.yaml was written
from the labels' meaning, not from test sentences. Each sentence knows its abstract and its
index there, so the classifier gets position and neighbours as context.

Runs: zero-shot (codebook only); k = 8 and 32 per code, 5 random draws each (mean ± sd);
the full training set for reference. Each figure is reported on the whole test split and
without the 172 test sentences whose text also occurs in train.

    .venv/bin/python bench/bench_csabstruct.py [--draws 5] [--model all-MiniLM-L6-v2+onnx-int8]

Writes bench/results/csabstruct.json (csabstruct-<model>.json for another model).
Embeddings are cached in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score, f1_score

from litsynth.coding import load_codebook
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.features import Unit, context_of
from litsynth.coding.machine.learn import Example, learn
from litsynth.embed import get_embedder

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "coding" / "csabstruct" / "data" / "CSAbstruct"
RESULTS = HERE / "results"
MODEL = "all-MiniLM-L6-v2"


def read_split(name: str) -> tuple[list[Unit], list[str]]:
    units, labels = [], []
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as handle:
        for a, line in enumerate(handle):
            row = json.loads(line)
            for j, (sentence, label) in enumerate(
                zip(row["sentences"], row["labels"], strict=True)
            ):
                units.append(Unit(sentence, f"{name}-{a}", j))
                labels.append(label)
    return units, labels


def vectors_for(name: str, units: list[Unit], embedder) -> np.ndarray:
    cache = RESULTS / f"csabstruct_{name}_{embedder.name}.npy"
    if cache.exists():
        vectors = np.load(cache)
        if len(vectors) == len(units):
            return vectors
    vectors = embedder.embed([u.text for u in units])
    np.save(cache, vectors)
    return vectors


def figures(gold: list[str], pred: list[str], mask: np.ndarray) -> dict[str, float]:
    g, p = np.asarray(gold), np.asarray(pred)
    return {
        "macro_f1": float(f1_score(g, p, average="macro")),
        "kappa": float(cohen_kappa_score(g, p)),
        "macro_f1_dedup": float(f1_score(g[mask], p[mask], average="macro")),
        "kappa_dedup": float(cohen_kappa_score(g[mask], p[mask])),
    }


def tfidf_lr(train_texts: list[str], train_labels: list[str], test_texts: list[str]) -> list[str]:
    """The baseline: TF-IDF (words + pairs) fitted on the training texts, logistic regression."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    x = vectorizer.fit_transform(train_texts)
    model = LogisticRegression(max_iter=2000).fit(x, train_labels)
    return list(model.predict(vectorizer.transform(test_texts)))


def minilm_lr(train_x: np.ndarray, train_labels: list[str], test_x: np.ndarray) -> list[str]:
    """LR on frozen MiniLM embeddings (the issue's second reference point)."""
    return list(LogisticRegression(max_iter=2000).fit(train_x, train_labels).predict(test_x))


def ours(zs, train_units, train_x, train_labels, picked, test_units, test_x, test_kw, train_kw):
    """The codebook classifier learning from the picked training sentences. The picked
    sentences' whole abstracts come along unlabeled, so their positions are real."""
    docs = {train_units[i].doc for i in picked}
    keep = [i for i, u in enumerate(train_units) if u.doc in docs]
    where = {g: n for n, g in enumerate(keep)}
    units = [train_units[i] for i in keep] + test_units
    texts = [u.text for u in units]
    vectors = np.vstack([train_x[keep], test_x])
    keywords = [train_kw[i] for i in keep] + test_kw
    zero = zs.score(vectors, texts, keywords)
    examples = [Example(where[i], frozenset({train_labels[i]})) for i in picked]
    scores = learn(zs, zero, texts, vectors, context_of(units), examples)
    codes = list(scores.code_ids)
    return [codes[k] for k in scores.top()[len(keep) :]]


def summarise(runs: list[dict[str, float]]) -> dict[str, float]:
    out = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs])
        out[key] = float(values.mean())
        out[f"{key}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--ks", default="8,32")
    parser.add_argument("--no-full", action="store_true", help="skip the full-training-set runs")
    parser.add_argument("--model", default=MODEL, help="embedder name, e.g. MODEL+onnx-int8")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 1
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    train_units, train_labels = read_split("train")
    test_units, test_labels = read_split("test")
    embedder = get_embedder(args.model)
    train_x = vectors_for("train", train_units, embedder)
    test_x = vectors_for("test", test_units, embedder)
    train_texts = {u.text for u in train_units}
    fresh = np.array([u.text not in train_texts for u in test_units])
    book = load_codebook(HERE / "csabstruct" / "codebook.yaml")

    t0 = time.perf_counter()
    zs = fit_zero_shot(book, embedder)
    test_kw = zs.matcher.match([u.text for u in test_units])
    train_kw = zs.matcher.match([u.text for u in train_units])
    keyword_seconds = time.perf_counter() - t0
    codes = list(zs.code_ids)

    results: dict[str, object] = {
        "test_sentences": len(test_units),
        "test_sentences_also_in_train": int((~fresh).sum()),
        "codebook_version": book.version,
        "model": args.model,
        "draws": args.draws,
    }
    zero = zs.score(test_x, [u.text for u in test_units], test_kw)
    pred = [codes[k] for k in zero.top()]
    results["zero_shot"] = figures(test_labels, pred, fresh)
    cosine = [codes[k] for k in zero.sim.argmax(axis=1)]  # nearest prototype only: the reference
    results["zero_shot_cosine_only"] = figures(test_labels, cosine, fresh)
    print(f"zero-shot: {results['zero_shot']}", flush=True)

    by_code = {c: [i for i, label in enumerate(train_labels) if label == c] for c in codes}
    curve: dict[str, dict[str, object]] = {}
    for k in [int(v) for v in args.ks.split(",")]:
        runs: dict[str, list[dict[str, float]]] = {"ours": [], "tfidf_lr": [], "minilm_lr": []}
        for draw in range(args.draws):
            rng = random.Random(draw)
            picked = [i for c in codes for i in rng.sample(by_code[c], k)]
            labels = [train_labels[i] for i in picked]
            runs["ours"].append(
                figures(
                    test_labels,
                    ours(
                        zs,
                        train_units,
                        train_x,
                        train_labels,
                        picked,
                        test_units,
                        test_x,
                        test_kw,
                        train_kw,
                    ),
                    fresh,
                )
            )
            runs["tfidf_lr"].append(
                figures(
                    test_labels,
                    tfidf_lr(
                        [train_units[i].text for i in picked], labels, [u.text for u in test_units]
                    ),
                    fresh,
                )
            )
            runs["minilm_lr"].append(
                figures(test_labels, minilm_lr(train_x[picked], labels, test_x), fresh)
            )
            print(f"k={k} draw {draw}: ours {runs['ours'][-1]['macro_f1']:.3f}  "
                  f"tfidf+lr {runs['tfidf_lr'][-1]['macro_f1']:.3f}", flush=True)  # fmt: skip
        curve[str(k)] = {name: summarise(r) for name, r in runs.items()}
    results["k_shot"] = curve

    if not args.no_full:
        everything = list(range(len(train_units)))
        results["full_train"] = {
            "ours": figures(
                test_labels,
                ours(
                    zs,
                    train_units,
                    train_x,
                    train_labels,
                    everything,
                    test_units,
                    test_x,
                    test_kw,
                    train_kw,
                ),
                fresh,
            ),
            "tfidf_lr": figures(
                test_labels,
                tfidf_lr([u.text for u in train_units], train_labels, [u.text for u in test_units]),
                fresh,
            ),
            "minilm_lr": figures(test_labels, minilm_lr(train_x, train_labels, test_x), fresh),
        }
    results["seconds"] = {
        "total": time.perf_counter() - started,
        "keywords_all_sentences": keyword_seconds,
    }
    out = "csabstruct.json" if args.model == MODEL else f"csabstruct-{args.model}.json"
    (RESULTS / out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print_table(results)
    return 0


def print_table(results: dict) -> None:
    def cell(d: dict, key: str) -> str:
        sd = d.get(f"{key}_sd")
        return f"{d[key]:.3f}" + (f" ± {sd:.3f}" if sd is not None else "")

    print("\nCSAbstruct test split — macro-F1 / kappa (all 1,349 | without the 172 also in train)")
    print(f"{'setting':<28} {'macro-F1':>16} {'kappa':>16} {'F1 dedup':>16} {'kappa dedup':>16}")
    rows = [
        ("zero-shot, cosine only", results["zero_shot_cosine_only"]),
        ("zero-shot, litsynth", results["zero_shot"]),
    ]
    for k, by in results["k_shot"].items():
        rows += [
            (f"k={k} litsynth", by["ours"]),
            (f"k={k} TF-IDF+LR", by["tfidf_lr"]),
            (f"k={k} MiniLM+LR", by["minilm_lr"]),
        ]
    for name, d in results.get("full_train", {}).items():
        rows.append((f"full train {name}", d))
    for name, d in rows:
        print(f"{name:<28} {cell(d, 'macro_f1'):>16} {cell(d, 'kappa'):>16} "
              f"{cell(d, 'macro_f1_dedup'):>16} {cell(d, 'kappa_dedup'):>16}")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
