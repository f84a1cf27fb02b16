"""The Search screen in a real browser: each hit shows the sentence that answers the query
and the query's words, and that sentence can be quoted on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import browsing, until

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "img"
pytestmark = pytest.mark.browser


def test_a_hit_marks_its_closest_sentence_and_quotes_it_alone(demo_copy: Path) -> None:
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page.goto(url + "/screens/search")
        page.keyboard.type("trust between supply chain partners")  # the query box has focus
        page.keyboard.press("Enter")
        page.wait_for_selector("#hits li mark.focus")
        first = page.locator("#hits li").first
        sentence = first.locator("mark.focus").text_content() or ""
        bold = [w.lower() for w in first.locator("b.query-word").all_text_contents()]
        whole = first.locator(".hit-text").text_content() or ""
        page.screenshot(path=str(SHOTS / "workspace-search-focus.png"))
        # the same hits as a sheet: the link asks for this very search
        sheet = page.evaluate(
            "async () => { const r = await fetch(document.querySelector('#hits-csv').href);"
            " return [r.status, await r.text()]; }"
        )
        first.locator("button", has_text="copy the marked sentence").click()
        until(page, "() => [...document.querySelectorAll('#hits li:first-child button')]"
                    ".some((b) => b.textContent === 'copied')")  # fmt: skip
        copied = page.evaluate("navigator.clipboard.readText()")
        # the reader opens at the passage with the same sentence marked
        first.locator("a.open-reader").click()
        page.wait_for_selector(".passage.target .ptext")
        until(page, "() => CSS.highlights.has('search-focus')")
        marked = page.evaluate("[...CSS.highlights.get('search-focus')][0].toString()")
    assert len(sentence.split()) >= 5 and sentence in whole and len(sentence) < len(whole)
    assert {"trust", "supply"} <= {w.rstrip("s") for w in bold}
    words, cited = copied.split("” (")
    assert words == "“" + " ".join(sentence.split()) and cited.endswith(")")
    assert " ".join(marked.split()) == " ".join(sentence.split())
    assert sheet[0] == 200 and " ".join(sentence.split()) in sheet[1]


def test_the_codebooks_themes_and_codes_are_offered_as_filters(demo_copy: Path) -> None:
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(url + "/screens/search")
        until(page, "() => document.querySelectorAll('#theme-ids option').length > 0")
        options = "[...document.querySelectorAll('#theme-ids option')]"
        themes = page.evaluate(f"{options}.map((o) => [o.value, o.textContent])")
        codes = page.evaluate("document.querySelectorAll('#code-ids option').length")
        page.fill("#q", "digital platforms")
        page.fill("#theme", "digital-enablement")
        page.keyboard.press("Enter")
        page.wait_for_selector("#hits li .cite")
        hits = page.locator("#hits li").count()
    assert [themes[1][0], themes[1][1].rsplit(" (", 1)[0]] == [
        "digital-enablement",
        "Digital enablement of orchestration",
    ]
    assert all(label.endswith(")") for _, label in themes) and codes == 18 and hits > 0


def count_words(page, url: str, by: str = "frequency", **fields: str) -> str:  # type: ignore[no-untyped-def]
    """The Words panel counted for the theme digital-enablement, `by`, and the fields given
    (input id → value): its status line."""
    page.goto(url + "/screens/search")
    page.fill("#theme", "digital-enablement")
    page.select_option("#words-by", by)
    for field, value in fields.items():
        page.fill(f"#{field}", value)
    page.click("#words-form button")
    page.wait_for_selector("#words tbody tr")
    return page.locator("#words-status").text_content() or ""


def test_a_themes_words_are_counted_and_each_leads_to_its_uses(demo_copy: Path) -> None:
    """The Words panel counts what the filters pick (a theme's coded spans), most distinctive
    first; a word opens its uses, each cited, and the reader at the word."""
    with browsing(demo_copy, 1280, 1100) as (url, page):
        status = count_words(page, url, by="keyness")
        first = page.locator("#words tbody tr").first.locator("td").all_text_contents()
        page.locator("#words tbody tr button").first.click()
        page.wait_for_selector("#word-uses li mark")
        title = page.locator("#uses-title").text_content() or ""
        marked = page.locator("#word-uses li mark").all_text_contents()
        cited = page.locator("#word-uses li .meta").first.text_content() or ""
        sheet = page.evaluate(
            "async () => { const r = await fetch(document.querySelector('#words-csv').href);"
            " return [r.status, await r.text()]; }"
        )
        page.screenshot(path=str(SHOTS / "workspace-words.png"), full_page=True)
        page.locator("#word-uses li a").first.click()
        page.wait_for_selector(".passage.target .ptext")
    assert status.startswith("Words of ") and "Digital enablement of orchestration" in status
    assert "against" in status and first[6].endswith("*")  # the first is significant
    assert title.startswith(f"“{first[0]}” in ") and title.endswith(f"{first[1]} uses")
    assert len(marked) == int(first[1]) and all(m.lower()[:4] == first[0][:4] for m in marked)
    assert cited.split(" · ")[0].endswith(")") or "¶" in cited or "p." in cited
    assert sheet[0] == 200 and sheet[1].lstrip("\ufeff").startswith("word,forms,count")
    assert f"\n{first[0]}," in sheet[1]  # the table's first word is the sheet's


def test_a_themes_words_open_from_the_matrices_screen(demo_copy: Path) -> None:
    with browsing(demo_copy, 1280, 900) as (url, page):
        page.goto(url + "/screens/matrices")
        page.wait_for_selector("#themes a.theme-words")
        theme = page.locator("#themes section.theme h2").first.text_content() or ""
        page.locator("#themes a.theme-words").first.click()
        page.wait_for_selector("#words tbody tr")
        status = page.locator("#words-status").text_content() or ""
        picked = page.input_value("#theme")
        by = page.input_value("#words-by")
    assert picked and by == "keyness"
    assert theme.split(" (core")[0] in status and "against" in status


def test_a_themes_words_are_weighed_against_another_theme(demo_copy: Path) -> None:
    with browsing(demo_copy, 1280, 900) as (url, page):
        status = count_words(page, url, **{"words-against": "orchestration-value-creation"})
    assert "coded spans of Value creation through orchestration" in status.split("against")[1]
