"""A small coded project for the review tests: two documents, four chunks, seven suggestions.

Documents go in through the ingest store's own `insert_document`; machine suggestions through
a little SQL, as `code suggest` would leave them (the review stage only reads them).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from litsynth.config import open_project
from litsynth.ingest.incremental import chunker_spec
from litsynth.records import Chunk, Document, Page, bytes_id, content_id
from litsynth.store.db import connect
from litsynth.store.documents import insert_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"

PDF_TEXT = (
    "The orchestrator sets rules that every partner must follow. "
    "A platform governs access for all members.\n\n"
    "The network captures value from pooled demand and members gain lower costs.\n\n"
    "Data were collected through interviews with twelve firms."
)
TXT_TEXT = (
    "Findings\n\nA shared digital platform links carriers and shippers. "
    "Standards set by the hub bind every member."
)


@dataclass(frozen=True)
class Seeded:
    root: Path
    pdf: str  # document ids
    txt: str
    c1: str  # chunk ids: PDF page 1 (rules + platform), page 2 (value), page 2 (method)
    c2: str
    c3: str
    d1: str  # the text document's one chunk


def _chunk(doc: Document, ordinal: int, start: int, end: int, page: int, **kw: object) -> Chunk:
    return Chunk(
        id=content_id(doc.id, start, end),
        document_id=doc.id,
        ordinal=ordinal,
        start=start,
        end=end,
        text=doc.text[start:end],
        page_start=page,
        page_end=page,
        n_tokens=len(doc.text[start:end].split()),
        **kw,  # type: ignore[arg-type]
    )


def seed(root: Path) -> Seeded:
    """Fill the `project` fixture's folder: codebook, documents, chunks, suggestions."""
    shutil.copy(FIXTURES / "codebook.yaml", root / "codebook" / "codebook.yaml")
    p1_end = PDF_TEXT.index("\n\n")
    p2_start = p1_end + 2
    p2_end = PDF_TEXT.index("\n\n", p2_start)
    pdf = Document(
        id=bytes_id(PDF_TEXT.encode()),
        path="corpus/phadnis.pdf",
        kind="pdf",
        text=PDF_TEXT,
        pages=(Page(1, 0, p1_end), Page(2, p2_start, len(PDF_TEXT))),
        title="Orchestrating supply networks",
        authors=("Phadnis, Shardul",),
        year=2023,
    )
    txt_start = TXT_TEXT.index("A shared")
    txt = Document(
        id=bytes_id(TXT_TEXT.encode()),
        path="corpus/yulianti.txt",
        kind="text",
        text=TXT_TEXT,
        pages=(Page(1, 0, len(TXT_TEXT), "Findings"),),
        authors=("Yulianti, Ani", "Santoso, Budi"),
        year=2025,
    )
    c1 = _chunk(pdf, 0, 0, p1_end, 1)
    c2 = _chunk(pdf, 1, p2_start, p2_end, 2)
    c3 = _chunk(pdf, 2, p2_end + 2, len(PDF_TEXT), 2)
    d1 = _chunk(txt, 0, txt_start, len(TXT_TEXT), 1, section="Findings", paragraph=1)
    # The settings' chunker name, so search accepts these chunks as its own.
    chunker = chunker_spec(open_project(root))
    conn = connect(root / "litsynth.db")
    try:
        with conn:
            insert_document(conn, pdf, [c1, c2, c3], chunker=chunker)
            insert_document(conn, txt, [d1], chunker=chunker)
        suggestions = [
            # chunk, code, score, threshold, evidence
            (c1.id, "rule-setting", 0.82, 0.5, {"keywords": ["rules"], "nearest": {
                "text": "The orchestrator sets rules that partners must follow.",
                "kind": "definition", "similarity": 0.71}}),
            (c1.id, "platform", 0.61, 0.5, {"keywords": ["platform"]}),
            (c2.id, "value-capture", 0.74, 0.5, {"keywords": ["value", "costs"]}),
            (c2.id, "platform", 0.30, 0.5, {}),  # below threshold: not suggested
            (c3.id, "method", 0.55, 0.5, {"keywords": ["interviews"]}),
            (d1.id, "platform", 0.90, 0.5, {"keywords": ["platform"]}),
            (d1.id, "rule-setting", 0.40, 0.5, {"keywords": ["standards"]}),
        ]  # fmt: skip
        insert_suggestions(conn, suggestions)
    finally:
        conn.close()
    return Seeded(root, pdf.id, txt.id, c1.id, c2.id, c3.id, d1.id)


def insert_suggestions(
    conn: sqlite3.Connection, rows: list[tuple[str, str, float, float, dict[str, object]]]
) -> None:
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO suggestions(chunk_id, code_id, score, threshold, model,"
            " codebook_version, evidence) VALUES (?, ?, ?, ?, 'test-model', 'v1', ?)",
            [(c, code, s, t, json.dumps(e)) for c, code, s, t, e in rows],
        )
