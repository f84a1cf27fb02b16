"""Screening prioritisation: order the unscreened records so the relevant ones come first.

Active learning in the form that works on systematic-review screening data: a linear SVM over
TF-IDF word 1–2-grams (sublinear tf, terms in more than 95 % of records dropped) trained on the
decisions so far, the next record being the one the model scores highest ("max relevance").
Includes are rare (Nagtegaal 2019: 101 of 2,019 = 5 %; Kitchenham 2010: 45 of 1,704 = 2.6 %),
so each fit weighs the includes 9.8 : 1 against the excludes in total (`sample_weights`). These
are the model and parameters of ASReview's default ELAS u4, which its authors tuned on the
SYNERGY data sets; replayed on the same priors our order matches ASReview's record for record
when refitting after every label (Nagtegaal seed 1: WSS@95 0.7229 for both).

What we change is *when* the model is refitted: after every label while it is young (the first
`eager_labels` = 100 decisions), then whenever the label count has grown by `growth` (5 %:
at 100 labels the next refit is at 105). Late in screening one more label barely moves a linear
model; measured against ASReview on the same priors (bench/bench_screening.py, 6 runs) this
costs 0.8 points of WSS@95 on average (0.708 vs 0.716; per run −1.9 to +0.5) and takes about
an eighth of the time. Variants we measured and
rejected, on the same priors (mean WSS@95 over seeds 1–2): character 3–5-grams added
(Nagtegaal 0.690 vs 0.722, Kitchenham 0.639 vs 0.693), MiniLM embeddings appended to the TF-IDF
features (Nagtegaal 0.665, Kitchenham 0.477: better early recall, much worse tail), title
counted twice (Kitchenham 0.715 but Nagtegaal 0.697). The knobs stay in
`PrioritiserSettings` so the benchmark can replay them.

Before there is at least one include and one exclude no classifier can be trained, so records
are ranked by their TF-IDF similarity to the review's inclusion-criteria text (litsynth.toml
[screening] criteria) and to the includes so far.

Everything is deterministic: the same texts, labels and seed give the same order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

# Versioned name of the ranking behaviour: a change that can reorder records gets a new name,
# so a screening run can say exactly how its order was made.
PRIORITISER = "tfidf-svm-weighted.v1"


@dataclass(frozen=True)
class PrioritiserSettings:
    """Knobs of the prioritiser; the defaults are the benchmarked configuration."""

    classifier: str = "svm"  # "svm" (LinearSVC) or "logreg"
    c: float = 0.11  # inverse regularisation strength of the linear model
    # Total weight of the includes over that of the excludes. 1 = "balanced"; higher pushes the
    # boundary towards recall, which is what screening wants (missing an include costs more).
    positive_ratio: float = 9.8
    char_ngrams: bool = False  # add character 3–5-grams (measured: lowers WSS@95)
    embedding_weight: float = 0.0  # weight of the appended sentence embeddings (0 = none)
    eager_labels: int = 100  # retrain after every label until this many labels exist
    growth: float = 0.05  # then retrain when the label count has grown by this fraction
    seed: int = 1

    @property
    def name(self) -> str:
        return PRIORITISER


@dataclass(frozen=True)
class Features:
    """The records as rows of one L2-normalised sparse matrix, plus the criteria as a row."""

    matrix: sp.csr_matrix
    criteria: sp.csr_matrix | None  # 1 x d, None when there is no criteria text
    n_records: int = field(default=0)


def record_text(title: str, abstract: str) -> str:
    """What the model reads of a record: title, then abstract."""
    return f"{title or ''} {abstract or ''}".strip()


def build_features(
    texts: Sequence[str],
    *,
    criteria: str = "",
    embeddings: np.ndarray | None = None,
    settings: PrioritiserSettings | None = None,
) -> Features:
    """Fit the vocabulary on the records themselves (unsupervised, so no label leaks in)."""
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    settings = settings or PrioritiserSettings()
    corpus = [t or "" for t in texts]
    docs = [*corpus, criteria] if criteria.strip() else corpus
    # min_df=1: a rare term shared by two includes is exactly the signal we want.
    word = {"ngram_range": (1, 2), "sublinear_tf": True, "max_df": 0.95}
    blocks = [_tfidf(docs, word)]
    if settings.char_ngrams:
        char = {
            "analyzer": "char_wb",
            "ngram_range": (3, 5),
            "sublinear_tf": True,
            "min_df": 2,
            "max_features": 200_000,
        }
        blocks.append(_tfidf(docs, char))
    matrix = normalize(sp.hstack(blocks).tocsr())
    if embeddings is not None and settings.embedding_weight > 0:
        if len(embeddings) != len(corpus):
            raise ValueError(f"{len(embeddings)} embeddings for {len(corpus)} records")
        dense = normalize(np.asarray(embeddings, dtype=np.float64)) * settings.embedding_weight
        if len(docs) > len(corpus):  # the criteria row: its meaning is carried by its words
            dense = np.vstack([dense, np.zeros((1, dense.shape[1]))])
        matrix = sp.hstack([matrix, sp.csr_matrix(dense)]).tocsr()
    n = len(corpus)
    crit = matrix[n:] if criteria.strip() else None
    return Features(matrix=matrix[:n], criteria=crit, n_records=n)


def _tfidf(docs: Sequence[str], params: dict[str, Any]) -> sp.csr_matrix:
    """TF-IDF of `docs`, also for the small projects where the pruning limits remove everything.

    With one record, `max_df=0.95` allows terms in at most 0.95 documents (none), and with a
    few records whose titles share every word each term is in every document; `min_df=2` asks
    for two documents. Then the limits are dropped (every term kept), and a corpus with no
    words at all gets one zero column: the order is the import order, which is all that
    ranking can say about it.
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(**params).fit_transform(docs)
    except ValueError:
        relaxed = {k: v for k, v in params.items() if k not in ("min_df", "max_df")}
        try:
            return TfidfVectorizer(**relaxed).fit_transform(docs)
        except ValueError:  # empty vocabulary: no record has a word
            return sp.csr_matrix((len(docs), 1))


