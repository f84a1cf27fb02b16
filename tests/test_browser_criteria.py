"""The Screening screen's side panel edits the criteria and the words to mark, in a real
browser: typed into the form (the screening keys stay quiet while one types), saved into
litsynth.toml, and the record drawn again with the new marks and the new reason offered."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import reviewer_counts, run_cli
from litsynth.config import load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"
pytestmark = pytest.mark.browser


def test_criteria_and_marked_words_are_edited_beside_the_record(project: Path) -> None:
    run_cli(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/screen")
        until(page, "() => !!document.querySelector('#record').dataset.recordId")
        page.click("#edit-criteria summary")
        # i, e and m decide a record, except while one types
        page.fill("#criteria-text", "")
        page.type("#criteria-text", "Nudges aimed at clinicians, in a trial or a pilot.")
        page.fill("#include-terms", "nudg*, clinician*")
        page.fill("#exclude-terms", "soil, galax*")
        page.fill("#new-reason", "not about clinicians")
        page.click("#criteria-form button")
        until(page, "() => document.querySelector('#criteria-status').textContent.length > 0")
        status = page.locator("#criteria-status").text_content() or ""
        until(page, "() => document.querySelectorAll('#terms mark').length === 4")
        terms = page.locator("#terms").text_content() or ""
        criteria = page.locator("#criteria").text_content() or ""
        reasons = page.locator("#do-reason option").all_text_contents()
        marked = page.locator("#record mark.term-include").all_text_contents()
        shown = (
            (page.locator("#rec-title").text_content() or "")
            + " "
            + (page.locator("#rec-abstract").text_content() or "")
        )
        page.locator("aside").screenshot(path=str(Path(__file__).resolve().parents[1] / "docs"
                                                  / "img" / "workspace-criteria.png"))  # fmt: skip
    assert status == "saved to litsynth.toml; reason added: not about clinicians"
    assert "nudg*" in terms and "galax*" in terms
    assert criteria == "Nudges aimed at clinicians, in a trial or a pilot."
    assert "not about clinicians" in reasons
    # the record drawn again carries the new green marks on the words they name
    assert marked and [m.lower()[:4] for m in marked] == [
        w.lower()[:4] for w in shown.split() if w.lower().startswith(("nudg", "clinician"))
    ]
    screening = load_settings(project).screening
    assert screening.include_terms == ("nudg*", "clinician*")
    assert screening.exclude_terms == ("soil", "galax*")
    assert reviewer_counts(project) == {}  # nothing decided by the letters typed


def test_a_pilot_record_says_so_above_its_title(project: Path) -> None:
    run_cli(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    run_cli(project, "screen", "pilot", "--size", "3")
    with browsing(project, 1280, 900) as (url, page):
        page.goto(url + "/screens/screen")
        until(page, "() => !document.querySelector('#rec-pilot').hidden")
        first = page.locator("#rec-pilot").text_content() or ""
        page.keyboard.press("e")
        until(page, "() => document.querySelector('#rec-pilot').textContent.includes('2 of 3')")
    assert first.startswith("Pilot record 1 of 3: every reviewer screens these first")


def test_a_pilot_is_drawn_on_the_conflicts_screen(project: Path) -> None:
    run_cli(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    with browsing(project, 1280, 800) as (url, page):
        page.goto(url + "/screens/conflicts")
        until(page, "() => document.querySelector('#agreement').textContent.length > 0")
        page.fill("#pilot-size", "4")
        page.click("#draw-pilot")
        until(page, "() => document.querySelector('#pilot-status').textContent.length > 0")
        said = page.locator("#pilot-status").text_content() or ""
        until(page, "() => document.querySelector('#agreement').textContent.includes('pilot')")
        agreement = page.locator("#agreement").text_content() or ""
        ended_hidden = page.locator("#end-pilot").is_hidden()
    assert said == "4 records drawn: every reviewer's queue shows them first"
    assert "pilot of 4: screened by nobody yet" in agreement
    assert not ended_hidden  # the pilot can be ended from here
