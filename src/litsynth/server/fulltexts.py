"""Documents to and from the page: a record's full text, attached on the Screening screen,
papers added on the Read & code screen, and a document's own file, opened from the reader
(a PDF at the passage's page). The file is put in corpus/ and ingested as `litsynth
ingest FILE` ingests it; a full text is then linked to its record as `litsynth link RECORD
FILE` links it. So full-text screening and a corpus of papers need no terminal, and where the
project has a codebook a suggest run follows, as after a coding decision, so the new passages
come with suggestions.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio.link import link_by_hand, link_full_texts
from litsynth.coding.codebook.load import project_codebook
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
from litsynth.store import opened
from litsynth.store.db import transaction
from litsynth.store.report import file_paths, table_count

_DOCUMENT_ID = re.compile(r"[0-9a-z]+")  # a file's hash (records.bytes_id)
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")  # what no file name should carry on any system


def fulltext_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """The route that attaches a record's full text, behind the workspace's guard (`route`)."""

    async def received(request: Request) -> tuple[str, bytes]:
        """The sent file's name and bytes, refused before anything is stored when it is too
        big, empty or of a kind litsynth does not read."""
        name = file_name(request.query_params.get("name", ""), "")
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_UPLOAD:
            raise LitsynthError(f"{name} is over {MAX_UPLOAD // 2**20} MB",
                                "put it in corpus/ and run `litsynth ingest`")  # fmt: skip
        data = await request.body()
        if not data:
            raise LitsynthError(f"{name} is empty", "choose the file again")
        if Path(name).suffix.lower() not in SUPPORTED:
            raise LitsynthError(
                f"{name}: not a kind of file litsynth reads", FAILURE_REASONS["unsupported-type"]
            )
        return name, data

    def relearn(added: Added) -> None:
        if added.passages and project_codebook(project, required=False) is not None:
            ws.learner.relearn()

    async def api_fulltext(request: Request) -> Response:
        record_id = request.query_params.get("record", "").strip()
        name, data = await received(request)

        def work(conn: sqlite3.Connection) -> tuple[Added, list[dict[str, str]]]:
            if biblio_store.get_record(conn, record_id) is None:
                raise BiblioError(
                    f"no record {record_id!r} in this project",
                    hint="reload the page: it may be gone",
                )
            added = add_document(project, conn, ws.warm_embedder(), name, data)
            link_by_hand(conn, record_id, added.document_id)
            return added, biblio_store.linked_documents(conn, record_id)

        added, full_texts = await ws.locked(work)
        relearn(added)
        return JSONResponse({"record_id": record_id, **added.to_json(), "full_texts": full_texts})

    async def api_add(request: Request) -> Response:
        name, data = await received(request)

        def work(conn: sqlite3.Connection) -> tuple[Added, list[str]]:
            added = add_document(project, conn, ws.warm_embedder(), name, data)
            # matched to its record by DOI, title or file field, as `litsynth link` matches
            links = link_full_texts(conn).links if table_count(conn, "records") else []
            return added, [k.record_id for k in links if k.document_id == added.document_id]

        added, records = await ws.locked(work)
        relearn(added)
        return JSONResponse({**added.to_json(), "linked_records": records})

    async def api_unlink(request: Request) -> Response:
        body = await json_body(request)
        record_id, document_id = str(body["record_id"]), str(body["document_id"])

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            link_by_hand(conn, record_id, document_id, unlink=True)
            return {"full_texts": biblio_store.linked_documents(conn, record_id)}

        return JSONResponse(await ws.locked(work))

    async def document_file(request: Request) -> Response:
        document = request.path_params["document"]
        if not _DOCUMENT_ID.fullmatch(document):
            raise LitsynthError(f"{document!r} is not a document id", "ids are in /api/documents")
        with opened(project.store_path) as conn:
            row = conn.execute("SELECT path, kind FROM documents WHERE id = ?", (document,))
            found = row.fetchone()
            holders = file_paths(conn).get(document, [])
        if found is None:
            return error(404, f"no document {document!r}", "document ids are in /api/documents")
        path = next(
            (project.root / p for p in [found["path"], *holders] if (project.root / p).is_file()),
            None,
        )
        if path is None:
            return error(404, f"the file of {found['path']} is no longer there",
                         "put it back in corpus/, or ingest its new place")  # fmt: skip
        # A PDF opens in the browser's viewer at the page the link names; any other kind is
        # a download, never a page of the workspace's own origin (an HTML file's scripts).
        pdf = found["kind"] == "pdf"
        return FileResponse(
            path,
            media_type="application/pdf" if pdf else "application/octet-stream",
            filename=path.name,
            content_disposition_type="inline" if pdf else "attachment",
            headers={"X-Content-Type-Options": "nosniff"},
        )

    return [
        route("/api/documents/{document}/file", document_file, ["GET"]),
        route("/api/records/fulltext", api_fulltext, ["POST"], write=True),
        route("/api/records/unlink", api_unlink, ["POST"], write=True),
        route("/api/documents/add", api_add, ["POST"], write=True),
    ]


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
    """A document added from the page: its id, the file stored for it in corpus/ ("" when
    the project held the file already) and the passages read from it."""

    document_id: str
    file: str
    passages: int

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "file": self.file, "passages": self.passages}


def add_document(
    project: Project, conn: sqlite3.Connection, embedder: Embedder, name: str, data: bytes
) -> Added:
    """Store `data` in corpus/ as `name` and ingest it, unless the project holds it already."""
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
        raise LitsynthError(
            f"{name} could not be read: {failure['reason']} ({failure['detail']})",
            failure["explanation"],
        )
    state = doc_store.file_state(conn, stored)
    if state is None:  # ingest stores every file it reads, or says why it did not
        raise LitsynthError(f"{name} was not ingested", "; ".join(report.warnings) or None)
    return Added(state.document_id, stored, report.chunks_added)


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
