"""Summary of qualitative findings: each theme a review finding, with the studies behind it,
their appraisal, and the review team's GRADE-CERQual assessment of how far it can be trusted.

A qualitative evidence synthesis ends with this table (GRADE-CERQual, Lewin et al. 2018):
per finding, a summary statement, the studies contributing to it, the confidence in it
(high, moderate, low, very low) and why. Confidence is judged from four components, each
rated from "no or very minor concerns" to "serious concerns": methodological limitations
of the contributing studies, coherence, adequacy of the data, and relevance.

litsynth supplies the evidence and keeps the judgements:
- the studies contributing to a theme are the documents with passages coded under it (the
  matrix's cells, so every one links back to its passages), and how many passages;
- the methodological-limitations input is how those studies were appraised (`litsynth
  appraise`: their overall judgements counted);
- the judgements are the team's, in `findings.yaml` (`[synthesis] findings`), a file
  `litsynth findings init` writes with one entry per theme and the evidence beside it as
  comments. People judge; litsynth never fills in a rating.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from litsynth.coding.codebook.model import Codebook
from litsynth.errors import SynthesisError
from litsynth.records import one_line
from litsynth.synthesis.matrix import Matrix
from litsynth.yamltext import parse_yaml

COMPONENTS = {
    "methodological_limitations": "Methodological limitations",
    "coherence": "Coherence",
    "adequacy": "Adequacy",
    "relevance": "Relevance",
}
CONCERNS = (
    "no or very minor concerns",
    "minor concerns",
    "moderate concerns",
    "serious concerns",
)
CONFIDENCE = ("high", "moderate", "low", "very low")
NOT_INCLUDED = "no included study"  # a document that is no included study's full text


@dataclass(frozen=True)
class Assessment:
    """The team's CERQual assessment of one finding, as findings.yaml holds it."""

    summary: str  # the finding, as the review states it ("" = the theme's definition)
    components: dict[str, str]  # component id -> concerns ("" not yet judged)
    confidence: str  # high … very low ("" not yet judged)
    explanation: str


@dataclass(frozen=True)
class Finding:
    """One theme as a review finding: its evidence and its assessment."""

    theme: str
    label: str
    summary: str
    # (document id, citation label, passages), most passages first
    studies: tuple[tuple[str, str, int], ...]
    passages: int
    appraisal: dict[str, int]  # the contributing studies by their judgement
    assessment: Assessment | None
    # the study each of `studies` reports (`litsynth studies`): two documents that report
    # one study count once; empty when none is grouped
    study_of: tuple[str, ...] = ()

    def study_count(self) -> int:
        """How many studies contribute: documents reporting one study count once."""
        return len(set(self.study_of)) if self.study_of else len(self.studies)

    def by_study(self) -> list[tuple[str, int]]:
        """("Label + Label", passages) per contributing study, its documents joined, in the
        order of its first document."""
        keys = self.study_of or tuple(d for d, _, _ in self.studies)
        grouped: dict[str, tuple[list[str], int]] = {}
        for key, (_, label, n) in zip(keys, self.studies, strict=True):
            labels, total = grouped.get(key, ([], 0))
            grouped[key] = ([*labels, label], total + n)
        return [(" + ".join(labels), n) for labels, n in grouped.values()]

    def appraisal_text(self) -> str:
        """ "low 2, not judged 1" — the methodological-limitations input."""
        return ", ".join(f"{judgement} {n}" for judgement, n in self.appraisal.items())

    def to_json(self) -> dict[str, object]:
        a = self.assessment
        return {
            "theme": self.theme,
            "label": self.label,
            "summary": self.summary,
            "studies": [{"document": d, "study": s, "passages": n} for d, s, n in self.studies],
            "passages": self.passages,
            "study_count": self.study_count(),
            "appraisal": self.appraisal,
            "components": a.components if a else {},
            "confidence": a.confidence if a else "",
            "explanation": a.explanation if a else "",
        }


