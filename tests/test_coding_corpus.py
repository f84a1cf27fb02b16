"""Learning from the corpus being coded: pseudo-examples, their quota, and what they teach."""

from __future__ import annotations

import numpy as np
import pytest

from litsynth.coding import parse_codebook_text
from litsynth.coding.machine import corpus
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.corpus import (
    MAX_BOOST,
    MIN_DOCUMENT,
    MIN_EXAMPLES,
    fits,
    learn_on_corpus,
    off_codebook,
    pseudo_examples,
    share_shift,
    unworded_codes,
)
from litsynth.coding.machine.features import Unit, context_of
from litsynth.coding.machine.learn import Example
from litsynth.embed import HashEmbedder

CODES = ("a", "b", "c")
OPENING_BODY = (
    "codes:\n"
    "  - id: opening\n    definition: A welcome opens the text.\n"
    "    examples: ['A welcome to the reader.', 'We welcome you.']\n    keywords: [welcome]\n"
    "  - id: body\n    definition: The details go on with the text.\n"
    "    examples: ['The details follow.', 'More details of it.']\n    keywords: [details]\n"
)


def _logits(n: int = 60) -> np.ndarray:
    """Passage i is clearest for code i % 3, more so the larger i is."""
    logit = np.zeros((n, 3))
    for i in range(n):
        logit[i, i % 3] = 1.0 + i / n
    return logit


def test_pseudo_examples_take_each_codes_clearest_members() -> None:
    examples, share = pseudo_examples(_logits(), CODES, np.ones(60, dtype=bool), fraction=0.5)
    # quota: half of 60 passages shared by 3 codes = 10 each, the highest-scoring members
    assert len(examples) == 30
    for code, c in zip(CODES, range(3), strict=True):
        mine = sorted(e.index for e in examples if e.positive == {code})
        assert mine == list(range(30 + c, 60, 3))
    assert np.allclose(share, [1 / 3] * 3)


def test_decisions_fill_the_quota_and_are_never_relabelled() -> None:
    # One code per coded passage: a code's own positives fill its quota of 10.
    decided = [Example(i, frozenset({code})) for i, code in ((59, "c"), (56, "c"), (58, "a"))]
    decided.append(Example(57, frozenset(), frozenset({"b"})))
    examples, _ = pseudo_examples(_logits(), CODES, np.ones(60, dtype=bool), decided, fraction=0.5)
    by_code = {code: [e.index for e in examples if e.positive == {code}] for code in CODES}
    assert {code: len(v) for code, v in by_code.items()} == {"a": 9, "b": 10, "c": 8}
    assert not {59, 58, 57, 56} & {e.index for e in examples}


def test_in_a_multi_code_corpus_every_reviewed_passage_fills_every_quota() -> None:
    # Passages coded with two codes each: a pseudo-example (one code, a negative for the
    # others) would contradict how this reviewer codes, so every fully reviewed passage
    # counts for every code, and one passage rejected for "b" alone counts for "b".
    decided = [Example(i, frozenset({"a", "c"})) for i in (59, 56, 53)]
    decided.append(Example(57, frozenset(), frozenset({"b"})))
    examples, _ = pseudo_examples(_logits(), CODES, np.ones(60, dtype=bool), decided, fraction=0.5)
    by_code = {code: [e.index for e in examples if e.positive == {code}] for code in CODES}
    assert {code: len(v) for code, v in by_code.items()} == {"a": 7, "b": 6, "c": 7}


def test_only_eligible_passages_and_no_pseudo_examples_from_a_handful() -> None:
    eligible = np.arange(60) < 30  # the rest: a reference list
    examples, _ = pseudo_examples(_logits(), CODES, eligible, fraction=0.5)
    assert examples and max(e.index for e in examples) < 30
    few = 2 * len(CODES) * MIN_EXAMPLES - 1
    assert pseudo_examples(_logits(few), CODES, np.ones(few, dtype=bool))[0] == []


