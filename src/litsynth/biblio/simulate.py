"""Replaying screening on a labelled data set to measure a prioritiser.

The protocol is ASReview's: pick N random includes and N random excludes as prior knowledge
(seed S), then let the prioritiser choose the next record, reveal its label, retrain on the
schedule, and go on until every include has been found (the order of what is left cannot
change any metric). The metrics follow asreview-insights and leave the priors out: the
screening order they read is the records after the priors, N' = n_records − n_priors long, with
n' = n_included − prior includes among them.

- **WSS@95** (work saved over sampling at 95 % recall), exactly as asreview-insights computes
  it: with k95 = the largest number of includes with k95 / n' ≤ 0.95, r = the 0-based index
  in our order of the k95-th include, and q = the 0-based index where a random order reaches
  k95 includes on insights' curve round(linspace(0, n', N')), WSS@95 = (q − r) / N'.
  Worked: N' = 2,017, n' = 100 → k95 = 95, q = 1,906; found at r = 699 → WSS = 0.598.
  The textbook form (TN + FN) / N' − 0.05 at that point is close but not equal: the rounding
  of the random curve reaches k95 half an include early (tests/test_screening_prioritise.py
  works one example: 0.835 by insights, 0.859 by the textbook). We report insights' number so
  ours compare with ASReview's published ones.
- **Recall@10 %**: the fraction of the n' includes found in the first ⌊0.10 · N'⌋ records.
- **ATD** (average time to discovery): the mean 1-based position of each include in the order,
  divided by N', so 0.05 means includes were found on average after 5 % of the records.
  asreview-insights reports the same mean as a record count; we divide by N' so data sets of
  different sizes compare (`atd_records` keeps the count).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from litsynth.biblio.prioritise import (
    PrioritiserSettings,
    build_features,
    rank,
    record_text,
    retrain_points,
    scores,
)
from litsynth.errors import ScreeningError

# labels or row indices: a list from a caller, an array from pandas
IntArray = Sequence[int] | np.ndarray


@dataclass(frozen=True)
class SimulationMetrics:
    wss_95: float
    recall_at_10pct: float
    atd: float
    atd_records: float
    n_records: int  # all records in the data set, priors included
    n_included: int  # all includes in the data set, priors included
    n_priors: int
    n_refits: int
    seconds: float
    prioritiser: str

    def to_json(self) -> dict[str, float | int | str]:
        return asdict(self)


def wss_at(order_labels: IntArray, recall: float = 0.95) -> float:
    """WSS@recall from the labels in screening order (priors left out), as asreview-insights."""
    labels = np.asarray(order_labels, dtype=int)
    n_docs, n_pos = len(labels), int(labels.sum())
    if n_pos == 0:
        return 0.0
    found = np.cumsum(labels)
    random_found = np.round(np.linspace(0, n_pos, n_docs))
    targets = np.arange(1, n_pos + 1)
    when = np.searchsorted(found, targets)  # 0-based index where the k-th include appears
    when_random = np.searchsorted(random_found, targets)
    x = targets / n_pos
    # the last k whose recall k / n_pos does not pass the target (insights' _slice_metric)
    k = int(np.searchsorted(x, recall, side="right")) - 1
    return float((when_random[k] - when[k]) / n_docs)


def recall_at(order_labels: IntArray, fraction: float = 0.10) -> float:
    """Fraction of includes found after screening `fraction` of the records."""
    labels = np.asarray(order_labels, dtype=int)
    n_pos = int(labels.sum())
    if n_pos == 0:
        return 0.0
    screened = int(np.floor(fraction * len(labels) + 1e-9))
    return float(labels[:screened].sum() / n_pos)


def average_time_to_discovery(order_labels: IntArray) -> float:
    """Mean 1-based position at which each include was found (a record count)."""
    labels = np.asarray(order_labels, dtype=int)
    positions = np.flatnonzero(labels == 1) + 1
    return float(positions.mean()) if positions.size else 0.0


def choose_priors(labels: IntArray, n_included: int, n_excluded: int, seed: int) -> list[int]:
    """N random includes and N random excludes (row indices), reproducible from the seed."""
    y = np.asarray(labels, dtype=int)
    rng = np.random.default_rng(seed)
    inc, exc = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    if n_included > len(inc) or n_excluded > len(exc):
        raise ValueError(
            f"asked for {n_included} included / {n_excluded} excluded priors but the data has "
            f"{len(inc)} / {len(exc)}"
        )
    picked = [
        *rng.choice(inc, n_included, replace=False),
        *rng.choice(exc, n_excluded, replace=False),
    ]
    return [int(i) for i in picked]


def screening_order(
    texts: Sequence[str],
    labels: IntArray,
    priors: Sequence[int],
    *,
    criteria: str = "",
    embeddings: np.ndarray | None = None,
    settings: PrioritiserSettings | None = None,
) -> tuple[list[int], int]:
    """The order in which the prioritiser shows the records after the priors; and refit count.

    Between refits the last model's ranking is followed, skipping what has been screened.
    Stops once every include is found: the rest cannot change WSS, recall or ATD.
    """
    settings = settings or PrioritiserSettings()
    y = np.asarray(labels, dtype=int)
    features = build_features(texts, criteria=criteria, embeddings=embeddings, settings=settings)
    n = len(y)
    labelled = list(priors)
    seen = np.zeros(n, dtype=bool)
    seen[labelled] = True
    refit_at = retrain_points(n, settings)
    order: list[int] = []
    remaining_includes = int(y[~seen].sum())
    ranking: np.ndarray = np.array([], dtype=int)
    cursor = 0
    n_refits = 0
    while remaining_includes > 0 and len(labelled) < n:
        if len(labelled) in refit_at or cursor >= len(ranking):
            idx = np.asarray(labelled, dtype=int)
            s = scores(features, idx, y[idx], settings)
            candidates = np.flatnonzero(~seen)
            ranking = candidates[np.argsort(-s[candidates], kind="stable")]
            cursor = 0
            n_refits += 1
        while seen[ranking[cursor]]:
            cursor += 1
        pick = int(ranking[cursor])
        cursor += 1
        seen[pick] = True
        labelled.append(pick)
        order.append(pick)
        remaining_includes -= int(y[pick])
    # what is left, in file order: it holds no include, so no metric depends on its order
    order.extend(int(i) for i in np.flatnonzero(~seen))
    return order, n_refits


def simulate(
    texts: Sequence[str],
    labels: IntArray,
    *,
    prior_included: int = 1,
    prior_excluded: int = 1,
    seed: int = 1,
    criteria: str = "",
    embeddings: np.ndarray | None = None,
    settings: PrioritiserSettings | None = None,
) -> SimulationMetrics:
    """Replay screening from random priors and measure WSS@95, recall@10 % and ATD."""
    settings = settings or PrioritiserSettings(seed=seed)
    y = np.asarray(labels, dtype=int)
    priors = choose_priors(y, prior_included, prior_excluded, seed)
    started = time.perf_counter()
    order, n_refits = screening_order(
        texts, y, priors, criteria=criteria, embeddings=embeddings, settings=settings
    )
    seconds = time.perf_counter() - started
    return metrics_from_order(
        y[order].tolist(),
        n_records=len(y),
        n_included=int(y.sum()),
        n_priors=len(priors),
        n_refits=n_refits,
        seconds=seconds,
        prioritiser=settings.name,
    )


def metrics_from_order(
    order_labels: IntArray,
    *,
    n_records: int,
    n_included: int,
    n_priors: int,
    n_refits: int = 0,
    seconds: float = 0.0,
    prioritiser: str = "",
) -> SimulationMetrics:
    """All metrics from the labels in screening order (priors already left out)."""
    n_docs = max(len(order_labels), 1)
    atd_records = average_time_to_discovery(order_labels)
    return SimulationMetrics(
        wss_95=round(wss_at(order_labels, 0.95), 4),
        recall_at_10pct=round(recall_at(order_labels, 0.10), 4),
        atd=round(atd_records / n_docs, 4),
        atd_records=round(atd_records, 2),
        n_records=n_records,
        n_included=n_included,
        n_priors=n_priors,
        n_refits=n_refits,
        seconds=round(seconds, 3),
        prioritiser=prioritiser,
    )


__all__ = [
    "SimulationMetrics",
    "average_time_to_discovery",
    "choose_priors",
    "load_labelled_csv",
    "metrics_from_order",
    "rank",
    "recall_at",
    "screening_order",
    "simulate",
    "wss_at",
]


def load_labelled_csv(path: Path, label_column: str) -> tuple[list[str], np.ndarray]:
    """Texts (title + abstract) and 0/1 labels of a labelled screening CSV.

    Rows whose label is empty or not 0/1 cannot be replayed: they are named by line in the
    error, because a simulation silently run on fewer records would report the wrong numbers.
    """
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ScreeningError(f"cannot read {path}: {exc}", hint="pass a UTF-8 CSV file") from None
    columns = {c.lower(): c for c in frame.columns}
    if label_column not in frame.columns:
        raise ScreeningError(
            f"{path} has no column {label_column!r}",
            hint=f"columns are: {', '.join(frame.columns)}",
        )
    title = frame[columns["title"]] if "title" in columns else pd.Series([""] * len(frame))
    abstract = frame[columns["abstract"]] if "abstract" in columns else pd.Series([""] * len(frame))
    raw = frame[label_column].str.strip().str.replace(r"\.0$", "", regex=True)
    bad = [(i + 2, v) for i, v in enumerate(raw) if v not in ("0", "1")]
    if bad:
        shown = ", ".join(f"line {line}: {v!r}" for line, v in bad[:5])
        raise ScreeningError(
            f"{path}: {len(bad)} rows have a {label_column} that is not 0 or 1 ({shown})",
            hint="fill in or remove those rows",
        )
    if "title" not in columns and "abstract" not in columns:
        raise ScreeningError(f"{path} has neither a title nor an abstract column", hint="add them")
    texts = [record_text(t, a) for t, a in zip(title, abstract, strict=True)]
    return texts, raw.astype(int).to_numpy()
