"""Studies and their reports on the store: the CLI (`litsynth studies`) and the workspace read
the study log and the records here and append what a reviewer decides; the rules are the pure
functions of biblio/studies.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.export import select
from litsynth.biblio.studies import (
    Candidate,
    author_keys,
    candidates,
    count_studies,
    group,
    may_share,
    members,
    record_label,
    registrations,
    split,
    studies_of,
    study_of,
)
from litsynth.errors import BiblioError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, StudyLink
from litsynth.store import biblio as biblio_store
from litsynth.store import screening_log
from litsynth.store import studies as store


@dataclass(frozen=True)
class Report:
    """A report of a study of two or more, as the list shows it."""

    record_id: str
    label: str  # "Doe & Roe (2019)"
    title: str
    full_text: str  # its full-text decision that counts, "" before one

    def to_json(self) -> dict[str, str]:
        return {
            "record_id": self.record_id,
            "label": self.label,
            "title": self.title,
            "full_text": self.full_text,
        }


@dataclass(frozen=True)
class StudiesOverview:
    """The studies reported more than once, and the included reports and studies counted."""

    studies: tuple[tuple[Report, ...], ...]  # each main report first
    included_reports: int
    included_studies: int

    def to_json(self) -> dict[str, object]:
        return {
            "included_studies": self.included_studies,
            "included_reports": self.included_reports,
            "studies": [
                {"main": s[0].record_id, "reports": [r.to_json() for r in s]} for s in self.studies
            ],
        }


def _known(conn: sqlite3.Connection, record_ids: Sequence[str]) -> None:
    """A BiblioError naming the first id that is no record here, or a duplicate."""
    for rid in record_ids:
        rec = biblio_store.record_here(conn, rid)
        if rec is None:
            raise BiblioError(
                f"no record {rid!r} in this project",
                hint="find a record's id with `litsynth screen find WORDS`",
            )
        root = rec.extra.get("duplicate_of", "")
        if root:
            raise BiblioError(
                f"{rid} is a duplicate of {root}",
                hint=f"group its root {root}: a duplicate's decisions are its root's",
            )


def recorded_json(entries: Sequence[StudyLink]) -> dict[str, object]:
    """The entries a grouping or a split appended, as `--json` and the workspace answer."""
    return {"recorded": [{"record_id": e.record_id, "study": e.study} for e in entries]}


def record_group(
    conn: sqlite3.Connection,
    main: str,
    others: Sequence[str],
    *,
    reviewer: str,
    at: str,
    note: str = "",
) -> list[StudyLink]:
    """Group `others` into the study `main` reports; the entries appended."""
    if not others:
        raise BiblioError("name the study's main report and at least one other report")
    _known(conn, [main, *others])
    entries = group(
        studies_of(store.links(conn)), main, others, reviewer=reviewer, at=at, note=note
    )
    store.append(conn, entries)
    return entries


def record_split(
    conn: sqlite3.Connection, record_id: str, *, reviewer: str, at: str, note: str = ""
) -> list[StudyLink]:
    """Make `record_id` a study of its own again; the entries appended."""
    _known(conn, [record_id])
    entries = split(studies_of(store.links(conn)), record_id, reviewer=reviewer, at=at, note=note)
    store.append(conn, entries)
    return entries


def overview(conn: sqlite3.Connection) -> StudiesOverview:
    """Every study of two or more reports, its main report first, with each report's
    full-text decision; and the included reports and studies counted."""
    studies = studies_of(store.links(conn))
    log = screening_log.log(conn)
    eff = rules.effective(log)
    included = [e.record.id for e in select(conn, "included", log)]
    rows = []
    for main, rest in sorted(members(studies).items()):
        reports = []
        for rid in [main, *sorted(rest)]:
            rec = biblio_store.get_record(conn, rid)
            if rec is None:
                continue
            ft = eff.get((rid, FULL_TEXT))
            reports.append(Report(rid, record_label(rec), rec.title, ft.decision if ft else ""))
        rows.append(tuple(reports))
    rows.sort(key=lambda s: s[0].label.casefold())
    return StudiesOverview(tuple(rows), len(included), count_studies(studies, included))


def candidates_here(conn: sqlite3.Connection, stage: str = "title-abstract") -> list[Candidate]:
    """`candidates` among the records of a stage (`biblio.export.STAGES`; default: those
    sought for full text, where reports are collated)."""
    records = [e.record for e in select(conn, stage) if not e.duplicate_of]
    return candidates(records, studies_of(store.links(conn)))


@dataclass(frozen=True)
class RecordStudy:
    """A record's study as its page shows it: the main report, every report of the study
    (none when it stands alone), and the sought records that may report it too."""

    main: str
    reports: tuple[tuple[str, str], ...]  # (record id, label), the main report first
    candidates: tuple[Candidate, ...]  # each pairs the record (first) with another

    def to_json(self) -> dict[str, object]:
        return {
            "main": self.main,
            "reports": [{"id": rid, "label": label} for rid, label in self.reports],
            "candidates": [
                {"id": c.second, "label": c.labels[1], "why": c.why} for c in self.candidates
            ],
        }


def of_record(conn: sqlite3.Connection, record_id: str, most: int = 5) -> RecordStudy:
    """A record's study for its page in the workspace and the terminal's full-text screening:
    the study's reports and up to `most` records sought for full text that may report it."""
    studies = studies_of(store.links(conn))
    root = study_of(studies, record_id)
    group_ids = [root, *sorted(members(studies).get(root, []))]
    reports = []
    for rid in group_ids if len(group_ids) > 1 else []:
        rec = biblio_store.get_record(conn, rid)
        if rec is not None:
            reports.append((rid, record_label(rec)))
    here = biblio_store.get_record(conn, record_id)
    eff = rules.effective(screening_log.log(conn))
    sought = [
        rec
        for (rid, stage), e in eff.items()
        if stage == TITLE_ABSTRACT and e.decision == "include" and rid != record_id
        for rec in [biblio_store.record_here(conn, rid)]
        if rec is not None and not rec.extra.get("duplicate_of")
    ]
    maybe: list[Candidate] = []
    if here is not None:
        regs, families = registrations(here), author_keys(here)
        first = families[0] if families else ""
        near = [r for r in sought if may_share(here, regs, first, r)]
        maybe = candidates(near, studies, only=here)
    return RecordStudy(root, tuple(reports), tuple(maybe[:most]))
