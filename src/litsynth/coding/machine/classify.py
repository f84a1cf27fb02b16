"""Zero-shot scoring of passages against a codebook, calibrated on the codebook itself.

Evidence per (passage, code), all from one matrix multiply plus a phrase matcher:

- `sim`: the highest cosine between the passage and any of the code's prototypes (definition
  and when-to-use sentences, examples, label, keyword list); that prototype is the "nearest
  sentence" shown to the reviewer.
- `centroid`: cosine to the mean of the code's prototypes (a smoother, topic-level signal).
- `margin`: `sim` minus the best `sim` of any *other* code — a passage about everything is
  evidence for nothing in particular.
- `keywords`: log(1 + number of distinct keywords/aliases matched).

Calibration, without magic numbers: raw cosines mean different things for different codes (a
code with ten long examples is near more passages than a code with one), so both similarity
features are standardised per code against a *null*: the similarities of the code to the
prototypes of all the OTHER codes — texts the codebook itself says are about something else.
`z = (sim - mean_null_c) / sd_null`. A logistic regression (Platt scaling) then maps the four
features to a probability, fitted on the codebook's own passage-like prototypes: each
definition/when-to-use sentence and example is a positive for its code (scored leave-one-out:
its own vector removed from its code's prototypes) and a negative for every other code;
when-not-to-use sentences are extra negatives for their code. The per-code threshold is the
probability that maximises that code's F1 on those same leave-one-out rows, so a code whose
examples are easy to tell apart gets a higher bar than one that overlaps its neighbours.

Worked example (demo codebook, 18 codes, ~110 passage prototypes): ~110 positive rows and
~1,900 negative rows, i.e. a prior of about 1/18 — close to the share of (passage, code)
pairs that are true in a coded corpus, so the intercept needs no re-weighting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from litsynth.coding.codebook.model import Codebook
from litsynth.coding.machine.features import (
    PASSAGE_KINDS,
    KeywordMatcher,
    Prototype,
    negative_prototypes,
    prototypes,
)
from litsynth.embed.models import Embedder
from litsynth.errors import CodingError

ZERO_SHOT_VERSION = "zeroshot.v1"
FEATURES = ("sim_z", "centroid_z", "margin", "keywords")


@dataclass(frozen=True)
class Scores:
    """Scores of n passages against K codes, with the evidence behind each."""

    code_ids: tuple[str, ...]
    probability: np.ndarray  # (n, K) calibrated
    threshold: np.ndarray  # (K,)
    logit: np.ndarray  # (n, K) zero-shot logit (a feature for the learned model)
    sim: np.ndarray  # (n, K) highest cosine to a prototype of the code
    nearest: np.ndarray  # (n, K) index into ZeroShot.protos: the nearest definition/example
    nearest_sim: np.ndarray  # (n, K) its cosine
    keywords: list[dict[str, tuple[str, ...]]]  # per passage: {code: matched terms}
    learned: np.ndarray | None = None  # (n, K) learned probability where a model exists, else nan

    def suggested(self) -> np.ndarray:
        return self.probability >= self.threshold[None, :]

    def top(self) -> np.ndarray:
        """Index of the most probable code per passage (probabilities are calibrated alike,
        so they compare across codes; thresholds only decide whether to suggest at all)."""
        return np.argmax(self.probability, axis=1)


def log_odds(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), clipped so that 0 and 1 stay finite."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def _per_code_max(sims: np.ndarray, owner: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Max over each code's columns and the winning column: (n, K) values and indices."""
    best = np.full((sims.shape[0], k), -np.inf, dtype=np.float32)
    arg = np.zeros((sims.shape[0], k), dtype=np.int64)
    for c in range(k):
        cols = np.flatnonzero(owner == c)
        if len(cols) == 0:
            continue
        block = sims[:, cols]
        j = np.argmax(block, axis=1)
        arg[:, c] = cols[j]
        best[:, c] = block[np.arange(len(block)), j]
    return best, arg


def _margin(sim: np.ndarray) -> np.ndarray:
    """sim minus the best other code's sim, per passage (0 when there is one code)."""
    if sim.shape[1] < 2:
        return np.zeros_like(sim)
    order = np.sort(sim, axis=1)
    best, second = order[:, -1:], order[:, -2:-1]
    other = np.where(sim >= best, second, best)
    return np.asarray(sim - other)


