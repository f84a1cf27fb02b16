"""Forms filled in per included study: data extraction and critical appraisal.

Data extraction: a form in the project, a sheet per review, a table every review publishes.

The form (`extraction.yaml`, or `[records] extraction_form`) lists the fields a reviewer
records for each included study:

    fields:
      - id: design
        label: Study design
        type: choice            # text | integer | number | choice | multi | boolean
        values: [case study, survey, interview study]
        help: The design the authors name, not the one you would have chosen.

`litsynth extract export` writes a sheet (CSV or XLSX) with a row per included study and a
column per field, current values filled in; `extract import` validates every cell against the
form and appends the changed ones to an append-only log (store/extraction.py), naming the line
and field of any bad cell. `extract table` and the report show the "characteristics of
included studies" table.

Critical appraisal (`appraisal.yaml`, `litsynth appraise`; biblio/appraisal.py) is the same
machinery with another form: a question per field, an `overall` judgement, its own values in
the same log.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litsynth.biblio.export import select
from litsynth.biblio.screening_rules import now_utc
from litsynth.biblio.sheet_files import read_table, write_table
from litsynth.biblio.studies import PREVIOUS, is_previous_study, previous_label, previous_labels
from litsynth.cells import safe_cell
from litsynth.citations.labels import work_label
from litsynth.errors import BiblioError
from litsynth.records import BibRecord, PreviousValue
from litsynth.store import extraction as store
from litsynth.store import previous as previous_store
from litsynth.store.db import transaction
from litsynth.yamltext import parse_yaml

TYPES = ("text", "integer", "number", "choice", "multi", "boolean")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FIXED = ("record_id", "study", "title")  # the sheet's first columns, before the fields
# After the fields, when any study has one: the files of the documents linked to each study.
_FULL_TEXT = "full_text"
_NOT_FIELDS = (*_FIXED, _FULL_TEXT)  # columns the sheet shows and import does not read
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str = "text"
    values: tuple[str, ...] = ()  # allowed values of a choice / multi field
    help: str = ""


@dataclass(frozen=True)
class FormKind:
    """What a form is for: where its values are logged and what the commands say about it."""

    name: str  # the log's `form` column
    command: str  # `litsynth <command> init|export|import|table`
    what: str  # "extraction form"
    setting: str  # the litsynth.toml key naming its file
    # Whether each reviewer's answers count apart: two appraisers answer independently, so an
    # answer the other gave too is still recorded (their agreement is the point); extracted
    # data are one set of values, and a value that is already there changes nothing.
    per_reviewer: bool = False


EXTRACTION = FormKind("extraction", "extract", "extraction form", "[records] extraction_form")
APPRAISAL = FormKind(
    "appraisal", "appraise", "appraisal form", "[records] appraisal_form", per_reviewer=True
)


@dataclass(frozen=True)
class Form:
    fields: tuple[FormField, ...]
    path: str = ""
    kind: FormKind = EXTRACTION
    tool: str = ""  # the checklist it follows, as the Methods name it
    overall: str = ""  # the id of the field that sums a study up (an appraisal's judgement)
    # two reviewers extract each study independently (`independent: true` in the form)
    independent: bool = False

    @property
    def apart(self) -> bool:
        """Whether each reviewer's values count apart: always for an appraisal, for data
        extraction when the form says its reviewers work independently."""
        return self.kind.per_reviewer or self.independent

    def field(self, ident: str) -> FormField | None:
        return next((f for f in self.fields if f.id == ident), None)


def parse_form(text: str, source: str, kind: FormKind = EXTRACTION) -> Form:
    """The form from YAML; every mistake is one message naming the file and the field."""
    data = parse_yaml(text, source, BiblioError)
    raw = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise BiblioError(f"{source}: no `fields:` list", hint="see docs/records.md for a form")
    fields: list[FormField] = []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise BiblioError(f"{source}: field {n} is not a mapping", hint="- id: design …")
        ident = str(item.get("id", ""))
        where = f"{source}: field {n} ({ident or 'no id'})"
        if not _ID.match(ident) or ident in _NOT_FIELDS:
            raise BiblioError(
                f"{where}: id must be a name like `sample_size`, not a sheet column",
                hint="letters, digits and _; not record_id, study, title or full_text",
            )
        if any(f.id == ident for f in fields):
            raise BiblioError(f"{where}: the id is used twice", hint="give each field its own id")
        ftype = str(item.get("type", "text"))
        if ftype not in TYPES:
            raise BiblioError(
                f"{where}: unknown type {ftype!r}", hint=f"one of: {', '.join(TYPES)}"
            )
        values = item.get("values") or []
        if not isinstance(values, list) or not all(
            isinstance(v, str | int | float) for v in values
        ):
            raise BiblioError(f"{where}: values must be a list of words", hint="values: [a, b]")
        if ftype in ("choice", "multi") and not values:
            raise BiblioError(f"{where}: a {ftype} field needs its values", hint="values: [a, b]")
        fields.append(
            FormField(
                ident,
                str(item.get("label") or ident.replace("_", " ").capitalize()),
                ftype,
                tuple(_word(v) for v in values),
                str(item.get("help") or ""),
            )
        )
    tool = data.get("tool") or ""
    overall = str(data.get("overall") or "")
    if overall and not any(f.id == overall and f.type == "choice" for f in fields):
        raise BiblioError(
            f"{source}: overall names {overall!r}, which is not a choice field of the form",
            hint="overall: the id of the choice field that holds each study's judgement",
        )
    independent = data.get("independent", False)
    if not isinstance(independent, bool):
        raise BiblioError(
            f"{source}: independent must be true or false, not {independent!r}",
            hint="independent: true — two reviewers extract each study, their values kept apart",
        )
    return Form(tuple(fields), source, kind, str(tool).strip(), overall, independent)


def _word(value: object) -> str:
    """A form's value as the reviewer wrote it: YAML reads a bare yes / no as a boolean."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# `litsynth extract init`: a form to edit, one field of every type, each line saying what it
