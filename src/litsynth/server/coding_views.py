"""The workspace's views of the coding: a quote with its citation, the relations between codes.

Each is the JSON a screen draws, built from the stage's own functions so the page shows what
the command line would (`code relate`, `code relate --confirm`, `search --json`'s quote).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Mapping
from typing import Any

from litsynth.citations.parts import part_of
from litsynth.coding.analysis.relate import confirm_relation, require_codebook, run_relate
from litsynth.coding.codebook.model import RELATION_TYPES
from litsynth.config import Project
from litsynth.errors import CodingError, LitsynthError
from litsynth.store import documents as doc_store
from litsynth.store import passages

EVIDENCE_SHOWN = 5  # passages listed under a pair; the count says how many there are


def quote_json(conn: sqlite3.Connection, chunk: str, start: str, end: str) -> dict[str, str] | None:
    """A passage, or characters start..end of it (document offsets, as text), as a writer
    quotes it, with the citation of the pages those characters are on; None for no passage."""
    passage = passages.by_chunk_id(conn, [chunk]).get(chunk)
    if passage is None:
        return None
    if start.strip() or end.strip():
        if not (start.strip().isdigit() and end.strip().isdigit()):
            raise LitsynthError("start and end are character offsets", hint="start=120&end=180")
        pages = doc_store.document_pages(conn, passage.document_id)
        passage = part_of(passage, pages, int(start), int(end))
    return {"text": passage.text, "citation": passage.citation, "quote": passage.quote}


def relations_json(conn: sqlite3.Connection, project: Project) -> dict[str, Any]:
    """The code pairs that occur together in passages (`code relate`'s first table), each with
    its statistics and evidence, the relations the codebook already holds, and the types a
    reviewer may confirm."""
    book = require_codebook(project)
    axial = run_relate(conn, project)
    pairs = [p for p in axial.code_pairs if p.level == "passage"]
    shown = {ch for p in pairs for ch in p.evidence[:EVIDENCE_SHOWN]}
    found = passages.by_chunk_id(conn, shown)

    def label(ident: str) -> str:
        element = book.get(ident)
        return element.label if element is not None else ident

    def pair(p: Any) -> dict[str, Any]:
        evidence = [
            {"chunk": ch, "document": found[ch].document_id, "citation": found[ch].citation}
            for ch in p.evidence[:EVIDENCE_SHOWN]
            if ch in found
        ]
        return {
            "a": p.a,
            "b": p.b,
            "a_label": label(p.a),
            "b_label": label(p.b),
            "n_ab": p.n_ab,
            "n_a": p.n_a,
            "n_b": p.n_b,
            "lift": p.lift,
            "q_value": p.q_value,
            "significant": p.significant,
            "existing": list(p.existing),
            "n_evidence": len(p.evidence),
            "evidence": evidence,
        }

    confirmed = [
        {**dataclasses.asdict(r), "source_label": label(r.source), "target_label": label(r.target)}
        for r in book.relations
    ]
    categories = [
        {"codes": [label(c) for c in c_.codes], "reason": c_.reason,
         "codebook_category": label(c_.codebook_category) if c_.codebook_category else None}
        for c_ in axial.categories
        if len(c_.codes) > 1
    ]  # fmt: skip
    return {
        "n_passages": axial.n_passages,
        "types": list(RELATION_TYPES),
        "pairs": [pair(p) for p in pairs],
        "confirmed": confirmed,
        "categories": categories,  # codes whose passages read alike (`code relate`'s proposal)
    }


def confirm_json(
    conn: sqlite3.Connection, project: Project, body: Mapping[str, object], reviewer: str
) -> dict[str, Any]:
    """`code relate --confirm SOURCE TARGET TYPE [--weight W]` from a JSON body."""
    weight = body.get("weight")
    if weight is not None and not isinstance(weight, int | float):
        raise CodingError("weight is a number", hint='"weight": 0.8, or leave it out')
    relation, path = confirm_relation(
        conn,
        project,
        str(body.get("source", "")),
        str(body.get("target", "")),
        str(body.get("type", "")),
        weight=float(weight) if weight is not None else None,
        reviewer=reviewer,
    )
    shown = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    return {"relation": dataclasses.asdict(relation), "file": str(shown)}
