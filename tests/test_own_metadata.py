"""One reading of the names and years a file states about itself (PDF, Markdown, HTML)."""

from __future__ import annotations

from litsynth.ingest.own_metadata import author_names, year_in


def test_names_split_on_semicolons_and_and_never_on_commas() -> None:
    assert author_names("Doe, Jane;  Roe, R") == ("Doe, Jane", "Roe, R")
    assert author_names("Jane Doe and R  Roe") == ("Jane Doe", "R Roe")
    assert author_names("Doe, Jane, Roe, R") == ("Doe, Jane, Roe, R",)  # ambiguous: kept whole
    assert author_names(" ; & ; 1") == ()


def test_a_year_is_read_from_any_date_form_and_nothing_else() -> None:
    assert [year_in(v) for v in ("2021-05-03", "2021/05/03", "May 3, 2021", "c. 2019")] == [
        2021,
        2021,
        2021,
        2019,
    ]
    assert year_in("last spring") is None and year_in("vol. 12345") is None