def test_the_corpus_teaches_what_the_codebook_cannot_see() -> None:
    # Openings carry the cue word in half the documents only; the corpus's clearest openings
    # teach the learner that openings come first, which codes the other half too.
    book = parse_codebook_text(OPENING_BODY)
    embedder = HashEmbedder()
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    units = []
    for d in range(40):
        cue = d < 20
        units.append(Unit(f"welcome note {d}" if cue else f"note {d}", f"doc{d}", 0))
        units += [
            Unit(f"details part {d} {s}" if cue else f"part {d} {s}", f"doc{d}", s)
            for s in range(1, 4)
        ]
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    zero = zs.score(vectors, texts)
    scores, pseudo = learn_on_corpus(zs, zero, texts, vectors, context_of(units))
    assert pseudo > 0 and scores.learned is None  # nothing here was a person's decision
    assert np.array_equal(scores.logit, zero.logit)  # the evidence shown is the codebook's
    top = [scores.code_ids[k] for k in scores.top()]
    truth = ["opening" if u.position == 0 else "body" for u in units]
    uncued = range(80, 160)  # documents 20-39: no cue word, nothing for the codebook to go on
    zero_top = [zero.code_ids[k] for k in zero.top()]
    before = sum(zero_top[i] == truth[i] for i in uncued)
    after = sum(top[i] == truth[i] for i in uncued)
    assert before <= 60 and after >= 72, (before, after)  # 90 %: the hash vectors add noise


def test_a_reviewers_codes_are_the_learned_ones() -> None:
    book = parse_codebook_text(
        "codes:\n"
        "  - id: opening\n    definition: Opens the text.\n    keywords: [welcome]\n"
        "  - id: body\n    definition: Goes on with the text.\n    keywords: [details]\n"
        "  - id: aside\n    definition: A remark beside the point.\n    keywords: [incidentally]\n"
    )
    embedder = HashEmbedder()
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    words = ("welcome", "details", "incidentally")
    units = [
        Unit(f"{words[(d + s) % 3]} {d} {s}", f"doc{d}", s) for d in range(20) for s in range(3)
    ]
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    zero = zs.score(vectors, texts)
    decided = [Example(0, frozenset({"opening"}), frozenset({"body"}))]
    scores, pseudo = learn_on_corpus(zs, zero, texts, vectors, context_of(units), decided)
    assert pseudo > 0 and scores.learned is not None
    reviewed = [not np.isnan(scores.learned[0, k]) for k in range(3)]
    assert reviewed == [True, True, False]  # "aside" learned from the corpus alone
    tiny = units[:6]
    small, none = learn_on_corpus(
        zs, zs.score(vectors[:6], texts[:6]), texts[:6], vectors[:6], context_of(tiny)
    )
    assert none == 0 and small.learned is None


def test_a_common_code_gains_little_a_rare_one_loses_all_it_should() -> None:
    # one code nearest for 90 % of a corpus it may not even fit: lifted by MAX_BOOST at most
    shift = share_shift(np.array([0.9, 0.05, 0.05]), read=800)
    odds = np.log(np.array([0.9, 0.05, 0.05]) / np.array([0.1, 0.95, 0.95]))
    assert shift[0] == MAX_BOOST < odds[0] - odds.mean()
    assert np.allclose(shift[1:], (odds - odds.mean())[1:])  # the penalty is not capped
    assert np.allclose(share_shift(np.full(3, 1 / 3), read=800), 0.0)


def test_a_codebook_that_does_not_fit_the_corpus_is_not_taught_to_it() -> None:
    # "welcome" and "details" run through the corpus; no passage says "tariff" or "steel",
    # yet the corpus has "clearest" tariff passages. They teach nothing: the code keeps its
    # own scores, and its would-be examples are passages of no code for the others.
    book = parse_codebook_text(
        OPENING_BODY + "  - id: tariffs\n    definition: Import duties levied on steel.\n"
        "    examples: ['Steel tariffs rose.', 'Duties on imported steel.']\n"
        "    keywords: [tariff, steel]\n"
        "  - id: tone\n    definition: How friendly the text sounds.\n"
    )
    embedder = HashEmbedder()
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    units = []
    for d in range(40):
        units.append(Unit(f"welcome note {d}", f"doc{d}", 0))
        units += [Unit(f"details part {d} {s}", f"doc{d}", s) for s in range(1, 4)]
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    zero = zs.score(vectors, texts)
    everywhere = np.ones(len(texts), dtype=bool)
    # "tone" has no keywords (only its label, unused here): no words, no judgement
    assert unworded_codes(zs, zero, everywhere) == {"tariffs"}
    # two passages say nothing about what a corpus holds
    assert unworded_codes(zs, zero, everywhere & (np.arange(len(texts)) < 2)) == frozenset()
    scores, pseudo = learn_on_corpus(zs, zero, texts, vectors, context_of(units))
    t = zs.code_ids.index("tariffs")
    assert pseudo > 0
    assert np.array_equal(scores.probability[:, t], zero.probability[:, t])
    assert scores.suggested()[:, zs.code_ids.index("body")].sum() >= 100  # the others learn


