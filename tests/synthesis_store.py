"""A store with documents, chunks and codings written by small SQL, for the synthesis tests.

The synthesis reads what ingest and coding wrote; these helpers write the same rows directly,
so the tests do not depend on a parser or a model.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

from litsynth.records import bytes_id, content_id
from litsynth.store.db import connect

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "synthesis"
SEED_000 = FIXTURES / "seed000_excerpt.txt"


class StoreBuilder:
    """Writes documents, pages, chunks, suggestions and human codings into a fresh store."""

    def __init__(self, path: Path) -> None:
        self.conn: sqlite3.Connection = connect(path)
        self._seq = 0

    def document(
        self,
        text: str,
        *,
        path: str,
        kind: str = "text",
        authors: tuple[str, ...] = (),
        year: int | None = None,
        title: str = "",
        attributes: dict[str, str] | None = None,
        page_breaks: tuple[int, ...] = (),
    ) -> str:
        """Insert a document; `page_breaks` are the offsets where pages 2, 3, … begin."""
        doc_id = bytes_id(text.encode("utf-8") + path.encode())
        self.conn.execute(
            "INSERT INTO documents"
            " (id, path, kind, text, title, authors, year, attributes, n_pages)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                path,
                kind,
                text,
                title,
                json.dumps(list(authors)),
                year,
                json.dumps(attributes or {}),
                len(page_breaks) + 1,
            ),
        )
        bounds = [0, *page_breaks, len(text)]
        for number, (start, end) in enumerate(itertools.pairwise(bounds), start=1):
            self.conn.execute(
                "INSERT INTO pages (document_id, number, start, end, label)"
                " VALUES (?, ?, ?, ?, '')",
                (doc_id, number, start, end),
            )
        return doc_id

    def page_of(self, doc_id: str, offset: int) -> int:
        row = self.conn.execute(
            "SELECT number FROM pages WHERE document_id = ? AND start <= ? AND end > ?",
            (doc_id, offset, offset),
        ).fetchone()
        return int(row[0]) if row else 1

    def chunk(
        self, doc_id: str, start: int, end: int, *, section: str = "", paragraph: int | None = None
    ) -> str:
        text = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        chunk_id = content_id(doc_id, start, end)
        ordinal = self.conn.execute(
            "SELECT COUNT(*) FROM chunks WHERE document_id = ?", (doc_id,)
        ).fetchone()[0]
        self.conn.execute(
            "INSERT INTO chunks (id, document_id, ordinal, start, end, text, page_start, page_end,"
            " n_tokens, section, paragraph) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chunk_id,
                doc_id,
                ordinal,
                start,
                end,
                text[start:end],
                self.page_of(doc_id, start),
                self.page_of(doc_id, max(start, end - 1)),
                len(text[start:end].split()),
                section,
                paragraph,
            ),
        )
        return chunk_id

    def suggest(
        self, chunk_id: str, code_id: str, *, score: float = 0.9, threshold: float = 0.5
    ) -> None:
        self.conn.execute(
            "INSERT INTO suggestions (chunk_id, code_id, score, threshold, model, codebook_version)"
            " VALUES (?, ?, ?, ?, 'hash-384+centroid.v1', 'test')",
            (chunk_id, code_id, score, threshold),
        )

    def code(
        self,
        chunk_id: str,
        code_id: str,
        *,
        start: int | None = None,
        end: int | None = None,
        coder: str = "ana",
        status: str = "accepted",
        memo: str = "",
    ) -> None:
        row = self.conn.execute(
            "SELECT document_id, start, end FROM chunks WHERE id = ?", (chunk_id,)
        ).fetchone()
        start = row["start"] if start is None else start
        end = row["end"] if end is None else end
        self._seq += 1
        at = f"2026-11-20T10:{self._seq // 60:02d}:{self._seq % 60:02d}Z"
        self.conn.execute(
            "INSERT INTO codings"
            " (id, chunk_id, document_id, code_id, start, end, coder, at, status, memo)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                content_id(chunk_id, code_id, start, end, coder, at),
                chunk_id,
                row["document_id"],
                code_id,
                start,
                end,
                coder,
                at,
                status,
                memo,
            ),
        )

    def memo(self, target: str, text: str, *, author: str = "ana") -> None:
        self.conn.execute(
            "INSERT INTO memos (id, target, author, at, text)"
            " VALUES (?, ?, ?, '2026-11-20T11:00:00Z', ?)",
            (content_id(target, text), target, author, text),
        )


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line separated paragraph: simple chunks for tests."""
    spans = []
    pos = 0
    for block in text.split("\n\n"):
        start = text.index(block, pos) if block else pos
        pos = start + len(block)
        if block.strip():
            lead = len(block) - len(block.lstrip())
            spans.append((start + lead, start + len(block.rstrip())))
    return spans


