"""The PRISMA 2020 flow in words: the study-selection paragraph of a review's Results, and
the selection process for its Methods.

PRISMA 2020 item 16a asks a review to describe "the results of the search and selection
process, from the number of records identified in the search to the number of studies
included in the review". Authors write that paragraph by hand from the diagram, and the two
drift apart when a decision changes late. Here it is written from the same `PrismaFlow` as
the diagram, the CSV and `litsynth prisma`, so the numbers in the text are the numbers in
the figure. Sentences follow the diagram's order: identification, screening, retrieval,
eligibility, inclusion; the other-methods arm gets a sentence of its own when it was used.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from litsynth import __version__
from litsynth.biblio import screening_pilot, screening_stop
from litsynth.biblio import screening_rules as rules
from litsynth.biblio.export import select
from litsynth.biblio.previous import is_previous
from litsynth.biblio.prisma import PrismaFlow
from litsynth.biblio.screening_progress import Progress, screeners
from litsynth.biblio.stopping import p_text
from litsynth.biblio.studies import is_previous_study
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, Decision
from litsynth.store import biblio as biblio_store
from litsynth.store import runs, screening_log
from litsynth.store import studies as studies_store
from litsynth.words import and_list, number_word


def _n(count: int, noun: str, plural: str = "") -> str:
    """'1 record', '2 records', '1,704 records'."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def _was(count: int) -> str:
    return "was" if count == 1 else "were"


def _per(mapping: Mapping[str, int]) -> str:
    """'Scopus, n = 36; Web of Science, n = 16', the way reviews give counts per source."""
    return "; ".join(f"{name}, n = {n:,}" for name, n in mapping.items() if n)


def _identified(f: PrismaFlow) -> str:
    arms = []
    if f.database_results:
        arms.append(
            f"{_n(f.database_results, 'record')} in databases ({_per(f.database_specific_results)})"
        )
    if f.register_results:
        arms.append(f"{f.register_results:,} in registers ({_per(f.register_specific_results)})")
    other = f.website_results + f.organisation_results + f.citations_results
    if other:
        noun = "" if arms else " record" + ("" if other == 1 else "s")
        arms.append(f"{other:,}{noun} through other methods ({_per(f.other_specific_results)})")
    return f"The searches identified {and_list(arms)}."


def _removed(duplicates: int, automatic: int, other: int) -> list[str]:
    return [
        _n(duplicates, "duplicate") if duplicates else "",
        f"{_n(automatic, 'record')} marked as ineligible by automation tools" if automatic else "",
        f"{_n(other, 'record')} removed for other reasons" if other else "",
    ]


def _screening(screened: int, excluded: int, awaiting: int, removed: list[str]) -> str:
    # never a numeral first: a sentence does not start with "35 records"
    if any(removed):
        text = f"After removing {and_list(removed)}, {_n(screened, 'record')} {_was(screened)}"
    else:
        text = f"No record was removed before screening; {screened:,} {_was(screened)}"
    text += f" screened on title and abstract and {excluded:,} {_was(excluded)} excluded"
    if awaiting:
        text += f"; {awaiting:,} {'awaits' if awaiting == 1 else 'await'} a decision"
    return _upper(text) + "."


def _reports(
    sought: int, not_retrieved: int, awaiting: int, assessed: int, excluded: Mapping[str, int]
) -> str:
    if not sought:
        return ""
    if not_retrieved:
        first = (
            f"Of the {_n(sought, 'report')} sought for retrieval, {not_retrieved:,} could not"
            " be retrieved"
        )
    elif sought == 1:
        first = "The report sought for retrieval was retrieved"
    else:
        first = f"All {sought:,} reports sought for retrieval were retrieved"
    if awaiting:
        first += f" and {awaiting:,} {'awaits' if awaiting == 1 else 'await'} assessment"
    dropped = sum(excluded.values())
    second = f"{_n(assessed, 'report')} {_was(assessed)} assessed for eligibility in full text"
    if dropped:
        second += f" and {dropped:,} {_was(dropped)} excluded ({_per(excluded)})"
    elif assessed:
        second += " and none was excluded"
    return f"{first}; {second}."


