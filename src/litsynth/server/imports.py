"""The workspace's Records screen: database exports in, as `litsynth import`, `litsynth
batches` and `litsynth dedupe` bring them, so a review can start without a terminal.

A file is sent as the request's body (the page reads it; no form parsing library), with its
name and the source it came from in the query string, and imported by the command line's own
`import_data`: the same batch, the same skipped entries with their lines, the same warnings.
A batch is taken back by `remove_batch`, which refuses one whose records carry the review's
work, and duplicates are found by `run_dedupe`; the pairs it was unsure of go out and come
back as a sheet (`dedupe export-sheet` / `import-sheet`). Decisions made in another screening tool
(Rayyan, ASReview LAB, a list) come in through `screen import`'s own `import_decisions`.
Each write holds the workspace's lock.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.biblio import dedupe, previous
from litsynth.biblio.batches import list_batches, record_search, remove_batch, search_date
from litsynth.biblio.dedupe_sheet import import_sheet
from litsynth.biblio.overview import lines, records_overview
from litsynth.biblio.previous_values import form_notes
from litsynth.biblio.readers import import_by_database, import_data
from litsynth.biblio.screening_import import DecisionsImport, import_decisions
from litsynth.biblio.screening_rules import now_utc
from litsynth.biblio.sheet_files import read_table
from litsynth.biblio.studies import listed_json, listed_lines, previous_studies
from litsynth.config import Project
from litsynth.errors import BiblioError, LitsynthError
from litsynth.records import TITLE_ABSTRACT
from litsynth.report.previous_file import form_fields, read_previous
from litsynth.server.downloads import pairs_file
from litsynth.server.replies import error, json_body, switch
from litsynth.server.warm import Workspace
from litsynth.store import biblio as biblio_store
from litsynth.store import opened
from litsynth.store.db import transaction

MAX_UPLOAD = 256 * 1024 * 1024  # a database export of 100,000 records is about 200 MB of RIS


def import_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """The Records screen's routes, each behind the workspace's guard (`route`)."""

    async def api_batches(request: Request) -> Response:
        with opened(project.store_path) as conn:
            batches = list_batches(conn)
            report = records_overview(conn).to_json()
        return JSONResponse(
            {
                "batches": [b.to_json() for b in batches],
                "sources": sorted({b.source for b in batches}),
                "records": report,
                "lines": lines(report),
            }
        )

    async def upload(request: Request, name: str, command: str) -> bytes | Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_UPLOAD:
            return error(413, f"{name} is over {MAX_UPLOAD // 2**20} MB",
                         f"split the export, or import it with `{command}`")  # fmt: skip
        data = await request.body()
        if not data:
            raise LitsynthError(f"{name} is empty", "choose the export file again")
        return data

    async def api_import(request: Request) -> Response:
        params = request.query_params
        name = params.get("name", "").strip() or "upload"
        data = await upload(request, name, "litsynth import")
        if isinstance(data, Response):
            return data
        query = params.get("query", "")
        day = search_date(params.get("searched"), query)  # before the import, as the CLI
        source = params.get("source", "")
        if "source" in params and not source.strip():  # as described: named, or left out
            hint = "leave the source out to read it from the file, or name the database"
            return error(400, "the source name is empty", hint)

        split = switch(params, "by_database", default=False)
        if split and day is not None:
            raise LitsynthError("a search is told for one database", "import the library"
                                " split by database without the search date")  # fmt: skip
        options = {"encoding": params.get("encoding") or None, "sheet": params.get("sheet") or None}

        def work(conn: sqlite3.Connection) -> tuple[Any, Any]:
            if split:  # a library of several searches: a batch per database
                return import_by_database(conn, name, data, source, **options), None
            outcome = import_data(conn, name, data, source, **options)
            search = None
            if day is not None and not outcome.error:
                search = record_search(conn, outcome.source, day, query)
            return outcome, search

        outcome, search = await ws.locked(work)
        if split:
            return JSONResponse({"outcomes": [o.to_json() for o in outcome]})
        return JSONResponse({**outcome.to_json(), **({"search": search} if search else {})})

    async def api_remove(request: Request) -> Response:
        body = await json_body(request)
        removal = await ws.locked(lambda conn: remove_batch(conn, str(body.get("batch") or "")))
        return JSONResponse(removal.to_json())

    async def api_dedupe(request: Request) -> Response:
        def work(conn: sqlite3.Connection) -> tuple[Any, dict[str, Any]]:
            return dedupe.run_dedupe(conn), biblio_store.duplicates_by_source(conn)

        result, by_source = await ws.locked(work)
        return JSONResponse({**result.to_json(), "by_source": by_source})

    async def named_upload(request: Request, command: str) -> tuple[str, bytes] | Response:
        """A file sent as the body, under its name in the query (its folder dropped)."""
        name = Path(request.query_params.get("name", "").strip() or "upload").name
        data = await upload(request, name, command)
        return data if isinstance(data, Response) else (name, data)

    async def api_screen_import(request: Request) -> Response:
        params = request.query_params
        sent = await named_upload(request, "litsynth screen import")
        if isinstance(sent, Response):
            return sent
        name, data = sent

        def work(conn: sqlite3.Connection) -> DecisionsImport:
            return import_decisions(
                conn, Path(name), data=data,
                stage=params.get("stage") or TITLE_ABSTRACT,
                reviewer=params.get("reviewer") or project.settings.project.reviewer,
                settings=project.settings.screening,
                kind=params.get("from") or "auto", every=params.get("all") or "",
                reason=params.get("reason") or "",
            )  # fmt: skip

        outcome = await ws.locked(work)
        rename = "put that name in the Reviewer box at the top"
        return JSONResponse({**outcome.to_json(), "lines": outcome.lines(rename=rename)})

    async def api_dedupe_sheet(request: Request) -> Response:
        return pairs_file(project, request.query_params.get("format", "xlsx"))

    async def api_dedupe_import(request: Request) -> Response:
        sent = await named_upload(request, "litsynth dedupe import-sheet")
        if isinstance(sent, Response):
            return sent
        name, data = sent
        rows = read_table(Path(name), data=data, error=BiblioError)
        reviewer = request.query_params.get("reviewer") or project.settings.project.reviewer
        outcome = await ws.locked(
            lambda conn: import_sheet(conn, rows, reviewer=reviewer, name=name)
        )
        return JSONResponse({**outcome.to_json(), "lines": outcome.lines(name)})

    async def api_previous(request: Request) -> Response:
        """An updated review's previous version (`litsynth previous FILE`): its deposit
        package or a reference file of its included studies, sent as the body."""
        params = request.query_params
        sent = await named_upload(request, "litsynth previous")
        if isinstance(sent, Response):
            return sent
        name, data = sent
        column = params.get("study_column", "").strip() or None
        remove_found = params.get("remove_found", "") in ("1", "true", "yes")
        with tempfile.TemporaryDirectory(prefix="litsynth-previous-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            told = read_previous(path, column)

        def work(conn: sqlite3.Connection) -> previous.Previous:
            with transaction(conn):
                return previous.record(conn, told.reports, remove_found=remove_found,
                                       at=now_utc(), values=told.values)  # fmt: skip

        held = await ws.locked(work)
        lines = [*held.lines(remove_found), *([held.warning()] if held.warning() else [])]
        lines += form_notes(told.values, form_fields(project))  # carried values its forms hide
        # its studies by the name a grouping takes ("Another report of this study")
        listed = previous_studies(told.reports)
        lines += ["Its studies, as a grouping names them:", *listed_lines(listed)]
        return JSONResponse({**held.to_json(), "lines": lines, "listed": listed_json(listed)})

    async def api_previous_clear(request: Request) -> Response:
        """Forget the previous version's list (`litsynth previous --clear`)."""
        await json_body(request)

        def work(conn: sqlite3.Connection) -> int:
            with transaction(conn):
                return previous.forget(conn, now_utc())

        returned = await ws.locked(work)
        return JSONResponse({"cleared": True, "returned": returned})

    handlers: list[tuple[str, Any, str]] = [
        ("/api/records/batches", api_batches, "GET"),
        ("/api/records/import", api_import, "POST"),
        ("/api/records/remove", api_remove, "POST"),
        ("/api/records/dedupe", api_dedupe, "POST"),
        ("/api/screen/import", api_screen_import, "POST"),
        ("/api/dedupe/sheet", api_dedupe_sheet, "GET"),
        ("/api/dedupe/import-sheet", api_dedupe_import, "POST"),
        ("/api/records/previous", api_previous, "POST"),
        ("/api/records/previous-clear", api_previous_clear, "POST"),
    ]
    return [route(path, h, [method], write=method == "POST") for path, h, method in handlers]