def test_a_corpus_that_uses_the_words_of_too_few_codes_is_not_learned_from() -> None:
    # Only "welcome" occurs: two of the three codes with keywords are unworded, so the
    # corpus is not the one the codebook was written for, and teaches nothing at all.
    book = parse_codebook_text(
        OPENING_BODY + "  - id: tariffs\n    definition: Import duties levied on steel.\n"
        "    keywords: [tariff, steel]\n"
    )
    embedder = HashEmbedder()
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    units = [Unit(f"welcome note {d} {s}", f"doc{d}", s) for d in range(30) for s in range(3)]
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    zero = zs.score(vectors, texts)
    unworded = unworded_codes(zs, zero, np.ones(len(texts), dtype=bool))
    assert unworded == {"body", "tariffs"} and not fits(zs, unworded)
    assert fits(zs, frozenset({"tariffs"}))  # one of three: the corpus still fits
    scores, pseudo = learn_on_corpus(zs, zero, texts, vectors, context_of(units))
    assert pseudo == 0 and scores is zero


def test_papers_the_codebook_was_not_written_for_are_not_learned_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Four papers use the codebook's words throughout; four others (a full-text set's
    # off-topic papers) never do, and a short note of theirs is too short to judge. The four
    # are left out of learning and keep the codebook's own verdicts; the others learn.
    book = parse_codebook_text(
        OPENING_BODY + "  - id: tariffs\n    definition: Import duties levied on steel.\n"
        "    examples: ['Steel tariffs rose.', 'Duties on imported steel.']\n"
        "    keywords: [tariff, steel]\n"
    )
    embedder = HashEmbedder()
    zs = fit_zero_shot(book, embedder, lemmatize=False)
    words = ("welcome note", "details part", "steel tariff report")
    units = [Unit(f"{words[s % 3]} {d} {s}", f"on{d}", s) for d in range(4) for s in range(30)]
    units += [
        Unit(f"rain and mild weather today {d} {s}", f"off{d}", s)
        for d in range(4)
        for s in range(30)
    ]
    units += [Unit(f"rain and cloud {s}", "short", s) for s in range(MIN_DOCUMENT - 1)]
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    zero = zs.score(vectors, texts)
    ctx = context_of(units)
    every = np.ones(len(texts), dtype=bool)
    assert not off_codebook(zs, zero, texts, ctx, every).any()  # each far under eight pages
    monkeypatch.setattr(corpus, "MIN_DOCUMENT_CHARS", 400)  # each document here is over it
    away = off_codebook(zs, zero, texts, ctx, every)
    assert [u.doc for u, a in zip(units, away, strict=True) if a] == [
        u.doc for u in units if u.doc.startswith("off")
    ]
    scores, pseudo = learn_on_corpus(zs, zero, texts, vectors, ctx)
    assert pseudo > 0
    assert np.array_equal(scores.suggested()[away], zero.suggested()[away])
    # and the papers that fit are taught by their own passages only: each of the 120 gets
    # its code and no other (learning from the four others' "clearest" passages, 28 of the
    # 40 openings kept theirs)
    order = [zs.code_ids.index(c) for c in ("opening", "body", "tariffs")]
    truth = np.zeros((120, 3), dtype=bool)
    truth[np.arange(120), [order[s % 3] for s in range(30)] * 4] = True
    assert np.array_equal(scores.suggested()[:120], truth)
    # documents of fewer passages are never judged, however long
    short = [Unit(u.text, f"{u.doc}:{u.position // 10}", u.position % 10) for u in units]
    assert not off_codebook(zs, zero, texts, context_of(short), every).any()
