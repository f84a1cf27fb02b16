"""An updated review told its previous version on the Records screen, in a real browser: the
previous version's deposit package sent from the file picker, the update's repeats removed,
the records lines counting both versions, and the list forgotten again."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import FIXTURES, corpus_project, run_cli

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "img"
pytestmark = pytest.mark.browser
UPDATE = (
    "record_id,title,authors,year,doi\n"
    'u01,Default options in order sets: a trial,"Smith, J",2019,10.1000/R01\n'
    'u03,Audit and feedback for antibiotic stewardship in nursing homes,"Park, S",2024,\n'
)


def test_tell_the_previous_version_and_forget_it(project: Path, tmp_path: Path) -> None:
    v1 = corpus_project(tmp_path / "v1")
    run_cli(v1, "import", str(FIXTURES / "screening" / "records.csv"), "--source", "Scopus")
    for n in range(1, 13):
        run_cli(v1, "screen", "decide", f"r{n:02d}", "include" if n <= 2 else "exclude")
    for rid in ("r01", "r02"):
        run_cli(v1, "screen", "decide", rid, "include", "--stage", "full-text")
    package = tmp_path / "v1-data.zip"
    run_cli(v1, "export", "package", str(package))
    search = tmp_path / "update.csv"
    search.write_text(UPDATE, encoding="utf-8")
    run_cli(project, "import", str(search), "--source", "PubMed")
    result = "document.querySelector('#previous-result')"
    lines = "document.querySelector('#records-lines').textContent"
    with browsing(project, 1280, 1100) as (url, page):
        page.on("dialog", lambda dialog: dialog.accept())  # "Forget the previous version's list?"
        page.goto(url + "/screens/records")
        until(page, f"() => {lines}.includes('records: 2')")
        page.set_input_files("#previous-file", str(package))
        page.check("#previous-remove")
        page.click("#previous-form button[type=submit]")
        until(page, f"() => {result}.textContent.startsWith('The previous version')")
        until(page, f"() => {lines}.includes('an update')")
        told = page.locator("#previous-result").text_content() or ""
        counted = page.locator("#records-lines").text_content() or ""
        page.locator("#previous-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "workspace-previous.png"))
        page.click("#previous-clear")
        until(page, f"() => {result}.textContent.startsWith('Forgot')")
        forgot = page.locator("#previous-result").text_content() or ""
    assert "The previous version included 2 studies in 2 reports (from v1-data.zip)." in told
    assert "1 record of this update repeat them (1 by DOI, 0 by title): u01" in told
    assert "Removed 1 record before screening" in told
    # its studies by the name "Another report of this study" takes
    assert "Its studies, as a grouping names them:\n  previous:r01  Smith & Berg (2019)" in told
    assert "the previous version included 2 studies (2 reports)" in counted
    assert "1 record returned to screening" in forgot
