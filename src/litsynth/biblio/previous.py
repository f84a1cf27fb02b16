"""An updated review: the studies its previous version included, and the records that repeat them.

PRISMA 2020 has a flow for updated reviews: beside the new searches, a column for the
"studies included in previous version of review" and the "reports of studies included in
previous version of review", and at the foot the total of studies included (new and
previous). An update's searches find some of the earlier review's studies again; counted as
new they would be counted twice, so they are removed before screening, "for other reasons"
in the template's words.

Where the previous version's studies come from: its litsynth deposit package (records.csv, the
records included at full text; report.deposit), or any reference file `litsynth import` reads
(RIS, BibTeX, CSV, PubMed, a workbook), each entry a report; a CSV column can name the study
each report belongs to, so a study reported in two papers counts once.

The functions are pure (reports in, matches and decisions out) but `record` and `forget`,
which take the store: the CLI reads the files, the store keeps the list (store/previous.py),
and the flow counts it (biblio/prisma.py).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.link import title_key
from litsynth.biblio.normalize import normalize_title
from litsynth.biblio.previous_values import CarriedCount, carried_sentence, counted
from litsynth.biblio.record_fields import issue_of, pages_of, volume_of
from litsynth.biblio.studies import PREVIOUS
from litsynth.errors import BiblioError
from litsynth.records import (
    FULL_TEXT,
    TITLE_ABSTRACT,
    BibRecord,
    Decision,
    PreviousReport,
    PreviousValue,
)
from litsynth.store import biblio as biblio_store
from litsynth.store import previous as store
from litsynth.store import screening_log
from litsynth.words import count

# The reason and provenance of the exclusions `previous --remove-found` records. The flow
# counts an automation exclusion with this reason as "removed for other reasons", not as
# "marked ineligible by automation tools", and a re-run of the year and language rules
# leaves it be.
PREVIOUS_REASON = "included in the previous version of the review"
PREVIOUS_SOURCE = "previous-version"
MIN_TITLE_KEY = 20  # a shorter title ("Editorial", "Introduction") names no one study


@dataclass(frozen=True)
class Found:
    """A record of the update that repeats a report of the previous version, and how."""

    record_id: str
    report_id: str
    by: str  # "doi" | "title"

    def to_json(self) -> dict[str, str]:
        return {"record_id": self.record_id, "report_id": self.report_id, "by": self.by}


def from_deposit(
    rows: Iterable[Mapping[str, str]],
    file_name: str,
    earlier: Iterable[Mapping[str, str]] = (),
) -> list[PreviousReport]:
    """The included studies of a litsynth deposit: each record of its records.csv included
    at full text, not a duplicate, is a report of the study its `study` column names (its
    own in a package written before reports were grouped into studies).

    A package that was itself an update (a living review's second update reads the first
    update's package) holds its own previous version's reports in previous.csv, `earlier`:
    those studies were included too, so they come first, and a record the package counted
    as a new report of one of them (study `previous:STUDY`) is a report of that study.
    The two name their studies apart (the earlier version by its records' ids, this one by
    its own): a study of this one whose name an earlier study has, and whose main report is
    not that study's paper, is named `VERSION:ID` (VERSION: the package's file name without
    its extension), so two studies are not counted as one."""
    out = [_report(r["report_id"], r["study"], r, file_name) for r in earlier]
    by_study: dict[str, list[PreviousReport]] = {}
    for report in out:
        by_study.setdefault(report.study, []).append(report)
    included = [
        row for row in rows
        if row.get("full_text_decision") == "include" and not row.get("duplicate_of")
    ]  # fmt: skip
    renamed = _renamed(included, by_study, PurePath(file_name).stem)
    for row in included:
        study = row.get("study") or row["record_id"]
        study = study.removeprefix(PREVIOUS) if study.startswith(PREVIOUS) else renamed(study)
        out.append(_report(row["record_id"], study, row, file_name))
    if not out:
        raise BiblioError(
            f"{file_name}: the package's records.csv has no study included at full text",
            hint="name the package of the previous version, once its review was finished",
        )
    return out


def _renamed(
    rows: Sequence[Mapping[str, str]], earlier: Mapping[str, Sequence[PreviousReport]], version: str
) -> Callable[[str], str]:
    """How a package's own study names are read beside its previous version's: as they are,
    or `VERSION:ID` where an earlier study has the name and another paper (by DOI or title)
    is its main report there."""
    main = {row["record_id"]: row for row in rows}
    clash = set()
    for study in {row.get("study") or row["record_id"] for row in rows} & set(earlier):
        row = main.get(study)
        same = row is not None and any(_same_paper(row, r) for r in earlier[study])
        if not same:
            clash.add(study)
    return lambda study: f"{version}:{study}" if study in clash else study


def _same_paper(row: Mapping[str, str], report: PreviousReport) -> bool:
    doi = row.get("doi", "").casefold()
    if doi and report.doi:
        return doi == report.doi.casefold()
    key = matching_title(row.get("title", ""))
    return len(key) >= MIN_TITLE_KEY and key == matching_title(report.title)


def _report(rid: str, study: str, row: Mapping[str, str], file_name: str) -> PreviousReport:
    """A row of a deposit's records.csv or previous.csv as a report of `study`."""
    year = row.get("year", "")
    return PreviousReport(
        id=rid,
        study=study,
        title=row.get("title", ""),
        authors=tuple(a for a in row.get("authors", "").split("; ") if a),
        year=int(year) if year.isdigit() else None,
        doi=row.get("doi", ""),
        journal=row.get("journal", ""),
        file_name=file_name,
        volume=row.get("volume", ""),
        issue=row.get("issue", ""),
        pages=row.get("pages", "").replace("–", "--"),  # the package writes an en dash
        doc_type=row.get("doc_type", ""),
    )


