"""The Extraction screen's reads and writes: the data-extraction form and the critical-appraisal
form (`?form=appraisal`, or `"form": "appraisal"` in a body), each study's current values, a
starter form written, one value checked and recorded.

Both forms are biblio/extraction.py's; a value is checked as a sheet cell is, and recorded under
the workspace's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.config import Project
from litsynth.errors import BiblioError
from litsynth.server.replies import json_body as _body
from litsynth.server.replies import person
from litsynth.server.warm import Workspace
from litsynth.store import opened


def form_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """/api/extraction*, each behind the workspace's guard (`route`)."""

    def _form(which: object) -> tuple[Any, Path]:
        """The extraction form, or with `form=appraisal` the appraisal form: (kind, path)."""
        from litsynth.biblio import extraction

        if which == "appraisal":
            return extraction.APPRAISAL, project.appraisal_form_path
        if which in (None, "", "extraction"):
            return extraction.EXTRACTION, project.extraction_form_path
        raise BiblioError(f"no form {which!r}", hint="form is extraction or appraisal")

    async def api_extraction(request: Request) -> Response:
        from litsynth.biblio import appraisal, extraction
        from litsynth.biblio import form_reviewers as reviewers

        kind, path = _form(request.query_params.get("form"))
        if not path.exists():  # said, with what the page can do about it
            return JSONResponse(
                {"error": f"no {kind.what} at {path}",
                 "hint": f"write a starter form to edit here, or `litsynth {kind.command} init`",
                 "form_missing": True},
                status_code=400,
            )  # fmt: skip
        form = extraction.load_form(path, kind)
        # Appraisers answer independently, and extractors whose form says so: each sees
        # their own values, not the other's.
        who = person(request.query_params, "coder", project) if form.apart else ""
        with opened(project.store_path) as conn:
            # an updated review's previous studies too, with the values it carried
            studies = extraction.review_studies(conn)
            own = extraction.folded(extraction.standing(conn, form, who), studies)
            values = extraction.with_carried(conn, form, studies, own)
            # what the appraisal (or the extraction) says so far, and where two reviewers differ
            if not who:
                said: list[str] = []
            elif kind is extraction.APPRAISAL:
                judged = appraisal.judgements(conn, form)
                said = [appraisal.methods_sentence(conn, form), appraisal.summary_sentence(judged)]
            else:
                said = [reviewers.collection_sentence(conn, form)]
            differ = [d.to_json() for d in reviewers.disagreements(conn, form)] if who else []
        return JSONResponse(
            {
                "form": kind.name, "file": path.name, "tool": form.tool, "overall": form.overall,
                "reviewer": who, "summary": " ".join(s for s in said if s),
                "disagreements": differ,
                # an appraisal's choices with their tones, for colour
                "fields": [
                    {**field, "tones": appraisal.tones(f)} if kind is extraction.APPRAISAL
                    else field
                    for field, f in zip(extraction.form_json(form), form.fields, strict=True)
                ],
                "studies": [
                    {"record_id": s.record_id, "label": s.label, "title": s.title,
                     "reports": list(s.report_labels), "earlier": s.earlier,
                     "full_texts": [document for document, _ in s.full_texts],
                     "values": {f.id: values.get((s.record_id, f.id), "") for f in form.fields},
                     # the fields showing the previous version's value (an update's)
                     "carried": [f.id for f in form.fields
                                 if values.get((s.record_id, f.id)) and
                                 not own.get((s.record_id, f.id))]}
                    for s in studies
                ],
            }
        )  # fmt: skip

    async def api_extraction_form(request: Request) -> Response:
        from litsynth.biblio import extraction
        from litsynth.biblio.appraisal import STARTER_APPRAISAL

        kind, path = _form((await _body(request)).get("form"))
        starter = STARTER_APPRAISAL if kind is extraction.APPRAISAL else extraction.STARTER_FORM
        return JSONResponse({"form": str(extraction.write_starter_form(path, starter))})

    async def api_extraction_value(request: Request) -> Response:
        from litsynth.biblio import extraction

        body = await _body(request)
        kind, path = _form(body.get("form"))
        form = extraction.load_form(path, kind)
        value = await ws.locked(
            lambda conn: extraction.record_value(
                conn, form, str(body.get("record_id") or ""), str(body.get("field") or ""),
                str(body.get("value") or ""), reviewer=person(body, "coder", project),
            )
        )  # fmt: skip
        return JSONResponse({"record_id": body.get("record_id"), "field": body.get("field"),
                             "value": value})  # fmt: skip

    async def api_appraisal_figure(request: Request) -> Response:
        """`litsynth appraise figure F.svg --kind …` for the page (an <img>): as the PRISMA
        diagram, an SVG with no script and the page's own policy."""
        from litsynth.biblio.appraisal_figure import KINDS, appraisal_grid, figure_bytes
        from litsynth.biblio.extraction import APPRAISAL, load_form
        from litsynth.server.screens import CSP

        kind = request.query_params.get("kind") or "summary"
        if kind not in KINDS:
            raise BiblioError(f"no appraisal figure {kind!r}", hint="kind=summary or traffic-light")
        form = load_form(project.appraisal_form_path, APPRAISAL)
        with opened(project.store_path) as conn:
            grid = appraisal_grid(conn, form)
        svg = figure_bytes(grid, kind=kind, fmt="svg")
        return Response(svg, media_type="image/svg+xml", headers={"Content-Security-Policy": CSP})

    return [
        route("/api/appraisal/figure", api_appraisal_figure, ["GET"]),
        route("/api/extraction", api_extraction, ["GET"]),
        route("/api/extraction/form", api_extraction_form, ["POST"], write=True),
        route("/api/extraction/value", api_extraction_value, ["POST"], write=True),
    ]
