"""Word frequency and keyness: the words a theme's (or a document's) passages use, and the
ones they use more than the rest of the corpus, each one back to its passages in context.

Reviewers who come from NVivo reach for its Word Frequency and Text Search queries to get a
first feel of what a code's passages talk about, and to check that a theme is not one
paper's vocabulary. This is that query over litsynth's own units: the coded spans of a code,
category or theme (what is coded, not the whole chunk), or the passages of a document or of
documents sharing an attribute, else the whole corpus's body and abstract passages.

- **Words**, not tokens: letters only, at least `min_length` of them, spaCy's English stop
  words left out, and inflected forms counted under one lemma ("platforms" with "platform";
  NVivo's "with stemmed words"), shown as the form used most. The lemmas are the ones
  `code suggest` keeps in indexes/nlp.sqlite, so a corpus suggest has read is not parsed again.
- **Weighted percentage**: the word's count over all words counted in the selection.
- **Keyness** against the rest of the corpus: Dunning's log-likelihood G² (Rayson & Garside
  2000), signed, + where the selection uses the word more; G² ≥ 6.63 is p < 0.01 with one
  degree of freedom. Beside it the log ratio (Hardie 2014: log2 of the ratio of the relative
  frequencies, each count +0.5 so a word absent from one side stays finite), the effect size:
  +1 is twice as frequent here.
- **Phrases**, on request: two counted words with only a space or a hyphen between them
  ("supply chain", "supply-chain"), each pair under its two lemmas: a theme's vocabulary is
  often a phrase ("business model"), and "chain" alone says little.
- **In context** (keyword in context): every place the word or phrase (any of its forms) is
  used in the selection, with its citation ("Phadnis (2023), p. 4"), so each count leads back
  to its words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from litsynth.records import Passage

SIGNIFICANT = 6.63  # G² at p < 0.01, one degree of freedom
REST = "the rest of the corpus"  # what a selection is weighed against unless told otherwise
SORTS = ("frequency", "keyness")

Token = tuple[str, str, int, int]  # (form as written, lemma, start, end) in the unit's text


@dataclass(frozen=True)
class Word:
    """One lemma of the selection, with its counts here and in the rest of the corpus."""

    word: str  # the form the selection uses most
    lemma: str
    forms: tuple[str, ...]  # every form counted, most used first
    count: int
    share: float  # of the selection's counted words
    units: int  # passages (or coded spans) using it
    documents: int  # documents using it: a word of one paper's vocabulary shows here
    rest: int  # count in the rest of the corpus
    g2: float  # signed: + used more here than in the rest
    log_ratio: float

    @property
    def significant(self) -> bool:
        return abs(self.g2) >= SIGNIFICANT

    def to_json(self) -> dict[str, object]:
        return {
            "word": self.word, "lemma": self.lemma, "forms": list(self.forms),
            "count": self.count, "share": round(self.share, 6), "units": self.units,
            "documents": self.documents, "rest": self.rest, "g2": round(self.g2, 3),
            "log_ratio": round(self.log_ratio, 3), "significant": self.significant,
        }  # fmt: skip


@dataclass(frozen=True)
class WordTable:
    """The words of a selection against the rest, and how big each side is."""

    selection: str  # "14 coded spans of Data sharing (human codings)"
    units: int
    tokens: int  # words counted in the selection
    rest_units: int
    rest_tokens: int
    words: tuple[Word, ...]
    kind: str = "words"  # or "phrases" (two words each)
    reference: str = REST  # what the words are weighed against

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind, "selection": self.selection, "reference": self.reference,
            "units": self.units,
            "tokens": self.tokens,
            "rest_units": self.rest_units, "rest_tokens": self.rest_tokens,
            "words": [w.to_json() for w in self.words],
        }  # fmt: skip


@dataclass(frozen=True)
class InContext:
    """One use of a word: the words around it, and the passage (or coded span) it is in."""

    left: str
    word: str
    right: str
    passage: Passage
    start: int  # offsets of the word in the document's canonical text
    end: int

    def to_json(self) -> dict[str, object]:
        p = self.passage
        return {
            "left": self.left, "word": self.word, "right": self.right, "citation": p.citation,
            "chunk_id": p.chunk_id, "document_id": p.document_id, "start": self.start,
            "end": self.end,
        }  # fmt: skip


def counted(
    tokens: Iterable[Token], stop_words: frozenset[str], min_length: int
) -> Iterable[Token]:
    """The tokens that count as words: letters only, long enough, not a stop word."""
    for form, lemma, start, end in tokens:
        low = form.lower()
        if len(low) < min_length or not low.isalpha() or low in stop_words:
            continue
        if lemma.lower() in stop_words:  # "data" is fine, "does" (lemma "do") is not
            continue
        yield form, lemma.lower(), start, end


def phrases(text: str, tokens: Sequence[Token]) -> list[Token]:
    """The two-word phrases of a unit: each pair of counted words with only a space or a
    hyphen between them in its text ("supply chain", "supply-chain"), under the pair of their
    lemmas. A stop word between two words ("chain of supply") keeps them apart."""
    out = []
    for (_f1, l1, s1, e1), (_f2, l2, s2, e2) in pairwise(tokens):
        if _JOINED.fullmatch(text[e1:s2]):
            out.append((_squeeze(text[s1:e2]), f"{l1} {l2}", s1, e2))
    return out


_JOINED = re.compile(r" ?-? ?|\s")  # "supply chain", "supply-chain", "supply - chain", a line break


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Signed G² of a word used `a` times in `c` words here and `b` times in `d` words there."""
    if c <= 0 or d <= 0 or a + b == 0:
        return 0.0
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    g2 = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
    return g2 if a / c >= b / d else -g2


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """log2 of the relative frequency here over there, each count +0.5 (Hardie 2014)."""
    if c <= 0 or d <= 0:
        return 0.0
    return math.log2(((a + 0.5) / c) / ((b + 0.5) / d))


