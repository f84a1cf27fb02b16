"""Data extracted by two reviewers independently (`independent: true` in the form): each
reviewer's values kept apart, their sheets holding their own values only, the differences
listed until a consensus value settles them, and the Methods saying how far they agreed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import run_cli
from litsynth.biblio.extraction import parse_form
from litsynth.errors import BiblioError

FORM = """\
independent: true
fields:
  - id: country
    type: text
  - id: n
    label: Sample size
    type: integer
"""


@pytest.fixture
def review(two_included: Path) -> Path:
    (two_included / "extraction.yaml").write_text(FORM, encoding="utf-8")
    return two_included


def sheet(path: Path, rows: str) -> Path:
    path.write_text("record_id,country,n\n" + rows, encoding="utf-8")
    return path


def test_two_extractors_apart_then_consensus(review: Path, tmp_path: Path) -> None:
    run_cli(review, "extract", "import", str(sheet(tmp_path / "ana.csv", "r01,NL,40\nr02,DE,12\n")),
            "--reviewer", "ana")  # fmt: skip
    # ben's own sheet starts empty: ana's values are not his
    ben_sheet = tmp_path / "ben-empty.csv"
    run_cli(review, "extract", "export", str(ben_sheet), "--reviewer", "ben")
    rows = list(csv.DictReader(ben_sheet.open(encoding="utf-8-sig")))
    assert {r["record_id"]: (r["country"], r["n"]) for r in rows} == {
        "r01": ("", ""), "r02": ("", ""),
    }  # fmt: skip
    # the same value is recorded as ben's too: their agreement is the point
    # "nl" is ana's "NL": text is compared without regard to case
    said = run_cli(review, "extract", "import", str(sheet(tmp_path / "ben.csv",
                   "r01,nl,40\nr02,DE,21\n")), "--reviewer", "ben")  # fmt: skip
    assert "4 values recorded (0 unchanged)" in said
    table = json.loads(run_cli(review, "extract", "table", "--json"))
    assert [(d["record_id"], d["field"], d["answers"]) for d in table["disagreements"]] == [
        ("r02", "n", {"ana": "12", "ben": "21"}),
    ]
    assert table["methods"].endswith(
        "2 of 2 studies, by two reviewers each. ana and ben gave the same value for 3 of the 4"
        " items they both filled in."
    )
    text = run_cli(review, "extract", "table")
    assert "1 answer differs between reviewers" in text
    assert "`litsynth extract import SHEET --reviewer consensus`" in text
    run_cli(review, "report")
    html = (review / "report" / "index.html").read_text(encoding="utf-8")
    assert "Values the two extractors gave differently" in html
    assert "Hallsworth (2016), Sample size: ana: 12; ben: 21" in html
    # the agreed value settles it, and the Methods say so
    run_cli(review, "extract", "import", str(sheet(tmp_path / "agreed.csv", "r02,,21\n")),
            "--reviewer", "consensus")  # fmt: skip
    table = json.loads(run_cli(review, "extract", "table", "--json"))
    assert table["disagreements"] == []
    assert "by two reviewers each; differences were settled by consensus." in table["methods"]
    assert sorted(table["rows"]) == [["Hallsworth (2016)", "DE", "21"],
                                     ["Smith & Berg (2019)", "nl", "40"]]  # fmt: skip


def test_a_report_folded_into_its_study_brings_each_reviewers_answers(
    review: Path, tmp_path: Path
) -> None:
    """ana extracted from one paper, ben from the other; once the two are grouped as one
    study (`litsynth studies group`) their values are compared as values for that study."""
    run_cli(review, "extract", "import", str(sheet(tmp_path / "ana.csv", "r02,NL,40\n")),
            "--reviewer", "ana")  # fmt: skip
    run_cli(review, "extract", "import", str(sheet(tmp_path / "ben.csv", "r01,nl,45\n")),
            "--reviewer", "ben")  # fmt: skip
    run_cli(review, "studies", "group", "r01", "r02")
    table = json.loads(run_cli(review, "extract", "table", "--json"))
    assert [(d["record_id"], d["field"], d["answers"]) for d in table["disagreements"]] == [
        ("r01", "n", {"ana": "40", "ben": "45"}),
    ]
    assert table["methods"].endswith(
        "1 of 1 study, by two reviewers each. ana and ben gave the same value for 1 of the 2"
        " items they both filled in."
    )


def test_independent_must_be_true_or_false() -> None:
    with pytest.raises(BiblioError, match="independent must be true or false"):
        parse_form("independent: twice\nfields:\n  - id: a\n", "f.yaml")
    assert parse_form(FORM, "f.yaml").apart
    assert not parse_form("fields:\n  - id: a\n", "f.yaml").apart


@pytest.mark.browser
def test_the_extraction_screen_shows_each_extractor_their_own(review: Path, tmp_path: Path) -> None:
    """ben opens the Extraction screen after ana: her values are not shown to him; his value
    that differs from hers is listed as a difference on the page."""
    from browser_support import browsing, until

    run_cli(review, "extract", "import", str(sheet(tmp_path / "ana.csv", "r01,NL,40\nr02,DE,12\n")),
            "--reviewer", "ana")  # fmt: skip
    cell = '#extraction tr[data-record-id="r02"] [data-field="n"]'
    with browsing(review, 1280, 800) as (url, page):
        page.goto(url + "/screens/extraction")
        page.fill("#reviewer", "ben")
        page.dispatch_event("#reviewer", "change")  # kept for the page's next load
        page.goto(url + "/screens/extraction")
        page.locator(cell).wait_for()
        shown = page.locator(cell).input_value()
        tool = page.inner_text("#extraction-tool")
        page.locator(cell).fill("21")
        page.locator(cell).dispatch_event("change")
        until(page, "() => !document.querySelector('#appraisal-differ-box').hidden")
        differ = page.inner_text("#appraisal-differ")
        summary = page.inner_text("#appraisal-summary")
    assert shown == "" and "Showing ben's answers only, so each reviewer extracts" in tool
    assert "Hallsworth (2016), Sample size: ana 12; ben 21" in differ
    assert "by one reviewer (1 study), two reviewers (1 study)" in summary
    assert "ana and ben gave the same value for 0 of the 1 items they both filled in." in summary