# is for. The fields are the ones most reviews extract; the reviewer renames or drops them.
STARTER_FORM = """\
# The data-extraction form: what is recorded for each study included at full text.
# Edit it, then `litsynth extract export studies.xlsx` writes the sheet to fill in.
# Types: text, integer, number, choice (one of `values`), multi (any of `values`,
# separated by ";" in the sheet), boolean (yes / no). `help` shows on the sheet's header.
# Two reviewers extracting each study independently? Uncomment `independent: true`: each
# one's values are kept apart, `extract table` lists where they differ, and a value
# imported as reviewer `consensus` settles it.
# independent: true
fields:
  - id: design
    label: Study design
    type: choice
    values: [randomised trial, cohort, case-control, cross-sectional, case study, qualitative,
             mixed methods, review, conceptual]
    help: The design the authors report.
  - id: country
    label: Country or region
    type: text
  - id: sample_size
    label: Sample size
    type: integer
    help: Participants, firms or cases analysed; blank when not reported.
  - id: outcomes
    label: Outcomes measured
    type: multi
    values: [primary outcome, secondary outcome, cost, adverse events]
    help: Replace these with the outcomes your review asks about.
  - id: effect_size
    label: Main effect size
    type: number
  - id: funding_declared
    label: Funding declared?
    type: boolean
"""


def write_starter_form(path: Path, text: str = STARTER_FORM) -> Path:
    """Write a starter form to `path`, never over a form that is there."""
    if path.exists():
        raise BiblioError(
            f"{path} already exists", hint="edit it, or delete it first for a fresh start"
        )
    path.write_text(text, encoding="utf-8")
    return path


def load_form(path: Path, kind: FormKind = EXTRACTION) -> Form:
    if not path.exists():
        raise BiblioError(
            f"no {kind.what} at {path}",
            hint=f"`litsynth {kind.command} init` writes one to edit (see docs/records.md),"
            f" or set {kind.setting}",
        )
    return parse_form(path.read_text(encoding="utf-8"), str(path), kind)


def check_value(field: FormField, raw: str) -> tuple[str, str]:
    """(the value as stored, problem). Choices are matched ignoring case; a multi takes ";"."""
    text = " ".join(str(raw).split())
    if not text:
        return "", ""
    if field.type == "integer":
        return (
            (text, "") if re.fullmatch(r"-?\d+", text) else ("", f"{text!r} is not a whole number")
        )
    if field.type == "number":
        try:
            float(text.replace(",", "."))
        except ValueError:
            return "", f"{text!r} is not a number"
        return text.replace(",", "."), ""
    if field.type == "boolean":
        low = text.lower()
        if low in _YES or low in _NO:
            return ("yes" if low in _YES else "no"), ""
        return "", f"{text!r} is not yes or no"
    if field.type in ("choice", "multi"):
        parts = [p.strip() for p in text.split(";")] if field.type == "multi" else [text]
        known = {v.casefold(): v for v in field.values}
        bad = [p for p in parts if p and p.casefold() not in known]
        if bad:
            return "", f"{bad[0]!r} is not one of: {', '.join(field.values)}"
        return "; ".join(known[p.casefold()] for p in parts if p), ""
    return text, ""


