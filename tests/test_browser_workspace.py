"""The workspace in a real browser: screen records with the keyboard only, search, no XSS.

A real server (uvicorn) on a free loopback port, driven by Playwright in Debian's Chromium with
the closed-network flags; the store is checked after every step, not the page alone.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from browser_support import browser_page, browsing, learned, need_browser, serving, until
from litsynth.cli import cli

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "img"
# Import drops complete tags from titles; an unclosed one survives it and must show as text.
EVIL_TITLE = "Nudging nurses toward hand hygiene <img src=x onerror=window.__pwned=1 //"
pytestmark = pytest.mark.browser


def _screened(page: Any, n: int) -> None:
    """Wait until the progress panel says `n` records are screened."""
    shows = "n => { const dd = document.querySelector('#progress dd'); return dd !== null"
    until(page, shows + " && dd.textContent.startsWith(n + ' of'); }", n)


def _as_reviewer(page: Any, url: str, name: str) -> None:
    """Open the screening page as reviewer `name`, who has screened nothing yet."""
    page.goto(url + "/")
    page.fill("#reviewer", name)
    page.dispatch_event("#reviewer", "change")
    _screened(page, 0)


def _bare_project(root: Path) -> Path:
    """A project with nothing in it yet, on the test embedder."""
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    need_browser()
    root = tmp_path_factory.mktemp("wsb") / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text(
        '[project]\nname = "browser"\nreviewer = "ann"\n\n[embed]\nmodel = "hash-384"\n\n'
        '[screening]\ncriteria = "nudges for nurses and physicians in hospitals"\n'
        'reasons = ["not about nudging", "not healthcare professionals"]\n'
        'include_terms = ["nudg*"]\nexclude_terms = ["wards"]\n',
        encoding="utf-8",
    )
    (root / "corpus" / "a.md").write_text(
        "# Platforms\n\nDigital platforms coordinate suppliers <script>window.__pwned=2</script>"
        " and partners in orchestrated supply chains.\n",
        encoding="utf-8",
    )
    records = root / "records.csv"
    with records.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["record_id", "title", "abstract", "authors", "year"])
        writer.writerow(["x0", EVIL_TITLE, "An <script>window.__pwned=3</script> abstract.",
                         "Doe, J", "2020"])  # fmt: skip
        for i in range(1, 24):
            title = f"Study {i} of nudges for nurses in hospital {i}"
            abstract = (  # structured, as 44 % of a healthcare search's abstracts are
                f"BACKGROUND: Study {i} asks whether nudges change care. METHODS: Physicians and"
                f" nurses were nudged. RESULTS: Prescribing fell in {i} of 24 wards."
            )
            writer.writerow([f"r{i:02d}", title, abstract, "Roe, R", "2019"])
    runner = CliRunner()
    for args in (["ingest"], ["import", str(records), "--source", "Scopus"]):
        result = runner.invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    with serving(root) as url:
        yield url, root


def _rows(root: Path, reviewer: str) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return conn.execute(
            "SELECT record_id, decision, reason FROM decisions WHERE reviewer = ? ORDER BY seq",
            (reviewer,),
        ).fetchall()
    finally:
        conn.close()


def test_screen_twenty_records_with_the_keyboard_only(served: tuple[str, Path]) -> None:
    url, root = served
    keys = ["i", "e", "m", "1", "2"] * 4  # include, exclude, maybe, reason 1, reason 2
    with browser_page(1280, 800) as page:
        page.goto(url + "/")
        page.wait_for_selector("#rec-title:not(:empty)")
        seen, labels, marks = [], set(), set()
        for n, key in enumerate(keys, start=1):
            seen.append(page.locator("#record").get_attribute("data-record-id"))
            labels.add(tuple(page.locator("#rec-abstract .section-label").all_inner_texts()))
            marks.update(
                (m.get_attribute("class"), m.inner_text())
                for m in page.locator("#rec-title mark, #rec-abstract mark").all()
            )
            page.keyboard.press(key)
            until(
                page,
                "n => document.querySelector('#progress dd') &&"
                " document.querySelector('#progress dd').textContent.startsWith(n + ' of')",
                n,
            )
        assert page.evaluate("window.__pwned") is None  # markup in records never ran
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "workspace-screening.png"))
    rows = _rows(root, "ann")
    assert [r[0] for r in rows] == seen and len(set(seen)) == 20
    # the structured abstracts showed each section under its label; x0's has none
    assert labels <= {("BACKGROUND", "METHODS", "RESULTS"), ()}
    assert ("BACKGROUND", "METHODS", "RESULTS") in labels
    # the project's screening terms in their colours: include_terms green, exclude_terms red,
    # the criteria's words yellow
    assert {("term-include", "nudges"), ("term-include", "nudged")} <= marks
    assert ("term-exclude", "wards") in marks and ("term-criteria", "nurses") in marks
    expected = {
        "i": ("include", ""),
        "e": ("exclude", ""),
        "m": ("maybe", ""),
        "1": ("exclude", "not about nudging"),
        "2": ("exclude", "not healthcare professionals"),
    }
    assert [(d, r) for _, d, r in rows] == [expected[k] for k in keys]


def test_with_nothing_left_only_undo_stays(served: tuple[str, Path]) -> None:
    """The decision buttons showed beside "Nothing left to screen" (the row's flex display
    beat its hidden attribute) and did nothing when clicked; Undo stays, to take back the
    last decision."""
    url, _ = served
    with browser_page(1280, 720) as page:
        page.goto(url + "/")
        token = page.locator('meta[name="litsynth-token"]').get_attribute("content")
        assert token
        for rid in [f"r{i:02d}" for i in range(1, 24)] + ["x0"]:
            _post(url, "/api/screen/decide", token,
                  {"record_id": rid, "decision": "exclude", "reviewer": "yan"})  # fmt: skip
        page.fill("#reviewer", "yan")
        page.dispatch_event("#reviewer", "change")
        until(page, "() => !document.querySelector('#rec-done').hidden")
        until(page, "() => document.querySelector('#do-include').offsetParent === null")
        assert page.locator("#do-exclude").is_hidden() and page.locator("#do-maybe").is_hidden()
        assert page.locator("#do-undo").is_visible()
        page.locator("#do-undo").click()  # the last decision is taken back: x0 is to decide
        until(page, "() => document.querySelector('#rec-done').hidden")
        assert page.locator("#record").get_attribute("data-record-id") == "x0"
        assert page.locator("#do-include").is_visible()


def test_hostile_title_shows_as_text(served: tuple[str, Path]) -> None:
    url, root = served
    conn = sqlite3.connect(root / "litsynth.db")
    (stored,) = conn.execute("SELECT title FROM records WHERE id = 'x0'").fetchone()
    conn.close()
    assert "<img src=x onerror=" in stored  # the payload reached the store
    with browser_page(1280, 720) as page:
        page.goto(url + "/")
        token = page.locator('meta[name="litsynth-token"]').get_attribute("content")
        assert token
        for i in range(1, 24):  # leave only the hostile record for this reviewer
            _post(url, "/api/screen/decide", token,
                  {"record_id": f"r{i:02d}", "decision": "maybe", "reviewer": "zed"})  # fmt: skip
        page.fill("#reviewer", "zed")
        page.dispatch_event("#reviewer", "change")
        page.wait_for_selector('#record[data-record-id="x0"]')
        assert page.locator("#rec-title").text_content() == stored
        assert page.locator("#rec-title img").count() == 0
        assert page.evaluate("window.__pwned") is None


def test_a_record_links_to_its_full_text_in_the_reader(served: tuple[str, Path]) -> None:
    """Full-text screening reads the paper: a record linked to a document (`litsynth link`)
    shows it, and the link opens the reader at that document."""
    url, root = served
    result = CliRunner().invoke(cli, ["link", "r05", "a.md", "--project", str(root)])
    assert result.exit_code == 0, result.output
    try:
        _open_the_full_text(url)
    finally:  # the module's other tests cite a.md by its own (absent) metadata
        unlink = ["link", "r05", "a.md", "--unlink", "--project", str(root)]
        assert CliRunner().invoke(cli, unlink).exit_code == 0


def _open_the_full_text(url: str) -> None:
    with browser_page(1280, 720) as page:
        page.goto(url + "/")
        token = page.locator('meta[name="litsynth-token"]').get_attribute("content")
        assert token
        for rid in ["x0", *(f"r{i:02d}" for i in range(1, 24) if i != 5)]:
            _post(url, "/api/screen/decide", token,
                  {"record_id": rid, "decision": "maybe", "reviewer": "fay"})  # fmt: skip
        page.fill("#reviewer", "fay")
        page.dispatch_event("#reviewer", "change")
        page.wait_for_selector('#record[data-record-id="r05"]')
        link = page.locator("#rec-fulltext a")
        assert page.inner_text("#rec-fulltext").startswith("Full text: ")
        href = link.get_attribute("href")
        assert href is not None and href.startswith("/screens/reader#doc=")
        page.goto(url + href)
        page.wait_for_selector(".passage")
        assert "Digital platforms coordinate suppliers" in page.inner_text("#passages")
        assert page.locator("#document").input_value() == href.split("#doc=", 1)[1]


def test_a_note_goes_with_the_decision_into_the_log(served: tuple[str, Path]) -> None:
    url, root = served
    with browser_page(1280, 720) as page:
        page.goto(url + "/")
        page.fill("#reviewer", "gus")
        page.dispatch_event("#reviewer", "change")  # marks #record busy until gus's queue shows
        until(page, "() => !document.querySelector('#record').hasAttribute('aria-busy')")
        page.wait_for_selector("#rec-title:not(:empty)")
        page.locator("#reviewer").blur()  # the keys are the page's, not the name field's
        record = page.locator("#record").get_attribute("data-record-id")
        page.keyboard.press("n")  # the note field, then Enter gives the keys back
        page.keyboard.type("conference abstract only; check the full paper")
        page.keyboard.press("Enter")
        page.keyboard.press("m")
        until(page, "r => document.querySelector('#record').dataset.recordId !== r", record)
        assert page.locator("#do-note").input_value() == ""  # the next record starts blank
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute(
        "SELECT record_id, decision, note FROM decisions WHERE reviewer = 'gus'"
    ).fetchall()
    conn.close()
    assert rows == [(record, "maybe", "conference abstract only; check the full paper")]


def test_search_screen_shows_hits_with_citations(served: tuple[str, Path]) -> None:
    url, _ = served
    with browser_page(1280, 700) as page:
        page.goto(url + "/screens/search")
        page.fill("#q", "platforms coordinate suppliers")
        page.keyboard.press("Enter")
        page.wait_for_selector("#hits li .cite")
        assert "(n.d.)" in page.locator("#hits li .cite").first.text_content()
        assert "<script>" in page.locator("#hits li").first.text_content()
        assert page.evaluate("window.__pwned") is None
        page.screenshot(path=str(SHOTS / "workspace-search.png"))
        chunk = page.locator("#hits li").first.text_content().split("passage ")[1].split(" ")[0]
        page.locator("#hits a.open-reader").first.click()
        page.wait_for_selector(f'.passage.target[data-chunk="{chunk}"]')
        # filters nothing passes: said, not an empty list
        page.goto(url + "/screens/search")
        page.fill("#q", "platforms coordinate suppliers")
        page.fill("#year-min", "2999")
        page.keyboard.press("Enter")
        until(
            page, "() => document.querySelector('#hits').textContent.includes('No passage found')"
        )


def _post(url: str, path: str, token: str, body: dict[str, str]) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Litsynth-Token": token},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def test_resolve_a_conflict_between_two_reviewers(served: tuple[str, Path]) -> None:
    url, root = served
    with browser_page(1280, 700) as page:
        page.goto(url + "/screens/conflicts")
        token = page.locator('meta[name="litsynth-token"]').get_attribute("content")
        assert token
        _post(url, "/api/screen/decide", token,
              {"record_id": "r23", "decision": "include", "reviewer": "amy"})  # fmt: skip
        _post(url, "/api/screen/decide", token,
              {"record_id": "r23", "decision": "exclude", "reviewer": "ben",
               "reason": "not about nudging"})  # fmt: skip
        page.reload()
        row = page.locator('tr[data-record-id="r23"]')
        row.wait_for()
        assert "amy: include" in row.text_content() and "ben: exclude" in row.text_content()
        page.screenshot(path=str(SHOTS / "workspace-conflicts.png"))
        row.locator('button[data-decision="include"]').click()
        page.wait_for_selector('tr[data-record-id="r23"]', state="detached")
        # a second conflict, resolved as an exclusion with the reason typed beside it
        _post(url, "/api/screen/decide", token,
              {"record_id": "r22", "decision": "include", "reviewer": "amy"})  # fmt: skip
        _post(url, "/api/screen/decide", token,
              {"record_id": "r22", "decision": "exclude", "reviewer": "ben"})  # fmt: skip
        page.reload()
        other = page.locator('tr[data-record-id="r22"]')
        other.wait_for()
        other.locator("input.reason").fill("not healthcare professionals")
        other.locator('button[data-decision="exclude"]').click()
        page.wait_for_selector('tr[data-record-id="r22"]', state="detached")
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute(
        "SELECT decision, origin FROM decisions WHERE record_id = 'r23' AND origin = 'resolution'"
    ).fetchall()
    with_reason = conn.execute(
        "SELECT decision, reason FROM decisions WHERE record_id = 'r22' AND origin = 'resolution'"
    ).fetchall()
    conn.close()
    assert rows == [("include", "resolution")]
    assert with_reason == [("exclude", "not healthcare professionals")]


def test_matrix_cell_opens_its_passages_and_prisma_draws(demo_project: Path) -> None:
    """On the demo (a codebook, codings and records): a cell lists as many passages as it
    counts, each with a citation, and the PRISMA diagram loads as an image."""
    with browsing(demo_project, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        link = page.locator("#matrix a[data-cell]").first
        link.wait_for()
        count = int(link.text_content() or "0")
        link.click()
        page.wait_for_selector("#cell-passages li")
        assert page.locator("#cell-passages li").count() == count
        assert all(c.strip() for c in page.locator("#cell-passages .cite").all_text_contents())
        page.screenshot(path=str(SHOTS / "workspace-matrix-cell.png"))
        page.locator("#cell-back").click()
        until(page, "document.getElementById('prisma').naturalWidth > 0")


def test_the_flow_in_words_is_under_the_diagram_and_copies(demo_project: Path) -> None:
    """The study-selection paragraph for the Results, as `litsynth prisma --paragraph -`
    writes it, shows under the diagram, and its button puts it on the clipboard."""
    printed = CliRunner().invoke(
        cli, ["prisma", "--paragraph", "-", "--project", str(demo_project)]
    )
    assert printed.exit_code == 0, printed.output
    methods = CliRunner().invoke(cli, ["prisma", "--methods", "-", "--project", str(demo_project)])
    assert methods.exit_code == 0, methods.output
    with browsing(demo_project, 1280, 900) as (url, page):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page.goto(f"{url}/screens/matrices")
        page.wait_for_selector("#prisma-words-box:not([hidden])")
        shown = page.locator("#prisma-words").text_content() or ""
        page.locator("#copy-prisma-words").click()
        until(page, "() => document.getElementById('copy-prisma-words').textContent === 'copied'")
        copied = page.evaluate("navigator.clipboard.readText()")
        shown_methods = page.locator("#prisma-methods").text_content() or ""
        page.locator("#prisma-words-box").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "workspace-prisma-words.png"))
    assert shown == copied == printed.output.strip()
    assert shown.startswith("The searches identified ") and "studies were included" in shown
    assert shown_methods == methods.output.strip()
    assert "Titles and abstracts were screened by two reviewers" in shown_methods


def test_a_flow_that_does_not_add_up_says_why_where_the_diagram_would_be(
    demo_copy: Path,
) -> None:
    """A log that does not add up (written by a project from before the full-text basis rule)
    showed a broken picture under "PRISMA 2020" and nothing else: the page now says what
    `litsynth prisma` says, the records to look at included."""
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    (rid,) = conn.execute(
        "SELECT record_id FROM decisions WHERE stage = 'full-text' ORDER BY seq LIMIT 1"
    ).fetchone()
    conn.execute(
        "INSERT INTO decisions (record_id, stage, decision, reviewer, at, origin, source) "
        "VALUES (?, 'title-abstract', 'exclude', 'demo', '2026-12-01T10:00:00Z', 'terminal', "
        "'before the rule')",
        (rid,),
    )
    conn.commit()
    conn.close()
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        until(page, "document.getElementById('prisma-status').textContent.length > 0")
        status = page.locator("#prisma-status").text_content() or ""
        assert "does not add up to a PRISMA flow" in status and rid in status
        assert page.locator("#prisma").is_hidden()
        assert page.locator("#prisma-words-box").is_hidden()  # no words for a flow that isn't one


def test_extraction_screen_saves_checked_values(demo_copy: Path) -> None:
    """Data extraction in the browser: a choice and a number saved to the store, a bad number
    refused with the form's words and nothing recorded for it."""

    def values() -> dict[tuple[str, str], str]:
        conn = sqlite3.connect(demo_copy / "litsynth.db")
        try:
            rows = conn.execute("SELECT record_id, field, value FROM extraction_values ORDER BY id")
            return {(r, f): v for r, f, v in rows}
        finally:
            conn.close()

    with browsing(demo_copy, 1400, 900) as (url, page):
        page.goto(f"{url}/screens/extraction")
        row = page.locator('#extraction tr[data-record-id="scopus-101002-sej1258"]')
        row.wait_for()
        assert page.locator("#extraction tr").count() == 28  # the demo's included studies
        row.locator('select[data-field="design"]').select_option("conceptual")
        page.wait_for_selector('#extraction tr[data-record-id="scopus-101002-sej1258"] td.saved')
        assert values()[("scopus-101002-sej1258", "design")] == "conceptual"
        # Amit & Zott (2001): 59 e-businesses, from records/extraction.csv
        cases = page.locator(
            '#extraction tr[data-record-id="scopus-101002-smj187"] input[data-field="n_cases"]'
        )
        cases.fill("about sixty")
        cases.press("Tab")
        page.wait_for_selector("td.invalid")
        assert "is not a whole number" in (page.locator("#extraction-status").text_content() or "")
        assert values()[("scopus-101002-smj187", "n_cases")] == "59"  # nothing recorded
        cases.fill("59")
        cases.press("Tab")
        page.wait_for_selector('#extraction-status:has-text("saved Cases or respondents")')
        assert values()[("scopus-101002-smj187", "n_cases")] == "59"
        page.screenshot(path=str(SHOTS / "workspace-extraction.png"))


