"""`litsynth backup` and `litsynth restore`: the store copied safely, and put back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click

from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.errors import StoreError
from litsynth.store import backup as backups
from litsynth.store import connect, opened
from litsynth.store.db import is_read_only, migrate
from litsynth.store.lock import writer_lock
from litsynth.store.snapshot import names_a_file, quick_check
from litsynth.words import and_list, count


def _shown(path: Path, root: Path) -> str:
    """`path` relative to the project when it is inside it (as the user would type it)."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _holds_words(holds: dict[str, int]) -> str:
    labels = dict(backups.HOLDINGS)
    return and_list([f"{n:,} {labels[table]}" for table, n in holds.items() if n]) or "no work yet"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


@click.command("backup")
@click.option(
    "--to",
    "dest",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder to write the backup in (default: backups/ in the project), or a file name"
    " ending in .db.",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=None,
    help="Then delete all but the newest KEEP backups litsynth made in that folder.",
)
@click.option("--list", "list_only", is_flag=True, help="List the backups instead of making one.")
@project_option
@json_option
def backup_command(
    dest: Path | None, keep: int | None, list_only: bool, project_dir: Path, as_json: bool
) -> None:
    """Copy the store (litsynth.db: every decision, coding and memo) to one file, safely.

    Safe while `litsynth serve` or an ingest is writing: SQLite copies the store as one moment
    saw it, including the changes still in litsynth.db-wal, which a plain file copy of
    litsynth.db can miss. The copy is checked before it gets its name. Put one back with
    `litsynth restore FILE`.
    """
    project = load(project_dir)
    target = dest if dest is not None else project.root / backups.FOLDER
    one_file = names_a_file(target)
    if list_only:
        _list(target.parent if one_file else target, project.root, as_json)
        return
    if not project.store_path.exists():
        raise click.UsageError(f"no store to back up: {project.store_path} does not exist yet")
    if one_file and target.exists():  # the store itself among them: never written over
        raise StoreError(
            f"{target} exists already",
            hint="name a new file, or a folder (a backup there gets a name of its own)",
        )
    with opened(project.store_path) as conn:
        made = backups.snapshot(conn, target)
    pruned = backups.prune(made.parent, keep) if keep else []
    info = backups.describe(made)
    if as_json:
        print_json({**info.to_json(), "pruned": [str(p) for p in pruned]})
        return
    click.echo(
        f"backed up {project.store_path.name} to {_shown(made, project.root)}"
        f" ({_size(info.size)}, checked): {_holds_words(info.holds)}"
    )
    if pruned:
        click.echo(f"deleted {count(len(pruned), 'older backup')} (--keep {keep})")


