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


def test_draft_codes_from_the_papers_of_a_project_with_no_codebook(project: Path) -> None:
    """Open coding from the page: the seeds' passages clustered into draft codes, written
    to codebook/draft.yaml, offered in the Code list at once."""
    for name in (
        "000_e36bc8967a0d5917.txt",
        "001_fda600e23a8bf5df.txt",
        "002_f98a91929306a877.txt",
    ):
        shutil.copy2(REPO / "corpus" / name, project / "corpus" / name)
    result = CliRunner().invoke(cli, ["ingest", "--project", str(project)])
    assert result.exit_code == 0, result.output
    with browsing(project, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.wait_for_selector("#draft-codes:not([hidden])")
        page.click("#draft-codes")
        until(
            page, "() => document.querySelector('#reader-status').textContent.includes('drafted')"
        )
        status = page.inner_text("#reader-status")
        assert "in codebook/draft.yaml, each with its key phrases and quotes" in status
        drafted = page.eval_on_selector_all("#code-pick option", "(os) => os.map((o) => o.value)")
        assert drafted and all(v.startswith("draft-") for v in drafted)
        assert page.locator("#draft-codes").is_hidden()  # the project has codes now
        # the first draft given its real name and meaning, from the page
        answers = iter(["Supply chain orchestration", "How a lead firm coordinates partners."])
        page.on("dialog", lambda dialog: dialog.accept(next(answers)))
        page.select_option("#code-pick", drafted[0])
        page.click("#edit-code")
        until(page, "() => document.querySelector('#reader-status').textContent.includes('now')")
        assert page.inner_text("#reader-status") == (
            f"{drafted[0]} now “Supply chain orchestration” in codebook/draft.yaml."
        )
        assert "Supply chain orchestration" in page.inner_text("#code-pick")
        page.wait_for_timeout(200)
        page.screenshot(path=str(REPO / "docs" / "img" / "workspace-draft-codes.png"))
    text = (project / "codebook" / "draft.yaml").read_text(encoding="utf-8")
    codes = yaml.safe_load(text)["codes"]
    assert {c["id"] for c in codes} == set(drafted)
    assert codes[[c["id"] for c in codes].index(drafted[0])]["definition"] == (
        "How a lead firm coordinates partners."
    )
