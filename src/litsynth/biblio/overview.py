"""Where a project's records stand, in three lines: what `litsynth status` shows beside the
documents, so a reviewer who imported exports last week sees what is done and what is next
without running `prisma`, `dedupe --uncertain` and `link` one by one."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litsynth.biblio import dedupe
from litsynth.biblio.export_source import alike_sources
from litsynth.biblio.prisma import PrismaFlow
from litsynth.biblio.studies import is_previous_study
from litsynth.words import count


@dataclass(frozen=True)
class RecordsOverview:
    """Counts of the records' side of a review, each from the store as it is now."""

    imported: int
    by_source: dict[str, int]
    duplicates: int
    deduped: int | None  # records the last `dedupe` read; None: it never ran
    removed_since: bool  # a batch was removed after the last dedupe
    uncertain: int  # pairs the last dedupe was unsure of, not yet settled by a person
    flow: PrismaFlow
    # why the log does not add up to a PRISMA flow ("" when it does); the counts are then
    # the unchecked ones, and `status` says to run `prisma` for where
    flow_problem: str
    # records whose full text is wanted, as `link` counts them: those included at
    # title/abstract once screening has begun, every unique record before
    sought: int
    linked: int  # of those, linked to a document
    sought_rule: str = field(default="")
    set_apart: int = 0  # pairs it was unsure of whose DOIs differ: not asked (dedupe.set_apart)
    # included studies with a value in each form ("extraction", "appraisal")
    filled_in: dict[str, int] = field(default_factory=dict)
    carried: dict[str, int] = field(default_factory=dict)  # form -> previous studies with values

    @property
    def ta_total(self) -> int:
        return self.flow.records_screened + self.flow.other_screened

    @property
    def ta_decided(self) -> int:
        return self.ta_total - self.flow.records_awaiting - self.flow.other_records_awaiting

    @property
    def ft_total(self) -> int:
        return self.flow.dbr_sought_reports + self.flow.other_sought_reports

    @property
    def ft_decided(self) -> int:
        awaiting = self.flow.dbr_awaiting_reports + self.flow.other_awaiting_reports
        return self.ft_total - awaiting

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "by_source": self.by_source,
            "duplicates": self.duplicates,
            "deduplicated_records": self.deduped,
            "removed_since_dedupe": self.removed_since,
            "uncertain_pairs": self.uncertain,
            "set_apart_pairs": self.set_apart,
            "title_abstract": {
                "decided": self.ta_decided,
                "records": self.ta_total,
                # set aside before anyone screened them: year/language rules, a stop
                "automatic": self.flow.excluded_automatic + self.flow.other_excluded_automatic,
            },
            "full_text": {"decided": self.ft_decided, "reports": self.ft_total},
            "included": self.flow.new_studies,
            "included_reports": self.flow.new_reports,  # more than studies once grouped
            "flow_problem": self.flow_problem,
            "full_texts": {"linked": self.linked, "sought": self.sought, "rule": self.sought_rule},
            "filled_in": self.filled_in,
            # an updated review's previous version (`litsynth previous`); zeros for a new one
            "previous": {
                "studies": self.flow.previous_studies, "reports": self.flow.previous_reports,
                "repeats_removed": self.flow.excluded_other,
                "total_studies": self.flow.total_studies,
                # this update's included reports of those studies (`litsynth studies`)
                "new_reports": self.flow.previous_new_reports,
                # its studies with extraction / appraisal values carried (previous_values)
                "carried": self.carried,
            },
        }  # fmt: skip


def _carried(carried: Mapping[str, int]) -> str:
    """ "; data extraction of 52 and appraisal of 52 carried from it", or "" when none is."""
    parts = [f"{'data extraction' if form == 'extraction' else 'appraisal'} of {n}"
             for form, n in carried.items() if n]  # fmt: skip
    return f"; {' and '.join(parts)} carried from it" if parts else ""


def _in_reports(report: Mapping[str, Any]) -> str:
    """' (in 31 reports)' once reports are grouped into studies (`litsynth studies`)."""
    reports = report.get("included_reports", report["included"])
    return f" (in {reports} reports)" if reports != report["included"] else ""


