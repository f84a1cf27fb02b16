"""The workspace's JSON API (`litsynth serve`), with the hash embedder: contracts and safety."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.config import open_project

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
RECORDS = REPO / "tests" / "fixtures" / "screening" / "records.csv"
HOST = "127.0.0.1:8765"


def invoke(*args: str | Path) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ws") / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text(
        '[project]\nname = "ws"\nreviewer = "ann"\n\n[embed]\nmodel = "hash-384"\n\n'
        '[screening]\ncriteria = "nudges for physicians and nurses"\n'
        'reasons = ["not about nudging", "not healthcare professionals"]\n',
        encoding="utf-8",
    )
    for name in ("002_f98a91929306a877.txt", "004_03019285015a147f.txt"):
        shutil.copy2(REPO / "corpus" / name, root / "corpus" / name)
    invoke("ingest", "--project", root)
    invoke("import", RECORDS, "--source", "Scopus", "--project", root)
    return root


@pytest.fixture
def client(project: Path) -> TestClient:
    app = create_app(open_project(project), allowed_hosts=(HOST,))
    return TestClient(app, base_url=f"http://{HOST}")


def token(client: TestClient) -> str:
    return str(client.app.state.workspace.token)  # type: ignore[attr-defined]


def test_search_returns_the_cli_search_contract(client: TestClient, project: Path) -> None:
    api = client.get("/api/search", params={"q": "federated supply chain", "k": 3})
    assert api.status_code == 200
    cli_json = json.loads(invoke("search", "federated supply chain", "-k", "3", "--project",
                                 project, "--json"))  # fmt: skip
    assert api.json() == cli_json
    assert api.json()[0]["citation"]


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/screen/next", "/api/screen/decide"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "k", "code", "theme"} <= params


def test_next_record_comes_with_progress_and_reasons(client: TestClient) -> None:
    data = client.get("/api/screen/next", params={"reviewer": "bob"}).json()
    assert data["record"]["id"] and data["record"]["title"]
    assert data["progress"]["candidates"] == 12 and data["progress"]["screened"] == 0
    assert data["reasons"][:2] == ["not about nudging", "not healthcare professionals"]
    # the criteria's words are marked where they stand, in the title and every section
    record = data["record"]
    marked = [
        (text[s:e].lower(), kind)
        for text, marks in [(record["title"], record["title_marks"])]
        + [(section["text"], section["marks"]) for section in record["sections"]]
        for s, e, kind in marks
    ]
    assert marked and set(marked) <= {(w, "criteria") for w in ("nudges", "physicians", "nurses")}
    assert len(record["keyword_marks"]) == len(record["keywords"])
    assert record["full_texts"] == []  # no record of the fixture is linked to a document


def test_decision_is_in_the_log_when_the_response_returns(
    client: TestClient, project: Path
) -> None:
    first = client.get("/api/screen/next", params={"reviewer": "cy"}).json()["record"]["id"]
    response = client.post(
        "/api/screen/decide",
        json={"record_id": first, "decision": "exclude", "reason": "not about nudging",
              "reviewer": "cy"},
        headers={"X-Litsynth-Token": token(client)},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    conn = sqlite3.connect(project / "litsynth.db")
    rows = conn.execute(
        "SELECT decision, reason, source FROM decisions WHERE reviewer = 'cy'"
    ).fetchall()
    conn.close()
    assert rows == [("exclude", "not about nudging", "workspace")]
    after = client.get("/api/screen/next", params={"reviewer": "cy"}).json()
    assert after["record"]["id"] != first and after["progress"]["screened"] == 1


def test_writes_need_the_session_token_and_the_same_origin(client: TestClient) -> None:
    rid = client.get("/api/screen/next", params={"reviewer": "dee"}).json()["record"]["id"]
    body = {"record_id": rid, "decision": "include", "reviewer": "dee"}
    assert client.post("/api/screen/decide", json=body).status_code == 403
    wrong = {"X-Litsynth-Token": "guess"}
    assert client.post("/api/screen/decide", json=body, headers=wrong).status_code == 403
    foreign = {"X-Litsynth-Token": token(client), "Origin": "http://evil.example"}
    assert client.post("/api/screen/decide", json=body, headers=foreign).status_code == 403
    same = {"X-Litsynth-Token": token(client), "Origin": f"http://{HOST}"}
    assert client.post("/api/screen/decide", json=body, headers=same).status_code == 200


def test_other_host_names_are_refused(client: TestClient) -> None:
    """DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    response = client.get("/api/status", headers={"Host": "evil.example:8765"})
    assert response.status_code == 421


