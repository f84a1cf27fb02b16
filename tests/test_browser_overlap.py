"""Overlapping loads in the workspace, in a real browser: an answer held back on the network and
let through after a newer one must not paint over what the user picked since.

Chromium through Playwright holds the first request (page.route) and releases it late; the page
is then read, not the store: the store is right either way, the page was not.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from browser_support import browsing, until

pytestmark = pytest.mark.browser


def _release_late(page: Any, pattern: str, held: list[Any], area: str) -> None:
    """Let the one held request through, and wait until the page has read its answer: the
    area counts the answers it dropped as overtaken (data-dropped), so no sleep is needed."""
    assert len(held) == 1, "the first request was not held"
    dropped = f"() => Number(document.querySelector('{area}').dataset.dropped || 0)"
    before = page.evaluate(dropped)
    with page.expect_response(pattern) as late:
        held[0].continue_()
    late.value.finished()
    until(page, f"() => ({dropped})() === {before + 1}")


def test_a_document_left_behind_does_not_replace_the_one_picked_after(demo_copy: Path) -> None:
    """Pick document A, whose answer is held back, then document B at once: B's passages stay."""
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    slow, fast = (row[0] for row in conn.execute("SELECT id FROM documents ORDER BY path LIMIT 2"))
    chunks = conn.execute("SELECT id FROM chunks WHERE document_id = ?", (fast,)).fetchall()
    conn.close()
    fast_chunks = {row[0] for row in chunks}
    shown = "() => [...document.querySelectorAll('#passages .passage')].map((p) => p.dataset.chunk)"
    pattern = f"**/api/documents/{slow}?*"
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.wait_for_selector("#passages:not([aria-busy]) .ptext")
        held: list[Any] = []
        page.route(pattern, lambda route: held.append(route))
        page.select_option("#document", slow)
        until(page, "() => document.querySelector('#passages').hasAttribute('aria-busy')")
        page.select_option("#document", fast)
        page.wait_for_selector("#passages:not([aria-busy]) .ptext")
        assert set(page.evaluate(shown)) == fast_chunks
        _release_late(page, pattern, held, "#passages")
        assert set(page.evaluate(shown)) == fast_chunks
        assert page.locator("#passages").get_attribute("aria-busy") is None


def test_a_reviewer_left_behind_does_not_replace_the_one_typed_after(demo_copy: Path) -> None:
    """Type reviewer "slow", whose queue is held back, then "fast", who has screened one record:
    the progress stays fast's when slow's answer arrives last."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(url + "/")
        progress = "() => document.querySelector('#progress dd').textContent"
        page.fill("#reviewer", "fast")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => document.querySelector('#reviewer').placeholder")
        until(page, progress + ".startsWith('0 of')")
        page.click("#do-include")  # fast includes the record shown: 1 screened
        until(page, progress + ".startsWith('1 of')")
        pattern = "**/api/screen/next?*reviewer=slow*"
        held: list[Any] = []
        page.route(pattern, lambda route: held.append(route))
        page.fill("#reviewer", "slow")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => document.querySelector('#record').getAttribute('aria-busy')")
        page.fill("#reviewer", "fast")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => !document.querySelector('#record').hasAttribute('aria-busy')")
        assert page.evaluate(progress).startswith("1 of")
        _release_late(page, pattern, held, "#record")
        assert page.evaluate(progress).startswith("1 of"), page.evaluate(progress)
        assert page.locator("#record").get_attribute("aria-busy") is None


def test_a_matrix_left_behind_does_not_replace_the_one_chosen_after(demo_copy: Path) -> None:
    """Choose code co-occurrence, whose answer is held back, then sources × codes: the table
    drawn is the second one, under its own title, when the first answer arrives last."""
    header = "() => [...document.querySelectorAll('#matrix tr:first-child th')].length"
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        page.locator("#matrix a[data-cell]").first.wait_for()
        pattern = "**/api/matrix?rows=codes&cols=codes*"
        held: list[Any] = []
        page.route(pattern, lambda route: held.append(route))
        page.select_option("#matrix-kind", "codes|codes")
        until(page, "() => document.querySelector('#matrix').hasAttribute('aria-busy')")
        page.select_option("#matrix-kind", "documents|codes")
        page.wait_for_selector("#matrix:not([aria-busy]) a[data-cell]")
        columns = page.evaluate(header)
        first_row = page.locator("#matrix tr:nth-child(2) th").text_content()
        _release_late(page, pattern, held, "#matrix")
        assert page.locator("#matrix-title").text_content() == "Sources × codes"
        assert page.evaluate(header) == columns
        assert page.locator("#matrix tr:nth-child(2) th").text_content() == first_row
        assert page.locator("#matrix").get_attribute("aria-busy") is None


def test_an_appraiser_left_behind_does_not_replace_the_one_typed_after(demo_copy: Path) -> None:
    """Type appraiser "demo", whose answers are held back, then "ben", who has answered
    nothing: ben's blank grid stays when demo's answers arrive last. Appraisers answer
    independently, so showing one the other's answers would unblind them."""
    overall = """() => document.querySelector('#extraction tr[data-record-id="web-002"]'
        + ' select[data-field="overall"]').value"""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/extraction?form=appraisal")
        page.locator('#extraction tr[data-record-id="web-002"]').wait_for()
        pattern = "**/api/extraction?*coder=demo*"
        held: list[Any] = []
        page.route(pattern, lambda route: held.append(route))
        page.fill("#reviewer", "demo")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => document.querySelector('#extraction').hasAttribute('aria-busy')")
        page.fill("#reviewer", "ben")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => document.querySelector('#extraction-tool').textContent.includes('ben')")
        assert page.evaluate(overall) == ""
        _release_late(page, pattern, held, "#extraction")
        assert page.evaluate(overall) == ""
        assert "Showing ben's answers only" in page.inner_text("#extraction-tool")
