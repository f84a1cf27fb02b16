"""The previous version of an updated review, read from the file a reviewer names: its
litsynth deposit package (a zip or a folder: records.csv, each record included at full text
with its study) or a reference file of its included studies in any format `litsynth import`
reads. The command line and the workspace's Records screen both read it here."""

from __future__ import annotations

from pathlib import Path

from litsynth.biblio import previous
from litsynth.biblio.readers import build_batch
from litsynth.errors import BiblioError
from litsynth.records import PreviousReport
from litsynth.report.deposit_check import is_package, read_package, table_rows


def read_previous(file: Path, study_column: str | None) -> list[PreviousReport]:
    """The reports of a deposit package (folder or zip) or of a reference file; with
    `study_column`, a reference file's column naming each report's study."""
    if is_package(file):
        if study_column is not None:
            raise BiblioError(
                "--study-column is for a reference file",
                hint="a deposit package's studies are its included records",
            )
        files = read_package(file)
        rows = table_rows(files, "records.csv",
                          ("record_id", "full_text_decision", "duplicate_of"))  # fmt: skip
        # a package that was an update itself holds its own previous version's studies
        earlier = (
            table_rows(files, "previous.csv", ("report_id", "study"))
            if "previous.csv" in files
            else []
        )
        return previous.from_deposit(rows, file.name, earlier)
    batch = build_batch(file.read_bytes(), file.name, "previous version")
    if study_column is not None and study_column not in batch.records[0].extra:
        raise BiblioError(f"{file.name} has no column {study_column!r}",
                          hint="name the column that holds each report's study")  # fmt: skip
    return previous.from_records(batch.records, file.name, study_column)
