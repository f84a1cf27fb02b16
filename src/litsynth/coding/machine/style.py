"""How a passage is written, apart from what it is about: style clusters of the corpus.

Learning from the corpus (corpus.py) picks each code's clearest passages by their zero-shot
scores, and those scores come from a sentence encoder that places a passage by its topic. A
passage's rhetorical role shows more in how it is written: "In this X we X a X X" is an aim
whatever X is about, "X X significantly X (D %)" a result. So the passages are clustered by
that skeleton (stop words kept, every other word masked as X, numbers as D) and by where
they sit in their document, and each passage's standardised zero-shot scores are moved
towards its cluster's mean. A single passage's score is noisy; the mean over passages
written alike is much less so, and it does not care what they are about.

Only the choice of pseudo-examples uses the moved scores: each code's corpus share, and
what the reviewer sees as evidence, come from the codebook's own zero-shot.

Chosen on the dev and train splits of CSAbstruct and NICTA-PIBOSO (macro-F1 after learning
from the corpus; bench/bench_zeroshot.py scores the test splits): without style 0.453,
0.353, 0.283, 0.338 (mean 0.357); with 3 clusters per code, weight 1.5, position 0.5:
0.485-0.495, 0.493-0.505, 0.277-0.283, 0.369-0.373 over three clusterings (mean 0.410). Not
kept: weight 2 or 3 (NICTA-PIBOSO dev down to 0.241 and 0.173 in one clustering of three),
2 or 4 clusters per code (mean 0.381, 0.409), no position (0.385).

The demo (162 body passages, 18 codes: 54 clusters of three) showed what a small corpus
does: a mean of three passages is noise. So a cluster holds at least 20 passages on
average (fewer clusters otherwise), and its pull shrinks by m / (m + 20) for m members.
With both: 0.462, 0.494, 0.310, 0.362 (mean 0.407), and the demo's mechanisms stay 10/10.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np

from litsynth.coding.machine.features import Context
from litsynth.coding.machine.memo import Last, digest

CLUSTERS_PER_CODE = 3
WEIGHT = 1.5  # of the cluster's mean standardised score, added to the passage's own
POSITION = 0.5  # weight of (relative position, first, last) beside the skeleton's n-grams
FIT_SAMPLE = 20_000  # k-means is fit on at most this many passages, then assigns them all
SHRINK = 20  # a cluster of m passages moves its members by m / (m + SHRINK) of its mean
MIN_SIZE = 20  # fewer clusters than that many passages each: a mean of three says little
MIN_FUNCTION_WORDS = 0.2  # English prose is 40-50 % stop words; under a fifth, no skeleton
_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?|[%<>=]")


def skeleton(text: str) -> str:
    """'We propose a new parser (92.1 %)' -> 'we X a X X D S': stop words kept, every other
    word X, numbers D, the symbols %, <, >, = as S."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    out = []
    for word in _TOKEN.findall(text):
        lower = word.lower()
        if lower in ENGLISH_STOP_WORDS:
            out.append(lower)
        else:
            out.append("D" if word[0].isdigit() else "S" if word in "%<>=" else "X")
    return " ".join(out)


def style_clusters(
    texts: Sequence[str], ctx: Context, rows: np.ndarray, k: int, seed: int = 0
) -> np.ndarray | None:
    """A cluster id for each of `rows` (indices into `texts`), or None when the rows are too
    few or too alike to cluster."""
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    if k < 2 or len(rows) < 2 * k:
        return None
    skeletons = [skeleton(texts[i]) for i in rows]
    tokens = [t for sk in skeletons for t in sk.split()]
    kept = sum(t not in ("X", "D", "S") for t in tokens)
    if not tokens or kept / len(tokens) < MIN_FUNCTION_WORDS:
        return None  # not English (or not prose): every skeleton would be "X X X"
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 3), min_df=3, sublinear_tf=True, token_pattern=r"\S+", lowercase=False
    )
    try:
        words = vectorizer.fit_transform(skeletons)
    except ValueError:  # no n-gram in three passages: nothing to cluster on
        return None
    where = np.c_[ctx.relative[rows], ctx.first[rows], ctx.last[rows]].astype(float)
    x = normalize(sparse.hstack([words, sparse.csr_matrix(where * POSITION)]).tocsr())
    rng = np.random.default_rng(seed)
    fit = rng.choice(len(rows), FIT_SAMPLE, replace=False) if len(rows) > FIT_SAMPLE else None
    with warnings.catch_warnings():
        # fewer distinct skeletons than clusters (short, formulaic passages): fewer clusters
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(k, n_init=3, random_state=seed).fit(x if fit is None else x[fit])
    return np.asarray(model.predict(x))


_LAST: Last[np.ndarray | None] = Last()


def with_style(
    logit: np.ndarray, texts: Sequence[str], ctx: Context, eligible: np.ndarray
) -> np.ndarray:
    """`logit` with each eligible passage's standardised scores moved towards its style
    cluster's mean (module docstring); other rows, and a corpus too small, unchanged."""
    rows = np.flatnonzero(eligible)
    k = min(CLUSTERS_PER_CODE * logit.shape[1], len(rows) // MIN_SIZE)
    # the same passages as the last run: the same clusters (memo.py; the workspace reruns)
    shown = [texts[int(i)] for i in rows]
    key = digest(shown, ctx.relative[rows], ctx.first[rows], ctx.last[rows], k)
    labels = _LAST.get(key, lambda: style_clusters(texts, ctx, rows, k))
    if labels is None:
        return logit
    own = logit[rows]
    mean, sd = own.mean(axis=0), own.std(axis=0) + 1e-9
    z = (own - mean) / sd
    centre = np.zeros_like(z)
    for c in np.unique(labels):
        members = labels == c
        m = int(members.sum())
        centre[members] = z[members].mean(axis=0) * m / (m + SHRINK)
    out = logit.copy()
    out[rows] = (z + WEIGHT * centre) * sd + mean
    return out