@dataclass
class ZeroShot:
    """A codebook turned into a calibrated zero-shot scorer (see the module docstring)."""

    book: Codebook
    model: str
    protos: list[Prototype]
    vectors: np.ndarray  # (m, d) prototype embeddings
    owner: np.ndarray  # (m,) code index of each prototype
    centroids: np.ndarray  # (K, d)
    null_mean: np.ndarray  # (K,) mean sim of other codes' prototypes
    null_mean_centroid: np.ndarray  # (K,)
    null_sd: float
    null_sd_centroid: float
    coef: np.ndarray  # (4,)
    intercept: float
    threshold: np.ndarray  # (K,)
    matcher: KeywordMatcher
    calibration: dict[str, float] = field(default_factory=dict)

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(self.book.codes)

    @property
    def name(self) -> str:
        return f"{self.model}+{ZERO_SHOT_VERSION}"

    def features(
        self, vectors: np.ndarray, keyword_counts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(n, K, 4) standardised features; (n, K) best sims; the nearest passage-like
        prototype (definition, when-to-use sentence or example: what a reviewer can compare
        the passage with) and its cosine."""
        sims = vectors @ self.vectors.T
        k = len(self.code_ids)
        sim, _ = _per_code_max(sims, self.owner, k)
        passage = np.array([p.kind in PASSAGE_KINDS for p in self.protos])
        owner = np.where(passage, self.owner, -1)
        nearest_sim, nearest = _per_code_max(sims, owner, k)
        centroid = vectors @ self.centroids.T
        return _stack(self, sim, centroid, keyword_counts), sim, nearest, nearest_sim

    def logits(self, feats: np.ndarray) -> np.ndarray:
        return np.asarray(feats @ self.coef + self.intercept)

    def score(
        self,
        vectors: np.ndarray,
        texts: Sequence[str],
        keywords: list[dict[str, tuple[str, ...]]] | None = None,
    ) -> Scores:
        """Calibrated probabilities of every code for passages with these vectors and texts."""
        if keywords is None:
            keywords = self.matcher.match(texts)
        feats, sim, nearest, nearest_sim = self.features(vectors, self.matcher.counts(keywords))
        logit = self.logits(feats)
        probability = 1.0 / (1.0 + np.exp(-logit))
        # No evidence, no suggestion: a passage with none of the code's keywords that is
        # further from the code than the average text of another code (sim_z < 0) is held
        # just under the threshold. The calibration rows are all on-topic texts, so the model
        # never saw a passage about nothing — whose margins over the codes are all near zero.
        unsupported = (feats[..., 0] < 0) & (feats[..., 3] == 0)
        cap = np.nextafter(self.threshold, 0)[None, :]
        probability = np.where(unsupported, np.minimum(probability, cap), probability)
        return Scores(
            code_ids=self.code_ids,
            probability=probability,
            threshold=self.threshold,
            logit=logit,
            sim=sim,
            nearest=nearest,
            nearest_sim=nearest_sim,
            keywords=keywords,
        )


def _stack(zs: ZeroShot, sim: np.ndarray, centroid: np.ndarray, counts: np.ndarray) -> np.ndarray:
    return np.stack(
        [
            (sim - zs.null_mean[None, :]) / zs.null_sd,
            (centroid - zs.null_mean_centroid[None, :]) / zs.null_sd_centroid,
            _margin(sim) / zs.null_sd,
            np.log1p(counts),
        ],
        axis=-1,
    )


def best_f1_threshold(probability: np.ndarray, truth: np.ndarray) -> float | None:
    """The cut that maximises F1, midway between the two scores it separates; None if no
    positives. Midway, so a passage scoring exactly like a calibration positive is kept."""
    if not truth.any():
        return None
    order = np.argsort(-probability)
    p, t = probability[order], truth[order]
    tp = np.cumsum(t)
    f1 = 2 * tp / (np.arange(1, len(t) + 1) + t.sum())
    k = int(np.argmax(f1))
    below = p[k + 1] if k + 1 < len(p) else 0.0
    return float((p[k] + below) / 2)


def best_kappa_threshold(probability: np.ndarray, truth: np.ndarray) -> float | None:
    """The cut with the best Cohen's kappa against `truth`, midway between the two scores it
    separates. Unlike F1, kappa gives "everything is positive" 0, never a win."""
    if truth.all() or not truth.any():
        return None
    order = np.argsort(-probability)
    p, t = probability[order], truth[order].astype(np.float64)
    n, pos = len(t), t.sum()
    k = np.arange(1, n + 1)  # predicted positives
    tp = np.cumsum(t)
    observed = (tp + (n - k) - (pos - tp)) / n
    expected = (k * pos + (n - k) * (n - pos)) / n**2
    kappa = np.where(expected < 1, (observed - expected) / np.maximum(1 - expected, 1e-12), 0.0)
    j = int(np.argmax(kappa))
    below = p[j + 1] if j + 1 < n else 0.0
    return float((p[j] + below) / 2)


def fit_zero_shot(book: Codebook, embedder: Embedder, *, lemmatize: bool = True) -> ZeroShot:
    """Embed the codebook's prototypes and calibrate the scorer on them (module docstring)."""
    from sklearn.linear_model import LogisticRegression

    codes = list(book.codes)
    index = {c: k for k, c in enumerate(codes)}
    protos = prototypes(book)
    negatives = negative_prototypes(book)
    vectors = embedder.embed([p.text for p in protos])
    owner = np.array([index[p.code_id] for p in protos], dtype=np.int64)
    k = len(codes)
    sums = np.zeros((k, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, owner, vectors)
    centroids = _normalise(sums)

    passage = np.array([p.kind in PASSAGE_KINDS for p in protos])
    rows = np.flatnonzero(passage)
    if len(rows) == 0:
        raise CodingError(
            "the codebook has no definitions or examples to calibrate on",
            hint="give every code a definition (and a few example quotes)",
        )
    # Leave-one-out similarities of each passage-like prototype to every code.
    sims = vectors[rows] @ vectors.T
    sims[np.arange(len(rows)), rows] = -np.inf
    sim, _ = _per_code_max(sims, owner, k)
    counts_own = np.bincount(owner, minlength=k).astype(np.float64)
    cent = np.empty((len(rows), k), dtype=np.float64)
    for i, r in enumerate(rows):
        c = owner[r]
        s = sums.copy()
        s[c] -= vectors[r]
        if counts_own[c] <= 1:
            s[c] = 0.0
        cent[i] = _normalise(s) @ vectors[r]
    truth = owner[rows][:, None] == np.arange(k)[None, :]
    sim = np.where(np.isfinite(sim), sim, 0.0)  # a code whose only prototype is this one

    # The null: each code against the prototypes of the other codes.
    negative = ~truth
    null_mean = np.array(
        [sim[negative[:, c], c].mean() if negative[:, c].any() else 0.0 for c in range(k)]
    )
    null_mean_c = np.array(
        [cent[negative[:, c], c].mean() if negative[:, c].any() else 0.0 for c in range(k)]
    )
    null_sd = _pooled_sd(sim, negative, null_mean)
    null_sd_c = _pooled_sd(cent, negative, null_mean_c)

    matcher = KeywordMatcher(book, lemmatize=lemmatize)
    proto_counts = matcher.counts(matcher.match([protos[r].text for r in rows]))
    shell = ZeroShot(
        book=book,
        model=embedder.name,
        protos=protos,
        vectors=vectors,
        owner=owner,
        centroids=centroids.astype(np.float32),
        null_mean=null_mean.astype(np.float32),
        null_mean_centroid=null_mean_c.astype(np.float32),
        null_sd=null_sd,
        null_sd_centroid=null_sd_c,
        coef=np.zeros(len(FEATURES)),
        intercept=0.0,
        threshold=np.full(k, 0.5),
        matcher=matcher,
    )
    feats = _stack(shell, sim, cent, proto_counts).reshape(-1, len(FEATURES))
    labels = truth.reshape(-1)
    # when_not_to_use sentences: negatives for their own code only.
    if negatives:
        nv = embedder.embed([p.text for p in negatives])
        n_sim, _ = _per_code_max(nv @ vectors.T, owner, k)
        n_cent = nv @ centroids.T
        n_counts = matcher.counts(matcher.match([p.text for p in negatives]))
        n_feats = _stack(shell, n_sim, n_cent, n_counts)
        own = np.array([index[p.code_id] for p in negatives])
        feats = np.vstack([feats, n_feats[np.arange(len(negatives)), own]])
        labels = np.concatenate([labels, np.zeros(len(negatives), dtype=bool)])
    if labels.all() or not labels.any():
        raise CodingError(
            "a codebook with one code needs when_not_to_use text to calibrate against",
            hint="add a second code or a when_not_to_use sentence",
        )
    lr = LogisticRegression(max_iter=1000).fit(feats, labels)
    shell.coef = lr.coef_[0].astype(np.float64)
    shell.intercept = float(lr.intercept_[0])
    prob = 1.0 / (
        1.0 + np.exp(-(_stack(shell, sim, cent, proto_counts) @ shell.coef + shell.intercept))
    )
    overall = best_f1_threshold(prob.reshape(-1), truth.reshape(-1)) or 0.5
    thresholds = np.array(
        [
            t
            if (t := best_f1_threshold(prob[:, c], truth[:, c])) is not None
            and truth[:, c].sum() >= 2
            else overall
            for c in range(k)
        ]
    )
    shell.threshold = thresholds
    shell.calibration = {
        "rows": float(len(labels)),
        "positives": float(labels.sum()),
        "overall_threshold": float(overall),
        **{f"coef_{name}": float(v) for name, v in zip(FEATURES, shell.coef, strict=True)},
        "intercept": shell.intercept,
    }
    return shell


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.asarray(m / np.where(norms > 0, norms, 1.0))


def _pooled_sd(values: np.ndarray, mask: np.ndarray, means: np.ndarray) -> float:
    dev = (values - means[None, :])[mask]
    sd = float(np.sqrt(np.mean(dev**2))) if dev.size else 0.0
    # A degenerate codebook (identical prototypes) has no spread: fall back to unit scale.
    return sd if sd > 1e-6 else 1.0
