"""In-text citations inside the corpus: find them, resolve them, and gather the works per theme.

A review synthesises what its sources say, and its sources say it *with* citations: seed 000's
"Comparative Insight" paragraphs list, per theme, the studies its passages lean on. This module
rebuilds that list from the text itself:

1. `extract_citations` finds author–year citations — narrative "Phadnis (2023)",
   "Zott and Amit (2010a)", "Dyer, Singh, and Hesterly (2018)"; parenthetical
   "(Amit & Zott, 2015; Teece, 2010, p. 5)" — and numeric ones "[12]", "[3, 5–7]", with
   character offsets into the text they were found in.
2. `references.find_reference_section` / `parse_references` read the document's own
   reference list (author names are compared the same way on both sides: `names`).
3. `resolve_citations` matches each citation to an entry (first author's family name + year
   + letter; a numbered entry for [n]). What cannot be matched is kept, flagged "unresolved".
4. `cited_works` groups the citations inside each theme's coded passages into `CitedWork`s
   with counts and the citing passages.

Everything here is pure: text in, frozen records out. `litsynth.synthesis.from_store` feeds it
from the store. The rules are versioned as `CITATION_PARSER`, so a table built from them can
say which rules made it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import regex

from litsynth.citations.names import author_phrase, fold, name_key, split_names
from litsynth.citations.references import Reference, find_reference_section, parse_references
from litsynth.records import OnPassage, Passage

CITATION_PARSER = "intext.v1"

# ---------------------------------------------------------------------------------------------
# Patterns. \p{Lu} (any upper-case letter) needs the `regex` module: "Castañer", "Ølgaard".

_PARTICLE = r"(?:(?:van|von|de|der|den|del|della|di|da|du|dos|le|la|ten|ter)\s+)"
# "Perez-Franco", "van der Aalst", "O'Brien" — but "Amit's" is Amit, possessive.
_NAME = rf"{_PARTICLE}*\p{{Lu}}(?:[\p{{L}}\-]|['’](?=\p{{L}}{{2}}))*\p{{L}}|\p{{Lu}}"
_YEAR = r"(?:1[89]\d{2}|20\d{2})[a-z]?(?![\d])|n\.\s?d\.|in\s+press|forthcoming"
_LOCATOR = r"(?:pp?\.|para\.|paras\.|ch\.|chap\.|§)\s*[\w–\-]+(?:\s*[–\-]\s*\w+)?"
_ET_AL = r"\s+et\s+al\.?"

# Narrative: a name list directly before "(year[, year][, p. N])".
_NARRATIVE = regex.compile(
    rf"""
    (?<![\p{{L}}\-'’])
    (?P<authors>
        (?:{_NAME})
        (?: {_ET_AL}
          | (?:,\s+(?:{_NAME}))*,?\s+(?:and|&)\s+(?:{_NAME})(?:{_ET_AL})?
        )?
    )
    (?:['’]s)?\s?
    \(\s*(?P<years>(?:{_YEAR})(?:\s*,\s*(?:{_YEAR}))*)
    (?:\s*,\s*(?P<loc>{_LOCATOR}))?\s*\)
    """,
    regex.VERBOSE,
)

# Parenthetical: any "( … )" without nested parentheses that mentions a year somewhere.
_PAREN = regex.compile(r"\((?P<body>[^()\n]{4,600})\)")
_HAS_YEAR = regex.compile(rf"(?:^|[\s,;])(?:{_YEAR})")
_PREFIX = regex.compile(
    r"^(?:see\s+also|see|e\.\s?g\.|i\.\s?e\.|cf\.|for\s+example|for\s+instance|as\s+in|also|"
    r"reviewed\s+in|following|after)[,:]?\s+",
    regex.IGNORECASE,
)
_PART = regex.compile(
    rf"""^(?P<authors>.*?\S)?,?\s*
    (?P<years>(?:{_YEAR})(?:\s*,\s*(?:{_YEAR}))*)
    (?:\s*,\s*(?P<loc>{_LOCATOR}))?\s*$""",
    regex.VERBOSE,
)
_YEAR_ONE = regex.compile(rf"(?:{_YEAR})")

# Numeric: "[12]", "[3, 5–7]", "[1; 4]" — at most three digits, so "[2019]" is not a citation.
_NUMERIC = regex.compile(
    r"\[(?P<body>\d{1,3}(?:\s*[-–—]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-–—]\s*\d{1,3})?)*)\]"
)
_MAX_RANGE = 50  # "[1–300]" is a page range in brackets, not 300 citations

# Capitalised words that start sentences right before a narrative citation: "Similarly, Castañer
# and Ketokivi (2018)" must cite Castañer, not "Similarly".
# fmt: off
_NOT_NAMES = frozenset({
    "a", "also", "an", "and", "as", "at", "but", "by", "collectively", "conversely", "critically",
    "earlier", "evidence", "finally", "findings", "first", "for", "furthermore", "hence", "here",
    "however", "importantly", "in", "indeed", "instead", "it", "likewise", "meanwhile",
    "moreover", "nevertheless", "nonetheless", "notably", "on", "or", "overall", "recently",
    "research", "scholars", "second", "similarly", "since", "so", "specifically", "still",
    "studies", "such", "that", "the", "then", "there", "therefore", "these", "third", "this",
    "those", "though", "thus", "together", "under", "when", "where", "whereas", "which", "while",
    "with", "work", "yet", "see", "table", "figure", "section", "chapter", "appendix", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
})
# fmt: on


_ADJECTIVE = regex.compile(r"(?:ian|ean|esque)$")
_ARTICLE = regex.compile(r"\b(?:the|a|an)\s+$", regex.IGNORECASE)


@dataclass(frozen=True)
class InTextCitation:
    """One cited work at one place in a text; "(A, 2001; B, 2002)" gives two of these.

    Offsets index the text the citation was extracted from (a document's canonical text),
    so `text[start:end] == raw`.
    """

    start: int
    end: int
    raw: str  # the citation as written: "Amit & Zott, 2015" or "Phadnis (2023)" or "[12]"
    style: str  # "author-year" | "numeric"
    authors: tuple[str, ...] = ()  # family names as written, first author first
    et_al: bool = False
    narrative: bool = False  # "Phadnis (2023)" rather than "(Phadnis, 2023)"
    year: str = ""  # "2010" / "n.d." / "in press"
    letter: str = ""  # the "a" of 2010a
    locator: str = ""  # "p. 5"
    number: int | None = None  # numeric citations

    @property
    def label(self) -> str:
        """ "Amit & Zott (2015)", "Mentzer et al. (2001)", "[12]"."""
        if self.style == "numeric":
            return f"[{self.number}]"
        return f"{author_phrase(self.authors, self.et_al)} ({self.year}{self.letter})"


@dataclass(frozen=True)
class ResolvedCitation:
    """A citation with what it points to in its document's reference list."""

    citation: InTextCitation
    status: str  # "resolved" | "ambiguous" | "unresolved" | "no-reference-list"
    reference: Reference | None = None

    @property
    def work_key(self) -> str:
        """Identity of the cited work across documents: first author + year (+ letter).

        "Phadnis, S. S. (2023)" cited from two documents is one work. Numeric citations that
        resolve to an entry the parser understood get the same kind of key; the rest stay
        scoped to their reference number.
        """
        ref = self.reference
        if ref is not None and ref.families and ref.year:
            return f"{fold(ref.families[0])}|{ref.year}{ref.letter}"
        c = self.citation
        if c.style == "author-year" and c.authors:
            return f"{name_key(c.authors[0])}|{c.year}{c.letter}"
        return f"[{c.number}]"

    @property
    def label(self) -> str:
        if self.reference is not None and self.reference.families:
            return self.reference.label
        return self.citation.label


# ---------------------------------------------------------------------------------------------
# Extraction


def extract_citations(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[InTextCitation]:
    """All author–year and numeric citations in `text`, in order of position.

    `skip` holds spans (e.g. the reference list itself) whose citations are ignored: an entry
    "Amit, R., & Zott, C. (2001)" is a reference, not a citation.
    """
    found: list[InTextCitation] = []
    taken: list[tuple[int, int]] = []
    for m in _PAREN.finditer(text):
        parts = _parenthetical(text, m.start("body"), m.group("body"))
        if parts:
            found.extend(parts)
            taken.append((m.start(), m.end()))
    for m in _NARRATIVE.finditer(text):
        paren_at = text.index("(", m.end("authors"))
        if any(a <= paren_at < b for a, b in taken):
            continue  # that parenthesis was read as a parenthetical citation already
        found.extend(_narrative(m))
    for m in _NUMERIC.finditer(text):
        found.extend(_numeric(m))
    found = [c for c in found if not any(a <= c.start < b for a, b in skip)]
    found.sort(key=lambda c: (c.start, c.end, c.year, c.number or 0))
    return found


def _narrative(m: regex.Match[str]) -> list[InTextCitation]:
    names, et_al = split_names(m.group("authors"))
    # Drop sentence-start words caught in front of the real names ("Similarly, Castañer and …").
    dropped = 0
    while names and names[0].lower() in _NOT_NAMES:
        names = names[1:]
        dropped += 1
    if not names:
        return []
    if (
        len(names) == 1
        and _ADJECTIVE.search(names[0])
        and _ARTICLE.search(m.string, 0, m.start("authors"))
    ):
        return []  # "the Coasian (1937) boundaries": an adjective after an article, not an author
    start = m.start("authors")
    if dropped:
        start = m.start("authors") + m.group("authors").index(names[0])
    years = _YEAR_ONE.findall(m.group("years"))
    return [
        replace(
            _author_year(
                start, m.end(), m.string[start : m.end()], names, et_al, y, m.group("loc")
            ),
            narrative=True,
        )
        for y in years
    ]


def _parenthetical(text: str, offset: int, body: str) -> list[InTextCitation]:
    if not _HAS_YEAR.search(body):
        return []
    out: list[InTextCitation] = []
    previous: tuple[str, ...] = ()
    previous_et_al = False
    cursor = 0
    for piece in body.split(";"):
        piece_start = offset + cursor + (len(piece) - len(piece.lstrip()))
        cursor += len(piece) + 1
        stripped = piece.strip()
        lead = _PREFIX.match(stripped)
        if lead:
            piece_start += lead.end()
            stripped = stripped[lead.end() :]
        m = _PART.match(stripped)
        if not m:
            continue
        authors_text = (m.group("authors") or "").strip().rstrip(",")
        if authors_text:
            if regex.search(r"\d", authors_text) or not regex.match(r"\p{Lu}", authors_text):
                continue
            names, et_al = split_names(authors_text)
            if not names or names[0].lower() in _NOT_NAMES or len(authors_text.split()) > 12:
                continue
        elif previous:
            names, et_al = previous, previous_et_al  # "(Amit & Zott, 2001; 2015)"
        else:
            continue  # "(2023)" alone: a date, not a citation
        previous, previous_et_al = names, et_al
        end = piece_start + len(stripped)
        for y in _YEAR_ONE.findall(m.group("years")):
            out.append(
                _author_year(
                    piece_start, end, text[piece_start:end], names, et_al, y, m.group("loc")
                )
            )
    return out


def _numeric(m: regex.Match[str]) -> list[InTextCitation]:
    numbers: list[int] = []
    for item in regex.split(r"\s*[,;]\s*", m.group("body")):
        bounds = [int(x) for x in regex.split(r"\s*[-–—]\s*", item) if x]
        if len(bounds) == 2:
            lo, hi = bounds
            if hi < lo or hi - lo > _MAX_RANGE:
                return []
            numbers.extend(range(lo, hi + 1))
        else:
            numbers.append(bounds[0])
    if any(n == 0 for n in numbers):
        return []
    return [
        InTextCitation(start=m.start(), end=m.end(), raw=m.group(), style="numeric", number=n)
        for n in numbers
    ]


def _author_year(
    start: int, end: int, raw: str, names: tuple[str, ...], et_al: bool, year: str, loc: str | None
) -> InTextCitation:
    year = regex.sub(r"\s+", " ", year)
    letter = ""
    if year[:4].isdigit() and len(year) == 5:
        year, letter = year[:4], year[4]
    return InTextCitation(
        start=start,
        end=end,
        raw=raw,
        style="author-year",
        authors=names,
        et_al=et_al,
        year=year,
        letter=letter,
        locator=(loc or "").strip(),
    )


# "R.", "S. S.", "J. A. C.", "J.-F.", "Y" — but not "IBM", which is a name.

# ---------------------------------------------------------------------------------------------
# Resolution


def resolve_citations(
    citations: Iterable[InTextCitation], references: Sequence[Reference]
) -> list[ResolvedCitation]:
    """Match each citation to its reference-list entry; unmatched ones are kept and flagged."""
    out = []
    for c in citations:
        if not references:
            out.append(ResolvedCitation(c, "no-reference-list"))
        elif c.style == "numeric":
            hits = [r for r in references if r.number == c.number]
            out.append(
                ResolvedCitation(c, "resolved", hits[0])
                if hits
                else ResolvedCitation(c, "unresolved")
            )
        else:
            out.append(_resolve_author_year(c, references))
    return out


def _resolve_author_year(c: InTextCitation, refs: Sequence[Reference]) -> ResolvedCitation:
    names = c.authors
    # Try the names as written; for a narrative list of three or more, also without leading
    # words that were not authors after all ("Zara, Ferdows and Lewis (2004)"). Parenthetical
    # lists are never trimmed: "(Foss & Saebi, 2017)" is not Saebi's 2017 paper.
    tries = range(len(names) - 1) if c.narrative and len(names) >= 3 else range(1)
    for offset in tries:
        trial = names[offset:]
        hits = _candidates(trial, c, refs)
        if hits:
            if len(hits) == 1:
                resolved = ResolvedCitation(c, "resolved", hits[0])
            else:
                resolved = ResolvedCitation(c, "ambiguous", hits[0])
            if offset:  # report the citation under the names that matched
                resolved = replace(resolved, citation=replace(c, authors=trial))
            return resolved
    return ResolvedCitation(c, "unresolved")


def _candidates(
    names: Sequence[str], c: InTextCitation, refs: Sequence[Reference]
) -> list[Reference]:
    key = name_key(names[0])
    same = [r for r in refs if key in r.first_keys and r.year == c.year]
    if c.letter:
        lettered = [r for r in same if r.letter == c.letter]
        same = lettered or [r for r in same if not r.letter]
    if len(same) > 1 and len(names) > 1:
        second = name_key(names[1])
        narrowed = [r for r in same if len(r.families) > 1 and name_key(r.families[1]) == second]
        same = narrowed or same
    if len(same) > 1:
        # "X et al." / three names cite a work of 3+ authors; "X and Y" one of exactly two.
        many = c.et_al or len(names) > 2
        narrowed = [
            r
            for r in same
            if (len(r.families) > 2) == many and (many or len(r.families) == len(names))
        ]
        same = narrowed or same
    return same


def document_citations(text: str) -> tuple[list[ResolvedCitation], list[Reference]]:
    """Every citation in a document's canonical text, resolved against its own reference list."""
    section = find_reference_section(text)
    references = parse_references(text, section) if section else []
    citations = extract_citations(text, skip=[section] if section else [])
    if references and not any(r.number is not None for r in references):
        # An author-year list: bracketed numbers in the text are settings ("k in [5, 10, 15]"),
        # not citations.
        citations = [c for c in citations if c.style != "numeric"]
    return resolve_citations(citations, references), references


# ---------------------------------------------------------------------------------------------
# Per-theme cited works


@dataclass(frozen=True)
class Span:
    """A coded span: where a theme's passage sits in a document (offsets into its text)."""

    chunk_id: str
    document_id: str
    start: int
    end: int


@dataclass(frozen=True)
class CitingPassage(OnPassage):
    """Where a work is cited: the passage, the citation as written, and how to cite the passage."""

    passage: Passage  # the coded passage the citation sits in
    start: int  # offsets of the citation in the document text
    end: int
    raw: str
    status: str

    @property
    def passage_citation(self) -> str:
        """ "Yulianti & Santoso (2025), § 4. Results, ¶ 3" """
        return self.passage.citation

    def to_json(self) -> dict[str, object]:
        return {
            "chunk_id": self.chunk_id,
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "raw": self.raw,
            "status": self.status,
            "passage_citation": self.passage_citation,
        }


@dataclass(frozen=True)
class CitedWork:
    """One work cited by a theme's passages, seed 000's "Comparative Insight" row."""

    key: str  # "phadnis|2023"
    label: str  # "Phadnis (2023)"
    reference: str  # the reference-list entry, "" when unresolved
    status: str  # "resolved" when any citation of it resolved, else the best status seen
    n_citations: int  # distinct citation occurrences (document + offsets)
    n_passages: int
    n_documents: int
    citing: tuple[CitingPassage, ...]

    def to_json(self) -> dict[str, object]:
        """`cited --json`'s shape for one work."""
        return {
            "key": self.key,
            "label": self.label,
            "reference": self.reference,
            "status": self.status,
            "n_citations": self.n_citations,
            "n_passages": self.n_passages,
            "n_documents": self.n_documents,
            "citing": [c.to_json() for c in self.citing],
        }


_STATUS_RANK = {"resolved": 0, "ambiguous": 1, "unresolved": 2, "no-reference-list": 3}


def cited_works(
    groups: Mapping[str, Iterable[Span]],
    citations_by_document: Mapping[str, Sequence[ResolvedCitation]],
    cite_passage: Callable[[Span], Passage],
) -> dict[str, list[CitedWork]]:
    """Per group (theme), the works cited inside its spans, most-cited first.

    A citation belongs to a span when it lies entirely inside it. Chunks overlap, so one
    citation can sit in two passages of a theme: it then counts once in `n_citations` and both
    passages are listed. Ties are broken by label, so the order is stable.
    """
    out: dict[str, list[CitedWork]] = {}
    for group, spans in groups.items():
        by_work: dict[str, list[tuple[Span, ResolvedCitation]]] = defaultdict(list)
        seen: set[tuple[str, str, int, int, str]] = set()
        for span in sorted(set(spans), key=lambda s: (s.document_id, s.start, s.chunk_id)):
            for rc in citations_by_document.get(span.document_id, ()):
                c = rc.citation
                if c.start >= span.start and c.end <= span.end:
                    dedupe = (span.chunk_id, span.document_id, c.start, c.end, rc.work_key)
                    if dedupe not in seen:
                        seen.add(dedupe)
                        by_work[rc.work_key].append((span, rc))
        works = [_work(key, items, cite_passage) for key, items in by_work.items()]
        works.sort(key=lambda w: (-w.n_passages, -w.n_citations, w.label.lower()))
        out[group] = works
    return out


def _work(
    key: str, items: list[tuple[Span, ResolvedCitation]], cite_passage: Callable[[Span], Passage]
) -> CitedWork:
    best = min(items, key=lambda item: _STATUS_RANK[item[1].status])[1]
    occurrences = {(span.document_id, rc.citation.start, rc.citation.end) for span, rc in items}
    citing = tuple(
        CitingPassage(
            passage=cite_passage(span),
            start=rc.citation.start,
            end=rc.citation.end,
            raw=rc.citation.raw,
            status=rc.status,
        )
        for span, rc in items
    )
    return CitedWork(
        key=key,
        label=best.label,
        reference=best.reference.text if best.reference is not None else "",
        status=best.status,
        n_citations=len(occurrences),
        n_passages=len({span.chunk_id for span, _ in items}),
        n_documents=len({span.document_id for span, _ in items}),
        citing=citing,
    )
