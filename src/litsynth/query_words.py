"""The words of a search query that say what is looked for.

Lexical search (`store.lexical`) matches them, and the workspace marks them in each hit
(`search_focus.query_marks`); both leave out the words every passage has ("the", "between",
"how"), which would match everything and mark half of every line. A list of our own, not a
library's: scikit-learn's takes 1.2 s to import, longer than the search.
"""

from __future__ import annotations

import re

STOP_WORDS = frozenset({
    "the", "and", "for", "with", "from", "that", "this", "these", "those", "into", "onto",
    "about", "between", "among", "what", "which", "who", "whom", "how", "why", "when",
    "where", "are", "was", "were", "been", "being", "has", "have", "had", "does", "did",
    "not", "but", "than", "then", "there", "their", "its", "our", "your", "any", "all",
    "some", "can", "could", "would", "should", "may", "might", "will", "shall", "also",
    "such", "via", "per", "each", "other", "more", "most", "less", "much", "many", "very",
    "a", "an", "of", "in", "on", "to", "or", "by", "as", "at", "is", "it", "be", "we", "do",
})  # fmt: skip
_WORD = re.compile(r"[^\W_][\w'’-]*")


def query_words(query: str, *, min_letters: int = 2) -> list[str]:
    """The query's words, lower-cased, in order, once each: `min_letters` or more, not a
    common word ("GROBID", "2023" and "sme" count; "of", "the" do not)."""
    words = (w.strip("'’-") for w in _WORD.findall(query.lower()))
    kept = (w for w in words if len(w) >= min_letters and w not in STOP_WORDS)
    return list(dict.fromkeys(kept))
