"""The workspace's reader in a real browser: decide a suggestion, code a mouse selection, and
read a Markdown document without its markup while every offset still points at the stored text.

Same set-up as test_browser_workspace.py: the demo build served on a free loopback port,
Debian's Chromium through Playwright, the store checked after each step.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import browsing, learned
from conftest import shared
from litsynth.cli import cli

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "img"
pytestmark = pytest.mark.browser


def test_accept_a_suggestion_and_code_a_mouse_selection(demo_copy: Path) -> None:
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        first = page.locator("#passages .suggestion").first
        first.wait_for()
        chunk, code = first.get_attribute("data-chunk"), first.get_attribute("data-code")
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("a")
        page.wait_for_selector(f'.suggestion.accepted[data-chunk="{chunk}"][data-code="{code}"]')
        # Select characters 10..60 of a long passage's text, as a mouse drag does.
        selected = page.evaluate(
            """() => {
                  const texts = [...document.querySelectorAll('#passages .ptext')];
                  const long = texts.find((t) => t.firstChild.textContent.length > 80);
                  const node = long.firstChild.firstChild;  // the first run's text
                  const range = document.createRange();
                  range.setStart(node, 10); range.setEnd(node, 60);
                  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                  return sel.toString();
                }"""
        )
        page.wait_for_selector("#code-selection:not([disabled])")
        pick = page.locator("#code-pick option").nth(1).get_attribute("value")
        page.select_option("#code-pick", pick)
        page.click("#code-selection")
        page.wait_for_selector(".stripe")
        page.wait_for_selector("#reader-status:has-text('coded')")  # the page says what it did
        learned(url)  # the suggestions redrawn after both decisions, then the picture
        page.wait_for_selector("#learning-status:has-text('Suggestions updated')")
        page.evaluate("window.scrollTo(0, 0)")  # the picture for docs/: toolbar and status
        page.screenshot(path=str(SHOTS / "workspace-reader.png"))
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    accepted = conn.execute(
        "SELECT status FROM codings WHERE chunk_id = ? AND code_id = ? ORDER BY seq DESC",
        (chunk, code),
    ).fetchone()
    added = conn.execute(
        "SELECT c.start, c.end, d.text FROM codings c JOIN chunks ch ON ch.id = c.chunk_id"
        " JOIN documents d ON d.id = ch.document_id WHERE c.status = 'added' AND c.code_id = ?",
        (pick,),
    ).fetchall()
    conn.close()
    assert accepted == ("accepted",)
    assert any(text[start:end] == selected for start, end, text in added), (selected, added)


def test_suggestions_learn_from_a_decision_while_the_reviewer_reads(demo_copy: Path) -> None:
    """A rejection starts a suggest run on the server; the page says when it has learned, and
    redraws the document's suggestions with the reviewer's place kept."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.wait_for_selector("#learning-status:has-text('learn from each decision')")
        page.locator("#passages .suggestion").first.wait_for()
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("r")
        page.wait_for_selector("#learning-status:has-text('Suggestions updated')", timeout=90_000)
        line = page.text_content("#learning-status") or ""
        page.wait_for_selector("#passages .suggestion.focused")
        # a run that ends while the reviewer reads further down redraws without moving them
        page.evaluate("window.scrollTo(0, 1500)")
        runs = page.evaluate("learning.runs")
        page.evaluate(
            """async () => {
                const p = reader.passages.find((q) => q.role === 'body' && !q.codings.length);
                await post('/api/coding/add', {document: reader.document, start: p.start,
                                               end: p.end, code: reader.codes[0].id});
                await watchLearning();
            }"""
        )
        assert page.evaluate("learning.runs") > runs  # the page redrew after the new run
        assert page.evaluate("window.scrollY") == 1500
        line = page.text_content("#learning-status") or ""  # now of both decisions
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    models = {m for (m,) in conn.execute("SELECT DISTINCT model FROM suggestions")}
    coded = conn.execute("SELECT COUNT(DISTINCT chunk_id) FROM codings").fetchone()[0]
    conn.close()
    assert f"from {coded} coded passage{'' if coded == 1 else 's'} (" in line, line
    assert len(models) == 1 and next(iter(models)).endswith("+learned.v1"), models


def test_markdown_is_hidden_but_a_selection_across_it_keeps_the_stored_offsets(
    demo_copy: Path,
) -> None:
    """Seed 000 is Markdown: "**Platform-Based Coordination as a Value Enabler.** The …" reads
    without its asterisks, and a selection from before the hidden "**" to after it is coded at
    the stored characters, asterisks included."""
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    doc_id, text = conn.execute(
        "SELECT id, text FROM documents WHERE path LIKE '%000_%'"
    ).fetchone()
    conn.close()
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.locator("#passages .suggestion").first.wait_for()
        page.select_option("#document", doc_id)  # fires "change": the document loads
        page.wait_for_selector("#passages:not([aria-busy])", state="attached")
        page.locator("#passages .ptext .markup").first.wait_for(state="attached")
        shown = page.evaluate(
            "() => [...document.querySelectorAll('#passages .ptext')].map((t) => t.innerText)"
        )
        assert not any("**" in t or "<sup>" in t for t in shown), [t[:80] for t in shown]
        assert any("Platform-Based Coordination as a Value Enabler. The" in t for t in shown)
        # From the 5th character before a hidden "**" to the 5th after it, as a drag does.
        selected = page.evaluate(
            """() => {
                  const mark = [...document.querySelectorAll('#passages .ptext .markup')]
                    .find((m) => m.textContent === '**' && m.previousSibling
                      && m.previousSibling.textContent.length > 5 && m.nextSibling
                      && m.nextSibling.textContent.length > 5);
                  const before = mark.previousSibling.firstChild;
                  const after = mark.nextSibling.firstChild;
                  const range = document.createRange();
                  range.setStart(before, before.length - 5); range.setEnd(after, 5);
                  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                  return sel.toString();
                }"""
        )
        assert len(selected) == 10 and "*" not in selected, selected
        page.wait_for_selector("#code-selection:not([disabled])")
        pick = page.locator("#code-pick option").nth(1).get_attribute("value")
        page.select_option("#code-pick", pick)
        page.click("#code-selection")
        page.wait_for_selector(".stripe")
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    added = conn.execute(
        "SELECT c.start, c.end FROM codings c JOIN chunks ch ON ch.id = c.chunk_id"
        " WHERE c.status = 'added' AND c.code_id = ? AND ch.document_id = ?",
        (pick, doc_id),
    ).fetchall()
    conn.close()
    spans = [text[start:end] for start, end in added]
    # the ten characters selected plus the two asterisks hidden between them
    assert any(len(s) == 12 and s.replace("**", "", 1) == selected for s in spans), (
        selected,
        spans,
    )


