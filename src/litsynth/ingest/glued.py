"""Glued words: PDFs whose font has no space glyphs come out as "forcomparingthefeature-based".

A glued run is embedded as one unknown word-piece soup and never matches a keyword, so such a
document is nearly invisible to search and suggestions. The repair splits runs with the word
frequencies of symspellpy's English dictionary (82,765 words, MIT, shipped inside its wheel:
nothing is fetched), and only where it is safe:

- only in a document that is glued throughout: at least `GLUED_DOCUMENT` runs of 18 or more
  lower-case letters. A normal paper has 0–2 ("ribonucleoproteins", "representativeness"),
  a paper without spaces has dozens. The dictionary is loaded only then;
- only a run the dictionary does not know, split into 2+ known words of which none of one or
  two letters is other than a common short word ("spiedigitallibrary" → "spied i git al
  library" and "convolutional" → "convolution al" are refused), at least 3.5 letters long on
  average, the longest at least 5 (a real word missing from the list, "nominalization",
  would otherwise become "no min a liz at ion").

A run ends at a non-letter and also at a change of case: glued text runs into acronyms and
names ("EDsystemstendtoidentify", "attentionwithGumbel"), where a regex \\b sees no boundary.

The parser records how many runs it split (`glued_words_split`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from litsynth.ingest.lexicon import word_counts

GLUED_DOCUMENT = 10  # runs of 18+ lower-case letters that mark a document as glued
_LONG_RUN = re.compile(r"[a-z]{18,}")
# A word starts at a non-letter, at a capital after a lower-case letter ("WeadoptAdamoptimizer"),
# or after an acronym of two capitals or more ("GATandfurther").
_CANDIDATE = re.compile(
    r"(?<![A-Za-z])[A-Z]?[a-z]{7,}(?![a-z])"
    r"|(?<=[a-z])[A-Z][a-z]{7,}(?![a-z])"
    r"|(?<=[A-Z]{2})[a-z]{7,}(?![a-z])"
)
# The only pieces of one or two letters a split may make: "convolutional" is not in the list,
# and "convolution al" is no repair.
_SHORT_WORDS = frozenset(
    {"a", "an", "as", "at", "be", "by", "do", "he", "if", "in", "is", "it"}
    | {"me", "my", "no", "of", "on", "or", "so", "to", "up", "us", "we"}
)


@cache
def _speller() -> Any:
    from symspellpy import SymSpell

    speller = SymSpell(max_dictionary_edit_distance=0, prefix_length=7)
    for word, n in word_counts().items():  # the list, American spellings added (lexicon.py)
        speller.create_dictionary_entry(word, n)
    return speller


def _split(run: str, speller: Any) -> str | None:
    """The run as known words, or None when it is a word already or no safe split exists."""
    lower = run.lower()
    if lower in speller.words:
        return None
    parts = speller.word_segmentation(lower, max_edit_distance=0).segmented_string.split()
    if len(parts) < 2 or any(p not in speller.words for p in parts):
        return None
    if any(len(p) <= 2 and p not in _SHORT_WORDS for p in parts):
        return None
    if sum(map(len, parts)) / len(parts) < 3.5 or max(map(len, parts)) < 5:
        return None  # "nominalization" → "no min a liz at ion": a word the list lacks, in bits
    text = " ".join(parts)
    return run[0] + text[1:]  # keep "Theproposed" → "The proposed"


def split_glued_words(pages: Sequence[str]) -> tuple[list[str], int]:
    """The pages with glued runs split, and how many runs were split (0: not a glued document)."""
    if sum(len(_LONG_RUN.findall(page)) for page in pages) < GLUED_DOCUMENT:
        return list(pages), 0
    speller = _speller()
    count = 0

    def repair(match: re.Match[str]) -> str:
        nonlocal count
        split = _split(match.group(0), speller)
        if split is None:
            return match.group(0)
        count += 1
        return split

    return [_CANDIDATE.sub(repair, page) for page in pages], count
