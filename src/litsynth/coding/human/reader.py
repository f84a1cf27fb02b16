"""A document as the workspace's reader shows it: passages in reading order, each with the
machine's suggestions on it and the human codings in it (the coding stripes)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from litsynth.markup import markup_ranges, shows_markup
from litsynth.records import Coding, Passage, ReviewItem
from litsynth.store import codings as store
from litsynth.store import passages as passages_store
from litsynth.store.carry import changed_on_the_way


@dataclass(frozen=True)
class ReadingPassage:
    passage: Passage
    suggestions: tuple[ReviewItem, ...]
    codings: tuple[Coding, ...]  # as they stand (latest per code and span), not rejected
    # coding id → how alike its text was when it was carried here by its ends (store.carry)
    changed: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        p = self.passage
        return {
            "chunk_id": p.chunk_id,
            "start": p.start,
            "end": p.end,
            "text": p.text,
            # characters of `text` a reader should not see (Markdown), hidden but still counted
            "markup": markup_ranges(p.text) if shows_markup(p.kind) else [],
            "citation": p.citation,
            "page_start": p.page_start,
            "page_end": p.page_end,
            "section": p.section,
            "role": p.role,
            "suggestions": [
                {"code": s.code_id, "score": round(s.score, 3), "threshold": round(s.threshold, 3),
                 "evidence": s.evidence.summary(), "decision": s.decision}
                for s in self.suggestions
            ],
            "codings": [
                {"id": c.id, "code": c.code_id, "start": c.start, "end": c.end,
                 "status": c.status, "coder": c.coder, "changed": self.changed.get(c.id)}
                for c in self.codings
            ],
        }  # fmt: skip


def read_document(
    conn: sqlite3.Connection, document_id: str, *, coder: str | None = None
) -> list[ReadingPassage]:
    """The document's passages in order with their suggestions (and `coder`'s decisions on
    them) and the current human codings inside them."""
    passages = passages_store.covering(conn, document_id, 0, 1 << 62)
    items = store.review_items(conn, coder=coder, undecided_only=False, document=document_id)
    by_chunk: dict[str, list[ReviewItem]] = {}
    for item in items:
        by_chunk.setdefault(item.passage.chunk_id, []).append(item)
    coded: dict[str, list[Coding]] = {}
    for c in store.current_codings(conn, document_id):
        coded.setdefault(c.chunk_id, []).append(c)
    changed = changed_on_the_way(conn, document_id)
    return [
        ReadingPassage(
            p,
            tuple(sorted(by_chunk.get(p.chunk_id, ()), key=lambda i: -i.score)),
            tuple(coded.get(p.chunk_id, ())),
            {c.id: changed[c.id] for c in coded.get(p.chunk_id, ()) if c.id in changed},
        )
        for p in passages
    ]
