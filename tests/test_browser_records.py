"""The Records screen in a real browser: two exports imported from the file picker (one
with its source left for the file to say), the duplicates between them found, and an import
taken back, each checked in the store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import reviewer_counts, shared

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "img"
STATUS = "document.querySelector('#batches-status').textContent"
pytestmark = pytest.mark.browser


def test_import_find_duplicates_and_take_an_import_back(project: Path) -> None:
    scopus = shared("data/bib/synthesisr/tests/testthat/testdata/Scopus_ris_example.ris")
    wos = shared("data/bib/synthesisr/tests/testthat/testdata/WoS_ciw_example.ciw")
    with browsing(project, 1280, 900) as (url, page):
        page.on("dialog", lambda dialog: dialog.accept())  # "Remove the import of …?"
        page.goto(url + "/screens/records")
        until(
            page,
            "() => document.querySelector('#batches-status').textContent.includes('No imports')",
        )
        for path, source in ((scopus, "Scopus"), (wos, "")):  # WoS's own file says it
            page.set_input_files("#import-file", str(path))
            page.fill("#import-source", source)
            page.click("#import-form button")
            shown = "document.querySelector('#import-result').textContent.includes(n + ': ')"
            listed = "document.querySelectorAll('#batches tr').length"
            until(page, f"n => {shown} && {listed}", path.name)
        outcomes = page.locator("#import-result").text_content() or ""
        page.click("#find-duplicates")
        until(page, "() => document.querySelector('#dedupe-result').textContent.includes('linked')")
        found = page.locator("#dedupe-result").text_content() or ""
        rows = page.locator("#batches tr").all_text_contents()
        page.screenshot(path=str(SHOTS / "workspace-records.png"), full_page=True)
        page.locator("#batches tr", has_text=wos.name).locator("button").click()
        until(
            page,
            "() => document.querySelector('#batches-status').textContent.startsWith('removed')",
        )
        left = page.locator("#batches tr").all_text_contents()
    assert "records imported" in outcomes and "Web of Science" in "".join(rows)
    assert "source: Web of Science, as the file says" in outcomes
    assert found.split()[0].isdigit()
    assert len(rows) == 2 and len(left) == 1 and scopus.name in left[0]
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM records")}
    finally:
        conn.close()
    assert sources == {"Scopus"}


def test_an_import_tells_its_search_for_the_methods(project: Path) -> None:
    """The form's date and query go with the file, as `import --searched --query`: the search
    is stored for the Methods' paragraph, and a query without its date imports nothing."""
    scopus = shared("data/bib/synthesisr/tests/testthat/testdata/Scopus_ris_example.ris")
    query = 'TITLE-ABS-KEY("systematic review" AND automation)'
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/records")
        until(page, "() => document.querySelector('#batches-status').textContent.length > 0")
        page.set_input_files("#import-file", str(scopus))
        page.fill("#import-source", "Scopus")
        page.fill("#import-query", query)
        page.click("#import-form button")
        until(
            page,
            "() => document.querySelector('#import-result').textContent.includes('not imported')",
        )
        refused = page.locator("#import-result").text_content() or ""
        page.set_input_files("#import-file", str(scopus))
        page.fill("#import-searched", "2026-11-01")
        page.click("#import-form button")
        until(
            page, "() => document.querySelector('#import-result').textContent.includes('search of')"
        )
        told = page.locator("#import-result").text_content() or ""
    assert "the query names a search but not when it was run" in refused
    assert f"search of Scopus on 2026-11-01 recorded: {query}" in told
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        searches = conn.execute("SELECT source, searched_on, query FROM searches").fetchall()
        batches = conn.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0]
    finally:
        conn.close()
    assert searches == [("Scopus", "2026-11-01", query)] and batches == 1


SCREENING = REPO / "tests" / "fixtures" / "screening"
DECIDED = "() => !document.querySelector('#decisions-result').textContent.startsWith('reading')"


def _records_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """records.csv imported as Scopus on the Records screen, as a reviewer does."""
    page.goto(url + "/screens/records")
    until(page, f"() => {STATUS}.includes('No imports')")
    page.set_input_files("#import-file", str(SCREENING / "records.csv"))
    page.fill("#import-source", "Scopus")
    page.click("#import-form button")
    until(page, "() => document.querySelectorAll('#batches tr').length === 1")


def _decisions_from(page, name: str) -> str:  # type: ignore[no-untyped-def]
    """Another tool's export (tests/fixtures/screening/tools/NAME) sent from the Records
    screen; what the page then says."""
    page.set_input_files("#decisions-file", str(SCREENING / "tools" / name))
    page.click("#decisions-form button")
    until(page, DECIDED)
    return page.locator("#decisions-result").text_content() or ""


