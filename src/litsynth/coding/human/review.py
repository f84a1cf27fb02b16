"""Human review of coding: the decisions a reviewer makes and the records they become.

A reviewer accepts or rejects a machine suggestion, changes it (reject it and add another code
on the same span), adds a code by hand to any span, or writes a memo. Each decision becomes one
or two `Coding` rows appended to the store's log with the coder's name and the time in UTC;
nothing here overwrites anything, so a later `code suggest` run (which replaces only machine
suggestions) can never undo a person's judgement, and the log shows who changed their mind.

This module is pure: it turns typed inputs into typed records and raises `CodingError` with a
message naming the value at fault. The store, the terminal loop and the CSV sheet call it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from litsynth.coding.codebook.model import did_you_mean
from litsynth.errors import CodingError
from litsynth.markup import plain_with_offsets
from litsynth.records import READ_BY_DEFAULT, Coding, Memo, Passage, ReviewItem, content_id
from litsynth.records import one_line as _one_line

ACTIONS = ("accept", "reject", "change", "add")

# What people type in a spreadsheet's decision column. 1/0 is the asked-for short form; y/n and
# true/false are what Excel users reach for; the one-letter keys match the terminal loop.
_ACTION_WORDS = {
    "accept": "accept", "accepted": "accept", "a": "accept", "1": "accept", "yes": "accept",
    "y": "accept", "true": "accept", "x": "accept",
    "reject": "reject", "rejected": "reject", "r": "reject", "0": "reject", "no": "reject",
    "n": "reject", "false": "reject",
    "change": "change", "changed": "change", "c": "change",
    "add": "add", "added": "add",
}  # fmt: skip

# Store status -> the word the sheet shows for it (so an exported decision re-imports as itself).
STATUS_ACTION = {"accepted": "accept", "rejected": "reject", "added": "add"}


def now_utc() -> str:
    """ISO 8601 UTC to the millisecond: two decisions a reviewer makes in one second stay apart."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def order_items(
    items: Sequence[ReviewItem], ranking: Sequence[tuple[str, str]] | None = None
) -> list[ReviewItem]:
    """Items in the active-learning ranking's order (most informative first), then by score.

    A ranking may name only some items (e.g. one code has a classifier, another does not yet):
    those come first in its order, the rest follow by descending score, ties broken by id so
    the queue is the same on every run.
    """
    position = {key: n for n, key in enumerate(ranking or ())}
    return sorted(
        items,
        key=lambda item: (
            position.get(item.key, len(position)),
            -item.score,
            item.passage.chunk_id,
            item.code_id,
        ),
    )