def from_records(
    records: Sequence[BibRecord], file_name: str, study_column: str | None = None
) -> list[PreviousReport]:
    """Each entry of a reference file as a report; `study_column` (a CSV column) names the
    study it reports, else each report is its own study."""
    out = []
    for rec in records:
        study = rec.id
        if study_column is not None:
            study = str(rec.extra.get(study_column, "")).strip()
            if not study:
                raise BiblioError(
                    f"{file_name}: record {rec.id} has no {study_column!r} value",
                    hint=f"give every row a {study_column!r} (the study it reports), or leave"
                    " out --study-column to count each report as its own study",
                )
        out.append(
            PreviousReport(
                id=rec.id,
                study=study,
                title=normalize_title(rec.title),
                authors=rec.authors,
                year=rec.year,
                doi=rec.doi,
                journal=rec.journal,
                file_name=file_name,
                volume=volume_of(rec.extra),
                issue=issue_of(rec.extra),
                pages=pages_of(rec.extra),
                doc_type=rec.doc_type,
            )
        )
    return out


# What databases add to a title in brackets: "[Review]", "[33 refs]", "[French]", "[Erratum
# appears in N Engl J Med …]", and the same cut short at the end ("… experience]. [Spanish").
_ANNOTATION = re.compile(r"\[[^\]]*(\]|$)")


def matching_title(title: str) -> str:
    """A title as two databases' exports of one paper agree on it: without the bracketed
    notes a database adds, in lower-case letters and digits. A title that is all in brackets
    (MEDLINE's translated titles, "[Research on fast track surgery …]") keeps its words."""
    plain = title_key(_ANNOTATION.sub(" ", title))
    return plain if len(plain) >= MIN_TITLE_KEY else title_key(title)


def found_again(records: Iterable[BibRecord], reports: Sequence[PreviousReport]) -> list[Found]:
    """The update's records that are reports of the previous version: the same DOI, or the
    same title (`matching_title`; one too short to name one study is not matched) and, where
    both have one, a year no more than one apart (a short title such as "Atypical hemolytic
    uremic syndrome" is given to many papers). Each record once, a DOI match first."""
    by_doi = {r.doi.casefold(): r.id for r in reports if r.doi}
    by_title: dict[str, list[PreviousReport]] = {}
    for r in reports:
        if len(key := matching_title(r.title)) >= MIN_TITLE_KEY:
            by_title.setdefault(key, []).append(r)
    out = []
    for rec in records:
        if rec.doi and rec.doi.casefold() in by_doi:
            out.append(Found(rec.id, by_doi[rec.doi.casefold()], "doi"))
            continue
        near = [
            r for r in by_title.get(matching_title(rec.title), [])
            if r.year is None or rec.year is None or abs(r.year - rec.year) <= 1
        ]  # fmt: skip
        if near:
            out.append(Found(rec.id, near[0].id, "title"))
    return out


def removals(found: Sequence[Found], decided: set[str], at: str) -> list[Decision]:
    """An exclusion before screening for each record found again that no one has decided at
    title/abstract yet (a decision a person made stands)."""
    return [
        Decision(
            f.record_id,
            TITLE_ABSTRACT,
            "exclude",
            rules.AUTOMATION_REVIEWER,
            at,
            reason=PREVIOUS_REASON,
            note=f"matched report {f.report_id} by {f.by}",
            origin="automation",
            source=PREVIOUS_SOURCE,
        )
        for f in found
        if f.record_id not in decided
    ]


def is_previous(d: Decision) -> bool:
    """An exclusion `previous --remove-found` made: not the year and language rules' to undo."""
    return d.origin == "automation" and d.source == PREVIOUS_SOURCE


def returned(d: Decision, at: str) -> Decision:
    """A removal taken back: the record returns to screening (an automation `maybe`)."""
    return Decision(d.record_id, TITLE_ABSTRACT, "maybe", rules.AUTOMATION_REVIEWER, at,
                    note="the previous version's list was cleared", origin="automation",
                    source=PREVIOUS_SOURCE)  # fmt: skip