def test_undo_with_the_keyboard_puts_the_record_back(served: tuple[str, Path]) -> None:
    url, root = served
    with browser_page() as page:
        _as_reviewer(page, url, "uma")
        first = page.locator("#record").get_attribute("data-record-id")
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("e")
        _screened(page, 1)
        page.keyboard.press("u")
        _screened(page, 0)
        assert page.locator("#record").get_attribute("data-record-id") == first  # shown again
        assert "undone" in (page.locator("#status").text_content() or "")
        page.keyboard.press("i")
        _screened(page, 1)
    assert _rows(root, "uma") == [(first, "exclude", ""), (first, "undecided", ""),
                                  (first, "include", "")]  # fmt: skip


def test_search_one_passage_per_document(demo_copy: Path) -> None:
    """On the demo, ten hits come from four documents; one per document lists each document
    once, by its best passage, and reaches further down to documents the ten left out."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(url + "/screens/search")
        page.fill("#q", "platforms coordinate suppliers")
        page.keyboard.press("Enter")
        page.wait_for_selector("#hits li .cite")
        every = [c.split(", ")[0] for c in page.locator("#hits li .cite").all_text_contents()]
        page.select_option("#per-document", "1")
        page.keyboard.press("Enter")
        # the new list is drawn when no work repeats (the first list repeats Yulianti & Santoso)
        distinct = (
            "() => { const w = [...document.querySelectorAll('#hits li .cite')]"
            ".map((e) => e.textContent.split(', ')[0]);"
            " return w.length > 0 && new Set(w).size === w.length; }"
        )
        until(page, distinct)
        works = [c.split(", ")[0] for c in page.locator("#hits li .cite").all_text_contents()]
    assert len(every) == 10 and len(set(every)) < 10
    # each document once, every document of the ten among them, and more documents reached
    assert len(works) == len(set(works)) and set(every) < set(works) and works[0] == every[0]


def test_copy_a_hit_and_a_selection_as_quotes(demo_copy: Path) -> None:
    """A search hit's "copy quote" and the reader's "Copy as quote" put the words in quotation
    marks with their parenthetical citation on the clipboard, the reader's for the selected
    words only."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page.goto(url + "/screens/search")
        page.fill("#q", "platforms coordinate suppliers")
        page.keyboard.press("Enter")
        page.locator("#hits button.copy-quote").first.click()
        until(
            page, "() => document.querySelector('#hits button.copy-quote').textContent === 'copied'"
        )
        hit = page.evaluate("navigator.clipboard.readText()")
        cite = page.locator("#hits li .cite").first.text_content() or ""
        page.click("#copy-all")  # every hit, one quote per paragraph
        until(page, "() => document.querySelector('#copy-all').textContent.startsWith('copied')")
        every = page.evaluate("navigator.clipboard.readText()").split("\n\n")
        assert len(every) == page.locator("#hits li").count() and every[0] == hit
        page.locator("#hits a.open-reader").first.click()
        page.wait_for_selector(".passage.target .ptext")
        page.evaluate(
            """() => { const runs = [...document.querySelectorAll('.passage.target .ptext > span')];
              const node = runs.find((r) => r.textContent.length > 40).firstChild;
              const range = document.createRange(); range.setStart(node, 0); range.setEnd(node, 30);
              const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); }"""
        )
        page.wait_for_selector("#copy-quote:not([disabled])")
        page.click("#copy-quote")
        until(
            page, "() => document.querySelector('#reader-status').textContent.startsWith('copied')"
        )
        part = page.evaluate("navigator.clipboard.readText()")
        # a passage's own button copies the whole passage: the search hit's quote again
        page.locator(".passage.target button.copy-quote").click()
        until(page, "q => document.querySelector('#reader-status').textContent.endsWith(q)", hit)
        whole = page.evaluate("navigator.clipboard.readText()")
    work = cite.split(" (")[0]  # "Yulianti & Santoso" from "Yulianti & Santoso (2025), § …"
    assert hit.startswith("“") and f"” ({work}, " in hit and hit.endswith(")")
    words, cited = part.split("” (")
    assert len(words) <= 31 and words[1:] in hit and cited.startswith(work)
    assert whole == hit


