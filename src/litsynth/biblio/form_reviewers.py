"""Two reviewers on one form: who filled in what for each study, where their latest values
differ, and how far they agree, for appraisal (always: two appraisers answer independently)
and for data extraction whose form says `independent: true` (biblio/extraction.py).

A value recorded as reviewer "consensus" settles its question; until then the tables show
the latest value, whoever gave it, and the differences are listed for the team to meet over.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from litsynth.biblio.extraction import Form, FormField, Study, included_studies
from litsynth.biblio.previous_values import methods_phrase
from litsynth.kappa import cohen_kappa
from litsynth.store import extraction as store
from litsynth.store import previous as previous_store
from litsynth.words import count, number_word

CONSENSUS = "consensus"  # the reviewer name whose answer settles two reviewers' disagreement


def answers_given(
    conn: sqlite3.Connection, form: Form, studies: Iterable[Study]
) -> dict[tuple[str, str], dict[str, str]]:
    """(study's record, field) -> reviewer -> latest non-blank answer, for the included
    `studies`. A reviewer's answer given on a report before it was folded into its study
    (`litsynth studies group`) counts for the study where that reviewer gave none on the
    study's own row, as `extraction.folded` fills the table: their differences and agreement
    are counted on what each reviewer said about the study."""
    given: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for (rid, field), by in store.reviewers_values(conn, form.kind.name).items():
        given.setdefault(rid, []).append((field, by))
    out: dict[tuple[str, str], dict[str, str]] = {}
    for study in studies:
        for record in (study.record_id, *study.reports):
            for field, by in given.get(record, []):
                answers = out.setdefault((study.record_id, field), {})
                for who, value in by.items():
                    if value:
                        answers.setdefault(who, value)
    return {key: answers for key, answers in out.items() if answers}


def reviewers_per_study(
    answered: Mapping[tuple[str, str], Mapping[str, str]],
) -> dict[str, set[str]]:
    """Who answered for each study (`answers_given`'s), the "consensus" answer not a reviewer."""
    per_study: dict[str, set[str]] = {}
    for (record, _field), answers in answered.items():
        per_study.setdefault(record, set()).update(set(answers) - {CONSENSUS})
    return per_study


def reviewers_phrase(per_study: Mapping[str, set[str]]) -> str:
    """ "by one reviewer", "by two reviewers each", or "by one reviewer (3 studies), two
    reviewers (2 studies)": how many people filled a form in per study, for the Methods."""
    by = Counter(len(who) for who in per_study.values())
    if len(by) == 1:
        n = next(iter(by))
        return f"by {number_word(n)} reviewer{'s' if n != 1 else ''}{' each' if n > 1 else ''}"
    return "by " + ", ".join(
        f"{number_word(n)} reviewer{'s' if n != 1 else ''} ({count(m, 'study', 'studies')})"
        for n, m in sorted(by.items())
    )


def settled_phrase(answered: Mapping[tuple[str, str], Mapping[str, str]]) -> str:
    """ "; differences were settled by consensus" once any value was recorded as the
    consensus one, for the Methods' sentence; "" before."""
    if any(CONSENSUS in a for a in answered.values()):
        return "; differences were settled by consensus"
    return ""


@dataclass(frozen=True)
class Agreement:
    """How the two reviewers who answered most agree, before any consensus."""

    first: str
    second: str
    both: int  # questions (study x question) both answered
    same: int  # of those, answered the same
    kappa: float | None  # Cohen's kappa on the overall judgement; None when undefined


def agreement(
    answered: dict[tuple[str, str], dict[str, str]], overall: str = ""
) -> Agreement | None:
    """The two most active reviewers' agreement: the share of questions answered alike, and
    Cohen's kappa on the overall judgement (one item per study both judged), the figure a
    review reports. Kappa is not pooled over questions: their answers are different scales.
    None with fewer than two reviewers or no question both answered.
    """
    given = Counter(who for answers in answered.values() for who in answers if who != CONSENSUS)
    if len(given) < 2:
        return None
    first, second = sorted(given, key=lambda who: (-given[who], who))[:2]
    both = {key: (a[first], a[second]) for key, a in answered.items() if first in a and second in a}
    if not both:
        return None
    judged = [pair for (_, field), pair in both.items() if overall and field == overall]
    kappa = cohen_kappa([x for x, _ in judged], [y for _, y in judged])
    return Agreement(first, second, len(both), sum(x == y for x, y in both.values()), kappa)


def collection_sentence(conn: sqlite3.Connection, form: Form) -> str:
    """How the data were collected, for the Methods (PRISMA 2020 items 9 and 10a): the form's
    items, and how many of the included studies were filled in by how many reviewers ("" while
    none is), counted as the appraisal's Methods sentence counts them. With a form whose
    reviewers extract independently, whether differences were settled by consensus and how
    often the two gave the same value (before it)."""
    included = included_studies(conn)
    answered = answers_given(conn, form, included)
    per_study = reviewers_per_study(answered)
    carried = carried_methods(conn, form)
    if not per_study:
        return carried
    labels = ", ".join(f.label[0].lower() + f.label[1:] if f.label[1:2].islower() else f.label
                       for f in form.fields)  # fmt: skip
    settled = settled_phrase(answered) if form.independent else ""
    said = (
        f"Data were extracted with a form of {count(len(form.fields), 'item')} ({labels}):"
        f" {len(per_study)} of {count(len(included), 'study', 'studies')},"
        f" {reviewers_phrase(per_study)}{settled}."
    )
    agreed = agreement(comparable(form, answered)) if form.independent else None
    if agreed is not None:
        said += (f" {agreed.first} and {agreed.second} gave the same value for {agreed.same} of"
                 f" the {agreed.both} items they both filled in.")  # fmt: skip
    return f"{said} {carried}" if carried else said


def carried_methods(conn: sqlite3.Connection, form: Form) -> str:
    """What an update carried of its previous version's values of `form`, for the Methods
    ("" for a new review): the data collection's sentence and the appraisal's end with it."""
    return methods_phrase(previous_store.standing_values(conn, form.kind.name), form.kind.name)


@dataclass(frozen=True)
class Disagreement:
    """Reviewers' latest answers to one question about one study that differ, unsettled."""

    study: str  # "Amit & Zott (2001)"
    question: str  # the field's label
    answers: dict[str, str]  # reviewer -> their latest answer
    record_id: str = ""
    field: str = ""

    def to_json(self) -> dict[str, object]:
        return {"record_id": self.record_id, "study": self.study, "field": self.field,
                "question": self.question, "answers": self.answers}  # fmt: skip

    def sentence(self) -> str:
        told = "; ".join(f"{who}: {answer}" for who, answer in sorted(self.answers.items()))
        return f"{self.study}, {self.question}: {told}"


def compared(field: FormField | None, value: str) -> str:
    """A value as two reviewers' values are compared: a number by its value ("40" and
    "40.0"), text without regard to case and spacing ("the Netherlands", "The  Netherlands");
    a choice as stored (the form's checks spelled it already)."""
    if field is not None and field.type in ("integer", "number"):
        try:
            return repr(float(value))
        except ValueError:
            return value
    if field is not None and field.type == "text":
        return " ".join(value.casefold().split())
    return value


def comparable(
    form: Form, answered: Mapping[tuple[str, str], Mapping[str, str]]
) -> dict[tuple[str, str], dict[str, str]]:
    """`answers_given`'s answers, each as `compared`: what agreement is counted on."""
    return {
        (record, field): {who: compared(form.field(field), v) for who, v in by.items()}
        for (record, field), by in answered.items()
    }


def disagreements(conn: sqlite3.Connection, form: Form) -> list[Disagreement]:
    """Questions two reviewers answered differently for a study, and nobody settled.

    Appraisal is done by two reviewers independently where a review can afford it, and their
    differences are what they meet to discuss. An answer recorded as reviewer "consensus"
    (`appraise import agreed.xlsx --reviewer consensus`) settles its question; until then the
    table shows the latest answer, whoever gave it.
    """
    studies = included_studies(conn)
    labels = {s.record_id: s.label for s in studies}
    out = []
    for (record, field), answers in sorted(answers_given(conn, form, studies).items()):
        question = form.field(field)
        if question is None or CONSENSUS in answers:
            continue
        if len({compared(question, v) for v in answers.values()}) < 2:
            continue
        out.append(Disagreement(labels[record], question.label, answers, record, field))
    return sorted(out, key=lambda d: (d.study.casefold(), d.question))
