"""Find a record: every record by its words and where it stands, one record with its
decisions in the order they were made, and a decision on it from there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli, shared
from litsynth.biblio.export import select
from litsynth.biblio.record_finder import find_records, status
from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT
from litsynth.store import opened

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
RECORDS = REPO / "tests" / "fixtures" / "screening" / "records.csv"
HOST = "127.0.0.1:8765"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The 12 screening records, a second copy of two from another source (duplicates), ann's
    and bo's votes on r01 (a conflict), ann's exclusion of r03 with a reason."""
    root = tmp_path / "review"
    CliRunner().invoke(cli, ["init", str(root)])
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    again = tmp_path / "wos.csv"
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    again.write_text("".join([lines[0], lines[1].replace("r01,", "w01,", 1),
                              lines[4].replace("r04,", "w04,", 1)]), encoding="utf-8")  # fmt: skip
    run_cli(root, "import", str(again), "--source", "Web of Science")
    run_cli(root, "dedupe")
    sheet = tmp_path / "ann.csv"
    sheet.write_text("record_id,decision,reason\nr01,include,\nr03,exclude,wrong population\n")
    run_cli(root, "screen", "import", str(sheet), "--reviewer", "ann")
    sheet.write_text("record_id,decision,reason\nr01,exclude,not a nudge\n")
    run_cli(root, "screen", "import", str(sheet), "--reviewer", "bo")
    return root


def test_words_and_status_find_the_records(project: Path) -> None:
    with opened(project / "litsynth.db") as conn:
        rows = select(conn, "all")
    every = find_records(rows)
    assert every.total == 12 and every.counts["duplicate"] == 2  # w01, w04: their roots'
    assert every.counts == {"all": 12, "undecided": 10, "conflict": 1, "exclude": 1,
                            "duplicate": 2}  # fmt: skip
    found = find_records(rows, words="HAND hygiene nurses")
    assert [e.record.id for e in found.rows] == ["r04"]  # any case, every word
    assert [e.record.id for e in find_records(rows, words="10.1000/r03").rows] == ["r03"]
    nudged = {e.record.id for e in find_records(rows, words="nudging").rows}
    assert nudged and {e.record.id for e in find_records(rows, words="nudges").rows} >= nudged
    excluded = find_records(rows, status_is="exclude")
    assert [(e.record.id, e.ta_reason) for e in excluded.rows] == [("r03", "wrong population")]
    dupes = find_records(rows, status_is="duplicate", source="Web of Science")
    assert sorted(e.record.id for e in dupes.rows) == ["w01", "w04"]
    at_full_text = find_records(rows, stage=FULL_TEXT)
    assert at_full_text.counts == {"all": 12, "not-sought": 12, "duplicate": 2}
    assert status(found.rows[0], TITLE_ABSTRACT) == "undecided"
    page = find_records(rows, offset=10, limit=5)
    assert (page.total, [e.record.id for e in page.rows]) == (12, ["r11", "r12"])


@pytest.fixture
def client(project: Path) -> TestClient:
    app = create_app(open_project(project), allowed_hosts=(HOST,))
    return TestClient(app, base_url=f"http://{HOST}")


def test_find_open_and_decide_again_through_the_api(client: TestClient) -> None:
    found = client.get("/api/records/find", params={"status": "conflict"}).json()
    assert found["total"] == 1 and found["sources"] == ["Scopus", "Web of Science"]
    row = found["records"][0]
    assert (row["id"], row["title_abstract"]["decision"]) == ("r01", "conflict")
    shown = client.get("/api/records/record", params={"id": "r01"}).json()
    assert [(d["reviewer"], d["decision"]) for d in shown["history"]] == [
        ("ann", "include"), ("bo", "exclude")
    ]  # fmt: skip
    assert shown["group"] == [{"id": "w01", "source": "Web of Science",
                               "title": shown["record"]["title"]}]  # fmt: skip
    assert "wrong population" in shown["reasons"]
    token = str(client.app.state.workspace.token)  # type: ignore[attr-defined]
    decided = client.post(
        "/api/screen/decide",
        json={"record_id": "r01", "decision": "include", "reviewer": "bo"},
        headers={"X-Litsynth-Token": token},
    )
    assert decided.status_code == 200, decided.text
    after = client.get("/api/records/record", params={"id": "r01"}).json()
    assert after["status"]["title_abstract"]["decision"] == "include"  # they agree now
    assert [d["decision"] for d in after["history"]] == ["include", "exclude", "include"]
    duplicate = client.get("/api/records/record", params={"id": "w01"}).json()
    assert duplicate["status"]["duplicate_of"] == "r01"
    assert duplicate["status"]["title_abstract"]["decision"] == "duplicate"
    assert len(duplicate["history"]) == 3  # its root's decisions


