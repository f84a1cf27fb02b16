"""The findings on the Matrices screen, in a real browser: a theme each with its evidence, and
GRADE-CERQual ratings set from the page into findings.yaml, checked as the file is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from browser_support import browsing, until
from conftest import REPO
from litsynth.cli import cli

pytestmark = pytest.mark.browser
SHOTS = REPO / "docs" / "img"
SAVED = "() => document.getElementById('findings-status').textContent.startsWith('saved')"


def test_ratings_set_on_the_page_land_in_findings_yaml(demo_copy: Path) -> None:
    with browsing(demo_copy, 1400, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        page.wait_for_selector('#findings tr[data-theme="governance-and-alignment"]')
        assert page.locator("#findings tr[data-theme]").count() == 4  # the demo's themes
        governance = page.locator('#findings tr[data-theme="governance-and-alignment"]')
        assert governance.locator('select[data-field="confidence"]').input_value() == "very low"
        assert "low 2" in governance.inner_text()
        digital = page.locator('#findings tr[data-theme="digital-enablement"]')
        digital.locator('select[data-field="coherence"]').select_option("moderate concerns")
        until(page, SAVED)
        page.evaluate("document.getElementById('findings-status').textContent = ''")
        digital.locator('select[data-field="confidence"]').select_option("low")
        until(page, SAVED)
        page.evaluate("document.getElementById('findings-status').textContent = ''")
        why = digital.locator('textarea[data-field="explanation"]')
        why.fill("One study carries most of it.")
        why.press("Tab")
        until(page, SAVED)
        # a word CERQual does not use is refused by name, and nothing is written
        before = (demo_copy / "findings.yaml").read_text(encoding="utf-8")
        refused = page.evaluate(
            """() => post("/api/findings/rate", {theme: "digital-enablement",
                 field: "adequacy", value: "some concerns"}).then(() => "", (e) => e.message)"""
        )
        assert "adequacy 'some concerns' is not a CERQual rating" in refused
        assert (demo_copy / "findings.yaml").read_text(encoding="utf-8") == before
        page.evaluate(
            """() => {
              document.activeElement.blur();
              document.getElementById('findings').parentElement.scrollLeft = 0;
              document.getElementById('findings-title').scrollIntoView({block: 'start'});
              window.scrollBy(0, -50);  // from under the sticky toolbar
            }"""
        )
        page.screenshot(path=str(SHOTS / "workspace-findings.png"))
    saved = yaml.safe_load((demo_copy / "findings.yaml").read_text(encoding="utf-8"))["findings"]
    assert saved["digital-enablement"]["coherence"] == "moderate concerns"
    assert saved["digital-enablement"]["confidence"] == "low"
    assert saved["digital-enablement"]["explanation"] == "One study carries most of it."
    assert saved["governance-and-alignment"]["confidence"] == "very low"  # the others kept
    out = (
        CliRunner().invoke(cli, ["findings", "table", "--json", "--project", str(demo_copy)]).output
    )
    table = {f["theme"]: f for f in json.loads(out)["findings"]}
    assert table["digital-enablement"]["confidence"] == "low"
