"""What in a search hit answers the query: its closest sentence, and the query's words.

A passage is about 200 word-pieces, five to ten sentences, and the index scores it as a
whole: the sentence that made it a hit may be its last, where a one-line snippet never
reaches. So each hit's sentences are embedded with the query's model and the closest becomes
the hit's `focus`: the snippet starts there, the workspace marks it, and it can be quoted on
its own, cited by the page it is on rather than the passage's page span.

Sentences are cut by punctuation, not spaCy: loading spaCy would triple a search from the
command line (2.4 s against 1.1 s), and the chunker's own mending (no sentence starts after
"et al." or inside a citation's brackets) is reused. Fragments under `MIN_WORDS` words (a
heading, "Table 2") are never a focus: they are not what a writer quotes.

The query's own words are marked too (`query_marks`), as every search engine bolds them:
the model finds the sentence nearest in meaning, and a reader sees at once whether the
words they typed are there. A word matches its inflections ("limitations" marks
"limitation" and "limited", "partner" marks "partnership") by a stem with its common
ending cut, since a stemmer's import would cost more than the search.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from litsynth.citations.parts import part_of
from litsynth.embed import Embedder
from litsynth.ingest.chunk import mend_starts
from litsynth.markup import plain_with_offsets, shows_markup
from litsynth.query_words import query_words
from litsynth.records import Page, Passage
from litsynth.store import documents as store

MIN_WORDS = 5
_ENDINGS = ("ations", "ation", "ings", "ing", "ers", "ies", "ied", "es", "ed", "er", "s", "y")
# What may follow a stem in a marked word: an ending, not any letters ("chain" marks
# "chains", not "ChainLink")
_INFLECTED = (
    r"(?:e?s|e?d|ing|ings|e?rs?|iers?|ers?hips?|ations?|ies|ied|y|ly|ally|al|ity|ities|ive|ively"
    r"|ments?|ness|ate|ates|ated|ating|ion|ions|ise|ised|ize|ized)?"
)
# A full stop, question or exclamation mark (and any closing quote or bracket) before a space
# and what may open a sentence; or a blank line, which always ends one.
_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Focus:
    """The hit's sentence closest to the query: a `Passage` of its own (its pages) and where
    it lies in the hit's text, as stored and as shown (markup hidden)."""

    passage: Passage
    score: float
    start: int  # into the hit passage's `text`
    end: int
    shown_start: int  # into the hit passage's shown text (`markup.shown`)
    shown_end: int

    def to_json(self) -> dict[str, object]:
        """`focus` in `litsynth search --json`."""
        return {
            "start": self.start,
            "end": self.end,
            "shown_start": self.shown_start,
            "shown_end": self.shown_end,
            "score": round(self.score, 4),
            "citation": self.passage.citation,
            "quote": self.passage.quote,
        }


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of `text`, whitespace trimmed, none empty."""
    starts = mend_starts(text, [0, *(m.end() for m in _END.finditer(text))])
    spans = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trimmed = (start + lead, start + len(piece.rstrip()))
        if trimmed[1] > trimmed[0]:
            spans.append(trimmed)
    return spans


def candidates(text: str) -> list[tuple[int, int]]:
    """The sentences that may be a focus: `MIN_WORDS` words or more. None when the passage
    is one such sentence or less (then the passage is its own focus)."""
    spans = [(s, e) for s, e in sentence_spans(text) if len(text[s:e].split()) >= MIN_WORDS]
    return spans if len(spans) > 1 else []


def focus_hits(
    conn: sqlite3.Connection,
    embedder: Embedder,
    query_vector: np.ndarray,
    hits: Sequence[Passage],
) -> list[Focus | None]:
    """Each passage's focus (None for a passage of one sentence), in one call of the model
    for all their sentences, each embedded once."""
    spans = [candidates(p.text) for p in hits]
    texts = [p.text[s:e] for p, found in zip(hits, spans, strict=True) for s, e in found]
    if not texts:
        return [None] * len(hits)
    # neighbouring passages overlap (the chunker's 40 word-pieces), so hits share sentences
    unique = list(dict.fromkeys(texts))
    unique_scores = np.asarray(embedder.embed(unique)) @ np.asarray(query_vector)
    by_text = dict(zip(unique, unique_scores.tolist(), strict=True))
    scores = np.asarray([by_text[t] for t in texts])
    pages: dict[str, tuple[Page, ...]] = {}
    out: list[Focus | None] = []
    at = 0
    for passage, found in zip(hits, spans, strict=True):
        if not found:
            out.append(None)
            continue
        mine = scores[at : at + len(found)]
        at += len(found)
        best = int(np.argmax(mine))
        start, end = found[best]
        if passage.document_id not in pages:
            pages[passage.document_id] = store.document_pages(conn, passage.document_id)
        part = part_of(passage, pages[passage.document_id], passage.start + start,
                       passage.start + end)  # fmt: skip
        shown_start, shown_end = _shown_span(passage, start, end)
        out.append(Focus(part, float(mine[best]), start, end, shown_start, shown_end))
    return out


def _shown_span(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """start..end of the passage's text as offsets into its shown text (markup hidden)."""
    if not shows_markup(passage.kind):
        return start, end
    _, kept = plain_with_offsets(passage.text)
    return bisect.bisect_left(kept, start), bisect.bisect_left(kept, end)


def query_marks(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each word of `text` that is a word of `query` (three letters or
    more, not a common word), or an inflection of one; sorted, not overlapping."""
    pattern = _query_pattern(query)
    if pattern is None:
        return ()
    return tuple((m.start(), m.end()) for m in pattern.finditer(text))


@lru_cache(maxsize=64)
def _query_pattern(query: str) -> re.Pattern[str] | None:
    """The query's words and their inflections as one pattern, made once for all its hits."""
    stems = {_stem(w) for w in query_words(query, min_letters=3) if not w.isdigit()}
    if not stems:
        return None
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives}){_INFLECTED}(?![\w'’-])", re.IGNORECASE)


def _stem(word: str) -> str:
    """The word without its first common ending that leaves four letters or more."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word
