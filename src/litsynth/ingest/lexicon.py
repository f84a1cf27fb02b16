"""An English word list, for the two repairs that need to know a word when they see one.

Hyphenation (`normalize`) asks whether "citation" and "informed" are words while
"citationinformed" is not; the glued-word repair (`glued`) splits runs into known words. Both
use the frequency list that symspellpy ships inside its wheel (82,765 words, MIT): nothing is
fetched, and the list loads in a tenth of a second, once per process.
"""

from __future__ import annotations

import os
from functools import cache


def dictionary_path() -> str:
    """The word-frequency file inside the symspellpy package ("word count" per line)."""
    import symspellpy

    return os.path.join(os.path.dirname(symspellpy.__file__), "frequency_dictionary_en_82_765.txt")


@cache
def english_words() -> frozenset[str]:
    """Every lower-case word of the list."""
    with open(dictionary_path(), encoding="utf-8") as fh:
        return frozenset(line.split(maxsplit=1)[0] for line in fh if line.strip())