def _other_arm(f: PrismaFlow) -> str:
    other = f.website_results + f.organisation_results + f.citations_results
    if not other:
        return ""
    removed = _removed(f.other_duplicates, f.other_excluded_automatic, 0)
    screened = _screening(
        f.other_screened, f.other_records_excluded, f.other_records_awaiting, removed
    )
    reports = _reports(
        f.other_sought_reports, f.other_notretrieved_reports, f.other_awaiting_reports,
        f.other_assessed, f.other_excluded,
    )  # fmt: skip
    return (
        f"For the records from other methods, {screened[0].lower()}{screened[1:]} {reports}".strip()
    )


def _included(f: PrismaFlow) -> str:
    studies = _n(f.new_studies, "study", "studies")
    text = f"In all, {studies} {_was(f.new_studies)} included in the review"
    if f.new_reports != f.new_studies:
        text += f", reported in {_n(f.new_reports, 'report')}"
    if f.previous_studies:
        text += (
            f", together with {_n(f.previous_studies, 'study', 'studies')} from the review's"
            f" previous version ({_n(f.total_studies, 'study', 'studies')} in total)"
        )
    text += "."
    found = f.previous_new_reports
    if found:
        text += (
            " A new report of a study the previous version included was added to that study"
            if found == 1
            else f" New reports of studies the previous version included (n = {found:,}) were"
            " added to those studies"
        ) + f" ({_n(f.total_reports, 'report')} in total)."
    return text


def selection_paragraph(flow: PrismaFlow, set_aside: int = 0) -> str:
    """The study-selection paragraph for the Results section, from the flow's numbers.

    `set_aside`: the records a stop excluded unscreened (`screening_stop`), which the flow
    counts among those marked ineligible by automation tools; a sentence says how many of
    them a stop set aside, so the Results do not pass them off as a year or language rule's.
    """
    f = flow
    identified = f.database_results + f.register_results
    other = f.website_results + f.organisation_results + f.citations_results
    if not identified and not other:
        return "No records have been identified yet."
    sentences = [_identified(f)]
    if identified:
        removed = _removed(f.duplicates, f.excluded_automatic, f.excluded_other)
        sentences.append(
            _screening(f.records_screened, f.records_excluded, f.records_awaiting, removed)
        )
        reports = _reports(
            f.dbr_sought_reports, f.dbr_notretrieved_reports, f.dbr_awaiting_reports,
            f.dbr_assessed, f.dbr_excluded,
        )  # fmt: skip
        sentences.append(reports)
    sentences.append(_other_arm(f))
    if set_aside:
        sentences.append(
            f"Of the records marked as ineligible by automation tools, {set_aside:,}"
            f" {_was(set_aside)} set aside unscreened once the stopping rule was met."
        )
    sentences.append(_included(f))
    return " ".join(s for s in sentences if s)


def project_paragraph(conn: sqlite3.Connection, flow: PrismaFlow) -> str:
    """`selection_paragraph` of the project's flow, with the records its stops set aside: the
    one way the CLI, the report and the workspace write the Results' words."""
    stops = screening_stop.stops(screening_log.log(conn, TITLE_ABSTRACT))
    return selection_paragraph(flow, sum(len(s.records) for s in stops))


# ---- the selection process, for the Methods (item 8) ---------------------------------------

_STAGE_WORDS = {
    TITLE_ABSTRACT: ("Titles and abstracts were screened", "records"),
    FULL_TEXT: ("Full texts were assessed", "reports"),
}


def _stage_methods(log: list[Decision], stage: str) -> str:
    """Who decided at `stage`, how many records each saw, how they agreed and how their
    disagreements were settled, from the screening log as it stands (undos applied)."""
    now = rules.latest(log)
    by_record: dict[str, set[str]] = {}
    resolved: dict[str, str] = {}  # record → who recorded the resolution
    for (rid, st, who), d in now.items():
        if st != stage:
            continue
        if d.origin in rules.HUMAN_ORIGINS:
            by_record.setdefault(rid, set()).add(who)
        elif d.origin == "resolution":
            resolved[rid] = d.reviewer
    if not by_record:
        return ""
    opening, items = _STAGE_WORDS[stage]
    reviewers = sorted(set().union(*by_record.values()))
    names = ", ".join(reviewers)
    if len(reviewers) == 1:
        return f"{opening} by one reviewer ({names})."
    several = sum(len(who) >= 2 for who in by_record.values())
    total = len(by_record)
    text = f"{opening} by {number_word(len(reviewers))} reviewers ({names}): "
    by = "both" if len(reviewers) == 2 else "two or more of them"
    if several == total:
        text += f"each of the {total:,} {items} by {by}."
    elif not several:
        text += f"each of the {total:,} {items} by one of them."
    else:
        text += f"{several:,} of the {total:,} {items} by {by}, the others by one."
    agreement = rules.agreement(log, stage)
    if agreement.n_both:
        first_two = " and ".join(agreement.reviewers[:2])
        text += f" They agreed on {agreement.n_agree:,} of those {agreement.n_both:,}"
        if agreement.kappa is not None:
            text += f" (Cohen's kappa {agreement.kappa:.2f} between {first_two})"
        text += "."
    if resolved:
        settlers = " and ".join(sorted(set(resolved.values())))
        text += f" {_disagreements(len(resolved))} resolved by {settlers}."
    if agreement.conflicts:
        text += f" {_disagreements(len(agreement.conflicts), 'is', 'are')} still open."
    return text