def test_wrong_requests_are_said(client: TestClient) -> None:
    missing = client.get("/api/records/record", params={"id": "nope"})
    assert missing.status_code == 404 and "no record 'nope'" in missing.json()["error"]
    wrong = client.get("/api/records/find", params={"status": "kept"})
    assert wrong.status_code == 400 and "unknown status 'kept'" in wrong.json()["error"]
    page = client.get("/api/records/find", params={"offset": "x"})
    assert page.status_code == 400


def test_a_real_review_is_searched_by_its_words(tmp_path: Path) -> None:
    """Nagtegaal 2019's 2,019 records: a page of the ones with both words."""
    data = shared("data/screening/Nagtegaal_2019/output/Nagtegaal_2019.csv")
    root = tmp_path / "review"
    CliRunner().invoke(cli, ["init", str(root)])
    run_cli(root, "import", str(data), "--source", "PubMed")
    app = create_app(open_project(root), allowed_hosts=(HOST,))
    client = TestClient(app, base_url=f"http://{HOST}")
    found = client.get("/api/records/find", params={"words": "nudg physician"}).json()
    assert 0 < found["total"] < 2019 and len(found["records"]) == min(found["total"], 50)


def test_the_command_line_finds_shows_and_decides(project: Path) -> None:
    """`screen find`, `screen show`, `screen decide`: the finder's twin in the terminal."""
    found = run_cli(project, "screen", "find", "HAND", "hygiene")
    # w04, Web of Science's copy of r04, is found too, as a duplicate: not listed under "all"
    assert found.splitlines()[0] == "1 record at title-abstract (undecided 1, duplicate 1)"
    assert found.splitlines()[1].startswith("r04  2018  Scopus  [undecided · not-sought]")
    said = run_cli(project, "screen", "decide", "r04", "exclude", "--reason", "not in hospital",
                   "--reviewer", "bo")  # fmt: skip
    assert said.splitlines() == [
        "r04: exclude: not in hospital at title-abstract by bo",
        "  new exclusion reason added to the project's list: 'not in hospital'",
    ]
    shown = run_cli(project, "screen", "show", "w01")  # a duplicate shows its root's decisions
    assert "a duplicate of r01: its decisions are that record's" in shown
    assert "ann  title-abstract  include" in shown and "bo  title-abstract  exclude" in shown
    listed = json.loads(run_cli(project, "screen", "find", "--status", "exclude", "--json"))
    assert [r["id"] for r in listed["records"]] == ["r03", "r04"]
    assert listed["counts"]["exclude"] == 2
    missing = run_cli(project, "screen", "show", "nope", exit_code=1)
    assert "no record 'nope'" in missing and "screen find WORDS" in missing


def test_what_is_found_downloads_whole(client: TestClient, project: Path, tmp_path: Path) -> None:
    """Every record found, not the page: a sheet with the review's decisions, or RIS; the
    command line writes the same with --out."""
    from litsynth.biblio.sheet_files import read_table

    sheet = client.get("/api/records/found", params={"status": "exclude", "format": "xlsx"})
    assert (
        sheet.status_code == 200 and 'filename="found.xlsx"' in sheet.headers["content-disposition"]
    )
    saved = tmp_path / "found.xlsx"
    saved.write_bytes(sheet.content)
    rows = read_table(saved)
    at = rows[0].index("title_abstract_reason")
    assert [(r[0], r[at]) for r in rows[1:]] == [("r03", "wrong population")]
    ris = client.get("/api/records/found", params={"words": "nudg", "format": "ris"}).text
    assert ris.count("TY  - ") == len(find_records(_rows(project), words="nudg", limit=99).rows) > 1
    wrong = client.get("/api/records/found", params={"format": "docx"})
    assert wrong.status_code == 400 and "unknown format 'docx'" in wrong.json()["error"]
    out = tmp_path / "undecided.ris"
    said = run_cli(
        project, "screen", "find", "--status", "undecided", "--limit", "2", "--out", str(out)
    )
    assert f"{out}: 10 records written" in said and out.read_text().count("TY  - ") == 10
    refused = run_cli(project, "screen", "find", "--out", str(tmp_path / "x.docx"), exit_code=1)
    assert "no format for '.docx'" in refused


def _rows(project: Path):  # type: ignore[no-untyped-def]
    with opened(project / "litsynth.db") as conn:
        return select(conn, "all")


def test_a_record_is_found_by_its_pubmed_id(tmp_path: Path) -> None:
    """A colleague asks about "PMID 30922926": the id PubMed gave is among a record's words."""
    root = tmp_path / "review"
    CliRunner().invoke(cli, ["init", str(root)])
    nbib = REPO / "tests" / "fixtures" / "biblio" / "cff" / "pubmed.nbib"
    run_cli(root, "import", str(nbib), "--source", "PubMed")
    found = run_cli(root, "screen", "find", "30922926")
    assert found.splitlines()[0].startswith("1 record at title-abstract")
    assert "Time lapse" in found
