"""Carry a reviewer's work from one reading of a document onto the next.

Codings point at passages by character offsets, so a new reading of a file (a better parser:
glued words split, headers taken out of paragraphs; or a new version of the paper in its place)
would leave them pointing at text that is no longer there. Ingest used to keep the old reading
whole instead, so a replaced paper showed twice in search and in the matrices, and a parser's
improvements never reached a paper anyone had coded.

Here each coding's span is found by its words in the new text (ingest.anchor) and moved to the
passage that now holds it; memos on a passage follow it the same way; memos on the document and
record links follow the document. A coding whose words are gone is not guessed at: it stays
where it was, and the report quotes it. Pure: store.carry reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litsynth.ingest.anchor import Letters, Placed, best_overlap, letters, place
from litsynth.store.carry import Held, Moved

WHOLE = 0.9  # a whole-passage coding takes its new passage when they share this much


@dataclass(frozen=True)
class Left:
    """A coding or memo whose words are not in the new text, quoted for the reviewer."""

    kind: str
    item_id: str
    code_id: str
    quote: str


@dataclass
class Plan:
    moves: list[Moved] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Moves placed by their ends, not word for word."""
        return sum(m.similarity < 1.0 for m in self.moves)


def plan(
    old: Held, new_document: str, new_text: str, new_chunks: list[tuple[str, int, int]]
) -> Plan:
    """Where each of old's codings and memos goes in the new reading."""
    out = Plan()
    before, after = letters(old.text), letters(new_text)
    spans = {chunk_id: (start, end) for chunk_id, start, end in old.chunks}
    went = _passages(spans, before, after, new_chunks)
    for coding in old.codings:
        found = place(before, after, coding.start, coding.end)
        chunk = None if found is None else _chunk_for(found, went.get(coding.chunk_id), new_chunks)
        if found is None or chunk is None:
            quote = old.text[coding.start : coding.end]
            out.left.append(Left("coding", coding.id, coding.code_id, quote))
            continue
        whole = spans.get(coding.chunk_id) == (coding.start, coding.end)
        span = _span(found, _bounds(chunk, new_chunks), whole=whole)
        out.moves.append(
            Moved("coding", coding.id, coding.chunk_id, chunk, (coding.start, coding.end), span,
                  found.similarity)
        )  # fmt: skip
    for memo_id, target in old.memos:
        if target == old.document_id:
            out.moves.append(Moved("memo", memo_id, target, new_document, None, None, 1.0))
            continue
        if target in went:
            chunk, similarity = went[target]
            out.moves.append(Moved("memo", memo_id, target, chunk, None, None, similarity))
        else:  # its passage is gone: the memo stays with the document
            out.moves.append(Moved("memo", memo_id, target, new_document, None, None, 0.0))
    return out


def _passages(
    spans: dict[str, tuple[int, int]],
    before: Letters,
    after: Letters,
    new_chunks: list[tuple[str, int, int]],
) -> dict[str, tuple[str, float]]:
    """Where each old passage went: the new passage that holds most of its words. Passages
    overlap, so a coding inside one goes with the passage rather than to a neighbour."""
    out: dict[str, tuple[str, float]] = {}
    for chunk_id, (start, end) in spans.items():
        found = place(before, after, start, end)
        chunk = None if found is None else best_overlap(found.start, found.end, new_chunks)
        if found is not None and chunk is not None:
            out[chunk_id] = (chunk, found.similarity)
    return out


def _chunk_for(
    found: Placed, passage: tuple[str, float] | None, new_chunks: list[tuple[str, int, int]]
) -> str | None:
    """The passage a placed coding belongs to: where its old passage went, if it lies there."""
    if passage is not None:
        start, end = _bounds(passage[0], new_chunks)
        if start <= found.start and found.end <= end:
            return passage[0]
    return best_overlap(found.start, found.end, new_chunks)


def _bounds(chunk_id: str, chunks: list[tuple[str, int, int]]) -> tuple[int, int]:
    return next((s, e) for i, s, e in chunks if i == chunk_id)


def _span(found: Placed, bounds: tuple[int, int], *, whole: bool) -> tuple[int, int]:
    """The coding's new span: the words it coded, or its new passage if it coded a whole one
    and the two nearly coincide. A span wider than its passage stays whole, as `code add`
    records one (coding.human.review.choose_passage)."""
    shared = min(found.end, bounds[1]) - max(found.start, bounds[0])
    longer = max(found.end - found.start, bounds[1] - bounds[0])
    if whole and shared >= WHOLE * longer:
        return bounds
    return found.start, found.end