# What a tool did to the records its decisions cover, for a reader who does not know it.
_TOOL_WORDS = {"ASReview LAB": ", which ordered the records by an active learning model,"}


def _made_elsewhere(log: list[Decision], stage: str) -> str:
    """Which of the standing decisions at `stage` were made in another screening tool and
    imported (`screen import`), as PRISMA 2020 item 8 asks the tools to be named."""
    records: dict[str, set[str]] = {}
    for (rid, st, _who), d in rules.latest(log).items():
        tool = rules.made_in(d) if st == stage else ""
        if tool:
            records.setdefault(tool, set()).add(rid)
    _opening, items = _STAGE_WORDS[stage]
    return " ".join(
        f"Decisions on {len(ids):,} of these {items} were made in {tool}"
        f"{_TOOL_WORDS.get(tool, '')} and imported."
        for tool, ids in sorted(records.items())
    )


def _pilot(log: list[Decision], stage: str, ids: Sequence[str]) -> str:
    """The pilot round at `stage` (screening_pilot.py): its size, who screened how many of
    its records, and how they agreed on them."""
    if not ids:
        return ""
    report = screening_pilot.standing(log, stage, ids)
    if not report.done:
        return ""
    _opening, items = _STAGE_WORDS[stage]
    who = ", ".join(f"{r} {n:,}" for r, n in sorted(report.done.items()))
    text = (
        f"A pilot sample of {len(ids):,} {items}, drawn at random, was given to every reviewer"
        f" first ({who})"
    )
    a = report.agreement
    if a.n_both:
        text += f"; they agreed on {a.n_agree:,} of the {a.n_both:,} decided by two or more"
        if a.kappa is not None:
            text += f" (Cohen's kappa {a.kappa:.2f} between {' and '.join(a.reviewers[:2])})"
    return text + "."


def _disagreements(count: int, one: str = "was", more: str = "were") -> str:
    if count == 1:
        return f"The disagreement on 1 record {one}"
    return f"Disagreements on {count:,} records {more}"


def _automation(log: list[Decision]) -> str:
    standing = [
        d for d in rules.latest(log).values()
        if d.origin == "automation" and d.decision == "exclude" and not rules.is_stop(d)
    ]  # fmt: skip
    repeats = sum(is_previous(d) for d in standing)
    reasons = Counter(d.reason or rules.NO_REASON for d in standing if not is_previous(d))
    said = []
    if reasons:
        total = sum(reasons.values())
        said.append(
            f"Automation rules excluded {_n(total, 'record')} before screening ({_per(reasons)})."
        )
    if repeats:
        said.append(
            f"{_upper(_n(repeats, 'record'))} that repeated a study included in the previous"
            " version of the review (same DOI or title) were removed before screening."
        )
    return " ".join(said)


_CRITERION = (
    "the stopping criterion of Callaghan and Müller-Hansen (2020) in its ranked form, which"
    " reads each reviewer's decisions in the order they were made"
)


def _stopped(log: list[Decision]) -> str:
    """The stops that ended title/abstract screening (`screening_stop`): who stopped where,
    with the rule's p then, and how many records were set aside unscreened."""
    made = screening_stop.stops(log)
    if not made:
        return ""
    clauses = [
        f"{s.reviewer} stopped after screening {s.screened:,} of the {_n(s.pool, 'record')},"
        f" when it was met ({p_text(s.p_value)}), and the {_n(len(s.records), 'record')} no"
        f" reviewer had screened {_was(len(s.records))} excluded without screening"
        for s in made
    ]
    first = made[0]
    return (
        f"Title and abstract screening ended by {_CRITERION}: a reviewer may stop once it"
        f" rejects, at α = {first.alpha:g}, that recall is below {first.target_recall:.0%}."
        f" {_upper('; '.join(clauses))}."
    )


