"""`litsynth screen …` (sheets, terminal loop, automation, conflicts, simulation) and `prisma`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import click

from litsynth.biblio import screening_ops as ops
from litsynth.biblio import screening_pilot as pilot
from litsynth.biblio.abstract_sections import AbstractSection, abstract_sections
from litsynth.biblio.highlight import screening_marks
from litsynth.biblio.record_fields import work_type
from litsynth.biblio.screening_progress import progress
from litsynth.biblio.screening_rules import DECISIONS, STAGES
from litsynth.biblio.screening_stop import resume_screening, stop_screening, stops
from litsynth.biblio.simulate import load_labelled_csv, simulate
from litsynth.biblio.stopping import p_text
from litsynth.cli.common import IMPORT_HINT, json_option, load, print_json, project_option
from litsynth.cli.groups import screen_group
from litsynth.config import ScreeningSettings
from litsynth.errors import ScreeningError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, BibRecord, Decision
from litsynth.store import opened, screening_log
from litsynth.words import count

stage_option = click.option(
    "--stage",
    type=click.Choice(STAGES),
    default=TITLE_ABSTRACT,
    show_default=True,
    help="Screening stage.",
)
reviewer_option = click.option(
    "--reviewer", default=None, help="Who decides (default: [project] reviewer in litsynth.toml)."
)


@screen_group.command("export")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@stage_option
@reviewer_option
@project_option
@json_option
def export_command(
    sheet: Path, stage: str, reviewer: str | None, project_dir: Path, as_json: bool
) -> None:
    """Write the records still to screen to SHEET, most likely includes first.

    SHEET.xlsx is an Excel workbook; any other name is CSV (UTF-8 with BOM, so Excel opens
    it). Columns: record_id,title,abstract,authors,year,journal,doi,decision,reason,note.
    Fill in decision (include/exclude/maybe, yes/no or 1/0) and, for exclusions, a reason;
    then `litsynth screen import SHEET`.
    """
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        n = ops.export_sheet(
            conn,
            sheet,
            stage=stage,
            reviewer=reviewer,
            settings=project.settings.screening,
        )
    if as_json:
        print_json({"sheet": str(sheet), "stage": stage, "reviewer": reviewer, "rows": n})
        return
    click.echo(
        f"{sheet}: {count(n, 'record')} to screen at {stage} for {reviewer}, most likely first"
    )


_COLOURS = {"include": "green", "exclude": "red", "criteria": "yellow"}


def _marked(text: str, settings: ScreeningSettings) -> str:
    """A line with its screening terms coloured (green, red, yellow), as the workspace marks
    them; click drops the colours where the output is not a terminal."""
    out, last = [], 0
    for start, end, kind in screening_marks(text, settings):
        out += [text[last:start], click.style(text[start:end], fg=_COLOURS[kind], bold=True)]
        last = end
    return "".join([*out, text[last:]])


def _show(
    rec: BibRecord,
    meta: str,
    position: str,
    settings: ScreeningSettings,
    why: Sequence[str] = (),
) -> None:
    click.echo("")
    click.secho(f"[{position}] ", bold=True, nl=False)
    click.echo(click.style(_marked(rec.title or "(no title)", settings), bold=True))
    if meta:
        click.echo(meta)
    if why:
        click.secho(f"Ranked here for: {', '.join(why)}", dim=True)
    click.echo("")
    sections = abstract_sections(rec.abstract or "") or [AbstractSection("", "(no abstract)")]
    for section in sections:  # a structured abstract: each section a paragraph under its label
        # wrapped first, then coloured line by line: colour codes would count as width
        room = " " * (len(section.label) + 2) if section.label else ""  # after the label
        lines = click.wrap_text(section.text, width=88, initial_indent=room).lstrip().split("\n")
        if section.label:
            click.secho(f"{section.label}: ", bold=True, nl=False)
        click.echo("\n".join(_marked(line, settings) for line in lines))
    click.echo("")


def _full_text_line(conn: sqlite3.Connection, record_id: str) -> str:
    """Where the record's full text is, for the full-text screener, or how to get it there."""
    from litsynth.store import biblio as biblio_store

    linked = biblio_store.linked_documents(conn, record_id)
    if not linked:
        return (
            "Full text: none linked. Put its PDF in corpus/, then `litsynth ingest` and"
            f" `litsynth link` (or `litsynth link {record_id} FILE`); if it cannot be had,"
            " r marks it not retrieved."
        )
    return "Full text: " + ", ".join(f"{d['path']} ({d['label']})" for d in linked)


