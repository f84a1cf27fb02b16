"""A report that cannot be had is "not retrieved" (PRISMA 2020's own box), at full text only.

Before, only a screening sheet could say so: the workspace and `screen next` offered include,
exclude and maybe, so reviewers excluded such records "full text not available" and PRISMA
counted them as assessed and excluded. And a sheet or the API could mark a record not
retrieved at title/abstract, where no report is sought: PRISMA then counted it as awaiting.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"


def run(project: Path, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)], input=input)
    assert result.exit_code == 0, result.output + (str(result.exception) or "")
    return result.output


@pytest.fixture
def included(project: Path) -> Path:
    """Three fixture records included at title/abstract by the project's reviewer."""
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    sheet = project / "ta.csv"
    sheet.write_text("record_id,decision\nr01,yes\nr02,yes\nr04,yes\n", encoding="utf-8")
    run(project, "screen", "import", str(sheet), "--stage", "title-abstract")
    return project


def test_the_terminal_offers_not_retrieved_at_full_text_and_says_where_the_text_is(
    included: Path,
) -> None:
    out = run(included, "screen", "next", "--stage", "full-text", input="r\nq\n")
    assert "Full text: none linked. Put its PDF in corpus/" in out
    assert "[r] not retrieved" in out and "→ not-retrieved" in out
    flow = json.loads(run(included, "prisma", "--json"))
    assert flow["dbr_sought_reports"] == 3 and flow["dbr_notretrieved_reports"] == 1
    assert flow["dbr_assessed"] == 0
    status = run(included, "screen", "status", "--stage", "full-text")
    assert "0 included, 0 excluded, 0 maybe, 1 not retrieved;" in status
    # every report sought is read at full text: no stopping rule, but how many are left
    assert "keep going: 2 reports left; at full text every report sought is assessed" in status
    assert "full-text, " not in run(included, "prisma")  # the rule's statements: T/A only
    # at title/abstract there is no report to retrieve: no such key
    ta = CliRunner().invoke(cli, ["screen", "next", "--project", str(included)], input="r\nq\n")
    assert "[r] not retrieved" not in ta.output and "Error: 'r' is not one of" in ta.output


def test_not_retrieved_at_title_abstract_is_refused_in_a_sheet(included: Path) -> None:
    sheet = included / "ta2.csv"
    sheet.write_text("record_id,decision\nr03,not retrieved\nr05,no\n", encoding="utf-8")
    out = run(included, "screen", "import", str(sheet), "--stage", "title-abstract")
    assert "1 decision recorded" in out
    assert "line 2: 'not-retrieved' is a full-text decision" in out


def test_the_workspace_records_not_retrieved_at_full_text_only(included: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    host = "127.0.0.1:8765"
    client = TestClient(create_app(open_project(included), allowed_hosts=(host,)),
                        base_url=f"http://{host}")  # fmt: skip
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    nxt = client.get("/api/screen/next", params={"stage": "full-text"}).json()
    record = nxt["record"]["id"]
    assert nxt["record"]["full_texts"] == [] and nxt["progress"]["not_retrieved"] == 0
    body = {"record_id": record, "decision": "not-retrieved", "stage": "title-abstract"}
    refused = client.post("/api/screen/decide", json=body, headers={"X-Litsynth-Token": token})
    assert refused.status_code == 400 and "full-text decision" in refused.json()["error"]
    body["stage"] = "full-text"
    done = client.post("/api/screen/decide", json=body, headers={"X-Litsynth-Token": token})
    assert done.status_code == 200, done.text
    after = client.get("/api/screen/next", params={"stage": "full-text"}).json()
    assert after["progress"]["not_retrieved"] == 1 and after["record"]["id"] != record


def test_the_full_text_sheet_names_each_record_s_file(included: Path) -> None:
    """A full-text screener in Excel reads the report: the sheet says which file it is."""
    (included / "corpus" / "r01.md").write_text("# Nudging physicians\n\nDefaults.\n", "utf-8")
    run(included, "ingest")
    run(included, "link", "r01", "corpus/r01.md")
    sheet = included / "ft.csv"
    run(included, "screen", "export", str(sheet), "--stage", "full-text")
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["record_id"]: r for r in csv.DictReader(fh)}
    assert rows["r01"]["full_text"].endswith("r01.md") and rows["r02"]["full_text"] == ""
    ta = included / "ta-left.csv"  # no report is sought at title/abstract: no such column
    run(included, "screen", "export", str(ta), "--stage", "title-abstract")
    assert "full_text" not in ta.read_text(encoding="utf-8-sig").splitlines()[0]


def test_the_workspace_hands_over_the_records_still_to_retrieve(included: Path) -> None:
    """The list of full texts to find, and the included studies, as files from the workspace:
    `litsynth export records` itself, answered as an attachment."""
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    host = "127.0.0.1:8765"
    client = TestClient(create_app(open_project(included), allowed_hosts=(host,)),
                        base_url=f"http://{host}")  # fmt: skip
    got = client.get("/api/export/records", params={"stage": "to-retrieve", "format": "ris"})
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="to-retrieve.ris"'
    assert {line[6:] for line in got.text.splitlines() if line.startswith("ID  - ")} == {
        "r01",
        "r02",
        "r04",
    }
    sheet = client.get("/api/export/records", params={"stage": "all", "format": "xlsx"})
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    bad = client.get("/api/export/records", params={"stage": "sometime"})
    assert bad.status_code == 400 and "unknown stage" in bad.json()["error"]
