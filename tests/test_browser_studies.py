"""Two reports of one study grouped on the Records screen, in a real browser: the record's
page proposes the other report (same registration number), "Same study" records it in the
study log, and "Not the same study" takes it out again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from browser_support import browsing, until
from conftest import FIXTURES, run_cli

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "img"
pytestmark = pytest.mark.browser

FOLLOW_UP = (
    "record_id,title,abstract,authors,year,doi\n"
    "x01,Default options in order sets: two-year follow-up,"
    "Follow-up of the trial registered as NCT01234567.,"
    '"Smith, John; Berg, Anna",2021,10.1000/x01\n'
)


def _open_r01(page) -> None:  # type: ignore[no-untyped-def]
    """r01 found by its words on the Records screen and opened beneath its row."""
    page.fill("#find-words", "default options order sets")
    page.click("#find-form button")
    until(page, "() => document.querySelectorAll('#found tr').length === 2")
    page.locator("#found tr", has_text="electronic order sets").locator("button.linkish").click()


def _two_reports(project: Path, tmp_path: Path, *, assessed: bool) -> None:
    """The screening fixture's records, and a follow-up of r01's trial from PubMed; r01 and
    the follow-up included at title/abstract (and at full text when `assessed`)."""
    run_cli(project, "import", str(FIXTURES / "screening" / "records.csv"), "--source", "Scopus")
    follow_up = tmp_path / "follow-up.csv"
    follow_up.write_text(FOLLOW_UP, encoding="utf-8")
    run_cli(project, "import", str(follow_up), "--source", "PubMed")
    for rid in ("r01", "x01"):
        run_cli(project, "screen", "decide", rid, "include", "--reviewer", "ann")
        if assessed:
            run_cli(project, "screen", "decide", rid, "include", "--stage", "full-text",
                    "--reviewer", "ann")  # fmt: skip


def test_group_two_reports_from_a_records_page_and_take_it_back(
    project: Path, tmp_path: Path
) -> None:
    (project / "extraction.yaml").write_text(
        "fields:\n  - id: setting\n    type: text\n", encoding="utf-8"
    )
    _two_reports(project, tmp_path, assessed=True)
    detail = "document.querySelector('.found-detail')"
    with browsing(project, 1280, 1000) as (url, page):
        page.goto(url + "/screens/records")
        page.fill("#reviewer", "ann")
        until(page, "() => document.querySelectorAll('#studies-candidates li').length === 1")
        listed = page.inner_text("#studies-candidates")
        _open_r01(page)
        until(page, f"() => {detail} !== null && {detail}.textContent.includes('Maybe the same')")
        proposed = page.locator(".found-detail .study-box").text_content() or ""
        page.locator(".found-detail button", has_text="Same study").click()
        until(page, f"() => {detail}.textContent.includes('One study, reported in 2 records')")
        lines = "document.querySelector('#records-lines').textContent"
        until(page, f"() => {lines}.includes('1 study (in 2 reports) included')")
        page.screenshot(path=str(SHOTS / "workspace-study.png"), full_page=True)
        grouped = page.locator(".found-detail .study-box").text_content() or ""
        until(page, "() => document.querySelectorAll('#studies-grouped li').length === 1")
        studies_list = page.inner_text("#studies-grouped")
        summary = page.inner_text("#studies-summary")
        flow = json.loads(run_cli(project, "prisma", "--json"))
        # the Extraction screen has one row for the study, naming its other report
        page.goto(url + "/screens/extraction")
        until(page, "() => document.querySelectorAll('#extraction tr').length === 1")
        extraction = page.locator("#extraction").text_content() or ""
        page.goto(url + "/screens/records")
        _open_r01(page)
        until(page, f"() => {detail} !== null && {detail}.textContent.includes('One study')")
        page.locator(".found-detail button", has_text="Not the same study").click()
        until(page, f"() => !{detail}.textContent.includes('One study, reported in')")
        after = page.locator(".found-detail .study-box").text_content() or ""
    assert "Smith & Berg (2021) x01 (2 of 2 authors shared, first author Smith)" in proposed
    assert (
        "Maybe one study: Smith & Berg (2019) r01 · Smith & Berg (2021) x01 (2 of 2 authors"
        " shared, first author Smith)" in listed
    )
    assert "Smith & Berg (2019) r01 · Smith & Berg (2021) x01" in studies_list
    assert summary.startswith("Included: 1 study in 2 reports.")
    assert "Smith & Berg (2019) (main report) r01; Smith & Berg (2021) x01" in grouped
    assert "grouped with Smith & Berg (2021)" in grouped
    assert (flow["new_studies"], flow["new_reports"]) == (1, 2)
    assert "also reported in Smith & Berg (2021)" in extraction
    assert "taken out of the study" in after and "Maybe the same study" in after
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        log = conn.execute("SELECT record_id, study, reviewer FROM study_links ORDER BY id")
        assert log.fetchall() == [("x01", "r01", "ann"), ("x01", "", "ann")]
    finally:
        conn.close()


def test_full_text_screening_proposes_the_same_study(project: Path, tmp_path: Path) -> None:
    """At full text, where reports are collated, the Screening screen names the record that
    may report the same study; "Same study" groups them, as `studies group` does."""
    _two_reports(project, tmp_path, assessed=False)
    study = "document.querySelector('#rec-study').textContent"
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/")
        page.fill("#reviewer", "ann")
        page.select_option("#stage", "full-text")
        until(page, f"() => {study}.startsWith('May report the same study as')")
        proposed = page.inner_text("#rec-study")
        page.locator("#rec-study button", has_text="Same study").click()
        until(page, f"() => {study}.startsWith('One study with')")
    assert "(2 of 2 authors shared, first author Smith)" in proposed
    flow = json.loads(run_cli(project, "prisma", "--json"))
    assert flow["records_screened"] == 13 and flow["dbr_sought_reports"] == 2
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        grouped = conn.execute("SELECT record_id, study, reviewer FROM study_links").fetchall()
    finally:
        conn.close()
    assert len(grouped) == 1 and grouped[0][2] == "ann"
    assert {grouped[0][0], grouped[0][1]} == {"r01", "x01"}


def test_a_load_begun_before_the_grouping_does_not_paint_the_proposal_back(
    project: Path, tmp_path: Path
) -> None:
    """The click on "Same study" takes the focus from the reviewer field, whose change loads the
    record again; that answer, read from the store before the grouping and delivered after it
    (as CI's loaded machine once did), must not put "May report the same study" back."""
    _two_reports(project, tmp_path, assessed=False)
    study = "document.querySelector('#rec-study').textContent"
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/")
        page.fill("#reviewer", "ann")  # the field keeps the focus, its change still to come
        page.select_option("#stage", "full-text")
        until(page, f"() => {study}.startsWith('May report the same study as')")
        # the record as the store had it before the grouping: the late answer to deliver
        stale = page.request.get(url + "/api/screen/next?stage=full-text&reviewer=ann").body()
        held: list[Any] = []

        def hold_the_first(route: Any) -> None:
            if held:  # the load after the grouping, and any other, go straight through
                route.continue_()
            else:  # the reviewer field's reload: answered only when the test says
                held.append(route)

        page.route("**/api/screen/next*", hold_the_first)
        page.locator("#rec-study button", has_text="Same study").click()
        until(page, f"() => {study}.startsWith('One study with')")  # the grouping answered
        assert len(held) == 1, "the reviewer field's change did not load the record again"
        assert "first=" not in held[0].request.url  # the reload, not the one after grouping
        held[0].fulfill(status=200, content_type="application/json", body=stale)
        page.wait_for_timeout(500)  # the late answer painted, or set aside as stale
        shown = page.inner_text("#rec-study")
    assert shown.startswith("One study with: Smith & Berg"), shown


def test_a_follow_up_joins_a_study_of_the_previous_version(project: Path, tmp_path: Path) -> None:
    """In an updated review, the record's page proposes the previous version's study its
    follow-up reports (the registration its protocol named); "Same study" makes it a new
    report of that study, which the Records screen counts apart from the new studies."""
    earlier = tmp_path / "previous.csv"
    earlier.write_text(
        "id,study,title,authors,year\n"
        "p2,smith2019,Default options in order sets: protocol of a randomised trial"
        ' (NCT01234567),"Smith, John; Berg, Anna",2018\n',
        encoding="utf-8",
    )
    run_cli(project, "previous", str(earlier), "--study-column", "study")
    _two_reports(project, tmp_path, assessed=True)
    detail = "document.querySelector('.found-detail')"
    with browsing(project, 1280, 1000) as (url, page):
        page.goto(url + "/screens/records")
        page.fill("#reviewer", "ann")
        page.fill("#find-words", "two-year follow-up")
        page.click("#find-form button")
        until(page, "() => document.querySelectorAll('#found tr').length === 1")
        page.locator("#found tr").first.locator("button.linkish").click()
        until(page, f"() => {detail} !== null && {detail}.textContent.includes('previous version')")
        proposed = page.locator(".found-detail .study-box p", has_text="previous version")
        offered = proposed.text_content() or ""
        proposed.locator("button", has_text="Same study").click()
        until(page, f"() => {detail}.textContent.includes('A new report of a study')")
        box = page.locator(".found-detail .study-box").text_content() or ""
        summary = "document.querySelector('#studies-summary').textContent"
        until(page, f"() => {summary}.includes('the previous version included')")
        said = page.inner_text("#studies-summary")
    assert "Smith & Berg (2018), previous version previous:smith2019 (both name NCT01234567)" in (
        offered
    )
    assert "Smith & Berg (2018), previous version previous:smith2019; Smith & Berg (2021) x01" in (
        box
    )
    assert said.startswith(
        "Included: 1 study in 1 report; and 1 new report of 1 study the previous version included."
    )
    flow = json.loads(run_cli(project, "prisma", "--json"))
    assert (flow["new_studies"], flow["previous_new_reports"], flow["total_reports"]) == (1, 1, 3)
