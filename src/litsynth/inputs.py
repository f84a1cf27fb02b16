"""Applying the bibliographic inputs a project declares in litsynth.toml ([records]).

A review's PRISMA counts must be reproducible from the command line: the exports and the
screening sheets are files in the project, and `litsynth run` applies them in a fixed order:
import → citation searching → dedupe → automation rules → per stage (title/abstract, then
full text) its screening sheets and the resolutions of its reviewer conflicts. Imports are
already idempotent (same file, same source: no-op); a screening or resolution sheet is
appended to the log only the first time its exact bytes are applied for that stage and
reviewer, so repeating `run` never inflates the log.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from litsynth.config import Project
from litsynth.errors import BiblioError, ConfigError, LitsynthError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, bytes_id, content_id
from litsynth.store import runs
from litsynth.words import count

if TYPE_CHECKING:
    from litsynth.biblio.extraction import FormKind


@dataclass(frozen=True)
class ImportSpec:
    source: str
    path: Path


@dataclass(frozen=True)
class SheetSpec:
    stage: str
    reviewer: str
    path: Path


@dataclass
class InputsReport:
    imported: int = 0  # records added by new batches
    batches_skipped: int = 0  # files already imported
    duplicates: int = 0
    ineligible: int = 0
    citation_records: int = 0
    decisions: int = 0
    resolutions: int = 0
    sheets_skipped: int = 0
    linked: int = 0
    extracted: int = 0  # data-extraction values recorded from [records] extraction sheets
    appraised: int = 0  # appraisal answers recorded from [records] appraisal sheets
    searches: int = 0  # searches recorded from [records] searches (new ones)
    previous_removed: int = 0  # repeats of the previous version removed ([records] previous)
    grouped: int = 0  # study log entries from the [records] studies sheet
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for `run`'s step list."""
        parts = [
            f"{count(self.imported, 'record')} imported"
            f" ({count(self.batches_skipped, 'file')} unchanged)",
            f"{count(self.duplicates, 'duplicate')} linked",
            f"{self.ineligible} ineligible by automation",
            f"{count(self.decisions, 'screening decision')} added"
            f" ({count(self.sheets_skipped, 'sheet')} unchanged)",
        ]
        if self.resolutions:
            parts.append(f"{count(self.resolutions, 'conflict')} resolved")
        if self.citation_records:
            parts.append(f"{count(self.citation_records, 'record')} from citation searching")
        if self.extracted:
            parts.append(f"{count(self.extracted, 'data-extraction value')} recorded")
        if self.appraised:
            parts.append(f"{count(self.appraised, 'appraisal answer')} recorded")
        if self.searches:
            parts.append(f"{count(self.searches, 'search', 'searches')} recorded")
        if self.previous_removed:
            parts.append(f"{count(self.previous_removed, 'repeat')} of the previous version"
                         " removed")  # fmt: skip
        if self.grouped:
            parts.append(f"{count(self.grouped, 'report')} grouped into studies")
        return "; ".join(parts)


def _split(spec: str, what: str, example: str) -> tuple[str, str]:
    key, sep, path = spec.partition("=")
    if not sep or not key.strip() or not path.strip():
        raise ConfigError(
            f"[records] {what} entry {spec!r} in litsynth.toml is not of the form {example}",
            hint=f'write it as {what} = ["{example}"]',
        )
    return key.strip(), path.strip()


def parse_imports(project: Project) -> list[ImportSpec]:
    out = []
    for spec in project.settings.records.imports:
        if "=" not in spec:  # a path alone: the file's records name its database
            out.append(ImportSpec("", _existing(project, spec.strip(), "imports")))
            continue
        source, path = _split(spec, "imports", "Scopus=records/scopus.ris")
        out.append(ImportSpec(source, _existing(project, path, "imports")))
    return out


def parse_searches(project: Project) -> list[tuple[str, str, str]]:
    """[records] searches as (source, YYYY-MM-DD, query), each checked as `import --searched`
    checks its date."""
    from litsynth.biblio.batches import search_date

    example = "Scopus@2026-11-01=TITLE-ABS-KEY(…)"
    out = []
    for spec in project.settings.records.searches:
        head, sep, query = spec.partition("=")
        source, at, day = head.rpartition("@")
        if not sep or not at or not source.strip():
            raise ConfigError(
                f"[records] searches entry {spec!r} in litsynth.toml is not of the form {example}",
                hint=f"write it as searches = ['{example}'] (single quotes keep the query's own)",
            )
        try:
            checked = search_date(day, query)
        except BiblioError:
            checked = None
        if checked is None:
            raise ConfigError(
                f"[records] searches entry {spec!r} in litsynth.toml:"
                f" {day.strip()!r} is not a date",
                hint="write the date as YYYY-MM-DD, e.g. Scopus@2026-11-01=…",
            )
        out.append((source.strip(), checked, query.strip()))
    return out