def study_lines(conn: sqlite3.Connection, record_id: str) -> list[str]:
    """At full text, where reports are collated: the other reports of the record's study, or
    the sought records that may report it too (`litsynth studies`)."""
    from litsynth.biblio import studies_here

    seen = studies_here.of_record(conn, record_id)
    others = [f"{label} {rid}" for rid, label in seen.reports if rid != record_id]
    if others:
        return ["One study with: " + "; ".join(others)]
    return [
        f"May report the same study as {c.labels[1]} {c.second} ({c.why}):"
        f" `litsynth studies group {record_id} {c.second}`"
        for c in seen.candidates
    ]


@screen_group.command("next")
@stage_option
@reviewer_option
@click.option(
    "--random",
    "random_sample",
    is_flag=True,
    help="Draw the rest in random order: the stopping rule then also tests that sample exactly.",
)
@project_option
def next_command(stage: str, reviewer: str | None, random_sample: bool, project_dir: Path) -> None:
    """Screen in the terminal, one record at a time, most likely includes first.

    Keys: i include, e exclude (then pick a reason), m maybe, n a note for the next decision,
    s skip, q quit. Each decision is recorded at once, so quitting (or a crash) loses nothing
    and the next run resumes. With --random the records come in random order instead, for the
    stopping rule's random phase (Callaghan & Müller-Hansen 2020): keep using it once started.
    """
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    settings = project.settings.screening
    with opened(project.store_path) as conn:
        queue = ops.Queue(conn, stage=stage, reviewer=reviewer, settings=settings)
        skipped: set[str] = set()
        done, note, told = 0, "", False
        while True:
            if stage == TITLE_ABSTRACT and not told:
                told = _may_stop(conn, reviewer)
            todo = [r for r in queue.pending(conn, random=random_sample) if r.id not in skipped]
            if not todo and not done and not ops.candidate_ids(conn, stage):
                click.echo(_nothing_at(stage))
                return
            if not todo:
                click.echo(f"Nothing left to screen at {stage} for {reviewer}. {done} decided now.")
                return
            rec = todo[0]
            kind = work_type(rec.doc_type, rec.extra)  # "Erratum", "Review"; "" for an article
            meta = " · ".join(
                x for x in ("; ".join(rec.authors[:3]), str(rec.year or ""), rec.journal, kind) if x
            )
            why = [] if random_sample else queue.why(rec.id)  # the words that raised it
            piloted = queue.piloted  # a pilot round's records come first
            where = f"{len(todo)} left · {rec.id}"
            if rec.id in piloted:
                where += f" · pilot {piloted.index(rec.id) + 1} of {len(piloted)}"
            _show(rec, meta, where, settings, why)
            if stage == FULL_TEXT:
                click.echo(_full_text_line(conn, rec.id))
                for line in study_lines(conn, rec.id):
                    click.echo(line)
                click.echo("")
            while True:  # n: a note, kept with the decision that follows (as in the workspace)
                key = click.prompt(
                    "[i]nclude [e]xclude [m]aybe "
                    + ("[r] not retrieved " if stage == FULL_TEXT else "")
                    + "[n]ote [s]kip [q]uit",
                    type=click.Choice(
                        ["i", "e", "m", "n", "s", "q", *(["r"] if stage == FULL_TEXT else [])]
                    ),
                    show_choices=False,
                )
                if key != "n":
                    break
                note = click.prompt("Note", default="", show_default=False).strip()
            if key == "q":
                click.echo(f"Stopped; {count(done, 'decision')} recorded. Run again to resume.")
                return
            if key == "s":
                skipped.add(rec.id)
                note = ""  # a note is about the record it was written on
                continue
            reason = ""
            if key == "e":
                reasons = ops.project_reasons(conn, settings)
                for n, r in enumerate(reasons, 1):
                    click.echo(f"  {n}. {r}")
                picked = click.prompt(
                    "Reason (number, new text, or empty for none)", default="", show_default=False
                )
                reason = (
                    reasons[int(picked) - 1]
                    if picked.isdigit() and 1 <= int(picked) <= len(reasons)
                    else picked.strip()
                )
            decision = {"i": "include", "e": "exclude", "m": "maybe", "r": "not-retrieved"}[key]
            _, is_new = ops.record_decision(
                conn, rec.id, stage=stage, decision=decision, reviewer=reviewer, settings=settings,
                reason=reason, note=note, origin="terminal",
                source=f"{ops.RANDOM_SAMPLE}:terminal" if random_sample else "",
            )  # fmt: skip
            done += 1
            click.echo(
                f"→ {decision}{f' ({reason})' if reason else ''}{' · note kept' if note else ''}"
            )
            note = ""
            if is_new:
                click.echo(f"  new exclusion reason added to the project's list: {reason!r}")


