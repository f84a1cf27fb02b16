"""The Duplicates screen before any dedupe: not "no pairs left", but that none was looked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import browsing, need_browser, until
from litsynth.cli import cli

RECORDS = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"
pytestmark = pytest.mark.browser


def test_the_duplicates_screen_says_when_dedupe_has_not_run(tmp_path: Path) -> None:
    need_browser()
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(RECORDS), "--source", "S", "--project", str(root)]
    )
    assert result.exit_code == 0, result.output
    done = "() => document.querySelector('#pair-done').textContent"
    with browsing(root) as (url, page):
        page.goto(url + "/screens/duplicates")
        until(page, done + ".includes('not been looked for yet')")
        assert "litsynth dedupe" in page.inner_text("#pair-done")
        assert CliRunner().invoke(cli, ["dedupe", "--project", str(root)]).exit_code == 0
        page.reload()
        until(page, "() => !document.querySelector('#pair-done').hidden")
        page.wait_for_timeout(500)  # the status answer, had it been asked for, is in by now
        assert page.inner_text("#pair-done").startswith("No pairs left to settle")
