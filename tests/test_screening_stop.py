"""`litsynth screen stop`: title/abstract screening ended on the stopping rule's word.

A project of 300 records, screened through the sheet a reviewer exports (most likely includes
first), 5 includes and then excludes. The rule refuses to stop at 100 records and allows it at
290 (p = 10/295); the stop excludes the 10 records nobody screened, PRISMA counts them as
marked ineligible by automation tools, the Methods say who stopped where, and an undo returns
them to the queue.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from litsynth.cli import cli


def _run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--project", str(root)])


def _ok(root: Path, *args: str) -> str:
    done = _run(root, *args)
    assert done.exit_code == 0, done.output
    return done.output


@pytest.fixture
def review(tmp_path: Path) -> Path:
    return three_hundred(tmp_path)


def three_hundred(tmp_path: Path) -> Path:
    """A project of 300 imported records, none screened."""
    root = tmp_path / "review"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    ris = tmp_path / "search.ris"
    ris.write_text(
        "".join(f"TY  - JOUR\nTI  - Study number {i} of the search\nPY  - 2021\nER  - \n"
                for i in range(300)),
        encoding="utf-8",
    )  # fmt: skip
    _ok(root, "import", str(ris), "--source", "Scopus")
    return root


def screen_first(root: Path, tmp_path: Path, rows: int, includes: int) -> None:
    """Export ann's sheet (most likely includes first), decide its first `rows` rows, the
    first `includes` of them include, and import it."""
    sheet = tmp_path / f"sheet-{_log_size(root)}.csv"
    _ok(root, "screen", "export", str(sheet), "--reviewer", "ann")
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    for i, row in enumerate(table):
        row["decision"] = "include" if i < includes else "exclude"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(table[0]))
        out.writeheader()
        out.writerows(table[:rows])
    _ok(root, "screen", "import", str(sheet), "--reviewer", "ann")


def _log_size(root: Path) -> int:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return int(conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])
    finally:
        conn.close()


def test_the_rule_must_allow_the_stop(review: Path, tmp_path: Path) -> None:
    screen_first(review, tmp_path, 100, 5)
    before = _log_size(review)
    refused = _run(review, "screen", "stop", "--reviewer", "ann")
    assert refused.exit_code != 0
    assert "the stopping rule does not let ann stop yet: keep screening: about" in refused.output
    assert _log_size(review) == before  # nothing written
    nobody = _run(review, "screen", "stop", "--reviewer", "bea")
    assert nobody.exit_code != 0 and "bea has not screened any record" in nobody.output


def test_a_stop_excludes_what_nobody_screened_and_an_undo_returns_it(
    review: Path, tmp_path: Path
) -> None:
    screen_first(review, tmp_path, 100, 5)
    screen_first(review, tmp_path, 190, 0)  # 290 of 300 screened, the last 285 excludes
    stopped = json.loads(_ok(review, "screen", "stop", "--reviewer", "ann", "--json"))
    assert (stopped["reviewer"], stopped["screened"], stopped["pool"]) == ("ann", 290, 300)
    assert stopped["excluded"] == 10 and round(stopped["p_value"], 3) == 0.034
    flow = json.loads(_ok(review, "prisma", "--json"))
    assert (flow["excluded_automatic"], flow["records_screened"]) == (10, 290)
    assert flow["records_awaiting"] == 0
    methods = _ok(review, "prisma", "--methods", "-")
    assert (
        "Title and abstract screening ended by the stopping criterion of Callaghan and"
        " Müller-Hansen (2020) in its ranked form" in methods
    )
    assert (
        "Ann stopped after screening 290 of the 300 records, when it was met (p = 0.034), and"
        " the 10 records no reviewer had screened were excluded without screening." in methods
    )
    assert "Automation rules excluded" not in methods  # a stop is not a year or language rule
    paragraph = _ok(review, "prisma", "--paragraph", "-")
    assert "After removing 10 records marked as ineligible by automation tools, 290" in paragraph
    assert (
        "Of the records marked as ineligible by automation tools, 10 were set aside unscreened"
        " once the stopping rule was met. In all," in paragraph
    )
    # the year and language rules, run again (as `litsynth run` does), leave the stop be
    _ok(review, "screen", "auto")
    assert json.loads(_ok(review, "prisma", "--json"))["excluded_automatic"] == 10
    again = _run(review, "screen", "stop", "--reviewer", "ann")
    assert again.exit_code != 0 and "nothing left to stop" in again.output

    undone = json.loads(_ok(review, "screen", "stop", "--undo", "--json"))
    assert undone == {"returned": 10}
    flow = json.loads(_ok(review, "prisma", "--json"))
    assert (flow["excluded_automatic"], flow["records_awaiting"]) == (0, 10)
    methods = _ok(review, "prisma", "--methods", "-")
    assert "Ann screened 290 of the 300 records, which met it (p = 0.034)" in methods
    assert "No reviewer has screened the other 10 records." in methods
    assert "set aside unscreened" not in _ok(review, "prisma", "--paragraph", "-")
    assert "ann stopped after 290 of 300 records" in _ok(
        review, "screen", "stop", "--reviewer", "ann"
    )


def test_a_person_who_screens_a_stopped_record_overrides_the_stop(
    review: Path, tmp_path: Path
) -> None:
    screen_first(review, tmp_path, 100, 5)
    screen_first(review, tmp_path, 190, 0)
    stopped = json.loads(_ok(review, "screen", "stop", "--reviewer", "ann", "--json"))
    late = stopped["records"][0]
    sheet = tmp_path / "bea.csv"
    sheet.write_text(f"record_id,decision\n{late},include\n", encoding="utf-8")
    _ok(review, "screen", "import", str(sheet), "--reviewer", "bea")
    flow = json.loads(_ok(review, "prisma", "--json"))
    assert (flow["excluded_automatic"], flow["dbr_sought_reports"]) == (9, 6)


def test_prisma_and_status_tell_the_stop(review: Path, tmp_path: Path) -> None:
    """After a stop the rule's statements open with it (a reviewer's own line then counts only
    what was left to them), and `status` counts the records set aside."""
    screen_first(review, tmp_path, 100, 5)
    screen_first(review, tmp_path, 190, 0)
    _ok(review, "screen", "stop", "--reviewer", "ann")
    printed = _ok(review, "prisma").splitlines()
    rule = printed.index("stopping rule (Callaghan & Müller-Hansen 2020, ranked form, alpha 0.05):")
    assert printed[rule + 1] == (
        "  title-abstract: stopped by ann after 290 of 300 records (p = 0.034 for recall below"
        " 95%); 10 records nobody screened set aside (`litsynth screen stop`)."
    )
    told = _ok(review, "screen", "status", "--reviewer", "ann").splitlines()
    assert told[-1] == (
        "screening was stopped by ann after 290 of 300 records (p = 0.034): 10 records nobody"
        " screened set aside; `litsynth screen stop --undo` resumes"
    )
    as_json = json.loads(_ok(review, "screen", "status", "--reviewer", "ann", "--json"))
    assert [(s["reviewer"], s["records"]) for s in as_json["stopped"]] == [("ann", 10)]
    status = _ok(review, "status")
    assert (
        "screening: title/abstract 290 of 290 included or excluded (10 more marked ineligible by"
        " automation);" in status
    )


def test_the_terminal_loop_says_once_when_the_rule_lets_you_stop(
    review: Path, tmp_path: Path
) -> None:
    """`screen next` tells the reviewer the first time the rule allows stopping, with how
    (`screen stop`), and not again while they keep screening."""
    screen_first(review, tmp_path, 100, 5)
    early = CliRunner().invoke(
        cli, ["screen", "next", "--reviewer", "ann", "--project", str(review)], input="q\n"
    )
    assert early.exit_code == 0 and "The stopping rule lets you stop" not in early.output
    keys = "e\n\n" * 195 + "q\n"  # excludes with no reason, past where the rule allows it
    done = CliRunner().invoke(
        cli, ["screen", "next", "--reviewer", "ann", "--project", str(review)], input=keys
    )
    assert done.exit_code == 0, done.output
    said = [line for line in done.output.splitlines() if "The stopping rule lets you stop" in line]
    assert len(said) == 1, said
    assert said[0].startswith(
        "The stopping rule lets you stop: 95% recall with 95% confidence is reached (p = 0.0"
    )
    assert said[0].endswith(
        "`litsynth screen stop` sets aside the records nobody has screened (PRISMA: ineligible"
        " by automation tools); or keep screening."
    )
    assert "195 decisions recorded" in done.output


def test_nothing_to_stop_or_resume_is_said(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    empty = _run(root, "screen", "stop")
    assert empty.exit_code != 0
    assert "there are no records at title/abstract to stop screening" in empty.output
    assert "litsynth import FILE --source NAME" in empty.output
    assert _ok(root, "screen", "stop", "--undo") == "No stop stands: nothing to resume.\n"


def test_a_stop_is_read_back_from_the_log_whatever_the_name() -> None:
    """The stop's source carries its verdict; a reviewer's name with a space or an equals sign
    comes back whole."""
    from litsynth.biblio import screening_rules as rules
    from litsynth.biblio.screening_stop import REASON, Stop, stops
    from litsynth.records import Decision

    made = Stop("Jane Doe=2", 290, 300, 0.0339, 0.95, 0.05, "2026-12-06T07:00:00.000Z", ())
    log = [
        Decision(rid, "title-abstract", "exclude", rules.AUTOMATION_REVIEWER, made.at,
                 reason=REASON, origin="automation", source=made.source())
        for rid in ("r1", "r2")
    ]  # fmt: skip
    (back,) = stops(log)
    assert back == Stop("Jane Doe=2", 290, 300, 0.0339, 0.95, 0.05, made.at, ("r1", "r2"))


def test_candidate_ids_are_the_candidates_own(review: Path, tmp_path: Path) -> None:
    """The ids-only read gives the same records in the same order at both stages."""
    from litsynth.biblio.screening_ops import candidate_ids, candidates
    from litsynth.store import opened

    screen_first(review, tmp_path, 100, 5)
    with opened(review / "litsynth.db") as conn:
        for stage in ("title-abstract", "full-text"):
            assert candidate_ids(conn, stage) == [r.id for r in candidates(conn, stage)]
        assert len(candidate_ids(conn, "title-abstract")) == 300
        assert len(candidate_ids(conn, "full-text")) == 5  # the five includes