def test_decisions_made_in_rayyan_and_asreview_come_in_from_the_records_screen(
    project: Path,
) -> None:
    """A Rayyan export and an ASReview LAB workbook picked on the Records screen land in the
    screening log as `screen import` puts them; a list without its decision is refused with
    the way out."""
    with browsing(project, 1280, 1000) as (url, page):
        _records_in(page, url)
        page.fill("#reviewer", "ana")
        lab = _decisions_from(page, "asreview-3.0.8.xlsx")
        refused = _decisions_from(page, "cff-covidence.csv")
        rayyan = _decisions_from(page, "rayyan-two-reviewers.csv")
        page.locator("#decisions-form").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "workspace-decisions.png"), full_page=True)
    assert "(Rayyan): 10 decisions recorded at title-abstract for Ana and Ben" in rayyan
    assert "line 9: no record of the project has its DOI or title" in rayyan
    assert "nothing recorded" in refused and "no screening decisions" in refused
    assert "(ASReview LAB): 7 decisions recorded at title-abstract for ana" in lab
    assert reviewer_counts(project) == {"Ana": 6, "Ben": 4, "ana": 7}


def test_a_conflict_carried_over_from_rayyan_shows_each_reviewers_note(project: Path) -> None:
    """Rayyan's two reviewers disagree on r02; the Conflicts screen shows each vote on its
    line and, under Ben's, the note he left in Rayyan."""
    with browsing(project, 1280, 800) as (url, page):
        _records_in(page, url)
        assert "recorded" in _decisions_from(page, "rayyan-two-reviewers.csv")
        page.goto(url + "/screens/conflicts")
        row = page.locator('tr[data-record-id="r02"]')
        row.wait_for()
        lines = row.locator("td").nth(1).locator("div").all_text_contents()
    assert lines == [
        "Ana: include",
        "Ben: exclude (wrong population)",
        "Ben's note: GPs, not hospital staff",
    ]


def test_find_a_record_open_it_and_decide_again(project: Path) -> None:
    """Find a record by two words, open it, exclude it with a reason: the row, the record's
    history and the screening log say so; the status filter then lists it."""
    with (project / "litsynth.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[screening]\nreasons = ["not about nudging", "not healthcare staff"]\n')
    with browsing(project, 1280, 1000) as (url, page):
        _records_in(page, url)
        until(page, "() => document.querySelectorAll('#found tr').length === 12")
        page.fill("#reviewer", "ann")
        page.fill("#find-words", "hand HYGIENE")
        page.click("#find-form button")
        until(page, "() => document.querySelectorAll('#found tr').length === 1")
        page.click("#found tr button.linkish")
        until(page, "() => document.querySelector('.found-detail') !== null")
        before = page.locator(".found-detail").text_content() or ""
        page.locator(".found-detail select").select_option("not about nudging")
        page.locator(".found-detail button", has_text="Exclude").click()
        until(page, "() => document.querySelector('#found .ta-status').textContent"
                    ".startsWith('excluded')")  # fmt: skip
        page.screenshot(path=str(SHOTS / "workspace-find.png"), full_page=True)
        after = page.locator(".found-detail").text_content() or ""
        page.fill("#find-words", "")
        page.select_option("#find-status", "exclude")
        summary = "document.querySelector('#find-summary').textContent"
        until(page, f"() => document.querySelectorAll('#found tr').length === 1 && {summary}"
                    ".includes('of 1')")  # fmt: skip
        options = page.locator("#find-status option").all_text_contents()
        with page.expect_download() as download:  # all of them, as a sheet with the decisions
            page.locator("#find-download a", has_text="Excel").click()
        saved = project / "found.xlsx"
        download.value.save_as(saved)
    from litsynth.biblio.sheet_files import read_table

    found = read_table(saved)
    assert [r[0] for r in found[1:]] == ["r04"] and "not about nudging" in found[1]
    assert "No decision yet" in before and "García" in before
    assert "ann · title-abstract · exclude: not about nudging" in after
    assert "excluded (1)" in options and "not decided yet (11)" in options
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        rows = conn.execute("SELECT record_id, decision, reason, reviewer, source FROM decisions")
        assert rows.fetchall() == [("r04", "exclude", "not about nudging", "ann", "workspace")]
    finally:
        conn.close()


def test_a_library_of_several_searches_is_split_by_database(project: Path) -> None:
    """The "split by database" box: a CiteSource library of Web of Science, Dimensions and
    Lens.org records becomes a batch each, the records that name none the typed source's."""
    library = shared("data/bib/synthesisr/tests/testthat/testdata/citesource_issue_24.ris")
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/records")
        until(page, "() => document.querySelector('#batches-status').textContent.length > 0")
        page.set_input_files("#import-file", str(library))
        page.fill("#import-source", "Other sources")
        page.check("#import-by-database")
        page.click("#import-form button")
        until(page, "() => document.querySelectorAll('#batches tr').length === 4")
        shown = page.locator("#import-result").text_content() or ""
        rows = page.locator("#batches tr").all_text_contents()
    assert shown.count("split by database") == 4 and "not imported" not in shown
    assert [r.split(library.name)[0].strip() for r in rows] == [
        "Dimensions", "Web of Science", "Lens.org", "Other sources",
    ]  # fmt: skip
