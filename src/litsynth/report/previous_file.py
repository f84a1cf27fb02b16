"""The previous version of an updated review, read from the file a reviewer names: its
litsynth deposit package (a zip or a folder: records.csv, each record included at full text
with its study, and the values its extraction and appraisal recorded on them) or a reference
file of its included studies in any format `litsynth import` reads. The command line, the
workspace's Records screen and `litsynth run` all read it here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from litsynth.biblio import previous, previous_values
from litsynth.biblio.extraction import APPRAISAL, EXTRACTION, load_form
from litsynth.biblio.readers import build_batch
from litsynth.config import Project
from litsynth.errors import BiblioError
from litsynth.records import PreviousReport, PreviousValue
from litsynth.report.deposit_check import is_package, read_package, table_rows


@dataclass(frozen=True)
class Told:
    """The previous version as a file gives it: its included studies' reports, and the values
    carried with them (a deposit package's extraction and appraisal; none from a reference
    file)."""

    reports: list[PreviousReport]
    values: list[PreviousValue]


def read_previous(file: Path, study_column: str | None) -> Told:
    """The reports of a deposit package (folder or zip), with its values, or of a reference
    file; with `study_column`, a reference file's column naming each report's study."""
    if is_package(file):
        if study_column is not None:
            raise BiblioError(
                "--study-column is for a reference file",
                hint="a deposit package's studies are its included records",
            )
        return _from_package(read_package(file), file.name)
    batch = build_batch(file.read_bytes(), file.name, "previous version")
    if study_column is not None and study_column not in batch.records[0].extra:
        raise BiblioError(f"{file.name} has no column {study_column!r}",
                          hint="name the column that holds each report's study")  # fmt: skip
    return Told(previous.from_records(batch.records, file.name, study_column), [])


def _from_package(files: Mapping[str, bytes], name: str) -> Told:
    rows = table_rows(files, "records.csv", ("record_id", "full_text_decision", "duplicate_of"))
    # a package that was an update itself holds its own previous version's studies, and the
    # values it carried for them
    earlier = (
        table_rows(files, "previous.csv", ("report_id", "study")) if "previous.csv" in files else []
    )
    reports = previous.from_deposit(rows, name, earlier)
    own = reports[len(earlier) :]  # from_deposit lists the earlier version's reports first
    logs = {
        form: table_rows(files, f"{form}.csv", ("record_id", "field", "value"))
        for form in previous_values.FORMS
        if f"{form}.csv" in files
    }
    carried_before = (
        table_rows(files, previous_values.EARLIER_TABLE, ("form", "study", "field", "value"))
        if previous_values.EARLIER_TABLE in files
        else []
    )
    return Told(reports, previous_values.carried(own, logs, carried_before, name))


def form_fields(project: Project) -> dict[str, frozenset[str] | None]:
    """Form -> the field ids of the project's data-extraction and appraisal forms; None for
    a form the project has not written (or cannot read: `extract` says why)."""
    out: dict[str, frozenset[str] | None] = {}
    for kind, path in ((EXTRACTION, project.extraction_form_path),
                       (APPRAISAL, project.appraisal_form_path)):  # fmt: skip
        try:
            out[kind.name] = frozenset(f.id for f in load_form(path, kind).fields)
        except BiblioError:
            out[kind.name] = None
    return out
