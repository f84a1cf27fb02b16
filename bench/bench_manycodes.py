"""Many-code codebooks with rare codes (GoEmotions' 28, TREC's 50), learning from a handful of uses.

Issue 11: real qualitative codebooks have 30–60 codes with a handful of uses each; a codebook
that size must train in seconds and still predict its rare codes when their evidence is
strong. ../shared holds no such set, so this bench uses GoEmotions (Demszky et al., ACL 2020:
58k Reddit comments, 27 emotions + neutral, several per comment), the coding of short texts
closest to coding survey answers that could be fetched. 28 codes; the rarest, grief, has 77
uses among 43,410 training comments, pride 111, relief 153, nervousness 164.

- **Data.** `bench/data/goemotions/{train,test,labels}.tsv|txt` (gitignored, never in the
  repository): `data/original/` of github.com/monologg/GoEmotions-pytorch at commit
  b75f9d3a8b76bc1060687925b04ca98a1b8ea66b (repository licence Apache-2.0), a copy of
  GoEmotions' own split from github.com/google-research/google-research `goemotions/data`.
- **Codebook.** `bench/codebooks/goemotions.yaml`: one definition per code, written from the
  everyday meaning of the label (no comment read); no keyword, no example.
- **`--set trec`: 50 codes.** TREC question classification (Li & Roth, COLING 2002): 5,452
  training and 500 test questions, one of 50 fine answer types each (HUM:ind, LOC:city,
  NUM:date, ...); the rarest, ENTY:currency and ENTY:religion, have 4 uses, NUM:ord 6. Data:
  `bench/data/trec/{train_5500.label,TREC_10.label}` (gitignored), `data/TREC/` of
  github.com/FreedomIntelligence/qnn at commit b47a07f232fee6b71a38efaa50a3f467a2cc7885, a copy
  of the files Li & Roth distribute from cogcomp.seas.upenn.edu for research (no licence file
  beside them: used here, never redistributed). Codebook `bench/codebooks/trec.yaml`: a label
  and a definition per class from Li & Roth's published class meanings, no question read.
  Corpus: the reviewed questions plus the 500 test questions.
- **Decisions.** As in bench_multilabel: training comments in a random order, each kept while
  it brings a code still short of n uses, and fully reviewed (its codes applied, all others
  rejected). n = 3, 5, 10, 25 uses per code; seeds 1–3.
- **Scored.** The test split (5,427 comments), multi-label: every code at or above its
  threshold. Corpus: the reviewed comments plus the test comments, as one project.
- **litsynth**: `learn_on_corpus` as `code suggest` runs it (learning from the decisions and
  the corpus; codebook prior); **TF-IDF + LR** and **MiniLM + LR**: one balanced logistic
  regression per code on the same decisions (scikit-learn, the raw libraries).
- **Reported.** Mean per-code Cohen's kappa, macro-F1, how many of the 28 codes are ever
  predicted right, kappa of the five rarest codes, and the seconds to learn (ratio against
  TF-IDF + LR's fit in the same run).

    .venv/bin/python bench/bench_manycodes.py [--set all|goemotions|trec] [--sizes 0,3,5,10,25]
        [--seeds 1,2,3]

Writes bench/results/manycodes.json (GoEmotions) or manycodes-trec.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_multilabel import reviewed

from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.corpus import learn_on_corpus
from litsynth.coding.machine.features import Unit, context_of
from litsynth.coding.machine.learn import Example
from litsynth.config import cache_dir
from litsynth.embed import get_embedder
from litsynth.embed.vectors import CachedEmbedder

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RAREST = 5

Coded = list[tuple[str, frozenset[str]]]


def absent(file: Path, source: str) -> bool:
    """True, with a hint on where the data comes from, when `file` is not there."""
    if file.exists():
        return False
    print(f"skipped: {file.parent} is absent. Copy {source} there (this file's docstring)")
    return True


def goemotions() -> tuple[Coded, Coded] | None:
    """Training and test comments with their codes, or None (and a hint) without the data."""
    folder = DATA / "goemotions"
    if absent(folder / "train.tsv", "data/original/ of github.com/monologg/GoEmotions-pytorch"):
        return None
    labels = (folder / "labels.txt").read_text(encoding="utf-8").split()

    def split(name: str) -> Coded:
        out = []
        for line in (folder / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
            text, ids, _ = line.split("\t")
            out.append((text, frozenset(labels[int(i)] for i in ids.split(","))))
        return out

    return split("train"), split("test")


def trec() -> tuple[Coded, Coded] | None:
    """TREC's questions with their fine class ("LOC:city"), or None (and a hint)."""
    folder = DATA / "trec"
    if absent(folder / "train_5500.label", "data/TREC/ of github.com/FreedomIntelligence/qnn"):
        return None

    def split(name: str) -> Coded:
        # The training file has one byte of Latin-1; each line is "CLASS:fine question ...".
        lines = (folder / name).read_text(encoding="latin-1").splitlines()
        return [(q, frozenset({c})) for c, q in (line.split(" ", 1) for line in lines if line)]

    return split("train_5500.label"), split("TREC_10.label")


SETS = {"goemotions": goemotions, "trec": trec}


def per_code_lr(x_train, y_train: np.ndarray, x_test) -> np.ndarray:  # type: ignore[no-untyped-def]
    """One balanced logistic regression per code: (n_test, K) booleans at p ≥ 0.5."""
    out = np.zeros((x_test.shape[0], y_train.shape[1]), dtype=bool)
    for k in range(y_train.shape[1]):
        if y_train[:, k].all() or not y_train[:, k].any():
            continue
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
        out[:, k] = model.fit(x_train, y_train[:, k]).predict_proba(x_test)[:, 1] >= 0.5
    return out


