"""The shell around review: check decisions against the codebook and the store, then append.

`litsynth.coding.human.review` decides what a decision means (pure); this module binds it to a
project: it loads the codebook the ids must come from, resolves spans against the stored
document text, and appends to the codings log in one transaction per call, so a decision the
terminal loop records is on disk before the next passage is shown (the loop is resumable).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook, did_you_mean
from litsynth.coding.human.agreement import ProjectAgreement, machine_agreement
from litsynth.coding.human.review import (
    ReviewDecision,
    check_code,
    check_span,
    choose_passage,
    codings_for,
    find_quote,
    make_memo,
    now_utc,
    order_items,
)
from litsynth.coding.machine.learn import QueueEntry, review_queue_order
from litsynth.config import Project
from litsynth.errors import CodingError
from litsynth.records import Coding, Memo, ReviewItem
from litsynth.store import codings as store
from litsynth.store.db import transaction
from litsynth.store.report import document_text

CHUNK_HINT = "chunk ids are in the chunk_id column of `litsynth code export-sheet`"


def codebook_of(project: Project) -> Codebook:
    return project_codebook(project)


def review_queue(
    conn: sqlite3.Connection,
    *,
    code: str | None = None,
    coder: str,
    near_misses: bool = False,
    by_score: bool = False,
    book: Codebook | None = None,
) -> list[ReviewItem]:
    """Suggestions the coder has not decided yet, most informative first.

    Most informative = active learning's uncertainty order (`learn.review_queue_order`): the
    suggestions whose score is closest to their code's threshold, where one human decision
    teaches the classifier most. `by_score` runs best-first instead (a quick pass over the
    surest suggestions). `near_misses` adds the stored suggestions below threshold (each
    passage's best code), which the uncertainty order puts among the first. With `book`, an
    unknown `code` is an error with a close match (not an empty queue that looks finished).
    """
    if code is not None and book is not None:
        code = check_code(code, set(book.codes) | store.used_code_ids(conn))
    items = store.review_items(conn, code=code, coder=coder, suggested_only=not near_misses)
    if by_score:
        return order_items(items)
    entries = [QueueEntry(i.passage.chunk_id, i.code_id, i.score, i.threshold) for i in items]
    return order_items(items, review_queue_order(entries))


def record(
    conn: sqlite3.Connection,
    decisions: Sequence[ReviewDecision],
    *,
    coder: str,
    at: str | None = None,
) -> list[Coding]:
    """Append the codings the decisions stand for, all or none; returns the rows written."""
    at = at or now_utc()
    rows = [c for d in decisions for c in codings_for(d, coder=coder, at=at)]
    documents = {d.chunk_id: d.document_id for d in decisions}
    with transaction(conn):
        store.append_codings(conn, rows, documents)
    return rows


def decide(
    conn: sqlite3.Connection,
    book: Codebook,
    item: ReviewItem,
    action: str,
    *,
    coder: str,
    new_code: str = "",
    memo: str = "",
) -> list[Coding]:
    """Accept, reject or change one suggestion (the terminal loop's keys a / r / c)."""
    if action == "change":
        new_code = check_code(new_code, book.codes, what="new code")
    decision = ReviewDecision(
        action=action,
        chunk_id=item.passage.chunk_id,
        document_id=item.passage.document_id,
        code_id=item.code_id,
        start=item.passage.start,
        end=item.passage.end,
        new_code=new_code,
        memo=memo,
        suggestion_score=item.score,
    )
    return record(conn, [decision], coder=coder)


def add_coding(
    conn: sqlite3.Connection,
    book: Codebook,
    code: str,
    *,
    coder: str,
    chunk: str | None = None,
    document: str | None = None,
    start: int | None = None,
    end: int | None = None,
    quote: str | None = None,
    memo: str = "",
) -> Coding:
    """Code a span by hand: a whole chunk, a quote inside it, or document offsets.

    The span is checked against the stored text -- inside the document, inside the chunk when
    a chunk is named, the quote present exactly once -- so a coding always points at real text.
    """
    code = check_code(code, book.codes)
    if quote and (start is not None or end is not None):
        raise CodingError(
            "give the span as a quote or as offsets, not both",
            hint="drop --start/--end, or drop --quote",
        )
    if chunk is not None:
        passage = store.passages(conn, [chunk]).get(chunk)
        if passage is None:
            raise CodingError(f"no passage with chunk id {chunk!r}", hint=CHUNK_HINT)
        if quote:
            start, end = find_quote(passage.text, quote, offset=passage.start)
        start = passage.start if start is None else start
        end = passage.end if end is None else end
        check_span(start, end, lower=passage.start, upper=passage.end, where=f"chunk {chunk}")
    else:
        if document is None:
            raise CodingError(
                "say where to code: --chunk ID, or --document ID with --start/--end or --quote",
                hint="chunk ids are in `litsynth code export-sheet` and search results",
            )
        length = store.document_length(conn, document)
        if length is None:
            known = store.document_ids(conn)
            raise CodingError(
                f"no document {document!r}{did_you_mean(document, known)}",
                hint="the document column of `litsynth code export-sheet` holds document ids",
            )
        if quote:
            start, end = _quote_in_document(conn, document, quote)
        if start is None or end is None:
            raise CodingError(
                f"a span in document {document} needs --start and --end (or --quote)",
                hint="offsets are character positions in the document's text",
            )
        check_span(start, end, lower=0, upper=length, where=f"document {document}")
        passage = choose_passage(store.passages_covering(conn, document, start, end), start, end)
    decision = ReviewDecision(
        "add", passage.chunk_id, passage.document_id, code, start, end, memo=memo
    )
    return record(conn, [decision], coder=coder)[0]


def _quote_in_document(conn: sqlite3.Connection, document: str, quote: str) -> tuple[int, int]:
    return find_quote(document_text(conn, document), quote)


def write_memo(
    conn: sqlite3.Connection, book: Codebook | None, target: str, text: str, *, author: str
) -> Memo:
    """A memo on a passage (chunk id), a code/category/theme id, or a document id."""
    known_code = book is not None and book.get(target) is not None
    if (
        not known_code
        and not store.chunk_exists(conn, target)
        and store.document_length(conn, target) is None
    ):
        choices = [*book.codes, *book.categories, *book.themes] if book else []
        raise CodingError(
            f"no passage, document or code {target!r}{did_you_mean(target, choices)}",
            hint="a memo's target is a chunk id, a document id, or a codebook id",
        )
    memo = make_memo(target, author, text, at=now_utc())
    with transaction(conn):
        store.insert_memo(conn, memo)
    return memo


def project_agreement(conn: sqlite3.Connection, *, coder: str | None = None) -> ProjectAgreement:
    """`litsynth code agreement`: machine suggestions against the reviewer's decisions."""
    cells = store.agreement_cells(conn, coder=coder)
    if not any(c.human is not None for c in cells):
        raise CodingError(
            "no human decisions yet" + (f" by {coder!r}" if coder else ""),
            hint="review some suggestions first: `litsynth code review` or `code import-sheet`",
        )
    return machine_agreement(cells)