def parse_sheets(project: Project, *, resolutions: bool = False) -> list[SheetSpec]:
    out = []
    specs = (
        project.settings.records.resolutions if resolutions else project.settings.records.screening
    )
    for spec in specs:
        who, path = _split(spec, "screening", "title-abstract:ana=records/ta.csv")
        stage, _, reviewer = who.partition(":")
        out.append(
            SheetSpec(
                stage.strip(),
                reviewer.strip() or project.settings.project.reviewer,
                _existing(project, path, "screening"),
            )
        )
    return out


def _existing(project: Project, relative: str, what: str) -> Path:
    path = project.inside(relative, f"[records] {what}").resolve()
    if not path.is_file():
        raise ConfigError(
            f"[records] {what} names {relative}, which is not a file in {project.root}",
            hint="fix the path in litsynth.toml or remove the entry",
        )
    return path


def _sheet_digest(spec: SheetSpec) -> str:
    from litsynth.biblio.screening_import import sheet_digest

    return sheet_digest(spec.path.read_bytes(), spec.stage, spec.reviewer)


def apply_inputs(project: Project, conn: sqlite3.Connection) -> InputsReport | None:
    """Apply the declared inputs; None when the project declares none."""
    from litsynth.biblio.batches import record_search
    from litsynth.biblio.dedupe import run_dedupe
    from litsynth.biblio.readers import import_files
    from litsynth.biblio.screening_import import import_sheet
    from litsynth.biblio.screening_ops import run_automation

    settings = project.settings.records
    imports, sheets = parse_imports(project), parse_sheets(project)
    resolutions, searches = parse_sheets(project, resolutions=True), parse_searches(project)
    earlier = _existing(project, settings.previous, "previous") if settings.previous else None
    grouping = _existing(project, settings.studies, "studies") if settings.studies else None
    if not imports and not sheets and not searches and earlier is None and grouping is None:
        return None
    report = InputsReport()
    for source, day, query in searches:
        report.searches += bool(record_search(conn, source, day, query)["recorded"])
    for spec in imports:
        for outcome in import_files(conn, [spec.path], spec.source):
            if outcome.error:
                # A declared export that yields nothing would drop a whole database from
                # PRISMA's identification box while the run reports success.
                raise BiblioError(
                    f"[records] import {spec.source or spec.path.name}: {outcome.error}",
                    hint="fix or replace the file, or remove it from [records] imports in"
                    " litsynth.toml"
                    + ("" if spec.source else '; or name its database: "Scopus=records/…"'),
                )
            if outcome.already_imported:
                report.batches_skipped += 1
            else:
                report.imported += outcome.n_records
    if settings.citation_searching:
        from litsynth.biblio.citation_search import import_references

        for outcome, _refs in import_references(conn):
            report.citation_records += 0 if outcome.already_imported else outcome.n_records
    if settings.dedupe and imports:
        report.duplicates = run_dedupe(conn).n_duplicates
    if earlier is not None:
        report.previous_removed = _apply_previous(project, conn, earlier)
    if settings.automation:
        report.ineligible = len(run_automation(conn, project.settings.screening).ineligible)
    # Stage by stage, each stage's sheets before its resolutions: a full-text sheet may only
    # hold records included at title/abstract, which a resolution can decide.
    for stage in (TITLE_ABSTRACT, FULL_TEXT):
        for sheet in (s for s in sheets if s.stage == stage):
            digest = _sheet_digest(sheet)
            if runs.input_applied(conn, "screening-sheet", digest):
                report.sheets_skipped += 1
                continue
            report.decisions += import_sheet(
                conn,
                sheet.path,
                stage=sheet.stage,
                reviewer=sheet.reviewer,
                settings=project.settings.screening,
            ).appended
            runs.mark_input_applied(conn, "screening-sheet", digest, str(sheet.path))
        for sheet in (s for s in resolutions if s.stage == stage):
            digest = _sheet_digest(sheet)
            if runs.input_applied(conn, "resolution-sheet", digest):
                report.sheets_skipped += 1
                continue
            report.resolutions += _apply_resolutions(project, conn, sheet)
            runs.mark_input_applied(conn, "resolution-sheet", digest, str(sheet.path))
    if grouping is not None:  # before the forms: their rows are the studies'
        report.grouped = _apply_studies(project, conn, grouping)
    from litsynth.biblio.extraction import APPRAISAL, EXTRACTION

    report.extracted = _apply_form_sheets(
        project, conn, EXTRACTION, project.settings.records.extraction,
        project.extraction_form_path,
    )  # fmt: skip
    report.appraised = _apply_form_sheets(
        project, conn, APPRAISAL, project.settings.records.appraisal, project.appraisal_form_path
    )
    return report