def _list(folder: Path, root: Path, as_json: bool) -> None:
    """Each backup with what it holds; one that cannot be read (a damaged store set aside by a
    restore, a file cut short) is listed with why, never a traceback."""
    found: list[backups.Backup | tuple[Path, str]] = []
    for path in backups.listed(folder):
        try:
            found.append(backups.describe(path))
        except StoreError as exc:
            found.append((path, exc.message))
    if as_json:
        print_json(
            {
                "folder": str(folder),
                "backups": [
                    b.to_json()
                    if isinstance(b, backups.Backup)
                    else {"path": str(b[0]), "error": b[1]}
                    for b in found
                ],
            }
        )
        return
    if not found:
        click.echo(f"no backups in {_shown(folder, root)}/ (`litsynth backup` makes one)")
        return
    click.echo(f"{count(len(found), 'backup')} in {_shown(folder, root)}/, oldest first:")
    for b in found:
        if not isinstance(b, backups.Backup):
            click.echo(f"  {b[0].name}  cannot be read: {b[1]}")
            continue
        why = f"  [{b.reason}]" if b.reason else ""
        click.echo(
            f"  {b.path.name}  {b.made_at:%Y-%m-%d %H:%M} UTC  {_size(b.size)}{why}\n"
            f"      {_holds_words(b.holds)}"
        )


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@project_option
@json_option
def restore_command(backup: Path, project_dir: Path, as_json: bool) -> None:
    """Put the store back as BACKUP holds it (a file `litsynth backup` made).

    The store as it is now is first kept as a backup itself, so a restore can be undone with
    another restore. BACKUP is checked first: a damaged file, another program's database or
    a newer litsynth's store is refused and nothing changes. No ingest may run meanwhile. The
    index keeps only vectors that stand for the restored passages; those left without one are
    embedded by the next `litsynth ingest` or `litsynth search`.
    """
    project = load(project_dir)
    if backup.resolve() == project.store_path.resolve():
        raise StoreError(
            f"{backup} is the store itself", hint="name a file `litsynth backup --list` shows"
        )
    from litsynth.ingest.indexing import realign_index  # numpy and FAISS: only here

    source = backups.open_backup(backup)
    now = datetime.now(UTC)
    try:
        with writer_lock(project.root, "restore"):
            before, kept, passages = _keep_current(project.store_path, now)
            with opened(project.store_path) as conn:
                backups.put_back(conn, source)
                upgraded = migrate(conn)
                after = backups.holdings(conn)
                index = realign_index(conn, project.index_dir, passages)
    finally:
        source.close()
    if as_json:
        print_json(
            {
                "restored": str(backup),
                "kept_before": str(kept) if kept else None,
                "before": before,
                "after": after,
                "upgraded": upgraded,
                "index": index,
            }
        )
        return
    click.echo(f"restored {backup.name}: {_holds_words(after)}")
    if kept is not None:
        click.echo(
            f"the damaged store is set aside as {_shown(kept, project.root)}"
            if before is None
            else f"the store as it was ({_holds_words(before)}) is kept in"
            f" {_shown(kept, project.root)}"
        )
    if upgraded:
        click.echo(f"brought up to this litsynth's tables ({', '.join(upgraded)})")
    if index["removed"] or index["without"]:
        click.echo(
            f"index: {index['kept'] + index['moved']:,} vectors still stand for their passages,"
            f" {index['removed']:,} no longer did and are gone"
            + (
                f"; the next `litsynth ingest` or `litsynth search` embeds the"
                f" {count(index['without'], 'passage')} without one"
                if index["without"]
                else ""
            )
        )


def _keep_current(
    store: Path, now: datetime
) -> tuple[dict[str, int] | None, Path | None, dict[int, int] | None]:
    """Keep the store a restore replaces: as a backup, or, when SQLite cannot read it (the
    usual reason to restore), moved aside whole. Returns what it held (None: unreadable),
    where it is kept (None: there was no store) and its passages (what the index stands for;
    None: not known)."""
    from litsynth.ingest.indexing import passage_digests

    if not store.exists():
        return {}, None, None
    if is_read_only(store):
        raise StoreError(
            f"cannot restore into {store}: the project folder is read-only",
            hint="make the folder writable, or restore into a copy of the project",
        )
    conn = _whole(store)
    if conn is None:
        return None, backups.set_aside(store, now), None
    try:  # a backup that cannot be written (a full disk) stops the restore: the store is whole
        name = backups.backup_name(now, "before-restore")
        kept = backups.snapshot(conn, store.parent / backups.FOLDER / name)
        return backups.holdings(conn), kept, passage_digests(conn)
    finally:
        conn.close()


def _whole(store: Path) -> sqlite3.Connection | None:
    """The store opened, or None when it is damaged: SQLite cannot open it, or its own check
    fails. Only such a store is set aside by a restore without a backup of it."""
    try:
        conn = connect(store)
    except (StoreError, sqlite3.DatabaseError):
        return None
    try:
        quick_check(conn, store)
    except (StoreError, sqlite3.DatabaseError):
        conn.close()
        return None
    return conn


commands = [backup_command, restore_command]
