"""Normalising DOIs, years, titles and authors: worked examples and idempotence."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from litsynth.biblio.normalize import (
    normalize_authors,
    normalize_doi,
    normalize_title,
    normalize_year,
)


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1000/ABC.1", "10.1000/abc.1"),
        ("http://dx.doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
        ("doi:10.1016/J.LRP.2009.07.003.", "10.1016/j.lrp.2009.07.003"),
        ("10.1371/journal.pmed.1000097 [doi]", "10.1371/journal.pmed.1000097"),
        ("not a doi", ""),
        (None, ""),
    ],
)
def test_doi(raw: object, doi: str) -> None:
    assert normalize_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2019a", 2019),
        ("2019/05/01", 2019),
        ("2009 Jul 21", 2009),
        (2007.0, 2007),
        ("faulty year", None),
        ("", None),
    ],
)
def test_year(raw: object, year: int | None) -> None:
    assert normalize_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("  Value  creation\nin <i>e-business</i>.", "Value creation in e-business"),
        ("Policy in the U.S..", "Policy in the U.S.."),
        ("What drives adaptation?", "What drives adaptation?"),
        ("[Nudging in hospitals]", "Nudging in hospitals"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_title(raw: str, title: str) -> None:
    assert normalize_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "authors"),
    [
        ("Smith, John and van der Berg, Anna", ("Smith, John", "van der Berg, Anna")),
        ("Cui, G.; Lui, H.-K.; and Guo, X.", ("Cui, G.", "Lui, H.-K.", "Guo, X.")),
        ("Lee J, Park SH", ("Lee, J", "Park, SH")),
        (["Ludwig van Beethoven", "Smith JA"], ("van Beethoven, Ludwig", "Smith, JA")),
        ("Stillman, Andrew N. (andrew.stillman@uconn.edu)", ("Stillman, Andrew N.",)),
        ("van der Berg, Anna Maria", ("van der Berg, Anna Maria",)),
    ],
)
def test_authors(raw: object, authors: tuple[str, ...]) -> None:
    assert normalize_authors(raw) == authors


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example(">\r00<A")  # a "name" whose reordering made "<A, >", which clean_text took for a tag
@example("0|0;0")  # OpenAlex's "|" between names, and a ";" inside one of them
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert normalize_title(normalize_title(text)) == normalize_title(text)
    assert normalize_doi(normalize_doi(text)) == normalize_doi(text)
    once = normalize_authors(text)
    assert normalize_authors(list(once)) == once