def test_relations_confirm_a_pair_into_the_codebook(demo_copy: Path) -> None:
    """The Relations screen lists the code pairs that share passages, with the passages behind
    each; a relation confirmed there is in codebook/relations.yaml, as `code relate --confirm`
    writes it, and in the confirmed list."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(url + "/screens/relations")
        row = page.locator("#relations tr").first
        row.wait_for()
        a, b = (row.get_attribute("data-pair") or "").split("|")
        row.locator("details summary").click()
        evidence = row.locator("ul.evidence a").first
        assert evidence.get_attribute("href", timeout=5000).startswith("/screens/reader#doc=")
        row.locator("select").select_option("enables")
        row.locator("button", has_text="Confirm").click()
        until(
            page,
            "() => document.querySelector('#relations-status').textContent.startsWith('confirmed')",
        )
        confirmed = page.inner_text("#relations-confirmed")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "workspace-relations.png"))
    written = yaml.safe_load(
        (demo_copy / "codebook" / "relations.yaml").read_text(encoding="utf-8")
    )
    assert {"source": a, "target": b, "type": "enables"}.items() <= written["relations"][-1].items()
    assert "enables" in confirmed


def test_matrix_kinds_source_switch_and_codebook_memo(demo_copy: Path) -> None:
    """The matrices screen: another matrix, human/machine/both, the codebook tree with counts
    and a filter, and a memo on a code written from the page."""

    def total(page) -> int:  # type: ignore[no-untyped-def]
        texts = page.locator("#matrix td a").all_text_contents()
        return sum(int(t) for t in texts)

    with browsing(demo_copy, 1280, 1000) as (url, page):
        page.goto(f"{url}/screens/matrices")
        page.locator("#matrix a[data-cell]").first.wait_for()
        both = total(page)
        drawn = "#matrix:not([aria-busy])"
        page.select_option("#matrix-source", "machine")
        page.wait_for_selector(drawn, state="attached")
        machine = total(page)
        page.select_option("#matrix-source", "human")
        page.wait_for_selector(drawn, state="attached")
        human = total(page)
        assert machine > 0 and both >= machine and both >= human  # the demo's codings are machine
        # nobody has coded the demo: no grid of empty cells, but what would fill it
        assert human == 0 and page.locator("#matrix").is_hidden()
        note = page.inner_text("#matrix-status")
        assert "machine suggestions wait in Read & code" in note, note
        page.select_option("#matrix-source", "both")
        page.select_option("#matrix-kind", "codes|codes")
        page.wait_for_selector("#matrix-title:has-text('Code co-occurrence')")
        page.locator("#codebook li.node-code").first.wait_for()
        n_codes = page.locator("#codebook li.node-code").count()
        page.wait_for_selector("#themes section.theme h2")
        assert page.locator("#themes section.theme").count() >= 3  # the demo's themes
        assert "Core category" in (page.locator("#core").text_content() or "")
        page.fill("#code-filter", "platform")
        visible = page.locator("#codebook li.node-code:not([hidden])").count()
        assert 0 < visible < n_codes
        page.once("dialog", lambda dialog: dialog.accept("Platforms recur in three seeds."))
        page.locator("#codebook li.node-code:not([hidden]) button.memo").first.click()
        page.wait_for_selector("#codebook-status:has-text('memo saved')")
        page.screenshot(path=str(SHOTS / "workspace-matrices.png"), full_page=False)
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    memos = conn.execute("SELECT target, text FROM memos").fetchall()
    conn.close()
    assert ("platform-coordination", "Platforms recur in three seeds.") in memos


def test_the_themes_count_what_the_matrix_above_them_counts(demo_copy: Path) -> None:
    """The themes were built from every coding and suggestion whatever the Codings switch
    said: 188 passages under a matrix of 5. They now follow the switch, as the matrix does."""
    import json
    import urllib.request

    def api(url: str, source: str) -> dict:  # type: ignore[type-arg]
        return json.load(urllib.request.urlopen(f"{url}/api/themes?source={source}"))  # type: ignore[no-any-return]

    with browsing(demo_copy, 1280, 1000) as (url, page):
        page.goto(f"{url}/screens/matrices")
        page.wait_for_selector("#themes section.theme h2")
        for source in ("human", "both"):
            page.select_option("#matrix-source", source)
            first = api(url, source)["themes"][0]
            said = f"{first['n_passages']} passages in {first['n_documents']} documents"
            page.wait_for_selector(f"#themes section.theme:first-child p.meta:has-text('{said}')")
        assert api(url, "human")["themes"][0]["n_passages"] == 0  # nobody has coded the demo
        assert api(url, "both")["themes"][0]["n_passages"] > 0
        assert "Core category" in (page.locator("#core").text_content() or "")


def test_review_queue_walks_across_documents(demo_copy: Path) -> None:
    """n opens the most informative undecided suggestion wherever it is; a opens the next."""
    import json
    import urllib.request

    with browsing(demo_copy, 1280, 900) as (url, page):
        first = json.load(urllib.request.urlopen(f"{url}/api/coding/next?coder=ann"))["item"]
        page.goto(f"{url}/screens/reader")
        page.locator("#passages .suggestion").first.wait_for()
        page.fill("#reviewer", "ann")
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("n")
        page.wait_for_selector("#reader-status:has-text('most informative')")
        focused = page.locator(".suggestion.focused")
        assert (focused.get_attribute("data-chunk"), focused.get_attribute("data-code")) == (
            first["chunk_id"], first["code"]
        )  # fmt: skip
        assert page.locator("#document").input_value() == first["document"]
        page.keyboard.press("a")
        page.wait_for_selector(
            f'.suggestion.accepted[data-chunk="{first["chunk_id"]}"][data-code="{first["code"]}"]'
        )
        learned(url)  # the next suggestion is the one after the run that learned from this
        after = json.load(urllib.request.urlopen(f"{url}/api/coding/next?coder=ann"))["item"]
        assert (after["chunk_id"], after["code"]) != (first["chunk_id"], first["code"])
        # reject the next one with r; change the one after to a code found in the code list
        page.keyboard.press("n")
        page.wait_for_selector(
            f'.suggestion.focused[data-chunk="{after["chunk_id"]}"][data-code="{after["code"]}"]'
        )
        page.keyboard.press("r")
        page.wait_for_selector(
            f'.suggestion.rejected[data-chunk="{after["chunk_id"]}"][data-code="{after["code"]}"]'
        )
        learned(url)
        third = json.load(urllib.request.urlopen(f"{url}/api/coding/next?coder=ann"))["item"]
        page.keyboard.press("n")
        page.wait_for_selector(
            f'.suggestion.focused[data-chunk="{third["chunk_id"]}"][data-code="{third["code"]}"]'
        )
        target = (
            "value-co-creation" if third["code"] != "value-co-creation" else "vertical-integration"
        )
        page.fill("#code-find", target)
        assert page.locator("#code-pick").input_value() == target
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("c")
        page.wait_for_selector(f"#reader-status:has-text('to {target}')")
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    log = conn.execute(
        "SELECT chunk_id, code_id, status FROM codings WHERE coder = 'ann'"
    ).fetchall()
    conn.close()
    assert (after["chunk_id"], after["code"], "rejected") in log
    assert (third["chunk_id"], third["code"], "rejected") in log  # a change: reject + add
    assert (third["chunk_id"], target, "added") in log


def test_search_by_role_and_references_dimmed_in_the_reader(demo_project: Path) -> None:
    with browsing(demo_project, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/search")
        page.fill("#q", "knowledge sources of entrepreneurship")
        page.select_option("#role", "references")
        page.locator("#search-form button").click()
        page.locator("#hits li .cite").first.wait_for()
        links = page.locator("#hits a.open-reader")
        assert links.count() > 0
        links.first.click()
        page.wait_for_selector(".passage.target")
        assert page.locator(".passage.target").get_attribute("data-role") == "references"
        assert page.locator(".passage.role-references").count() >= 5
        opacity = page.eval_on_selector(
            ".passage.role-references", "n => getComputedStyle(n).opacity"
        )
        assert float(opacity) < 1  # dimmed, still readable
        # a search with a code filter lists exactly what the API gives for that code
        import json
        import urllib.parse
        import urllib.request

        page.goto(f"{url}/screens/search")
        page.fill("#q", "platforms coordinate suppliers")
        page.fill("#code", "platform-coordination")
        page.locator("#search-form button").click()
        page.locator("#hits li .cite").first.wait_for()
        metas = page.locator("#hits li .meta").all_text_contents()
        shown = [m.split("passage ")[1].split(" ")[0] for m in metas]
        query = urllib.parse.urlencode(
            {"q": "platforms coordinate suppliers", "k": 10, "code": "platform-coordination"}
        )
        with urllib.request.urlopen(f"{url}/api/search?{query}") as response:
            expected = [h["chunk_id"] for h in json.load(response)]
        assert shown == expected and 0 < len(shown) <= 12


def test_a_project_without_records_says_how_to_get_some(tmp_path: Path) -> None:
    """A new project's workspace: not 'nothing left to screen' and a stopping rule that
    'cannot be shown before the end', but what to do first."""
    root = _bare_project(tmp_path / "empty")
    with browsing(root) as (url, page):
        page.goto(url + "/")
        until(page, "() => !document.querySelector('#rec-done').hidden")
        assert "litsynth import FILE --source NAME" in page.inner_text("#rec-done")
        assert page.locator("#rec-loading").is_hidden()  # "Ranking the records…" is gone
        assert page.locator("#actions").is_hidden()  # nothing to decide, nothing to undo
        until(page, "() => document.querySelector('#stopping').textContent.length > 0")
        assert page.inner_text("#stopping") == "no records at this stage yet: nothing to screen"
        page.select_option("#stage", "full-text")
        until(page, "() => document.querySelector('#rec-done').textContent.includes('full')")
        assert "included at title/abstract" in page.inner_text("#rec-done")
        page.goto(url + "/screens/conflicts")
        until(page, "() => !document.querySelector('#no-conflicts').hidden")
        assert page.locator("#conflict-table").is_hidden()
        page.goto(url + "/screens/reader")
        until(page, "() => document.querySelector('#reader-status').textContent.length > 0")
        assert "No documents yet" in page.inner_text("#reader-status")
        # search: the store's own message, not an empty page
        page.goto(url + "/screens/search")
        page.fill("#q", "platforms")
        page.keyboard.press("Enter")
        until(page, "() => document.querySelector('#hits').textContent.includes('passages yet')")
        # no codebook: the matrix says so in its status line, and PRISMA is drawn anyway
        page.goto(url + "/screens/matrices")
        until(page, "() => document.querySelector('#matrix-status').textContent.length > 0")
        assert "no codebook" in page.inner_text("#matrix-status")
        assert page.locator("#cell").is_hidden()
        until(page, "() => document.querySelector('#prisma').naturalWidth > 0")


def test_no_screen_scrolls_sideways_on_a_small_window(demo_copy: Path) -> None:
    """A long file path in the reader's document list, or a matrix with many themes, used to
    widen the whole page past the window; the matrix now scrolls inside its own box."""
    nested = demo_copy / "corpus" / ("a-folder-with-a-rather-long-name-" * 3).rstrip("-")
    nested.mkdir()
    (demo_copy / "corpus" / "001_fda600e23a8bf5df.txt").rename(nested / "001_fda600e23a8bf5df.txt")
    with sqlite3.connect(demo_copy / "litsynth.db") as conn:
        conn.execute(
            "UPDATE documents SET path = ? WHERE path LIKE '%001_fda600e23a8bf5df.txt'",
            (f"corpus/{nested.name}/001_fda600e23a8bf5df.txt",),
        )
    with browsing(demo_copy, 800, 800) as (url, page):
        for screen, ready in (
            ("reader", "#document option"),
            ("matrices", "#matrix a[data-cell]"),
            ("relations", "#relations tr"),
            ("screen", "#rec-title"),
            ("search", "#q"),
        ):
            page.goto(f"{url}/screens/{screen}")
            page.wait_for_selector(ready, state="attached")
            page.wait_for_timeout(300)
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], (screen, widths)


def test_a_suggestion_shows_its_label_and_takes_a_mouse_click(demo_copy: Path) -> None:
    """Suggestions named codes by id only ("business-model-innovation") and could be decided
    only with the keyboard; they now show the codebook's label and have their own buttons."""
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(f"{url}/screens/reader")
        second = page.locator("#passages .suggestion").nth(1)
        second.wait_for()
        chunk, code = second.get_attribute("data-chunk"), second.get_attribute("data-code")
        label = second.locator("strong").inner_text()
        assert label != code and second.get_attribute("title") == code
        second.locator("button.decide", has_text="reject").click()
        page.wait_for_selector(f'.suggestion.rejected[data-chunk="{chunk}"][data-code="{code}"]')
    conn = sqlite3.connect(demo_copy / "litsynth.db")
    status = conn.execute(
        "SELECT status FROM codings WHERE chunk_id = ? AND code_id = ?", (chunk, code)
    ).fetchall()
    conn.close()
    assert status == [("rejected",)]