@dataclass(frozen=True)
class Study:
    record_id: str  # its main report's (`litsynth studies`): what its values are recorded on
    label: str  # "Doe & Roe (2019)"
    title: str
    # the documents linked to its reports (`litsynth link`), (id, path): what data are read from
    full_texts: tuple[tuple[str, str], ...] = ()
    reports: tuple[str, ...] = ()  # its other included reports' record ids
    report_labels: tuple[str, ...] = ()  # and their labels, "Doe & Roe (2021)"
    # in an updated review, the previous version's study these are new reports of, labelled
    earlier: str = ""
    # and its name (`previous:STUDY`), whose carried values fill this row's blanks; a study
    # of the previous version no report of the update joined has it as its record_id too
    previous: str = ""

    def named(self) -> str:
        """Its label, with its other reports where it has any: "Doe (2019; also Doe (2021))"
        reads badly, so "Doe (2019), also Doe & Roe (2021)"; and the previous version's study
        it reports: "Doe (2023), new report of Doe (2019), previous version"."""
        named = ", also ".join((self.label, *self.report_labels))
        return f"{named}, new report of {self.earlier}" if self.earlier else named


def included_studies(conn: sqlite3.Connection) -> list[Study]:
    """The studies of the review: records included at full text, duplicates folded, the
    reports of one study (`litsynth studies group`) folded into its first included report
    (its main report when that is included)."""
    from litsynth.store import biblio as biblio_store

    by_study: dict[str, list[BibRecord]] = {}
    for e in select(conn, "included"):
        by_study.setdefault(e.study or e.record.id, []).append(e.record)
    earlier = (
        previous_labels(previous_store.reports(conn))
        if any(map(is_previous_study, by_study))
        else {}
    )
    out = []
    for root, reports in by_study.items():
        main = next((r for r in reports if r.id == root), reports[0])
        ordered = [main, *(r for r in reports if r is not main)]
        texts = tuple(
            (d["id"], d["path"]) for r in ordered for d in biblio_store.linked_documents(conn, r.id)
        )
        labels = [work_label(r.authors, r.year, title=r.title) for r in ordered]
        out.append(
            Study(
                main.id,
                labels[0],
                main.title,
                texts,
                tuple(r.id for r in ordered[1:]),
                tuple(labels[1:]),
                previous_label(earlier, root)[0] if is_previous_study(root) else "",
                root if is_previous_study(root) else "",
            )
        )
    return out


def review_studies(conn: sqlite3.Connection) -> list[Study]:
    """The studies the tables cover: the included ones and, in an updated review, each study
    of the previous version no report of the update joined, named `previous:STUDY` and
    labelled "Doe (2019), previous version"."""
    included = included_studies(conn)
    reports = previous_store.reports(conn)
    joined = {s.previous for s in included}
    return [
        *included,
        *(Study(key, label, title, previous=key)
          for key, (label, title) in previous_labels(reports).items() if key not in joined),
    ]  # fmt: skip


def with_carried(
    conn: sqlite3.Connection,
    form: Form,
    studies: Sequence[Study],
    values: Mapping[tuple[str, str], str],
) -> dict[tuple[str, str], str]:
    """`values` (keyed by study row) with the blanks of each row of a previous version's
    study filled from what that version recorded (biblio/previous_values.py), as the update
    has corrected it: its data stay on its row in the update's tables."""
    carried: dict[str, dict[str, str]] = {}
    for v in previous_store.standing_values(conn, form.kind.name):
        carried.setdefault(v.study, {})[v.field] = v.value
    out = dict(values)
    for s in studies:
        held = carried.get(s.previous.removeprefix(PREVIOUS), {}) if s.previous else {}
        for field, value in held.items():
            if value and not out.get((s.record_id, field)):
                out[(s.record_id, field)] = value
    return out


