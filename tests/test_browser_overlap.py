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


def _release_late(page: Any, pattern: str, held: list[Any]) -> None:
    """Let the one held request through, and give its answer the time to paint, were it let."""
    assert len(held) == 1, "the first request was not held"
    with page.expect_response(pattern) as late:
        held[0].continue_()
    late.value.finished()
    page.evaluate("() => new Promise((done) => setTimeout(done, 200))")


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
        _release_late(page, pattern, held)
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
        _release_late(page, pattern, held)
        assert page.evaluate(progress).startswith("1 of"), page.evaluate(progress)
        assert page.locator("#record").get_attribute("aria-busy") is None