def test_a_matrix_with_nothing_coded_says_what_to_do(tmp_path: Path) -> None:
    """A codebook and no codings drew an empty table and nothing else."""
    import shutil

    root = _bare_project(tmp_path / "coded-nothing")
    shutil.rmtree(root / "codebook")
    shutil.copytree(REPO / "codebook", root / "codebook")
    with browsing(root) as (url, page):
        page.goto(url + "/screens/matrices")
        until(page, "() => document.querySelector('#matrix-status').textContent.length > 0")
        assert "No passage is coded yet" in page.inner_text("#matrix-status")


def test_screen_with_buttons_on_a_phone(served: tuple[str, Path]) -> None:
    """Screening had keys only: on a touch screen, or for a reviewer who clicks, nothing could
    be decided. Buttons do what the keys do, a reason picked from the list included."""
    url, root = served
    with browser_page(420, 860) as page:
        _as_reviewer(page, url, "tap")
        first = page.locator("#record").get_attribute("data-record-id")
        page.click("#do-include")
        _screened(page, 1)
        second = page.locator("#record").get_attribute("data-record-id")
        page.select_option("#do-reason", "not healthcare professionals")
        page.click("#do-exclude")
        _screened(page, 2)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]
        page.click("#do-undo")
        _screened(page, 1)
    rows = _rows(root, "tap")
    assert rows[:2] == [(first, "include", ""), (second, "exclude", "not healthcare professionals")]
    assert rows[2][0] == second and rows[2][1] == "undecided"
