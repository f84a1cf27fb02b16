"""Stopping title/abstract screening in the workspace, in a real browser: the button comes
when the stopping rule says stop, sets aside the records nobody screened (as `litsynth screen
stop` does), says so, and a second button brings them back.

The project is test_screening_stop's: 300 records, ann's first 290 decided through the sheet
she exported (5 includes, then excludes), which the rule lets her stop at (p = 10/295).
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from browser_support import browsing
from test_screening_stop import screen_first, three_hundred

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "img"
pytestmark = pytest.mark.browser


def _flow(url: str) -> dict[str, int]:
    return json.load(urllib.request.urlopen(f"{url}/api/prisma"))  # type: ignore[no-any-return]


def _screening_as_ann(url: str, page: Any) -> None:
    page.goto(f"{url}/")
    page.fill("#reviewer", "ann")
    page.dispatch_event("#reviewer", "change")


def test_stop_screening_here_and_resume(tmp_path: Path) -> None:
    root = three_hundred(tmp_path)
    screen_first(root, tmp_path, 100, 5)
    with browsing(root, 1280, 900) as (url, page):
        _screening_as_ann(url, page)
        page.wait_for_selector("#stopping:has-text('keep screening')")
        assert page.locator("#stop-box").is_hidden()  # the rule does not allow it yet
    screen_first(root, tmp_path, 190, 0)
    with browsing(root, 1280, 900) as (url, page):
        _screening_as_ann(url, page)
        page.wait_for_selector("#stop-box:not([hidden])")
        assert page.locator("#stopped-box").is_hidden()
        page.click("#stop-screening")
        page.wait_for_selector("#stopped-box:not([hidden])")
        line = page.text_content("#stopped-line") or ""
        assert line == (
            "Screening stopped by ann after 290 of 300 records (p = 0.034): 10 records nobody"
            " screened set aside."
        )
        page.wait_for_selector("#status:has-text('stopped: 10 records nobody screened set aside')")
        assert page.locator("#stop-box").is_hidden()
        assert page.locator("#rec-done").is_visible()  # nothing left in the queue
        flow = _flow(url)
        assert (flow["excluded_automatic"], flow["records_awaiting"]) == (10, 0)
        page.screenshot(path=str(SHOTS / "workspace-stop.png"))
        page.click("#resume-screening")
        page.wait_for_selector("#status:has-text('10 records returned to the queue')")
        page.wait_for_selector("#stop-box:not([hidden])")
        assert page.locator("#stopped-box").is_hidden()
        assert page.locator("#rec-done").is_hidden()  # a record to screen again
        flow = _flow(url)
        assert (flow["excluded_automatic"], flow["records_awaiting"]) == (0, 10)
