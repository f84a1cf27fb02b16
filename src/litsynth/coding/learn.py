"""Learning from the reviewer: per-code classifiers on top of the zero-shot prior.

Once a code has accepted/added and rejected passages, a logistic regression per code learns
what the reviewer means by it, from features that carry both topic and function:

- the passage embedding and the mean embedding of its neighbours (what it and its context
  are about);
- TF-IDF of words and word pairs (function words and cue phrases — "we propose", "results
  show" — that a sentence embedding washes out);
- the zero-shot logits of every code for the passage and for its previous and next passage
  (what the codebook alone thinks, and what came before and after);
- relative position in the document (background comes first, results last).

The learned probability is blended with the zero-shot one as if the codebook were worth as
many labelled passages as it has passage-like prototypes for the code (m): with n labelled
examples, p = n/(n+m)·p_learned + m/(n+m)·p_zero. A code with 3 examples in its codebook entry
and 3 reviewed passages is half prior, half learned; at 30 reviewed passages, 91% learned.

Self-training: the unlabeled passages the model is most sure of (probability ≥ the highest
probability any labelled negative reached, per code) are added as extra positives once, with
weight 1/2, so the model sees the corpus's own wording of each code, not only the few examples.
`review_queue_order` ranks suggestions by uncertainty (closest to the threshold first): the
passages whose decision teaches the classifier most.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from litsynth.coding.classify import Scores, ZeroShot
from litsynth.coding.features import PASSAGE_KINDS, Context, neighbour_mean

LEARNED_VERSION = "learned.v1"


@dataclass(frozen=True)
class Example:
    """A labelled passage: row index into the passages, codes applied and codes rejected."""

    index: int
    positive: frozenset[str]
    negative: frozenset[str] = frozenset()


def _prev_next(values: np.ndarray, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    prev = np.where((ctx.prev >= 0)[:, None], values[np.maximum(ctx.prev, 0)], 0.0)
    nxt = np.where((ctx.next >= 0)[:, None], values[np.maximum(ctx.next, 0)], 0.0)
    return prev, nxt


def feature_matrix(
    texts: Sequence[str], vectors: np.ndarray, zero: Scores, ctx: Context
) -> sparse.csr_matrix:
    """All passages' features (module docstring). TF-IDF and scaling are fitted on every
    passage given — labelled or not — which uses no label, only the corpus's own wording."""
    prev, nxt = _prev_next(zero.logit, ctx)
    counts = np.array(
        [[len(k.get(c, ())) for c in zero.code_ids] for k in zero.keywords], dtype=np.float32
    )
    dense = np.hstack([zero.logit, prev, nxt, np.log1p(counts), ctx.matrix()])
    dense = StandardScaler().fit_transform(dense)
    semantic = np.hstack([vectors, neighbour_mean(vectors, ctx)])
    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    try:
        words = tfidf.fit_transform(texts)
    except ValueError:  # every word occurs once (tiny corpora): unigrams without a floor
        words = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    return sparse.hstack([sparse.csr_matrix(dense), sparse.csr_matrix(semantic), words]).tocsr()


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


def _fit(x: sparse.csr_matrix, y: np.ndarray, weight: np.ndarray) -> LogisticRegression:
    # class_weight balanced: 32 positives among 160 rows must not be out-voted by the prior.
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    return model.fit(x, y, sample_weight=weight)


def learn(
    zs: ZeroShot,
    zero: Scores,
    texts: Sequence[str],
    vectors: np.ndarray,
    ctx: Context,
    examples: Sequence[Example],
    *,
    self_train: bool = True,
) -> Scores:
    """Scores for every passage, learning per code from `examples` where it can."""
    if not examples:
        return zero
    x = feature_matrix(texts, vectors, zero, ctx)
    n, k = zero.probability.shape
    labelled = np.zeros(n, dtype=bool)
    labelled[[e.index for e in examples]] = True
    learned = np.full((n, k), np.nan)
    probability = zero.probability.copy()
    threshold = zero.threshold.astype(np.float64).copy()
    prior_weight = np.bincount(
        [zs.code_ids.index(p.code_id) for p in zs.protos if p.kind in PASSAGE_KINDS], minlength=k
    )
    for c, code in enumerate(zero.code_ids):
        pos, neg = _training_rows(examples, code)
        if not pos or not neg:
            continue
        rows = np.array(pos + neg)
        y = np.array([True] * len(pos) + [False] * len(neg))
        weight = np.ones(len(rows))
        model = _fit(x[rows], y, weight)
        p = model.predict_proba(x)[:, 1]
        if self_train:
            # Pseudo-positives: unlabeled passages scored above every labelled negative.
            bar = float(p[neg].max())
            extra = np.flatnonzero(~labelled & (p > bar))
            if len(extra):
                rows = np.concatenate([rows, extra])
                y = np.concatenate([y, np.ones(len(extra), dtype=bool)])
                weight = np.concatenate([weight, np.full(len(extra), 0.5)])
                p = _fit(x[rows], y, weight).predict_proba(x)[:, 1]
        learned[:, c] = p
        w = len(pos) / (len(pos) + prior_weight[c])
        probability[:, c] = w * p + (1 - w) * zero.probability[:, c]
        # Balanced classes put the learned model's decision boundary at 0.5.
        threshold[c] = w * 0.5 + (1 - w) * zero.threshold[c]
    return replace(zero, probability=probability, threshold=threshold, learned=learned)


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
