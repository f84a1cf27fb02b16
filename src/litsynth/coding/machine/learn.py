"""Learning from the reviewer: per-code classifiers on top of the zero-shot prior.

Once a code has accepted/added and rejected passages, a logistic regression per code learns
what the reviewer means by it, from features that carry both topic and function:

- the passage embedding (what it is about);
- TF-IDF of words and word pairs (function words and cue phrases — "we propose", "results
  show" — that a sentence embedding washes out), weighted twice;
- where the passage sits in its document (relative position, first, last, alone), weighted
  twice: background comes first and results last whatever the topic.

The codebook enters as a prior, not as features: the learned probability is blended with the
zero-shot one as if the codebook were worth as many labelled passages as it has passage-like
prototypes for the code (m): with n labelled examples, p = n/(n+m)·p_learned + m/(n+m)·p_zero.
A code with 3 prototypes and 3 reviewed passages is half prior, half learned; at 30 reviewed
passages, 91% learned.

The bar for suggesting is the balanced model's 0.5 (blended like the probability), unless
that bar starves the code: fewer unreviewed passages reach it than the reviewer has given
the code. That happens with many codes and a handful of uses each: a few examples fit their
own words, so new passages score far below 0.5 (GoEmotions, 28 codes, 10 uses each: 12 of 28
codes were never suggested rightly). A starved code's bar is then the cut with the best Cohen's
kappa on held-out scores of the decided passages (five folds, a document never on both
sides): on that bench mean kappa 0.057 -> 0.137 and all 28 codes suggested
(bench/bench_manycodes.py). Only starved codes: on CSAbstruct and NICTA-PIBOSO, where the
0.5 bar works, re-cutting every code cost up to 0.085 kappa at 10 decisions per code.

Measured on CSAbstruct with 32 examples per code (bench/bench_csabstruct.py, validation
abstracts held out of the training pool): feeding the zero-shot logits in as features
instead cost 0.07 macro-F1 (the model overfits 15 strong features on 160 rows); the
neighbours' mean embedding cost 0.01; self-training on confident unlabeled passages cost 0.08
(its pseudo-labels inherit the model's early confusions). So none of them is used.
`review_queue_order` ranks suggestions by uncertainty (closest to the threshold first): the
passages whose decision teaches the classifier most.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from litsynth.coding.machine.classify import Scores, ZeroShot, best_kappa_threshold
from litsynth.coding.machine.features import PASSAGE_KINDS, Context
from litsynth.progress import progress

if TYPE_CHECKING:
    from scipy import sparse

LEARNED_VERSION = "learned.v1"
# Block weights against the unit-norm embedding, chosen on 300 CSAbstruct *training* abstracts
# held out as validation (k = 32, 3 draws; the test split was not used): position ×2 gained
# 0.005 macro-F1 over ×1; words ×2 gained 0.004 over ×1 and 0.015 over ×0.5.
CONTEXT_WEIGHT = 2.0
WORDS_WEIGHT = 2.0
MANY_CODES = 20  # from this many codes learning shows a bar (on a terminal)


@dataclass(frozen=True)
class Example:
    """A labelled passage: row index into the passages, codes applied and codes rejected."""

    index: int
    positive: frozenset[str]
    negative: frozenset[str] = frozenset()
    pseudo: bool = False  # the corpus's own (corpus.py), not a person's decision


def feature_matrix(texts: Sequence[str], vectors: np.ndarray, ctx: Context) -> sparse.csr_matrix:
    """All passages' features (module docstring). TF-IDF and scaling are fitted on every
    passage given — labelled or not — which uses no label, only the corpus's own wording."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    position = StandardScaler().fit_transform(ctx.matrix()) * CONTEXT_WEIGHT
    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    try:
        words = tfidf.fit_transform(texts)
    except ValueError:  # every word occurs once (tiny corpora): unigrams without a floor
        words = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    return sparse.hstack(
        [sparse.csr_matrix(position), sparse.csr_matrix(vectors), words * WORDS_WEIGHT]
    ).tocsr()


def _training_rows(examples: Sequence[Example], code: str) -> tuple[list[int], list[int]]:
    """Positives: the code applied. Negatives: the code rejected, or another code applied and
    not this one (coders apply every code that fits, so that is a decision against it)."""
    pos = [e.index for e in examples if code in e.positive]
    neg = [
        e.index
        for e in examples
        if code not in e.positive and (code in e.negative or bool(e.positive))
    ]
    return pos, neg


