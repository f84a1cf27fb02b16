"""Full-text screening in the workspace: where the report is, and a report that cannot be had.

At full text a record shows its linked document, or, with none, how to link one; "Not
retrieved" (key r) records PRISMA's "reports not retrieved" instead of an exclusion. At
title/abstract, where no report is sought, neither the button nor the key is there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import browsing, need_browser, until
from litsynth.cli import cli
from litsynth.config import open_project

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"
pytestmark = pytest.mark.browser


def _included(tmp_path: Path) -> Path:
    """Two fixture records included at title/abstract by the project's reviewer, ann."""
    need_browser()
    root = tmp_path / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text(
        '[project]\nreviewer = "ann"\n\n[embed]\nmodel = "hash-384"\n', encoding="utf-8"
    )
    sheet = root / "ta.csv"
    sheet.write_text("record_id,decision\nr01,yes\nr02,yes\n", encoding="utf-8")
    for args in (["import", str(FIXTURES / "records.csv"), "--source", "Scopus"],
                 ["screen", "import", str(sheet), "--stage", "title-abstract"]):  # fmt: skip
        result = CliRunner().invoke(cli, [*args, "--project", str(root)])
        assert result.exit_code == 0, result.output
    return root


def test_not_retrieved_with_the_keyboard_at_full_text_only(tmp_path: Path) -> None:
    root = _included(tmp_path)
    with browsing(root) as (url, page):
        page.goto(url + "/")
        until(page, "() => document.querySelector('#record').dataset.recordId")
        assert page.locator("#do-not-retrieved").is_hidden()
        page.keyboard.press("r")  # no such key at title/abstract: nothing is recorded
        page.select_option("#stage", "full-text")
        until(page, "() => !document.querySelector('#do-not-retrieved').hidden")
        shown = page.locator("#record").get_attribute("data-record-id")
        assert shown in ("r01", "r02")
        assert page.inner_text("#rec-fulltext").startswith("Full text: none linked.")
        assert f"litsynth link {shown} FILE" in page.inner_text("#rec-fulltext")
        listed = page.locator("#rec-fulltext a").get_attribute("href")
        assert listed == "/api/export/records?stage=to-retrieve&format=ris"
        page.keyboard.press("r")
        until(page, "() => document.querySelector('#record').dataset.recordId !== arguments[0]"
              .replace("arguments[0]", repr(shown)))  # fmt: skip
        assert "not retrieved\n1" in page.inner_text("#progress")
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute(
        "SELECT record_id, stage, decision FROM decisions WHERE source = 'workspace'"
    ).fetchall()
    conn.close()
    assert rows == [(shown, "full-text", "not-retrieved")]


def test_a_full_text_conflict_can_be_resolved_as_not_retrieved(tmp_path: Path) -> None:
    """One reviewer found the report and excluded it, the other could not get it."""
    from litsynth.biblio import screening_ops as ops
    from litsynth.store import opened

    root = _included(tmp_path)
    settings = open_project(root).settings.screening
    with opened(root / "litsynth.db") as conn:
        for reviewer, decision in (("amy", "exclude"), ("ben", "not-retrieved")):
            ops.record_decision(conn, "r01", stage="full-text", decision=decision,
                                reviewer=reviewer, settings=settings)  # fmt: skip
    with browsing(root) as (url, page):
        page.goto(url + "/screens/conflicts")
        page.select_option("#stage", "full-text")
        row = page.locator('tr[data-record-id="r01"]')
        row.wait_for()
        assert "ben: not-retrieved" in row.text_content()
        row.locator('button[data-decision="not-retrieved"]').click()
        page.wait_for_selector('tr[data-record-id="r01"]', state="detached")
        page.select_option("#stage", "title-abstract")  # no report is sought there
        until(page, "() => document.querySelector('#agreement').textContent.includes('kappa')")
        assert page.locator('button[data-decision="not-retrieved"]').count() == 0
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute("SELECT decision FROM decisions WHERE origin = 'resolution'").fetchall()
    conn.close()
    assert rows == [("not-retrieved",)]


def test_a_full_text_exclusion_asks_for_its_reason_once(tmp_path: Path) -> None:
    """PRISMA 2020 counts excluded reports by reason; `e` alone at full text recorded one
    under "no reason given" without a word."""
    root = _included(tmp_path)
    with browsing(root) as (url, page):
        page.goto(url + "/")
        page.select_option("#stage", "full-text")
        until(page, "() => !document.querySelector('#do-not-retrieved').hidden")
        first = page.locator("#record").get_attribute("data-record-id")
        page.keyboard.press("e")
        until(
            page, "() => document.querySelector('#status').textContent.includes('needs a reason')"
        )
        assert page.locator("#record").get_attribute("data-record-id") == first  # nothing yet
        page.keyboard.press("2")  # the second reason of the project's list
        until(page, "() => document.querySelector('#record').dataset.recordId !== arguments[0]"
              .replace("arguments[0]", repr(first)))  # fmt: skip
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute(
        "SELECT record_id, decision, reason FROM decisions WHERE stage = 'full-text'"
    ).fetchall()
    conn.close()
    assert len(rows) == 1 and rows[0][:2] == (first, "exclude") and rows[0][2]
