"""Glued words: PDFs whose font has no space glyphs come out as "forcomparingthefeature-based".

A glued run is embedded as one unknown word-piece soup and never matches a keyword, so such a
document is nearly invisible to search and suggestions. The repair splits runs with the word
frequencies of symspellpy's English dictionary (82,765 words, MIT, shipped inside its wheel:
nothing is fetched), and only where it is safe:

- only in a document that is glued throughout: at least `GLUED_DOCUMENT` runs of 18 or more
  lower-case letters. A normal paper has 0–2 ("ribonucleoproteins", "representativeness"),
  a paper without spaces has dozens. The dictionary is loaded only then. A German paper has
  dozens too ("zusammenhangskomponenten"), so at least half of them must split into English
  words (7 of 102 in a German textbook, 119 of 121 in the English paper without spaces): the
  textbook had come out as "Standard to polo gie" and "ste tiger";
- only a run the dictionary does not know, split into 2+ known words of which none of one or
  two letters is other than a common short word ("spiedigitallibrary" → "spied i git al
  library" and "convolutional" → "convolution al" are refused), at least 3.5 letters long on
  average, the longest at least 5 (a real word missing from the list, "nominalization",
  would otherwise become "no min a liz at ion").

A run ends at a non-letter and also at a change of case: glued text runs into acronyms and
names ("EDsystemstendtoidentify", "attentionwithGumbel"), where a regex \\b sees no boundary.

A paper with spaces can still lose them at a few spots ("Luan et al. (2018)becauseweare
performingrelation classification", "Keepingwithpastwork,"). There a run is split only into
common words (`_lone_split`): function words and words among the list's ~3,000 most frequent,
at least two of the latter and one of the former, so "catheterisation" ("catheter is at ion"),
"histopathologic" ("his to pathologic") and "aformentioned" ("a for mentioned") stay whole. Of
15,910 distinct lower-case tokens of 8+ letters in the shared coding sets, PDFs and seeds, it
split 5, all glued text. A run inside a web address ("github.com/martiansideofthemoon",
"paperswithcode.com") is left alone: a handle is no sentence.

The parser records how many runs it split (`glued_words_split`).

The opposite fault comes from small capitals: a name set as "SciBERT" in small caps is a
capital and a smaller-font run, and the text layer puts a space between them ("S CIBERT",
"B ERT"), so search finds 10 of SciBERT's 13 mentions in its own paper. `join_small_caps`
joins a lone capital to the capitals after it when the document spells the joined word
elsewhere: "A INTERVIEWS" (an appendix heading) and "2D LSTM" stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from litsynth.ingest.lexicon import english_words, word_counts

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
# What glued prose between spaced text is made of: function words and very common words.
_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "to", "in", "is", "we", "for", "with", "as", "that", "are"}
    | {"be", "by", "on", "this", "which", "was", "were", "it", "or", "from", "at", "can", "our"}
    | {"so", "not", "such", "its", "their", "has", "have", "but", "into", "than", "these"}
    | {"there", "they", "do", "also", "been", "both", "all", "more", "may", "one", "only"}
    | {"will", "when", "where", "how", "what"}
)
COMMON = 10_000_000  # a word this frequent in the list (about its 3,000 most common) is common
_LONE_RUN = re.compile(r"(?<![A-Za-z])[A-Z]?[a-z]{9,}(?![a-z])")
_SMALL_CAPS = re.compile(r"(?<![\w.])([A-Z]) ([A-Z]{2,})(?![\w])")
_ADDRESS = re.compile(r"[/@]|www\.|\.[a-z]{2,}\b")  # a web address or e-mail around a run


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


@cache
def _common_words() -> frozenset[str]:
    return frozenset(w for w, n in word_counts().items() if n >= COMMON and len(w) >= 4)


def _lone_split(run: str) -> str | None:
    """A glued run in a spaced document as common words, or None (fewest pieces wins)."""
    lower = run.lower()
    if lower in english_words():
        return None
    common = _common_words()
    best: list[list[str] | None] = [[]] + [None] * len(lower)
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 20), end):
            piece, before = lower[start:end], best[start]
            if before is None or not (piece in _FUNCTION_WORDS or piece in common):
                continue
            if best[end] is None or len(before) + 1 < len(best[end] or ()):
                best[end] = [*before, piece]
    parts = best[-1]
    if parts is None or len(parts) < 3:
        return None
    plain = sum(p not in _FUNCTION_WORDS for p in parts)
    if plain < 2 or plain == len(parts):
        return None
    text = " ".join(parts)
    return run[0] + text[1:]


def _in_address(match: re.Match[str]) -> bool:
    """Whether the run is part of a web address or e-mail (the text between spaces around it)."""
    page = match.string
    before = re.search(r"\S*$", page[: match.start()])
    after = re.match(r"\S*", page[match.end() :])
    token = (before.group(0) if before else "") + match.group(0) + (after.group(0) if after else "")
    return bool(_ADDRESS.search(token))


def _replace(
    pattern: re.Pattern[str], pages: Sequence[str], repair: Callable[[re.Match[str]], str | None]
) -> tuple[list[str], int]:
    """Each match of `pattern` in the pages replaced by what `repair` makes of it (None: left as
    it is), and how many were replaced: the one shape of every repair here."""
    count = 0

    def sub(match: re.Match[str]) -> str:
        nonlocal count
        repaired = repair(match)
        if repaired is None:
            return match.group(0)
        count += 1
        return repaired

    return [pattern.sub(sub, page) for page in pages], count


def split_glued_words(pages: Sequence[str]) -> tuple[list[str], int]:
    """The pages with glued runs split, and how many runs were split (0: none were)."""
    runs = [run for page in pages for run in _LONG_RUN.findall(page)]
    if len(runs) < GLUED_DOCUMENT:
        return _split_lone_runs(pages)
    speller = _speller()
    long = [w for page in pages for w in _CANDIDATE.findall(page) if len(w) >= 18]
    if sum(_split(word, speller) is not None for word in long) * 2 < len(long):
        return list(pages), 0  # long words of another language, not English without spaces
    return _replace(_CANDIDATE, pages, lambda match: _split(match.group(0), speller))


def _split_lone_runs(pages: Sequence[str]) -> tuple[list[str], int]:
    """A spaced document's few glued spots split into common words (see the module's doc)."""

    def repair(match: re.Match[str]) -> str | None:
        split = _lone_split(match.group(0))
        if split is None or _in_address(match):
            return None
        # "(2018)becausewe…" lost the space before the run too: "(2018) because we…"
        before = match.string[match.start() - 1] if match.start() else ""
        return (" " if before and before in ")];:," else "") + split

    return _replace(_LONE_RUN, pages, repair)


def join_small_caps(pages: Sequence[str]) -> tuple[list[str], int]:
    """The pages with "S CIBERT" joined where the document writes "SCIBERT", and how many."""
    words = {w for page in pages for w in re.findall(r"(?<!\w)[A-Z]{3,}(?!\w)", page)}

    def join(match: re.Match[str]) -> str | None:
        joined = match.group(1) + match.group(2)
        return joined if joined in words else None

    return _replace(_SMALL_CAPS, pages, join)
