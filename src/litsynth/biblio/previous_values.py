"""An updated review's previous version: the data it extracted from its studies and its
critical appraisal of them, carried into the update.

An update includes the previous version's studies and the new ones, and its "characteristics
of included studies" table and appraisal cover all of them: the studies already included keep
the data extracted from them, which the update's reviewers check and correct rather than
extract again. A litsynth deposit package holds every value written (extraction.csv,
appraisal.csv, keyed by the package's records) and, for a package that was an update itself,
the values it carried (previous-values.csv, keyed by study). Read here, each value is keyed by
the previous version's study, as the previous version's list names it (biblio/previous.py),
so the update's tables show it on that study's row.

Which value a study carries for a field: the package's own over the one it carried from its
own previous version (its reviewers saw that one and may have corrected it); of the package's
own, the latest written per record and field, the study's main report's over its other
reports' (as the package's own table showed it: extraction.folded); a blank (cleared) one
carries nothing.

Pure: rows in, values out. The store keeps them (store/previous.py), and extraction's tables
read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from litsynth.records import PreviousReport, PreviousValue
from litsynth.words import count

FORMS = ("extraction", "appraisal")  # the forms a package holds, as their tables are named
EARLIER_TABLE = "previous-values.csv"  # what a package carried from its own previous version


def carried(
    own: Sequence[PreviousReport],
    logs: Mapping[str, Sequence[Mapping[str, str]]],
    earlier: Iterable[Mapping[str, str]],
    file_name: str,
) -> list[PreviousValue]:
    """The values a package's studies carry. `own`: the package's own included reports (each
    with the study the previous version's list gives it); `logs`: form -> the rows of its
    extraction.csv or appraisal.csv, in the order written; `earlier`: the rows of its
    previous-values.csv."""
    chosen: dict[tuple[str, str, str], PreviousValue] = {}
    for row in earlier:
        if row.get("value"):
            value = PreviousValue(row["form"], row["study"], row["field"], row["value"],
                                  row.get("reviewer", ""), row.get("at", ""),
                                  row.get("provenance", ""))  # fmt: skip
            chosen[(value.form, value.study, value.field)] = value
    study_of = {r.id: r.study for r in own}
    for form, rows in logs.items():
        standing: dict[tuple[str, str], tuple[int, Mapping[str, str]]] = {}
        for line, row in enumerate(rows, start=2):  # line 1 is the header
            standing[(row["record_id"], row["field"])] = (line, row)
        mine: dict[tuple[str, str, str], PreviousValue] = {}
        # the study's other reports first, so its main report's value is the one kept
        for (rid, field), (line, row) in sorted(
            standing.items(), key=lambda item: _is_main(item[0][0], study_of.get(item[0][0], ""))
        ):
            study = study_of.get(rid)
            if study is None or not row["value"]:
                continue
            key = (form, study, field)
            if key in mine and not _is_main(rid, study):
                continue
            source = f"{file_name}, {form}.csv line {line}"
            mine[key] = PreviousValue(form, study, field, row["value"], row.get("reviewer", ""),
                                      row.get("at", ""), source)  # fmt: skip
        chosen.update(mine)
    return list(chosen.values())


def _is_main(record_id: str, study: str) -> bool:
    """Whether `record_id` is its study's main report: the study is named by it (or, renamed
    apart from an earlier version's study, `VERSION:ID`)."""
    return record_id == study or study.endswith(f":{record_id}")


@dataclass(frozen=True)
class CarriedCount:
    """How much of one form the previous version's studies carry."""

    form: str
    studies: int
    values: int


def counted(values: Iterable[PreviousValue]) -> list[CarriedCount]:
    """Per form (in FORMS' order), the studies with a value and the values, blanks not
    counted."""
    by_form: dict[str, tuple[set[str], int]] = {}
    for v in values:
        if v.value:
            studies, n = by_form.get(v.form, (set(), 0))
            by_form[v.form] = (studies | {v.study}, n + 1)
    return [CarriedCount(f, len(by_form[f][0]), by_form[f][1]) for f in FORMS if f in by_form]


def carried_sentence(counts: Sequence[CarriedCount]) -> str:
    """ "Its data extraction (96 values on 12 studies) and its appraisal (140 answers on 14
    studies) are carried: …", or "" when nothing is."""
    if not counts:
        return ""
    parts = [
        f"its data extraction ({count(c.values, 'value')} on {_studies(c)})"
        if c.form == "extraction"
        else f"its appraisal ({count(c.values, 'answer')} on {_studies(c)})"
        for c in counts
    ]
    said = " and ".join(parts)
    return (f"{said[0].upper()}{said[1:]} {'is' if len(parts) == 1 else 'are'} carried into this"
            " update: `litsynth extract table` and `litsynth appraise table` show them on the"
            " previous version's studies, beside this update's.")  # fmt: skip


def _studies(c: CarriedCount) -> str:
    return count(c.studies, "study", "studies")


def methods_phrase(values: Iterable[PreviousValue], form: str) -> str:
    """What an update did with its previous version's values of `form`, for the Methods:
    "The data the previous version extracted from its 2 studies were carried into this update
    (4 values; 1 corrected).", "" when there are none. `values`: those that stand."""
    shown = [v for v in values if v.form == form and (v.value or not v.carried)]
    if not shown:
        return ""
    studies = count(len({v.study for v in shown}), "study", "studies")
    corrected = sum(not v.carried for v in shown)
    n = count(len(shown), "value" if form == "extraction" else "answer")
    said = f"{n}; {corrected} corrected" if corrected else n
    if form == "extraction":
        return (f"The data the previous version extracted from its {studies} were carried into"
                f" this update ({said}).")  # fmt: skip
    return (f"The previous version's appraisal of its {studies} was carried into this update"
            f" ({said}).")  # fmt: skip


_WHAT = {"extraction": ("data extraction", "extraction"), "appraisal": ("appraisal", "appraisal")}


def form_notes(
    values: Iterable[PreviousValue], fields: Mapping[str, frozenset[str] | None]
) -> list[str]:
    """What an update should know of the carried values its forms cannot show: a form it
    has not written yet, or fields the previous version's form had and its own lacks (their
    values are kept, and show once the form has them). `fields`: form -> the field ids of
    the project's form, None when it has none."""
    held: dict[str, set[str]] = {}
    for v in values:
        if v.value and v.carried:
            held.setdefault(v.form, set()).add(v.field)
    out = []
    for form, ids in held.items():
        what, file = _WHAT.get(form, (form, form))
        have = fields.get(form)
        if have is None:
            out.append(f"This project has no {what} form yet: the carried values show once"
                       f" {file}.yaml has their fields (the package's own form is"
                       f" forms/{file}.yaml).")  # fmt: skip
            continue
        lacking = sorted(ids - have)
        if lacking:
            verb = "is" if len(lacking) == 1 else "are"
            out.append(f"{count(len(lacking), 'field')} of the previous version's {what} {verb}"
                       f" not in this project's form ({', '.join(lacking)}): their values are"
                       " kept, and show once the form has them.")  # fmt: skip
    return out
