"""What the classifier sees of a passage and of a code: prototypes, keyword hits, context.

A code is represented by its *prototypes*: the sentences of its definition and when-to-use
text, its example quotes, its label with aliases, and its keyword list. A passage is compared
with every prototype (one matrix multiply), and its keyword and alias matches are found with a
spaCy PhraseMatcher on lower-case forms and, when a lemmatiser is available, on lemmas
("reconfigured" matches the keyword "reconfigure").

Context: where a passage sits in its document and what its neighbours say. A passage's
*function* (background, aim, result) depends on position far more than on topic — in CS
abstracts background comes first and results last — so `Context` carries the relative
position and the indices of the previous and next passage of the same document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from litsynth.coding.codebook.model import Codebook
from litsynth.coding.parsed import ParsedCache, spacy_kind
from litsynth.nlp import SPACY_MODEL, import_spacy
from litsynth.progress import progress

# Prototype kinds that read like passages: only these calibrate the zero-shot scores, since a
# label ("Platform-based coordination") or a keyword list is not a sample of coded text.
PASSAGE_KINDS = ("definition", "when_to_use", "example")

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“(])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a definition: codebook prose is short and well punctuated, so a regex
    split is enough (and deterministic, unlike a statistical sentencizer)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


@dataclass(frozen=True)
class Prototype:
    """One text that stands for a code: the unit of 'nearest definition/example' evidence."""

    code_id: str
    text: str
    kind: str  # "definition" | "when_to_use" | "example" | "label" | "keywords" | "when_not_to_use"


def prototypes(book: Codebook) -> list[Prototype]:
    """Every code's prototypes, in codebook order (when_not_to_use kept apart: negatives)."""
    out: list[Prototype] = []
    for code in book.codes.values():
        out += [Prototype(code.id, s, "definition") for s in split_sentences(code.definition)]
        out += [Prototype(code.id, s, "when_to_use") for s in split_sentences(code.when_to_use)]
        out += [Prototype(code.id, e, "example") for e in code.examples]
        out.append(Prototype(code.id, "; ".join((code.label, *code.aliases)), "label"))
        if code.keywords:
            out.append(Prototype(code.id, ", ".join(code.keywords), "keywords"))
    return out


def negative_prototypes(book: Codebook) -> list[Prototype]:
    """when_not_to_use sentences: texts the codebook says are NOT this code (hard negatives)."""
    return [
        Prototype(code.id, s, "when_not_to_use")
        for code in book.codes.values()
        for s in split_sentences(code.when_not_to_use)
    ]


# --------------------------------------------------------------------------------------------
# Context


@dataclass(frozen=True)
class Unit:
    """A passage to classify, with the document it belongs to and its order there."""

    text: str
    doc: str = ""  # passages of the same doc are neighbours; "" = a document of its own
    position: int = 0  # order within the doc (chunk ordinal, sentence index)


@dataclass(frozen=True)
class Context:
    """Position and neighbours of each unit, as arrays aligned with the units."""

    relative: np.ndarray  # (n,) 0 = first passage of its document, 1 = last; 0.5 if alone
    first: np.ndarray  # (n,) bool
    last: np.ndarray  # (n,) bool
    prev: np.ndarray  # (n,) index of the previous unit of the same doc, or -1
    next: np.ndarray  # (n,) index of the next unit, or -1

    def documents(self) -> np.ndarray:
        """(n,) the index of each unit's document's first unit: units of one document share it."""
        out = np.full(len(self.prev), -1, dtype=np.int64)
        for start in np.flatnonzero(self.prev < 0):
            i = int(start)
            while i >= 0:
                out[i] = start
                i = int(self.next[i])
        return out

    def matrix(self) -> np.ndarray:
        """Dense context features: relative position, its square, first, last, alone."""
        alone = (self.prev < 0) & (self.next < 0)
        return np.column_stack(
            [self.relative, self.relative**2, self.first, self.last, alone]
        ).astype(np.float32)


def context_of(units: Sequence[Unit]) -> Context:
    """Group units by doc, order by position: relative position and neighbour indices."""
    n = len(units)
    relative = np.full(n, 0.5, dtype=np.float32)
    first = np.zeros(n, dtype=bool)
    last = np.zeros(n, dtype=bool)
    prev = np.full(n, -1, dtype=np.int64)
    nxt = np.full(n, -1, dtype=np.int64)
    groups: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        groups.setdefault(unit.doc or f"\x00{i}", []).append(i)
    for members in groups.values():
        members.sort(key=lambda i: units[i].position)
        m = len(members)
        for rank, i in enumerate(members):
            if m > 1:
                # 5 sentences → 0, .25, .5, .75, 1: comparable across documents of any length.
                relative[i] = rank / (m - 1)
                first[i] = rank == 0
                last[i] = rank == m - 1
            prev[i] = members[rank - 1] if rank > 0 else -1
            nxt[i] = members[rank + 1] if rank + 1 < m else -1
    return Context(relative, first, last, prev, nxt)