@dataclass(frozen=True)
class Previous:
    """What the project holds of its previous version, and the update's records repeating it."""

    studies: int
    reports: int
    file_name: str
    found: tuple[Found, ...] = ()
    removed: tuple[str, ...] = ()  # record ids removed by this call
    twice: tuple[str, ...] = ()  # repeats included at full text: the total counts them twice
    carried: tuple[CarriedCount, ...] = ()  # its extraction and appraisal carried into the update

    def summary(self) -> str:
        return (f"{self.studies} studies in {self.reports} reports from the previous version;"
                f" {len(self.found)} records of the update repeat them")  # fmt: skip

    def lines(self, remove_found: bool) -> list[str]:
        """What was told and found, as `litsynth previous` and the Records screen say it
        (`warning` apart: the command line shows it in colour)."""
        if not self.reports:
            return ["No previous version recorded: this is a new review. For an update, name"
                    " the previous version's deposit package or its included studies:"
                    " `litsynth previous FILE`."]  # fmt: skip
        out = [f"The previous version included {count(self.studies, 'study', 'studies')} in"
               f" {count(self.reports, 'report')} (from {self.file_name})."]  # fmt: skip
        if self.carried:
            out.append(carried_sentence(self.carried))
        if self.found:
            by_doi = sum(f.by == "doi" for f in self.found)
            shown = ", ".join(f.record_id for f in self.found[:10])
            more = ", …" if len(self.found) > 10 else ""
            out.append(f"{count(len(self.found), 'record')} of this update repeat them ({by_doi}"
                       f" by DOI, {len(self.found) - by_doi} by title): {shown}{more}")  # fmt: skip
            if self.removed:
                out.append(f"Removed {count(len(self.removed), 'record')} before screening"
                           " (PRISMA: records removed for other reasons).")  # fmt: skip
            elif not remove_found:
                out.append("  `litsynth previous --remove-found` removes those no one has"
                           " decided yet before screening (PRISMA: records removed for other"
                           " reasons).")  # fmt: skip
        out.append("A new report of one of its studies (a follow-up published since) counts"
                   " with that study: `litsynth studies candidates` proposes them, `litsynth"
                   " studies group previous:STUDY RECORD` records one.")  # fmt: skip
        return out

    def warning(self) -> str:
        """Repeats included at full text, which the total counts twice; "" when none."""
        if not self.reports or not self.twice:
            return ""
        one = len(self.twice) == 1
        it, verb = ("it", "is") if one else ("them", "are")
        return (f"{count(len(self.twice), 'record')} of them {verb} included at full text in"
                f" this update too, so the total counts {it} twice: exclude {it} at full"
                f" text with the reason {PREVIOUS_REASON!r}, or take the study out of the"
                " previous list.")  # fmt: skip

    def to_json(self) -> dict[str, object]:
        return {
            "studies": self.studies, "reports": self.reports, "file": self.file_name,
            "found": [f.to_json() for f in self.found], "removed": list(self.removed),
            "counted_twice": list(self.twice),
            "carried": {c.form: {"studies": c.studies, "values": c.values} for c in self.carried},
        }  # fmt: skip


def record(
    conn: sqlite3.Connection,
    reports: Sequence[PreviousReport] | None,
    *,
    remove_found: bool,
    at: str,
    values: Sequence[PreviousValue] = (),
) -> Previous:
    """The previous version's list (`reports`, with the `values` its studies carry, or the
    ones recorded before when None), the update's records that repeat it and, asked, their
    removal before screening."""
    if reports is not None:
        store.replace_reports(conn, reports, at)
        store.replace_carried(conn, values)
    held = store.reports(conn)
    found = found_again(biblio_store.unique_records(conn), held)
    removed: list[Decision] = []
    standing = rules.effective(screening_log.log(conn))
    if remove_found:
        decided = {rid for (rid, stage) in standing if stage == TITLE_ABSTRACT}
        removed = removals(found, decided, at)
        screening_log.insert_decisions(conn, removed)
    twice = tuple(
        f.record_id for f in found
        if (ft := standing.get((f.record_id, FULL_TEXT))) is not None and ft.decision == "include"
    )  # fmt: skip
    studies, n_reports = store.counted(conn)
    carried = counted(v for v in store.standing_values(conn) if v.carried)
    return Previous(studies, n_reports, held[0].file_name if held else "", tuple(found),
                    tuple(d.record_id for d in removed), twice, tuple(carried))  # fmt: skip


def forget(conn: sqlite3.Connection, at: str) -> int:
    """Forget the list; the records removed for repeating it return to screening (how many)."""
    store.clear(conn)
    standing = [
        d for d in rules.latest(screening_log.log(conn, TITLE_ABSTRACT)).values()
        if is_previous(d) and d.decision == "exclude"
    ]  # fmt: skip
    screening_log.insert_decisions(conn, [returned(d, at) for d in standing])
    return len(standing)
