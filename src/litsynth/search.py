"""Semantic search over the ingested passages, and the project's ingest status.

Search embeds the query with the same model as the index (the manifest check guarantees it),
asks FAISS for the top k by cosine, and joins the hits with their documents so each passage
comes back with the citation a writer can paste: "Yulianti & Santoso (2025), § 3. Results, ¶ 4".
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from litsynth.citations.labels import format_citation
from litsynth.config import Project
from litsynth.embed import Embedder, get_embedder
from litsynth.embed.index import load_index
from litsynth.errors import CodingError, IngestError
from litsynth.ingest.indexing import chunker_spec, ensure_index
from litsynth.store import documents as store
from litsynth.store.db import connect

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Passage:
    """One search hit: the `litsynth search --json` contract plus where it lives."""

    chunk_id: str
    document_id: str
    title: str
    citation: str
    page_start: int
    page_end: int
    score: float
    text: str
    path: str
    section: str
    paragraph: int | None

    def snippet(self, width: int = SNIPPET_CHARS) -> str:
        """The passage on one line, cut at a word boundary: enough to judge relevance."""
        flat = " ".join(self.text.split())
        if len(flat) <= width:
            return flat
        return flat[:width].rsplit(" ", 1)[0] + " …"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def search(
    project: Project,
    query: str,
    *,
    k: int = 10,
    code: str | None = None,
    theme: str | None = None,
    embedder: Embedder | None = None,
) -> list[Passage]:
    """The k passages closest to the query, best first; optionally only coded passages."""
    settings = project.settings
    conn = connect(project.store_path)
    try:
        if not store.chunk_rowids(conn):
            raise IngestError(
                f"the project {project.root} has no ingested passages yet",
                hint="put documents in corpus/ and run `litsynth ingest`",
            )
        embedder = embedder or get_embedder(
            settings.embed.model, batch_size=settings.embed.batch_size
        )
        index, _ = ensure_index(project, conn, embedder)
        within = None
        if code is not None or theme is not None:
            within = store.rowids_for_chunk_ids(conn, _coded_chunk_ids(conn, project, code, theme))
        hits = index.search(embedder.embed([query])[0], k, within=within)
        rows = store.chunk_hits(conn, [rowid for rowid, _ in hits])
        return [_passage(rows[rowid], score) for rowid, score in hits if rowid in rows]
    finally:
        conn.close()


def _coded_chunk_ids(
    conn: sqlite3.Connection, project: Project, code: str | None, theme: str | None
) -> set[str]:
    try:
        from litsynth.coding.filters import chunk_ids_for
    except ImportError:
        raise CodingError(
            "searching within coded passages needs the coding stage (litsynth.coding.filters)",
            hint="search without --code/--theme, or update litsynth",
        ) from None
    return set(chunk_ids_for(conn, project, code=code, theme=theme))


def _passage(hit: store.ChunkHit, score: float) -> Passage:
    citation = format_citation(
        hit.authors,
        hit.year,
        kind=hit.kind,
        page_start=hit.page_start,
        page_end=hit.page_end,
        section=hit.section,
        paragraph=hit.paragraph,
        title=hit.title,
        path=hit.path,
    )
    return Passage(
        chunk_id=hit.chunk_id,
        document_id=hit.document_id,
        title=hit.title or Path(hit.path).name,
        citation=citation,
        page_start=hit.page_start,
        page_end=hit.page_end,
        score=round(score, 4),
        text=hit.text,
        path=hit.path,
        section=hit.section,
        paragraph=hit.paragraph,
    )


def status(project: Project) -> dict[str, Any]:
    """Counts, failures by reason, index freshness and the last ingest, without the model.

    `index_fresh` is true only when the manifest names the settings' model and chunker AND
    the index holds exactly the store's chunks: then search answers from every passage.
    """
    conn = connect(project.store_path)
    try:
        out = store.counts(conn)
        spec = chunker_spec(project)
        model = project.settings.embed.model
        loaded = load_index(project.index_dir)
        problems: list[str] = []
        index_info: dict[str, Any] = {
            "chunks": 0,
            "model": None,
            "chunker": None,
            "written_at": None,
        }
        if loaded is None and store.chunk_rowids(conn):
            problems.append("no readable index in indexes/ (the next ingest or search rebuilds it)")
        elif loaded is not None:
            index, manifest = loaded
            index_info = {
                "chunks": len(index),
                "model": manifest.model,
                "chunker": manifest.chunker,
                "written_at": manifest.written_at,
            }
            if manifest.model != model:
                problems.append(f"index made with model {manifest.model!r}, settings say {model!r}")
            if manifest.chunker != spec:
                problems.append(
                    f"index made with chunker {manifest.chunker!r}, settings say {spec!r}"
                )
            store_ids = set(store.chunk_rowids(conn))
            index_ids = set(index.ids().tolist())
            if store_ids != index_ids:
                problems.append(
                    f"index has {len(index_ids - store_ids)} vectors the store lacks and misses "
                    f"{len(store_ids - index_ids)} chunks"
                )
        stale_chunkers = [c for c in store.chunkers_in_use(conn) if c != spec]
        if stale_chunkers:
            problems.append(f"store holds chunks made by {stale_chunkers[0]!r}")
        out["index_fresh"] = not problems
        out["index_problems"] = problems
        out["index"] = index_info
        out["model"] = model
        out["chunker"] = spec
        out["last_run"] = store.last_run(conn, "ingest")
        return out
    finally:
        conn.close()
