"""Screening operations on a project's store: the one library call behind each `screen` command.

The rules live in `biblio.screening` (pure); this module wires them to the store and the
sheets: it reads records and the log, asks the rules, and appends the outcome. Every write is
an append to the decision log in one transaction, so an interrupted run leaves either all of a
sheet's decisions or none.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.abstract_sections import abstract_sections
from litsynth.biblio.automation import RULES_VERSION, AutomationReport, apply_rules
from litsynth.biblio.previous import is_previous
from litsynth.biblio.prioritise import (
    PrioritiserSettings,
    build_features,
    explain,
    fit,
    record_text,
    retrain_points,
)
from litsynth.biblio.prisma import FlowRecord, PrismaFlow, build_flow, check_flow
from litsynth.biblio.record_fields import work_type
from litsynth.biblio.sheet_files import is_workbook, layout, write_table
from litsynth.biblio.studies import studies_of
from litsynth.cells import flat_cell
from litsynth.config import ScreeningSettings
from litsynth.errors import ScreeningError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, BibRecord, Decision
from litsynth.store import biblio as biblio_store
from litsynth.store import previous as previous_store
from litsynth.store import screening_log as store
from litsynth.store import studies as studies_store
from litsynth.store.db import transaction

SHEET_COLUMNS = (
    "record_id", "title", "abstract", "authors", "year", "journal", "doi", "decision", "reason",
    "note",
)  # fmt: skip


def project_reasons(conn: sqlite3.Connection, settings: ScreeningSettings) -> list[str]:
    """The review's exclusion reasons: litsynth.toml's list plus any added from sheets since."""
    store.seed_reasons(conn, settings.reasons)
    return store.reasons(conn)


# ---- which records, in which order ----------------------------------------------------------


def candidates(conn: sqlite3.Connection, stage: str) -> list[BibRecord]:
    """Unique records (roots) that belong at `stage`, in import order.

    Title/abstract: every unique record. Full text: those whose title/abstract decision is
    include (after resolutions), since only they are sought for retrieval.
    """
    rules.check_stage(stage)
    records = biblio_store.unique_records(conn)
    if stage == TITLE_ABSTRACT:
        return records
    keep = _included_at_title(conn)
    return [r for r in records if r.id in keep]


def candidate_ids(conn: sqlite3.Connection, stage: str) -> list[str]:
    """The ids of `candidates`, in the same order, without reading the records: for counts
    and membership (progress, the stop, the workspace's check that its queue still holds)."""
    rules.check_stage(stage)
    ids = biblio_store.unique_ids(conn)
    if stage == TITLE_ABSTRACT:
        return ids
    keep = _included_at_title(conn)
    return [rid for rid in ids if rid in keep]


def _included_at_title(conn: sqlite3.Connection) -> set[str]:
    eff = rules.effective(store.log(conn, TITLE_ABSTRACT))
    return {rid for (rid, _), e in eff.items() if e.decision == "include"}


def training_labels(conn: sqlite3.Connection, ids: Sequence[str]) -> tuple[list[int], list[int]]:
    """(row indices, labels) of records with a title/abstract include (1) or exclude (0)."""
    eff = rules.effective(store.log(conn, TITLE_ABSTRACT))
    rows, labels = [], []
    for i, rid in enumerate(ids):
        e = eff.get((rid, TITLE_ABSTRACT))
        if e is not None and e.decision in ("include", "exclude") and e.origin != "automation":
            rows.append(i)
            labels.append(1 if e.decision == "include" else 0)
    return rows, labels


class Queue:
    """The records a reviewer still has to screen at a stage, most likely include first.

    Stateful on purpose: it holds the TF-IDF features of all candidate records (built once per
    session: about a second for 2,000 records) and refits the prioritiser on the retrain
    schedule as decisions come in. It keeps no store handle: each `pending` call is given one,
    so a long-lived holder (the workspace) can keep the queue across requests.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        stage: str,
        reviewer: str,
        settings: ScreeningSettings,
        prioritiser: PrioritiserSettings | None = None,
    ) -> None:
        self.stage, self.reviewer = stage, reviewer
        self.prioritiser = prioritiser or PrioritiserSettings()
        self.records = candidates(conn, stage)
        self.ids = [r.id for r in self.records]
        self.features = (
            build_features(
                [record_text(r.title, r.abstract) for r in self.records],
                criteria=settings.criteria,
                settings=self.prioritiser,
            )
            if self.records
            else None
        )
        self._refit_at = retrain_points(len(self.records), self.prioritiser)
        self._order: list[int] = []
        self._n_labels = -1
        self._weights: np.ndarray | None = None  # of the last fit, for `why`
        self._row = {rid: i for i, rid in enumerate(self.ids)}
        self.piloted: list[str] = []  # the pilot round's records, as the last `pending` read

    def pending(
        self, conn: sqlite3.Connection, *, refit: bool = True, random: bool = False
    ) -> list[BibRecord]:
        """Records this reviewer has not decided yet, in priority order.

        With `refit` the model is refitted first when the retrain schedule says so; without
        it the last order is used (a first order is always computed). The workspace asks
        without, and refits in a background thread after each decision (`refit_now`), so the
        next record never waits for a fit.
        """
        if self.features is None:
            return []
        todo = set(
            rules.undecided_by(self.ids, store.log(conn, self.stage), stage=self.stage,
                               reviewer=self.reviewer)
        )  # fmt: skip
        # a pilot's records come first for every reviewer (screening_pilot.py), in its order;
        # kept for whoever shows the record ("pilot 3 of 50")
        self.piloted = store.pilot_ids(conn, self.stage)
        pilot = [self._row[r] for r in self.piloted if r in self._row]
        first = [i for i in pilot if self.ids[i] in todo]
        todo -= {self.ids[i] for i in first}
        if random:
            # the stopping rule's random phase: the rest in an order fixed by the reviewer and
            # the stage, so a reload shows the same next record
            rng = np.random.default_rng(int(hashlib.sha256(
                f"{self.stage}\x1f{self.reviewer}".encode()).hexdigest()[:8], 16))  # fmt: skip
            order = [int(i) for i in rng.permutation(len(self.ids))]
        else:
            if refit or not self._order:
                self.refit_now(conn)
            order = self._order  # one read: a background refit swaps the list, never edits it
        return [self.records[i] for i in [*first, *(i for i in order if self.ids[i] in todo)]]

    def refit_now(self, conn: sqlite3.Connection) -> bool:
        """Refit the prioritiser if the schedule says so (or it has no order); True if it did."""
        if self.features is None:
            return False
        rows, labels = training_labels(conn, self.ids)
        # a retrain point passed since the last fit (several labels may arrive during one)
        due = len(rows) > self._n_labels and any(
            self._n_labels < point <= len(rows) for point in self._refit_at
        )
        if not (self._n_labels < 0 or due or not self._order):
            return False
        fitted = fit(self.features, _ints(rows), _ints(labels), self.prioritiser)
        s = fitted.scores
        self._order = sorted(range(len(self.ids)), key=lambda i: (-s[i], i))
        self._weights = fitted.weights
        self._n_labels = len(rows)
        return True

    def why(self, record_id: str, k: int = 5) -> list[str]:
        """The record's words that raised it in the order the last fit gave (`explain`):
        before any decision those it shares with the criteria, after that those the
        reviewer's includes taught the model to look for."""
        row = self._row.get(record_id)
        if self.features is None or row is None:
            return []
        return explain(self.features, self._weights, row, k)


def _ints(values: Sequence[int]) -> np.ndarray:
    return np.asarray(list(values), dtype=int)


# ---- sheets -----------------------------------------------------------------------------------


def _authors(rec: BibRecord) -> str:
    return "; ".join(rec.authors)


def export_sheet(
    conn: sqlite3.Connection,
    path: Path,
    *,
    stage: str,
    reviewer: str,
    settings: ScreeningSettings,
) -> int:
    """Write the records `reviewer` still has to screen at `stage` to a sheet; returns rows.

    An Excel workbook when `path` ends in .xlsx; else CSV in UTF-8 with a byte-order mark,
    because Excel reads a BOM-less CSV as the local ANSI code page and mangles every
    non-ASCII author name.
    """
    project_reasons(conn, settings)
    queue = Queue(conn, stage=stage, reviewer=reviewer, settings=settings)
    todo = queue.pending(conn)
    # At full text the screener reads the report: the linked documents' files (`link`).
    full_text = stage == FULL_TEXT
    # What a record is beyond "an article" ("Review", "Erratum"), when the export says so.
    kinds = {rec.id: work_type(rec.doc_type, rec.extra) for rec in todo}
    typed = any(kinds.values())
    header = list(SHEET_COLUMNS)
    if typed:
        header.insert(header.index("journal") + 1, "type")
    if full_text:
        header.insert(header.index("doi") + 1, "full_text")
    rows = [header]
    workbook = is_workbook(path)
    for rec in todo:
        # Shown columns only: record_id and the decision columns are read back on import.
        shown = [rec.title, _authors(rec), str(rec.year or ""), rec.journal]
        shown += [kinds[rec.id]] if typed else []
        shown.append(rec.doi)
        if full_text:
            shown.append("; ".join(d["path"] for d in biblio_store.linked_documents(conn, rec.id)))
        title, *rest = map(flat_cell, shown)
        rows.append([rec.id, title, _sheet_abstract(rec.abstract, workbook), *rest, "", "", ""])
    look = layout(_SHEET_WIDTHS, wrap=("title", "abstract"))
    write_table(rows, path, title=stage, decorate=look, error=ScreeningError, lineterminator="\r\n")
    return len(todo)


def _sheet_abstract(abstract: str, workbook: bool) -> str:
    """The abstract as a sheet shows it: in a workbook a structured abstract's sections each
    on a line of the (wrapped) cell, as the workspace shows them; in CSV one line, so that a
    row is a record in a text editor too."""
    sections = abstract_sections(abstract or "")
    if not workbook or not any(s.label for s in sections):
        return flat_cell(abstract or "")
    return "\n".join(flat_cell(f"{s.label}: {s.text}" if s.label else s.text) for s in sections)


# Column widths (characters) of the workbook: the abstract wide enough to read in place.
_SHEET_WIDTHS = {"record_id": 18, "title": 40, "abstract": 90, "authors": 24, "year": 6,
                 "journal": 20, "type": 14, "doi": 16, "full_text": 30, "decision": 10,
                 "reason": 24, "note": 24}  # fmt: skip


# ---- single decisions, automation, conflicts --------------------------------------------------


def record_decision(
    conn: sqlite3.Connection,
    record_id: str,
    *,
    stage: str,
    decision: str,
    reviewer: str,
    settings: ScreeningSettings,
    reason: str = "",
    note: str = "",
    origin: str = "terminal",
    source: str = "",
) -> tuple[Decision, bool]:
    """Append one decision; returns it and whether its reason was new to the project's list.

    `source` says where it was made ("workspace" for the web app); default: the origin.
    """
    rules.check_stage(stage)
    if decision not in rules.DECISIONS:
        raise ScreeningError(
            f"unknown decision {decision!r}", hint=f"use one of: {', '.join(rules.DECISIONS)}"
        )
    if not rules.fits_stage(decision, stage):
        raise ScreeningError(rules.NOT_RETRIEVED_AT_TA, hint="record it at the full-text stage")
    if record_id not in store.record_ids(conn):
        raise ScreeningError(
            f"no record {record_id!r} in this project",
            hint="record ids are listed by `litsynth screen export`",
        )
    is_new = False
    if reason:
        reason, is_new = rules.match_reason(reason, project_reasons(conn, settings))
        if is_new:
            store.add_reasons(conn, [reason], origin, f"{origin} {record_id}")
    d = Decision(
        record_id=record_id,
        stage=stage,
        decision=decision,
        reviewer=reviewer,
        at=rules.now_utc(),
        reason=reason,
        note=note,
        origin=origin,
        source=source or origin,
    )
    keep_full_text_basis(conn, d)
    store.append(conn, [d])
    return d, is_new


_ASSESSED = ("include", "exclude", "not-retrieved")  # a full-text decision PRISMA counts


def keep_full_text_basis(conn: sqlite3.Connection, new: Decision) -> None:
    """Refuse a decision that would leave a full-text assessment without the title/abstract
    inclusion it stands on: PRISMA would count a report assessed that was never sought, and
    refuse the whole flow until someone found the record.

    A full-text decision needs the record included at title/abstract (as a sheet does). At
    title/abstract, a vote, a change, an undo or a resolution on a record whose full text is
    assessed must leave the review's decision an inclusion, or a disagreement between
    reviewers: screening stays independent, and PRISMA names a disagreement with its remedy
    (`litsynth screen conflicts`). A sole reviewer's undo or change to exclude is refused.
    """
    rid = new.record_id
    if new.stage == FULL_TEXT:
        ta = rules.effective(store.log(conn, TITLE_ABSTRACT, [rid])).get((rid, TITLE_ABSTRACT))
        sought = ta is not None and ta.decision == "include" and store.is_root(conn, rid)
        if new.decision in _ASSESSED and not sought:  # what `candidates` holds, for one record
            raise ScreeningError(
                f"record {rid!r} was not included at title/abstract (or is a duplicate), so "
                "it has no full-text stage",
                hint="include it at title/abstract first",
            )
        return
    kept, orphaning = keeping_full_text_basis(conn, [new])
    if not kept:
        raise ScreeningError(
            orphaning[0].message,
            hint="withdraw its full-text decision first: `litsynth screen undo --stage full-text`,"
            " or Undo on the Screening screen at the full-text stage",
        )


def keeping_full_text_basis(
    conn: sqlite3.Connection, decisions: Sequence[Decision]
) -> tuple[list[Decision], list[rules.SheetProblem]]:
    """Title/abstract `decisions` (one reviewer's, in order) less those on a record assessed at
    full text that would leave the review's decision anything but an inclusion or a
    disagreement; each left out is a problem with its sheet line (0 when not from a sheet)."""
    ids = {d.record_id for d in decisions}
    full_text = rules.effective(store.log(conn, FULL_TEXT, ids))
    assessed = {rid: e.decision for (rid, _), e in full_text.items() if e.decision in _ASSESSED}
    touched = [d for d in decisions if d.record_id in assessed]
    if not touched:
        return list(decisions), []
    after = rules.effective([*store.log(conn, TITLE_ABSTRACT, assessed), *touched])
    orphaned = {
        d.record_id
        for d in touched
        if (then := after.get((d.record_id, TITLE_ABSTRACT))) is None
        or then.decision not in ("include", "conflict")
    }
    problems = []
    for d in touched:
        if d.record_id in orphaned:
            change = "withdrawing" if d.decision == rules.UNDECIDED else f"'{d.decision}' at"
            line = d.source.rpartition(":")[2] if d.origin == "sheet" else ""
            problems.append(rules.SheetProblem(
                int(line) if line.isdigit() else 0, d.record_id,
                f"record {d.record_id!r} was assessed at full text ({assessed[d.record_id]}); "
                f"{change} title/abstract would leave that assessment without the inclusion "
                "it stands on",
            ))  # fmt: skip
    return [d for d in decisions if d.record_id not in orphaned], problems


RANDOM_SAMPLE = "random-sample"  # the source of decisions made on a random draw of the rest


def other_votes(
    conn: sqlite3.Connection, record_id: str, *, stage: str, reviewer: str
) -> dict[str, str]:
    """Other reviewers' standing decisions on a record (what blind mode off shows)."""
    rules.check_stage(stage)
    now = rules.latest(d for d in store.log(conn, stage) if d.record_id == record_id)
    return {
        who: d.decision + (f" ({d.reason})" if d.reason else "")
        for (_rid, _st, who), d in sorted(now.items())
        if d.origin in rules.HUMAN_ORIGINS and who != reviewer
    }


def undo_last(conn: sqlite3.Connection, *, stage: str, reviewer: str, source: str) -> str | None:
    """Withdraw the reviewer's latest decision still standing at `stage`; returns its record.

    The withdrawal is a new 'undecided' row (the log stays append-only), so a second undo
    withdraws the decision before it, and the record goes back into the reviewer's queue.
    """
    rules.check_stage(stage)
    with transaction(conn):
        log = store.log(conn, stage)
        standing = rules.latest(log)
        for d in reversed(log):
            if d.reviewer != reviewer or d.origin not in rules.HUMAN_ORIGINS:
                continue
            if standing.get((d.record_id, stage, reviewer)) is d:
                withdrawal = Decision(d.record_id, stage, rules.UNDECIDED, reviewer,
                                      rules.now_utc(), "", "", "terminal", source)  # fmt: skip
                keep_full_text_basis(conn, withdrawal)
                store.insert_decisions(conn, [withdrawal])
                return d.record_id
    return None


def run_automation(conn: sqlite3.Connection, settings: ScreeningSettings) -> AutomationReport:
    """Mark records outside the year range / languages ineligible; a re-run adds nothing new.

    A record the rules no longer hit (the settings changed) gets an automation `maybe`, which
    returns it to the screening pool without rewriting the earlier row.
    """
    report = apply_rules(
        biblio_store.unique_records(conn),
        year_min=settings.year_min,
        year_max=settings.year_max,
        languages=settings.languages,
    )
    current = {
        d.record_id: d
        for d in rules.latest(store.log(conn, TITLE_ABSTRACT)).values()
        # a stop, or a repeat of the previous version, is not theirs to undo
        if d.origin == "automation" and not rules.is_stop(d) and not is_previous(d)
    }
    at = rules.now_utc()
    hits = {h.record_id for h in report.ineligible}
    new = [
        Decision(h.record_id, TITLE_ABSTRACT, "exclude", rules.AUTOMATION_REVIEWER, at,
                 reason=h.reason, note=h.note, origin="automation",
                 source=f"{RULES_VERSION} {h.rule}")
        for h in report.ineligible
        if not (h.record_id in current and current[h.record_id].decision == "exclude"
                and current[h.record_id].reason == h.reason)
    ]  # fmt: skip
    new += [
        Decision(rid, TITLE_ABSTRACT, "maybe", rules.AUTOMATION_REVIEWER, at,
                 reason="", note="no longer ineligible under the current rules",
                 origin="automation", source=RULES_VERSION)
        for rid, d in current.items()
        if d.decision == "exclude" and rid not in hits
    ]  # fmt: skip
    store.append(conn, new)
    return AutomationReport(
        tuple(h for h in report.ineligible if h.record_id in {d.record_id for d in new}),
        report.unknown_year,
        report.unknown_language,
    )


def record_titles(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """Titles of some records (what a conflicts list shows beside each id)."""
    wanted = set(ids)
    return {r.id: r.title for r in biblio_store.unique_records(conn) if r.id in wanted}


def agreement(conn: sqlite3.Connection, stage: str) -> rules.Agreement:
    return rules.agreement(store.log(conn, stage), stage)


def resolve(
    conn: sqlite3.Connection,
    record_id: str,
    *,
    stage: str,
    decision: str,
    reviewer: str,
    settings: ScreeningSettings,
    reason: str = "",
    note: str = "",
) -> tuple[Decision, bool]:
    """Record a resolution: it wins over every reviewer's decision on this record and stage."""
    return record_decision(
        conn,
        record_id,
        stage=stage,
        decision=decision,
        reviewer=reviewer,
        settings=settings,
        reason=reason,
        note=note,
        origin="resolution",
    )


def prisma_flow(conn: sqlite3.Connection, log: Sequence[Decision] | None = None) -> PrismaFlow:
    """The checked PRISMA 2020 flow of this project's records and screening log (`log`: the
    whole log when the caller has read it already)."""
    return check_flow(unchecked_flow(conn, log))


def unchecked_flow(conn: sqlite3.Connection, log: Sequence[Decision] | None = None) -> PrismaFlow:
    """The flow as counted, before `check_flow` asks whether its boxes add up."""
    records = [FlowRecord(r.id, r.source, r.duplicate_of) for r in store.prisma_records(conn)]
    effective = rules.effective(store.log(conn) if log is None else log)
    studies = studies_of(studies_store.links(conn))
    counted, keys = previous_store.counted(conn), previous_store.study_keys(conn)
    return build_flow(records, effective, counted, studies, keys)
