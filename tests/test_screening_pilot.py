"""A pilot round (`litsynth screen pilot`): the same records first for every reviewer, drawn
at random from those nobody has decided, then their agreement on them, and the Methods say so."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli
from litsynth.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"


def run(project: Path, *args: str) -> str:
    return run_cli(project, *args)


def fail(project: Path, *args: str) -> str:
    return run_cli(project, *args, exit_code=1)


def sheet_ids(project: Path, reviewer: str) -> list[str]:
    out = project / f"{reviewer}.csv"
    run(project, "screen", "export", str(out), "--reviewer", reviewer)
    with out.open(encoding="utf-8-sig") as f:
        return [row["record_id"] for row in csv.DictReader(f)]


def decide(project: Path, reviewer: str, decisions: dict[str, str]) -> None:
    sheet = project / f"{reviewer}-decided.csv"
    sheet.write_text(
        "record_id,decision\n" + "".join(f"{r},{d}\n" for r, d in decisions.items()),
        encoding="utf-8",
    )
    run(project, "screen", "import", str(sheet), "--reviewer", reviewer)


@pytest.fixture
def records(project: Path) -> Path:
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    return project


def test_every_reviewer_gets_the_pilot_first_then_their_own_order(records: Path) -> None:
    said = run(records, "screen", "pilot", "--size", "4", "--seed", "7")
    assert "pilot drawn: 4 records at title-abstract (seed 7)" in said
    pilot = json.loads(run(records, "screen", "pilot", "--json"))
    assert pilot["size"] == 4 and pilot["done"] == {}
    ana, ben = sheet_ids(records, "ana"), sheet_ids(records, "ben")
    assert ana[:4] == ben[:4] and len(set(ana[:4])) == 4
    # what ana decides reorders her queue after the pilot, never the pilot itself
    decide(records, "ana", {ana[0]: "exclude", ana[4]: "include"})
    assert sheet_ids(records, "ana")[:3] == ana[1:4]
    assert sheet_ids(records, "ben")[:4] == ben[:4]


def test_the_draw_is_seeded_and_skips_what_is_decided(records: Path, tmp_path: Path) -> None:
    decide(records, "ana", {"r01": "include", "r02": "include"})
    run(records, "screen", "pilot", "--size", "10", "--seed", "3")
    drawn = sheet_ids(records, "ben")[:10]
    assert "r01" not in drawn and "r02" not in drawn  # only what nobody has decided
    assert "already drawn" in fail(records, "screen", "pilot", "--size", "3")
    assert "taken off (10 records; decisions kept)" in run(records, "screen", "pilot", "--end")
    assert "no pilot drawn at title-abstract" in fail(records, "screen", "pilot")
    run(records, "screen", "pilot", "--size", "10", "--seed", "3")
    assert sheet_ids(records, "ben")[:10] == drawn  # the same seed, the same records


def test_the_pilot_report_and_the_methods(records: Path) -> None:
    run(records, "screen", "pilot", "--size", "4", "--seed", "1")
    first = sheet_ids(records, "ana")[:4]
    decide(records, "ana", dict.fromkeys(first, "exclude"))
    decide(records, "ben", {**dict.fromkeys(first[:3], "exclude"), first[0]: "include"})
    report = run(records, "screen", "pilot")
    assert "pilot at title-abstract: 4 records; screened by ana 4, ben 3" in report
    assert "2 of the 3 decided by two or more agree" in report
    assert f"{first[0]}: ana: exclude, ben: include" in report
    status = run(records, "screen", "status", "--reviewer", "ben")
    assert "pilot: ben has screened 3 of its 4 records (shown first)" in status
    told = json.loads(run(records, "screen", "status", "--reviewer", "ana", "--json"))["pilot"]
    assert told == {"size": 4, "done": {"ana": 4, "ben": 3}}
    methods = run(records, "prisma", "--methods", "-")
    assert (
        "A pilot sample of 4 records, drawn at random, was given to every reviewer first"
        " (ana 4, ben 3); they agreed on 2 of the 3 decided by two or more" in methods
    )


def test_the_workspace_marks_a_pilot_record(records: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    run(records, "screen", "pilot", "--size", "3")
    host = "127.0.0.1:8765"
    client = TestClient(create_app(open_project(records), allowed_hosts=(host,)),
                        base_url=f"http://{host}")  # fmt: skip
    shown = client.get("/api/screen/next", params={"reviewer": "cy"}).json()["record"]
    assert shown["pilot"] == {"position": 1, "size": 3}
    conflicts = client.get("/api/screen/conflicts").json()
    assert conflicts["pilot"]["size"] == 3 and conflicts["pilot"]["done"] == {}


def test_the_pilot_is_drawn_and_ended_from_the_workspace(records: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    host = "127.0.0.1:8765"
    app = create_app(open_project(records), allowed_hosts=(host,))
    client = TestClient(app, base_url=f"http://{host}")
    token = {"X-Litsynth-Token": str(app.state.workspace.token)}
    drawn = client.post("/api/screen/pilot", json={"size": 5, "seed": 2}, headers=token)
    assert drawn.status_code == 200 and drawn.json()["drawn"] == 5
    assert drawn.json()["pilot"]["size"] == 5
    again = client.post("/api/screen/pilot", json={"size": 5}, headers=token)
    assert again.status_code == 400 and "already drawn" in again.json()["error"]
    assert client.post("/api/screen/pilot", json={"size": "5"}, headers=token).status_code == 400
    assert client.post("/api/screen/pilot", json={"size": 5}).status_code == 403
    ended = client.post("/api/screen/pilot", json={"end": True}, headers=token).json()
    assert ended == {"ended": 5, "pilot": None}
    # the same seed draws the same records as the command line
    client.post("/api/screen/pilot", json={"size": 5, "seed": 2}, headers=token)
    from_page = sheet_ids(records, "zed")[:5]
    run(records, "screen", "pilot", "--end")
    run(records, "screen", "pilot", "--size", "5", "--seed", "2")
    assert sheet_ids(records, "zed")[:5] == from_page


def test_the_terminal_says_a_record_is_the_pilots(records: Path) -> None:
    run(records, "screen", "pilot", "--size", "2")
    first = sheet_ids(records, "cy")[0]
    result = CliRunner().invoke(
        cli, ["screen", "next", "--reviewer", "cy", "--project", str(records)], input="q\n"
    )
    assert f"· {first} · pilot 1 of 2]" in result.output