def _stopping(screeners: Sequence[Progress], unscreened: int) -> str:
    """How title/abstract screening could end before every record was read, where each
    reviewer stands against that rule, with its p (`screening_progress.screeners`), and how
    many records nobody screened. Nothing when every record was screened by someone (or set
    aside by a stop): then no rule is ending the screening, and a second reviewer who
    screened a sample for agreement is not someone who stopped early."""
    if not screeners or not unscreened:
        return ""
    v = screeners[0].stopping
    clauses = []
    for p in screeners:
        if p.screened >= p.pool:
            clauses.append(f"{p.reviewer} screened all {_n(p.pool, 'record')}")
        elif p.stopping.stop:
            clauses.append(
                f"{p.reviewer} screened {p.screened:,} of the {_n(p.pool, 'record')}, which"
                f" met it ({p_text(p.stopping.p_value)})"
            )
        else:
            clauses.append(
                f"{p.reviewer} has screened {p.screened:,} of the {_n(p.pool, 'record')} so"
                f" far, which does not yet meet it ({p_text(p.stopping.p_value)})"
            )
    return (
        f"Title and abstract screening could end before every record was screened, by"
        f" {_CRITERION}: they may stop once it rejects, at α = {v.alpha:g}, that recall is"
        f" below {v.target_recall:.0%}. {_upper('; '.join(clauses))}. No reviewer has screened"
        f" the other {_n(unscreened, 'record')}."
    )


def _upper(text: str) -> str:
    """A sentence that opens with a reviewer's name written in lower case ('ann') opens
    with a capital all the same."""
    return text[:1].upper() + text[1:]


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _day(iso: str) -> str:
    """'2026-11-01' as '1 November 2026': no reader mistakes the day for the month."""
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"


def _information_sources(searches: Sequence[Mapping[str, str]]) -> str:
    """When each source was last searched (PRISMA 2020 item 6), from the searches told."""
    last: dict[str, str] = {}
    for s in searches:
        last[s["source"]] = max(last.get(s["source"], ""), s["searched_on"])
    if not last:
        return ""
    again = any(sum(s["source"] == src for s in searches) > 1 for src in last)
    (first, day), *others = last.items()
    parts = [f"{first} was {'last searched' if again else 'searched'} on {_day(day)}"]
    parts += [f"{source} on {_day(when)}" for source, when in others]
    return f"{and_list(parts)}."


def deduplication(conn: sqlite3.Connection) -> str:
    """How duplicates were found and the doubtful pairs settled (PRISMA-S item 16: "describe
    the processes and any software used to deduplicate records"), from the last `litsynth
    dedupe` run, its pairs and people's verdicts; "" before any run."""
    from litsynth.biblio import dedupe

    run = runs.latest_run(conn, "dedupe")
    if run is None:
        return ""
    linked = biblio_store.count_duplicates(conn)
    column = str(run["settings"].get("from_column") or "")
    if column:
        return (
            f"Duplicate records were taken from the dataset's own {column} column"
            f" ({_n(linked, 'record')} linked to the record each names)."
        )
    first = (
        f"Duplicate records were identified with {dedupe.matcher_name()} and linked to the"
        f" earliest-imported record of their group (n = {linked:,})"
    )
    unsure = biblio_store.count_pairs(conn, dedupe.MAYBE)
    apart = biblio_store.count_pairs(conn, dedupe.DISTINCT)
    if not unsure + apart:
        return first + "."
    verdicts = biblio_store.verdicts(conn)
    parts = []
    if apart:
        kept = len(biblio_store.uncertain_pairs(conn, dedupe.DISTINCT))
        parts.append(f"{kept:,} whose DOIs name different works were kept apart")
    if verdicts:
        names = and_list(sorted({who for *_, who in verdicts}))
        same = sum(1 for _a, _b, is_same, _who in verdicts if is_same)
        by = f"reviewers ({names})" if " and " in names else f"a reviewer ({names})"
        parts.append(f"{_n(len(verdicts), 'pair')} {_was(len(verdicts))} settled by {by},"
                     f" {same:,} of them as the same work")  # fmt: skip
    waiting = len(biblio_store.uncertain_pairs(conn))
    left = len(dedupe.open_pairs(conn))
    if waiting - left:
        parts.append(f"{waiting - left:,} followed from those verdicts")
    if left:
        parts.append(f"{left:,} {_was(left)} not settled and were kept as different records")
    return f"{first}; it was unsure of {_n(unsure + apart, 'pair')} of records: {and_list(parts)}."