def records_overview(conn: sqlite3.Connection) -> RecordsOverview:
    """The overview from the store; cheap (counts, no matcher, no model)."""
    from litsynth.biblio.batches import REMOVED
    from litsynth.biblio.export import select
    from litsynth.biblio.link import sought_records
    from litsynth.biblio.previous_values import counted
    from litsynth.biblio.prisma import check_flow
    from litsynth.biblio.screening_ops import unchecked_flow
    from litsynth.errors import PrismaError
    from litsynth.store import biblio as store
    from litsynth.store import extraction as forms
    from litsynth.store import previous as previous_store
    from litsynth.store import runs

    by_source = dict(sorted(store.count_by_source(conn).items(), key=lambda kv: (-kv[1], kv[0])))
    last = runs.latest_run(conn, "dedupe")
    deduped = None if last is None else int((last.get("summary") or {}).get("n_records", 0))
    removal = runs.latest_run(conn, REMOVED)
    removed_since = last is not None and removal is not None and removal["id"] > last["id"]
    sought, not_retrieved, rule = sought_records(conn)
    flow, problem = unchecked_flow(conn), ""
    try:
        check_flow(flow)
    except PrismaError as exc:  # status must still say where things stand, and that this is off
        problem = exc.message
    linked_ids = {row["record_id"] for row in store.record_documents(conn)}
    # each included record -> its study: a study whose values sit on any of its reports
    # counts once as filled in
    included = select(conn, "included") if flow.new_studies else []
    study = {e.record.id: e.study or e.record.id for e in included}
    filled_in = {
        form: len(
            {
                study[r]
                for (r, _), v in forms.current_values(conn, form).items()
                if v and r in study and not is_previous_study(study[r])  # counted among new
            }
        )
        for form in ("extraction", "appraisal")
    }
    return RecordsOverview(
        imported=sum(by_source.values()),
        by_source=by_source,
        duplicates=store.count_duplicates(conn),
        deduped=deduped,
        removed_since=removed_since,
        uncertain=len(dedupe.open_pairs(conn)),
        set_apart=len(store.uncertain_pairs(conn, dedupe.DISTINCT)),
        flow=flow,
        flow_problem=problem,
        sought=len(sought),
        linked=sum(1 for r in sought if r.id in linked_ids and r.id not in not_retrieved),
        sought_rule=rule,
        filled_in=filled_in,
        carried={c.form: c.studies for c in counted(previous_store.standing_values(conn))},
    )


def lines(report: Mapping[str, Any]) -> list[str]:
    """What `status` prints from `RecordsOverview.to_json()` (as `/api/status` serves it): one
    line per step, each naming the command that moves it on."""
    if not report["imported"]:
        return ["records: none imported (`litsynth import FILE --source NAME`)"]
    sources = ", ".join(f"{s} {n}" for s, n in report["by_source"].items())
    for alike in alike_sources(report["by_source"]):
        sources += (
            f" ({' and '.join(repr(s) for s in alike)} look like one database, counted apart:"
            " `litsynth batches` lists their imports)"
        )
    deduped = report["deduplicated_records"]
    since = report["imported"] - (deduped or 0)
    if deduped is None:
        dedupe = "not deduplicated yet (`litsynth dedupe`)"
    elif since > 0 or report["removed_since_dedupe"]:
        changed = f"{since} imported" if since > 0 else "a batch removed"
        dedupe = (
            f"{report['duplicates']} duplicates linked; {changed} since the last dedupe"
            " (`litsynth dedupe` again)"
        )
    else:
        dedupe = f"{report['duplicates']} duplicates linked"
        if report["uncertain_pairs"]:
            settle = "`litsynth dedupe --uncertain`"
            dedupe += f", {report['uncertain_pairs']} uncertain pairs to settle ({settle})"
        if report.get("set_apart_pairs"):
            dedupe += f", {report['set_apart_pairs']} more set apart by their DOIs"
    ta, ft, texts = report["title_abstract"], report["full_text"], report["full_texts"]
    aside = f" ({ta['automatic']} more marked ineligible by automation)" if ta["automatic"] else ""
    screening = (
        f"screening: title/abstract {ta['decided']} of {ta['records']} included or excluded"
        f"{aside}; full text {ft['decided']} of {ft['reports']} assessed;"
        f" {count(report['included'], 'study', 'studies')}{_in_reports(report)} included"
        " (`litsynth prisma` for the whole flow)"
    )
    if report["flow_problem"]:
        screening += (
            "\n  but the screening log does not add up to a PRISMA flow: `litsynth prisma` says"
            " which records need a corrected decision"
        )
    if not ta["decided"]:  # before screening every record is "sought": no list of PDFs yet
        linked = (
            f"full texts: {texts['linked']} records linked to a document; the ones to find are"
            " those title/abstract screening includes"
        )
    else:
        linked = (
            f"full texts: {texts['linked']} of {texts['sought']} sought records linked to a"
            " document"
        )
        if texts["linked"] < texts["sought"]:
            linked += (
                " (put the others' PDFs in corpus/, then `litsynth ingest` and `litsynth link`)"
            )
    out = [f"records: {report['imported']} from {sources}; {dedupe}", screening, linked]
    earlier = report.get("previous") or {}
    if earlier.get("reports"):
        studies = count(earlier["studies"], "study", "studies")
        total = count(earlier["total_studies"], "study", "studies")
        out.insert(1, (
            f"an update: the previous version included {studies}"
            f" ({count(earlier['reports'], 'report')}); {earlier['repeats_removed']} of this"
            f" update's records removed as repeats of them"
            + (f", {count(earlier['new_reports'], 'new report')} of them included"
               if earlier.get("new_reports") else "")
            + f"; {total} in all (`litsynth previous`)"
            + _carried(earlier.get("carried") or {})
        ))  # fmt: skip
    filled = report.get("filled_in") or {}
    if report["included"] and any(filled.values()):
        n = report["included"]
        out.append(
            f"included studies: {filled.get('extraction', 0)} of {n} with data extracted"
            f" (`litsynth extract table`), {filled.get('appraisal', 0)} of {n} appraised"
            " (`litsynth appraise table`)"
        )
    return out
