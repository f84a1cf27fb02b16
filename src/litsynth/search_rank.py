"""The order of search hits: the vectors' ranking and the words' ranking, fused.

A sentence embedding finds passages by meaning, and misses what it cannot place: a name, an
acronym or a system ("Phadnis", "GROBID", "S2ORC") lands near words it resembles. BM25 over
the passages' words (`store.lexical`) finds exactly those, and misses paraphrase. Reciprocal
rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) adds 1 / (60 + rank) from each ranking,
so a passage both rank high comes first, and one either ranks first still comes early. Its
constant is the paper's, 60, not tuned here.

On the sets with relevance labels (`bench/bench_search_hybrid.py`), fusion raised mean average
precision over the vectors alone for searches by a code's definition (CSAbstruct, NICTA-
PIBOSO), by a review's title (Kitchenham 2010) and by a name or a system in the corpus, and
lowered it for Nagtegaal 2019's title; see docs/ingest.md.

`score` is the fused value as a share of the best possible (first in every ranking that has
anything: 1.0), so it orders the hits; `cosine` is the vectors' similarity, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from litsynth.embed.index import ChunkIndex
from litsynth.store.lexical import lexical_ranking

RRF_K = 60


@dataclass(frozen=True)
class Ranked:
    """A passage's place in the fused ranking."""

    rowid: int
    score: float  # fused, 0 to 1
    cosine: float


def fuse(dense: Sequence[int], lexical: Sequence[int], cosines: dict[int, float]) -> list[Ranked]:
    """The vectors' ranking and the words' (rowids, best first) fused, best first, each with
    its cosine from `cosines`; ties go to the higher cosine, then the lower rowid."""
    rankings = [ranking for ranking in (dense, lexical) if ranking]
    fused: dict[int, float] = {}
    for ranking in rankings:
        for place, rowid in enumerate(ranking):
            fused[rowid] = fused.get(rowid, 0.0) + 1.0 / (RRF_K + place + 1)
    best = len(rankings) / (RRF_K + 1)
    order = sorted(fused, key=lambda r: (-fused[r], -cosines[r], r))
    return [Ranked(r, fused[r] / best, cosines[r]) for r in order]


def ranking(
    conn: sqlite3.Connection,
    index: ChunkIndex,
    vector: np.ndarray,
    query: str,
    depth: int,
    within: Sequence[int] | None,
) -> list[Ranked]:
    """The fused ranking of the `depth` best passages by vector and by words (only among
    `within`, when given). A passage the words find and the index does not hold (an ingest
    ran while a workspace kept its index) is left out."""
    dense = index.search(vector, depth, within=within)
    cosines = dict(dense)
    words = lexical_ranking(conn, query, depth, within=within)
    unseen = [rowid for rowid in words if rowid not in cosines]
    if unseen:  # their cosines, from the index itself: exact, and only for ids it holds
        cosines.update(index.search(vector, len(unseen), within=unseen))
    words = [rowid for rowid in words if rowid in cosines]
    return fuse([rowid for rowid, _ in dense], words, cosines)
