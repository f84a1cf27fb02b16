"""`litsynth serve`: one local process that keeps the store, the index and the model warm.

Starlette (a small, well-kept ASGI toolkit) with uvicorn: the pages are plain HTML and a little
JavaScript of our own in `static/` (nothing fetched at run time), and every screen is also a JSON
API described at `/openapi.json`, so scripts and notebooks can use the warm process.

Safety, because the process holds a person's work:
- it binds 127.0.0.1 unless told otherwise (the CLI warns when it is);
- a request's Host must be the address it serves (no DNS rebinding), and a state-changing
  request needs the session token from the page (`X-Litsynth-Token`) and, when the browser
  sends one, an Origin of that same address (no cross-site request forgery);
- every value from the corpus or the records goes to the page as JSON and is put in with
  `textContent`, never as markup;
- every decision is committed to the store before the response returns (the screening log's
  own transaction), so a killed server loses nothing it acknowledged.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from litsynth.biblio import dedupe, screening_stop, studies_here
from litsynth.biblio import screening_ops as ops
from litsynth.biblio.screening_pilot import pilot_report
from litsynth.biblio.screening_progress import progress
from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.records import FULL_TEXT, SCREENING_STAGES, TITLE_ABSTRACT
from litsynth.search import SearchHit, search, status
from litsynth.server.coding_routes import coding_routes
from litsynth.server.coding_views import confirm_json, quote_json, relations_json
from litsynth.server.corpus_job import corpus_routes
from litsynth.server.downloads import (
    hits_file,
    package_file,
    quotes_file,
    records_file,
    references_file,
)
from litsynth.server.finder_routes import finder_routes
from litsynth.server.findings_routes import findings_routes
from litsynth.server.forms import form_routes
from litsynth.server.framework_routes import framework_routes
from litsynth.server.fulltexts import fulltext_routes
from litsynth.server.imports import import_routes
from litsynth.server.openapi import OPENAPI, body_schema, query_names
from litsynth.server.pilot_routes import pilot_routes
from litsynth.server.record_views import next_pair, papers_only, record_json
from litsynth.server.replies import (
    checked_body,
    codings_source,
    known_parameters,
    person,
    search_arguments,
    switch,
)
from litsynth.server.replies import error as _error
from litsynth.server.replies import json_body as _body
from litsynth.server.report_job import report_routes
from litsynth.server.screens import CSP, SCREEN_ALIASES, SCREENS, no_screen_page
from litsynth.server.settings_routes import settings_routes
from litsynth.server.study_routes import study_routes
from litsynth.server.warm import Workspace
from litsynth.server.word_routes import word_routes
from litsynth.store import biblio as biblio_store
from litsynth.store import opened
from litsynth.store import screening_log as store_log
from litsynth.store.report import waiting_suggestions

STATIC = resources.files("litsynth.server") / "static"
# The page's scripts, in the order it loads them (workspace.js last: it starts the screen).
_SCRIPTS = (
    "common", "records", "finder", "screening", "duplicates", "synthesis", "reader", "marks",
    "relations", "findings", "framework", "manuscript", "workspace",
)  # fmt: skip
# the only files /static serves, with their media types
_STATIC_TYPES = {
    **{f"{name}.js": "text/javascript" for name in _SCRIPTS},
    "workspace.css": "text/css",
    "icon.svg": "image/svg+xml",
}
_SCRIPT_TAGS = "\n".join(f'<script src="/static/{name}.js" defer></script>' for name in _SCRIPTS)


def create_app(project: Project, *, allowed_hosts: tuple[str, ...] = ()) -> Starlette:
    """The workspace for `project`; `allowed_hosts` are the host[:port] names it answers to."""
    ws = Workspace(project)
    hosts = set(allowed_hosts)

    def host_ok(request: Request) -> bool:
        return not hosts or request.headers.get("host", "") in hosts

    def write_ok(request: Request) -> bool:
        if request.headers.get("x-litsynth-token") != ws.token:
            return False
        origin = request.headers.get("origin")
        return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")

    async def guard(request: Request, handler: Any, *, write: bool = False,
                    names: frozenset[str] | None = None,
                    schema: dict[str, Any] | None = None) -> Response:  # fmt: skip
        if not host_ok(request):
            return _error(421, "this workspace answers on its own address only")
        if write and not write_ok(request):
            return _error(403, "missing or wrong session token", "reload the workspace page")
        try:  # held to what /openapi.json says the route takes: a typo is no silent default
            ws.follow_settings()  # litsynth.toml edited while the workspace runs
            if names is not None:
                known_parameters(request.query_params, names)
            if schema is not None:
                checked_body(await _body(request), schema)
            answer = await handler(request)
        except LitsynthError as exc:
            return _error(400, exc.message, exc.hint)
        if write and answer.status_code < 400:
            ws.back_up_daily()
        return answer

    async def page(request: Request) -> Response:
        if "screen" not in request.path_params:
            with opened(project.store_path) as conn:
                if papers_only(conn):  # nothing to screen: the passages are the work
                    return RedirectResponse("/screens/reader", status_code=307)
        name = request.path_params.get("screen", "screen")
        if name in SCREEN_ALIASES:  # a screen called by its label: "screening", "matrix"
            return RedirectResponse(f"/screens/{SCREEN_ALIASES[name]}", status_code=307)
        if name not in SCREENS:
            return HTMLResponse(no_screen_page(name), status_code=404,
                                headers={"Content-Security-Policy": CSP})  # fmt: skip
        html = (STATIC / "workspace.html").read_text(encoding="utf-8")
        html = html.replace("{{TOKEN}}", ws.token).replace("{{SCREEN}}", name)
        html = html.replace("{{SCRIPTS}}", _SCRIPT_TAGS)
        # every screen, not only Screening, shows whose name an empty field decides under
        html = html.replace("{{REVIEWER}}", escape(project.settings.project.reviewer))
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        media = _STATIC_TYPES.get(name)
        if media is None:
            return _error(404, "no such file")
        return Response((STATIC / name).read_text(encoding="utf-8"), media_type=media)

    async def searched(request: Request) -> tuple[str, list[SearchHit]]:
        """The query and its hits, for the page (JSON) and the sheet alike."""
        query, arguments = search_arguments(request.query_params)
        # the model loads (seconds, cold) outside the lock: a decision need not wait for it
        await run_in_threadpool(ws.warm_embedder)
        hits = await ws.locked(
            lambda conn: search(conn, project, query, embedder=ws.warm_embedder(),
                                index=ws.warm_index(conn), **arguments)
        )  # fmt: skip
        return query, hits

    async def api_search(request: Request) -> Response:
        return JSONResponse([h.to_json() for h in (await searched(request))[1]])

    async def api_search_sheet(request: Request) -> Response:
        query, hits = await searched(request)
        return hits_file(hits, query, request.query_params.get("format", "xlsx"))

    async def api_status(request: Request) -> Response:
        with opened(project.store_path) as conn:
            return JSONResponse(status(conn, project))

    def _screen_args(source: Any) -> tuple[str, str]:
        stage = source.get("stage")
        stage = TITLE_ABSTRACT if stage is None else str(stage)  # named is named: "" is wrong
        if stage not in SCREENING_STAGES:
            raise LitsynthError(f"unknown stage {stage!r}", hint=", ".join(SCREENING_STAGES))
        reviewer = person(source, "reviewer", project)
        return stage, reviewer

    async def api_next(request: Request) -> Response:
        stage, reviewer = _screen_args(request.query_params)
        settings = project.settings.screening
        random = switch(request.query_params, "random", default=False)  # the stopping rule's sample
        blind = switch(request.query_params, "blind", default=True)

        def work(conn: sqlite3.Connection) -> tuple[Any, ...]:
            queue = ws.queue(conn, stage, reviewer)
            pending = queue.pending(conn, refit=False, random=random)
            prog = progress(conn, stage=stage, reviewer=reviewer)
            stopped = (
                [] if stage != TITLE_ABSTRACT else screening_stop.stops(store_log.log(conn, stage))
            )
            reasons = ops.project_reasons(conn, settings)
            first = request.query_params.get("first")  # the record an undo just put back
            rec = next((r for r in pending if r.id == first), pending[0] if pending else None)
            votes = (
                ops.other_votes(conn, rec.id, stage=stage, reviewer=reviewer)
                if rec is not None and not blind
                else None
            )  # blind unless the reviewer asks: nobody sees others' votes by accident
            shown = (
                {**record_json(rec, biblio_store.linked_documents(conn, rec.id), settings),
                 "ranked_for": [] if random else queue.why(rec.id),  # the words that raised it
                 "pilot": {"position": queue.piloted.index(rec.id) + 1,
                           "size": len(queue.piloted)}
                 if rec.id in queue.piloted else None,
                 # where reports are collated: its study, or the records that may share it
                 "study": studies_here.of_record(conn, rec.id).to_json()
                 if stage == FULL_TEXT else None}
                if rec
                else None
            )  # fmt: skip
            return shown, votes, prog, stopped, reasons

        shown, votes, prog, stopped, reasons = await ws.locked(work)
        return JSONResponse(
            {
                "record": shown,
                "reviewer": reviewer,
                "votes": votes,
                "progress": prog.to_json(),
                # the stops that ended title/abstract screening (`screen stop`), which the
                # page offers to withdraw; their records by count, not by id
                "stopped": [s.told() for s in stopped],
                "reasons": reasons,
                "criteria": settings.criteria,
                "terms": {"include": settings.include_terms, "exclude": settings.exclude_terms},
            }
        )

    async def _record(request: Request, origin: str, source: str) -> Response:
        """A reviewer's decision ("terminal": one at a time) or a resolution, from the page."""
        body = await _body(request)
        stage, reviewer = _screen_args(body)
        decision, new_reason = await ws.locked(
            lambda conn: ops.record_decision(
                conn, str(body.get("record_id", "")), stage=stage,
                decision=str(body.get("decision", "")), reviewer=reviewer,
                settings=project.settings.screening, reason=str(body.get("reason") or ""),
                note=str(body.get("note") or ""), origin=origin, source=source,
            )
        )  # fmt: skip
        return JSONResponse({"recorded": decision.__dict__, "new_reason": new_reason})

    async def api_decide(request: Request) -> Response:
        body = await _body(request)
        # a record drawn at random from the rest: the stopping rule tests that sample exactly
        source = f"{ops.RANDOM_SAMPLE}:workspace" if body.get("random") else "workspace"
        response = await _record(request, "terminal", source)
        if response.status_code == 200:
            ws.refit_later(*_screen_args(body))
        return response

    async def api_undo(request: Request) -> Response:
        body = await _body(request)
        stage, reviewer = _screen_args(body)
        undone = await ws.locked(
            lambda conn: ops.undo_last(
                conn, stage=stage, reviewer=reviewer, source="workspace:undo"
            )
        )
        return JSONResponse({"undone": undone})

    async def api_stop(request: Request) -> Response:
        """End title/abstract screening on the stopping rule's word (`screen stop`), or
        resume it with `undo`: the records set aside return to the queues."""
        body = await _body(request)
        _, reviewer = _screen_args({**body, "stage": TITLE_ABSTRACT})
        if body.get("undo"):
            return JSONResponse({"returned": await ws.locked(screening_stop.resume_screening)})
        stop = await ws.locked(lambda conn: screening_stop.stop_screening(conn, reviewer))
        return JSONResponse(stop.to_json())

    async def api_conflicts(request: Request) -> Response:
        stage, _ = _screen_args(request.query_params)
        with opened(project.store_path) as conn:
            agreement = ops.agreement(conn, stage)
            titles = ops.record_titles(conn, [c.record_id for c in agreement.conflicts])
            piloted = pilot_report(conn, stage)  # the pilot round's own agreement, if any
        return JSONResponse(
            {
                "stage": stage,
                "reviewers": list(agreement.reviewers),
                "kappa": agreement.kappa,
                "pilot": piloted.to_json() if piloted else None,
                "conflicts": [
                    {**c.to_json(), "title": titles.get(c.record_id, "")}
                    for c in agreement.conflicts
                ],
            }
        )  # fmt: skip

    async def api_resolve(request: Request) -> Response:
        return await _record(request, "resolution", "")  # wins over every reviewer's vote

    async def api_dedupe_next(request: Request) -> Response:
        with opened(project.store_path) as conn:
            return JSONResponse(next_pair(conn, ws.likeness))

    async def api_dedupe_resolve(request: Request) -> Response:
        body = await _body(request)
        same = body.get("same")
        if not isinstance(same, bool):
            raise LitsynthError("same is true or false", '"same": true')
        reviewer = person(body, "reviewer", project)
        a, b = str(body.get("a", "")), str(body.get("b", ""))

        def work(conn: sqlite3.Connection) -> dict[str, Any]:  # regroups at once, as the CLI does
            dedupe.resolve(conn, a, b, same=same, reviewer=reviewer, note="workspace")
            return next_pair(conn, ws.likeness)

        return JSONResponse(await ws.locked(work))

    async def api_matrix(request: Request) -> Response:
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.synthesis.from_store import matrix_from_store

        rows = request.query_params.get("rows", "documents")
        cols = request.query_params.get("cols", "themes")
        source = codings_source(request.query_params, project)
        codebook = project_codebook(project)
        with opened(project.store_path) as conn:
            matrix = matrix_from_store(
                conn, codebook, rows=rows, cols=cols, source=source,
                appraisal_form=project.appraisal_form_path,
            )  # fmt: skip
            waiting = waiting_suggestions(conn)  # what an empty matrix's note points to
        return JSONResponse({**matrix.to_json(), "source": source, "suggestions": waiting})

    async def api_export_quotes(request: Request) -> Response:
        return quotes_file(project, request.query_params)

    async def api_export_records(request: Request) -> Response:
        return records_file(project, request.query_params)

    async def api_export_references(request: Request) -> Response:
        return references_file(project, request.query_params)

    async def api_export_package(request: Request) -> Response:
        return package_file(project, request.query_params)

    async def api_prisma(request: Request) -> Response:
        with opened(project.store_path) as conn:
            return JSONResponse(ops.prisma_flow(conn).to_json())

    async def api_prisma_paragraph(request: Request) -> Response:
        from litsynth.biblio.prisma_prose import project_methods, project_paragraph

        with opened(project.store_path) as conn:
            paragraph = project_paragraph(conn, ops.prisma_flow(conn))
            methods = project_methods(conn, project.appraisal_form_path)
        return JSONResponse({"methods": methods, "paragraph": paragraph})

    async def prisma_svg(request: Request) -> Response:
        from litsynth.biblio.prisma_svg import flow_svg

        with opened(project.store_path) as conn:
            flow = ops.prisma_flow(conn)
        svg = flow_svg(flow, title=project.settings.project.name)
        # As an <img>, an SVG cannot run script even if it held any; ours escapes all text.
        return Response(svg, media_type="image/svg+xml", headers={"Content-Security-Policy": CSP})

    async def api_codes(request: Request) -> Response:
        from litsynth.coding.codebook.load import project_codebook

        book = project_codebook(project, required=False)  # reading needs no codebook
        codes = book.codes.values() if book is not None else ()
        return JSONResponse(
            [
                {"id": c.id, "label": c.label, "definition": c.definition, "color": c.color}
                for c in codes
            ]
        )

    async def api_codebook(request: Request) -> Response:
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.store import synthesis as synthesis_store

        book = project_codebook(project, required=False)
        if book is None:
            return JSONResponse({"tree": []})
        with opened(project.store_path) as conn:
            spans = synthesis_store.load_coded_spans(conn)
        chunks: dict[str, set[str]] = {}
        for span in spans:
            chunks.setdefault(span.code_id, set()).add(span.chunk_id)

        def node(n: Any) -> tuple[dict[str, Any], set[str]]:
            element = book.get(n.id)
            kids = [node(c) for c in n.children]
            under = set(chunks.get(n.id, set())).union(*(k[1] for k in kids))
            return {
                "id": n.id, "label": n.label, "kind": n.kind,
                "definition": getattr(element, "definition", ""),
                "color": getattr(element, "color", ""), "passages": len(under),
                "children": [k[0] for k in kids],
            }, under  # fmt: skip

        return JSONResponse({"tree": [node(n)[0] for n in book.tree()]})

    async def api_themes(request: Request) -> Response:
        from litsynth.coding.analysis.themes import run_themes
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.synthesis.from_store import cited_work_counts

        book = project_codebook(project)
        # the codings of the Matrices screen's switch, so the themes count what the matrix does
        source = codings_source(request.query_params, project)
        with opened(project.store_path) as conn:
            cited = cited_work_counts(conn, book, source)
            result = run_themes(conn, book, cited=cited, source=source)
        # what `code themes --source SOURCE --json` prints
        return JSONResponse({**dataclasses.asdict(result), "source": source})

    async def api_documents(request: Request) -> Response:
        from litsynth.store import analysis as analysis_store
        from litsynth.store import report as report_store

        with opened(project.store_path) as conn:
            rows = report_store.documents_overview(conn)
            labels = analysis_store.document_labels(conn)
        return JSONResponse(
            [
                {"id": r["id"], "path": r["path"], "kind": r["kind"], "n_passages": r["n_chunks"],
                 "label": labels[r["id"]]}
                for r in rows
            ]
        )  # fmt: skip

    async def api_document(request: Request) -> Response:
        from litsynth.coding.human.reader import read_document

        document = request.path_params["document"]
        coder = person(request.query_params, "coder", project)
        with opened(project.store_path) as conn:
            view = read_document(conn, document, coder=coder)
        if not view:
            return _error(404, f"no document {document!r} with passages")
        return JSONResponse({"document": document, "passages": [p.to_json() for p in view]})

    async def api_quote(request: Request) -> Response:
        params = request.query_params
        with opened(project.store_path) as conn:
            chunk = params.get("chunk", "")
            quoted = quote_json(conn, chunk, params.get("start", ""), params.get("end", ""))
        if quoted is None:
            return _error(404, f"no passage {chunk!r}", "chunk ids are in search results")
        return JSONResponse(quoted)

    async def api_relations(request: Request) -> Response:
        with opened(project.store_path) as conn:
            return JSONResponse(relations_json(conn, project))

    async def api_relations_confirm(request: Request) -> Response:
        body = await _body(request)
        coder = person(body, "coder", project)
        return JSONResponse(await ws.locked(lambda conn: confirm_json(conn, project, body, coder)))

    async def api_memos(request: Request) -> Response:
        from litsynth.store import codings as codings_store

        target = request.query_params.get("target") or None
        with opened(project.store_path) as conn:
            found = codings_store.memos(conn, target)
        return JSONResponse([m.__dict__ for m in found])

    async def api_memo(request: Request) -> Response:
        from litsynth.coding.codebook.load import project_codebook
        from litsynth.coding.human import decisions

        body = await _body(request)
        book = project_codebook(project, required=False)
        memo = await ws.locked(
            lambda conn: decisions.write_memo(
                conn, book, str(body.get("target") or ""), str(body.get("text") or ""),
                author=person(body, "coder", project),
            )
        )  # fmt: skip
        return JSONResponse({"recorded": memo.__dict__})

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    def route(path: str, handler: Any, methods: list[str], write: bool = False) -> Route:
        names, schema = query_names(path, methods[0]), body_schema(path, methods[0])

        async def endpoint(request: Request) -> Response:
            return await guard(request, handler, write=write, names=names, schema=schema)

        return Route(path, endpoint, methods=methods)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # Let a suggest run under way finish. Its write is one transaction, so a stop mid-run
        # would lose nothing; waiting only keeps a half-done thread's errors off the console.
        if ws.learner.status()["running"]:
            print(
                "finishing the suggestions that learn from your last decisions"
                " (Ctrl-C again stops at once; nothing you decided is lost)",
                file=sys.stderr,
            )
        ws.learner.wait(timeout=60)
        if any(job.is_alive() for job in ws.background):
            print("finishing the report being drawn (Ctrl-C again stops it; the last one"
                  " drawn stays)", file=sys.stderr)  # fmt: skip
        for job in ws.background:  # its folder is swapped in whole when done
            job.join(timeout=60)

    app = Starlette(
        lifespan=lifespan,
        routes=[
            route("/", page, ["GET"]),
            route("/screens/{screen}", page, ["GET"]),
            route("/static/{name}", static, ["GET"]),
            route("/openapi.json", openapi, ["GET"]),
            route("/api/search", api_search, ["GET"]),
            route("/api/search/sheet", api_search_sheet, ["GET"]),
            route("/api/status", api_status, ["GET"]),
            route("/api/screen/next", api_next, ["GET"]),
            route("/api/screen/decide", api_decide, ["POST"], write=True),
            route("/api/screen/undo", api_undo, ["POST"], write=True),
            route("/api/screen/stop", api_stop, ["POST"], write=True),
            route("/api/screen/conflicts", api_conflicts, ["GET"]),
            route("/api/screen/resolve", api_resolve, ["POST"], write=True),
            route("/api/dedupe/next", api_dedupe_next, ["GET"]),
            route("/api/dedupe/resolve", api_dedupe_resolve, ["POST"], write=True),
            route("/api/matrix", api_matrix, ["GET"]),
            route("/api/prisma", api_prisma, ["GET"]),
            route("/api/prisma/paragraph", api_prisma_paragraph, ["GET"]),
            route("/api/export/quotes", api_export_quotes, ["GET"]),
            route("/api/export/records", api_export_records, ["GET"]),
            route("/api/export/references", api_export_references, ["GET"]),
            route("/api/export/package", api_export_package, ["GET"]),
            route("/prisma.svg", prisma_svg, ["GET"]),
            route("/api/codes", api_codes, ["GET"]),
            route("/api/codebook", api_codebook, ["GET"]),
            route("/api/themes", api_themes, ["GET"]),
            route("/api/documents", api_documents, ["GET"]),
            route("/api/documents/{document}", api_document, ["GET"]),
            route("/api/quote", api_quote, ["GET"]),
            route("/api/relations", api_relations, ["GET"]),
            route("/api/relations/confirm", api_relations_confirm, ["POST"], write=True),
            route("/api/memos", api_memos, ["GET"]),
            route("/api/memo", api_memo, ["POST"], write=True),
            *import_routes(project, ws, route),
            *finder_routes(project, ws, route),
            *fulltext_routes(project, ws, route),
            *corpus_routes(project, ws, route),
            *coding_routes(project, ws, route),
            *form_routes(project, ws, route),
            *findings_routes(project, ws, route),
            *framework_routes(project, ws, route),
            *report_routes(project, ws, route),
            *settings_routes(project, ws, route),
            *pilot_routes(project, ws, route),
            *study_routes(project, ws, route),
            *word_routes(project, ws, route),
        ],
    )
    app.state.workspace = ws
    return app
