"""The PRISMA 2020 flow, computed from the records and the screening log, and checked.

`build_flow` is pure: it takes every imported record (source, duplicate link) and each
record's effective decision per stage (see `biblio.screening.effective`) and counts every box
of the PRISMA 2020 flow diagram for new reviews with databases, registers and other methods.
The names are the `data` keys of the PRISMA2020 R package's template (inst/extdata/PRISMA.csv),
so `--json` and `--csv` can be read by that package and its Shiny app.

Arms. A source is in the **other methods** arm when its name says citation searching,
websites or organisations (`arm_of`); everything else (Scopus, Web of Science, PubMed,
registers...) is **databases and registers**. Identification counts every imported record of
the arm, duplicates included; a duplicate is a record linked to a root (`duplicate_of`).

The arithmetic the diagram promises, per arm, and `check_flow` enforces:

    identified − duplicates − automation − other reasons = screened
    screened − excluded − awaiting screening            = sought for retrieval
    sought − not retrieved − awaiting assessment        = assessed
    assessed − Σ excluded with reasons                  = included

"Awaiting" boxes are ours, not the template's: a record that nobody has decided yet (or that
is in conflict, or marked maybe) is pending, never counted as excluded; and a report sought
but never assessed is pending, not "not retrieved" — that is a decision someone records.
An inconsistent log (say a full-text decision on a record excluded at title/abstract) breaks
one of these equations, and `check_flow` says which boxes disagree and by how much.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from litsynth.biblio.previous import PREVIOUS_REASON
from litsynth.biblio.prisma_words import BOX_LABELS
from litsynth.biblio.screening_rules import NO_REASON, Effective
from litsynth.biblio.studies import included_counts, previous_key
from litsynth.errors import PrismaError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT

DATABASE_ARM = "databases"
OTHER_ARM = "other"
TA, FT = TITLE_ABSTRACT, FULL_TEXT


def other_kind(source: str) -> str | None:
    """'citations' | 'website' | 'organisation' for an other-methods source, else None."""
    s = source.casefold()
    if "citation" in s or "reference list" in s or "snowball" in s:
        return "citations"
    if "website" in s or "web site" in s or "google scholar" in s:
        return "website"
    if "organisation" in s or "organization" in s:
        return "organisation"
    return None


def arm_of(source: str) -> str:
    return OTHER_ARM if other_kind(source) else DATABASE_ARM


def is_register(source: str) -> bool:
    s = source.casefold()
    return "register" in s or "registry" in s or "clinicaltrials" in s


@dataclass(frozen=True)
class FlowRecord:
    """One imported record as PRISMA sees it."""

    id: str
    source: str
    duplicate_of: str | None = None


@dataclass(frozen=True)
class PrismaFlow:
    """Every box of the PRISMA 2020 diagram (template `data` names) plus our pending boxes."""

    database_results: int = 0
    database_specific_results: Mapping[str, int] = field(default_factory=dict)
    register_results: int = 0
    register_specific_results: Mapping[str, int] = field(default_factory=dict)
    duplicates: int = 0
    excluded_automatic: int = 0
    excluded_other: int = 0
    records_screened: int = 0
    records_excluded: int = 0
    records_awaiting: int = 0
    dbr_sought_reports: int = 0
    dbr_notretrieved_reports: int = 0
    dbr_awaiting_reports: int = 0
    dbr_assessed: int = 0
    dbr_excluded: Mapping[str, int] = field(default_factory=dict)
    dbr_included: int = 0
    website_results: int = 0
    organisation_results: int = 0
    citations_results: int = 0
    other_specific_results: Mapping[str, int] = field(default_factory=dict)
    other_duplicates: int = 0
    other_excluded_automatic: int = 0
    other_screened: int = 0
    other_records_excluded: int = 0
    other_records_awaiting: int = 0
    other_sought_reports: int = 0
    other_notretrieved_reports: int = 0
    other_awaiting_reports: int = 0
    other_assessed: int = 0
    other_excluded: Mapping[str, int] = field(default_factory=dict)
    other_included: int = 0
    new_studies: int = 0
    new_reports: int = 0
    previous_studies: int = 0
    previous_reports: int = 0
    # reports this update included of studies the previous version included (a follow-up
    # since published): in the total reports, not in the new studies or their reports
    previous_new_reports: int = 0
    total_studies: int = 0
    total_reports: int = 0
    # record ids behind an inconsistency, so the error can name them (not part of the output)
    strays: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def summary(self) -> str:
        return f"{self.records_screened} records screened, {self.new_studies} studies included"

    def labelled(self) -> list[tuple[str, str, object]]:
        """(arm, the box's words in the PRISMA 2020 template, value) for tables people read;
        `to_json` keeps the template's data names for scripts. Zero boxes of an arm the review
        did not use are left out."""
        data = self.to_json()
        other_used = self.website_results + self.organisation_results + self.citations_results
        rows = []
        for key, (arm, words) in BOX_LABELS.items():
            value = data[key]
            if arm == "Other methods" and not other_used:
                continue
            if arm == "Previous studies" and not (self.previous_studies or self.previous_reports):
                continue
            if key == "previous_new_reports" and not value:  # an update's box, when it has any
                continue
            rows.append((arm, words, value))
        return rows

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "strays"}
        return {k: dict(v) if isinstance(v, Mapping) else v for k, v in out.items()}


@dataclass
class _Arm:
    """Counts of one arm while they are being gathered (private, mutable on purpose)."""

    per_source: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    automatic: int = 0
    removed_other: int = 0  # repeats of the previous version's studies (biblio/previous.py)
    screened: int = 0
    excluded: int = 0
    awaiting: int = 0
    sought: int = 0
    not_retrieved: int = 0
    awaiting_reports: int = 0
    assessed: int = 0
    excluded_reasons: Counter[str] = field(default_factory=Counter)
    included: int = 0
    included_ids: list[str] = field(default_factory=list)
    strays: dict[str, list[str]] = field(default_factory=dict)


def _count_arm(records: list[FlowRecord], eff: Mapping[tuple[str, str], Effective]) -> _Arm:
    arm = _Arm()
    for rec in records:
        arm.per_source[rec.source] += 1
        ta = eff.get((rec.id, TA))
        ft = eff.get((rec.id, FT))
        if rec.duplicate_of:
            arm.duplicates += 1
            if ft is not None and ft.decision in ("include", "exclude", "not-retrieved"):
                arm.strays.setdefault("full-text decision on a duplicate", []).append(rec.id)
                _count_report(arm, ft, rec.id)
            continue
        if ta is not None and ta.origin == "automation" and ta.decision == "exclude":
            if ta.reason == PREVIOUS_REASON:
                arm.removed_other += 1
            else:
                arm.automatic += 1
            if ft is not None and ft.decision in ("include", "exclude", "not-retrieved"):
                arm.strays.setdefault(
                    "full-text decision on a record excluded by automation", []
                ).append(rec.id)
                _count_report(arm, ft, rec.id)
            continue
        arm.screened += 1
        ta_decision = ta.decision if ta is not None else None
        if ta_decision == "exclude":
            arm.excluded += 1
        elif ta_decision == "include":
            arm.sought += 1
        else:
            arm.awaiting += 1
        if ft is not None and ft.decision in ("include", "exclude", "not-retrieved"):
            if ta_decision == "conflict":  # a second reviewer's vote came after full text
                arm.strays.setdefault(
                    "title/abstract votes that disagree (resolve them: `litsynth screen "
                    "conflicts`) on a record assessed at full text",
                    [],
                ).append(rec.id)
            elif ta_decision != "include":
                arm.strays.setdefault(
                    "full-text decision on a record not included at title/abstract", []
                ).append(rec.id)
            _count_report(arm, ft, rec.id)
        elif ta_decision == "include":
            arm.awaiting_reports += 1
    return arm


def _count_report(arm: _Arm, ft: Effective, record_id: str) -> None:
    if ft.decision == "not-retrieved":
        arm.not_retrieved += 1
    elif ft.decision == "exclude":
        arm.assessed += 1
        arm.excluded_reasons[ft.reason or NO_REASON] += 1
    else:
        arm.assessed += 1
        arm.included += 1
        arm.included_ids.append(record_id)


def build_flow(
    records: Iterable[FlowRecord],
    effective: Mapping[tuple[str, str], Effective],
    previous: tuple[int, int] = (0, 0),
    studies: Mapping[str, str] | None = None,
    previous_studies: Collection[str] = (),
) -> PrismaFlow:
    """Count every PRISMA 2020 box from the records and their effective decisions; an
    updated review's `previous` (studies, reports) are counted apart and in the totals.
    `studies` maps a record to its study's main report (`biblio.studies.studies_of`): the
    reports included count as reports, the studies they report as studies. A report of a
    study the previous version included (`previous:STUDY`, STUDY one of `previous_studies`,
    the keys of its list) is a new report of that study: in the total reports only.

    The template for updated reviews has no box for other-methods records that repeat the
    previous version: they are counted there with those marked ineligible by automation."""
    recs = list(records)
    db = _count_arm([r for r in recs if arm_of(r.source) == DATABASE_ARM], effective)
    other = _count_arm([r for r in recs if arm_of(r.source) == OTHER_ARM], effective)
    registers = {s: n for s, n in db.per_source.items() if is_register(s)}
    databases = {s: n for s, n in db.per_source.items() if not is_register(s)}
    kinds: Counter[str] = Counter()
    for source, n in other.per_source.items():
        kinds[other_kind(source) or "citations"] += n
    strays = {f"{k} ({DATABASE_ARM})": tuple(v) for k, v in db.strays.items()}
    strays.update({f"{k} ({OTHER_ARM})": tuple(v) for k, v in other.strays.items()})
    earlier = {previous_key(k) for k in previous_studies}
    new, studies_n, of_earlier, _ = included_counts(
        studies or {}, db.included_ids + other.included_ids, earlier
    )
    return PrismaFlow(
        database_results=sum(databases.values()),
        database_specific_results=dict(sorted(databases.items())),
        register_results=sum(registers.values()),
        register_specific_results=dict(sorted(registers.items())),
        duplicates=db.duplicates,
        excluded_automatic=db.automatic,
        excluded_other=db.removed_other,
        records_screened=db.screened,
        records_excluded=db.excluded,
        records_awaiting=db.awaiting,
        dbr_sought_reports=db.sought,
        dbr_notretrieved_reports=db.not_retrieved,
        dbr_awaiting_reports=db.awaiting_reports,
        dbr_assessed=db.assessed,
        dbr_excluded=dict(db.excluded_reasons.most_common()),
        dbr_included=db.included,
        website_results=kinds["website"],
        organisation_results=kinds["organisation"],
        citations_results=kinds["citations"],
        other_specific_results=dict(sorted(other.per_source.items())),
        other_duplicates=other.duplicates,
        other_excluded_automatic=other.automatic + other.removed_other,
        other_screened=other.screened,
        other_records_excluded=other.excluded,
        other_records_awaiting=other.awaiting,
        other_sought_reports=other.sought,
        other_notretrieved_reports=other.not_retrieved,
        other_awaiting_reports=other.awaiting_reports,
        other_assessed=other.assessed,
        other_excluded=dict(other.excluded_reasons.most_common()),
        other_included=other.included,
        new_studies=studies_n,
        new_reports=new,
        previous_studies=previous[0],
        previous_reports=previous[1],
        previous_new_reports=of_earlier,
        total_studies=studies_n + previous[0],
        total_reports=new + previous[1] + of_earlier,
        strays=strays,
    )


def check_flow(flow: PrismaFlow) -> PrismaFlow:
    """The flow if every box adds up; else PrismaError naming the boxes and the difference."""
    f = flow
    db_identified = f.database_results + f.register_results
    other_identified = f.website_results + f.organisation_results + f.citations_results
    equations = [
        (
            "records identified from databases",
            sum(f.database_specific_results.values()),
            "database_results",
            f.database_results,
        ),
        (
            "identified − duplicates − automation − other reasons",
            db_identified - f.duplicates - f.excluded_automatic - f.excluded_other,
            "records_screened",
            f.records_screened,
        ),
        (
            "records screened − excluded − awaiting screening",
            f.records_screened - f.records_excluded - f.records_awaiting,
            "dbr_sought_reports",
            f.dbr_sought_reports,
        ),
        (
            "reports sought − not retrieved − awaiting assessment",
            f.dbr_sought_reports - f.dbr_notretrieved_reports - f.dbr_awaiting_reports,
            "dbr_assessed",
            f.dbr_assessed,
        ),
        (
            "reports assessed − excluded (all reasons)",
            f.dbr_assessed - sum(f.dbr_excluded.values()),
            "included from databases",
            f.dbr_included,
        ),
        (
            "other methods: identified − duplicates − automation",
            other_identified - f.other_duplicates - f.other_excluded_automatic,
            "other records screened",
            f.other_screened,
        ),
        (
            "other methods: screened − excluded − awaiting",
            f.other_screened - f.other_records_excluded - f.other_records_awaiting,
            "other_sought_reports",
            f.other_sought_reports,
        ),
        (
            "other methods: sought − not retrieved − awaiting assessment",
            f.other_sought_reports - f.other_notretrieved_reports - f.other_awaiting_reports,
            "other_assessed",
            f.other_assessed,
        ),
        (
            "other methods: assessed − excluded (all reasons)",
            f.other_assessed - sum(f.other_excluded.values()),
            "included from other methods",
            f.other_included,
        ),
        (
            "included from databases + other methods",
            f.dbr_included + f.other_included,
            "new_reports + previous_new_reports",
            f.new_reports + f.previous_new_reports,
        ),
        (
            "new + previous studies",
            f.new_studies + f.previous_studies,
            "total_studies",
            f.total_studies,
        ),
        (
            "new + previous reports + new reports of previous studies",
            f.new_reports + f.previous_reports + f.previous_new_reports,
            "total_reports",
            f.total_reports,
        ),
    ]
    problems = [
        f"{left} = {lv} but {right} = {rv} (off by {rv - lv:+d})"
        for left, lv, right, rv in equations
        if lv != rv
    ]
    if f.new_studies > f.new_reports:
        problems.append(
            f"new_studies = {f.new_studies} but only {f.new_reports} reports were included"
        )
    negative = [k for k, v in f.to_json().items() if isinstance(v, int) and v < 0]
    problems += [f"{k} is negative ({getattr(f, k)})" for k in negative]
    if problems:
        hint = "; ".join(
            f"{what}: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}"
            for what, ids in f.strays.items()
        )
        raise PrismaError(
            "the screening log does not add up to a PRISMA flow: " + "; ".join(problems),
            hint=(hint + " — record a corrected decision (or a resolution) for these records")
            if hint
            else "check the decisions recorded for the boxes named",
        )
    return flow


# ---- PRISMA2020 template CSV ----------------------------------------------------------------

# (data, node, box, description, boxtext): our own wording of the template's rows. `url` and
# `tooltips` follow the template's convention of <data>.html and the description.
_TEMPLATE = (
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
    ),
    (
        "previous_reports",
        "NA",
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
    ),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    ("database_specific_results", "NA", "box2", "Records identified per database", "Databases"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    (
        "organisation_results",
        "NA",
        "box11",
        "Records identified from: Organisations",
        "Organisations",
    ),
    (
        "citations_results",
        "NA",
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
    ),
    ("duplicates", "node8", "box3", "Duplicate records removed", "Duplicate records"),
    (
        "excluded_automatic",
        "NA",
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
    ),
    (
        "excluded_other",
        "NA",
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other methods)",
        "Reports sought for retrieval",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other methods)",
        "Reports not retrieved",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers), by reason",
        "Reports excluded",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other methods)",
        "Reports assessed for eligibility",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other methods), by reason",
        "Reports excluded",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
    ),
    (
        "new_reports",
        "NA",
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
    ),
    (
        "total_reports",
        "NA",
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
    ),
)


def _cell(value: object) -> str:
    """A count, or 'name, n; name, n' as the template writes reasons and per-source counts."""
    if isinstance(value, Mapping):
        # a comma or semicolon inside a name would split it in the R package's parser
        return "; ".join(
            f"{str(k).replace(';', ' ').replace(',', ' ')}, {v}" for k, v in value.items()
        )
    return str(value)


def flow_csv(flow: PrismaFlow) -> str:
    """The flow as the PRISMA2020 template CSV: data,node,box,description,boxtext,tooltips,url,n."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"])
    values = flow.to_json()
    for data, node, box, description, boxtext in _TEMPLATE:
        tooltip = description if node != "NA" else "NA"
        url = f"{data}.html" if node != "NA" else "NA"
        writer.writerow([data, node, box, description, boxtext, tooltip, url, _cell(values[data])])
    return buf.getvalue()
