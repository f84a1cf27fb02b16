"""Author names in citations and reference lists: family names, match keys, short labels.

Shared by the citation extractor (`intext`) and the reference-list parser (`references`), which
must agree on what "the same first author" means: "Castañer" in the text and "Castañer, X." in
the list, "Dell" and "Dell Inc.", "van der Aalst" and "Aalst".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex

# "R.", "S. S.", "J. A. C.", "J.-F.", "Y" — but not "IBM", which is a name.
INITIALS = regex.compile(r"^(?:\p{Lu}\.[\s\-]*)*\p{Lu}\.?$")


# Lower-case words that belong to a family name: "van Zuylen", "de la Cruz", "al Farabi".
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "dos", "das", "le",
    "la", "bin", "ibn", "al", "el", "ten", "ter", "zu",
})  # fmt: skip


def split_names(authors: str) -> tuple[tuple[str, ...], bool]:
    """Family names from "Dyer, Singh, & Hesterly" / "Chaidir, M., et al" / "Mentzer et al."."""
    et_al = bool(regex.search(r"\bet\s+al\b\.?", authors))
    authors = regex.sub(r",?\s*\bet\s+al\b\.?", "", authors)
    names = []
    for token in regex.split(r"\s*,\s*|\s+&\s+|\s+and\s+|^and\s+|^&\s*", authors):
        token = regex.sub(r"^(?:&|and)\s+", "", token.strip())
        if not token or INITIALS.match(token):
            continue
        token = token.rstrip(".").strip()
        names.append(token)
    return tuple(names), et_al


def name_key(name: str) -> str:
    """Match key of a family name: last word, accents folded, lower case.

    "Castañer" → "castaner"; "van der Aalst" → "aalst"; "Anis Y" → "anis".
    """
    words = [w for w in regex.split(r"\s+", name.strip()) if w and not INITIALS.match(w)]
    return fold(words[-1] if words else name)


def fold(name: str) -> str:
    """Accents folded, punctuation dropped, lower case: "Castañer-X" → "castanerx"."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in folded if ch.isalnum()).lower()


def author_phrase(names: Sequence[str], et_al: bool) -> str:
    """APA-style: "Teece", "Amit & Zott", "Dyer et al." (three or more, or "et al." written)."""
    if not names:
        return "Anon."
    if et_al or len(names) > 2:
        return f"{names[0]} et al."
    return " & ".join(names)
