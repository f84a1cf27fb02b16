"""Reading the files put in corpus/ from the page: `litsynth ingest` started from Read & code,
for papers that came there by the file system (a reference manager's folder, a colleague's
copy) rather than through "Add documents".

It can take minutes (about a second a page), so it runs in a background thread and the page
asks how far it is (`GET /api/ingest`: files stored of files to store). It does not hold the
workspace's lock: ingest takes the project's own writer lock, as from a terminal, so
screening and coding decisions go on meanwhile. When it ends, new documents are matched to
their records as `litsynth link` matches, and where the project has a codebook a suggest run
follows, so the new passages come with suggestions. A coded paper saved over with a new
version keeps its codings, each moved to where its words are (`litsynth ingest --carry`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.config import Project
from litsynth.server.jobs import failures_kept
from litsynth.server.replies import switch
from litsynth.server.warm import Workspace
from litsynth.store import opened


@dataclass
class CorpusJob:
    """The one ingest of corpus/ a workspace may run at a time, and how far it is."""

    running: bool = False
    done: int = 0  # files stored (read, or failed with a reason)
    total: int = 0  # files to store (new or changed); 0 until they are counted
    note: str = ""  # how far a long file is: "book.pdf: page 240 of 603 read"
    runs: int = 0  # ingests finished in this process: the page waits for the number to move
    last: dict[str, Any] = field(default_factory=dict)  # the last one's summary
    error: str | None = None
    hint: str | None = None
    guard: threading.Lock = field(default_factory=threading.Lock)

    def status(self) -> dict[str, Any]:
        with self.guard:
            return {
                "running": self.running, "done": self.done, "total": self.total,
                "note": self.note, "runs": self.runs, "last": self.last, "error": self.error,
                "hint": self.hint,
            }  # fmt: skip

    def progress(self, done: int, total: int) -> None:
        with self.guard:
            self.done, self.total, self.note = done, total, ""

    def noted(self, note: str) -> None:
        with self.guard:
            self.note = note


def corpus_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """`GET /api/ingest` (how far) and `POST /api/ingest` (start), behind the guard."""
    job = CorpusJob()

    def work(reread: bool) -> None:
        from litsynth.biblio.link import link_full_texts
        from litsynth.ingest.incremental import IngestOptions, ingest
        from litsynth.store.biblio import record_documents
        from litsynth.store.report import table_count

        try:
            with failures_kept(job):  # another ingest under way: said
                # a paper saved over with its new version keeps its codings: they follow their
                # words (`ingest --carry`); those not found stay on the old version, as ingest says
                report = ingest(
                    project,
                    IngestOptions(
                        on_file=job.progress, on_note=job.noted, carry=True, reread=reread
                    ),
                    embedder=ws.warm_embedder(),
                )
                with opened(project.store_path) as conn:
                    # the records matched now, as `litsynth link` matches; not those matched before
                    known = {(k["record_id"], k["document_id"]) for k in record_documents(conn)}
                    links = link_full_texts(conn).links if table_count(conn, "records") else []
                    linked = sum((k.record_id, k.document_id) not in known for k in links)
                summary = {"summary": report.summary(), "ingested": report.documents_ingested,
                           "passages": report.chunks_added, "failures": report.failures_by_reason(),
                           "warnings": report.warnings[:20], "linked": linked,
                           "carried": sum(c["codings"] for c in report.carried),
                           "left": sum(len(c["left"]) for c in report.carried),
                           "same": report.documents_reread_same}  # fmt: skip
                with job.guard:
                    job.last, job.error, job.hint = summary, None, None
                ws.learner.relearn_for(report.chunks_added)
        finally:
            with job.guard:
                job.running = False
                job.runs += 1

    def status() -> dict[str, Any]:
        """The job, and what a read again would improve: PDFs an older reader read, and
        scans whose pages OCR can read now (kept as they were for their codings)."""
        from litsynth.ingest.pdf import TEXT_VERSION
        from litsynth.ingest.retry import rereadable_scans
        from litsynth.store.carry import old_versions
        from litsynth.store.documents import kind_and_path
        from litsynth.store.scans import read_by_older_text

        with opened(project.store_path) as conn:
            older = set(read_by_older_text(conn, "pdf", TEXT_VERSION))
            for document_id in rereadable_scans(conn, project.settings.ingest):
                older.add((kind_and_path(conn, document_id) or ("", document_id))[1])
            kept = len(old_versions(conn))
        return {**job.status(), "read_by_older": len(older), "old_versions": kept}

    async def api_ingest_status(request: Request) -> Response:
        return JSONResponse(status())

    async def api_ingest_start(request: Request) -> Response:
        reread = switch(request.query_params, "reread", default=False)
        with job.guard:
            if not job.running:  # a second click while it runs joins the run under way
                job.running, job.done, job.total, job.note = True, 0, 0, ""
                threading.Thread(
                    target=work, args=(reread,), name="ingest-corpus", daemon=True
                ).start()
        return JSONResponse(status())

    return [
        route("/api/ingest", api_ingest_status, ["GET"]),
        route("/api/ingest", api_ingest_start, ["POST"], write=True),
    ]