@screen_group.command("auto")
@project_option
@json_option
def auto_command(project_dir: Path, as_json: bool) -> None:
    """Mark records outside [screening] year_min/year_max or languages as ineligible.

    Each hit is recorded as an exclusion by automation with the rule's reason (PRISMA counts
    these separately as 'marked ineligible by automation tools'); nothing is dropped.
    """
    project = load(project_dir)
    with opened(project.store_path) as conn:
        report = ops.run_automation(conn, project.settings.screening)
    if as_json:
        print_json(
            {
                "marked": [h.__dict__ for h in report.ineligible],
                "unknown_year": report.unknown_year,
                "unknown_language": report.unknown_language,
            }
        )
        return
    click.echo(f"{count(len(report.ineligible), 'record')} newly marked ineligible by automation")
    rules_set = project.settings.screening
    if rules_set.year_min is None and rules_set.year_max is None and not rules_set.languages:
        click.echo(
            "  no rule is set: add year_min, year_max or languages under [screening] in"
            " litsynth.toml"
        )
    for h in report.ineligible:
        click.echo(f"  {h.record_id}: {h.reason} ({h.note})")
    if report.unknown_year or report.unknown_language:
        click.echo(
            f"  left to people: {report.unknown_year} without a year,"
            f" {report.unknown_language} without a language"
        )


target_recall_option = click.option(
    "--target-recall",
    type=click.FloatRange(0.5, 0.999),
    default=0.95,
    show_default=True,
    help="The recall the stopping rule must show is reached.",
)


@screen_group.command("status")
@stage_option
@reviewer_option
@target_recall_option
@project_option
@json_option
def status_command(
    stage: str, reviewer: str | None, target_recall: float, project_dir: Path, as_json: bool
) -> None:
    """Where a reviewer stands at a stage, and whether they can stop screening.

    The stopping rule (Callaghan & Müller-Hansen 2020, ranked form) tests, at 95 % confidence,
    that the target recall is reached, treating the records screened in priority order as the
    sample; if not yet, it says how many more excludes in a row would let it stop.
    """
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        prog = progress(conn, stage=stage, reviewer=reviewer, target_recall=target_recall)
        made = stops(screening_log.log(conn, stage)) if stage == TITLE_ABSTRACT else []
        piloted = pilot.pilot_report(conn, stage)
    if as_json:  # the stops by their records' count, as /api/screen/next gives them
        told = {"size": piloted.size, "done": piloted.done} if piloted else None
        print_json({**prog.to_json(), "stopped": [s.told() for s in made], "pilot": told})
        return
    click.echo(prog.summary())
    if piloted is not None:
        mine = piloted.done.get(reviewer, 0)
        click.echo(
            f"pilot: {reviewer} has screened {mine} of its {count(piloted.size, 'record')}"
            + (" (shown first)" if mine < piloted.size else "")
            + "; `litsynth screen pilot` compares the reviewers"
        )
    for s in made:
        click.echo(
            f"screening was stopped by {s.reviewer} after {s.screened} of {s.pool} records"
            f" ({p_text(s.p_value)}): {count(len(s.records), 'record')} nobody screened set"
            " aside; `litsynth screen stop --undo` resumes"
        )


