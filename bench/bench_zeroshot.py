"""Zero-shot coding with definitions-only codebooks, against the two floors issue 11 sets.

Issue 11: on every data set, litsynth's zero-shot must never fall below (a) raw cosine to each
code's definition and keywords, and (b) always answering the majority code; goals CSAbstruct
macro-F1 ≥ 0.45, NICTA-PIBOSO ≥ 0.35.

Per data set (the test split; the codebooks in ../shared/data/coding/codebooks, written from
the published label meanings only):
- **litsynth**: as `code suggest` runs before the first decision: `fit_zero_shot` (the
  codebook's calibrated scorer, keywords matched on lemmas too), then `learn_on_corpus` (the
  scores refined on the unlabelled test sentences themselves), the top code of each sentence;
- **codebook only**: `fit_zero_shot` alone, as before corpus.v1;
- **raw cosine**: each code as one text, its definition then its keywords, embedded; each
  sentence takes the code it is nearest to;
- **majority**: every sentence gets the test split's most frequent code.
Macro-F1 over the codes; all-MiniLM-L6-v2 vectors (cached by text hash).

    .venv/bin/python bench/bench_zeroshot.py

Writes bench/results/zeroshot.json.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_multilabel import CODING, csabstruct, nicta
from bench_setfit import units_of

from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.corpus import learn_on_corpus
from litsynth.coding.machine.features import context_of
from litsynth.config import cache_dir
from litsynth.embed import get_embedder
from litsynth.embed.vectors import CachedEmbedder

OUT = Path(__file__).resolve().parent / "results" / "zeroshot.json"
GOALS = {"csabstruct": 0.45, "nicta_piboso": 0.35}


def one_set(name: str, test: list) -> dict:
    book = load_codebook(CODING / "codebooks" / f"{name}.yaml")
    codes = list(book.codes)
    units, gold = units_of(test, "test")
    texts = [u.text for u in units]
    embedder = CachedEmbedder(get_embedder("all-MiniLM-L6-v2"), cache_dir() / "vectors.sqlite")
    vectors = embedder.embed(texts)

    def f1(predicted: list[str]) -> float:
        return round(float(f1_score(gold, predicted, labels=codes, average="macro")), 3)

    zs = fit_zero_shot(book, embedder, lemmatize=True)
    zero = zs.score(vectors, texts)
    refined, _ = learn_on_corpus(zs, zero, texts, vectors, context_of(units))
    ours = [codes[k] for k in refined.top()]
    summaries = [f"{c.definition} {', '.join(c.keywords)}".strip() for c in book.codes.values()]
    nearest = (vectors @ embedder.embed(summaries).T).argmax(axis=1)
    majority = Counter(gold).most_common(1)[0][0]
    row = {
        "sentences": len(texts),
        "litsynth": f1(ours),
        "codebook_only": f1([codes[k] for k in zero.top()]),
        "raw_cosine": f1([codes[k] for k in nearest]),
        "majority": f1([majority] * len(gold)),
        "goal": GOALS[name],
        "predicted_share": {c: round(n / len(ours), 3) for c, n in Counter(ours).most_common()},
    }
    floors = "kept" if row["litsynth"] >= max(row["raw_cosine"], row["majority"]) else "BROKEN"
    print(
        f"{name:<13} litsynth {row['litsynth']:.3f}  codebook only {row['codebook_only']:.3f}"
        f"  raw cosine {row['raw_cosine']:.3f}  "
        f"majority {row['majority']:.3f}  goal ≥ {row['goal']}  floors {floors}",
        flush=True,
    )
    return row


def main() -> int:
    if not CODING.exists():
        print(f"skipped: {CODING} is absent (the shared data sits beside the repository)")
        return 0
    results = {
        "csabstruct": one_set("csabstruct", csabstruct("test")),
        "nicta_piboso": one_set("nicta_piboso", nicta("test")),
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
