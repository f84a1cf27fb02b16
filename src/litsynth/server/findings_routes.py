"""The Matrices screen's findings: the summary of qualitative findings (a theme each, its
evidence, the team's GRADE-CERQual ratings) read, and one rating set from the page.

The ratings live in findings.yaml (synthesis/findings.py); a rating set here is checked as
the file is, then the file is written again whole (evidence comments redrawn), atomically,
under the workspace's lock so two rating at once do not lose one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.coding.codebook.model import Codebook
from litsynth.config import Project
from litsynth.server.replies import codings_source
from litsynth.server.replies import json_body as _body
from litsynth.server.warm import Workspace
from litsynth.store import opened
from litsynth.synthesis.findings import Assessment, Finding


def findings_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """/api/findings*, each behind the workspace's guard (`route`)."""

    def _rated() -> tuple[Codebook, list[str], dict[str, Assessment]]:
        """The codebook, its themes, and the ratings findings.yaml holds ({} before the first)."""
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.synthesis.findings import load_assessments, theme_ids

        codebook = project_codebook(project, required=False)
        themes = theme_ids(codebook)
        path = project.findings_path
        assert codebook is not None  # theme_ids refused a project without one
        return codebook, themes, load_assessments(path, themes) if path.exists() else {}

    def _found(conn: Any, codebook: Codebook, source: str, assessments: Any) -> list[Finding]:
        from litsynth.synthesis.from_store import findings_from_store

        return findings_from_store(
            conn, codebook, source=source, appraisal_form=project.appraisal_form_path,
            assessments=assessments,
        )  # fmt: skip

    def _answer(found: list, source: str) -> dict[str, Any]:
        from litsynth.synthesis.findings import COMPONENTS, CONCERNS, CONFIDENCE
        from litsynth.synthesis.from_store import SOURCE_WORDS

        return {
            "file": project.findings_path.name, "exists": project.findings_path.exists(),
            "source": SOURCE_WORDS[source], "components": COMPONENTS,
            "concerns": list(CONCERNS), "confidence": list(CONFIDENCE),
            "findings": [f.to_json() for f in found],
        }  # fmt: skip

    async def api_findings(request: Request) -> Response:
        source = codings_source(request.query_params, project)
        codebook, _, assessments = _rated()
        with opened(project.store_path) as conn:
            found = _found(conn, codebook, source, assessments)
        return JSONResponse(_answer(found, source))

    async def api_findings_rate(request: Request) -> Response:
        from litsynth.atomic import write_text
        from litsynth.synthesis.findings import findings_yaml, rated
        from litsynth.synthesis.from_store import SOURCE_WORDS, framework_said

        body = await _body(request)
        source = codings_source({"source": body.get("source") or ""}, project)

        def rate(conn: Any) -> dict[str, Any]:
            codebook, themes, assessments = _rated()
            theme = str(body.get("theme") or "")
            changed = rated(
                assessments, theme, str(body.get("field") or ""), str(body.get("value") or ""),
                themes,
            )  # fmt: skip
            found = _found(conn, codebook, source, changed)
            said = framework_said(conn)
            write_text(
                project.findings_path,
                findings_yaml(found, source=SOURCE_WORDS[source], said=said),
            )
            return _answer(found, source)

        return JSONResponse(await ws.locked(rate))

    return [
        route("/api/findings", api_findings, ["GET"]),
        route("/api/findings/rate", api_findings_rate, ["POST"], write=True),
    ]