def parse_assessments(text: str, source: str, themes: Sequence[str]) -> dict[str, Assessment]:
    """findings.yaml's assessments by theme id; every mistake is one message naming the theme
    and the word that is wrong, so a typo never passes as a judgement."""
    data = parse_yaml(text, source, SynthesisError) or {}
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise SynthesisError(
            f"{source}: no `findings:` mapping of theme ids",
            hint="`litsynth findings init` writes one to fill in",
        )
    out = {}
    for theme, entry in entries.items():
        where = f"{source}: finding {theme!r}"
        if str(theme) not in themes:
            raise SynthesisError(
                f"{where} is not a theme of the codebook",
                hint=f"the themes are: {', '.join(themes) or 'none'}",
            )
        entry = entry or {}
        if not isinstance(entry, dict):
            raise SynthesisError(f"{where}: not a mapping", hint="summary:, coherence: … under it")
        components = {}
        for key in COMPONENTS:
            value = _word(entry.get(key))
            if value and value not in CONCERNS:
                raise SynthesisError(
                    f"{where}: {key} {value!r} is not a CERQual rating",
                    hint="one of: " + "; ".join(CONCERNS),
                )
            components[key] = value
        confidence = _word(entry.get("confidence"))
        if confidence and confidence not in CONFIDENCE:
            raise SynthesisError(
                f"{where}: confidence {confidence!r} is not one of {', '.join(CONFIDENCE)}",
                hint="CERQual's overall confidence in the finding",
            )
        unknown = set(entry) - {*COMPONENTS, "confidence", "explanation", "summary"}
        if unknown:
            raise SynthesisError(
                f"{where}: unknown key {sorted(unknown)[0]!r}",
                hint="summary, " + ", ".join(COMPONENTS) + ", confidence, explanation",
            )
        out[str(theme)] = Assessment(
            " ".join(str(entry.get("summary") or "").split()),
            components,
            confidence,
            " ".join(str(entry.get("explanation") or "").split()),
        )
    return out


def _word(value: object) -> str:
    return " ".join(str(value).split()).lower() if value not in (None, "") else ""


def theme_ids(codebook: Codebook | None) -> list[str]:
    """The codebook's themes, the findings to be: a codebook without one has no finding."""
    if codebook is None or not codebook.themes:
        raise SynthesisError(
            "the codebook has no themes: a finding is a theme",
            hint="add themes to the codebook (docs/analysis.md), or run `litsynth code themes`"
            " for proposals",
        )
    return list(codebook.themes)


def load_assessments(path: Path, themes: Sequence[str]) -> dict[str, Assessment]:
    if not path.exists():
        raise SynthesisError(
            f"no findings file at {path}",
            hint="`litsynth findings init` writes one with a finding per theme to assess",
        )
    return parse_assessments(path.read_text(encoding="utf-8"), str(path), themes)


def build_findings(
    matrix: Matrix,
    codebook: Codebook,
    judged: Mapping[str, str],
    assessments: Mapping[str, Assessment],
    study_of: Mapping[str, str] | None = None,
) -> list[Finding]:
    """A finding per theme of a documents × themes matrix, in the codebook's order.

    `judged`: document id -> the overall appraisal of the study it reports (from_store's
    "appraisal" attribute); a document without one reports no included study. With nothing
    judged at all, the findings carry no appraisal. `study_of`: document id -> the study it
    reports, where reports are grouped into studies (`litsynth studies`), so a study reported
    in two documents counts once in the appraisal and in "Studies contributing".
    """
    study_of = study_of or {}
    out = []
    for theme in codebook.themes.values():
        coded = theme.id in matrix.col_keys
        counts = {d: int(matrix.passages.at[d, theme.id]) for d in matrix.row_keys} if coded else {}
        contributing = [d for d, n in counts.items() if n > 0]
        studies = sorted(
            ((d, matrix.row_labels[d], counts[d]) for d in contributing),
            key=lambda s: (-s[2], s[1].casefold()),
        )
        keys = tuple(study_of.get(d, d) for d, _, _ in studies) if study_of else ()
        # one judgement per study: its documents all carry its study's
        firsts = {study_of.get(d, d): d for d in reversed(contributing)}.values()
        # a review that appraises nothing gets no appraisal column full of "no included study"
        tally = Counter(judged.get(d, NOT_INCLUDED) for d in firsts) if judged else {}
        assessment = assessments.get(theme.id)
        out.append(
            Finding(
                theme.id,
                theme.label,
                assessment.summary if assessment and assessment.summary else theme.definition,
                tuple(studies),
                matrix.col_totals[theme.id][0] if coded else 0,
                dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))),
                assessment,
                keys if len(set(keys)) < len(keys) else (),
            )
        )
    return out


