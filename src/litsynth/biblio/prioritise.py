"""Screening prioritisation: order the unscreened records so the relevant ones come first.

Active learning in the form that works on systematic-review screening data: a linear SVM over
TF-IDF word 1–2-grams (sublinear tf, terms in more than 95 % of records dropped) trained on the
decisions so far, the next record being the one the model scores highest ("max relevance").
Includes are rare (Nagtegaal 2019: 101 of 2,019 = 5 %; Kitchenham 2010: 45 of 1,704 = 2.6 %),
so each fit weighs the includes 9.8 : 1 against the excludes in total (`sample_weights`). These
are the model and parameters of ASReview's default ELAS u4, which its authors tuned on the
SYNERGY data sets; replayed on the same priors our order matches ASReview's record for record
when refitting after every label (Nagtegaal seed 1: WSS@95 0.7229 for both).

Two additions, each with evidence behind it, make v2 (`tfidf-svm-cal-bagged.v2`):

- **Presumed excludes.** Each fit adds 100 random unscreened records as excludes (never more
  than a tenth of the unscreened), as in Cormack & Grossman's continuous active learning:
  with includes at 1–5 %, a random unscreened record is almost always irrelevant, and early
  on the two priors alone give the model no picture of what the bulk of the search looks
  like.
- **Bagged models.** Five models, each on every include and a random half of the excludes,
  are averaged (each model's scores standardised first). Averaging over subsets of the
  excludes keeps one unusual exclude from pushing the boundary over a cluster of includes.

The model is refitted after every label while it is young (the first `eager_labels` = 100
decisions), then whenever the label count has grown by `growth` (5 %: at 100 labels the next
refit is at 105). Late in screening one more label barely moves a linear model.

Measured against ASReview on the same priors (bench/bench_screening.py, docs/screening.md has
the tables): on seeds 1–3 over four reviews, mean WSS@95 v2 0.746, ASReview 0.740, v1 0.736;
on seeds 4–8 (never looked at while choosing) v2 0.749 against v1 0.733. Variants measured and
rejected (mean WSS@95, seeds 1–3, four reviews; v1 0.736): MiniLM embeddings as a second
model, averaged (0.740) or interleaved (0.742), or added to v2 (0.741); a nearest-include
similarity term (0.745 with TF-IDF, 0.724 with MiniLM); Naive Bayes as a second model
(0.744); stemmed words (0.733); refitting after every label (ASReview's schedule: v1 0.740,
v2 0.748, at four times the time). Earlier (two reviews, v1): character 3–5-grams added
(Nagtegaal 0.690 vs 0.722, Kitchenham 0.639 vs 0.693), MiniLM embeddings appended to the
TF-IDF features (Nagtegaal 0.665, Kitchenham 0.477), title counted twice (Kitchenham 0.715 but
Nagtegaal 0.697). The knobs stay in `PrioritiserSettings` so the benchmark can replay them;
`pseudo_negatives=0, bags=1` is v1.

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
PRIORITISER = "tfidf-svm-cal-bagged.v2"
PRIORITISER_V1 = "tfidf-svm-weighted.v1"  # no presumed excludes, one model


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
    # Random unscreened records added to each fit as presumed excludes (Cormack & Grossman's
    # CAL): at most this many, and never more than a tenth of the unscreened, so a small
    # project is not taught that its few candidates are irrelevant. 0 = none (v1).
    pseudo_negatives: int = 100
    bags: int = 5  # models averaged, each on every include and a random share of the excludes
    bag_fraction: float = 0.5  # the share of the excludes each bagged model sees
    growth: float = 0.05  # then retrain when the label count has grown by this fraction
    seed: int = 1

    @property
    def name(self) -> str:
        if self.pseudo_negatives == 0 and self.bags <= 1:
            return PRIORITISER_V1
        return PRIORITISER


@dataclass(frozen=True)
class Features:
    """The records as rows of one L2-normalised sparse matrix, plus the criteria as a row."""

    matrix: sp.csr_matrix
    criteria: sp.csr_matrix | None  # 1 x d, None when there is no criteria text
    n_records: int = field(default=0)
    # the words and word pairs of the first columns (the word block), to say why a record
    # ranks where it does (`explain`)
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fitted:
    """A relevance score per record and the linear weights it came from: scores are
    matrix @ weights plus a constant, so each term's share of a record's score can be read."""

    scores: np.ndarray
    weights: np.ndarray | None  # one per column; None when nothing could be fitted


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
    words, terms = _tfidf(docs, word)
    blocks = [words]
    if settings.char_ngrams:
        char = {
            "analyzer": "char_wb",
            "ngram_range": (3, 5),
            "sublinear_tf": True,
            "min_df": 2,
            "max_features": 200_000,
        }
        blocks.append(_tfidf(docs, char)[0])
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
    return Features(matrix=matrix[:n], criteria=crit, n_records=n, terms=terms)


def _tfidf(docs: Sequence[str], params: dict[str, Any]) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """TF-IDF of `docs`, also for the small projects where the pruning limits remove everything.

    With one record, `max_df=0.95` allows terms in at most 0.95 documents (none), and with a
    few records whose titles share every word each term is in every document; `min_df=2` asks
    for two documents. Then the limits are dropped (every term kept), and a corpus with no
    words at all gets one zero column: the order is the import order, which is all that
    ranking can say about it.
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    for settings in (params, {k: v for k, v in params.items() if k not in ("min_df", "max_df")}):
        vectorizer = TfidfVectorizer(**settings)
        try:
            matrix = vectorizer.fit_transform(docs)
        except ValueError:
            continue
        return matrix, tuple(str(t) for t in vectorizer.get_feature_names_out())
    return sp.csr_matrix((len(docs), 1)), ("",)  # empty vocabulary: no record has a word


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
    return fit(features, labelled, labels, settings).scores


