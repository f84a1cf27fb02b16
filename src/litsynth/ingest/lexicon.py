"""An English word list, for the two repairs that need to know a word when they see one.

Hyphenation (`normalize`) asks whether "citation" and "informed" are words while
"citationinformed" is not; the glued-word repair (`glued`) splits runs into known words. Both
use the frequency list that symspellpy ships inside its wheel (82,765 words, MIT): nothing is
fetched, and the list loads in a tenth of a second, once per process.

The list spells the British way where the two differ in the most common endings: it has
"modelling" and "neighbours", not "modeling" and "neighbors", so a glued American paper came
out as "sequence mode ling methods" and "neigh bors". `american_spellings` adds those
variants, each with its British form's count.
"""

from __future__ import annotations

import os
import re
from functools import cache

# "neighbour(s|hood)" -> "neighbor…", "behaviour" -> "behavior"; not "four", "hour", "tour"
_OUR = re.compile(r"^([a-z]{3,})our(s|ed|ing|ite|ites|able|ably|hood|hoods|er|ers|ful)?$")
_NOT_OUR = re.compile(
    r".*(?:four|hour|your|tour|pour|sour|flour|contour|devour|detour|amour|dour|velour"
    r"|seymour|barbour|parkour|cavour|tambour)"
)
# "modelling", "labelled" -> one l. Only these stems: the US doubles the l where the stress
# falls on it ("compelling", "excelled"), which no rule over letters can tell.
_LL = re.compile(
    r"^(model|label|level|signal|travel|total|channel|tunnel|fuel|cancel|equal|pixel|kernel"
    r"|panel|funnel|dial|trial|marshal|jewel|counsel|shovel|bevel|rival)"
    r"l(ing|ed|er|ers)$"
)


def dictionary_path() -> str:
    """The word-frequency file inside the symspellpy package ("word count" per line)."""
    import symspellpy

    return os.path.join(os.path.dirname(symspellpy.__file__), "frequency_dictionary_en_82_765.txt")


def american_spellings(counts: dict[str, int]) -> dict[str, int]:
    """The American spellings of the list's British words that it lacks, with their counts."""
    found: dict[str, int] = {}
    for word, n in counts.items():
        if (m := _OUR.match(word)) and not _NOT_OUR.match(word):
            variant = f"{m.group(1)}or{m.group(2) or ''}"
        elif m := _LL.match(word):
            variant = f"{m.group(1)}{m.group(2)}"
        else:
            continue
        if variant not in counts:
            found[variant] = max(found.get(variant, 0), n)
    return found


@cache
def word_counts() -> dict[str, int]:
    """Every lower-case word of the list with its count, American spellings added."""
    with open(dictionary_path(), encoding="utf-8") as fh:
        counts = {w: int(n) for w, n in (line.split(maxsplit=1) for line in fh if line.strip())}
    return {**counts, **american_spellings(counts)}


@cache
def english_words() -> frozenset[str]:
    """Every lower-case word of the list, American spellings added."""
    return frozenset(word_counts())