def sample_weights(labels: np.ndarray, positive_ratio: float) -> np.ndarray:
    """Per-label weights: includes outweigh excludes `positive_ratio` to 1 in total, mean 1.

    Worked: 100 labels, 5 includes, ratio 9.8 → an exclude weighs 5 / (9.8 · 95) = 0.0054 of
    an include; rescaled to mean 1 an include weighs 18.3 and an exclude 0.098. The rescaling
    keeps the regularisation strength C meaningful as the labels grow.
    """
    n_pos, n_neg = int(labels.sum()), int(len(labels) - labels.sum())
    w = np.where(labels == 1, 1.0, n_pos / (positive_ratio * n_neg))
    return np.asarray(w * (len(labels) / w.sum()), dtype=float)


def _model(settings: PrioritiserSettings) -> LinearSVC | LogisticRegression:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    if settings.classifier == "logreg":
        return LogisticRegression(C=settings.c, max_iter=1000, random_state=settings.seed)
    return LinearSVC(C=settings.c, random_state=settings.seed)


def scores(
    features: Features,
    labelled: np.ndarray,
    labels: np.ndarray,
    settings: PrioritiserSettings | None = None,
) -> np.ndarray:
    """A relevance score for every record (higher = screen sooner) from the labels so far.

    `labelled` are row indices, `labels` their 1 (include) / 0 (exclude) decisions.
    """
    settings = settings or PrioritiserSettings()
    X = features.matrix
    labels = np.asarray(labels, dtype=int)
    labelled = np.asarray(labelled, dtype=int)
    if labels.size and labels.min() == 0 and labels.max() == 1:
        model = _model(settings)
        model.fit(
            X[labelled], labels, sample_weight=sample_weights(labels, settings.positive_ratio)
        )
        return np.asarray(model.decision_function(X), dtype=float)
    # Cold start: similarity to the criteria text and to whatever has been included so far.
    anchors = []
    if features.criteria is not None:
        anchors.append(np.asarray(features.criteria.todense()).ravel())
    included = labelled[labels == 1] if labels.size else labelled[:0]
    if included.size:
        anchors.append(np.asarray(X[included].mean(axis=0)).ravel())
    if not anchors:
        return np.zeros(X.shape[0])
    centroid = np.mean(anchors, axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    return np.asarray(X @ centroid, dtype=float).ravel()


def rank(
    features: Features,
    labelled: Sequence[int],
    labels: Sequence[int],
    settings: PrioritiserSettings | None = None,
) -> list[int]:
    """Row indices of the unlabelled records, most likely include first (ties by row order)."""
    labelled_arr = np.asarray(list(labelled), dtype=int)
    s = scores(features, labelled_arr, np.asarray(list(labels), dtype=int), settings)
    mask = np.ones(features.n_records, dtype=bool)
    mask[labelled_arr] = False
    candidates = np.flatnonzero(mask)
    # stable sort on -score keeps row order among ties, so the order is deterministic
    return candidates[np.argsort(-s[candidates], kind="stable")].tolist()


def retrain_points(n_records: int, settings: PrioritiserSettings | None = None) -> set[int]:
    """Label counts at which the model is refitted: every one up to `eager_labels`, then geometric.

    With eager 100 and growth 0.05 on 2,000 records: 1..100, then 105, 110, 115, 120, 126, …,
    about 160 refits in all instead of 2,000.
    """
    settings = settings or PrioritiserSettings()
    points = set(range(1, min(settings.eager_labels, n_records) + 1))
    k = float(max(settings.eager_labels, 1))
    while k < n_records:
        k = max(k + 1, math.ceil(k * (1 + settings.growth)))
        points.add(int(k))
    return points