def test_a_selection_across_two_passages_says_why_it_cannot_be_coded(demo_copy: Path) -> None:
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.wait_for_selector("#passages:not([aria-busy]) .ptext")
        page.evaluate(
            """() => {
                  const texts = [...document.querySelectorAll('#passages .ptext')];
                  const a = texts[0].firstChild.firstChild, b = texts[1].firstChild.firstChild;
                  const range = document.createRange();
                  range.setStart(a, 1); range.setEnd(b, 1);
                  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                }"""
        )
        page.wait_for_selector("#selection-info:has-text('within one passage')")
        assert page.locator("#code-selection").is_disabled()


def test_another_reviewer_sees_the_document_with_their_own_decisions(demo_copy: Path) -> None:
    """The reader reloads the document when the reviewer changes: ann's acceptance is hers,
    bea sees the suggestion undecided (the header used to reload the screening queue)."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.fill("#reviewer", "ann")
        page.dispatch_event("#reviewer", "change")
        page.wait_for_selector("#passages:not([aria-busy]) .suggestion")
        first = page.locator("#passages .suggestion").first
        chunk, code = first.get_attribute("data-chunk"), first.get_attribute("data-code")
        mine = f'.suggestion[data-chunk="{chunk}"][data-code="{code}"]'
        first.locator("button.decide", has_text="accept").click()
        page.wait_for_selector(mine + ".accepted")
        page.fill("#reviewer", "bea")
        page.dispatch_event("#reviewer", "change")
        page.wait_for_selector(mine + ":not(.accepted)")
        page.fill("#reviewer", "ann")
        page.dispatch_event("#reviewer", "change")
        page.wait_for_selector(mine + ".accepted")


def test_a_pdf_reads_as_paragraphs_and_a_selection_keeps_the_stored_offsets(
    tmp_path: Path,
) -> None:
    """A PDF's passages keep its column's line breaks in the store; the reader shows a break
    inside a paragraph as one space (or nothing after a hyphen), so a selection across one is
    still coded at the stored characters, the newline included."""
    root = tmp_path / "review"
    for folder in ("corpus", "codebook"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(
        shared("data/pdfs/scholarly/papermage/tests/fixtures/2023.eacl-main.121.pdf"),
        root / "corpus" / "longeval.pdf",
    )
    (root / "codebook" / "codes.yaml").write_text(
        "codes:\n- id: agreement\n  definition: How far annotators agree.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(root / "litsynth.db")
    text = conn.execute("SELECT text FROM documents").fetchone()[0]
    conn.close()
    with browsing(root, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.wait_for_selector("#passages:not([aria-busy]) .ptext")
        shown = page.evaluate(
            """() => [...document.querySelectorAll('#passages .ptext')]
                 .map((t) => [Number(t.dataset.start), t.textContent])"""
        )
        joined, across = 0, None
        for n, (start, words) in enumerate(shown):
            stored = text[start : start + len(words)]
            assert len(words) == len(stored)
            for k, (a, b) in enumerate(zip(words, stored, strict=True)):
                assert a == b or (b == "\n" and a in " \u200b"), (a, b, stored[:80])
                joined += a != b
                if a == " " and b == "\n" and across is None and 5 <= k < len(words) - 6:
                    across = (n, k, start)
        assert joined > len(shown) and across  # most passages read as paragraphs
        n, k, start = across
        # From 5 characters before a break shown as a space to 5 after it, as a drag does.
        selected = page.evaluate(
            """([n, k]) => {
                  const holder = document.querySelectorAll('#passages .ptext')[n];
                  const node = holder.firstChild.firstChild;  // its one run of text
                  const range = document.createRange();
                  range.setStart(node, k - 5); range.setEnd(node, k + 6);
                  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                  return sel.toString();
                }""",
            [n, k],
        )
        page.wait_for_selector("#code-selection:not([disabled])")
        page.click("#code-selection")
        page.wait_for_selector(".stripe")
    conn = sqlite3.connect(root / "litsynth.db")
    coded = conn.execute("SELECT start, end FROM codings WHERE status = 'added'").fetchall()
    conn.close()
    assert coded == [(start + k - 5, start + k + 6)]
    assert text[start + k - 5 : start + k + 6] == selected[:5] + "\n" + selected[6:]


def test_the_reader_offers_no_stage_choice(demo_copy: Path) -> None:
    """The header's Stage showed on Read & code, where it changed nothing: the reader reads
    passages, whatever stage their record is at. It shows where it does change the screen."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        page.locator("#passages .passage").first.wait_for()
        assert page.locator("#stage").is_hidden()
        page.goto(f"{url}/screens/conflicts")
        page.wait_for_selector("#stage", state="visible")
