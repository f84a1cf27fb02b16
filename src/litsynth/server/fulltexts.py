"""A record's full text, attached from the Screening screen: the file the reviewer found is put
in corpus/, ingested as `litsynth ingest FILE` ingests it, and linked to the record as
`litsynth link RECORD FILE` links it, so full-text screening needs no terminal.

The file comes as the request's body (as a database export does), its name in the query. A
file that cannot be read (password-protected, damaged, a scan OCR cannot read) is answered
with the reason and what to do, and not kept: corpus/ gains only what was read, and `litsynth
status` does not list a failure the reviewer has already been told of. A name taken by another
file gets a number ("paper (2).pdf"); a file the project holds already is not stored twice
but linked as it is. A wrong file is unlinked as `litsynth link --unlink` unlinks it: the
record waits for its full text again, and automatic linking will not bring the pair back.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio.link import link_by_hand
from litsynth.config import Project
from litsynth.embed import Embedder
from litsynth.errors import BiblioError, LitsynthError
from litsynth.ingest.failures import FAILURE_REASONS
from litsynth.ingest.files import SUPPORTED, store_key
from litsynth.records import bytes_id
from litsynth.server.imports import MAX_UPLOAD
from litsynth.server.replies import error, json_body
from litsynth.server.warm import Workspace
from litsynth.store import biblio as biblio_store
from litsynth.store import documents as doc_store
from litsynth.store.db import transaction

_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")  # what no file name should carry on any system


def fulltext_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """The route that attaches a record's full text, behind the workspace's guard (`route`)."""

    async def api_fulltext(request: Request) -> Response:
        params = request.query_params
        record_id = params.get("record", "").strip()
        name = file_name(params.get("name", ""), record_id)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_UPLOAD:
            hint = "put it in corpus/ and run `litsynth ingest` and `litsynth link`"
            return error(413, f"{name} is over {MAX_UPLOAD // 2**20} MB", hint)
        data = await request.body()
        if not data:
            raise LitsynthError(f"{name} is empty", "choose the file again")
        if Path(name).suffix.lower() not in SUPPORTED:
            raise LitsynthError(
                f"{name}: not a kind of file litsynth reads", FAILURE_REASONS["unsupported-type"]
            )

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            return attach(project, conn, ws.warm_embedder(), record_id, name, data)

        return JSONResponse(await ws.locked(work))

    async def api_unlink(request: Request) -> Response:
        body = await json_body(request)
        record_id, document_id = str(body["record_id"]), str(body["document_id"])

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            link_by_hand(conn, record_id, document_id, unlink=True)
            return {"full_texts": biblio_store.linked_documents(conn, record_id)}

        return JSONResponse(await ws.locked(work))

    return [
        route("/api/records/fulltext", api_fulltext, ["POST"], write=True),
        route("/api/records/unlink", api_unlink, ["POST"], write=True),
    ]


def file_name(sent: str, record_id: str) -> str:
    """The name to store a sent file under: its own, without folders or characters a file
    system refuses; the record's id where nothing is left."""
    name = _UNSAFE.sub(" ", sent.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name or f"{_UNSAFE.sub('-', record_id) or 'full-text'}.pdf"


def attach(
    project: Project,
    conn: sqlite3.Connection,
    embedder: Embedder,
    record_id: str,
    name: str,
    data: bytes,
) -> dict[str, Any]:
    """Store, ingest and link `data` as the full text of `record_id`; what the page shows."""
    from litsynth.ingest.incremental import IngestOptions, ingest

    if biblio_store.get_record(conn, record_id) is None:
        raise BiblioError(
            f"no record {record_id!r} in this project", hint="reload the page: it may be gone"
        )
    document_id = bytes_id(data)
    passages = 0
    stored = ""
    if not _held(project, conn, document_id):  # else: linked as it is
        target, written = _place(project.corpus_dir, name, data)
        report = ingest(project, IngestOptions(paths=(target,)), embedder=embedder)
        stored = store_key(project.root.resolve(), target.resolve())
        if report.failures:
            failure = report.failures[0]
            if written:  # not kept: the reviewer is told now, and the file is theirs to fix
                target.unlink()
                with transaction(conn):
                    doc_store.remove_failures(conn, [stored])
            raise LitsynthError(
                f"{name} could not be read: {failure['reason']} ({failure['detail']})",
                failure["explanation"],
            )
        state = doc_store.file_state(conn, stored)
        if state is None:  # ingest stores every file it reads, or says why it did not
            raise LitsynthError(f"{name} was not ingested", "; ".join(report.warnings) or None)
        document_id, passages = state.document_id, report.chunks_added
    link_by_hand(conn, record_id, document_id)
    return {
        "record_id": record_id,
        "document_id": document_id,
        "file": stored,
        "passages": passages,
        "full_texts": biblio_store.linked_documents(conn, record_id),
    }


def _held(project: Project, conn: sqlite3.Connection, document_id: str) -> bool:
    """Whether the project has this document and a file of it is still on disk (a file taken
    out of corpus/ leaves its document in the store until `ingest --prune`)."""
    if not doc_store.document_exists(conn, document_id):
        return False
    files = doc_store.file_states(conn).values()
    return any((project.root / f.path).is_file() for f in files if f.document_id == document_id)


def _place(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Where `data` goes in `folder` under `name`, and whether it was written there (not when
    the file there has these very bytes): another file's name gets " (2)", " (3)"…"""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        target = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        if not target.exists():
            partial = target.with_name(f".{target.name}.part")  # never half a file in corpus/
            partial.write_bytes(data)
            partial.replace(target)
            return target, True
        if target.read_bytes() == data:
            return target, False
    raise LitsynthError(f"corpus/ has 999 files named like {name}", "rename the file and retry")
