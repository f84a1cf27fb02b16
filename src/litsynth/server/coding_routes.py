"""The Read & code screen's writes and its review queue: a suggestion accepted, rejected or
changed, a span coded by hand, the marks made in the PDF brought in, the next suggestion
worth a decision, and whether the suggestions have learned from those decisions yet
(`learning.py`).

Each write holds the workspace's lock, is committed before it is answered, and then asks the
learner for suggestions that know it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.server.replies import error, json_body, person
from litsynth.server.warm import Workspace
from litsynth.store import opened


def offset(body: dict[str, Any], name: str) -> int:
    """A character offset from a request body: a whole number, or a 400."""
    value = body.get(name, -1)
    if isinstance(value, bool) or not isinstance(value, int):
        raise LitsynthError(f"{name} is a character offset, a whole number", f'"{name}": 120')
    return value


def coding_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """/api/coding/*, each behind the workspace's guard (`route`)."""

    async def api_coding_next(request: Request) -> Response:
        """The most informative suggestion the coder has not decided, across documents."""
        from litsynth.coding.human import decisions

        coder = person(request.query_params, "coder", project)
        with opened(project.store_path) as conn:
            queue = decisions.review_queue(conn, coder=coder)
        if not queue:
            return JSONResponse({"item": None, "remaining": 0})
        item = queue[0]
        return JSONResponse(
            {
                "item": {"document": item.passage.document_id, "chunk_id": item.passage.chunk_id,
                         "code": item.code_id, "score": item.score, "threshold": item.threshold},
                "remaining": len(queue),
            }
        )  # fmt: skip

    async def api_coding_decide(request: Request) -> Response:
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.coding.human import decisions
        from litsynth.store import codings as codings_store

        body = await json_body(request)
        chunk, code, action = (str(body.get(k) or "") for k in ("chunk_id", "code", "action"))
        if action not in ("accept", "reject", "change"):
            return error(400, f"unknown action {action!r}", "accept, reject or change")
        book = project_codebook(project)
        coder, new_code = person(body, "coder", project), str(body.get("new_code") or "")

        def work(conn: sqlite3.Connection) -> Any:
            passage = codings_store.passages(conn, [chunk]).get(chunk)
            items = (
                codings_store.review_items(
                    conn,
                    code=code,
                    undecided_only=False,
                    suggested_only=False,
                    document=passage.document_id,
                )
                if passage is not None
                else []
            )
            item = next((i for i in items if i.passage.chunk_id == chunk), None)
            if item is None:
                return error(
                    404,
                    f"no suggestion of {code!r} on passage {chunk!r}",
                    "the suggestions were updated since the page showed them: reload the document"
                    if passage is not None
                    else "passage ids are listed by /api/documents/{document}",
                )
            return decisions.decide(
                conn,
                book,
                item,
                action,
                coder=coder,
                new_code=new_code,
            )

        rows = await ws.locked(work)
        if isinstance(rows, Response):  # the 404: nothing was recorded
            return rows
        ws.learner.relearn()
        return JSONResponse({"recorded": [r.__dict__ for r in rows]})

    async def api_coding_add(request: Request) -> Response:
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.coding.human import decisions

        body = await json_body(request)
        book = project_codebook(project)
        coder, start, end = (
            person(body, "coder", project),
            offset(body, "start"),
            offset(body, "end"),
        )
        row = await ws.locked(
            lambda conn: decisions.add_coding(
                conn, book, str(body.get("code") or ""), coder=coder,
                document=str(body.get("document") or ""), start=start, end=end,
                memo=str(body.get("memo") or ""),
            )
        )  # fmt: skip
        ws.learner.relearn()
        return JSONResponse({"recorded": row.__dict__})

    async def api_codes_new(request: Request) -> Response:
        """A code made while reading (`litsynth code new`), in codebook/new-codes.yaml."""
        from litsynth.coding.codebook.created import new_code

        body = await json_body(request)
        label, definition = str(body["label"]), str(body["definition"])
        code, path = await ws.locked(lambda conn: new_code(project, label, definition=definition))
        ws.learner.relearn()  # suggestions of the new code, from its definition
        return JSONResponse({
            "id": code.id, "label": code.label, "definition": code.definition,
            "file": path.relative_to(project.root).as_posix(),
        })  # fmt: skip

    async def api_codes_edit(request: Request) -> Response:
        """A code litsynth wrote renamed, redefined or deleted (`litsynth code edit`)."""
        from litsynth.coding.codebook.created import edit_code
        from litsynth.store.codings import human_coded

        body = await json_body(request)
        code_id = str(body["id"])

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            code, path = edit_code(
                project, code_id, label=body.get("label"), definition=body.get("definition"),
                delete=bool(body.get("delete")), coded=human_coded(conn, code_id),
            )  # fmt: skip
            shown = {"label": code.label, "definition": code.definition} if code else {}
            return {"id": code_id, "deleted": code is None,
                    "file": path.relative_to(project.root).as_posix(), **shown}  # fmt: skip

        edited = await ws.locked(work)
        ws.learner.relearn()  # a definition is what zero-shot suggestions read
        return JSONResponse(edited)

    async def api_coding_checked(request: Request) -> Response:
        """A coding carried by its ends, seen by the reviewer and left where it is."""
        from litsynth.ingest.versions import now
        from litsynth.store.carry import mark_checked

        coding_id = str((await json_body(request))["id"])
        if not await ws.locked(lambda conn: mark_checked(conn, coding_id, now())):
            return error(404, f"no coding {coding_id!r}", "coding ids are in /api/documents/{id}")
        return JSONResponse({"id": coding_id, "checked": True})

    async def api_codebook_draft(request: Request) -> Response:
        """Open coding from the page (`litsynth code discover --write`): the passages no code
        holds yet, clustered; one draft code per cluster, in codebook/draft.yaml."""
        from litsynth.coding.analysis.discover import run_discover
        from litsynth.coding.analysis.drafts import free_draft, write_draft
        from litsynth.errors import CodingError

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            found = run_discover(conn, project)
            if not found.clusters:
                raise CodingError(
                    f"no concept stands out in {found.n_passages} passages to draft codes from",
                    hint="add papers first, or make codes as you read with New code…",
                )
            path = write_draft(project, found, free_draft(project))
            return {"file": path.relative_to(project.root).as_posix(),
                    "codes": len(found.clusters), "passages": found.n_passages}  # fmt: skip

        drafted = await ws.locked(work)
        ws.learner.relearn()  # suggestions of the drafted codes
        return JSONResponse(drafted)

    def marks(conn: sqlite3.Connection, document: str, colours: Any, dry_run: bool) -> Any:
        """What the marks made in a document's PDF file become (`code import-annotations`
        for one document), or a 404 for no such document."""
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.coding.human.annotations import colour_codes
        from litsynth.coding.human.annotations_import import document_marks
        from litsynth.ingest.incremental import project_passwords
        from litsynth.store.codings import document_length

        if document_length(conn, document) is None:
            return error(404, f"no document {document!r}", "document ids are in /api/documents")
        if not isinstance(colours, dict) or not all(isinstance(v, str) for v in colours.values()):
            raise LitsynthError("colours maps a colour to a code", '"colours": {"green": "trust"}')
        book = project_codebook(project)
        outcome = document_marks(
            project, conn, book, document, reviewer=project.settings.project.reviewer,
            colours=colour_codes([f"{k}={v}" for k, v in colours.items()], book),
            passwords=project_passwords(project), dry_run=dry_run,
        )  # fmt: skip
        if outcome is None:  # no PDF, or its file is gone: nothing to read
            return {"document": document, "pdf": False, "marks": 0, "codings": 0, "memos": 0}
        return {**outcome.to_json(), "pdf": True}

    async def api_annotations(request: Request) -> Response:
        """The marks in a document's PDF that the project does not hold yet (none written)."""
        document = request.query_params.get("document", "")
        with opened(project.store_path) as conn:
            found = marks(conn, document, {}, dry_run=True)
        return found if isinstance(found, Response) else JSONResponse(found)

    async def api_annotations_import(request: Request) -> Response:
        """The marks in a document's PDF written as codings and memos (their authors')."""
        body = await json_body(request)
        document = str(body.get("document") or "")
        found = await ws.locked(
            lambda conn: marks(conn, document, body.get("colours") or {}, False)
        )
        if isinstance(found, Response):
            return found
        if found["codings"]:
            ws.learner.relearn()
        return JSONResponse(found)

    async def api_coding_learning(request: Request) -> Response:
        """Whether a suggest run is under way, and what the last one here learned from."""
        return JSONResponse(ws.learner.status())

    return [
        route("/api/coding/next", api_coding_next, ["GET"]),
        route("/api/coding/decide", api_coding_decide, ["POST"], write=True),
        route("/api/coding/add", api_coding_add, ["POST"], write=True),
        route("/api/coding/learning", api_coding_learning, ["GET"]),
        route("/api/codes/new", api_codes_new, ["POST"], write=True),
        route("/api/codes/edit", api_codes_edit, ["POST"], write=True),
        route("/api/coding/checked", api_coding_checked, ["POST"], write=True),
        route("/api/codebook/draft", api_codebook_draft, ["POST"], write=True),
        route("/api/annotations", api_annotations, ["GET"]),
        route("/api/annotations/import", api_annotations_import, ["POST"], write=True),
    ]
