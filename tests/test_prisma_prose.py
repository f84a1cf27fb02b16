"""The PRISMA flow in words (biblio/prisma_prose.py): the numbers are the flow's, the grammar
follows them (one record, two records), and boxes a review did not use are not mentioned."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from litsynth.biblio.prisma import PrismaFlow
from litsynth.biblio.prisma_prose import selection_paragraph
from litsynth.cli import cli

# The demo review's flow (`litsynth prisma --json` on the repository's project).
DEMO = PrismaFlow(
    database_results=52, database_specific_results={"Scopus": 36, "Web of Science": 16},
    duplicates=16, excluded_automatic=1, records_screened=35, records_excluded=10,
    dbr_sought_reports=25, dbr_notretrieved_reports=1, dbr_assessed=24,
    dbr_excluded={"wrong study design": 2, "not about orchestration or business models": 1},
    dbr_included=21, website_results=3, citations_results=50,
    other_specific_results={"Websites": 3, "citation searching": 50}, other_duplicates=36,
    other_excluded_automatic=1, other_screened=16, other_records_excluded=5,
    other_sought_reports=11, other_notretrieved_reports=1, other_assessed=10,
    other_excluded={"not peer-reviewed": 3}, other_included=7, new_studies=28, new_reports=28,
    total_studies=28, total_reports=28,
)  # fmt: skip


def test_the_demo_flow_in_words() -> None:
    assert selection_paragraph(DEMO) == (
        "The searches identified 52 records in databases (Scopus, n = 36; Web of Science,"
        " n = 16) and 53 through other methods (Websites, n = 3; citation searching, n = 50)."
        " After removing 16 duplicates and 1 record marked as ineligible by automation tools,"
        " 35 records were screened on title and abstract and 10 were excluded. Of the 25"
        " reports sought for retrieval, 1 could not be retrieved; 24 reports were assessed for"
        " eligibility in full text and 3 were excluded (wrong study design, n = 2; not about"
        " orchestration or business models, n = 1). For the records from other methods, after"
        " removing 36 duplicates and 1 record marked as ineligible by automation tools, 16"
        " records were screened on title and abstract and 5 were excluded. Of the 11 reports"
        " sought for retrieval, 1 could not be retrieved; 10 reports were assessed for"
        " eligibility in full text and 3 were excluded (not peer-reviewed, n = 3). In all, 28"
        " studies were included in the review."
    )


def test_one_of_each_reads_as_one() -> None:
    flow = PrismaFlow(
        database_results=1, database_specific_results={"PubMed": 1}, records_screened=1,
        dbr_sought_reports=1, dbr_assessed=1, dbr_included=1, new_studies=1, new_reports=1,
        total_studies=1, total_reports=1,
    )  # fmt: skip
    assert selection_paragraph(flow) == (
        "The searches identified 1 record in databases (PubMed, n = 1). No record was removed"
        " before screening; 1 was screened on title and abstract and 0 were excluded. The"
        " report sought for retrieval was retrieved; 1 report was assessed for eligibility in"
        " full text and none was excluded."
        " In all, 1 study was included in the review."
    )


def test_waiting_records_reports_and_an_update_are_said() -> None:
    flow = PrismaFlow(
        database_results=1704, database_specific_results={"Scopus": 1200, "IEEE Xplore": 504},
        register_results=3, register_specific_results={"ClinicalTrials.gov": 3},
        duplicates=4, excluded_other=2, records_screened=1701, records_excluded=1650,
        records_awaiting=1, dbr_sought_reports=50, dbr_awaiting_reports=2, dbr_assessed=48,
        dbr_excluded={"wrong outcome": 40}, dbr_included=8, new_studies=8, new_reports=9,
        previous_studies=12, previous_reports=12, total_studies=20, total_reports=21,
    )  # fmt: skip
    words = selection_paragraph(flow)
    assert words.startswith(
        "The searches identified 1,704 records in databases (Scopus, n = 1,200; IEEE Xplore,"
        " n = 504) and 3 in registers (ClinicalTrials.gov, n = 3). After removing 4 duplicates"
        " and 2 records removed for other reasons, 1,701 records were screened"
    )
    assert "and 1,650 were excluded; 1 awaits a decision." in words
    assert "All 50 reports sought for retrieval were retrieved and 2 await assessment;" in words
    assert "other methods" not in words  # the arm was not used
    assert words.endswith(
        "In all, 8 studies were included in the review, reported in 9 reports, together with"
        " 12 studies from the review's previous version (20 studies in total)."
    )


def test_other_methods_alone_and_nothing_yet() -> None:
    flow = PrismaFlow(
        citations_results=2, other_specific_results={"citation searching": 2},
        other_screened=2, other_records_excluded=2,
    )  # fmt: skip
    assert selection_paragraph(flow) == (
        "The searches identified 2 records through other methods (citation searching, n = 2)."
        " For the records from other methods, no record was removed before screening; 2 were"
        " screened on title and abstract and 2 were excluded. In all, 0 studies were included"
        " in the review."
    )
    assert selection_paragraph(PrismaFlow()) == "No records have been identified yet."


def test_the_command_prints_or_writes_it(tmp_path: Path) -> None:
    root = tmp_path / "review"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    ris = tmp_path / "search.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - Platform orchestration in supply chains\nPY  - 2021\nER  - \n"
        "TY  - JOUR\nTI  - Supplier trust on digital platforms\nPY  - 2022\nER  - \n",
        encoding="utf-8",
    )
    done = runner.invoke(cli, ["import", str(ris), "--source", "Scopus", "--project", str(root)])
    assert done.exit_code == 0, done.output
    printed = runner.invoke(cli, ["prisma", "--paragraph", "-", "--project", str(root)])
    assert printed.exit_code == 0, printed.output
    assert printed.output == (
        "The searches identified 2 records in databases (Scopus, n = 2). No record was removed"
        " before screening; 2 were screened on title and abstract and 0 were excluded; 2 await"
        " a decision. In all, 0 studies were included in the review.\n"
    )
    as_json = runner.invoke(cli, ["prisma", "--paragraph", "-", "--json", "--project", str(root)])
    assert json.loads(as_json.output) == {"paragraph": printed.output.strip()}
    out = tmp_path / "selection.txt"
    written = runner.invoke(cli, ["prisma", "--paragraph", str(out), "--project", str(root)])
    assert written.exit_code == 0 and f"written {out}" in written.output
    assert out.read_text(encoding="utf-8") == printed.output
    # the Methods' paragraph too: first, as in a paper; both as JSON
    both = runner.invoke(
        cli, ["prisma", "--paragraph", "-", "--methods", "-", "--json", "--project", str(root)]
    )
    assert json.loads(both.output) == {
        "methods": "No screening decision has been recorded yet.",
        "paragraph": printed.output.strip(),
    }
    assert list(json.loads(both.output)) == ["methods", "paragraph"]


# ---- the selection process, for the Methods -----------------------------------------------

TA, FT = "title-abstract", "full-text"


def _d(rid: str, stage: str, decision: str, who: str, origin: str = "sheet", reason: str = ""):  # type: ignore[no-untyped-def]
    from litsynth.records import Decision

    return Decision(rid, stage, decision, who, "2026-12-06T10:00:00Z", reason, "", origin)


def test_the_selection_process_in_words() -> None:
    from litsynth.biblio.prisma_prose import selection_methods

    log = [
        # two reviewers on r1–r4, one on r5–r6; they disagree on r3 and r4, r3 is resolved
        *[_d(r, TA, "include", "ann") for r in ("r1", "r3", "r4", "r5")],
        *[_d(r, TA, "exclude", "ann") for r in ("r2",)],
        *[_d(r, TA, "include", "bob") for r in ("r1",)],
        *[_d(r, TA, "exclude", "bob") for r in ("r2", "r3", "r4", "r6")],
        _d("r3", TA, "include", "cat", origin="resolution"),
        _d("r7", TA, "exclude", "automation", "automation", "published outside 2000–2024"),
        _d("r8", TA, "exclude", "automation", "automation", "not in English"),
        _d("r9", TA, "exclude", "automation", "automation", "not in English"),
        _d("r1", FT, "include", "ann"),
        _d("r5", FT, "exclude", "ann", reason="wrong outcome"),
    ]
    assert selection_methods(log, "litsynth 1.0") == (
        "Screening decisions were recorded in litsynth 1.0. Titles and abstracts were screened"
        " by two reviewers (ann, bob): 4 of the 6 records by both, the others by one. They"
        " agreed on 2 of those 4 (Cohen's kappa 0.20 between ann and bob). The disagreement on"
        " 1 record was resolved by cat. The disagreement on 1 record is still open. Automation"
        " rules excluded 3 records before screening (published outside 2000–2024, n = 1; not in"
        " English, n = 2). Full texts were assessed by one reviewer (ann)."
    )
    # an undo withdraws a decision: the log as it stands is what is described
    undone = [*log, _d("r6", TA, "undecided", "bob")]
    assert "4 of the 5 records by both" in selection_methods(undone, "litsynth 1.0")
    assert selection_methods([], "litsynth 1.0") == "No screening decision has been recorded yet."


def test_three_reviewers_who_split_the_records() -> None:
    from litsynth.biblio.prisma_prose import selection_methods

    log = [_d(f"r{i}", TA, "exclude", who) for i, who in enumerate(["ann", "bob", "cat"] * 2)]
    assert selection_methods(log, "litsynth 1.0") == (
        "Screening decisions were recorded in litsynth 1.0. Titles and abstracts were screened"
        " by three reviewers (ann, bob, cat): each of the 6 records by one of them."
    )


def _progress(reviewer: str, labels: list[int], pool: int):  # type: ignore[no-untyped-def]
    from litsynth.biblio import stopping
    from litsynth.biblio.screening_progress import Progress

    included = sum(labels)
    return Progress(
        TA, reviewer, pool, len(labels), 0, included, len(labels) - included, 0, 0,
        stopping.verdict(labels, pool),
    )  # fmt: skip


def test_the_stopping_rule_in_the_methods() -> None:
    """Where title/abstract screening left records unscreened, the Methods name the rule, say
    where each reviewer stands against it and how many records nobody screened; where every
    record was screened by someone, no rule is told."""
    from litsynth.biblio.prisma_prose import selection_methods

    log = [_d("r1", TA, "include", "ann")]
    done = _progress("ann", [1] * 5 + [0] * 285, 300)  # p = 10/295: met
    going = _progress("bob", [1] * 5 + [0] * 95, 300)
    everything = _progress("cat", [1] * 5 + [0] * 295, 300)
    text = selection_methods(log, "litsynth 1.0", screeners=[done, going, everything], unscreened=0)
    assert "stopping" not in text  # cat screened every record: no rule ended the screening
    text = selection_methods(log, "litsynth 1.0", screeners=[done, going], unscreened=10)
    assert text.endswith(
        "Title and abstract screening could end before every record was screened, by the"
        " stopping criterion of Callaghan and Müller-Hansen (2020) in its ranked form, which"
        " reads each reviewer's decisions in the order they were made: they may stop once it"
        " rejects, at α = 0.05, that recall is below 95%. Ann screened 290 of the 300 records,"
        " which met it (p = 0.034); bob has screened 100 of the 300 records so far, which does"
        " not yet meet it (p = 0.678). No reviewer has screened the other 10 records."
    )
    strong = _progress("ann", [1] * 400 + [0] * 1500, 2000)
    assert "which met it (p < 0.001)" in selection_methods(
        log, "litsynth 1.0", screeners=[strong], unscreened=100
    )


def test_the_methods_tell_the_stopping_rule_of_a_project(tmp_path: Path) -> None:
    """`prisma --methods -` on a project screened part way: the rule and its p for the
    reviewer, read from the screening log in the order the sheet recorded it."""
    from test_screening_stop import screen_first, three_hundred

    root = three_hundred(tmp_path)
    screen_first(root, tmp_path, 290, 5)  # the sheet a reviewer exports, 290 rows filled in
    runner = CliRunner()
    methods = runner.invoke(cli, ["prisma", "--methods", "-", "--project", str(root)])
    assert methods.exit_code == 0, methods.output
    assert "by the stopping criterion of Callaghan and Müller-Hansen (2020)" in methods.output
    assert (
        "Ann screened 290 of the 300 records, which met it (p = 0.034). No reviewer has"
        " screened the other 10 records." in methods.output
    )
