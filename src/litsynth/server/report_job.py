"""The report and the manuscript draft from the page: `litsynth report` started from the
Matrices screen, and its folder served back, so a reviewer who never opens a terminal gets
report/index.html and report/manuscript.docx.

Drawing them reruns the derived analysis (open coding, relations, themes, matrices, PRISMA)
over the store as it is: seconds on the demo, a minute or more on a large corpus. So it runs
in a background thread and the page asks how far it is (`GET /api/report`: the step under
way). It takes no lock of the workspace's: like `litsynth report` in a terminal, it reads
the store and writes only the report folder (swapped in whole when done), so screening and
coding go on meanwhile. `GET /report/…` serves that folder's files, inside it only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from litsynth.config import Project
from litsynth.server.jobs import failures_kept
from litsynth.server.warm import Workspace

# The report's own pages: its scripts and styles come from its folder; a matrix's colour
# swatches are style attributes. Nothing is fetched from anywhere else.
REPORT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# What the page offers from the folder once it is drawn, in this order.
FILES = ("index.html", "manuscript.docx", "prisma.png")


@dataclass
class ReportJob:
    """The one drawing of the report a workspace may run at a time, and how far it is."""

    running: bool = False
    step: str = ""  # the step under way: "matrices", "report" …
    runs: int = 0  # drawings finished in this process: the page waits for the number to move
    seconds: float = 0.0  # the last one's
    error: str | None = None
    hint: str | None = None
    guard: threading.Lock = field(default_factory=threading.Lock)

    def said(self, message: str) -> None:
        """The pipeline's progress line "[3] relate …" as the step's name."""
        if message.startswith("[") and message.endswith(" …"):
            with self.guard:
                self.step = message.split("] ", 1)[-1].removesuffix(" …")


def report_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """`GET /api/report` (how far, and what is drawn), `POST /api/report` (start) and
    `GET /report/{path}` (the folder's files)."""
    job = ReportJob()
    folder = project.root / "report"

    def work() -> None:
        from litsynth.pipeline import run_pipeline

        started = time.monotonic()
        try:
            with failures_kept(job):
                run_pipeline(project, progress=job.said, with_ingest=False, with_suggest=False,
                             force=True)  # fmt: skip
        finally:
            with job.guard:
                job.running, job.step = False, ""
                job.runs += 1
                job.seconds = round(time.monotonic() - started, 1)

    def status() -> dict[str, Any]:
        index = folder / "index.html"
        drawn = (
            datetime.fromtimestamp(index.stat().st_mtime, UTC).isoformat(timespec="seconds")
            if index.is_file()
            else None
        )
        with job.guard:
            return {
                "running": job.running, "step": job.step, "runs": job.runs,
                "seconds": job.seconds, "error": job.error, "hint": job.hint, "drawn": drawn,
                "files": [f"/report/{name}" for name in FILES if (folder / name).is_file()],
                "citation_style": project.settings.synthesis.citation_style,
            }  # fmt: skip

    async def api_report_status(request: Request) -> Response:
        return JSONResponse(status())

    async def api_report_start(request: Request) -> Response:
        with job.guard:
            if not job.running:  # a second click while it runs joins the drawing under way
                job.running, job.step, job.error, job.hint = True, "", None, None
                thread = threading.Thread(target=work, name="draw-report", daemon=True)
                ws.background[:] = [t for t in ws.background if t.is_alive()] + [thread]
                thread.start()
        return JSONResponse(status())

    async def report_file(request: Request) -> Response:
        path = request.path_params.get("path") or "index.html"
        target = _inside(folder, path)
        if target is None:
            reason = "no such file in the report" if folder.is_dir() else "no report drawn yet"
            return JSONResponse(
                {"error": reason, "hint": "draw it on the Matrices screen, or `litsynth report`"},
                status_code=404,
            )
        headers = {"Content-Security-Policy": REPORT_CSP} if target.suffix == ".html" else {}
        return FileResponse(target, headers=headers)

    async def report_home(request: Request) -> Response:
        return RedirectResponse("/report/index.html", status_code=307)

    return [
        route("/api/report", api_report_status, ["GET"]),
        route("/api/report", api_report_start, ["POST"], write=True),
        route("/report/", report_home, ["GET"]),
        route("/report/{path:path}", report_file, ["GET"]),
    ]


def _inside(folder: Path, path: str) -> Path | None:
    """The file `path` names inside `folder`, or None: never one outside it (`..`, a link
    out, an absolute path)."""
    root = folder.resolve()
    try:
        target = (root / path).resolve()
        inside = target.is_relative_to(root) and target.is_file()
    except (ValueError, OSError):  # a NUL byte, a name too long: no file of the report's
        return None
    return target if inside else None
