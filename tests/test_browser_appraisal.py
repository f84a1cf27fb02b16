"""Critical appraisal in the workspace, in a real browser: the Extraction screen's second form
(answers saved under the appraisal form, coloured by tone), the starter checklist written from
the page, and the Matrices screen's Appraisal × themes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import REPO
from litsynth.biblio.appraisal import STARTER_APPRAISAL

pytestmark = pytest.mark.browser

SHOTS = REPO / "docs" / "img"
SAVED = "() => document.getElementById('extraction-status').textContent.startsWith('saved')"
AMIT_ZOTT = "scopus-101002-smj187"  # Amit & Zott (2001): no appraisal in the demo


def _rows(root: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return conn.execute(
            "SELECT form, record_id, field, value FROM extraction_values ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_appraisal_is_the_extraction_screen_s_second_form(demo_copy: Path) -> None:
    before = [r for r in _rows(demo_copy) if r[0] == "extraction"]
    with browsing(demo_copy, 1400, 900) as (url, page):
        page.goto(f"{url}/screens/extraction?form=appraisal")
        overall = page.locator(
            '#extraction tr[data-record-id="web-002"] select[data-field="overall"]'
        )
        overall.wait_for()
        assert page.inner_text("#extraction-title") == "Critical appraisal"
        assert page.locator("#extraction-form").input_value() == "appraisal"
        assert "ten-question checklist" in page.inner_text("#extraction-tool")
        assert overall.input_value() == "low"  # from records/appraisal.csv
        # six questions answered no, and the overall judgement low
        bad = page.locator('#extraction tr[data-record-id="web-002"] td[data-tone="bad"]')
        assert bad.count() == 7
        row = page.locator(f'#extraction tr[data-record-id="{AMIT_ZOTT}"]')
        row.locator('select[data-field="overall"]').select_option("high")
        until(
            page,
            f"""() => document.querySelector('#extraction tr[data-record-id="{AMIT_ZOTT}"]'
            + ' select[data-field="overall"]').closest("td").dataset.tone === "good" """,
        )
        assert ("appraisal", AMIT_ZOTT, "overall", "high") in _rows(demo_copy)
        assert "saved Overall quality of Amit & Zott (2001)" in page.inner_text(
            "#extraction-status"
        )
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / "workspace-appraisal.png"))
        # under the table, the figures of the answers as they stand: drawn, and drawn afresh
        until(page, "() => document.getElementById('appraisal-traffic-figure').naturalWidth > 0")
        assert page.evaluate("document.getElementById('appraisal-summary-figure').naturalWidth") > 0
        assert page.is_visible("#appraisal-figures")

        # back to data extraction: its own fields and values, the URL without the form
        page.select_option("#extraction-form", "extraction")
        page.wait_for_selector('#extraction select[data-field="design"]')
        assert page.inner_text("#extraction-title") == "Data extraction"
        assert "form=" not in page.url
        assert [r for r in _rows(demo_copy) if r[0] == "extraction"] == before

        # the Matrices screen groups the themes' passages by the judgements
        page.goto(f"{url}/screens/matrices")
        page.select_option("#matrix-kind", "attr:appraisal|themes")
        until(
            page, "() => document.querySelector('#matrix-title').textContent.includes('Appraisal')"
        )
        page.wait_for_selector("#matrix tr:nth-child(2) > th")
        heads = page.locator("#matrix tr:not(:first-child) > th").all_inner_texts()
        assert heads[:2] == ["low", "(not set)"], heads


def test_the_page_writes_the_starter_checklist(demo_copy: Path) -> None:
    form = demo_copy / "appraisal.yaml"
    form.unlink()
    with browsing(demo_copy) as (url, page):
        page.goto(f"{url}/screens/extraction?form=appraisal")
        until(page, "() => !document.querySelector('#extraction-start').hidden")
        assert "no appraisal form" in page.inner_text("#extraction-status")
        assert "ten questions" in page.inner_text("#extraction-start-about")
        page.click("#do-start-form")
        until(
            page,
            "() => document.querySelector('#extraction-status').textContent.startsWith('Wrote')",
        )
        assert form.read_text(encoding="utf-8") == STARTER_APPRAISAL
        heads = page.locator("#extraction-head th").all_inner_texts()
        assert heads[1] == "Aims stated" and heads[-2:] == ["Overall quality", "Notes"]


def test_each_appraiser_sees_their_own_answers(demo_copy: Path) -> None:
    """Two appraisers work independently: the second one's grid is blank where only the first
    answered, and a second answer is recorded under its reviewer even when it agrees."""
    with browsing(demo_copy) as (url, page):
        page.goto(f"{url}/screens/extraction?form=appraisal")
        page.fill("#reviewer", "ben")
        page.press("#reviewer", "Enter")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => document.querySelector('#extraction-tool').textContent.includes('ben')")
        web = page.locator('#extraction tr[data-record-id="web-002"]')
        overall = web.locator('select[data-field="overall"]')
        until(
            page,
            """() => document.querySelector('#extraction tr[data-record-id="web-002"]'
            + ' select[data-field="overall"]').value === "" """,
        )
        overall.select_option("low")  # as demo answered: still ben's own answer
        until(
            page,
            "() => document.querySelector('#extraction-status').textContent.startsWith('saved')",
        )
        assert ("appraisal", "web-002", "overall", "low") in _rows(demo_copy)
        conn = sqlite3.connect(demo_copy / "litsynth.db")
        try:
            who = conn.execute(
                "SELECT reviewer FROM extraction_values WHERE form = 'appraisal'"
                " AND record_id = 'web-002' AND field = 'overall' ORDER BY id"
            ).fetchall()
        finally:
            conn.close()
        assert who == [("demo",), ("ben",)]


def test_the_screen_lists_where_two_appraisers_differ(demo_copy: Path) -> None:
    """ben judges a web source otherwise than demo did: the screen lists it, with each one's
    answer, until an answer given as reviewer consensus settles it."""
    with browsing(demo_copy) as (url, page):
        page.goto(f"{url}/screens/extraction?form=appraisal")
        until(page, "() => !document.querySelector('#appraisal-said').hidden")
        summary = page.inner_text("#appraisal-summary")
        assert "3 of 28 studies, by one reviewer." in summary
        assert "Overall quality: low 3, not judged 25 (28 studies)." in summary
        assert page.locator("#appraisal-differ-box").is_hidden()
        for who, answer in (("ben", "moderate"), ("consensus", "low")):
            page.fill("#reviewer", who)
            page.dispatch_event("#reviewer", "change")
            until(
                page,
                f"() => document.querySelector('#extraction-tool').textContent.includes('{who}')",
            )
            page.locator(
                '#extraction tr[data-record-id="web-002"] select[data-field="overall"]'
            ).select_option(answer)
            until(page, SAVED)
            page.evaluate("document.querySelector('#extraction-status').textContent = ''")
            if who == "ben":
                until(page, "() => !document.querySelector('#appraisal-differ-box').hidden")
                [item] = page.locator("#appraisal-differ li").all_inner_texts()
                assert (
                    "Overall quality: demo low; ben moderate" in item
                )  # in the order they answered
                assert "by one reviewer (2 studies), two reviewers (1 study)" in page.inner_text(
                    "#appraisal-summary"
                )
                page.locator("#appraisal-said").scroll_into_view_if_needed()
                page.screenshot(path=str(SHOTS / "workspace-appraisal-differ.png"))
        until(page, "() => document.querySelector('#appraisal-differ-box').hidden")
        assert "differences were settled by consensus" in page.inner_text("#appraisal-summary")
