"""Semantic search over the ingested passages, and the project's ingest status.

Search embeds the query with the same model as the index (the manifest check guarantees it),
ranks the passages by cosine (FAISS) and by their words (BM25 over SQLite's full-text index),
fuses the two rankings (`search_rank`), and joins the hits with their documents so each
passage comes back with the citation a writer can paste: "Yulianti & Santoso (2025), § 3.
Results, ¶ 4".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from litsynth.biblio.overview import records_overview
from litsynth.coding.overview import coding_status
from litsynth.config import Project
from litsynth.embed import Embedder
from litsynth.embed.index import ChunkIndex, Manifest, load_index
from litsynth.embed.models import query_embedder
from litsynth.errors import IngestError
from litsynth.ingest.indexing import chunker_spec, ensure_index, misplaced_vectors
from litsynth.ingest.pdf import TEXT_VERSION as PDF_TEXT
from litsynth.markup import shown
from litsynth.records import OnPassage, Passage, roles_wanted
from litsynth.search_focus import Focus, focus_hits, query_marks
from litsynth.search_rank import ranking
from litsynth.store import documents as store
from litsynth.store import passages, runs
from litsynth.store.carry import old_versions
from litsynth.store.scans import read_by_older_text

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class SearchHit(OnPassage):
    """One search hit: the passage, its place in the fused ranking (`score`, 0 to 1:
    `search_rank`) and how close its vector is to the query's (`cosine`)."""

    passage: Passage
    score: float
    cosine: float = 0.0
    focus: Focus | None = None  # the sentence closest to the query (`search_focus`)
    marks: tuple[tuple[int, int], ...] = ()  # the query's words, in the shown text

    @property
    def path(self) -> str:
        return self.passage.path

    @property
    def title(self) -> str:
        """The document's title, else its file name (what a hit list shows beside the citation)."""
        return self.passage.title or Path(self.passage.path).name

    def snippet(self, width: int = SNIPPET_CHARS) -> str:
        """The passage on one line from its focus on, cut at a word boundary: the sentence
        that made it a hit, and enough after it to judge relevance."""
        text = shown(self.passage.text, self.passage.kind)
        lead = ""
        if self.focus is not None and self.focus.shown_start > 0:
            text, lead = text[self.focus.shown_start :], "… "
        flat = " ".join(text.split())
        if len(flat) <= width:
            return lead + flat
        return lead + flat[:width].rsplit(" ", 1)[0] + " …"

    def to_json(self) -> dict[str, Any]:
        """The `litsynth search --json` contract (keys in this order)."""
        p = self.passage
        return {
            "chunk_id": p.chunk_id,
            "document_id": p.document_id,
            "title": self.title,
            "citation": p.citation,
            "page_start": p.page_start,
            "page_end": p.page_end,
            "score": round(self.score, 4),
            "cosine": round(self.cosine, 4),
            "text": p.text,
            "path": p.path,
            "section": p.section,
            "paragraph": p.paragraph,
            "role": p.role,
            "shown": shown(p.text, p.kind),  # `text` without its Markdown, for a reader
            "quote": p.quote,  # “…” (Author, Year, p. N): as a writer pastes it
            "focus": self.focus.to_json() if self.focus is not None else None,
            "marks": [list(mark) for mark in self.marks],  # [start, end) into `shown`
        }


def search(
    conn: sqlite3.Connection,
    project: Project,
    query: str,
    *,
    k: int = 10,
    code: str | None = None,
    theme: str | None = None,
    embedder: Embedder | None = None,
    index: ChunkIndex | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
    attribute: tuple[str, str] | None = None,
    roles: Sequence[str] | None = None,
    per_document: int | None = None,
) -> list[SearchHit]:
    """The k passages closest to the query, best first; optionally only coded passages, and
    only documents of some years or with an attribute value (`("industry", "automotive")`),
    only passages of some roles (`("body", "abstract")`: no reference lists or front matter),
    at most `per_document` from one document (1: each paper's best passage, a list of the
    papers that speak to the query, where one long paper's neighbouring passages would
    otherwise fill the page).

    Every filter becomes one set of allowed ids that FAISS applies inside its scan (and the
    full-text query in its WHERE), so the k best of the allowed passages come back, however
    few they are.

    The caller owns the store handle (the CLI opens it per command); a server that keeps the
    embedder and the index warm passes them in, and the index is then not reloaded.
    """
    settings = project.settings
    if not store.has_chunks(conn):
        raise IngestError(
            f"the project {project.root} has no ingested passages yet",
            hint="put documents in corpus/ and run `litsynth ingest`",
        )
    embedder = embedder or query_embedder(
        settings.embed.embedder, batch_size=settings.embed.batch_size
    )
    if index is None:
        index, _ = ensure_index(project, conn, embedder)
    allowed: list[set[int]] = []
    if code is not None or theme is not None:
        chunk_ids = _coded_chunk_ids(conn, project, code, theme)
        allowed.append(set(store.rowids_for_chunk_ids(conn, chunk_ids)))
    if year_min is not None or year_max is not None or attribute is not None:
        allowed.append(set(store.rowids_of_documents(
            conn, year_min=year_min, year_max=year_max, attribute=attribute
        )))  # fmt: skip
    wanted = roles_wanted(roles) if roles else None  # None: every role
    if wanted is not None:
        allowed.append(set(store.rowids_with_roles(conn, wanted)))
    within = sorted(set.intersection(*allowed)) if allowed else None
    vector = embedder.embed([query])[0]
    hits = _ranked(conn, index, vector, query, k, per_document, within)
    focused = focus_hits(conn, embedder, vector, [h.passage for h in hits])
    return [
        replace(hit, focus=f, marks=query_marks(shown(hit.passage.text, hit.passage.kind), query))
        for hit, f in zip(hits, focused, strict=True)
    ]


