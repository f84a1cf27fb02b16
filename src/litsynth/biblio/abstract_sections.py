"""Structured abstracts read as their sections: "BACKGROUND: … METHODS: … RESULTS: …".

A database export runs a structured abstract into one paragraph. Screening reads thousands of
them, and a reviewer looking for the population or the design reads faster when each section
starts a line under its own label, as the journal printed it (and as the screening apps
reviewers compare us with show it). Nagtegaal 2019's search has 879 of its 2,019 abstracts
structured this way.

A label is the text between a section's start and a colon (or a spaced dash, "Purpose – "),
where a section starts at the abstract's start, after a sentence's end or at a line break. It
counts when it is:
- in capitals ("MAIN OUTCOME MEASURES", "HINTERGRUND"), three letters or more; or
- made only of words that name a part of an abstract ("Data sources", "Design/methodology/
  approach", "Authors' conclusions"): a sentence that ends in a colon ("Two questions were
  asked: …") has a word that does not.
An abstract is split only where it has two labels or more: one "Conclusion: …" is a sentence.
Emerald's labels are also read with nothing after them ("Purpose This paper aims …"), as some
exports give them, but only in an abstract that has "Design/methodology/approach".
Nothing is rewritten: the sections' texts and labels are the abstract's own words, less the
separators and a label's leading "Abstract" ("ABSTRACT Purpose:" is the section "Purpose").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that name a part of an abstract, in the labels journals and databases use (PubMed's
# structured-abstract labels, Emerald's, Cochrane's, PRISMA for abstracts).
_PART_WORDS = frozenset({
    "abstract", "acquisition", "adds", "aim", "aims", "analyses", "analysis", "approach",
    "article", "authors", "authors'", "authors’", "availability", "background", "case",
    "clinical", "collection", "comparator", "comparators", "comparison", "conclusion",
    "conclusions", "context", "contribution", "contributions", "control", "criteria", "data",
    "description", "design", "designs", "discussion", "eligibility", "evidence", "experience",
    "exposure", "exposures", "extraction", "finding", "findings", "funding", "goal", "goals",
    "highlights", "horizon", "hypotheses", "hypothesis", "identifier", "implication",
    "implications", "importance", "insight", "insights", "interpretation", "intervention",
    "interventions", "introduction", "issues", "key", "keywords", "known", "learned", "lessons",
    "level", "limitation", "limitations", "main", "managerial", "material", "materials",
    "measure", "measurement", "measurements", "measures", "message", "messages", "method",
    "methodological", "methodology", "methods", "novelty", "objective", "objectives",
    "originality", "outcome", "outcomes", "paper", "participants", "patients", "perspective",
    "points", "policy", "population", "practical", "practice", "presentation", "primary",
    "problem", "purpose", "purposes", "question", "questions", "rationale", "recommendations",
    "registration", "relevance", "report", "research", "result", "results", "review", "reviews",
    "sample", "scope", "search", "secondary", "selection", "setting", "settings", "significance",
    "social", "source", "sources", "statement", "strategies", "strategy", "studies", "study",
    "subjects", "summary", "synthesis", "target", "time", "trial", "type", "unique", "value",
})  # fmt: skip
_LINKS = frozenset({"and", "of", "the", "to", "for", "in", "or", "with", "a", "&", "this", "what"})
# Where a section may start: the abstract's start, after a sentence's end, at a line break.
_LABEL = re.compile(
    r"(?:^|(?<=[.!?])\s+|\n\s*)(?P<label>[A-Z][A-Za-z'’/&\- ]{0,60}?)(?:\s*:|\s+[–—-])\s+"
)
# Emerald's labels, which some exports run into their text with no colon or dash
# ("Purpose This paper aims … Design/methodology/approach The research …").
_EMERALD = re.compile(
    r"(?:^|(?<=[.!?])\s+)(?P<label>Purpose|Design/methodology/approach|Findings"
    r"|Research limitations/implications|Practical implications|Social implications"
    r"|Originality/value)\s+(?=[A-Z0-9“\"‘'(])"
)
_MAX_WORDS = 6
_HEADING = re.compile(r"^(?:abstract|summary)\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True)
class AbstractSection:
    """One section of an abstract: its label as printed ("" before the first) and its text."""

    label: str
    text: str


def _is_label(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= _MAX_WORDS:
        return False
    letters = [c for c in label if c.isalpha()]
    if label.upper() == label:
        return len(letters) >= 3
    parts = [p for w in words for p in re.split(r"[/\-]", w.lower()) if p]
    return all(p in _PART_WORDS or p in _LINKS for p in parts) and any(
        p in _PART_WORDS for p in parts
    )


def abstract_sections(abstract: str) -> list[AbstractSection]:
    """The abstract's labelled sections, or the whole abstract as one unlabelled section.

    Text before the first label (a sentence the database put first) is a section with no label.
    """
    text = abstract.strip()
    found = [m for m in _LABEL.finditer(text) if _is_label(m.group("label"))]
    if len(found) < 2:
        emerald = list(_EMERALD.finditer(text))
        if any(m.group("label") == "Design/methodology/approach" for m in emerald):
            found = emerald
    if len(found) < 2:
        return [AbstractSection("", text)] if text else []
    sections: list[AbstractSection] = []
    lead = text[: found[0].start()].strip()
    if lead:
        sections.append(AbstractSection("", lead))
    for m, after in zip(found, [*found[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        label = _HEADING.sub("", m.group("label").strip())  # "ABSTRACT Purpose": a heading
        sections.append(AbstractSection(label, text[m.end() : end].strip()))
    return sections