def word_table(
    selection: Sequence[Sequence[Token]],
    rest: Mapping[str, int],
    *,
    documents: Sequence[str],
    describe: str,
    rest_units: int,
    top: int = 30,
    sort: str = "frequency",
    kind: str = "words",
    reference: str = REST,
) -> WordTable:
    """The `top` words of the selection's units (each a list of counted tokens; `documents`
    names each unit's document), against `rest` (lemma → count in the rest of the corpus),
    by frequency or by keyness (G², the words used more here first)."""
    counts: Counter[str] = Counter()
    units: Counter[str] = Counter()
    in_documents: dict[str, set[str]] = {}
    forms: dict[str, Counter[str]] = {}
    for unit, document in zip(selection, documents, strict=True):
        for form, lemma, _s, _e in unit:
            counts[lemma] += 1
            forms.setdefault(lemma, Counter())[form.lower()] += 1
            in_documents.setdefault(lemma, set()).add(document)
        units.update({lemma for _f, lemma, _s, _e in unit})
    total = sum(counts.values())
    rest_total = sum(rest.values())
    words = []
    for lemma, n in counts.items():
        used = forms[lemma].most_common()
        other = rest.get(lemma, 0)
        words.append(
            Word(
                word=used[0][0], lemma=lemma, forms=tuple(f for f, _n in used), count=n,
                share=n / total, units=units[lemma], documents=len(in_documents[lemma]),
                rest=other,
                g2=log_likelihood(n, other, total, rest_total),
                log_ratio=log_ratio(n, other, total, rest_total),
            )
        )  # fmt: skip
    if sort == "keyness":
        words.sort(key=lambda w: (-w.g2, -w.count, w.word))
    else:
        words.sort(key=lambda w: (-w.count, -w.g2, w.word))
    return WordTable(
        selection=describe, units=len(selection), tokens=total, rest_units=rest_units,
        rest_tokens=rest_total, words=tuple(words[:top] if top else words), kind=kind,
        reference=reference,
    )  # fmt: skip


def in_context(
    passages: Sequence[Passage],
    tokens: Sequence[Sequence[Token]],
    word: str,
    *,
    width: int = 50,
) -> list[InContext]:
    """Every use of `word` (as written, or any form of its lemma) in the passages, in reading
    order, with `width` characters either side."""
    wanted = " ".join(word.split()).lower()
    lemmas = {lemma for unit in tokens for form, lemma, _s, _e in unit if form.lower() == wanted}
    lemmas.add(wanted)
    out = []
    for passage, unit in zip(passages, tokens, strict=True):
        text = passage.text
        for form, lemma, start, end in unit:
            if lemma not in lemmas and form.lower() != wanted:
                continue
            left = _squeeze(text[max(0, start - width) : start])
            right = _squeeze(text[end : end + width])
            out.append(
                InContext(
                    left=("…" if start > width else "") + left, word=text[start:end],
                    right=right + ("…" if end + width < len(text) else ""), passage=passage,
                    start=passage.start + start, end=passage.start + end,
                )
            )  # fmt: skip
    return out


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)