def fit(
    features: Features,
    labelled: np.ndarray,
    labels: np.ndarray,
    settings: PrioritiserSettings | None = None,
) -> Fitted:
    """`scores`, with the weights they came from (`explain` reads them)."""
    settings = settings or PrioritiserSettings()
    X = features.matrix
    labels = np.asarray(labels, dtype=int)
    labelled = np.asarray(labelled, dtype=int)
    if labels.size and labels.min() == 0 and labels.max() == 1:
        return Fitted(*_learned_scores(X, labelled, labels, settings))
    # Cold start: similarity to the criteria text and to whatever has been included so far.
    anchors = []
    if features.criteria is not None:
        anchors.append(np.asarray(features.criteria.todense()).ravel())
    included = labelled[labels == 1] if labels.size else labelled[:0]
    if included.size:
        anchors.append(np.asarray(X[included].mean(axis=0)).ravel())
    if not anchors:
        return Fitted(np.zeros(X.shape[0]), None)
    centroid = np.mean(anchors, axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    return Fitted(np.asarray(X @ centroid, dtype=float).ravel(), centroid)


def _learned_scores(
    X: sp.csr_matrix, labelled: np.ndarray, labels: np.ndarray, settings: PrioritiserSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Scores from the decisions: presumed excludes added, then bagged linear models averaged.

    The random draws are seeded by the settings' seed and the number of decisions, so the
    same decisions always give the same order. Each bagged model's scores are standardised
    before averaging, so no one bag's margin scale dominates.
    """
    rng = np.random.default_rng([settings.seed, len(labelled)])
    unscreened = np.setdiff1d(np.arange(X.shape[0]), labelled, assume_unique=False)
    k = min(settings.pseudo_negatives, len(unscreened) // 10)
    if k > 0:
        presumed = rng.choice(unscreened, k, replace=False)
        labelled = np.concatenate([labelled, presumed])
        labels = np.concatenate([labels, np.zeros(k, dtype=int)])
    if settings.bags <= 1:
        return _fit_scores(X, labelled, labels, settings)
    includes, excludes = labelled[labels == 1], labelled[labels == 0]
    share = max(1, int(len(excludes) * settings.bag_fraction))
    total = np.zeros(X.shape[0])
    weights = np.zeros(X.shape[1])
    for _ in range(settings.bags):
        sample = rng.choice(excludes, share, replace=False)
        rows = np.concatenate([includes, sample])
        y = np.concatenate([np.ones(len(includes), dtype=int), np.zeros(share, dtype=int)])
        s, w = _fit_scores(X, rows, y, settings)
        spread = max(float(s.std()), 1e-12)
        total += (s - s.mean()) / spread
        weights += w / spread  # the standardised score is linear in X too
    return total / settings.bags, weights / settings.bags


def _fit_scores(
    X: sp.csr_matrix, rows: np.ndarray, labels: np.ndarray, settings: PrioritiserSettings
) -> tuple[np.ndarray, np.ndarray]:
    model = _model(settings)
    model.fit(X[rows], labels, sample_weight=sample_weights(labels, settings.positive_ratio))
    coef = np.asarray(model.coef_, dtype=float).ravel()
    return np.asarray(model.decision_function(X), dtype=float), coef


def explain(features: Features, weights: np.ndarray | None, row: int, k: int = 5) -> list[str]:
    """The words of record `row` that raise its score most (its term's weight times its
    TF-IDF value), strongest first: why the queue shows it where it does. Only words the
    model counts for inclusion; none before anything could be fitted."""
    if weights is None or not features.terms:
        return []
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    x = features.matrix[row].tocoo()
    named = x.col < len(features.terms)
    cols, values = x.col[named], x.data[named]
    share = values * weights[cols]
    chosen: list[str] = []
    for i in np.argsort(-share, kind="stable"):
        if share[i] <= 0 or len(chosen) >= k:
            break
        term = features.terms[cols[i]]
        words = term.split()
        if any(w in ENGLISH_STOP_WORDS for w in words):  # "proportion of" says nothing
            continue
        if len(words) == 1 and any(term in c.split() for c in chosen):
            continue  # "tract" after "urinary tract"
        chosen = [c for c in chosen if c not in words] + [term]  # the pair says more
    return chosen


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
