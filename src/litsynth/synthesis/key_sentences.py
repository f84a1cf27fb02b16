"""The sentences that carry most of a framework cell: where to start its summary.

A cell of a busy source holds dozens of passages; its summary has to say what they say
together. Before writing it, a reviewer wants the few sentences most typical of the cell, each
from a different passage, quoted verbatim with the page it is on. That is centroid-based
extractive summarisation (Radev et al. 2004: the sentences nearest the mean of all the
cell's sentences in the embedding space) with maximal marginal relevance (Carbonell &
Goldstein 1998: each next sentence near the centroid and far from those already picked, so
three sentences do not say one thing three times).

Nothing here writes a summary: the sentences are offered as evidence to read first, with
their citations, never put into the cell. Sentences are cut as the search's focus cuts them
(`search_focus.candidates`: punctuation, the chunker's mending, no fragments under five
words). Neighbouring passages overlap, so each distinct sentence is embedded once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from litsynth.citations.parts import part_of
from litsynth.embed.models import Embedder
from litsynth.records import Page, Passage
from litsynth.search_focus import candidates
from litsynth.synthesis.matrix import PassageRef

KEY_SENTENCES = 3
# MMR's balance: nearness to the centroid against unlikeness to the sentences already picked
BALANCE = 0.8
MOST_SENTENCES = 400  # a cell larger than this is read from its first passages' sentences


@dataclass(frozen=True)
class KeySentence:
    """One sentence of a cell: its own pages and citation, and how typical of the cell it is."""

    passage: Passage  # the sentence as a passage of its own (`citations.parts.part_of`)
    chunk_id: str  # the coded passage it comes from
    centrality: float  # cosine with the mean of the cell's sentences

    def to_json(self) -> dict[str, object]:
        return {
            "text": " ".join(self.passage.text.split()),
            "citation": self.passage.citation,
            "quote": self.passage.quote,
            "chunk_id": self.chunk_id,
            "document_id": self.passage.document_id,
            "start": self.passage.start,
            "end": self.passage.end,
            "centrality": round(self.centrality, 4),
        }


def key_sentences(
    refs: Sequence[PassageRef],
    pages: Mapping[str, Sequence[Page]],
    embedder: Embedder,
    *,
    k: int = KEY_SENTENCES,
) -> list[KeySentence]:
    """Up to `k` sentences of the cell's passages (`refs`), each from a different passage,
    in order of choice. `pages`: each document's pages, for a sentence's own citation."""
    every = ((ref, start, end) for ref in refs for start, end in candidates(ref.passage.text))
    found = list(itertools.islice(every, MOST_SENTENCES))
    if not found:
        return []
    texts = [" ".join(ref.passage.text[s:e].split()) for ref, s, e in found]
    unique = list(dict.fromkeys(texts))
    vectors = np.asarray(embedder.embed(unique), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    at = {text: i for i, text in enumerate(unique)}
    rows = np.asarray([at[t] for t in texts])
    sentence_vectors = vectors[rows]
    centroid = sentence_vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    centrality = sentence_vectors @ centroid
    picked: list[int] = []
    used_passages: set[str] = set()
    used_texts: set[str] = set()
    while len(picked) < k:
        best, best_score = -1, -np.inf
        for i, (ref, _, _) in enumerate(found):
            if ref.chunk_id in used_passages or texts[i] in used_texts:
                continue
            likeness = max((float(sentence_vectors[i] @ sentence_vectors[j]) for j in picked),
                           default=0.0)  # fmt: skip
            score = BALANCE * float(centrality[i]) - (1 - BALANCE) * likeness
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        picked.append(best)
        used_passages.add(found[best][0].chunk_id)
        used_texts.add(texts[best])
    out = []
    for i in picked:
        ref, start, end = found[i]
        whole = ref.passage
        part = part_of(whole, tuple(pages.get(whole.document_id, ())), whole.start + start,
                       whole.start + end)  # fmt: skip
        out.append(KeySentence(part, ref.chunk_id, float(centrality[i])))
    return out
