"""Terms marked in a record's title and abstract while screening.

A reviewer screening thousands of records reads for a few words: the population, the design,
the outcome, and the words that rule a record out at once ("protocol", "rats"). The screening
apps reviewers know mark such words in colour, inclusion terms in one, exclusion terms in
another. litsynth marks three kinds, from `[screening]` in litsynth.toml:

- `exclude_terms`: words that argue for exclusion (marked red);
- `include_terms`: words that argue for inclusion (marked green);
- the words of `criteria` (four letters or more, common words left out; marked yellow).

A term is a word or phrase, matched whole-word and case-insensitively; a `*` ends a word
anywhere ("nurs*" marks nurse, nurses, nursing). Where terms overlap, exclusion wins, then
inclusion: a warning is never hidden under a softer mark. Marks are offsets into the text as
given, so the page and the terminal show the same words (and the text is never changed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from litsynth.config import ScreeningSettings

KINDS = ("exclude", "include", "criteria")  # strongest first
# Common words of criteria texts that would mark half of every abstract.
_STOP = frozenset(
    {"and", "the", "for", "with", "from", "that", "this", "into", "published", "studies"}
    | {"english", "which", "were", "have", "been", "their", "about", "only", "other"}
)


@dataclass(frozen=True)
class Mark:
    """Characters [start, end) of a text, marked as a term of `kind` (one of KINDS)."""

    start: int
    end: int
    kind: str


def criteria_words(criteria: str) -> tuple[str, ...]:
    """The words of an inclusion-criteria text worth marking: 4+ letters, not common words."""
    words = re.findall(r"[a-z][a-z-]{3,}", criteria.lower())
    return tuple(dict.fromkeys(w for w in words if w not in _STOP))


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for a kind's terms: whole words, `*` as any word ending, longest first."""
    alternatives = []
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        words = term.split()
        if any(not w.rstrip("*") for w in words):
            continue  # a lone "*" would mark every word
        stems = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words]
        alternatives.append(r"\s+".join(stems))
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def term_marks(
    text: str,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    criteria: Sequence[str] = (),
) -> list[Mark]:
    """The marks of a text, in order and never overlapping (exclusion, then inclusion wins)."""
    taken = [False] * len(text)
    marks: list[Mark] = []
    for kind, terms in zip(KINDS, (exclude, include, criteria), strict=True):
        pattern = _pattern(terms)
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start() and not any(taken[m.start() : m.end()]):
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                marks.append(Mark(m.start(), m.end(), kind))
    return sorted(marks, key=lambda mark: mark.start)


def screening_marks(text: str, settings: ScreeningSettings) -> list[tuple[int, int, str]]:
    """A record's title or abstract section marked with the project's screening terms, as
    (start, end, kind): what the workspace draws and `screen next` colours."""
    found = term_marks(
        text,
        include=settings.include_terms,
        exclude=settings.exclude_terms,
        criteria=criteria_words(settings.criteria),
    )
    return [(m.start, m.end, m.kind) for m in found]
