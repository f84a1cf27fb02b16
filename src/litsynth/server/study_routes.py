"""Reports of one study grouped from the workspace: the Records screen lists the studies
grouped and the pairs that may report one study, and a record's page groups it with another
report of its study or takes it out (`litsynth studies`, biblio/studies_here.py). What a record's
study is comes with the record (`/api/records/record`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio import studies_here
from litsynth.biblio.screening_rules import now_utc
from litsynth.config import Project
from litsynth.server.replies import json_body, person
from litsynth.server.warm import Workspace
from litsynth.store import opened
from litsynth.store.db import transaction


def study_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    async def api_studies(request: Request) -> Response:
        """The studies grouped so far and the pairs that may report one study, among the
        records sought for full text (`litsynth studies`, `studies candidates`)."""
        with opened(project.store_path) as conn:
            seen, found = studies_here.page(conn)
        return JSONResponse({**seen.to_json(), "candidates": [c.to_json() for c in found]})

    async def api_group(request: Request) -> Response:
        body = await json_body(request)
        who, note = person(body, "reviewer", project), str(body.get("note") or "")
        others = [str(x) for x in body.get("others") or []]

        def work(conn: sqlite3.Connection) -> dict[str, object]:
            with transaction(conn):
                entries = studies_here.record_group(
                    conn, str(body["main"]), others, reviewer=who, at=now_utc(), note=note
                )
            return studies_here.recorded_json(entries)

        return JSONResponse(await ws.locked(work))

    async def api_split(request: Request) -> Response:
        body = await json_body(request)
        who, note = person(body, "reviewer", project), str(body.get("note") or "")

        def work(conn: sqlite3.Connection) -> dict[str, object]:
            with transaction(conn):
                entries = studies_here.record_split(
                    conn, str(body["record_id"]), reviewer=who, at=now_utc(), note=note
                )
            return studies_here.recorded_json(entries)

        return JSONResponse(await ws.locked(work))

    return [
        route("/api/studies", api_studies, ["GET"]),
        route("/api/studies/group", api_group, ["POST"], write=True),
        route("/api/studies/split", api_split, ["POST"], write=True),
    ]