@screen_group.command("stop")
@reviewer_option
@target_recall_option
@click.option("--undo", is_flag=True, help="Withdraw the stop: its records return to the queue.")
@project_option
@json_option
def stop_command(
    reviewer: str | None, target_recall: float, undo: bool, project_dir: Path, as_json: bool
) -> None:
    """End title/abstract screening where the stopping rule lets REVIEWER stop.

    Every record nobody has decided is excluded, by automation, with the rule's verdict in
    the log; PRISMA counts them as marked ineligible by automation tools and `prisma
    --methods` says who stopped where, with the rule's p. Refused, with the verdict, while
    the rule says keep screening. `--undo` returns those records to the queue.
    """
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        if undo:
            back = resume_screening(conn)
            if as_json:
                print_json({"returned": back})
            elif back:
                click.echo(f"{count(back, 'record')} returned to the title/abstract queue")
            else:
                click.echo("No stop stands: nothing to resume.")
            return
        stop = stop_screening(conn, reviewer, target_recall)
    if as_json:
        print_json(stop.to_json())
        return
    click.echo(
        f"{reviewer} stopped after {stop.screened} of {stop.pool} records"
        f" ({p_text(stop.p_value)} for recall below {stop.target_recall:.0%}):"
        f" {count(len(stop.records), 'record')} nobody screened excluded without screening"
    )
    click.echo("Undo with: litsynth screen stop --undo")


