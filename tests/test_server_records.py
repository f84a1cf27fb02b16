"""The Records screen's API: a database export sent as the request body is imported as
`litsynth import` imports it, listed with its batch, taken back while no one worked on it,
and its duplicates found, each write behind the session token."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import reviewer_counts
from litsynth.config import open_project

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
RECORDS = REPO / "tests" / "fixtures" / "screening" / "records.csv"
HOST = "127.0.0.1:8765"


@pytest.fixture
def client(project: Path) -> TestClient:
    app = create_app(open_project(project), allowed_hosts=(HOST,))
    return TestClient(app, base_url=f"http://{HOST}")


def token(client: TestClient) -> dict[str, str]:
    return {"X-Litsynth-Token": str(client.app.state.workspace.token)}  # type: ignore[attr-defined]


def send(client: TestClient, data: bytes, name: str, source: str) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/records/import", params={"source": source, "name": name}, content=data,
        headers={**token(client), "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_export_sent_as_the_body_is_a_batch(client: TestClient, project: Path) -> None:
    data = RECORDS.read_bytes()
    first = send(client, data, "records.csv", "Scopus")
    assert first["n_records"] > 0 and first["format"] == "csv" and not first["already_imported"]
    again = send(client, data, "records.csv", "Scopus")  # the same bytes: nothing new
    assert again["already_imported"] and again["batch_id"] == first["batch_id"]
    other = send(client, data, "records.csv", "Embase")  # the same file, another source
    assert any("imported before as 'Scopus'" in w for w in other["warnings"])
    listed = client.get("/api/records/batches").json()
    assert [b["source"] for b in listed["batches"]] == ["Scopus", "Embase"]
    assert listed["sources"] == ["Embase", "Scopus"]
    assert listed["lines"][0].startswith(f"records: {2 * first['n_records']} from Embase")
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        stored = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()
    assert stored == 2 * first["n_records"]
    # the slip taken back; its duplicates gone with it
    found = client.post("/api/records/dedupe", headers=token(client)).json()
    assert found["n_duplicates"] == first["n_records"] and found["by_source"]["Embase"]
    removed = client.post(
        "/api/records/remove", json={"batch": other["batch_id"]}, headers=token(client)
    ).json()
    assert removed["source"] == "Embase" and removed["records"] == first["n_records"]
    assert [b["source"] for b in client.get("/api/records/batches").json()["batches"]] == ["Scopus"]


def test_a_bad_upload_says_why_and_a_write_needs_the_token(client: TestClient) -> None:
    response = client.post("/api/records/import", params={"source": "Scopus", "name": "a.ris"},
                           content=b"", headers=token(client))  # fmt: skip
    assert response.status_code == 400 and "empty" in response.json()["error"]
    unknown = send(client, b"\x00\x01 not an export", "a.xyz", "Scopus")
    assert unknown["error"] and unknown["n_records"] == 0
    # no source, and records that name none: nothing imported, and the outcome says why
    nameless = client.post("/api/records/import", params={"name": "a.csv"},
                           content=RECORDS.read_bytes(), headers=token(client))  # fmt: skip
    assert nameless.status_code == 200 and "which database" in nameless.json()["error"]
    blank = client.post("/api/records/import", params={"name": "a.csv", "source": " "},
                        content=RECORDS.read_bytes(), headers=token(client))  # fmt: skip
    assert blank.status_code == 400 and "source" in blank.json()["error"]
    for path in ("/api/records/import", "/api/records/remove", "/api/records/dedupe"):
        assert client.post(path, content=b"{}").status_code == 403
    missing = client.post("/api/records/remove", json={"batch": "nope"}, headers=token(client))
    assert missing.status_code == 400 and "no import batch" in missing.json()["error"]


def test_an_export_sent_without_a_source_is_named_by_its_records(client: TestClient) -> None:
    """The Source box left empty: the database the file's records name, and how it knew."""
    scopus = REPO / "tests" / "fixtures" / "biblio" / "cff" / "scopus.ris"
    response = client.post(
        "/api/records/import", params={"name": "scopus.ris", "searched": "2026-11-01"},
        content=scopus.read_bytes(),
        headers={**token(client), "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    outcome = response.json()
    assert outcome["source"] == "Scopus" and outcome["n_records"] == 2
    assert outcome["source_from"] == "DB field and links: 2 of 2 records"
    assert outcome["search"]["source"] == "Scopus"  # the search recorded under the file's source
    assert client.get("/api/records/batches").json()["sources"] == ["Scopus"]


TOOLS = REPO / "tests" / "fixtures" / "screening" / "tools"


def test_another_tools_decisions_sent_as_the_body_are_screen_imports_own(
    client: TestClient, project: Path
) -> None:
    """`POST /api/screen/import` reads what `screen import` reads: two Rayyan reviewers under
    their names, an ASReview LAB export as the named reviewer's, a list with all=; its lines
    are the command's."""
    send(client, RECORDS.read_bytes(), "records.csv", "Scopus")
    headers = {**token(client), "Content-Type": "application/octet-stream"}

    def post(name: str, **params: str) -> dict:  # type: ignore[type-arg]
        response = client.post(
            "/api/screen/import", params={"name": name, **params},
            content=(TOOLS / name).read_bytes(), headers=headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    rayyan = post("rayyan-two-reviewers.csv", reviewer="ana")
    assert rayyan["tool"] == "rayyan" and rayyan["reviewers"] == ["Ana", "Ben"]
    assert rayyan["recorded"] == 10 and rayyan["skipped"][0]["line"] == 9
    assert rayyan["lines"][0] == (
        "rayyan-two-reviewers.csv (Rayyan): 10 decisions recorded at title-abstract for Ana and Ben"
    )
    assert "put that name in the Reviewer box at the top" in rayyan["lines"][-1]
    lab = post("asreview-3.0.8.xlsx", reviewer="ana", stage="title-abstract")
    assert (lab["tool"], lab["reviewers"], lab["recorded"]) == ("asreview", ["ana"], 7)
    refused = client.post(
        "/api/screen/import", params={"name": "cff-covidence.csv"},
        content=(TOOLS / "cff-covidence.csv").read_bytes(), headers=headers,
    )  # fmt: skip
    assert refused.status_code == 400 and "--all include" in refused.json()["hint"]
    wrong = client.post(
        "/api/screen/import", params={"name": "x.csv", "all": "perhaps"},
        content=b"a,b\n", headers=headers,
    )  # fmt: skip
    assert wrong.status_code == 400  # held to the OpenAPI enum
    unsigned = client.post(
        "/api/screen/import", params={"name": "asreview-3.0.8.csv"},
        content=(TOOLS / "asreview-3.0.8.csv").read_bytes(),
        headers={"Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert unsigned.status_code == 403
    assert reviewer_counts(project) == {"Ana": 6, "Ben": 4, "ana": 7}


def test_litsynth_toml_edited_while_the_workspace_runs_counts_at_once(
    client: TestClient, project: Path
) -> None:
    """A term to mark, an exclusion reason or the reviewer's name typed into litsynth.toml
    shows on the next request, as for the next command; a file that no longer reads is said,
    and the settings stay as they were."""
    send(client, RECORDS.read_bytes(), "records.csv", "Scopus")
    first = client.get("/api/screen/next").json()
    assert first["terms"]["include"] == []
    toml = project / "litsynth.toml"
    good = toml.read_text(encoding="utf-8")
    toml.write_text(
        good + '\n[screening]\ninclude_terms = ["nudg*"]\nreasons = ["not a nudge"]\n',
        encoding="utf-8",
    )
    after = client.get("/api/screen/next").json()
    assert after["terms"]["include"] == ["nudg*"]
    assert "not a nudge" in after["reasons"]  # added to the list the log keeps
    toml.write_text(good + "\n[screening\n", encoding="utf-8")
    broken = client.get("/api/screen/next")
    assert broken.status_code == 400 and "litsynth.toml" in broken.json()["error"]
    toml.write_text(good, encoding="utf-8")
    assert client.get("/api/screen/next").json()["terms"]["include"] == []


def test_the_screening_screen_writes_its_criteria_and_terms_into_litsynth_toml(
    client: TestClient, project: Path
) -> None:
    """`POST /api/settings/screening`: criteria and terms into [screening] (the file's other
    lines kept), a new reason into the project's list; the next record is marked with them."""
    send(client, RECORDS.read_bytes(), "records.csv", "Scopus")
    toml = project / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "# my own note\n", encoding="utf-8")
    saved = client.post(
        "/api/settings/screening",
        json={"criteria": "Nudges aimed at clinicians.", "include_terms": ["nudg*", " ", "nudg*"],
              "exclude_terms": ["soil"], "reason": "  wrong   setting "},
        headers=token(client),
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert saved.json()["terms"] == {"include": ["nudg*"], "exclude": ["soil"]}
    assert saved.json()["reason_added"] == "wrong setting"
    text = toml.read_text(encoding="utf-8")
    assert "# my own note" in text and 'include_terms = ["nudg*"]' in text
    after = client.get("/api/screen/next").json()
    assert after["criteria"] == "Nudges aimed at clinicians."
    assert after["terms"]["include"] == ["nudg*"] and "wrong setting" in after["reasons"]
    refused = client.post("/api/settings/screening", json={"include_terms": "nudg*"},
                          headers=token(client))  # fmt: skip
    assert refused.status_code == 400  # a list, as /openapi.json says
    assert client.post("/api/settings/screening", json={}).status_code == 403


def test_a_screen_typed_by_its_label_opens_and_an_unknown_one_lists_the_screens(
    client: TestClient,
) -> None:
    moved = client.get("/screens/screening", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/screens/screen"
    missing = client.get("/screens/<b>nope")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "&lt;b&gt;nope" in missing.text and 'href="/screens/matrices"' in missing.text


def test_a_library_split_by_database_is_a_batch_per_database(client: TestClient) -> None:
    library = (
        b"TY  - JOUR\nTI  - One\nDB  - Scopus\nER  - \n\nTY  - JOUR\nTI  - Two\nDB  - Embase\n"
        b"ER  - \n"
    )
    response = client.post(
        "/api/records/import", params={"name": "library.ris", "by_database": "1"},
        content=library, headers={**token(client), "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    outcomes = response.json()["outcomes"]
    assert [(o["source"], o["n_records"]) for o in outcomes] == [("Scopus", 1), ("Embase", 1)]
    told = client.post(
        "/api/records/import",
        params={"name": "library.ris", "by_database": "1", "searched": "2026-11-01"},
        content=library, headers=token(client),
    )  # fmt: skip
    assert told.status_code == 400 and "one database" in told.json()["error"]
