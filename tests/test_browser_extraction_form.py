"""The Extraction screen of a project with no form: it offers the starter form, writes it
(as `litsynth extract init` does) and shows its fields, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import browsing, until
from litsynth.biblio.extraction import load_form
from litsynth.cli import cli

pytestmark = pytest.mark.browser


def test_a_project_without_a_form_gets_the_starter_form_from_the_page(tmp_path: Path) -> None:
    root = tmp_path / "review"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    form = root / "extraction.yaml"
    with browsing(root) as (url, page):
        page.goto(url + "/screens/extraction")
        until(page, "() => !document.querySelector('#extraction-start').hidden")
        assert "no extraction form" in page.inner_text("#extraction-status")
        assert not form.exists()
        page.click("#do-start-form")
        until(
            page,
            "() => document.querySelector('#extraction-status').textContent.startsWith('Wrote')",
        )
        assert page.locator("#extraction-start").is_hidden()
        status = page.inner_text("#extraction-status")
        assert str(form) in status and "No study is included at full text yet." in status
        heads = page.locator("#extraction-head th").all_inner_texts()
        assert heads[0] == "study"
        assert heads[1:] == [field.label for field in load_form(form).fields]
        # the file is the CLI's own starter form, and a second click could not overwrite it
        assert CliRunner().invoke(cli, ["extract", "init", "--project", str(root)]).exit_code != 0