def metrics(gold: np.ndarray, predicted: np.ndarray, codes: list[str], rare: list[int]) -> dict:
    """Scores over the codes the test texts use (TREC's test split uses 42 of its 50: kappa
    is undefined for a code nobody applied, and F1 would count it as 0 or 1 by convention)."""
    present = [k for k in range(len(codes)) if gold[:, k].any()]
    kappas = {k: float(cohen_kappa_score(gold[:, k], predicted[:, k])) for k in present}
    found = int(sum((gold[:, k] & predicted[:, k]).any() for k in present))
    return {
        "mean_kappa": float(np.mean(list(kappas.values()))),
        "macro_f1": float(
            f1_score(gold[:, present], predicted[:, present], average="macro", zero_division=0)
        ),
        "codes_found": found,
        "rare_kappa": float(np.mean([kappas[k] for k in rare])),
        "per_code_kappa": {codes[k]: kappa for k, kappa in kappas.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--sizes", default="0,3,5,10,25")
    parser.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args()
    for name in SETS if args.set == "all" else [args.set]:
        print(f"--- {name} ---", flush=True)
        data = SETS[name]()
        if data is not None:
            one_set(name, *data, args)
    return 0


def one_set(name: str, pool: Coded, test: Coded, args: argparse.Namespace) -> None:
    book = load_codebook(HERE / "codebooks" / f"{name}.yaml")
    codes = list(book.codes)
    used = set().union(*(labs for _, labs in pool))
    assert used <= set(codes), f"codes missing from the codebook: {sorted(used - set(codes))}"
    counts = {c: sum(c in labs for _, labs in pool) for c in codes}
    gold = np.array([[c in labs for c in codes] for _, labs in test])
    scored = [c for k, c in enumerate(codes) if gold[:, k].any()]
    rare = [codes.index(c) for c in sorted(scored, key=counts.__getitem__)[:RAREST]]
    embedder = CachedEmbedder(get_embedder("all-MiniLM-L6-v2"), cache_dir() / "vectors.sqlite")
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    rows: dict[str, dict] = {}
    for n in (int(s) for s in args.sizes.split(",")):
        runs: list[dict] = []
        for seed in (int(s) for s in args.seeds.split(",")):
            picked = reviewed([labs for _, labs in pool], codes, n, seed) if n else []
            texts = [pool[i][0] for i in picked] + [t for t, _ in test]
            units = [Unit(t, f"c{j}", 0) for j, t in enumerate(texts)]  # each text alone
            vectors = embedder.embed(texts)
            examples = [
                Example(j, pool[i][1], frozenset(codes) - pool[i][1]) for j, i in enumerate(picked)
            ]
            started = time.perf_counter()
            zero = zs.score(vectors, texts)
            scores, pseudo = learn_on_corpus(zs, zero, texts, vectors, context_of(units), examples)
            seconds = time.perf_counter() - started
            suggested = scores.suggested()[len(picked) :]
            run: dict = {"decisions": len(picked), "pseudo": pseudo, "learn_seconds": seconds,
                   "litsynth": metrics(gold, suggested, codes, rare)}  # fmt: skip
            if n:
                y = np.array([[c in pool[i][1] for c in codes] for i in picked])
                started = time.perf_counter()
                tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
                words = tfidf.transform(texts)
                predicted = per_code_lr(words[: len(picked)], y, words[len(picked) :])
                run["tfidf_lr_seconds"] = time.perf_counter() - started
                run["tfidf_lr"] = metrics(gold, predicted, codes, rare)
                predicted = per_code_lr(vectors[: len(picked)], y, vectors[len(picked) :])
                run["minilm_lr"] = metrics(gold, predicted, codes, rare)
            runs.append(run)
            if not n:
                break  # zero-shot has no draw
        row: dict = {
            key: float(np.mean([r[key] for r in runs]))
            for key in ("decisions", "pseudo", "learn_seconds")
        }
        for model in ("litsynth", "tfidf_lr", "minilm_lr"):
            if model not in runs[0]:
                continue
            row[model] = {
                key: round(float(np.mean([r[model][key] for r in runs])), 3)
                for key in ("mean_kappa", "macro_f1", "codes_found", "rare_kappa")
            }
            row[model]["per_code_kappa"] = {
                c: round(float(np.mean([r[model]["per_code_kappa"][c] for r in runs])), 3)
                for c in scored
            }
        if "tfidf_lr_seconds" in runs[0]:
            row["tfidf_lr_seconds"] = float(np.mean([r["tfidf_lr_seconds"] for r in runs]))
        rows[str(n)] = row
        line = f"n={n:>2} ({row['decisions']:.0f} texts reviewed, learn"
        line += f" {row['learn_seconds']:.1f} s"
        if "tfidf_lr_seconds" in row:
            line += f" = {row['learn_seconds'] / row['tfidf_lr_seconds']:.1f}x TF-IDF+LR's fit"
        print(line + ")", flush=True)
        for model in ("litsynth", "tfidf_lr", "minilm_lr"):
            if model in row:
                m = row[model]
                print(f"   {model:<9} mean kappa {m['mean_kappa']:.3f}"
                      f"  macro-F1 {m['macro_f1']:.3f}"
                      f"  codes found {m['codes_found']:.1f}/{len(scored)}"
                      f"  rarest five kappa {m['rare_kappa']:.3f}", flush=True)  # fmt: skip
    result = {"set": name, "test_texts": len(test), "codes": codes, "scored_codes": scored,
              "rarest": [codes[k] for k in rare], "uses_in_train": counts,
              "sizes": rows}  # fmt: skip
    out = (
        HERE / "results" / ("manycodes.json" if name == "goemotions" else f"manycodes-{name}.json")
    )
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