def _ranked(
    conn: sqlite3.Connection,
    index: ChunkIndex,
    vector: Any,
    query: str,
    k: int,
    per_document: int | None,
    within: list[int] | None,
) -> list[SearchHit]:
    """The k best hits of the fused ranking (`search_rank`), at most `per_document` from one
    document when given. Neither ranking knows documents, so for `per_document` they are
    asked for more hits than wanted, four times more each round, until k are kept or none
    are left."""
    if per_document is not None and per_document < 1:
        raise IngestError("per_document is at least 1", hint="1 keeps each document's best")
    pool = len(index) if within is None else len(within)
    depth = max(4 * k, 100)
    while True:
        ranked = ranking(conn, index, vector, query, depth, within)
        found = passages.by_rowid(conn, [r.rowid for r in ranked])
        kept: list[SearchHit] = []
        taken: dict[str, int] = {}
        for r in ranked:
            passage = found.get(r.rowid)
            if passage is None:
                continue
            if per_document is not None:
                if taken.get(passage.document_id, 0) >= per_document:
                    continue
                taken[passage.document_id] = taken.get(passage.document_id, 0) + 1
            kept.append(SearchHit(passage, round(r.score, 4), round(r.cosine, 4)))
            if len(kept) == k:
                return kept
        if depth >= pool or per_document is None:
            return kept
        depth *= 4


def _coded_chunk_ids(
    conn: sqlite3.Connection, project: Project, code: str | None, theme: str | None
) -> set[str]:
    from litsynth.coding.codebook.filters import chunk_ids_for

    return set(chunk_ids_for(conn, project, code=code, theme=theme))


def _layout_words(manifest: Manifest) -> str:
    """ "exact", or the inverted lists with the recall they were measured to keep."""
    if manifest.kind != "ivf":
        return "exact"
    return (
        f"inverted lists ({manifest.nlist} lists, {manifest.nprobe} probed, "
        f"recall@10 {manifest.recall_at_10} against exact)"
    )


def status(conn: sqlite3.Connection, project: Project) -> dict[str, Any]:
    """Counts, failures by reason, index freshness, the last ingest and where the records
    stand (`records`), without the model.

    `index_fresh` is true only when the manifest names the settings' model and chunker AND
    the index holds exactly the store's chunks: then search answers from every passage.
    """
    out = store.counts(conn)
    spec = chunker_spec(project)
    model = project.settings.embed.embedder
    loaded = load_index(project.index_dir)
    problems: list[str] = []
    rebuild = False  # a problem only `ingest --rebuild` mends: the index's maker differs
    index_info: dict[str, Any] = {
        "chunks": 0,
        "model": None,
        "chunker": None,
        "written_at": None,
        "layout": "exact",
    }
    if loaded is None and store.has_chunks(conn):
        problems.append("no readable index in indexes/ (the next ingest or search rebuilds it)")
    elif loaded is not None:
        index, manifest = loaded
        index_info = {
            "chunks": len(index),
            "model": manifest.model,
            "chunker": manifest.chunker,
            "written_at": manifest.written_at,
            "layout": _layout_words(manifest),
        }
        if manifest.model != model:
            problems.append(f"index made with model {manifest.model!r}, settings say {model!r}")
            rebuild = True
        if manifest.chunker != spec:
            problems.append(f"index made with chunker {manifest.chunker!r}, settings say {spec!r}")
            rebuild = True
        pairs = passages.rowids_and_ids(conn)  # rowids for the id check, ids for the map's
        store_ids = {rowid for rowid, _ in pairs}
        index_ids = set(index.ids().tolist())
        if store_ids != index_ids:
            problems.append(
                f"index has {len(index_ids - store_ids)} vectors the store lacks and misses "
                f"{len(store_ids - index_ids)} chunks"
            )
        wrong = misplaced_vectors(pairs, project.index_dir, index_ids)
        if wrong:
            problems.append(
                f"{len(wrong)} vectors were made for other passages than those with their ids"
                " in the store (a store copied from another copy of the project)"
            )
    stale_chunkers = [c for c in store.chunkers_in_use(conn) if c != spec]
    if stale_chunkers:
        problems.append(f"store holds chunks made by {stale_chunkers[0]!r}")
        rebuild = True
    out["index_fresh"] = not problems
    out["index_problems"] = problems
    out["index_fix"] = (
        ""
        if not problems
        else "run `litsynth ingest --rebuild` to re-chunk and re-embed from the store"
        if rebuild
        else "the next `litsynth ingest` or `litsynth search` repairs it"
    )
    out["index"] = index_info
    out["read_by_older_reader"] = read_by_older_text(conn, "pdf", PDF_TEXT)
    out["old_versions"] = [store.kind_and_path(conn, old)[1] for old, _ in old_versions(conn)]  # type: ignore[index]
    out["records"] = records_overview(conn).to_json()
    out["coding"] = coding_status(conn, project) if store.has_chunks(conn) else None
    out["model"] = model
    out["chunker"] = spec
    last = runs.latest_run(conn, "ingest")
    out["last_run"] = (
        {k: last[k] for k in ("id", "started_at", "finished_at", "summary")} if last else None
    )
    return out
