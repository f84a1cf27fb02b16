"""`litsynth previous`: an updated review, its previous version's studies counted apart and the
update's records that repeat them removed before screening, as PRISMA 2020's flow for updated
reviews draws it.

Two real projects through the CLI: the previous version screened and deposited
(`export package`), the update importing a new search that finds two of its studies again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, corpus_project, run_cli

RECORDS = FIXTURES / "screening" / "records.csv"
UPDATE = (
    "record_id,title,authors,year,doi\n"
    'u01,Default options in order sets: a trial,"Smith, J",2019,10.1000/R01\n'  # r01's DOI
    "u02,Peer comparison letters reduce antibiotic overprescribing by general practitioners.,"
    '"Lee, K",2017,\n'  # r02's title (2016 there: a year apart), no DOI
    'u03,Audit and feedback for antibiotic stewardship in nursing homes,"Park, S",2024,\n'
    'u04,Machine learning for crop yields,"Doe, A",2024,\n'
    'u05,Editorial,"Roe, B",2024,\n'
)


@pytest.fixture
def deposited(tmp_path: Path) -> Path:
    """The previous version: 12 records screened, r01 and r02 included, deposited as a zip."""
    root = corpus_project(tmp_path / "v1")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    for n in range(1, 13):
        decision = "include" if n <= 3 else "exclude"
        run_cli(root, "screen", "decide", f"r{n:02d}", decision, "--reviewer", "ana")
    for rid, decision in (("r01", "include"), ("r02", "include"), ("r03", "exclude")):
        reason = ("--reason", "wrong design") if decision == "exclude" else ()
        run_cli(root, "screen", "decide", rid, decision, *reason, "--stage", "full-text",
                "--reviewer", "ana")  # fmt: skip
    package = tmp_path / "v1-data.zip"
    run_cli(root, "export", "package", str(package))
    return package


@pytest.fixture
def update(tmp_path: Path) -> Path:
    root = corpus_project(tmp_path / "v2")
    search = tmp_path / "update.csv"
    search.write_text(UPDATE, encoding="utf-8")
    run_cli(root, "import", str(search), "--source", "PubMed")
    return root


def flow(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(run_cli(root, "prisma", "--json"))  # type: ignore[no-any-return]


def test_an_update_counts_the_previous_studies_and_removes_their_repeats(
    deposited: Path, update: Path, tmp_path: Path
) -> None:
    said = run_cli(update, "previous", str(deposited))
    assert "The previous version included 2 studies in 2 reports (from v1-data.zip)." in said
    assert "2 records of this update repeat them (1 by DOI, 1 by title): u01, u02" in said
    assert "u05" not in said  # "Editorial" is too short a title to name one study
    said = run_cli(update, "previous", "--remove-found")
    assert "Removed 2 records before screening (PRISMA: records removed for other reasons)" in said
    run_cli(update, "screen", "decide", "u03", "include", "--reviewer", "ben")
    run_cli(update, "screen", "decide", "u04", "exclude", "--reviewer", "ben")
    run_cli(update, "screen", "decide", "u05", "exclude", "--reviewer", "ben")
    run_cli(update, "screen", "decide", "u03", "include", "--stage", "full-text",
            "--reviewer", "ben")  # fmt: skip
    counts = flow(update)
    assert (counts["database_results"], counts["excluded_other"], counts["records_screened"]) == (
        5, 2, 3,
    )  # fmt: skip
    assert (counts["new_studies"], counts["previous_studies"], counts["previous_reports"]) == (
        1, 2, 2,
    )  # fmt: skip
    assert (counts["total_studies"], counts["total_reports"]) == (3, 3)
    # the year and language rules run again: a removal for the previous version stays
    (update / "litsynth.toml").write_text(
        '[embed]\nmodel = "hash-384"\n\n[screening]\nyear_min = 2000\n', encoding="utf-8"
    )
    run_cli(update, "screen", "auto")
    assert flow(update) == counts
    said = run_cli(update, "status")
    assert (
        "an update: the previous version included 2 studies (2 reports); 2 of this update's"
        " records removed as repeats of them; 3 studies in all (`litsynth previous`)"
    ) in said
    text = run_cli(update, "prisma")
    assert "other reasons 2" in text
    assert "studies included in previous version of review: 2" in text
    assert "total studies included in review: 3" in text
    words = run_cli(update, "prisma", "--paragraph", "-")
    assert "2 records removed for other reasons" in words
    assert (
        "together with 2 studies from the review's previous version (3 studies in total)" in words
    )
    svg = tmp_path / "flow.svg"
    run_cli(update, "prisma", "--svg", str(svg))
    drawn = svg.read_text(encoding="utf-8")
    for box in (
        "Previous studies",
        "Studies included in previous",
        "New studies included in",
        "Total studies included in review",
        "Reports of total included studies",
    ):
        assert box in drawn, box
    assert drawn.count(">(n\u00a0=\u00a03)<") == 2  # the totals
    run_cli(update, "prisma", "--png", str(tmp_path / "flow.png"))
    # the update's own deposit carries the previous version, and reproduces
    package = tmp_path / "v2-data.zip"
    run_cli(update, "export", "package", str(package))
    reader = tmp_path / "reader"
    reader.mkdir()
    assert "reproduced:" in run_cli(reader, "prisma", "--from", str(package))
    # forgetting the list returns the removed records to screening
    said = run_cli(update, "previous", "--clear")
    assert "2 records returned to screening" in said
    after = flow(update)
    assert (after["excluded_other"], after["previous_studies"], after["records_awaiting"]) == (
        0, 0, 2,
    )  # fmt: skip


def test_a_reference_list_groups_reports_into_studies(update: Path, tmp_path: Path) -> None:
    included = tmp_path / "included.csv"
    included.write_text(
        "record_id,title,year,doi,study\n"
        "p1,Default options nudge physicians: the trial,2015,10.1000/p1,Smith 2015\n"
        "p2,Default options nudge physicians: two-year follow-up,2017,10.1000/p2,Smith 2015\n"
        "p3,Peer comparison and antibiotic prescribing,2016,10.1000/p3,Hallsworth 2016\n",
        encoding="utf-8",
    )
    said = run_cli(update, "previous", str(included), "--study-column", "study")
    assert "included 2 studies in 3 reports (from included.csv)" in said
    assert (flow(update)["previous_studies"], flow(update)["previous_reports"]) == (2, 3)
    said = run_cli(update, "previous", str(included))  # each report its own study
    assert "included 3 studies in 3 reports" in said
    said = run_cli(update, "previous", str(included), "--study-column", "trial", exit_code=1)
    assert "included.csv has no column 'trial'" in said
    # a repeat someone included at full text is counted twice: said, with what to do
    run_cli(update, "screen", "decide", "u03", "include", "--reviewer", "ben")
    run_cli(update, "screen", "decide", "u03", "include", "--stage", "full-text",
            "--reviewer", "ben")  # fmt: skip
    repeat = tmp_path / "repeat.csv"
    repeat.write_text("record_id,title\nq1,Audit and feedback for antibiotic stewardship in"
                      " nursing homes\n", encoding="utf-8")  # fmt: skip
    said = run_cli(update, "previous", str(repeat))
    assert "1 record of them is included at full text in this update too" in said


def test_a_package_with_nothing_included_is_refused(update: Path, tmp_path: Path) -> None:
    root = corpus_project(tmp_path / "empty-v1")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    package = tmp_path / "nothing.zip"
    run_cli(root, "export", "package", str(package))
    said = run_cli(update, "previous", str(package), exit_code=1)
    assert "no study included at full text" in said
    said = run_cli(update, "previous")
    assert "No previous version recorded: this is a new review." in said


def test_titles_match_across_databases_but_not_across_years() -> None:
    """Real titles of one paper as two databases export it (dedup-bibdedupe's labelled
    groups): the bracketed notes a database adds do not keep them apart; a short title given
    to papers years apart does not join them."""
    from litsynth.biblio.previous import found_again, matching_title
    from litsynth.records import BibRecord, PreviousReport

    same = [
        ("A global review of age-specific and overall prevalence of cervical lesions. [Review]",
         "A global review of age-specific and overall prevalence of cervical lesions"),
        ("Update on the diagnosis and treatment of human papillomavirus infection. [Review] [33"
         " refs]", "Update on the diagnosis and treatment of human papillomavirus infection"),
        ("Paroxysmal nocturnal hemoglobinuria therapy with eculizumab: Spanish experience]."
         " [Spanish", "Paroxysmal nocturnal hemoglobinuria therapy with eculizumab: Spanish"
         " experience"),
        ("[Research on fast track surgery application in lung cancer surgery]",
         "Research on fast track surgery application in lung cancer surgery"),
    ]  # fmt: skip
    for one, other in same:
        assert matching_title(one) == matching_title(other), one
    earlier = [PreviousReport("p1", "p1", "Atypical hemolytic uremic syndrome in adults",
                              year=2002)]  # fmt: skip
    update = [
        BibRecord("u1", "PubMed", "b", title="Atypical hemolytic uremic syndrome in adults",
                  year=1995),
        BibRecord("u2", "PubMed", "b", title="Atypical Hemolytic-Uremic Syndrome in Adults.",
                  year=2003),
        BibRecord("u3", "PubMed", "b", title="Atypical hemolytic uremic syndrome in adults"),
    ]  # fmt: skip
    assert [f.record_id for f in found_again(update, earlier)] == ["u2", "u3"]


def test_merge_copies_the_previous_list_only_where_there_is_none(
    deposited: Path, update: Path, tmp_path: Path
) -> None:
    """The list is the project's, told once: a colleague's copy that was told it brings it to
    a copy that was not; two different lists are said, and this project's is kept."""
    import shutil

    theirs = tmp_path / "theirs"
    shutil.copytree(update, theirs)
    run_cli(theirs, "previous", str(deposited))
    said = run_cli(update, "merge", str(theirs / "litsynth.db"))
    assert "the previous version's list (2 reports) copied: this project had none" in said
    assert flow(update)["previous_studies"] == 2
    again = json.loads(run_cli(update, "merge", str(theirs / "litsynth.db"), "--json"))
    assert again["previous_version"] == "same"
    other = tmp_path / "other.csv"
    other.write_text("record_id,title\nz1,A different review's only study with a long title\n",
                     encoding="utf-8")  # fmt: skip
    run_cli(theirs, "previous", str(other))
    said = run_cli(update, "merge", str(theirs / "litsynth.db"))
    assert "differs from this project's (kept)" in said
    assert flow(update)["previous_studies"] == 2
