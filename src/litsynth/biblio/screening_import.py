"""Decisions from a file into the screening log: litsynth's own sheet, or another tool's export.

Both end the same way (`commit_sheet`): read into a `SheetResult` by the sheet's rules, then
appended once, in one transaction, with the file marked as imported. `import_decisions` tells
which kind a file is, so the command line and the workspace read the same files alike, and
`outcome_lines` is what both say about it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from litsynth.biblio import dedupe
from litsynth.biblio import screening_ops as ops
from litsynth.biblio import screening_rules as rules
from litsynth.biblio import screening_tools as tools
from litsynth.biblio.screening_sheet import is_screening_sheet, read_file, sheet_rows
from litsynth.config import ScreeningSettings
from litsynth.errors import ScreeningError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT
from litsynth.store import biblio as biblio_store
from litsynth.store import screening_log as store
from litsynth.store.db import transaction
from litsynth.words import and_list, count


@dataclass(frozen=True)
class ImportResult:
    sheet: rules.SheetResult
    appended: int
    unchanged: int = 0  # decisions equal to the reviewer's current ones: not appended again
    already_imported: str = ""  # when this very sheet was imported before (then nothing is)

    def to_json(self) -> dict[str, object]:
        """`screen import --json`'s contract."""
        s = self.sheet
        return {
            "recorded": self.appended,
            "unchanged": self.unchanged,
            "already_imported": self.already_imported or None,
            "skipped": [{"line": p.line, "record_id": p.record_id, "problem": p.message}
                        for p in s.problems],
            "new_reasons": list(s.new_reasons),
            "no_reason_given": list(s.no_reason),
            "undecided_rows": s.blank,
        }  # fmt: skip


def sheet_digest(data: bytes, stage: str, reviewer: str) -> str:
    """What makes a sheet the same sheet: its bytes, for this stage and this reviewer."""
    h = hashlib.sha256(data)
    h.update(f"\x1f{stage}\x1f{reviewer}".encode())
    return h.hexdigest()[:16]


def import_sheet(
    conn: sqlite3.Connection,
    path: Path,
    *,
    stage: str,
    reviewer: str,
    settings: ScreeningSettings,
    data: bytes | None = None,
) -> ImportResult:
    """Append a filled-in sheet's decisions; bad rows are reported with their line and skipped.
    `data`: the sheet's bytes when they did not come from `path` (an upload).

    Idempotent: a sheet imported before (same bytes, stage and reviewer) appends nothing, and
    a decision equal to the reviewer's current one is not appended again; a kill -9 at any
    point and two imports at once leave each decision in the log once (`commit_sheet`).
    """
    rules.check_stage(stage)
    data = read_file(path) if data is None else data
    digest = sheet_digest(data, stage, reviewer)
    known_reasons = ops.project_reasons(conn, settings)
    result = rules.parse_sheet(
        sheet_rows(path, data),
        stage=stage,
        reviewer=reviewer,
        known_ids=store.record_ids(conn),
        reasons=known_reasons,
        sheet_name=path.name,
        eligible_ids=set(ops.candidate_ids(conn, stage)) if stage == FULL_TEXT else None,
    )
    if result.problems and not result.decisions:
        # every filled-in row failed: a wrong column, a sheet of another project. Exit 0 with
        # "0 decisions recorded" read as success to people who then screened it all again.
        shown = "; ".join(f"line {p.line}: {p.message}" for p in result.problems[:3])
        raise ScreeningError(
            f"{path}: none of its {len(result.problems)} decided rows could be read ({shown})",
            hint="check the record_id and decision columns (include/exclude/maybe, yes/no, 1/0)",
        )
    return commit_sheet(conn, result, digest=digest, stage=stage, reviewer=reviewer, path=path)


