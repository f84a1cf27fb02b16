"""The report and the manuscript draft drawn from the workspace's Matrices screen, in a real
browser: the button starts `litsynth report` in the background, the links open the report
the workspace serves from report/ and download the Word draft."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest

from browser_support import browsing, until
from conftest import REPO

pytestmark = pytest.mark.browser
SHOTS = REPO / "docs" / "img"
DRAWN = "() => document.getElementById('report-status').textContent.startsWith('Drawn')"


def test_draw_open_and_download_from_the_page(demo_copy: Path) -> None:
    shutil.rmtree(demo_copy / "report", ignore_errors=True)  # never drawn (a copy holds none)
    with browsing(demo_copy, 1400, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        until(page, "() => document.getElementById('report-status').textContent !== ''")
        assert page.locator("#report-status").inner_text() == "Not drawn yet."
        assert page.locator("#report-files a").count() == 0
        missing = page.request.get(f"{url}/report/index.html")
        assert missing.status == 404 and missing.json()["error"] == "no report drawn yet"
        page.click("#draw-report")
        until(page, DRAWN, timeout_s=120)
        assert page.locator("#report-status").inner_text().endswith(" s.")
        links = page.locator("#report-files a")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
            "/report/index.html", "/report/manuscript.docx", "/report/prisma.png",
        ]  # fmt: skip
        page.locator("#report-files").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "workspace-report.png"))
        with page.context.expect_page() as opened:
            page.click("text=Open the report")
        report = opened.value
        report.wait_for_load_state()
        references = report.locator("#references .csl-entry")
        assert references.count() == 31  # 28 included studies, 3 other sources quoted
        assert references.first.inner_text().startswith("001_fda600e23a8bf5df.txt. (2025).")
        report.set_viewport_size({"width": 1100, "height": 700})
        report.evaluate("""() => { document.getElementById('references').scrollIntoView();
                                   window.scrollBy(0, -70); }""")  # from under the toolbar
        report.screenshot(path=str(SHOTS / "report-references.png"))
        with page.expect_download() as got:
            page.click("text=manuscript.docx (the Word draft)")
        draft = docx.Document(io.BytesIO(Path(got.value.path()).read_bytes()))
        headings = [p.text for p in draft.paragraphs if p.style.name == "Heading 1"]
        assert headings == [
            "Methods", "Results", "References", "Appendix: PRISMA 2020 items in this draft",
        ]  # fmt: skip
        # the folder and nothing outside it
        outside = page.request.get(f"{url}/report/..%2Flitsynth.toml")
        assert outside.status == 404
    assert (demo_copy / "report" / "manuscript.docx").is_file()


def test_the_reference_list_in_a_style_named_on_the_page(demo_copy: Path) -> None:
    with browsing(demo_copy, 1400, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        until(page, "() => document.getElementById('ref-style').placeholder === 'apa'")
        page.fill("#ref-style", "apaa")
        page.press("#ref-style", "Enter")
        until(page, "() => document.getElementById('ref-style-status').textContent !== ''")
        said = page.locator("#ref-style-status").inner_text()
        assert said.startswith("no citation style 'apaa' (close names: apa")
        assert "style=" not in (page.get_attribute("#ref-word", "href") or "")  # unchanged
        page.fill("#ref-style", "ieee")
        page.press("#ref-style", "Enter")
        until(
            page, "() => document.getElementById('ref-style-status').textContent.endsWith('ieee.')"
        )
        assert page.locator("#ref-style-status").inner_text() == "28 references in ieee."
        with page.expect_download() as got:
            page.click("#ref-word")
        listed = docx.Document(io.BytesIO(Path(got.value.path()).read_bytes())).paragraphs
        assert listed[1].text.startswith("[1]\t")  # numbered, its label set apart by a tab
