"""The framework matrix on the Matrices screen, in a real browser: a summary written beside
its cell's passages, the next cell one key away, and a summary the cell has outgrown said to
be out of date, its new passage marked."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import REPO, run_cli

pytestmark = pytest.mark.browser
SHOTS = REPO / "docs" / "img"
SAVED = (
    "() => ['saved', 'unchanged'].includes(document.getElementById('summary-status').textContent)"
)


WRITTEN = (
    ("higgerix", "governance-and-alignment",
     "Governance by trust-building relationship management rather than contracts; AI moves"
     " the orchestrator's effort from coordinating to partner relations."),
    ("Yulianti", "orchestration-outcomes",
     "Outcomes reach past the firm (ecosystems, sustainability, servitization), with a warning"
     " after Phadnis (2023) that reliance on orchestration breeds knowledge inertia."),
    ("What is supply chain", "orchestration-outcomes",
     "Orchestration answers shorter disruption cycles: it turns signals into owned, sequenced"
     " actions that planning cycles are too slow to give."),
)  # fmt: skip


def framework(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(run_cli(root, "framework", "table", "--json"))  # type: ignore[no-any-return]


def test_summaries_written_on_the_page_and_outgrown_by_new_codings(demo_copy: Path) -> None:
    with browsing(demo_copy, 1400, 1000) as (url, page):
        page.goto(f"{url}/screens/matrices")
        page.fill("#reviewer", "ana")
        page.dispatch_event("#reviewer", "change")
        page.wait_for_selector("#matrix td.n a")  # the counts first, as ever
        page.select_option("#matrix-show", "summaries")
        page.wait_for_selector("#matrix td.waiting a")
        assert "0 of" in page.text_content("#matrix-status")
        first = page.locator("#matrix td.waiting a").first
        row, col = first.get_attribute("data-cell").split("|")
        first.click()
        page.wait_for_selector("#cell-summary:not([hidden])")
        assert page.text_content("#summary-said") == "Not summarised yet."
        # the sentences to read first: verbatim from the cell's passages, each cited
        page.wait_for_selector("#key-sentences li .cite", timeout=120_000)  # the model loads
        offered = page.locator("#key-sentences li")
        assert 1 <= offered.count() <= 3
        conn = sqlite3.connect(demo_copy / "litsynth.db")
        (text,) = conn.execute("SELECT text FROM documents WHERE id = ?", (row,)).fetchone()
        conn.close()
        for i in range(offered.count()):
            sentence = offered.nth(i).locator("div").nth(1).inner_text()
            assert sentence in " ".join(text.split()), sentence
        page.fill(
            "#summary-text",
            "Frames orchestration as a hub firm designing how partners create value.",
        )
        page.click("#summary-save")
        until(page, SAVED)
        assert "Written by ana" in page.text_content("#summary-said")
        # Ctrl+Enter saves and opens the next cell waiting for a summary
        title = page.text_content("#cell-title")
        page.fill(
            "#summary-text",
            "Frames orchestration as a hub firm designing how partners co-create value.",
        )
        page.press("#summary-text", "Control+Enter")
        until(
            page, f"() => document.getElementById('cell-title').textContent !== {json.dumps(title)}"
        )
        assert page.input_value("#summary-text") == ""
        page.click("#cell-back")
        page.wait_for_selector("#matrix td.written")

    data = framework(demo_copy)
    cell = next(c for c in data["cells"] if (c["row"], c["col"]) == (row, col))
    assert cell["summary"].endswith("co-create value.") and cell["author"] == "ana"
    # a passage of the same source newly coded under the same theme: the summary is outgrown
    code = cell["links"][0]["codes"][0]
    taken = {link["chunk_id"] for link in cell["links"]}
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    chunk = next(
        c for (c,) in conn.execute(
            "SELECT id FROM chunks WHERE document_id = ? AND role = 'body' ORDER BY ordinal", (row,)
        ) if c not in taken
    )  # fmt: skip
    conn.close()
    run_cli(demo_copy, "code", "add", code, "--chunk", chunk, "--coder", "ben")
    for source, theme, words in WRITTEN:  # a few more, as a reviewer's afternoon leaves them
        run_cli(demo_copy, "framework", "write", source, theme, words, "--coder", "ana")

    with browsing(demo_copy, 1400, 1000) as (url, page):
        page.goto(f"{url}/screens/matrices")
        page.select_option("#matrix-show", "summaries")
        stale = page.locator("#matrix td.out-of-date a")
        stale.first.wait_for()
        assert stale.count() == 1 and "out of date" in stale.inner_text()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / "workspace-framework.png"))
        # a theme read down its column: each source's summary, to write the finding from
        page.click('#matrix th a.read-down[data-col="orchestration-outcomes"]')
        column = page.locator("#cell-passages").inner_text()
        assert "Orchestration answers shorter disruption cycles" in column
        assert "Outcomes reach past the firm" in column and "copy them all" in column
        assert page.is_hidden("#cell-summary")
        page.click("#cell-back")
        # the same from the findings below: a finding read down the framework
        page.select_option("#matrix-show", "counts")
        page.locator('#findings tr[data-theme="orchestration-outcomes"] a.read-down').click()
        until(
            page, "() => document.getElementById('cell-title').textContent.startsWith('Outcomes')"
        )
        assert "Orchestration answers shorter disruption cycles" in page.inner_text(
            "#cell-passages"
        )
        assert page.input_value("#matrix-show") == "summaries"
        page.click("#cell-back")
        stale.click()
        page.wait_for_selector("#cell-passages .badge.new")
        assert page.locator("#cell-passages .badge.new").count() == 1
        assert "1 passage(s) coded since" in page.text_content("#summary-said")
        assert page.is_visible("#summary-history")  # the first wording is kept
        page.click("#summary-save")  # the words reread and confirmed: no longer out of date
        until(page, SAVED)
        assert "Out of date" not in page.text_content("#summary-said")
        # a count opens its cell with the same editor
        page.click("#cell-back")
        page.select_option("#matrix-show", "counts")
        page.locator(f'#matrix td.n a[data-cell="{row}|{col}"]').click()
        page.wait_for_selector("#cell-summary:not([hidden])")
        until(page, "() => !document.getElementById('cell-summary').hasAttribute('aria-busy')")
        page.fill(
            "#summary-text", "Frames orchestration as value co-creation designed by a hub firm."
        )
        page.evaluate("document.getElementById('summary-status').textContent = ''")
        page.click("#summary-save")
        until(page, SAVED)
    states = {(c["row"], c["col"]): c["state"] for c in framework(demo_copy)["cells"]}
    assert states[(row, col)] == "written"
    assert next(c for c in framework(demo_copy)["cells"] if (c["row"], c["col"]) == (row, col))[
        "summary"
    ].startswith("Frames orchestration as value co-creation")

    # the report shows the grid, each summary linked to its cell's passages
    run_cli(demo_copy, "report")
    html = (demo_copy / "report" / "index.html").read_text(encoding="utf-8")
    framework_html = html[html.index('id="framework"') : html.index('id="codebook"')]
    assert "Orchestration answers shorter disruption cycles" in framework_html
    assert 'href="#cell-theme-matrix-' in framework_html
    assert "4 cell(s) summarised" in framework_html  # the page's one and WRITTEN
    # …and the manuscript draft its table, each summary with where its passages are
    from docx import Document

    manuscript = Document(str(demo_copy / "report" / "manuscript.docx"))
    (table,) = [t for t in manuscript.tables if t.rows[0].cells[0].text == "Source"]
    said = [c.text for row in table.rows for c in row.cells]
    assert any(
        t.startswith("Orchestration answers shorter disruption cycles") and "[¶" in t for t in said
    )
