"""The Matrices screen's framework matrix: each cell's summary read, written from the page,
its earlier wordings listed, and the whole grid downloaded as `litsynth framework table
--out` writes it.

A write computes the summary's basis (the cell's passages) here, from the codings the page
shows, under the workspace's lock: the page never says what the summary was written from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.server.downloads import framework_file
from litsynth.server.replies import codings_source, person
from litsynth.server.replies import json_body as _body
from litsynth.server.warm import Workspace
from litsynth.store import opened, transaction
from litsynth.synthesis.framework import Framework


def framework_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """/api/framework*, each behind the workspace's guard (`route`)."""

    def _framework(
        conn: Any, params: Mapping[str, Any], only_row: str | None = None
    ) -> tuple[Framework, str]:
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.synthesis.from_store import framework_from_store

        source = codings_source({"source": str(params.get("source") or "")}, project)
        found = framework_from_store(
            conn, project_codebook(project), rows=str(params.get("rows") or "documents"),
            cols=str(params.get("cols") or "themes"), source=source,
            appraisal_form=project.appraisal_form_path, only_row=only_row,
        )  # fmt: skip
        return found, source

    async def api_framework(request: Request) -> Response:
        q = request.query_params
        row, col = q.get("row"), q.get("col")
        with opened(project.store_path) as conn:
            found, source = _framework(conn, q, only_row=row if row and col else None)
        if row and col:  # one cell, with its passages: its row's codings are all it reads
            return JSONResponse({"cell": found.cell_json(found.cell(row, col))})
        return JSONResponse({**found.to_json(links=False), "source": source})

    async def api_framework_summary(request: Request) -> Response:
        from litsynth.synthesis.from_store import summarise_cell

        body = await _body(request)
        author = person(body, "coder", project)

        def write(conn: Any) -> dict[str, Any]:
            with transaction(conn):
                found, _ = _framework(conn, body, only_row=str(body.get("row") or ""))
                cell = summarise_cell(
                    conn, found, str(body.get("row") or ""), str(body.get("col") or ""),
                    str(body.get("text") or ""), author=author,
                )  # fmt: skip
            # the cell as it now stands: the one written, or, unchanged, the one read
            after = cell or found.cell(str(body.get("row")), str(body.get("col")))
            return {"written": cell is not None, "cell": found.cell_json(after)}

        return JSONResponse(await ws.locked(write))

    async def api_framework_history(request: Request) -> Response:
        from litsynth.store.framework import summary_history
        from litsynth.synthesis.matrix import check_dimensions

        q = request.query_params
        if not q.get("row") or not q.get("col"):
            raise LitsynthError("name the cell: row and col", hint="?row=DOCUMENT&col=THEME")
        check_dimensions(q.get("rows") or "documents", q.get("cols") or "themes")
        with opened(project.store_path) as conn:
            versions = summary_history(
                conn, q.get("rows") or "documents", q.get("row") or "",
                q.get("cols") or "themes", q.get("col") or "",
            )  # fmt: skip
        return JSONResponse(
            [{"summary": v.text, "author": v.author, "at": v.at} for v in reversed(versions)]
        )

    async def api_framework_sentences(request: Request) -> Response:
        from litsynth.synthesis.from_store import cell_sentences

        q = request.query_params
        if not q.get("row") or not q.get("col"):
            raise LitsynthError("name the cell: row and col", hint="?row=DOCUMENT&col=THEME")

        def read() -> list[dict[str, object]]:
            embedder = ws.warm_embedder()  # loaded once a session, as for a search
            with opened(project.store_path) as conn:
                found, _ = _framework(conn, q, only_row=q["row"])
                picked = cell_sentences(conn, found, q["row"], q["col"], embedder)
            return [s.to_json() for s in picked]

        # off the event loop, and outside the write lock: a save meanwhile is not held up
        return JSONResponse(await run_in_threadpool(read))

    async def api_framework_file(request: Request) -> Response:
        with opened(project.store_path) as conn:
            found, _ = _framework(conn, request.query_params)
        return framework_file(found, request.query_params.get("format", "xlsx"))

    return [
        route("/api/framework", api_framework, ["GET"]),
        route("/api/framework/summary", api_framework_summary, ["POST"], write=True),
        route("/api/framework/history", api_framework_history, ["GET"]),
        route("/api/framework/sentences", api_framework_sentences, ["GET"]),
        route("/api/framework/file", api_framework_file, ["GET"]),
    ]
