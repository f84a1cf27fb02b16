"""Open coding in a real browser: words selected in a paper of a project with no codebook
yet, a code made for them with New code…, and the words coded with it at once."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from browser_support import browsing, until
from conftest import REPO
from litsynth.cli import cli

pytestmark = pytest.mark.browser
SEED = "000_e36bc8967a0d5917.txt"


def test_make_a_code_for_the_selected_words_and_code_them(project: Path) -> None:
    shutil.copy2(REPO / "corpus" / SEED, project / "corpus" / SEED)
    result = CliRunner().invoke(cli, ["ingest", "--project", str(project)])
    assert result.exit_code == 0, result.output
    with browsing(project, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        until(
            page, "() => document.querySelector('#reader-status').textContent.includes('New code')"
        )
        page.wait_for_selector("#passages .ptext")
        selected = page.evaluate(
            """() => {
                  const texts = [...document.querySelectorAll('#passages .ptext')];
                  const long = texts.find((t) => t.firstChild.textContent.length > 80);
                  const node = long.firstChild.firstChild;
                  const range = document.createRange();
                  range.setStart(node, 10); range.setEnd(node, 60);
                  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                  return sel.toString();
                }"""
        )
        answers = iter(["Value through orchestration", "How orchestrating firms create value."])
        page.on("dialog", lambda dialog: dialog.accept(next(answers)))
        page.click("#new-code")
        until(
            page, "() => document.querySelector('#reader-status').textContent.startsWith('coded')"
        )
        assert page.input_value("#code-pick") == "value-through-orchestration"
        page.wait_for_selector(".stripe")
    codes = yaml.safe_load((project / "codebook" / "new-codes.yaml").read_text(encoding="utf-8"))
    assert codes["codes"][0]["definition"] == "How orchestrating firms create value."
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        rows = conn.execute(
            "SELECT c.code_id, substr(d.text, c.start + 1, c.end - c.start) FROM codings c"
            " JOIN documents d ON d.id = c.document_id"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [("value-through-orchestration", selected)]