@screen_group.command("pilot")
@stage_option
@click.option(
    "--size",
    type=click.IntRange(min=1),
    default=None,
    help="Draw a pilot of SIZE records, at random from those nobody has decided: every"
    " reviewer screens them first.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="The draw's seed.")
@click.option("--end", is_flag=True, help="Take the pilot off (its decisions stay), to redraw.")
@project_option
@json_option
def pilot_command(
    stage: str, size: int | None, seed: int, end: bool, project_dir: Path, as_json: bool
) -> None:
    """A pilot round: the same records first for every reviewer, then compare.

    With --size, draws the pilot; without, says where it stands: who has screened how many of
    its records, how the reviewers agree on them, and where they disagree.
    """
    project = load(project_dir)
    with opened(project.store_path) as conn:
        if end:
            n = pilot.end_pilot(conn, stage)
            click.echo(f"pilot at {stage} taken off ({count(n, 'record')}; decisions kept)")
            return
        if size is not None:
            drawn = pilot.start_pilot(
                conn, stage, ops.candidate_ids(conn, stage), size=size, seed=seed
            )
            if not as_json:
                click.echo(
                    f"pilot drawn: {count(len(drawn), 'record')} at {stage} (seed {seed});"
                    " every reviewer's queue serves them first (`screen next`, `screen export`,"
                    " the workspace)"
                )
        report = pilot.pilot_report(conn, stage)
    if report is None:
        raise ScreeningError(
            f"no pilot drawn at {stage}", hint="`litsynth screen pilot --size 50` draws one"
        )
    if as_json:
        print_json(report.to_json())
        return
    for line in report.lines():
        click.echo(line)


@screen_group.command("conflicts")
@stage_option
@project_option
@json_option
def conflicts_command(stage: str, project_dir: Path, as_json: bool) -> None:
    """List records the reviewers disagree on (unresolved) and Cohen's kappa."""
    project = load(project_dir)
    with opened(project.store_path) as conn:
        a = ops.agreement(conn, stage)
    if as_json:
        print_json(
            {
                "stage": stage,
                "reviewers": list(a.reviewers),
                "n_both": a.n_both,
                "n_agree": a.n_agree,
                "kappa": a.kappa,
                "conflicts": [c.to_json() for c in a.conflicts],
            }
        )
        return
    kappa = "undefined" if a.kappa is None else f"{a.kappa:.3f}"
    click.echo(
        f"{stage}: reviewers {', '.join(a.reviewers) or '(none)'}; {a.n_both} records decided by"
        f" two or more, {a.n_agree} agree; Cohen's kappa {kappa}"
    )
    for c in a.conflicts:
        votes = ", ".join(
            f"{r}: {v}{f' ({c.reasons[r]})' if r in c.reasons else ''}" for r, v in c.votes.items()
        )
        click.echo(f"  {c.record_id}: {votes}")
        for who, note in c.notes.items():
            click.echo(f"      {who}'s note: {note}")
    if a.conflicts:
        click.echo(f"Resolve with: litsynth screen resolve RECORD --stage {stage} --decision ...")


@screen_group.command("resolve")
@click.argument("record_id")
@stage_option
@click.option("--decision", type=click.Choice(DECISIONS), required=True, help="The decision.")
@click.option("--reason", default="", help="Exclusion reason (from the project's list).")
@click.option("--note", default="", help="Why this resolution.")
@reviewer_option
@project_option
@json_option
def resolve_command(
    record_id: str,
    stage: str,
    decision: str,
    reason: str,
    note: str,
    reviewer: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Record a resolution for RECORD_ID; it wins over every reviewer's decision."""
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        d, is_new = ops.resolve(
            conn, record_id, stage=stage, decision=decision,
            reviewer=reviewer, settings=project.settings.screening, reason=reason, note=note,
        )  # fmt: skip
    said(d, is_new, as_json, f"{record_id}: resolved as {d.decision} at {stage} by {d.reviewer}")


def said(d: Decision, is_new: bool, as_json: bool, line: str) -> None:
    """A decision just recorded: as JSON, or `line` and the new reason it added, if any."""
    if as_json:
        print_json({**asdict(d), "new_reason": is_new})
        return
    click.echo(line)
    if is_new:
        click.echo(f"  new exclusion reason added to the project's list: {d.reason!r}")


@screen_group.command("undo")
@stage_option
@reviewer_option
@project_option
@json_option
def undo_command(stage: str, reviewer: str | None, project_dir: Path, as_json: bool) -> None:
    """Withdraw your latest decision still standing at the stage (run again for the one
    before). The log keeps both: the decision and an 'undecided' row after it."""
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        undone = ops.undo_last(conn, stage=stage, reviewer=reviewer, source="cli:undo")
    if as_json:
        print_json({"undone": undone, "stage": stage, "reviewer": reviewer})
    elif undone is None:
        click.echo(f"{reviewer} has no decision at {stage} to undo")
    else:
        click.echo(f"{undone}: {reviewer}'s decision at {stage} withdrawn; it is back to screen")


@screen_group.command("simulate")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label-column", required=True, help="Column holding the 0/1 verdicts.")
@click.option("--prior-included", default=1, show_default=True, help="Random includes to start.")
@click.option("--prior-excluded", default=1, show_default=True, help="Random excludes to start.")
@click.option("--seed", default=1, show_default=True, help="Seed for the priors and the model.")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Screen with this project's [screening] criteria seeding the order, as its queue does.",
)
@json_option
def simulate_command(
    data: Path,
    label_column: str,
    prior_included: int,
    prior_excluded: int,
    seed: int,
    project_dir: Path | None,
    as_json: bool,
) -> None:
    """Replay screening of a labelled CSV (title, abstract, label) with the prioritiser.

    Starts from N random included and N random excluded records (seed S), screens in the
    prioritiser's order until every include is found, and prints one JSON object with
    wss_95, recall_at_10pct, atd, n_records, n_included (priors left out of the metrics; see
    docs/screening.md for the definitions). --json is accepted for symmetry: the output is
    always JSON.
    """
    criteria = load(project_dir).settings.screening.criteria if project_dir is not None else ""
    texts, labels = load_labelled_csv(data, label_column)
    try:
        metrics = simulate(
            texts, labels, prior_included=prior_included, prior_excluded=prior_excluded,
            seed=seed, criteria=criteria,
        )  # fmt: skip
    except ValueError as exc:
        raise ScreeningError(str(exc), hint="lower --prior-included / --prior-excluded") from None
    print_json(metrics.to_json())


def _may_stop(conn: sqlite3.Connection, reviewer: str) -> bool:
    """Say once, when the stopping rule first lets the reviewer stop with records left, that
    they may, and how (`screen stop`): without it the terminal loop served record after record
    past the point the rule allowed. True once said."""
    prog = progress(conn, stage=TITLE_ABSTRACT, reviewer=reviewer)
    if not prog.stopping.stop or prog.screened >= prog.pool:
        return False
    click.echo(
        f"\nThe stopping rule lets you stop: {prog.stopping.summary().removeprefix('stop: ')}."
        " `litsynth screen stop` sets aside the records nobody has screened (PRISMA: ineligible"
        " by automation tools); or keep screening.\n"
    )
    return True


def _nothing_at(stage: str) -> str:
    """What an empty stage needs, in the words the workspace uses."""
    if stage == FULL_TEXT:
        return "No records at full text yet: records included at title/abstract come here."
    return "No records yet: " + IMPORT_HINT


commands: list[click.Command] = []  # its commands are `screen`'s: see groups.screen_group