def learn(
    zs: ZeroShot,
    zero: Scores,
    texts: Sequence[str],
    vectors: np.ndarray,
    ctx: Context,
    examples: Sequence[Example],
    ceiling: np.ndarray | None = None,
) -> Scores:
    """Scores for every passage, learning per code from `examples` where it can.

    `ceiling`: per code, the largest share of the unlabelled passages a bar cut from the
    corpus's pseudo-examples alone may suggest the code for (default MOST for every code)."""
    from sklearn.linear_model import LogisticRegression

    if not examples:
        return zero
    x = feature_matrix(texts, vectors, ctx)
    n, k = zero.probability.shape
    learned = np.full((n, k), np.nan)
    probability = zero.probability.copy()
    threshold = zero.threshold.astype(np.float64).copy()
    documents = ctx.documents()
    prior_weight = np.bincount(
        [zs.code_ids.index(p.code_id) for p in zs.protos if p.kind in PASSAGE_KINDS], minlength=k
    )
    by_people = {e.index for e in examples if not e.pseudo}
    codes = enumerate(zero.code_ids)
    # one fit per code: a many-code codebook over a large corpus takes seconds, so a bar
    for c, code in progress(codes, total=k, desc="learning", unit="code", minimum=MANY_CODES):
        pos, neg = _training_rows(examples, code)
        if not pos or not neg:
            continue
        rows = np.array(pos + neg)
        y = np.array([True] * len(pos) + [False] * len(neg))
        # Only the columns the training rows use: a word no labelled passage has gets weight
        # 0 under L2 anyway, so the model is the same, fitted in a fraction of the time.
        cols = np.flatnonzero(x[rows].getnnz(axis=0))
        xc = x[:, cols]
        # class_weight balanced: 32 positives among 160 rows must not be out-voted.
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(xc[rows], y)
        p = model.predict_proba(xc)[:, 1]
        learned[:, c] = p
        w = len(pos) / (len(pos) + prior_weight[c])
        probability[:, c] = w * p + (1 - w) * zero.probability[:, c]
        # Balanced classes put the learned model's decision boundary at 0.5.
        threshold[c] = w * 0.5 + (1 - w) * zero.threshold[c]
        unlabelled = np.ones(n, dtype=bool)
        unlabelled[rows] = False
        if (probability[unlabelled, c] >= threshold[c]).sum() < len(pos) and len(pos) >= 2:
            # Starved: the code would be suggested for fewer passages than the reviewer has
            # given it. A few examples fit their own words, so new passages score low; the
            # cut comes from held-out scores of the decided passages instead.
            held_out = w * _out_of_fold(xc[rows], y, documents[rows])
            cut = best_kappa_threshold(held_out + (1 - w) * zero.probability[rows, c], y)
            # A cut from the corpus's own pseudo-examples alone is not believed when it would
            # put the code on most passages: for a code the corpus does not hold it was 0.03,
            # and 788 of 793 passages (docs/coding.md, "Known limitation").
            corpus_only = sum(i in by_people for i in pos) < 2
            if (
                cut is not None
                and corpus_only
                and (probability[unlabelled, c] >= cut).mean()
                > (MOST if ceiling is None else ceiling[c])
            ):
                cut = None
            threshold[c] = threshold[c] if cut is None else cut
    return replace(zero, probability=probability, threshold=threshold, learned=learned)


MOST = 0.5  # of the unlabelled passages: a bar from pseudo-examples may not suggest more


def _out_of_fold(x: sparse.csr_matrix, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each decided passage's probability from a model that did not see its document."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    k = min(5, int(y.sum()), int((~y).sum()))
    n_groups = len(np.unique(groups))
    # Passages that are each their own document (survey answers, comments) need no grouping,
    # and StratifiedGroupKFold's search over groups took 9 of 14 s for 50 codes on 1,000.
    # Fewer documents than folds: the decisions sit in a few documents, split by passage.
    if n_groups == len(y) or n_groups < k:
        folds = StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(y)), y)
    else:
        folds = StratifiedGroupKFold(k, shuffle=True, random_state=0).split(
            np.zeros(len(y)), y, groups
        )
    out = np.zeros(len(y))
    for train, held in folds:
        if y[train].all() or not y[train].any():
            out[held] = 0.5  # a fold with one class left (few, large documents): no evidence
            continue
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
        out[held] = model.fit(x[train], y[train]).predict_proba(x[held])[:, 1]
    return out


@dataclass(frozen=True)
class QueueEntry:
    chunk_id: str
    code_id: str
    score: float
    threshold: float


def review_queue_order(entries: Iterable[QueueEntry]) -> list[tuple[str, str]]:
    """(chunk, code) keys, most informative first: uncertainty sampling on the logit scale.

    |logit(score) − logit(threshold)| is how far the classifier is from changing its mind; the
    passage it is least sure about is the one whose human decision moves it most. Ties go to
    the higher score, then to the ids, so the queue is the same on every run.
    """

    def logit(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return float(np.log(p / (1 - p)))

    ranked = sorted(
        entries,
        key=lambda e: (abs(logit(e.score) - logit(e.threshold)), -e.score, e.chunk_id, e.code_id),
    )
    return [(e.chunk_id, e.code_id) for e in ranked]
