"""Studies and their reports on the store: the CLI (`litsynth studies`) and the workspace read
the study log and the records here and append what a reviewer decides; the rules are the pure
functions of biblio/studies.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.export import ExportedRecord, select
from litsynth.biblio.previous import PREVIOUS_REASON, found_again
from litsynth.biblio.studies import (
    PREVIOUS,
    Candidate,
    author_keys,
    candidates,
    group,
    included_counts,
    is_previous_study,
    may_share,
    members,
    previous_key,
    previous_label,
    previous_labels,
    previous_records,
    record_label,
    registrations,
    split,
    studies_of,
    study_of,
)
from litsynth.errors import BiblioError
from litsynth.records import TITLE_ABSTRACT, BibRecord, PreviousReport, StudyLink
from litsynth.store import biblio as biblio_store
from litsynth.store import previous as previous_store
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
    # an update's included reports of studies its previous version included, and those studies
    previous_reports: int = 0
    previous_studies: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "included_studies": self.included_studies,
            "included_reports": self.included_reports,
            "previous_version_reports": self.previous_reports,
            "previous_version_studies": self.previous_studies,
            "studies": [
                {"main": s[0].record_id, "reports": [r.to_json() for r in s]} for s in self.studies
            ],
        }


def _known(conn: sqlite3.Connection, record_ids: Sequence[str]) -> None:
    """A BiblioError naming the first id that is no record here, or a duplicate; a study of
    the previous version (`previous:STUDY`) must be in its list (`litsynth previous`)."""
    for rid in record_ids:
        if is_previous_study(rid):
            if rid.removeprefix(PREVIOUS) not in previous_store.study_keys(conn):
                raise BiblioError(
                    f"no study {rid.removeprefix(PREVIOUS)!r} in the previous version's list",
                    hint="`litsynth previous --list` names its studies",
                )
            continue
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
    """Group `others` into the study `main` reports; the entries appended. A study of the
    previous version named among them (`previous:STUDY`) is the study the rest report: a
    record cannot be its main report."""
    if not others:
        raise BiblioError("name the study's main report and at least one other report")
    _known(conn, [main, *others])
    earlier = [rid for rid in (main, *others) if is_previous_study(rid)]
    if len(set(earlier)) > 1:
        raise BiblioError(
            f"{earlier[0]} and {earlier[1]} are two studies of the previous version",
            hint="group a record into one of them",
        )
    if earlier:
        main, others = earlier[0], [rid for rid in (main, *others) if rid != earlier[0]]
    links = store.links(conn)
    before = studies_of(links)
    entries = group(before, main, others, reviewer=reviewer, at=at, note=note)
    _no_repeat_joins_a_previous_study(conn, before, studies_of([*links, *entries]))
    store.append(conn, entries)
    return entries


def _no_repeat_joins_a_previous_study(
    conn: sqlite3.Connection, before: Mapping[str, str], after: Mapping[str, str]
) -> None:
    """A BiblioError when a grouping would make one of the previous version's own reports
    (an update's record with its DOI or title, `previous.found_again`) a new report of a
    study of the previous version: the total would count that paper twice."""
    moved = [r for r, root in after.items() if is_previous_study(root) and before.get(r) != root]
    if not moved:
        return
    records = [r for r in (biblio_store.record_here(conn, rid) for rid in moved) if r]
    repeats = sorted(_repeats(records, previous_store.reports(conn)))
    if repeats:
        rid, study = repeats[0]
        raise BiblioError(
            f"{rid} is a report the previous version included"
            + (", not a new report of it" if study == after[rid] else f" (of {study})"),
            hint=f"exclude it at full text with the reason {PREVIOUS_REASON!r}, or remove it"
            " before screening with `litsynth previous --remove-found`",
        )


def record_split(
    conn: sqlite3.Connection, record_id: str, *, reviewer: str, at: str, note: str = ""
) -> list[StudyLink]:
    """Make `record_id` a study of its own again; the entries appended."""
    if is_previous_study(record_id):
        raise BiblioError(
            f"{record_id} is a study of the previous version, not a record",
            hint="take its new reports out one by one: `litsynth studies split RECORD`",
        )
    _known(conn, [record_id])
    entries = split(studies_of(store.links(conn)), record_id, reviewer=reviewer, at=at, note=note)
    store.append(conn, entries)
    return entries


def overview(
    conn: sqlite3.Connection, every: Sequence[ExportedRecord] | None = None
) -> StudiesOverview:
    """Every study of two or more reports, its main report first, with each report's
    full-text decision; and the included reports and studies counted. `every`: every
    record as `select(conn, "all")` gives it, when the caller has read them."""
    every = select(conn, "all") if every is None else every
    by_id = {e.record.id: e for e in every}
    studies = studies_of(store.links(conn))
    earlier = previous_labels(previous_store.reports(conn))
    included = [e.record.id for e in every if not e.duplicate_of and e.ft_decision == "include"]
    rows = []
    for main, rest in sorted(members(studies).items()):
        reports = []
        if is_previous_study(main):
            reports.append(Report(main, *previous_label(earlier, main), ""))
        for rid in [main, *sorted(rest)]:
            if rid in by_id:
                e = by_id[rid]
                reports.append(Report(rid, record_label(e.record), e.record.title, e.ft_decision))
        rows.append(tuple(reports))
    rows.sort(key=lambda s: s[0].label.casefold())
    return StudiesOverview(tuple(rows), *included_counts(studies, included, earlier))


def page(conn: sqlite3.Connection) -> tuple[StudiesOverview, list[Candidate]]:
    """The overview and the candidates among the records sought for full text, from one
    reading of the records (the Records screen asks for both on every load)."""
    every = select(conn, "all")
    sought = [e.record for e in every if not e.duplicate_of and e.ta_decision == "include"]
    return overview(conn, every), candidates_here(conn, sought=sought)


def candidates_here(
    conn: sqlite3.Connection,
    stage: str = "title-abstract",
    sought: Sequence[BibRecord] | None = None,
) -> list[Candidate]:
    """`candidates` among the records of a stage (`biblio.export.STAGES`; default: those
    sought for full text, where reports are collated), or among `sought` when given."""
    records = (
        [e.record for e in select(conn, stage) if not e.duplicate_of] if sought is None else sought
    )
    reports = previous_store.reports(conn)
    found = candidates([*records, *previous_records(reports)], studies_of(store.links(conn)))
    if not reports:
        return found
    return _named(_not_repeats(found, _repeats(records, reports)), previous_labels(reports))


def _repeats(
    records: Sequence[BibRecord], reports: Sequence[PreviousReport]
) -> set[tuple[str, str]]:
    """(record, `previous:STUDY`) for each record that is itself a report the previous
    version included (`previous.found_again`: its DOI or title): no new report of it."""
    study = {r.id: previous_key(r.study) for r in reports}
    return {(f.record_id, study[f.report_id]) for f in found_again(records, reports)}


def _not_repeats(found: Sequence[Candidate], repeats: set[tuple[str, str]]) -> list[Candidate]:
    return [c for c in found if (c.first, c.second) not in repeats]


def _named(found: Sequence[Candidate], earlier: Mapping[str, tuple[str, str]]) -> list[Candidate]:
    """`found` with a study of the previous version labelled as one."""

    def label(rid: str, told: str) -> str:
        return earlier[rid][0] if rid in earlier else told

    return [
        replace(c, labels=(label(c.first, c.labels[0]), label(c.second, c.labels[1])))
        for c in found
    ]


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
    listed = previous_store.reports(conn)  # read once: the labels and the candidates
    earlier = previous_labels(listed)
    reports = []
    for rid in group_ids if len(group_ids) > 1 else []:
        rec = biblio_store.get_record(conn, rid)
        if rec is not None:
            reports.append((rid, record_label(rec)))
        elif is_previous_study(rid):
            reports.append((rid, previous_label(earlier, rid)[0]))
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
        near = [r for r in [*sought, *previous_records(listed)] if may_share(here, regs, first, r)]
        found = candidates(near, studies, only=here)
        maybe = _named(_not_repeats(found, _repeats([here], listed)), earlier)
    return RecordStudy(root, tuple(reports), tuple(maybe[:most]))
