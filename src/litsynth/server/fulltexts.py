"""Documents to and from the page: a record's full text, attached on the Screening screen,
papers added on the Read & code screen, and a document's own file, opened from the reader
(a PDF at the passage's page). The file is put in corpus/ and ingested as `litsynth
ingest FILE` ingests it; a full text is then linked to its record as `litsynth link RECORD
FILE` links it. So full-text screening and a corpus of papers need no terminal, and where the
project has a codebook a suggest run follows, as after a coding decision, so the new passages
come with suggestions.

The file comes as the request's body (as a database export does), its name in the query,
and is stored by `ingest/adding.py`, which `litsynth link RECORD FILE` uses too: a file that
cannot be read is answered with its reason and not kept. A wrong file is unlinked as `litsynth
link --unlink` unlinks it: the record waits for its full text again, and automatic linking
will not bring the pair back.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio.link import link_by_hand, link_full_texts, require_record
from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.ingest.adding import Added, add_document, file_name
from litsynth.ingest.failures import FAILURE_REASONS
from litsynth.ingest.files import SUPPORTED, on_disk
from litsynth.server.imports import MAX_UPLOAD
from litsynth.server.replies import codings_source, error, json_body
from litsynth.server.warm import Workspace
from litsynth.store import biblio as biblio_store
from litsynth.store import documents as doc_store
from litsynth.store import opened
from litsynth.store.report import table_count

_DOCUMENT_ID = re.compile(r"[0-9a-z]+")  # a file's hash (records.bytes_id)


def fulltext_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """The routes that carry documents between the page and corpus/ (see the module's doc),
    each behind the workspace's guard (`route`)."""

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

    async def api_fulltext(request: Request) -> Response:
        record_id = request.query_params.get("record", "").strip()
        name, data = await received(request)

        def work(conn: sqlite3.Connection) -> tuple[Added, list[dict[str, str]]]:
            require_record(conn, record_id, hint="reload the page: it may be gone")
            added = add_document(project, conn, name, data, ws.warm_embedder())
            link_by_hand(conn, record_id, added.document_id)
            return added, biblio_store.linked_documents(conn, record_id)

        added, full_texts = await ws.locked(work)
        ws.learner.relearn_for(added.passages)
        return JSONResponse({"record_id": record_id, **added.to_json(), "full_texts": full_texts})

    async def api_add(request: Request) -> Response:
        name, data = await received(request)

        def work(conn: sqlite3.Connection) -> tuple[Added, list[str]]:
            added = add_document(project, conn, name, data, ws.warm_embedder())
            # matched to its record by DOI, title or file field, as `litsynth link` matches
            links = link_full_texts(conn).links if table_count(conn, "records") else []
            return added, [k.record_id for k in links if k.document_id == added.document_id]

        added, records = await ws.locked(work)
        ws.learner.relearn_for(added.passages)
        return JSONResponse({**added.to_json(), "linked_records": records})

    async def api_unlink(request: Request) -> Response:
        body = await json_body(request)
        record_id, document_id = str(body["record_id"]), str(body["document_id"])

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            link_by_hand(conn, record_id, document_id, unlink=True)
            return {"full_texts": biblio_store.linked_documents(conn, record_id)}

        return JSONResponse(await ws.locked(work))

    async def api_remove(request: Request) -> Response:
        from litsynth.ingest.removing import remove_document

        document_id = str((await json_body(request))["document_id"])
        removed = await ws.locked(lambda conn: remove_document(project, document_id))
        return JSONResponse(removed.to_json())

    async def api_put_back(request: Request) -> Response:
        from litsynth.ingest.removing import put_back

        path = str((await json_body(request))["path"])

        def work(conn: sqlite3.Connection) -> tuple[str, list[str]]:
            document_id = put_back(project, path, ws.warm_embedder())
            # its records found again by DOI, title or file field, as `litsynth link` finds them
            links = link_full_texts(conn).links if table_count(conn, "records") else []
            return document_id, [k.record_id for k in links if k.document_id == document_id]

        document_id, records = await ws.locked(work)
        ws.learner.relearn_for(1)
        return JSONResponse({"path": path, "document_id": document_id, "linked_records": records})

    async def document_file(request: Request) -> Response:
        document = request.path_params["document"]
        if not _DOCUMENT_ID.fullmatch(document):
            raise LitsynthError(f"{document!r} is not a document id", "ids are in /api/documents")
        with opened(project.store_path) as conn:
            found = doc_store.kind_and_path(conn, document)
            holders = doc_store.holding_paths(conn, document)
        if found is None:
            return error(404, f"no document {document!r}", "document ids are in /api/documents")
        kind, stored = found
        path = on_disk(project.root, [stored, *holders])
        if path is None:
            return error(404, f"the file of {stored} is no longer there",
                         "put it back in corpus/, or ingest its new place")  # fmt: skip
        # A PDF opens in the browser's viewer at the page the link names; any other kind is
        # a download, never a page of the workspace's own origin (an HTML file's scripts).
        pdf = kind == "pdf"
        return FileResponse(
            path,
            media_type="application/pdf" if pdf else "application/octet-stream",
            filename=path.name,
            content_disposition_type="inline" if pdf else "attachment",
            headers={"X-Content-Type-Options": "nosniff"},
        )

    async def document_annotated(request: Request) -> Response:
        """The document's PDF with its codings drawn on it (`litsynth export annotated-pdfs
        --document ID`), made afresh for each request: a download."""
        import tempfile

        from litsynth.coding.codebook.load import project_codebook
        from litsynth.ingest.incremental import project_passwords
        from litsynth.synthesis.annotated_pdfs import export_annotated

        document = request.path_params["document"]
        if not _DOCUMENT_ID.fullmatch(document):
            raise LitsynthError(f"{document!r} is not a document id", "ids are in /api/documents")
        source = codings_source(request.query_params, project)
        book = project_codebook(project)
        with tempfile.TemporaryDirectory(prefix="litsynth-annotated-") as folder:
            with opened(project.store_path) as conn:
                if doc_store.kind_and_path(conn, document) is None:
                    return error(404, f"no document {document!r}", "ids are in /api/documents")
                written, _key = export_annotated(
                    project, conn, book, Path(folder), source=source, documents=[document],
                    passwords=project_passwords(project),
                )  # fmt: skip
            if not written:
                return error(
                    404,
                    f"no {source} codings of document {document!r} to draw on its PDF",
                    "code some of its passages first; a text file has no PDF",
                )
            if written[0].drawn.problem:
                return error(404, written[0].drawn.problem, "put the PDF back, readable")
            data = written[0].target.read_bytes()
            name = written[0].target.stem + " (coded).pdf"
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return [
        route("/api/documents/{document}/file", document_file, ["GET"]),
        route("/api/documents/{document}/annotated", document_annotated, ["GET"]),
        route("/api/records/fulltext", api_fulltext, ["POST"], write=True),
        route("/api/records/unlink", api_unlink, ["POST"], write=True),
        route("/api/documents/add", api_add, ["POST"], write=True),
        route("/api/documents/remove", api_remove, ["POST"], write=True),
        route("/api/documents/put-back", api_put_back, ["POST"], write=True),
    ]