def commit_sheet(
    conn: sqlite3.Connection,
    result: rules.SheetResult,
    *,
    digest: str,
    stage: str,
    reviewer: str,
    path: Path,
) -> ImportResult:
    """Append a read sheet's decisions once: the check for an earlier import, the append and
    the sheet's mark are one IMMEDIATE transaction (a sheet, or another tool's export)."""
    with transaction(conn):
        earlier = store.sheet_imported(conn, digest)
        if earlier is not None:
            return ImportResult(result, 0, already_imported=str(earlier["imported_at"]))
        current = rules.latest(store.log(conn, stage))
        fresh = rules.without_repeats(result.decisions, current)
        if stage == TITLE_ABSTRACT:  # a line may not orphan a full-text assessment either
            fresh, orphaning = ops.keeping_full_text_basis(conn, fresh)
            result = replace(result, problems=(*result.problems, *orphaning))
        if result.new_reasons:
            store.insert_reasons(conn, result.new_reasons, "sheet", str(path))
        store.insert_decisions(conn, fresh)
        store.mark_sheet_imported(
            conn, digest, stage=stage, reviewer=reviewer, path=str(path), n=len(fresh)
        )
    return ImportResult(result, len(fresh), unchanged=len(result.decisions) - len(fresh))


def import_tool_export(
    conn: sqlite3.Connection,
    path: Path,
    *,
    stage: str,
    reviewer: str,
    settings: ScreeningSettings,
    tool: str | None = None,
    every: str = "",
    reason: str = "",
    as_reviewer: bool = False,
    data: bytes | None = None,
) -> tuple[tools.ToolExport, ImportResult]:
    """Append the decisions of another tool's export, as `import_sheet` appends a sheet's.

    Rayyan's decisions go under the names its export gives, unless `as_reviewer` (the
    reviewer was named) and the export names one person: then they are `reviewer`'s.
    Idempotent like a sheet: the same file for the same stage and reviewers appends nothing
    the second time, and a decision equal to the reviewer's current one is not repeated.
    """
    rules.check_stage(stage)
    data = read_file(path) if data is None else data
    export = tools.read_tool_export(data, path.name, tool=tool, every=every, reason=reason)
    if as_reviewer and len(export.reviewers) > 1:
        raise ScreeningError(
            f"{path.name} holds the decisions of {and_list(list(export.reviewers))}, each"
            f" recorded under their own name, so they cannot all be recorded as {reviewer}'s",
            hint="leave out --reviewer",
        )
    unsure = dedupe.open_pairs(conn)
    index = tools.RecordIndex.of(biblio_store.all_records(conn), unsure)
    sheets, unmatched = tools.sheet_rows(export, index, reviewer, all_theirs=as_reviewer)
    if not sheets and unmatched:
        raise ScreeningError(
            f"{path}: none of its {len(unmatched)} decided records is in this project"
            f" ({unmatched[0].message})",
            hint="import the database exports the records came from first (`litsynth import"
            " FILE --source NAME`), or this file itself",
        )
    known = ops.project_reasons(conn, settings)
    eligible = set(ops.candidate_ids(conn, stage)) if stage == FULL_TEXT else None
    known_ids = store.record_ids(conn)
    parts: list[rules.SheetResult] = []
    for who, rows in sheets.items():
        part = rules.parse_sheet(
            rows,
            stage=stage,
            reviewer=who,
            known_ids=known_ids,
            reasons=[*known, *(r for p in parts for r in p.new_reasons)],
            sheet_name=f"{path.name} ({tools.TOOL_NAMES[export.tool]})",
            eligible_ids=eligible,
        )
        parts.append(part)
    result = rules.SheetResult(
        decisions=tuple(d for p in parts for d in p.decisions),
        problems=tuple(sorted((*unmatched, *(q for p in parts for q in p.problems)),
                              key=lambda q: q.line)),
        new_reasons=tuple(r for p in parts for r in p.new_reasons),
        no_reason=tuple(r for p in parts for r in p.no_reason),
        blank=sum(1 for e in export.entries if not e.votes),
    )  # fmt: skip
    who = ",".join(sorted(sheets)) or reviewer
    marks = f"\x1f{export.tool}\x1f{every}\x1f{reason}".encode()
    digest = sheet_digest(data + marks, stage, who)
    committed = commit_sheet(conn, result, digest=digest, stage=stage, reviewer=who, path=path)
    return export, committed


