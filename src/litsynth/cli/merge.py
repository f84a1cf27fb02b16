"""`litsynth merge`: a colleague's copy of the project, their human work added to this one."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click

from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.errors import StoreError
from litsynth.store import backup as backups
from litsynth.store import connect, opened
from litsynth.store.db import migrate
from litsynth.store.lock import writer_lock
from litsynth.store.merge import Outcome, merge_store
from litsynth.words import and_list, count

# Each table's rows in the singular, for "1 memo" (the plurals are the tables' labels).
ONE = {
    "screening decisions": "screening decision",
    "coding decisions": "coding decision",
    "memos": "memo",
    "framework summaries": "framework summary",
    "extraction and appraisal entries": "extraction or appraisal entry",
    "answers on possible duplicates": "answer on a possible duplicate",
    "relation decisions": "relation decision",
    "links of records to their full texts": "link of a record to its full text",
    "searches recorded": "search recorded",
}  # fmt: skip


def _rows(n: int, label: str) -> str:
    return count(n, ONE.get(label, label), label)


def _added_words(o: Outcome) -> str:
    who = ", ".join(f"{person} {n:,}" for person, n in o.added.items())
    return _rows(sum(o.added.values()), o.label) + (f" ({who})" if who else "")


@click.command("merge")
@click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be added; change nothing.")
@project_option
@json_option
def merge_command(other: Path, dry_run: bool, project_dir: Path, as_json: bool) -> None:
    """Add the human work in OTHER (another copy's litsynth.db, or a backup of it) to this
    project: screening decisions, codings, memos, extraction and appraisal entries, answers on
    duplicates, relation decisions, links to full texts.

    For two reviewers who screen or code on their own copies of the project. Nothing here is
    changed or removed: the rows this store lacks are appended, in OTHER's order. A row whose
    record or passage this project does not hold is left out and counted (import the same
    exports and ingest the same corpus first); so is one older than a decision this store
    holds by the same person on the same record or passage. Merging the same file again adds
    nothing. The store as it was is kept in backups/ first.
    """
    project = load(project_dir)
    store = project.store_path
    if other.resolve() == store.resolve():
        raise StoreError(f"{other} is this project's own store", hint="name the other copy's file")
    source = backups.open_backup(other)  # refuses a damaged, foreign or newer store
    # beside the store (a disk with room for one), not in /tmp (often a small RAM disk)
    with tempfile.TemporaryDirectory(prefix=".litsynth-merge-", dir=project.root) as tmp:
        # A copy brought to this litsynth's tables: an older colleague's store merges too.
        try:
            copy = backups.snapshot(source, Path(tmp) / "other.db")
        finally:
            source.close()
        upgraded = connect(copy, migrate_schema=False)
        try:
            migrate(upgraded)
        finally:
            upgraded.close()
        with writer_lock(project.root, "merge"), opened(store) as conn:
            kept = None
            if not dry_run:
                name = backups.backup_name(datetime.now(UTC), "before-merge")
                kept = backups.snapshot(conn, project.root / backups.FOLDER / name)
            outcomes, reasons, previous = merge_store(
                conn, str(copy), named=str(other), dry_run=dry_run
            )
    added = sum(sum(o.added.values()) for o in outcomes)
    said, copied = previous
    if kept is not None and not added and not reasons and not copied:
        kept.unlink()  # nothing changed: nothing to go back to
        kept = None
    if as_json:
        print_json(
            {
                "merged": str(other),
                "dry_run": dry_run,
                "kept_before": str(kept) if kept else None,
                "tables": {o.label: o.to_json() for o in outcomes},
                "exclusion_reasons_added": reasons,
                # an updated review's previous-version list: "copied N", "same", "differs"
                "previous_version": f"{said} {copied}" if copied else said or None,
            }
        )
        return
    _say(other, outcomes, reasons, dry_run, kept, project.root)
    if copied:
        verb = "would be copied" if dry_run else "copied"
        click.echo(f"  the previous version's list ({count(copied, 'report')}) {verb}: this"
                   " project had none (`litsynth previous`)")  # fmt: skip
    elif said == "differs":
        click.echo("  left out: the other copy's list of the previous version's studies, which"
                   " differs from this project's (kept); `litsynth previous FILE` tells it"
                   " again")  # fmt: skip


def _say(
    other: Path,
    outcomes: list[Outcome],
    reasons: int,
    dry_run: bool,
    kept: Path | None,
    root: Path,
) -> None:
    verb = "would add" if dry_run else "added"
    new = [o for o in outcomes if o.added]
    click.echo(
        f"{other}: {verb} "
        + (and_list([_added_words(o) for o in new]) if new else "nothing (all of it is here)")
        + (f"; {count(reasons, 'exclusion reason')}" if reasons else "")
    )
    here = sum(o.already for o in outcomes)
    if here:
        click.echo(f"  already here: {here:,} rows")
    for o in outcomes:
        if o.no_subject:
            what = "records" if o.label != "coding decisions" else "passages"
            fix = "import the same exports" if what == "records" else "ingest the same corpus"
            click.echo(
                f"  left out: {_rows(o.no_subject, o.label)} on {what} this project does not hold"
                f" ({fix}, then merge again)"
            )
        if o.other_subject:
            click.echo(
                f"  left out: {_rows(o.other_subject, o.label)} on records whose id this project"
                " gives another record (another title or DOI): the copies imported different"
                " files under the same ids"
            )
        if o.superseded:
            click.echo(
                f"  left out: {_rows(o.superseded, o.label)} older than this project's own later"
                " decision by the same person on the same subject"
            )
    if kept is not None:
        click.echo(f"  the store as it was is kept in {kept.relative_to(root)}")


commands = [merge_command]