def table_values(
    conn: sqlite3.Connection, form: Form, studies: Sequence[Study], reviewer: str = ""
) -> dict[tuple[str, str], str]:
    """What each study's row shows: the values that stand (for `reviewer`, where the form's
    reviewers answer apart), folded from its reports, the previous version's carried under."""
    own = standing(conn, form, reviewer) if reviewer else store.current_values(conn, form.kind.name)
    return with_carried(conn, form, studies, folded(own, studies))


_Row = tuple[str, str, str, str, str, str]  # record_id, field, value, reviewer, at, source


def _append(conn: sqlite3.Connection, form: Form, rows: Sequence[_Row]) -> None:
    """Append (record_id, field, value, reviewer, at, source) rows: to the extraction log,
    or for a study of the previous version (`previous:STUDY`) as a correction of its values."""
    store.append_values(conn, [r for r in rows if not is_previous_study(r[0])], form.kind.name)
    previous_store.append_values(conn, [
        PreviousValue(form.kind.name, rid.removeprefix(PREVIOUS), field, value, who, at, source,
                      carried=False)
        for rid, field, value, who, at, source in rows if is_previous_study(rid)
    ])  # fmt: skip


def folded(
    values: Mapping[tuple[str, str], str], studies: Sequence[Study]
) -> dict[tuple[str, str], str]:
    """`values` with each study's row filled from its other reports where its own has none:
    data extracted from a paper before it was grouped under another main report
    (`litsynth studies group`) still show on the study's row, and count."""
    by_record: dict[str, dict[str, str]] = {}
    for (record, field), value in values.items():
        by_record.setdefault(record, {})[field] = value
    out = dict(values)
    for s in studies:
        for other in s.reports:
            for field, value in by_record.get(other, {}).items():
                if value:
                    out.setdefault((s.record_id, field), value)
    return out


def report_of(studies: Sequence[Study]) -> dict[str, str]:
    """An included report that is not its study's main one -> the main report's record id."""
    return {other: s.record_id for s in studies for other in s.reports}


def sheet_rows(
    form: Form, studies: Sequence[Study], values: Mapping[tuple[str, str], str]
) -> list[list[str]]:
    linked = any(s.full_texts for s in studies)
    header = [*_FIXED, *(f.id for f in form.fields), *([_FULL_TEXT] if linked else [])]
    rows = [
        [s.record_id, s.named(), s.title,
         *(values.get((s.record_id, f.id), "") for f in form.fields),
         *(["; ".join(path for _, path in s.full_texts)] if linked else [])]
        for s in studies
    ]  # fmt: skip
    return [header, *rows]


def write_sheet(conn: sqlite3.Connection, form: Form, out: Path, reviewer: str = "") -> int:
    """The extraction sheet for the included studies; returns how many rows. With a
    `reviewer`, a form whose reviewers work apart shows that reviewer's own values only, so
    a second extractor or appraiser does not start from the first one's."""
    own = reviewer and form.apart
    studies = review_studies(conn)
    rows = sheet_rows(form, studies, table_values(conn, form, studies, reviewer if own else ""))

    def decorate(sheet: Any) -> None:
        _form_help(form, sheet, len(rows))

    write_table(_safe(rows), out, title=form.kind.name, decorate=decorate, error=BiblioError)
    return len(rows) - 1


def _form_help(form: Form, ws: Any, n: int) -> None:
    """The field help as header comments and drop-downs for choice fields."""
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, f in enumerate(form.fields, start=len(_FIXED) + 1):
        cell = ws.cell(row=1, column=i)
        if f.help or f.values:
            cell.comment = Comment(f"{f.label}: {f.help} {'; '.join(f.values)}".strip(), "litsynth")
        if f.type in ("choice", "boolean") and n > 1:
            options = f.values if f.type == "choice" else ("yes", "no")
            dv = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
            )
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{n}")


@dataclass(frozen=True)
class ExtractImport:
    appended: int
    unchanged: int
    problems: tuple[tuple[int, str, str], ...]  # (line, column, message)

    def to_json(self) -> dict[str, object]:
        return {
            "recorded": self.appended,
            "unchanged": self.unchanged,
            "problems": [{"line": ln, "field": f, "problem": m} for ln, f, m in self.problems],
        }