def _apply_form_sheets(
    project: Project,
    conn: sqlite3.Connection,
    kind: FormKind,
    specs: tuple[str, ...],
    form_path: Path,
) -> int:
    """The declared extraction or appraisal sheets, after screening (they fill in included
    studies only)."""
    from litsynth.biblio import extraction

    if not specs:
        return 0
    form = extraction.load_form(form_path, kind)
    total = 0
    for spec in specs:
        reviewer, relative = _split(spec, kind.name, f"ana=records/{kind.name}.csv")
        path = _existing(project, relative, kind.name)
        digest = content_id(bytes_id(form_path.read_bytes()), bytes_id(path.read_bytes()), reviewer)
        if runs.input_applied(conn, f"{kind.name}-sheet", digest):
            continue
        result = extraction.import_sheet(conn, form, path, reviewer=reviewer)
        if result.problems:
            line, name, problem = result.problems[0]
            raise BiblioError(
                f"[records] {kind.name} {path}: line {line}, {name}: {problem}"
                f" ({len(result.problems)} cells do not fit the form)",
                hint=f"correct the sheet (see `litsynth {kind.command} import` for the full list)",
            )
        total += result.appended
        runs.mark_input_applied(conn, f"{kind.name}-sheet", digest, str(path))
    return total


def _apply_resolutions(project: Project, conn: sqlite3.Connection, sheet: SheetSpec) -> int:
    """Record each row as a resolution (it wins over both reviewers' decisions)."""
    from litsynth.biblio.screening_ops import resolve
    from litsynth.biblio.screening_sheet import sheet_rows

    n = 0
    for line, row in sheet_rows(sheet.path):
        try:
            resolve(
                conn,
                row["record_id"].strip(),
                stage=sheet.stage,
                decision=row["decision"].strip().lower(),
                reviewer=sheet.reviewer,
                settings=project.settings.screening,
                reason=(row.get("reason") or "").strip(),
                note=(row.get("note") or "").strip(),
            )
        except (KeyError, LitsynthError) as exc:
            raise ConfigError(
                f"{sheet.path.name} line {line}: {exc}",
                hint="a resolution sheet has columns record_id, decision, reason, note",
            ) from None
        n += 1
    return n


def _apply_previous(project: Project, conn: sqlite3.Connection, path: Path) -> int:
    """Tell the previous version's list, as `litsynth previous FILE` does, once per file and
    options: how many repeats it removed before screening."""
    from litsynth.biblio import previous
    from litsynth.biblio.screening_rules import now_utc
    from litsynth.report.previous_file import read_previous

    settings = project.settings.records
    column = settings.previous_study_column or None
    digest = content_id(
        bytes_id(path.read_bytes()), column or "", str(settings.previous_remove_found)
    )
    if runs.input_applied(conn, "previous-list", digest):
        return 0
    told = read_previous(path, column)
    held = previous.record(conn, told.reports, remove_found=settings.previous_remove_found,
                           at=now_utc(), values=told.values)  # fmt: skip
    runs.mark_input_applied(conn, "previous-list", digest, str(path))
    return len(held.removed)


def _apply_studies(project: Project, conn: sqlite3.Connection, path: Path) -> int:
    """Group the reports the sheet's `study` column names (record_id, study: its main
    report's id, or `previous:STUDY`), as `litsynth studies group` does, once per file: how
    many log entries. A row whose study is its own or empty groups nothing."""
    from litsynth.biblio.screening_rules import now_utc
    from litsynth.biblio.sheet_files import read_table
    from litsynth.biblio.studies_here import record_group

    digest = bytes_id(path.read_bytes())
    if runs.input_applied(conn, "studies-sheet", digest):
        return 0
    rows = read_table(path, error=ConfigError)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "record_id" not in header or "study" not in header:
        raise ConfigError(
            f"[records] studies {path.name} has no record_id and study columns",
            hint="a sheet of `litsynth export records` has both; or write them by hand",
        )
    rid, sid = header.index("record_id"), header.index("study")
    n, at, who = 0, now_utc(), project.settings.project.reviewer
    for line, row in enumerate(rows[1:], start=2):
        record = row[rid].strip() if rid < len(row) else ""
        study = row[sid].strip() if sid < len(row) else ""
        if not record or not study or study == record:
            continue
        try:
            n += len(record_group(conn, study, [record], reviewer=who, at=at))
        except LitsynthError as exc:
            raise ConfigError(f"[records] studies {path.name} line {line}: {exc}",
                              hint=exc.hint) from None  # fmt: skip
    runs.mark_input_applied(conn, "studies-sheet", digest, str(path))
    return n
