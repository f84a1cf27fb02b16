"""Undo: a withdrawn decision is an 'undecided' row appended to the log; the record goes back
into the reviewer's queue and out of every count, and the log keeps both rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio import screening_ops as ops
from litsynth.biblio import screening_rules as rules
from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.errors import ScreeningError
from litsynth.records import Decision
from litsynth.store import opened
from litsynth.store import screening_log as store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TA = "title-abstract"


def d(rid: str, decision: str, who: str = "ann", origin: str = "terminal") -> Decision:
    return Decision(rid, TA, decision, who, "2026-12-03T10:00:00Z", "", "", origin)


def test_latest_and_the_queue_forget_a_withdrawn_decision() -> None:
    log = [d("a", "include"), d("b", "exclude"), d("b", rules.UNDECIDED), d("a", "exclude", "bo")]
    now = rules.latest(log)
    assert ("b", TA, "ann") not in now and now[("a", TA, "ann")].decision == "include"
    assert rules.undecided_by(["a", "b", "c"], log, stage=TA, reviewer="ann") == ["b", "c"]
    assert rules.effective(log)[("a", TA)].decision == "conflict"
    assert ("b", TA) not in rules.effective(log)


def run(root: Path, *args: object) -> str:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(root)])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def test_undo_twice_walks_back_and_the_log_keeps_everything(project: Path, tmp_path: Path) -> None:
    run(project, "import", FIXTURES / "screening" / "records.csv", "--source", "Scopus")
    sheet = tmp_path / "ta.csv"
    sheet.write_text("record_id,decision\nr01,include\nr02,exclude\nr03,include\n")
    run(project, "screen", "import", sheet, "--reviewer", "ann")
    assert (
        json.loads(run(project, "screen", "undo", "--reviewer", "ann", "--json"))["undone"] == "r03"
    )
    assert "r02: ann's decision at title-abstract withdrawn" in run(
        project, "screen", "undo", "--reviewer", "ann"
    )
    status = run(project, "screen", "status", "--reviewer", "ann", "--json")
    assert json.loads(status)["screened"] == 1  # r01 stands; r02 and r03 are back to screen
    conn = sqlite3.connect(project / "litsynth.db")
    rows = conn.execute("SELECT record_id, decision FROM decisions ORDER BY seq").fetchall()
    conn.close()
    assert rows == [("r01", "include"), ("r02", "exclude"), ("r03", "include"),
                    ("r03", "undecided"), ("r02", "undecided")]  # fmt: skip
    assert "bo has no decision at title-abstract to undo" in run(
        project, "screen", "undo", "--reviewer", "bo"
    )


def test_prisma_and_the_report_state_the_stopping_rule(project: Path, tmp_path: Path) -> None:
    run(project, "import", FIXTURES / "screening" / "records.csv", "--source", "Scopus")
    sheet = tmp_path / "ta.csv"
    sheet.write_text("record_id,decision\nr01,include\nr02,exclude\nr03,exclude\n")
    run(project, "screen", "import", sheet, "--reviewer", "ann")
    out = run(project, "prisma")
    assert "stopping rule (Callaghan & Müller-Hansen 2020, ranked form, alpha 0.05):" in out
    assert "title-abstract, ann: 3 of 12 records screened, 1 included or maybe" in out
    assert "keep screening" in out


def test_a_rules_exclusion_settles_a_record_until_the_rule_lets_go() -> None:
    robot = rules.AUTOMATION_REVIEWER
    log = [d("a", "exclude", robot, "automation"), d("b", "exclude", robot, "automation")]
    assert rules.undecided_by(["a", "b", "c"], log, stage=TA, reviewer="ann") == ["c"]
    log.append(d("b", "maybe", robot, "automation"))  # settings changed: b is open again
    assert rules.undecided_by(["a", "b", "c"], log, stage=TA, reviewer="ann") == ["b", "c"]
    log.append(d("c", "include", "bo", "resolution"))  # a resolution settles it for everyone
    assert rules.undecided_by(["a", "b", "c"], log, stage=TA, reviewer="ann") == ["b"]


def fails(root: Path, *args: object) -> str:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(root)])
    assert result.exit_code != 0, result.output
    return result.output + result.stderr


def test_a_full_text_assessment_keeps_the_inclusion_it_stands_on(
    project: Path, tmp_path: Path
) -> None:
    """Undoing, changing or bypassing the title/abstract inclusion under a full-text decision
    is refused with the way out, and PRISMA still adds up afterwards (an HTTP fuzz of the
    workspace walked undo back through a finished review and broke the flow)."""
    run(project, "import", FIXTURES / "screening" / "records.csv", "--source", "Scopus")
    ta, ft = tmp_path / "ta.csv", tmp_path / "ft.csv"
    ta.write_text("record_id,decision\nr01,include\nr02,exclude\nr03,include\n")
    run(project, "screen", "import", ta, "--reviewer", "ann")
    ft.write_text("record_id,decision\nr03,include\n")
    run(project, "screen", "import", ft, "--stage", "full-text", "--reviewer", "ann")

    refused = fails(project, "screen", "undo", "--reviewer", "ann")
    assert "'r03' was assessed at full text (include); withdrawing title/abstract" in refused
    assert "litsynth screen undo --stage full-text" in refused
    refused = fails(project, "screen", "resolve", "r03", "--decision", "exclude")
    assert "'exclude' at title/abstract would leave that assessment" in refused
    refused = fails(project, "screen", "resolve", "r02", "--stage", "full-text",
                    "--decision", "include")  # fmt: skip
    assert "'r02' was not included at title/abstract" in refused
    assert json.loads(run(project, "prisma", "--json"))  # the flow still adds up
    again = tmp_path / "ta-again.csv"  # a sheet is held to the same rule, line by line
    again.write_text("record_id,decision\nr01,exclude\nr03,exclude\n")
    done = json.loads(run(project, "screen", "import", again, "--reviewer", "ann", "--json"))
    assert done["recorded"] == 1 and [(p["line"], p["record_id"]) for p in done["skipped"]] == [
        (3, "r03")
    ]
    assert "'exclude' at title/abstract would leave" in done["skipped"][0]["problem"]
    assert json.loads(run(project, "prisma", "--json"))

    # a second reviewer's vote is theirs to make: a disagreement (PRISMA asks for its
    # resolution), not a refusal; but once bo's exclusion is all that would be left, ann may
    # not withdraw the inclusion under the assessment
    settings = open_project(project).settings.screening
    with opened(project / "litsynth.db") as conn:
        ops.record_decision(conn, "r03", stage=TA, decision="exclude", reviewer="bo",
                            settings=settings, reason="not about nudging")  # fmt: skip
        ops.record_decision(conn, "r03", stage=TA, decision="maybe", reviewer="bo",
                            settings=settings)  # fmt: skip
        assert rules.effective(store.log(conn, TA))[("r03", TA)].decision == "conflict"
        assert ops.undo_last(conn, stage=TA, reviewer="ann", source="test") == "r01"  # the sheet's
        with pytest.raises(ScreeningError, match="withdrawing title/abstract"):
            ops.undo_last(conn, stage=TA, reviewer="ann", source="test")
        ops.undo_last(conn, stage=TA, reviewer="bo", source="test")  # ann's inclusion stands
    # the way out the message gives: withdraw the full-text decision, then the inclusion
    run(project, "screen", "undo", "--stage", "full-text", "--reviewer", "ann")
    assert "r03: ann's decision at title-abstract withdrawn" in run(
        project, "screen", "undo", "--reviewer", "ann"
    )