def selection_methods(
    log: list[Decision],
    tool: str,
    searches: Sequence[Mapping[str, str]] = (),
    screeners: Sequence[Progress] = (),
    unscreened: int = 0,
    pilots: Mapping[str, Sequence[str]] | None = None,
    deduplicated: str = "",
) -> str:
    """The selection process for the Methods section (PRISMA 2020 item 8): how many reviewers
    screened each record and assessed each report, how they agreed, how disagreements were
    settled, what automation excluded and, when `unscreened` records were screened by nobody
    at title/abstract, the stopping rule and where each reviewer stands against it
    (`screeners`, their progress); the pilot round at each stage (`pilots`, its records);
    first, when each source was last searched (item 6) where the searches were told
    (`litsynth import --searched`), then how duplicates were removed (`deduplicated`, from
    `deduplication`). `tool` names the software and its version.

    Whether reviewers worked independently the log cannot tell (separate sheets may still
    have been discussed), so the paragraph does not say it: the author adds it.
    """
    sources = " ".join(x for x in (_information_sources(searches), deduplicated) if x)
    sentences = [
        _pilot(log, TITLE_ABSTRACT, (pilots or {}).get(TITLE_ABSTRACT, ())),
        _stage_methods(log, TITLE_ABSTRACT),
        _made_elsewhere(log, TITLE_ABSTRACT),
        _automation(log),
        _stopped(log),
        _stopping(screeners, unscreened),
        _pilot(log, FULL_TEXT, (pilots or {}).get(FULL_TEXT, ())),
        _stage_methods(log, FULL_TEXT),
        _made_elsewhere(log, FULL_TEXT),
    ]
    body = " ".join(s for s in sentences if s)
    if not body:
        return " ".join(x for x in (sources, "No screening decision has been recorded yet.") if x)
    return " ".join(
        x for x in (sources, f"Screening decisions were recorded in {tool}.", body) if x
    )


def collation(conn: sqlite3.Connection) -> str:
    """How reports of one study were counted, for the Methods, once any are grouped
    (`litsynth studies`): "Reports of the same study were linked, so that each study counts
    once: the 28 reports included describe 27 studies (1 reported in more than one paper)."
    """
    if not studies_store.links(conn):  # the common case: no report grouped, nothing to read
        return ""
    reports = [e.study or e.record.id for e in select(conn, "included")]
    studies = Counter(reports)
    several = sum(1 for n in studies.values() if n > 1)
    # an update's report of a study its previous version included counts as that study's
    earlier = sum(1 for s in studies if is_previous_study(s))
    if not (several or earlier):
        return ""
    how = [
        *([f"{several:,} reported in more than one paper"] if several else []),
        *([f"{earlier:,} included in the review's previous version"] if earlier else []),
    ]
    return (
        "Reports of the same study were linked, so that each study counts once: the"
        f" {_n(len(reports), 'report')} included describe {_n(len(studies), 'study', 'studies')}"
        f" ({'; '.join(how)})."
    )


def project_methods(conn: sqlite3.Connection, appraisal_form: Path | None = None) -> str:
    """`selection_methods` over the project's screening log and told searches, naming this
    litsynth: the one way the CLI, the report and the workspace write the Methods' words.
    With the project's appraisal form, how the included studies were appraised follows
    (item 11), once any study is."""
    log, searches = screening_log.log(conn), biblio_store.searches(conn)
    left = len(screening_stop.unscreened(conn))
    at_title = screeners(conn, TITLE_ABSTRACT) if left else []
    pilots = {stage: screening_log.pilot_ids(conn, stage) for stage in (TITLE_ABSTRACT, FULL_TEXT)}
    said = selection_methods(
        log, f"litsynth {__version__}", searches, at_title, left, pilots, deduplication(conn)
    )
    collated = collation(conn)
    said = f"{said} {collated}" if collated else said
    if appraisal_form is None or not appraisal_form.exists():
        return said
    from litsynth.biblio.appraisal import methods_sentence
    from litsynth.biblio.extraction import APPRAISAL, load_form

    appraised = methods_sentence(conn, load_form(appraisal_form, APPRAISAL))
    return f"{said} {appraised}" if appraised else said
