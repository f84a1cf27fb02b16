"""Adding a document by its bytes: stored in corpus/ under a safe name and ingested, unless
the project holds it already. The workspace's "Attach its full text" and "Add documents"
(server/fulltexts.py) and `litsynth link RECORD FILE` with a file not yet in the project
share it.

A file that cannot be read (password-protected, damaged, a scan OCR cannot read) raises with
the reason and what to do, and is not kept: corpus/ gains only what was read, and `litsynth
status` does not list a failure the user has already been told of. A name taken by another
file gets a number ("paper (2).pdf"); a file the project holds already is not stored twice.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litsynth.config import Project
from litsynth.embed import Embedder
from litsynth.errors import IngestError
from litsynth.ingest.files import numbered, on_disk, store_key
from litsynth.records import bytes_id
from litsynth.store import documents as doc_store
from litsynth.store.db import transaction

_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")  # what no file name should carry on any system


def file_name(sent: str, fallback: str) -> str:
    """The name to store a sent file under: its own, without folders or characters a file
    system refuses; `fallback` (else "document.pdf") where nothing is left."""
    name = _UNSAFE.sub(" ", sent.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(name.encode()) > 200:  # file systems stop at 255 bytes; " (2)" and ".part" must fit
        name = stem.encode()[: 200 - len(suffix.encode())].decode(errors="ignore") + suffix
    return name or fallback or "document.pdf"


@dataclass(frozen=True)
class Added:
    """A document added by its bytes (the workspace, `litsynth link RECORD FILE`): its id, the
    file stored for it in corpus/ ("" when the project held the file already) and the passages
    read from it."""

    document_id: str
    file: str
    passages: int

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "file": self.file, "passages": self.passages}


def add_document(
    project: Project,
    conn: sqlite3.Connection,
    name: str,
    data: bytes,
    embedder: Embedder | None = None,
) -> Added:
    """Store `data` in corpus/ as `name` and ingest it, unless the project holds it already
    (`embedder`: a model already loaded, as the workspace keeps one; else ingest loads it)."""
    from litsynth.ingest.incremental import IngestOptions, ingest

    document_id = bytes_id(data)
    if _held(project, conn, document_id):
        return Added(document_id, "", 0)
    target, written = _place(project.corpus_dir, name, data)
    report = ingest(project, IngestOptions(paths=(target,)), embedder=embedder)
    stored = store_key(project.root.resolve(), target.resolve())
    if report.failures:
        failure = report.failures[0]
        if written:  # not kept: the reviewer is told now, and the file is theirs to fix
            target.unlink()
            with transaction(conn):
                doc_store.remove_failures(conn, [stored])
        raise IngestError(
            f"{name} could not be read: {failure['reason']} ({failure['detail']})",
            failure["explanation"],
        )
    state = doc_store.file_state(conn, stored)
    if state is None:  # ingest stores every file it reads, or says why it did not
        raise IngestError(f"{name} was not ingested", "; ".join(report.warnings) or None)
    return Added(state.document_id, stored, report.chunks_added)


def _held(project: Project, conn: sqlite3.Connection, document_id: str) -> bool:
    """Whether the project has this document and a file of it is still on disk (a file taken
    out of corpus/ leaves its document in the store until `ingest --prune`)."""
    return on_disk(project.root, doc_store.holding_paths(conn, document_id)) is not None


def _place(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Where `data` goes in `folder` under `name`, and whether it was written there (not when
    the file there has these very bytes): another file's name gets " (2)", " (3)"…"""
    folder.mkdir(parents=True, exist_ok=True)
    for target in numbered(folder, name):
        if not target.exists():
            partial = target.with_name(f".{target.name}.part")  # never half a file in corpus/
            partial.write_bytes(data)
            partial.replace(target)
            return target, True
        if target.read_bytes() == data:
            return target, False
    raise IngestError(f"corpus/ has 999 files named like {name}", "rename the file and retry")
