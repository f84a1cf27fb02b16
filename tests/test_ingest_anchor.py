"""Finding a coded span of one reading of a document in another (ingest/anchor.py), on the
text of a seed document and the kinds of change litsynth's own PDF repairs make."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from litsynth.ingest.anchor import best_overlap, letters, place

SEED = (REPO / "corpus" / "000_e36bc8967a0d5917.txt").read_text(encoding="utf-8")


def _moved(old: str, new: str, quote: str) -> str | None:
    start = old.index(quote)
    found = place(letters(old), letters(new), start, start + len(quote))
    return None if found is None else new[found.start : found.end]


def test_a_span_is_found_where_text_before_it_grew() -> None:
    quote = SEED[5000:5400]
    new = "Accepted manuscript.\n\n" + SEED
    assert _moved(SEED, new, quote) == quote


def test_glued_words_split_small_caps_joined_and_hyphens_mended_do_not_lose_a_span() -> None:
    old = "We use S CIBERT forcomparingthe feature-based models with docu-\nment embeddings."
    new = "We use SCIBERT for comparing the feature-based models with document embeddings."
    assert _moved(old, new, "forcomparingthe feature-based models with docu-\nment") == (
        "for comparing the feature-based models with document"
    )
    assert _moved(old, new, "S CIBERT") == "SCIBERT"


def test_the_punctuation_around_a_quote_comes_with_it() -> None:
    old = "He said: “orchestration is a capability.” Then he left."
    new = "He said:\n“orchestration is a\ncapability.” Then he left."
    assert (
        _moved(old, new, "“orchestration is a capability.”") == "“orchestration is a\ncapability.”"
    )


def test_a_phrase_said_twice_is_placed_by_the_words_around_it() -> None:
    old = "First, supply chain orchestration. Later, as we saw, supply chain orchestration again."
    new = "Preface. " + old.replace("as we saw", "as we saw above")
    start = old.rindex("supply chain orchestration")
    found = place(letters(old), letters(new), start, start + len("supply chain orchestration"))
    assert found is not None and found.start == new.rindex("supply chain orchestration")


def test_a_long_span_with_a_running_header_taken_out_is_placed_by_its_ends() -> None:
    body = SEED[8000:9200]
    cut = body.index(" ", 600)
    old = (
        SEED[:8000]
        + body[:cut]
        + "\nJournal of Supply Chain Management 12 (2023) 1–20\n"
        + body[cut:]
    )
    new = SEED[:8000] + body + SEED[9200:]
    quote = old[8000 : 8000 + len(body) + 51]
    start = old.index(quote)
    found = place(letters(old), letters(new), start, start + len(quote))
    assert found is not None
    assert new[found.start : found.end] == body
    assert 0.9 < found.similarity < 1.0


def test_words_that_are_gone_are_not_guessed_at() -> None:
    quote = SEED[3000:3300]
    new = SEED[:2900] + SEED[3400:]
    assert _moved(SEED, new, quote) is None
    assert _moved(SEED, SEED, "\n\n\n\n(") is None  # no letters: nothing to look for


def test_best_overlap_picks_the_passage_holding_most_of_the_span() -> None:
    spans = [("a", 0, 100), ("b", 60, 200), ("c", 180, 300)]
    assert best_overlap(90, 190, spans) == "b"
    assert best_overlap(400, 500, spans) is None


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(SEED) - 400), st.integers(20, 400), st.text(" \n-", max_size=3))
def test_any_span_survives_whitespace_and_hyphen_changes(at: int, size: int, junk: str) -> None:
    """Property: spaces, line breaks and hyphens added anywhere between the letters leave
    every span findable, with the same letters."""
    old = SEED
    new = old.replace(". ", "." + junk + " ").replace("\n\n", "\n \n")
    found = place(letters(old), letters(new), at, at + size)
    assert found is not None
    assert letters(new[found.start : found.end]).text == letters(old[at : at + size]).text