def findings_yaml(
    found: Sequence[Finding],
    *,
    source: str,
    said: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """findings.yaml: a finding per theme, its evidence as comments, its ratings as judged so
    far (blank where nobody has). `findings init` writes it with none; the workspace writes
    it again, evidence refreshed, each time a rating is set. `said`: the framework matrix's
    summaries by (document, theme), shown under each study, as the finding is written from
    them."""
    said = said or {}
    lines = [
        "# The review's findings and the team's GRADE-CERQual assessment of each (one per theme",
        "# of the codebook). Write each summary as the review states the finding; rate each",
        "# component and the confidence, and say why. Leave a rating blank until it is judged.",
        "#   components: " + "; ".join(CONCERNS),
        "#   confidence: " + ", ".join(CONFIDENCE),
        f"# The evidence in the comments counts {source};",
        "# `litsynth findings table` shows it again as the codings grow. A rating set in the",
        "# workspace writes this file again: the evidence comments are redrawn, others go.",
        "findings:",
    ]
    for f in found:
        a = f.assessment
        lines.append(f"  {f.theme}:")
        studies = f.study_count()
        also = f" ({studies} studies)" if studies != len(f.studies) else ""
        lines.append(
            f"    # {f.label}: {f.passages} passages from {len(f.studies)} documents{also}"
        )
        for document, study, n in f.studies:
            lines.append(f"    #   {study}: {n}")
            if (document, f.theme) in said:
                lines.append(
                    f"    #     in the framework: {one_line(said[(document, f.theme)], 240)}"
                )
        if f.appraisal:
            lines.append(f"    # their appraisal: {f.appraisal_text()}")
        lines.append(f"    summary: {_quoted(f.summary)}")
        for key in COMPONENTS:
            rating = a.components.get(key, "") if a else ""
            lines.append(f"    {key}: {rating}".rstrip())
        lines.append(f"    confidence: {a.confidence if a else ''}".rstrip())
        lines.append(f"    explanation: {_quoted(a.explanation if a else '')}")
    return "\n".join(lines) + "\n"


RATED = ("summary", *COMPONENTS, "confidence", "explanation")  # what a person sets


def rated(
    assessments: Mapping[str, Assessment], theme: str, field: str, value: str, themes: Sequence[str]
) -> dict[str, Assessment]:
    """The assessments with one of a finding's ratings (or its summary or explanation) set,
    checked as findings.yaml is: a word CERQual does not use is refused by name."""
    if field not in RATED:
        raise SynthesisError(f"no rating {field!r}", hint="one of: " + ", ".join(RATED))
    before = assessments.get(theme) or Assessment("", dict.fromkeys(COMPONENTS, ""), "", "")
    entry = {
        "summary": before.summary, **before.components, "confidence": before.confidence,
        "explanation": before.explanation, field: value,
    }  # fmt: skip
    text = yaml.safe_dump({"findings": {theme: entry}}, allow_unicode=True)
    return {**assessments, **parse_assessments(text, "the rating", themes)}


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


HEADER = (
    "Finding",
    "Summary of the finding",
    "Studies contributing",
    "Appraisal of those studies",
    "CERQual confidence",
    "Explanation",
)


def table_rows(found: Sequence[Finding]) -> list[list[str]]:
    """The Summary of Qualitative Findings table, header first."""
    rows = [list(HEADER)]
    for f in found:
        a = f.assessment
        rows.append(
            [
                f.label,
                f.summary,
                "; ".join(f"{study} ({n})" for study, n in f.by_study()),
                f.appraisal_text(),
                (a.confidence if a else "") or "not assessed",
                a.explanation if a else "",
            ]
        )
    return rows


def write_findings(found: Sequence[Finding], out: Path, *, title: str) -> None:
    """The table as .md, .csv, .xlsx or .docx (a landscape Word table, for the manuscript)."""
    rows = table_rows(found)
    suffix = out.suffix.lower()
    if suffix == ".md":
        from litsynth.cells import pipe_table

        out.write_text(pipe_table(rows), encoding="utf-8")
    elif suffix in (".csv", ".xlsx"):
        from litsynth.biblio.sheet_files import layout, write_table
        from litsynth.cells import safe_cell

        wide = {"Summary of the finding": 60, "Studies contributing": 40, "Explanation": 50}
        write_table(
            [[safe_cell(c) for c in r] for r in rows],
            out,
            title="findings",
            decorate=layout({"Finding": 28, **wide}, wrap=list(wide)),
            error=SynthesisError,
        )
    elif suffix == ".docx":
        out.write_bytes(_docx(rows, title))
    else:
        raise SynthesisError(
            f"{out}: unknown table format {suffix or '(none)'}",
            hint="name it .md, .csv, .xlsx or .docx",
        )


def _docx(rows: list[list[str]], title: str) -> bytes:
    import io

    from docx import Document

    from litsynth.cells import xml_safe
    from litsynth.synthesis.word import grid_table, turn

    document = Document()
    turn(document.sections[0], landscape=True)
    document.add_heading(xml_safe(title), level=1)
    grid_table(document, rows[0], rows[1:], size=9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
