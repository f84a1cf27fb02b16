"""A small synthetic review for the open/axial/selective coding tests (imported by them).

Three documents × 16 passages over four topics with distinct vocabularies, so the hash-384
test embedder (shared words → shared dimensions) separates them: platform coordination,
resource reconfiguration and SMEs going global are in the codebook; sustainability is not, so
open coding must report it as new. Codings are written as human "added" decisions.
"""

from __future__ import annotations

import json
from pathlib import Path

from litsynth.records import Chunk, Document, Page, content_id
from litsynth.store.db import connect, transaction
from litsynth.store.documents import insert_document

TOPICS = {
    "platform": [
        "The digital platform connects suppliers and buyers through shared data.",
        "Platform protocols synchronise partners without hierarchical control.",
        "A shared platform lets the orchestrator coordinate many independent partners.",
        "Partners exchange orders on the platform using common data standards.",
        "The platform marketplace matches supply and demand across the network of partners.",
        "Shared data on the platform gives partners visibility of orders and stock.",
    ],
    "resources": [
        "Firms reconfigure resources and capabilities when markets shift.",
        "Redeploying assets and recombining capabilities creates new value from resources.",
        "Dynamic capabilities let firms reconfigure existing resources under uncertainty.",
        "Resource reconfiguration means recombining assets rather than buying new ones.",
        "Managers redeploy capabilities and assets across units to sense and seize change.",
        "Reconfiguring resources quickly is the core of a dynamic capability.",
    ],
    "sme": [
        "Small and medium enterprises use digital tools to reach global suppliers.",
        "SMEs access global markets without upfront capital by renting services.",
        "Small firms orchestrate global value chains with cloud software and freelancers.",
        "Digital discovery lets an SME find global manufacturers in small transactions.",
        "Medium enterprises outsource production to global suppliers found online.",
        "An SME founder orchestrates design, manufacturing and sales across borders.",
    ],
    "sustainability": [
        "Sustainability goals require lower emissions and greener transport.",
        "Circular packaging and recycled materials cut the carbon footprint.",
        "Emissions reporting pushes suppliers towards renewable energy.",
        "Green logistics reduce carbon emissions along the transport routes.",
        "Circular economy programmes reuse packaging and recycled materials.",
        "Carbon footprint targets make emissions a purchasing criterion.",
    ],
}
TOPIC_CODES = {
    "platform": "platform-coordination",
    "resources": "resource-reconfiguration",
    "sme": "sme-global",
}
AUTHORS = [("Phadnis, Shardul",), ("Yulianti, Grace", "Santoso, Seger"), ("Kamal, Muhammad",)]
CODEBOOK = """\
themes:
  - id: value-creation
    label: Value creation through orchestration
  - id: actors
    label: Who orchestrates
categories:
  - id: mechanisms
    label: Orchestration mechanisms
    theme: value-creation
  - id: orchestrators
    label: Orchestrators
    theme: actors
codes:
  - id: platform-coordination
    label: Platform coordination
    parent: mechanisms
    definition: Coordination of partners through a shared digital platform and shared data.
    keywords: [platform, shared data, partners]
  - id: resource-reconfiguration
    label: Resource reconfiguration
    parent: mechanisms
    definition: Firms reconfigure and recombine resources, assets and capabilities.
    keywords: [reconfigure, capabilities, assets]
  - id: sme-global
    label: SMEs orchestrating globally
    parent: orchestrators
    definition: Small and medium enterprises orchestrate global value chains with digital tools.
    keywords: [SME, global, small firms]
"""


def passage_text(topic: str, doc: int, i: int) -> str:
    """Three sentences of one topic; which three depends on the document and position."""
    pool = TOPICS[topic]
    return " ".join(pool[(doc + i + j * 2) % len(pool)] for j in range(3))


def build(root: Path, *, with_codings: bool = True, codebook: bool = True) -> dict[str, list[str]]:
    """Fill the project at `root`: store, chunks and (optionally) codings and codebook.

    Returns topic → chunk ids, so tests can check clusters against the truth.
    """
    if codebook:
        (root / "codebook" / "test.yaml").write_text(CODEBOOK, encoding="utf-8")
    by_topic: dict[str, list[str]] = {t: [] for t in TOPICS}
    conn = connect(root / "litsynth.db")
    topics = list(TOPICS)
    with transaction(conn):
        for d in range(3):
            texts = [(topics[i % 4], passage_text(topics[i % 4], d, i // 4)) for i in range(16)]
            if d == 0:  # one cited work, for the per-theme cited works
                texts[0] = (
                    texts[0][0],
                    texts[0][1] + " Platforms orchestrate partners (Phadnis, 2023).",
                )
            full = "\n\n".join(t for _, t in texts)
            doc_id = content_id("doc", d)
            chunks, start = [], 0
            for i, (topic, text) in enumerate(texts):
                end = start + len(text)
                chunk = Chunk(
                    content_id(doc_id, start, end),
                    doc_id,
                    i,
                    start,
                    end,
                    text,
                    1 + i // 4,
                    1 + i // 4,
                    40,
                )
                chunks.append(chunk)
                by_topic[topic].append(chunk.id)
                start = end + 2
            pages = tuple(Page(p + 1, 0, len(full)) for p in range(4))
            document = Document(
                doc_id, f"corpus/d{d}.pdf", "pdf", full, pages, f"Doc {d}", AUTHORS[d], 2020 + d
            )
            insert_document(conn, document, chunks, chunker="test.v1")
            if with_codings:
                for chunk, (topic, _) in zip(chunks, texts, strict=True):
                    code = TOPIC_CODES.get(topic)
                    if code:
                        _code(conn, chunk, code)
                    # Platform and resources co-occur in every other platform passage.
                    if topic == "platform" and chunk.ordinal % 8 == 0:
                        _code(conn, chunk, "resource-reconfiguration")
    conn.close()
    return by_topic


def _code(conn, chunk: Chunk, code: str) -> None:  # type: ignore[no-untyped-def]
    at = "2026-01-01T00:00:00+00:00"
    conn.execute(
        "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
        " VALUES (?, ?, ?, ?, ?, ?, 'tester', ?, 'added')",
        (content_id(chunk.id, code), chunk.id, chunk.document_id, code, chunk.start, chunk.end, at),
    )


def test_builder_makes_what_the_other_tests_assume(project: Path) -> None:
    by_topic = build(project)
    conn = connect(project / "litsynth.db")
    n_chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    coded = conn.execute("SELECT COUNT(DISTINCT chunk_id) FROM effective_codings").fetchone()[0]
    authors = json.loads(conn.execute("SELECT authors FROM documents ORDER BY year").fetchone()[0])
    conn.close()
    assert n_chunks == 48 and {len(v) for v in by_topic.values()} == {12}
    assert coded == 36  # everything but sustainability
    assert authors == ["Phadnis, Shardul"]