def neighbour_mean(values: np.ndarray, ctx: Context) -> np.ndarray:
    """Mean of the previous and next unit's rows (zeros where a unit has no neighbour)."""
    out = np.zeros_like(values)
    count = np.zeros((len(values), 1), dtype=values.dtype)
    for idx in (ctx.prev, ctx.next):
        has = idx >= 0
        out[has] += values[idx[has]]
        count[has] += 1
    return out / np.maximum(count, 1)


# --------------------------------------------------------------------------------------------
# Keywords


@lru_cache(maxsize=2)
def _nlp(lemmatize: bool) -> Any:
    spacy = import_spacy()
    if not lemmatize:
        return spacy.blank("en")
    # The lemmatiser needs the tagger and attribute ruler; parser and NER are not needed.
    return spacy.load(SPACY_MODEL, exclude=["parser", "ner", "senter"])


def lemma_pipeline() -> Any:
    """spaCy's pipeline for lemmas (tagger, attribute ruler, lemmatiser), loaded once."""
    return _nlp(True)


def lemma_docs(nlp: Any, texts: Sequence[str], cache: ParsedCache, *, desc: str) -> Iterable[Any]:
    """Each text tokenised with its lemmas set, read from `cache` where kept there (the
    next run over the same passages runs only the tokenizer), else parsed and kept."""
    from spacy.attrs import LEMMA

    lemmas = cache.values(
        spacy_kind("lemmas", nlp),
        texts,
        lambda part: [[t.lemma_ for t in d] for d in nlp.pipe(part, batch_size=64)],
        desc=desc,
    )
    strings = nlp.vocab.strings
    for text, kept in zip(texts, lemmas, strict=True):
        doc = nlp.make_doc(text)
        if len(doc) != len(kept):  # kept by another tokenizer: parse it again
            yield nlp(text)
            continue
        ids = np.array([[strings.add(lemma)] for lemma in kept], dtype=np.uint64)
        yield doc.from_array([LEMMA], ids) if len(ids) else doc


class KeywordMatcher:
    """Finds each code's keywords, aliases and label in passages (spaCy PhraseMatcher).

    Two matchers: on LOWER (exact words, any case) and, with `lemmatize`, on LEMMA (inflected
    forms). A code's evidence is the set of distinct terms matched, so a keyword repeated ten
    times counts once — a passage that says "platform" often is not ten times more about it.
    """

    def __init__(self, book: Codebook, *, lemmatize: bool = True) -> None:
        self.lemmatize = lemmatize
        self.nlp = _nlp(lemmatize)  # first: spaCy imported without torch (litsynth.nlp)
        from spacy.matcher import PhraseMatcher

        self.code_ids = list(book.codes)
        self.terms: dict[str, list[str]] = {}
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA") if lemmatize else None
        for code in book.codes.values():
            # Case-insensitive dedupe: label "Platform" and keyword "platform" are one term.
            unique: dict[str, str] = {}
            for term in (*code.keywords, *code.aliases, code.label):
                unique.setdefault(term.lower(), term)
            terms = list(unique.values())
            self.terms[code.id] = terms
            for j, term in enumerate(terms):
                key = f"{code.id}\x1f{j}"
                self.lower.add(key, [self.nlp.make_doc(term)])
            if self.lemma is not None:
                docs = list(self.nlp.pipe([t.lower() for t in terms]))
                for j, doc in enumerate(docs):
                    self.lemma.add(f"{code.id}\x1f{j}", [doc])

    def match(
        self, texts: Sequence[str], batch_size: int = 256, *, cache: ParsedCache | None = None
    ) -> list[dict[str, tuple[str, ...]]]:
        """For each text, {code id: matched terms} (codes without a match left out).

        With `cache`, each text's lemmas are read from it when kept there, else parsed and
        kept, so the next run over the same passages runs only the tokenizer."""
        out: list[dict[str, tuple[str, ...]]] = []
        docs: Iterable[Any]
        if not self.lemmatize:
            docs = (self.nlp.make_doc(t) for t in texts)  # plain matching is fast: no bar
        elif cache is None:
            docs = progress(
                self.nlp.pipe(texts, batch_size=batch_size),
                total=len(texts),
                desc="matching keywords",
            )
        else:
            docs = lemma_docs(self.nlp, texts, cache, desc="matching keywords")
        strings = self.nlp.vocab.strings
        for doc in docs:
            found: dict[str, dict[str, None]] = {}
            matchers = [self.lower] + ([self.lemma] if self.lemma is not None else [])
            for matcher in matchers:
                for match_id, _, _ in matcher(doc):
                    code_id, _, j = strings[match_id].partition("\x1f")
                    found.setdefault(code_id, {})[self.terms[code_id][int(j)]] = None
            out.append({c: tuple(terms) for c, terms in found.items()})
        return out

    def counts(self, matches: Sequence[dict[str, tuple[str, ...]]]) -> np.ndarray:
        """(n, K) number of distinct terms of each code matched in each text."""
        index = {c: k for k, c in enumerate(self.code_ids)}
        out = np.zeros((len(matches), len(self.code_ids)), dtype=np.float32)
        for i, found in enumerate(matches):
            for code_id, terms in found.items():
                out[i, index[code_id]] = len(terms)
        return out