@dataclass(frozen=True)
class DecisionsImport:
    """What importing one file of decisions did, for the command line and the workspace."""

    name: str  # the file as the reviewer gave it
    stage: str
    importer: str  # the reviewer who imported it (whose decisions a sheet holds)
    result: ImportResult
    export: tools.ToolExport | None = None  # None: litsynth's own sheet
    every: str = ""  # --all: the decision every record of a list got

    @property
    def reviewers(self) -> list[str]:
        """Whose decisions the file gave: the importer's, or the names a Rayyan export gives."""
        if self.export is None:
            return [self.importer]
        names = sorted({d.reviewer for d in self.result.sheet.decisions})
        return names or list(self.export.reviewers) or [self.importer]

    @property
    def label(self) -> str:
        if self.export is None:
            return self.name
        if self.every:
            return f"{self.name} (a list, all {self.every})"
        return f"{self.name} ({tools.TOOL_NAMES[self.export.tool]})"

    def lines(
        self,
        most_problems: int | None = None,
        more: str = "",
        rename: str = "use that name as the reviewer",
    ) -> list[str]:
        """What `screen import` prints: the count, then what was skipped or added, each problem
        with its line (the first `most_problems`, then how many more and `more`), and `rename`,
        how to screen on under a name the file gave."""
        r, s, who = self.result, self.result.sheet, and_list(self.reviewers)
        whose = f"{who}'s" if len(self.reviewers) == 1 else "the reviewers'"
        if r.already_imported:
            return [
                f"{self.label}: already imported at {self.stage} for {who} on"
                f" {r.already_imported}; nothing recorded"
            ]
        out = [f"{self.label}: {count(r.appended, 'decision')} recorded at {self.stage} for {who}"]
        if r.unchanged:
            out.append(
                f"  {count(r.unchanged, 'decision')} equal to {whose} current ones not repeated"
            )
        if s.blank:
            left = (
                count(s.blank, "row") + " without a decision"
                if self.export is None
                else (count(s.blank, "record") + " nobody decided on")
            )
            out.append(f"  {left} left for later")
        shown = s.problems if most_problems is None else s.problems[:most_problems]
        out += [f"  line {p.line}: {p.message}; skipped" for p in shown]
        if len(shown) < len(s.problems):
            out.append(f"  … and {len(s.problems) - len(shown)} more{more}")
        out += [f"  new exclusion reason added to the project's list: {x!r}" for x in s.new_reasons]
        if s.no_reason:
            out.append(
                f"  {len(s.no_reason)} full-text exclusions without a reason, counted under"
                f" 'no reason given': {', '.join(s.no_reason[:10])}"
            )
        if self.export is not None and self.importer not in self.reviewers:
            out.append(
                f"  recorded under the names in the file ({and_list(self.reviewers)}), not as"
                f" {self.importer}'s; to screen on as one of them, {rename}"
            )
        return out

    def to_json(self) -> dict[str, object]:
        """`screen import --json`'s contract: the sheet's, and for another tool's export the
        tool and whose decisions it gave."""
        extra: dict[str, object] = {}
        if self.export is not None:
            extra = {"tool": self.export.tool, "reviewers": self.reviewers}
        return {**self.result.to_json(), **extra}


def import_decisions(
    conn: sqlite3.Connection,
    path: Path,
    *,
    stage: str,
    reviewer: str,
    settings: ScreeningSettings,
    kind: str = "auto",
    every: str = "",
    reason: str = "",
    as_reviewer: bool = False,
    data: bytes | None = None,
) -> DecisionsImport:
    """A file of decisions into the log: a litsynth sheet (`kind` "sheet", or "auto" and the
    file has its columns) or another tool's export (`kind` a tool, or "auto"), `every` for a
    list. `data`: the file's bytes when they did not come from `path` (an upload)."""
    if reason and every != "exclude":
        raise ScreeningError("--reason goes with --all exclude", hint="add --all exclude")
    data = read_file(path) if data is None else data
    if not every and (kind == "sheet" or (kind == "auto" and is_screening_sheet(path, data))):
        result = import_sheet(
            conn, path, stage=stage, reviewer=reviewer, settings=settings, data=data
        )
        return DecisionsImport(str(path), stage, reviewer, result)
    export, result = import_tool_export(
        conn,
        path,
        stage=stage,
        reviewer=reviewer,
        settings=settings,
        tool=None if kind == "auto" else kind,
        every=every,
        reason=reason,
        as_reviewer=as_reviewer,
        data=data,
    )
    return DecisionsImport(str(path), stage, reviewer, result, export, every)