def synthesis_project(root: Path, *, source: str = "human") -> Path:
    """A project folder around `demo_store`: the fixture codebook, the hash embedder and
    `[synthesis] source`."""
    import shutil

    (root / "codebook").mkdir(parents=True)
    shutil.copy(FIXTURES / "codebook.yaml", root / "codebook" / "codebook.yaml")
    (root / "litsynth.toml").write_text(
        '[project]\nname = "t"\n\n[embed]\nmodel = "hash-384"\n\n'
        f'[synthesis]\nsource = "{source}"\n',
        encoding="utf-8",
    )
    demo_store(root / "litsynth.db").conn.close()
    return root


def demo_store(path: Path) -> StoreBuilder:
    """Three documents (one being seed 000's excerpt with its reference list), coded partly by
    machine and partly by a human, with a passage that carries two codes of one theme."""
    b = StoreBuilder(path)
    seed = SEED_000.read_text(encoding="utf-8")
    d1 = b.document(
        seed,
        path="corpus/000_excerpt.txt",
        authors=("Yulianti, Grace", "Santoso, Seger"),
        year=2025,
        attributes={"source_type": "conceptual", "industry": "cross-industry"},
    )
    paras = paragraphs(seed)
    chunks = [
        b.chunk(d1, s, e, section="4. Results", paragraph=i + 1) for i, (s, e) in enumerate(paras)
    ]
    # keywords pick the codes, like a crude classifier would
    for chunk_id, (s, e) in zip(chunks, paras, strict=True):
        text = seed[s:e].lower()
        if text.startswith("- ") or "## references" in text:
            continue
        if "platform" in text:
            b.suggest(chunk_id, "digital-platform", score=0.8)
        if "data" in text or "protocol" in text:
            b.suggest(chunk_id, "data-sharing", score=0.7)
        if "reconfigur" in text or "recombination" in text:
            b.suggest(chunk_id, "resource-recombination", score=0.75)
        if "ecosystem" in text:
            b.suggest(chunk_id, "relational-governance", score=0.65)
        if "literature review" in text:
            b.suggest(chunk_id, "method", score=0.6)

    pdf_text = (
        "Orchestrators use a digital platform to coordinate suppliers [3]. "
        "Data sharing across the platform synchronises planning [1, 2].\f"
        "Resources are recombined when demand shifts [4-5]. See also (2023) and (p. 5).\f"
        "References\n[1] Cao, M., & Zhang, Q. (2011). Supply chain collaboration.\n"
        "[2] Phadnis, S. S. (2023). Creating value through orchestration.\n"
        "[3] Amit, R., & Han, X. (2017). Value creation through novel resource configurations.\n"
        "[4] Teece, D. J. (2010). Business models.\n"
    )
    p2, p3 = pdf_text.index("\f") + 1, pdf_text.index("\f", pdf_text.index("\f") + 1) + 1
    d2 = b.document(
        pdf_text,
        path="corpus/phadnis-like.pdf",
        kind="pdf",
        authors=("Phadnis, Shardul",),
        year=2023,
        # ingest's note on the PDF it repaired (records.PARSE_NOTES): not an attribute
        attributes={
            "source_type": "empirical",
            "industry": "apparel; agritech",
            "page_numbers_removed": "2",
        },
        page_breaks=(p2, p3),
    )
    c21 = b.chunk(d2, 0, p2 - 1)
    c22 = b.chunk(d2, p2, p3 - 1)
    c23 = b.chunk(d2, 40, p3 - 1)  # overlaps both: spans the page break
    b.code(c21, "digital-platform")
    b.code(
        c21,
        "data-sharing",
        start=pdf_text.index("Data sharing"),
        end=p2 - 1,
        memo="data is the glue",
    )
    b.code(c22, "resource-recombination", coder="ben")
    b.code(c23, "resource-recombination", coder="ben")
    b.suggest(c22, "relational-governance", score=0.9)
    b.code(c22, "relational-governance", status="rejected")  # human says no: must not count

    d3 = b.document(
        "A practitioner note on orchestration without citations.\n\nEcosystem partners align.",
        path="corpus/note.txt",
        title="What is supply chain orchestration?",
        attributes={"source_type": "practitioner"},
    )
    c31 = b.chunk(d3, 0, 55, section="Overview", paragraph=1)
    b.chunk(d3, 57, 82, section="Overview", paragraph=2)  # never coded: a zero row must stay
    b.suggest(c31, "method", score=0.3, threshold=0.5)  # below threshold: not coded
    b.memo(c21, "Platform passage worth quoting in the report.")
    b.memo("digital-platform", "Keep platform distinct from data sharing.")
    return b
