"""Markdown hidden from a reader, never from the store: `markup_ranges` and `plain`."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from litsynth.markup import markup_ranges, plain, plain_with_offsets, shown, without

SEED_000 = Path(__file__).resolve().parent.parent.parent / "shared/seeds/000_e36bc8967a0d5917.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "**Platform-Based Coordination.** The literature",
            "Platform-Based Coordination. The literature",
        ),
        (
            "Grace Yulianti <sup>1</sup>, Seger Santoso <sup>2</sup>,",
            "Grace Yulianti 1, Seger Santoso 2,",
        ),
        ("\\* Corresponding Author : name", "* Corresponding Author : name"),
        ("*Supply Chain Digest*. Retrieved", "Supply Chain Digest. Retrieved"),
        ("e-mail : [grace@x.ac.id](mailto:grace@x.ac.id)", "e-mail : grace@x.ac.id"),
        ("see [the DOI](https://doi.org/10.1002/(SICI)1097) now", "see the DOI now"),
        ("![Figure 1](img/fig1.png)", "Figure 1"),
        ("# Bridging Business Models\n\nText", "Bridging Business Models\n\nText"),
        ("run `litsynth ingest` first", "run litsynth ingest first"),
    ],
)
def test_markup_is_hidden(text: str, expected: str) -> None:
    assert plain(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2 * 3 * 4 = 24",
        "*p < 0.05, **p < 0.01",  # significance stars
        "x**2 + y**2",
        "snake_case_name",
        "the range [12](2005) in a PDF's reference",  # not an address
        "a lone * star",
        "C# and F# are languages",
    ],
)
def test_text_that_only_looks_like_markup_is_kept(text: str) -> None:
    assert plain(text) == text


def test_ranges_are_sorted_disjoint_and_only_markup() -> None:
    text = "**Bold** and *it* with <sub>2</sub> and [a link](https://x.org/p)"
    ranges = markup_ranges(text)
    assert ranges == sorted(ranges)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))
    hidden = "".join(text[s:e] for s, e in ranges)
    assert hidden == "******<sub></sub>[](https://x.org/p)"
    assert plain(text) == "Bold and it with 2 and a link"


def test_pdf_text_is_shown_as_extracted() -> None:
    assert shown("**not markup in a PDF**", "pdf") == "**not markup in a PDF**"
    assert shown("**markup in Markdown**", "markdown") == "markup in Markdown"


def test_the_demo_review_reads_without_markup() -> None:
    if not SEED_000.exists():
        pytest.skip(f"the shared seeds are absent ({SEED_000})")
    text = SEED_000.read_text(encoding="utf-8")
    out = plain(text)
    assert "**" not in out and "<sup>" not in out and "](mailto:" not in out
    assert "Platform-Based Coordination as a Value Enabler. The literature" in out
    assert len(text) - len(out) == sum(e - s for s, e in markup_ranges(text))


def test_a_document_shown_in_pieces_hides_a_pair_split_between_them() -> None:
    text = "Intro. **Platform coordination.** The literature"
    ranges = markup_ranges(text)
    cut = text.index("coordination")  # the pair opens in the first piece, closes in the second
    pieces = [without(text, ranges, 0, cut), without(text, ranges, cut, len(text))]
    assert pieces == ["Intro. Platform ", "coordination. The literature"]
    assert "".join(pieces) == plain(text)


def test_each_shown_character_knows_where_it_is_stored() -> None:
    text = "See **bold** and [a link](https://x.org)."
    shown_text, where = plain_with_offsets(text)
    assert shown_text == plain(text) == "See bold and a link."
    assert [text[i] for i in where] == list(shown_text)
    assert where[shown_text.index("bold")] == text.index("bold")
