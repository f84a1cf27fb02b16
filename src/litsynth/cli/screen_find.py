"""`litsynth screen find`, `screen show`, `screen decide`: going back to a record.

The command line's twin of the workspace's "Find a record" (`biblio/record_finder.py`): the
records with some words at a status, one record with every decision on it, and a decision on
a record named by its id (the queue serves only the next one).
"""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import screening_ops as ops
from litsynth.biblio.export import FORMATS, select, write
from litsynth.biblio.record_finder import (
    STATUSES,
    find_records,
    history_json,
    open_record,
    row_json,
    status,
)
from litsynth.biblio.screening_rules import DECISIONS
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.cli.groups import screen_group
from litsynth.cli.screen import reviewer_option, said, stage_option, study_lines
from litsynth.errors import ScreeningError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT
from litsynth.store import opened
from litsynth.words import count


def _standing(decision: str, reason: str) -> str:
    return decision + (f": {reason}" if reason else "")


@screen_group.command("find")
@click.argument("words", nargs=-1)
@stage_option
@click.option(
    "--status",
    "status_is",
    type=click.Choice(STATUSES),
    default="all",
    show_default=True,
    help="Where the records stand at the stage (all: every record but the duplicates).",
)
@click.option("--source", default="", help="Only the records of this source.")
@click.option("--limit", default=50, show_default=True, help="Records to list at most.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every record found to this file: .xlsx or .csv with the review's"
    " decisions, or .ris, .bib, .json (CSL-JSON) for a reference manager.",
)
@project_option
@json_option
def find_command(
    words: tuple[str, ...],
    stage: str,
    status_is: str,
    source: str,
    limit: int,
    out: Path | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """The records holding every one of WORDS (title, abstract, authors, journal, DOI, PubMed
    id, year, keywords, id, source; any case) at a status, in import order, with how many have
    each."""
    project = load(project_dir)
    with opened(project.store_path) as conn:
        rows = select(conn, "all")
    found = find_records(rows, words=" ".join(words), stage=stage, status_is=status_is,
                         source=source, limit=max(limit, 0))  # fmt: skip
    if out is not None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ScreeningError(f"cannot write {out.name}: no format for {out.suffix!r}",
                                 hint="name a .xlsx, .csv, .ris, .bib or .json file")  # fmt: skip
        every = find_records(rows, words=" ".join(words), stage=stage, status_is=status_is,
                             source=source, limit=len(rows)).rows  # fmt: skip
        write(every, fmt, out, root=project.root)
        if not as_json:
            click.echo(f"{out}: {count(len(every), 'record')} written")
    if as_json:
        listed = [row_json(e) for e in found.rows]
        print_json({"total": found.total, "counts": found.counts, "records": listed})
        return
    counts = ", ".join(f"{s} {n}" for s, n in found.counts.items() if n and s != "all")
    click.echo(f"{count(found.total, 'record')} at {stage} ({counts or 'none'})")
    for e in found.rows:
        r = e.record
        ta = _standing(status(e, TITLE_ABSTRACT), e.ta_reason)
        ft = _standing(status(e, FULL_TEXT), e.ft_reason)
        click.echo(f"{r.id}  {r.year or 'n.d.'}  {r.source}  [{ta} · {ft}]  {r.title[:90]}")
    if found.total > len(found.rows):
        click.echo(f"… and {found.total - len(found.rows)} more (--limit, or more words)")


@screen_group.command("show")
@click.argument("record_id")
@project_option
@json_option
def show_command(record_id: str, project_dir: Path, as_json: bool) -> None:
    """RECORD_ID with its duplicates and every decision on it, oldest first."""
    with opened(load(project_dir).store_path) as conn:
        found = open_record(conn, record_id)
        # its study (`litsynth studies`): its other reports, or the records that may report it
        study = study_lines(conn, record_id) if found and not found.here.duplicate_of else []
    if found is None:
        raise ScreeningError(
            f"no record {record_id!r}", hint="find it: `litsynth screen find WORDS`"
        )
    e, history = found.here, history_json(found.log)
    if as_json:
        print_json({**row_json(e), "group": [r.id for r in found.others], "history": history})
        return
    r = e.record
    click.echo(f"{r.id}  {r.title}")
    click.echo(f"  {'; '.join(r.authors[:6])} ({r.year or 'n.d.'}) {r.journal} {r.doi}".rstrip())
    click.echo(f"  {r.source}; title/abstract: {_standing(status(e, TITLE_ABSTRACT), e.ta_reason)};"
               f" full text: {_standing(status(e, FULL_TEXT), e.ft_reason)}")  # fmt: skip
    if e.duplicate_of:
        click.echo(f"  a duplicate of {e.duplicate_of}: its decisions are that record's")
    elif found.others:
        click.echo("  its duplicates: " + ", ".join(f"{o.id} ({o.source})" for o in found.others))
    for line in study:
        click.echo(f"  {line}")
    if not history:
        click.echo("  no decision yet")
    for d in history:
        why = f": {d['reason']}" if d["reason"] else ""
        extra = "".join(
            f" [{x}]" for x in (d["origin"] if d["origin"] in ("resolution", "automation") else "",
                                d["made_in"]) if x
        )  # fmt: skip
        note = f" “{d['note']}”" if d["note"] else ""
        click.echo(f"  {d['at'][:16].replace('T', ' ')}  {d['reviewer']}  {d['stage']}"
                   f"  {d['decision']}{why}{note}{extra}")  # fmt: skip


@screen_group.command("decide")
@click.argument("record_id")
@click.argument("decision", type=click.Choice(DECISIONS))
@stage_option
@click.option("--reason", default="", help="Exclusion reason (from the project's list).")
@click.option("--note", default="", help="A note with the decision.")
@reviewer_option
@project_option
@json_option
def decide_command(
    record_id: str,
    decision: str,
    stage: str,
    reason: str,
    note: str,
    reviewer: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Record DECISION on RECORD_ID as the reviewer's (appended: the latest one counts), to
    go back to a record the queue has passed; `screen show` lists what was decided before."""
    project = load(project_dir)
    reviewer = reviewer or project.settings.project.reviewer
    with opened(project.store_path) as conn:
        d, is_new = ops.record_decision(
            conn, record_id, stage=stage, decision=decision, reviewer=reviewer,
            settings=project.settings.screening, reason=reason, note=note, source="cli:decide",
        )  # fmt: skip
    said(
        d,
        is_new,
        as_json,
        f"{record_id}: {_standing(d.decision, d.reason)} at {stage} by {d.reviewer}",
    )


commands: list[click.Command] = []  # its commands are `screen`'s: see groups.screen_group
