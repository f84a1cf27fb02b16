"""The Records screen's "Find a record": every record by its words and where it stands, and
one record with its decisions in the order they were made (`biblio/record_finder.py`).
A decision on it is posted to /api/screen/decide, as from the Screening screen."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio import screening_ops as ops
from litsynth.biblio import studies_here
from litsynth.biblio.export import ExportedRecord, select
from litsynth.biblio.record_finder import (
    PAGE,
    STATUSES,
    Finding,
    find_records,
    history_json,
    open_record,
    row_json,
)
from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.records import SCREENING_STAGES, TITLE_ABSTRACT
from litsynth.server.downloads import rows_file
from litsynth.server.record_views import record_json
from litsynth.server.replies import error
from litsynth.server.warm import Workspace
from litsynth.store import biblio as biblio_store
from litsynth.store import opened

MAX_PAGE = 500


def _number(value: str | None, name: str, default: int, most: int) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise LitsynthError(f"{name} must be a whole number, not {value!r}", hint=f"{name}=0")
    return min(int(value), most)


def _finding(
    params: Mapping[str, str], rows: Sequence[ExportedRecord], *, offset: int, limit: int
) -> Finding:
    """`find_records` for a request's words, stage, status and source, each checked."""
    stage = params.get("stage", TITLE_ABSTRACT)
    if stage not in SCREENING_STAGES:
        raise LitsynthError(f"unknown stage {stage!r}", hint=", ".join(SCREENING_STAGES))
    wanted = params.get("status", "all")
    if wanted not in STATUSES:
        raise LitsynthError(f"unknown status {wanted!r}", hint=", ".join(STATUSES))
    return find_records(
        rows, words=params.get("words", ""), stage=stage, status_is=wanted,
        source=params.get("source", ""), offset=offset, limit=limit,
    )  # fmt: skip


def finder_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """`GET /api/records/find` and `GET /api/records/record`, behind the workspace's guard."""

    async def api_find(request: Request) -> Response:
        params = request.query_params
        offset = _number(params.get("offset"), "offset", 0, 10**9)
        limit = _number(params.get("limit"), "limit", PAGE, MAX_PAGE)
        with opened(project.store_path) as conn:
            rows = select(conn, "all")
        found = _finding(params, rows, offset=offset, limit=limit)
        return JSONResponse(
            {
                "total": found.total,
                "offset": offset,
                "counts": found.counts,
                "sources": sorted({e.record.source for e in rows}),
                "records": [row_json(e) for e in found.rows],
            }
        )

    async def api_found(request: Request) -> Response:
        """Every record `find` answers (not a page of them) as a file: a sheet, RIS, BibTeX
        or CSL-JSON, as `litsynth screen find … --out FILE` writes it."""
        with opened(project.store_path) as conn:
            rows = select(conn, "all")
        found = _finding(request.query_params, rows, offset=0, limit=len(rows))
        return rows_file(project, found.rows, request.query_params.get("format", "xlsx"), "found")

    async def api_record(request: Request) -> Response:
        record_id = request.query_params.get("id", "")
        settings = project.settings.screening

        def read(conn: sqlite3.Connection) -> dict[str, Any] | None:
            found = open_record(conn, record_id)
            if found is None:
                return None
            rec = found.here.record
            documents = biblio_store.linked_documents(conn, rec.id)
            return {
                "record": {**record_json(rec, documents, settings), "source": rec.source},
                "status": row_json(found.here),
                "group": [{"id": r.id, "source": r.source, "title": r.title} for r in found.others],
                "history": history_json(found.log),
                "reasons": ops.project_reasons(conn, settings),
                # a duplicate's study is its root's (`litsynth studies`)
                "study": None
                if found.here.duplicate_of
                else studies_here.of_record(conn, rec.id).to_json(),
            }

        with opened(project.store_path) as conn:
            shown = read(conn)
        if shown is None:
            return error(404, f"no record {record_id!r}", "find it by its words first")
        return JSONResponse(shown)

    return [
        route("/api/records/find", api_find, ["GET"]),
        route("/api/records/found", api_found, ["GET"]),
        route("/api/records/record", api_record, ["GET"]),
    ]
