"""The demo report in a real browser: click a matrix cell, read its passages, follow a back-link.

Builds the demo project (the repository's corpus, codebook and records) with the real model via
`litsynth run` (the shared `demo_project` fixture, which adds a document that tries to run a
<script>), then drives the report in Debian's headless Chromium through Playwright. Skips,
saying why, where Chromium or Playwright is missing (`make browser-deps` installs Chromium).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from browser_support import CHROMIUM, browser_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_report(demo_project: Path) -> Path:
    """The shared demo build (which includes a document that tries to run a script)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (/usr/bin/chromium); run `make browser-deps`")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    assert (demo_project / "report" / "index.html").exists()
    return demo_project


def test_cell_click_shows_passages_and_back_link_works(demo_report: Path, tmp_path: Path) -> None:
    store = sqlite3.connect(demo_report / "litsynth.db")
    chunk_text = dict(store.execute("SELECT id, text FROM chunks").fetchall())
    with browser_page() as page:
        page.goto((demo_report / "report" / "index.html").as_uri())
        cell = page.locator("#theme-matrix table.matrix a[data-cell]").first
        key = cell.get_attribute("data-cell")
        listed = page.locator(f"#cell-{key}")
        assert not listed.is_visible()
        cell.click()
        assert listed.is_visible()
        passages = listed.locator(".passage")
        assert passages.count() >= 1
        first = passages.first
        chunk_id = first.get_attribute("data-chunk")
        assert chunk_id in chunk_text
        citation = first.locator("a.back-link").inner_text()
        assert re.match(
            r"^.+ \((\d{4}|n\.d\.)\), (p\. \d+|pp\. \d+–\d+|§ .+|¶ \d+|section \d+)", citation
        )
        quote = first.locator("blockquote").inner_text()
        assert quote.strip()[:40] in chunk_text[chunk_id]
        # the passage as a manuscript quotes it, copied from the page opened from disk
        copy = first.locator("button.copy-quote")
        copy.click()
        page.wait_for_function("b => b.textContent === 'copied'", arg=copy.element_handle())
        assert first.get_attribute("data-quote").startswith("“")
        page.screenshot(path=str(tmp_path / "report-cell.png"), full_page=False)
        shot_dir = os.environ.get("LITSYNTH_SCREENSHOT_DIR")
        if shot_dir:
            shutil.copy(tmp_path / "report-cell.png", Path(shot_dir) / "report-cell.png")
        first.locator("a.back-link").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"#c-{chunk_id}") or "#page=" in page.url
        if "#c-" in page.url:
            target = page.locator(f"#c-{chunk_id}")
            assert target.is_visible()


def test_injected_script_is_shown_as_text_and_never_runs(demo_report: Path) -> None:
    with browser_page() as page:
        pages = [demo_report / "report" / "index.html"]
        pages += sorted((demo_report / "report" / "sources").glob("*.html"))
        seen_as_text = False
        for html in pages:
            page.goto(html.as_uri())
            assert page.evaluate("typeof window.__pwned") == "undefined", html.name
            if "<script>window.__pwned" in page.locator("body").inner_text():
                seen_as_text = True
        assert seen_as_text, "the injected document's text should be readable in the report"


def test_report_summary_names_outputs(demo_report: Path) -> None:
    summary = json.loads((demo_report / "report" / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["steps"], summary


def test_no_report_page_scrolls_sideways_on_a_phone(demo_report: Path) -> None:
    """The code co-occurrence matrix (18 codes) made the whole report 2,359 px wide in a
    1,280 px window, and long file names widened source pages; wide tables now scroll in
    their own box and long words wrap."""
    with browser_page(420, 800) as page:
        pages = [demo_report / "report" / "index.html"]
        pages += sorted((demo_report / "report" / "sources").glob("*.html"))
        for html in pages:
            page.goto(html.as_uri())
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], (html.name, widths)
        assert page.locator(".table-scroll table.matrix").count() == 0  # a source page
        page.goto(pages[0].as_uri())
        assert page.locator(".table-scroll table.matrix").count() >= 1
