"""The Extraction screen of an updated review, in a real browser: the previous version's
studies have rows, their carried values shaded; a value changed there is a correction the
update keeps (`litsynth extract table` shows it), and the cell is no longer shaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import corpus_project, run_cli
from test_previous_values import UPDATE, first, forms, include

pytestmark = pytest.mark.browser
__all__ = ["first"]  # the previous version's package, a fixture


def test_the_previous_versions_data_are_shown_and_corrected(first: Path, tmp_path: Path) -> None:
    root = corpus_project(tmp_path / "v2")
    forms(root)
    (tmp_path / "update.csv").write_text(UPDATE, encoding="utf-8")
    run_cli(root, "import", str(tmp_path / "update.csv"), "--source", "PubMed")
    run_cli(root, "previous", str(first), "--remove-found")
    include(root, "u03")
    row = '#extraction tr[data-record-id="previous:r01"]'
    with browsing(root) as (url, page):
        page.goto(url + "/screens/extraction")
        until(page, "() => document.querySelectorAll('#extraction tr').length === 3")
        assert page.locator("#extraction tr th div:first-child").all_inner_texts() == [
            "Park (2024)",
            "Smith & Berg (2019), previous version",
            "Hallsworth (2016), previous version",
        ]
        assert page.locator(f"{row} td.carried").count() == 2  # design and n; setting blank
        assert "as the previous version recorded it" in page.inner_text(f"{row} th")
        assert page.locator("#extraction tr").first.locator("td.carried").count() == 0
        page.locator(f"{row} td").nth(1).locator("input").fill("125")
        page.locator(f"{row} td").nth(1).locator("input").press("Tab")
        until(page, "() => document.querySelector('#extraction-status').textContent"
                    ".startsWith('saved Participants')")  # fmt: skip
        page.screenshot(path=str(tmp_path / "extraction.png"), full_page=True)
        page.reload()
        until(page, "() => document.querySelectorAll('#extraction tr').length === 3")
        assert page.locator(f"{row} td").nth(1).locator("input").input_value() == "125"
    assert "| Smith & Berg (2019), previous version | trial | 125 |  |" in run_cli(
        root, "extract", "table"
    )
