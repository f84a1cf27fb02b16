"""Taking a document out of the project: the wrong paper added, a second download of one
already there, a file that is not a study at all.

Deleting the file from corpus/ is not enough (ingest lists it as gone until `--prune`, and
prunes every other gone file with it), and a reviewer working in the workspace has no
terminal. `remove_document` takes out one document, named by its id, its path or its file
name: its passages leave the store and the index, its records lose it as their full text, and
its file moves to corpus/.removed/ (which ingest does not read), so nothing is lost that
cannot be put back by moving the file back and running `litsynth ingest`.

A document people coded or wrote memos on stays: the codings log is the review's record of
what was decided, and its passages are where those decisions point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from litsynth.config import Project
from litsynth.embed import Embedder
from litsynth.errors import IngestError
from litsynth.ingest.files import numbered
from litsynth.ingest.indexing import LazyEmbedder, ensure_index
from litsynth.store import removal
from litsynth.store.db import opened, transaction
from litsynth.store.lock import writer_lock

SET_ASIDE = ".removed"  # inside corpus/: a dot folder, so ingest walks past it


@dataclass(frozen=True)
class Removed:
    """What `remove_document` did: the files set aside, the passages and links taken out."""

    document_id: str
    moved: tuple[tuple[str, str], ...]  # (path, where its file went; "" left where it is)
    passages: int
    records: tuple[str, ...]  # records whose full text it was

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "moved": [{"path": p, "to": to} for p, to in self.moved],
            "passages": self.passages,
            "records": list(self.records),
        }


def remove_document(project: Project, name: str, embedder: Embedder | None = None) -> Removed:
    """Take the document `name` names out of the project; see the module docstring."""
    with writer_lock(project.root, "remove"), opened(project.store_path) as conn:
        found = removal.matching(conn, name)
        if len(found) != 1:
            raise IngestError(
                f"{'no' if not found else len(found)} stored document matches {name!r}",
                hint="name it by its id or its path in the project (`litsynth status --json`"
                " and the workspace's document list show them)",
            )
        held = removal.holding(conn, found[0])
        if held.codings or held.memos:
            work = " and ".join(
                f"{n} {what}{'' if n == 1 else 's'}"
                for n, what in ((held.codings, "coding"), (held.memos, "memo"))
                if n
            )
            raise IngestError(
                f"{held.paths[0]} is not removed: {work}"
                f" {'points' if held.codings + held.memos == 1 else 'point'} at its passages",
                hint="the codings log keeps every decision; if it is the wrong file, put the"
                " right one in its place and run `litsynth ingest --carry`",
            )
        moved = tuple((path, _set_aside(project, path)) for path in held.paths)
        with transaction(conn):
            removal.delete(conn, held)
        if embedder is None:
            settings = project.settings.embed
            embedder = cast(Embedder, LazyEmbedder(settings.embedder, settings.batch_size))
        ensure_index(project, conn, embedder)  # its vectors out (nothing to embed: no model)
    return Removed(held.document_id, moved, len(held.rowids), held.records)


def _set_aside(project: Project, stored: str) -> str:
    """Move a project file to corpus/.removed/ (keeping its folders under corpus/); its new
    path, or "" for a file outside the project or already gone, which is left alone."""
    root = project.root.resolve()
    path = (root / stored).resolve()
    try:
        inside = path.relative_to(project.corpus_dir.resolve())
    except ValueError:
        try:
            inside = path.relative_to(root)
        except ValueError:
            return ""
    if not path.is_file():
        return ""
    folder = project.corpus_dir / SET_ASIDE / inside.parent
    folder.mkdir(parents=True, exist_ok=True)
    for target in numbered(folder, path.name):
        if not target.exists():
            path.replace(target)
            return target.resolve().relative_to(root).as_posix()
    raise IngestError(f"corpus/{SET_ASIDE}/ has 999 files named like {path.name}", "empty it")


def put_back(project: Project, path: str, embedder: Embedder | None = None) -> str:
    """Undo a `remove`: the file set aside for `path` (a stored path the removal named) moved
    back to it and ingested; the id of the document it is again."""
    from litsynth.ingest.incremental import IngestOptions, ingest

    root = project.root.resolve()
    try:
        target = (root / path).resolve()
    except (ValueError, OSError) as exc:  # a NUL byte, a name too long: no path at all
        raise IngestError(f"{path!r} is not a path", "a path as removed") from exc
    aside = project.corpus_dir.resolve() / SET_ASIDE
    try:
        inside = target.relative_to(project.corpus_dir.resolve())
    except ValueError:
        inside = None
    if inside is None or inside.parts[:1] == (SET_ASIDE,):
        raise IngestError(
            f"{path} is not a place in corpus/ to put a file back", "a path as removed"
        )
    source = aside / inside
    if not source.is_file():
        raise IngestError(f"no file set aside for {path} in corpus/{SET_ASIDE}/", "it was moved")
    if target.exists():
        raise IngestError(f"{path} exists again", "move or rename that file first")
    target.parent.mkdir(parents=True, exist_ok=True)
    source.replace(target)
    report = ingest(project, IngestOptions(paths=(target,)), embedder=embedder)
    if report.failures:
        failure = report.failures[0]
        raise IngestError(f"{path} could not be read: {failure['reason']}", failure["explanation"])
    with opened(project.store_path) as conn:
        found = removal.matching(conn, path)
    return found[0] if found else ""
