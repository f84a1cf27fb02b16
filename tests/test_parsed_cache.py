"""spaCy's reading of passages kept on disk (indexes/nlp.sqlite): the same keyword matches and
phrases as parsing afresh, and a second run that parses nothing; discover's sampling bounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import FIXTURES, shared
from litsynth.coding.analysis import discover as disc
from litsynth.coding.analysis.keyphrases import extract_phrases
from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.machine.features import KeywordMatcher
from litsynth.coding.parsed import ParsedCache


def _passages() -> list[str]:
    seed = next(shared("seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed.split("\n\n") if len(p.strip()) > 80]
    return paragraphs[:60]


def test_kept_items_come_back_in_order_and_are_computed_once(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "nlp.sqlite")
    calls: list[list[str]] = []

    def upper(part: list[str]) -> list[list[str]]:
        calls.append(part)
        return [[t.upper(), str(len(t))] for t in part]

    texts = ["alpha", "beta", "alpha", "gamma"]
    first = list(cache.values("k", texts, upper, desc="x"))
    assert first == [["ALPHA", "5"], ["BETA", "4"], ["ALPHA", "5"], ["GAMMA", "5"]]
    assert calls == [["alpha", "beta", "gamma"]]  # a repeated text is computed once
    again = ParsedCache(tmp_path / "nlp.sqlite")  # another run, the same file
    assert list(again.values("k", texts[::-1], upper, desc="x")) == first[::-1]
    assert len(calls) == 1 and again.hits == 4
    list(again.values("other kind", ["alpha"], upper, desc="x"))
    assert len(calls) == 2  # kinds never share items


def test_lemma_matching_from_the_cache_equals_parsing(tmp_path: Path) -> None:
    texts = _passages()
    book = load_codebook(FIXTURES / "coding" / "eval" / "codebook.yaml")
    matcher = KeywordMatcher(book, lemmatize=True)
    fresh = matcher.match(texts)
    cache = ParsedCache(tmp_path / "nlp.sqlite")
    assert matcher.match(texts, cache=cache) == fresh
    assert cache.hits == 0
    assert matcher.match(texts, cache=cache) == fresh
    assert cache.hits == len(texts)
    # inflected forms are what the lemmas are for: "recombined" matches "recombine"
    inflected = ["Partners were recombined and reconfigured within weeks."]
    assert matcher.match(inflected, cache=cache) == matcher.match(inflected)
    assert "reconfiguration" in matcher.match(inflected, cache=cache)[0]


def test_phrases_from_the_cache_equal_parsing(tmp_path: Path) -> None:
    texts = _passages()[:20]
    cache = ParsedCache(tmp_path / "nlp.sqlite")
    fresh = extract_phrases(texts)
    assert extract_phrases(texts, cache=cache) == fresh
    assert extract_phrases(texts, cache=cache) == fresh and cache.hits == len(texts)


def test_big_corpora_are_clustered_on_a_sample_and_named_from_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    x = np.vstack([c + 0.05 * rng.normal(size=(200, 16)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    whole = disc._kmeans(x, 3, seed=0)
    monkeypatch.setattr(disc, "FIT_SAMPLE", 90)
    sampled = disc._kmeans(x, 3, seed=0)
    # every passage gets a label, and the three groups come out the same
    assert len(sampled) == 600
    assert {frozenset(np.flatnonzero(sampled == c)) for c in range(3)} == {
        frozenset(np.flatnonzero(whole == c)) for c in range(3)
    }
    monkeypatch.setattr(disc, "PHRASE_SAMPLE", 50)
    rows = disc._phrase_rows(sampled, seed=0)
    assert len(rows) == 150 and list(rows) == sorted(rows)
    assert all((sampled[rows] == c).sum() == 50 for c in range(3))
    assert list(disc._phrase_rows(sampled, seed=0)) == list(rows)  # seeded