def test_page_carries_a_token_and_a_content_security_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert token(client) in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert client.get("/static/workspace.js").status_code == 200
    assert client.get("/static/../litsynth.db").status_code == 404
    # the page's icon is one of ours, under the policy's img-src 'self' (a data: icon is refused)
    icon = client.get("/static/icon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert 'href="/static/icon.svg"' in page.text and "img-src 'self'" in csp
    # every screen names the project's reviewer in the empty field, not only Screening's script
    duplicates = client.get("/screens/duplicates").text
    assert 'id="reviewer" size="10" autocomplete="off" placeholder="ann"' in duplicates


def test_bad_input_is_a_json_error(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": " "})
    assert response.status_code == 400 and response.json()["error"]
    response = client.get("/api/screen/next", params={"stage": "abstracts"})
    assert response.status_code == 400 and "unknown stage" in response.json()["error"]
    for k in ("ten", "0", "-3", "1000000000", "²"):
        response = client.get("/api/search", params={"q": "supply chains", "k": k})
        assert response.status_code == 400 and "k is how many hits" in response.json()["error"]
    headers = {"X-Litsynth-Token": token(client), "Content-Type": "application/json"}
    for route, sent in [
        ("/api/screen/decide", b"{not json"),
        ("/api/screen/decide", b'["a list", "not an object"]'),
        ("/api/memo", b"\xff\xfe"),
        ("/api/coding/add", b'{"document": "d", "start": "ten", "end": 20, "code": "c"}'),
    ]:
        response = client.post(route, content=sent, headers=headers)
        assert response.status_code == 400, (route, sent, response.text)
        assert response.json()["error"], (route, sent)


def test_every_api_route_is_in_the_openapi_document(client: TestClient) -> None:
    spec = set(client.get("/openapi.json").json()["paths"])
    routes = {r.path for r in client.app.routes if r.path.startswith("/api/")}  # type: ignore[attr-defined]
    assert routes == spec, routes ^ spec


def test_memo_on_a_passage_is_stored_and_listed(client: TestClient, project: Path) -> None:
    doc = client.get("/api/documents").json()[0]["id"]
    chunk = client.get(f"/api/documents/{doc}").json()["passages"][0]["chunk_id"]
    body = {"target": chunk, "text": "Why <b>this</b> matters", "coder": "ann"}
    assert client.post("/api/memo", json=body).status_code == 403  # no token
    response = client.post("/api/memo", json=body, headers={"X-Litsynth-Token": token(client)})
    assert response.status_code == 200, response.text
    memos = client.get("/api/memos", params={"target": chunk}).json()
    assert [(m["author"], m["text"]) for m in memos] == [("ann", "Why <b>this</b> matters")]


def test_extraction_api_lists_studies_and_checks_values(
    client: TestClient, project: Path, tmp_path: Path
) -> None:
    assert client.get("/api/extraction").status_code == 400  # no form yet: said, not empty
    (project / "extraction.yaml").write_text(
        "fields:\n  - id: design\n    type: choice\n    values: [survey, trial]\n"
        "  - id: n\n    type: integer\n",
        encoding="utf-8",
    )
    try:
        for stage, sheet in (("title-abstract", "r05,include\n"), ("full-text", "r05,include\n")):
            path = tmp_path / f"{stage}.csv"
            path.write_text("record_id,decision\n" + sheet, encoding="utf-8")
            invoke("screen", "import", path, "--stage", stage, "--reviewer", "zed",
                   "--project", project)  # fmt: skip
        data = client.get("/api/extraction").json()
        assert [f["id"] for f in data["fields"]] == ["design", "n"]
        assert [s["record_id"] for s in data["studies"]] == ["r05"]
        body = {"record_id": "r05", "field": "design", "value": "TRIAL"}
        assert client.post("/api/extraction/value", json=body).status_code == 403  # no token
        headers = {"X-Litsynth-Token": token(client)}
        saved = client.post("/api/extraction/value", json=body, headers=headers)
        assert saved.json()["value"] == "trial"
        bad = client.post("/api/extraction/value", headers=headers,
                          json={"record_id": "r05", "field": "n", "value": "12.5"})  # fmt: skip
        assert bad.status_code == 400 and "not a whole number" in bad.json()["error"]
        other = client.post("/api/extraction/value", headers=headers,
                            json={"record_id": "r01", "field": "n", "value": "3"})  # fmt: skip
        assert other.status_code == 400 and "not an included study" in other.json()["error"]
        assert client.get("/api/extraction").json()["studies"][0]["values"]["design"] == "trial"
    finally:
        (project / "extraction.yaml").unlink()


def test_undo_needs_the_token_and_withdraws_the_latest_decision(client: TestClient) -> None:
    headers = {"X-Litsynth-Token": token(client)}
    body = {"record_id": "r07", "decision": "include", "reviewer": "una"}
    assert client.post("/api/screen/decide", json=body, headers=headers).status_code == 200
    assert client.post("/api/screen/undo", json={"reviewer": "una"}).status_code == 403
    undone = client.post("/api/screen/undo", json={"reviewer": "una"}, headers=headers).json()
    assert undone == {"undone": "r07"}
    first = client.get("/api/screen/next", params={"reviewer": "una", "first": "r07"}).json()
    assert first["record"]["id"] == "r07" and first["progress"]["screened"] == 0
    again = client.post("/api/screen/undo", json={"reviewer": "una"}, headers=headers).json()
    assert again == {"undone": None}


def test_blind_by_default_and_votes_on_request(client: TestClient) -> None:
    headers = {"X-Litsynth-Token": token(client)}
    for who, decision in (("vic", "include"), ("wen", "exclude")):
        body = {"record_id": "r09", "decision": decision, "reviewer": who}
        assert client.post("/api/screen/decide", json=body, headers=headers).status_code == 200
    blind = client.get("/api/screen/next", params={"reviewer": "xia", "first": "r09"}).json()
    assert blind["record"]["id"] == "r09" and blind["votes"] is None
    shown = client.get(
        "/api/screen/next", params={"reviewer": "xia", "first": "r09", "blind": "0"}
    ).json()
    assert shown["votes"] == {"vic": "include", "wen": "exclude"}
    own = client.get("/api/screen/next", params={"reviewer": "vic", "blind": "0"}).json()
    assert "vic" not in (own["votes"] or {})  # never one's own vote as "others'"
    assert own["progress"]["found"] == [1]  # vic's recall curve: one include after one record


def test_codebook_themes_and_matrix_source_without_a_codebook(client: TestClient) -> None:
    assert client.get("/api/codebook").json() == {"tree": []}  # reading needs no codebook
    themes = client.get("/api/themes")
    assert themes.status_code == 400 and themes.json()["error"]
    bad = client.get("/api/matrix", params={"source": "robots"})
    assert bad.status_code == 400


def test_decisions_refit_the_queue_in_the_background(client: TestClient) -> None:
    """The next record is answered from the current order; the refit runs after the
    decision, in its own thread, and the following request sees the refitted order."""
    ws = client.app.state.workspace  # type: ignore[attr-defined]
    headers = {"X-Litsynth-Token": token(client)}
    first = client.get("/api/screen/next", params={"reviewer": "yan", "first": "r11"}).json()[
        "record"
    ]["id"]
    assert first == "r11"  # nobody else voted on it, so yan's include is a new label
    queue = ws.queues[("title-abstract", "yan")]
    fitted_on = queue._n_labels
    body = {"record_id": first, "decision": "include", "reviewer": "yan"}
    assert client.post("/api/screen/decide", json=body, headers=headers).status_code == 200
    thread = ws.refits[("title-abstract", "yan")]
    thread.join(timeout=30)
    assert not thread.is_alive() and queue._n_labels > fitted_on  # refitted with the include
    nxt = client.get("/api/screen/next", params={"reviewer": "yan"}).json()["record"]["id"]
    assert nxt != first


def test_duplicates_next_and_a_verdict_that_is_not_true_or_false(client: TestClient) -> None:
    """The fixture's twelve records have no maybe pairs; a verdict must be a JSON boolean, and
    names two records the store has."""
    data = client.get("/api/dedupe/next").json()
    assert data == {"pair": None, "remaining": 0, "settled": 0}
    headers = {"X-Litsynth-Token": token(client)}
    bad = client.post(
        "/api/dedupe/resolve", json={"a": "r01", "b": "r02", "same": "yes"}, headers=headers
    )
    assert bad.status_code == 400 and "true or false" in bad.json()["error"]
    unknown = client.post(
        "/api/dedupe/resolve", json={"a": "r01", "b": "zz", "same": False}, headers=headers
    )
    assert unknown.status_code == 400 and "no record 'zz'" in unknown.json()["error"]
    no_token = client.post("/api/dedupe/resolve", json={"a": "r01", "b": "r02", "same": False})
    assert no_token.status_code == 403


def test_serve_ranks_the_reviewer_s_records_before_the_page_asks(client: TestClient) -> None:
    """`litsynth serve` builds the project reviewer's title/abstract queue while the URL is
    opened: the first record of a 2,000-record search took 3.0 s to appear, now 0.5 s."""
    ws = client.app.state.workspace  # type: ignore[attr-defined]
    assert ("title-abstract", "ann") not in ws.queues
    ws.warm_screening().join(timeout=60)
    queue = ws.queues[("title-abstract", "ann")]
    first = client.get("/api/screen/next").json()["record"]["id"]
    assert ws.queues[("title-abstract", "ann")] is queue  # the request used the warm one
    assert first in queue.ids


def test_a_request_is_held_to_what_the_description_says(client: TestClient) -> None:
    """A typo or a wrong type is a 400 naming it, never a silent default or a stored "{}"."""
    typo = client.get("/api/screen/next", params={"stgae": "full-text"})
    assert typo.status_code == 400 and typo.json()["error"] == "unknown parameter 'stgae'"
    assert "stage" in typo.json()["hint"] and "reviewer" in typo.json()["hint"]
    assert client.get("/api/screen/next", params={"blind": "O"}).json()["error"] == (
        "blind is 1 or 0, not 'O'"
    )
    assert client.get("/api/search", params={"q": "x", "per_document": ""}).status_code == 400
    headers = {"X-Litsynth-Token": token(client)}
    wrong = client.post("/api/screen/undo", json={"reviewer": {}}, headers=headers)
    assert wrong.status_code == 400 and wrong.json()["error"] == "reviewer is text, not {}"
    stage = client.post("/api/screen/undo", json={"stage": "abstract"}, headers=headers)
    assert stage.json()["error"] == "stage is one of title-abstract, full-text"
    missing = client.post("/api/screen/decide", json={"decision": "include"}, headers=headers)
    assert missing.json()["error"] == "record_id is required"


def test_a_request_waiting_for_the_lock_does_not_hold_up_the_others(project: Path) -> None:
    """A request that waits for the workspace's lock (held here, as a first search loading
    the model or a long import holds it) waits in a worker thread: the page's other requests,
    a static file and a read, are answered meanwhile. It held the event loop and froze the
    whole workspace (a static file waited 6.2 s behind a first search on a cold cache)."""
    import threading
    import urllib.request

    from browser_support import serving_app

    with serving_app(project) as (url, app):
        ws = app.state.workspace
        answers: dict[str, int] = {}

        def ask(name: str, path: str) -> None:
            with urllib.request.urlopen(f"{url}{path}", timeout=60) as response:
                answers[name] = response.status

        with ws.lock:
            waiting = threading.Thread(target=ask, args=("next", "/api/screen/next"))
            waiting.start()
            others = [
                threading.Thread(target=ask, args=(name, path))
                for name, path in (("static", "/static/common.js"), ("read", "/api/prisma"))
            ]
            for thread in others:
                thread.start()
                thread.join(timeout=30)
            assert answers == {"static": 200, "read": 200}  # while the lock is still held
            assert waiting.is_alive()  # the screening queue waits for the lock
        waiting.join(timeout=60)
        assert answers["next"] == 200
