"""The workspace's edits to litsynth.toml: the screening criteria and the words it marks.

Reviewers in screening apps type the words to mark (green for inclusion, red for exclusion)
beside the record they are reading, and add an exclusion reason when they meet one the
protocol did not foresee. Here the Screening screen's side panel does both: the criteria and
terms go into `[screening]` of litsynth.toml (`config.save_screening_words`, which keeps the
rest of the file as the reviewer wrote it), a new reason into the project's list as a sheet's
new reason goes (the log keeps every reason it was ever given). The workspace then follows the
file (`Workspace.follow_settings`), as it follows an edit made in a text editor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio import screening_ops as ops
from litsynth.biblio import screening_rules as rules
from litsynth.config import Project, save_screening_words
from litsynth.server.replies import json_body
from litsynth.server.warm import Workspace
from litsynth.store import screening_log


def _words(value: Any) -> list[str] | None:
    """Terms as given, trimmed, blanks and repeats left out; None (not given): left as the
    file has them."""
    if value is None:
        return None
    return list(dict.fromkeys(str(w).strip() for w in value if str(w).strip()))


def settings_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    async def api_screening_settings(request: Request) -> Response:
        body = await json_body(request)
        criteria = body.get("criteria")

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            save_screening_words(
                project.root,
                criteria=None if criteria is None else str(criteria).strip(),
                include_terms=_words(body.get("include_terms")),
                exclude_terms=_words(body.get("exclude_terms")),
            )
            ws.follow_settings(written=True)
            screening = project.settings.screening
            added = ""
            reason = " ".join(str(body.get("reason") or "").split())
            if reason:
                known = ops.project_reasons(conn, screening)
                reason, is_new = rules.match_reason(reason, known)
                if is_new:
                    screening_log.add_reasons(conn, [reason], "workspace", "Screening screen")
                    added = reason
            return {
                "criteria": screening.criteria,
                "terms": {"include": screening.include_terms, "exclude": screening.exclude_terms},
                "reasons": ops.project_reasons(conn, screening),
                "reason_added": added or None,
            }

        return JSONResponse(await ws.locked(work))

    return [route("/api/settings/screening", api_screening_settings, ["POST"], write=True)]
