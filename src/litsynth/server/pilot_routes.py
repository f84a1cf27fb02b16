"""The pilot round from the workspace: drawn on the Conflicts screen, where the team then reads
how far it agrees (`litsynth screen pilot`, biblio/screening_pilot.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio import screening_ops as ops
from litsynth.biblio import screening_pilot as pilot
from litsynth.config import Project
from litsynth.errors import ScreeningError
from litsynth.records import TITLE_ABSTRACT
from litsynth.server.replies import json_body
from litsynth.server.warm import Workspace


def pilot_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    async def api_pilot(request: Request) -> Response:
        body = await json_body(request)
        stage = str(body.get("stage") or TITLE_ABSTRACT)
        size, seed = body.get("size"), body.get("seed")

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            if body.get("end"):
                return {"ended": pilot.end_pilot(conn, stage), "pilot": None}
            if size is None:
                raise ScreeningError("size is required to draw a pilot", hint='"size": 50')
            drawn = pilot.start_pilot(conn, stage, ops.candidate_ids(conn, stage),
                                      size=int(size), seed=int(seed or 1))  # fmt: skip
            report = pilot.pilot_report(conn, stage)
            return {"drawn": len(drawn), "pilot": report.to_json() if report else None}

        return JSONResponse(await ws.locked(work))

    return [route("/api/screen/pilot", api_pilot, ["POST"], write=True)]