def import_sheet(
    conn: sqlite3.Connection, form: Form, path: Path, *, reviewer: str
) -> ExtractImport:
    """Validate a filled-in sheet and append its changed values, all or none on a bad cell."""
    table = read_table(path, error=BiblioError)
    export = f"`litsynth {form.kind.command} export`"
    if not table:
        raise BiblioError(f"{path} is empty", hint=f"export a sheet with {export}")
    header = [h.strip() for h in table[0]]
    if "record_id" not in header:
        raise BiblioError(
            f"{path} has no record_id column", hint=f"export a sheet with {export} and fill it in"
        )
    unknown = [h for h in header if h and h not in _NOT_FIELDS and form.field(h) is None]
    studies = review_studies(conn)
    known_ids, folded_into = {s.record_id for s in studies}, report_of(studies)
    current = table_values(conn, form, studies, reviewer)
    problems: list[tuple[int, str, str]] = [(1, h, "not a field of the form") for h in unknown]
    fresh: list[tuple[str, str, str, str, str, str]] = []
    unchanged = 0
    at = now_utc()
    for line, row in enumerate(table[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        rid = (cells.get("record_id") or "").strip()
        if not rid:
            continue
        if rid in folded_into:
            problems.append((line, "record_id", f"{rid!r} is a report of the study"
                             f" {folded_into[rid]!r}: its row holds the study's data"))  # fmt: skip
            continue
        if rid not in known_ids:
            problems.append((line, "record_id", f"{rid!r} is not an included study"))
            continue
        for f in form.fields:
            if f.id not in cells or not str(cells[f.id]).strip():
                continue  # a blank cell changes nothing
            value, problem = check_value(f, cells[f.id])
            if problem:
                problems.append((line, f.id, problem))
            elif current.get((rid, f.id)) == value:
                unchanged += 1
            else:
                fresh.append((rid, f.id, value, reviewer, at, f"{path.name}:{line}"))
    if problems:
        return ExtractImport(0, unchanged, tuple(problems))
    with transaction(conn):
        _append(conn, form, fresh)
    return ExtractImport(len(fresh), unchanged, ())


@dataclass(frozen=True)
class Characteristics:
    """The "characteristics of included studies" table: a row per study, a column per field."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def characteristics(conn: sqlite3.Connection, form: Form) -> Characteristics:
    """Every study of the review (an update's previous ones too), sorted by label."""
    studies = review_studies(conn)
    values = table_values(conn, form, studies)
    rows = tuple(
        (s.named(), *(values.get((s.record_id, f.id), "") for f in form.fields))
        for s in sorted(studies, key=lambda s: s.label.casefold())
    )
    return Characteristics(("Study", *(f.label for f in form.fields)), rows)


def write_characteristics(table: Characteristics, out: Path) -> None:
    rows = [list(table.header), *[list(r) for r in table.rows]]
    write_table(_safe(rows), out, title="characteristics", error=BiblioError)


def _safe(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Every cell as text a spreadsheet shows literally (no formula runs)."""
    return [[safe_cell(c) for c in r] for r in rows]


def record_value(
    conn: sqlite3.Connection,
    form: Form,
    record_id: str,
    field_id: str,
    raw: str,
    *,
    reviewer: str,
    source: str = "workspace",
) -> str:
    """One value from the workspace, checked like a sheet cell; "" clears it. Returns it."""
    field = form.field(field_id)
    if field is None:
        raise BiblioError(f"no field {field_id!r} in the form", hint=f"see {form.path}")
    studies = review_studies(conn)
    if record_id not in {s.record_id for s in studies}:
        raise BiblioError(
            f"{record_id!r} is not an included study",
            hint="only studies included at full text are extracted or appraised",
        )
    value, problem = check_value(field, raw)
    if problem:
        raise BiblioError(f"{field.label}: {problem}", hint=field.help or "see the form")
    if table_values(conn, form, studies, reviewer).get((record_id, field_id), "") != value:
        with transaction(conn):
            _append(conn, form, [(record_id, field_id, value, reviewer, now_utc(), source)])
    return value


def standing(conn: sqlite3.Connection, form: Form, reviewer: str) -> dict[tuple[str, str], str]:
    """The values that stand for `reviewer`: the form's current ones, or for a form whose
    reviewers answer apart, this reviewer's own latest answers. A new value is compared with
    them, and the workspace shows them."""
    if not form.apart:
        return store.current_values(conn, form.kind.name)
    return {
        key: by[reviewer]
        for key, by in store.reviewers_values(conn, form.kind.name).items()
        if reviewer in by
    }


def form_json(form: Form) -> list[dict[str, object]]:
    return [
        {"id": f.id, "label": f.label, "type": f.type, "values": list(f.values), "help": f.help}
        for f in form.fields
    ]