def keyword_spans(text: str, keywords: Iterable[str]) -> list[tuple[int, int]]:
    """Where the keywords occur in `text` (case-insensitive, whole words), merged and sorted.

    Whole words, so 'rule' does not light up inside 'overrule'; a trailing '*' in a keyword
    ('orchestrat*') matches any word ending, as in the codebooks' keyword lists.
    """
    spans: list[tuple[int, int]] = []
    for word in keywords:
        word = word.strip()
        if not word:
            continue
        stem = word.endswith("*")
        body = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        pattern = rf"(?<!\w){body}\w*" if stem else rf"(?<!\w){body}(?!\w)"
        spans += [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class ReviewDecision:
    """What a reviewer decided about one span; `codings_for` turns it into log rows."""

    action: str  # one of ACTIONS
    chunk_id: str
    document_id: str
    code_id: str
    start: int  # document offsets
    end: int
    new_code: str = ""  # for "change": the code that replaces `code_id`
    memo: str = ""
    suggestion_score: float | None = None


def parse_action(cell: str) -> str | None:
    """'accept'/'1'/'y' -> 'accept', ... ; '' -> None (undecided); anything else -> CodingError."""
    word = cell.strip().lower()
    if not word:
        return None
    if word in _ACTION_WORDS:
        return _ACTION_WORDS[word]
    raise CodingError(
        f"unknown decision {cell.strip()!r}{did_you_mean(word, ACTIONS)}",
        hint="write accept, reject, change or add (or 1 for accept, 0 for reject)",
    )


def check_code(code_id: str, known: Collection[str], *, what: str = "code") -> str:
    """The code id, trimmed, if the codebook has it; else CodingError with a close match."""
    code_id = code_id.strip()
    if not code_id:
        raise CodingError(f"no {what} given", hint="write a code id from the codebook")
    if code_id not in known:
        raise CodingError(
            f"unknown {what} {code_id!r}{did_you_mean(code_id, known)}",
            hint="use a code id from the codebook (the `id:` of a code in codebook/*.yaml)",
        )
    return code_id


def check_span(start: int, end: int, *, lower: int, upper: int, where: str) -> None:
    """A span must be non-empty and lie inside [lower, upper] (a chunk's or document's bounds)."""
    if start < 0 or end <= start:
        raise CodingError(
            f"span {start}-{end} is empty or reversed",
            hint="give start < end as character offsets into the document text",
        )
    if start < lower or end > upper:
        raise CodingError(
            f"span {start}-{end} lies outside {where} ({lower}-{upper})",
            hint="offsets are into the whole document's text; stay inside the passage's bounds",
        )


def find_quote(text: str, quote: str, *, offset: int = 0) -> tuple[int, int]:
    """Document offsets of `quote` inside `text` (which starts at `offset` in the document).

    Whitespace is matched loosely (a PDF line break where the quote has a space still matches),
    case exactly; a quote found twice is ambiguous and refused rather than guessed. Words
    copied from a passage as it is shown, without its Markdown ("Value Enabler. The" for
    "Value Enabler.** The"), are found too: the span then covers the hidden markup between them.
    """
    words = quote.split()
    if not words:
        raise CodingError("empty quote", hint="give the exact words of the span to code")
    pattern = r"\s+".join(re.escape(w) for w in words)
    hits = list(re.finditer(pattern, text))
    if not hits:
        shown, where = plain_with_offsets(text)
        hits_shown = list(re.finditer(pattern, shown))
        if len(hits_shown) == 1:
            first, last = hits_shown[0].start(), hits_shown[0].end() - 1
            return where[first] + offset, where[last] + 1 + offset
        hits = hits_shown
    if not hits:
        raise CodingError(
            f"quote {_one_line(quote)!r} not found in the passage",
            hint="copy the words exactly as the passage has them (case matters)",
        )
    if len(hits) > 1:
        raise CodingError(
            f"quote {_one_line(quote)!r} occurs {len(hits)} times in the passage",
            hint="quote a few more words so the span is unique, or give --start/--end",
        )
    return hits[0].start() + offset, hits[0].end() + offset


def choose_passage(passages: Sequence[Passage], start: int, end: int) -> Passage:
    """The chunk a span belongs to: the one overlapping it most (chunks overlap each other).

    A span wider than one chunk is still recorded whole, against the chunk holding most of it,
    so a search by code finds the passage where the coded text mostly is. Between chunks that
    hold it alike, one that is read by default (body, abstract) is taken over front matter
    or a caption, so the coding shows where passages are read (matrices, search).
    """
    best = max(
        passages,
        key=lambda p: (min(end, p.end) - max(start, p.start), p.role in READ_BY_DEFAULT, -p.start),
        default=None,
    )
    if best is None or min(end, best.end) <= max(start, best.start):
        raise CodingError(
            f"no passage covers the span {start}-{end}",
            hint="offsets are character positions in the document text; check them against it",
        )
    return best


def codings_for(decision: ReviewDecision, *, coder: str, at: str) -> tuple[Coding, ...]:
    """The log rows a decision appends: one row, or two for a change (reject + add)."""
    if decision.action not in ACTIONS:
        raise CodingError(f"unknown decision {decision.action!r}", hint=", ".join(ACTIONS))
    if not coder.strip():
        raise CodingError("no coder name given", hint="pass --coder NAME or set [project] reviewer")
    if decision.action == "change" and not decision.new_code:
        raise CodingError(
            f"change of {decision.code_id!r} on {decision.chunk_id} names no new code",
            hint="fill new_code with the code that fits instead",
        )
    if decision.action == "change" and decision.new_code == decision.code_id:
        raise CodingError(
            f"change of {decision.code_id!r} to itself", hint="use accept to keep a code"
        )

    def row(code_id: str, status: str, score: float | None) -> Coding:
        return Coding(
            id=content_id(
                decision.chunk_id, code_id, decision.start, decision.end, coder, at, status
            ),
            chunk_id=decision.chunk_id,
            code_id=code_id,
            start=decision.start,
            end=decision.end,
            coder=coder,
            at=at,
            status=status,
            memo=decision.memo,
            suggestion_score=score,
        )

    score = decision.suggestion_score
    if decision.action == "accept":
        return (row(decision.code_id, "accepted", score),)
    if decision.action == "reject":
        return (row(decision.code_id, "rejected", score),)
    if decision.action == "add":
        return (row(decision.code_id, "added", None),)
    return (row(decision.code_id, "rejected", score), row(decision.new_code, "added", None))


def make_memo(target: str, author: str, text: str, *, at: str) -> Memo:
    if not text.strip():
        raise CodingError(f"empty memo for {target}", hint="write the memo's text")
    return Memo(content_id(target, author, at, text), target, author, at, text.strip())


def csv_delimiter(header: str) -> str:
    """The delimiter of a CSV file from its header line: ',' unless ';' or a tab is commoner.

    Excel in many European locales saves "CSV" with ';' (the comma is their decimal mark);
    a header never holds quoted delimiters, so counting them there is reliable.
    """
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","
