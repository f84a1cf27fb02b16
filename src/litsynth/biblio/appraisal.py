"""Critical appraisal: how far each included study can be trusted, and what rests on it.

PRISMA 2020 asks for the methods used to assess each study's risk of bias or quality (item 11)
and their results (item 18); a qualitative evidence synthesis weighs a finding by the quality
of the studies behind it (GRADE-CERQual's "methodological limitations"). The appraisal is a
form like data extraction's (biblio/extraction.py: the same YAML, sheets, checks and log, under
the form name "appraisal"), with one field named `overall` that holds each study's judgement.
This module adds what only an appraisal has: the starter checklist, the judgements counted for
the report and the Methods, and each document's judgement for the matrices (`attr:appraisal`).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from litsynth.biblio.extraction import (
    APPRAISAL,
    Form,
    FormField,
    Study,
    included_studies,
    load_form,
    review_studies,
    table_values,
)
from litsynth.biblio.form_reviewers import (
    agreement,
    answers_given,
    carried_methods,
    reviewers_per_study,
    reviewers_phrase,
    settled_phrase,
)
from litsynth.words import count

ATTRIBUTE = "appraisal"  # `litsynth matrix --rows attr:appraisal`
NOT_JUDGED = "not judged"

# `litsynth appraise init`. The questions cover the domains that published checklists for
# qualitative research share (CASP's qualitative checklist, JBI's), in litsynth's own words, so
# a review can start at once and swap in the checklist its protocol names.
STARTER_APPRAISAL = """\
# The critical-appraisal form: how far each study included at full text can be trusted.
# Its questions cover the domains that checklists for qualitative research share (CASP's
# qualitative checklist, JBI's checklist for qualitative research), in litsynth's words.
# Replace them with the checklist your protocol names, and name it in `tool` (the Methods
# paragraph of `litsynth prisma --methods` quotes it).
# `overall` names the choice field that holds each study's judgement: the report counts the
# studies by it, and `litsynth matrix --rows attr:appraisal` shows which themes rest on which.
tool: a ten-question checklist for qualitative and case-study research (litsynth's starter form)
overall: overall
fields:
  - id: aims
    label: Aims stated
    type: choice
    values: [yes, unclear, no]
    help: Does the paper say what it set out to learn, and why that matters?
  - id: method_fit
    label: Method fits the question
    type: choice
    values: [yes, unclear, no]
    help: Is a qualitative or case approach a sensible way to answer it (meanings, processes,
      experiences)?
  - id: design
    label: Design justified
    type: choice
    values: [yes, unclear, no]
    help: Do the authors say why they chose this design (case study, interviews, grounded theory,
      …)?
  - id: sampling
    label: Sampling explained
    type: choice
    values: [yes, unclear, no]
    help: Is it clear who or what was studied, how they were chosen, and why they suit the question?
  - id: data_collection
    label: Data collection described
    type: choice
    values: [yes, unclear, no]
    help: Are the setting, the methods (interviews, documents, observation) and the form of the
      data reported?
  - id: reflexivity
    label: Researchers' role considered
    type: choice
    values: [yes, unclear, no]
    help: Do the authors examine how their own position may have shaped the data and the analysis?
  - id: ethics
    label: Ethics addressed
    type: choice
    values: [yes, unclear, no, not applicable]
    help: Consent, confidentiality, approval; not applicable for secondary or conceptual work.
  - id: analysis
    label: Analysis rigorous
    type: choice
    values: [yes, unclear, no]
    help: Is the analysis described step by step, are contrary cases weighed, do the quotes shown
      carry the claims?
  - id: findings
    label: Findings clear
    type: choice
    values: [yes, unclear, no]
    help: Are the findings stated plainly, set against the evidence for and against, and tied to
      the question?
  - id: value
    label: Contribution
    type: choice
    values: [yes, unclear, no]
    help: Does the study add to knowledge or practice, and do the authors say where it transfers?
  - id: overall
    label: Overall quality
    type: choice
    values: [high, moderate, low]
    help: Your judgement over the questions above; low when a weakness could change what the study
      found.
  - id: notes
    label: Notes
    type: text
    help: What drove the overall judgement; quote the weakness with its page.
"""


@dataclass(frozen=True)
class Judgements:
    """Each included study's overall judgement, and how many studies got each."""

    field: str  # the form's overall field id ("" when the form names none)
    label: str  # that field's label, "Overall quality"
    values: tuple[str, ...]  # the judgements the form allows, in its order
    by_record: dict[str, str]  # record id -> judgement, NOT_JUDGED when blank
    counts: dict[str, int]  # judgement -> studies, in the form's order, then NOT_JUDGED

    def to_json(self) -> dict[str, object]:
        return {"field": self.field, "label": self.label, "counts": self.counts}


def judgements(
    conn: sqlite3.Connection, form: Form, studies: Sequence[Study] | None = None
) -> Judgements:
    """The judgements of the review's studies (`studies`, when the caller has read them; an
    update's previous ones too, with the judgements its previous version carried)."""
    overall = form.field(form.overall) if form.overall else None
    if overall is None:
        return Judgements("", "", (), {}, {})
    studies = review_studies(conn) if studies is None else studies
    values = table_values(conn, form, studies)
    by_record = {s.record_id: values.get((s.record_id, overall.id)) or NOT_JUDGED for s in studies}
    tally = Counter(by_record.values())
    order = [*overall.values, NOT_JUDGED]
    counts = {v: tally[v] for v in order if tally[v] or v != NOT_JUDGED}
    return Judgements(overall.id, overall.label, overall.values, by_record, counts)


def by_document(conn: sqlite3.Connection, form: Form) -> dict[str, str]:
    """Document id -> the overall judgement of the study it is the full text of.

    A document linked to two included studies that were judged differently gets both, joined
    by "; " as a documents.csv attribute holding several values is.
    """
    studies = included_studies(conn)
    judged = judgements(conn, form, studies).by_record
    out: dict[str, set[str]] = {}
    for study in studies:
        for document_id, _ in study.full_texts:
            out.setdefault(document_id, set()).add(judged.get(study.record_id, NOT_JUDGED))
    return {d: "; ".join(sorted(v)) for d, v in out.items()}


def document_attributes(conn: sqlite3.Connection, form_path: Path) -> dict[str, dict[str, str]]:
    """Document id -> {"appraisal": judgement}, for the matrices; empty without a form that
    names its `overall` field."""
    if not form_path.exists():
        return {}
    form = load_form(form_path, APPRAISAL)
    if not form.overall:
        return {}
    return {d: {ATTRIBUTE: v} for d, v in by_document(conn, form).items()}


# Answers that say a question does not apply to a study: neither good nor bad.
NEUTRAL = frozenset({"not applicable", "n/a", "na", "not relevant"})


def tones(field: FormField) -> dict[str, str]:
    """How each answer of a choice question reads, for colour: "good", "mid" or "bad".

    A checklist lists its answers best first ([yes, unclear, no]; [high, moderate, low];
    RoB 2's [low, some concerns, high], where low risk is the good answer): the first is good,
    the last bad, the rest between. A word cannot say it ("low" is bad quality and good risk),
    the order can. Answers that say the question does not apply have no tone.
    """
    if field.type != "choice":
        return {}
    scored = [v for v in field.values if v.casefold() not in NEUTRAL]
    if len(scored) < 2:
        return {}
    return {v: "good" if i == 0 else "bad" if i == len(scored) - 1 else "mid"
            for i, v in enumerate(scored)}  # fmt: skip


def summary_sentence(found: Judgements) -> str:
    """The judgements in a sentence, "Overall quality: low 3, not judged 25 (28 studies)."."""
    if not found.field:
        return ""
    total = sum(found.counts.values())
    if not total:
        return f"{found.label}: no study is included at full text yet."
    parts = ", ".join(f"{value} {n}" for value, n in found.counts.items() if n)
    return f"{found.label}: {parts} ({count(total, 'study', 'studies')})."


def methods_sentence(conn: sqlite3.Connection, form: Form) -> str:
    """How the studies were appraised, for the Methods (PRISMA 2020 item 11): the checklist,
    how many studies and by how many reviewers each; whether they worked independently the
    log cannot tell, so the author adds it."""
    included = included_studies(conn)
    answered = answers_given(conn, form, included)
    per_study = reviewers_per_study(answered)
    carried = carried_methods(conn, form)
    if not per_study:
        return carried
    tool = f" with {form.tool}" if form.tool else ""
    reviewers = reviewers_phrase(per_study)
    settled = settled_phrase(answered)
    said = (
        f"The included studies were {'appraised' + tool if tool else 'critically appraised'}:"
        f" {len(per_study)} of {count(len(included), 'study', 'studies')}, {reviewers}{settled}."
    )
    agreed = agreement(answered, form.overall)
    if agreed is not None:
        said += (
            f" {agreed.first} and {agreed.second} gave the same answer to {agreed.same} of the"
            f" {agreed.both} questions they both answered"
        )
        if agreed.kappa is not None:
            said += f"; on the overall judgement, Cohen's kappa {agreed.kappa:.2f}"
        said += "."
    return f"{said} {carried}" if carried else said
