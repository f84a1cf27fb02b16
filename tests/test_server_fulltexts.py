"""A record's full text attached from the workspace (`POST /api/records/fulltext`): stored in
corpus/, ingested and linked as `litsynth ingest` and `litsynth link` would, with the hash
embedder. A file that cannot be read is refused with its reason and leaves nothing behind."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.store import opened
from litsynth.store.biblio import record_documents

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
RECORDS = REPO / "tests" / "fixtures" / "screening" / "records.csv"
BROKEN_PDF = REPO / "tests" / "fixtures" / "ingest" / "truncated.pdf"
HOST = "127.0.0.1:8765"
PAPER = (
    "# Default options in order sets\n\nWe randomised 40 hospital wards to order sets whose"
    " default options followed the guideline. Physicians on those wards prescribed the"
    " guideline's drug more often.\n\n## Discussion\n\nDefaults nudge physicians cheaply.\n"
)


def invoke(*args: str | Path) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def project(project: Path) -> Path:
    """conftest's empty project (the test embedder), with the fixture records imported."""
    invoke("import", RECORDS, "--source", "Scopus", "--project", project)
    return project


@pytest.fixture
def client(project: Path) -> TestClient:
    return TestClient(
        create_app(open_project(project), allowed_hosts=(HOST,)), base_url=f"http://{HOST}"
    )


def attach(client: TestClient, record: str, name: str, data: bytes) -> object:
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    return client.post(
        "/api/records/fulltext",
        params={"record": record, "name": name},
        content=data,
        headers={"X-Litsynth-Token": token, "Content-Type": "application/octet-stream"},
    )


def links(project: Path) -> dict[str, str]:
    """Each record's linked document, as the store has it (`litsynth link`'s table)."""
    with opened(project / "litsynth.db") as conn:
        return {r["record_id"]: r["document_id"] for r in record_documents(conn)}


def test_a_record_gets_its_full_text_from_the_page(client: TestClient, project: Path) -> None:
    answer = attach(client, "r01", "smith 2020.md", PAPER.encode())
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["file"] == "corpus/smith 2020.md" and data["passages"] > 0
    assert (project / "corpus" / "smith 2020.md").read_text(encoding="utf-8") == PAPER
    assert [d["id"] for d in data["full_texts"]] == [data["document_id"]]
    assert links(project) == {"r01": data["document_id"]}  # as `litsynth link r01 FILE`
    status = json.loads(invoke("status", "--project", project, "--json"))
    assert status["documents"] == 1 and not status["failures"] and status["index_fresh"]
    # the same file for another record: linked to the same document, not stored twice
    again = attach(client, "r02", "a copy.md", PAPER.encode()).json()
    assert again["document_id"] == data["document_id"] and again["file"] == ""
    assert not (project / "corpus" / "a copy.md").exists()
    # another file under a name that is taken: stored beside it with a number
    other = attach(client, "r03", "smith 2020.md", PAPER.replace("40", "41").encode()).json()
    assert other["file"] == "corpus/smith 2020 (2).md"
    assert other["document_id"] != data["document_id"]
    assert sorted(links(project)) == ["r01", "r02", "r03"]


def test_a_file_that_cannot_be_read_is_refused_and_not_kept(
    client: TestClient, project: Path
) -> None:
    answer = attach(client, "r04", "paper.pdf", BROKEN_PDF.read_bytes())
    assert answer.status_code == 400
    said = answer.json()
    assert said["error"].startswith("paper.pdf could not be read: broken-file") and said["hint"]
    assert list((project / "corpus").iterdir()) == []  # nothing half-kept, no .part either
    status = json.loads(invoke("status", "--project", project, "--json"))
    assert not status["failures"] and links(project) == {}


def test_what_is_refused_before_anything_is_stored(client: TestClient, project: Path) -> None:
    assert attach(client, "r01", "x.md", b"").status_code == 400  # empty
    unread = attach(client, "r01", "paper.pages", b"PK\x03\x04")
    assert unread.status_code == 400 and "not a kind of file" in unread.json()["error"]
    unknown = attach(client, "nobody", "x.md", PAPER.encode())
    assert unknown.status_code == 400 and "no record 'nobody'" in unknown.json()["error"]
    no_token = client.post(
        "/api/records/fulltext", params={"record": "r01", "name": "x.md"}, content=b"x"
    )
    assert no_token.status_code == 403
    assert list((project / "corpus").iterdir()) == []
    # a name too long for a file system is shortened, its kind kept
    long = attach(client, "r02", "é" * 300 + ".md", PAPER.encode() + b"\nlong").json()
    assert long["file"].endswith(".md") and len(Path(long["file"]).name.encode()) <= 200
    # a name with folders in it stays in corpus/
    placed = attach(client, "r01", "../../outside.md", PAPER.encode()).json()
    assert placed["file"] == "corpus/outside.md" and not (project.parent / "outside.md").exists()


def test_papers_added_from_the_reader_are_read_and_get_suggestions(
    client: TestClient, project: Path
) -> None:
    """A paper added on Read & code is stored and ingested like a full text, with no record;
    in a project with a codebook a suggest run follows, so its passages come with suggestions."""
    shutil.copytree(REPO / "codebook", project / "codebook", dirs_exist_ok=True)
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    answer = client.post(
        "/api/documents/add",
        params={"name": "orchestration.md"},
        content=(REPO / "corpus" / "002_f98a91929306a877.txt").read_bytes(),
        headers={"X-Litsynth-Token": token, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 200, answer.text
    added = answer.json()
    assert added["file"] == "corpus/orchestration.md" and added["passages"] > 5
    assert links(project) == {}  # a paper, not a record's full text
    assert client.app.state.workspace.learner.wait(timeout=120)  # type: ignore[attr-defined]
    learned = client.get("/api/coding/learning").json()
    assert learned["runs"] == 1 and not learned.get("error")
    with opened(project / "litsynth.db") as conn:
        (suggested,) = conn.execute(
            "SELECT COUNT(*) FROM suggestions s JOIN chunks c ON c.id = s.chunk_id"
            " WHERE c.document_id = ?",
            (added["document_id"],),
        ).fetchone()
    assert suggested > 0


def test_a_paper_added_from_the_reader_is_matched_to_its_record(
    client: TestClient, project: Path
) -> None:
    """As `litsynth link` matches: the record of the same title gets the paper as its full
    text, with no hand linking."""
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    paper = "# Nudging physicians with default options in electronic order sets\n\n" + PAPER
    answer = client.post(
        "/api/documents/add",
        params={"name": "defaults.md"},
        content=paper.encode(),
        headers={"X-Litsynth-Token": token, "Content-Type": "application/octet-stream"},
    ).json()
    assert answer["linked_records"] == ["r01"]
    assert links(project) == {"r01": answer["document_id"]}


def test_a_document_s_own_file_opens_from_the_reader(client: TestClient, project: Path) -> None:
    """The reader links each PDF passage to its page in the browser's PDF viewer; a file of
    another kind is a download, never a page of the workspace's own origin."""
    pdf = shared("data/pdfs/scholarly/papermage/tests/fixtures/2304.02623v1.pdf")
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    sent = {"X-Litsynth-Token": token, "Content-Type": "application/octet-stream"}
    ids = {}
    for name, data in (
        ("paper.pdf", pdf.read_bytes()),
        ("page.html", b"<p>x</p><script>1</script>"),
    ):
        answer = client.post(
            "/api/documents/add", params={"name": name}, content=data, headers=sent
        )
        assert answer.status_code == 200, answer.text
        ids[name] = answer.json()["document_id"]
    shown = client.get(f"/api/documents/{ids['paper.pdf']}/file")
    assert shown.status_code == 200 and shown.content == pdf.read_bytes()
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline")
    page = client.get(f"/api/documents/{ids['page.html']}/file")
    assert page.headers["content-type"] == "application/octet-stream"
    assert page.headers["content-disposition"].startswith("attachment")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/documents/nothing/file").status_code == 404
    (project / "corpus" / "paper.pdf").unlink()
    gone = client.get(f"/api/documents/{ids['paper.pdf']}/file")
    assert gone.status_code == 404 and "no longer there" in gone.json()["error"]


def test_files_put_in_corpus_are_read_from_the_page(client: TestClient, project: Path) -> None:
    """`litsynth ingest` started from Read & code: in the background, with its progress, and
    a file that cannot be read counted by its reason as the command line counts it."""
    (project / "corpus" / "defaults.md").write_text(
        "# Nudging physicians with default options in electronic order sets\n\n" + PAPER,
        encoding="utf-8",
    )
    shutil.copy2(BROKEN_PDF, project / "corpus" / "broken.pdf")
    assert client.post("/api/ingest").status_code == 403  # a write: the page's token only
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    started = client.post("/api/ingest", headers={"X-Litsynth-Token": token}).json()
    assert started["running"] or started["runs"] == 1
    deadline = time.monotonic() + 120
    status = started
    while status["running"] and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get("/api/ingest").json()
    assert not status["running"] and status["runs"] == 1 and status["error"] is None
    assert (status["done"], status["total"]) == (2, 2)
    last = status["last"]
    assert last["ingested"] == 1 and last["failures"] == {"broken-file": 1}
    assert last["linked"] == 1 and links(project) == {
        "r01": client.get("/api/documents").json()[0]["id"]
    }
    # read again: nothing new, and the record matched before is not counted again
    client.post("/api/ingest", headers={"X-Litsynth-Token": token})
    deadline = time.monotonic() + 120
    while (again := client.get("/api/ingest").json())["runs"] < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert again["last"]["ingested"] == 0 and again["last"]["linked"] == 0


def test_read_corpus_carries_a_changed_papers_codings_to_its_new_version(
    client: TestClient, project: Path
) -> None:
    """A coded paper saved over with its new version: Read corpus/ moves the coding to where
    its words are (`ingest --carry`), and the paper is listed once."""
    paper = project / "corpus" / "defaults.md"
    paper.write_text(PAPER, encoding="utf-8")
    token = client.app.state.workspace.token  # type: ignore[attr-defined]

    def read_corpus(runs: int) -> dict[str, object]:
        client.post("/api/ingest", headers={"X-Litsynth-Token": token})
        deadline = time.monotonic() + 120
        while (status := client.get("/api/ingest").json())["runs"] < runs:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert status["error"] is None
        return status["last"]  # type: ignore[no-any-return]

    read_corpus(1)
    quote = "Defaults nudge physicians cheaply."
    with opened(project / "litsynth.db") as conn:
        chunk_id, doc_id, text = conn.execute(
            "SELECT c.id, c.document_id, d.text FROM chunks c JOIN documents d"
            " ON d.id = c.document_id"
        ).fetchone()
        start = text.index(quote)
        conn.execute(
            "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
            " VALUES ('k1', ?, ?, 'defaults', ?, ?, 'ana', '2025-01-01T00:00:00Z', 'added')",
            (chunk_id, doc_id, start, start + len(quote)),
        )
        conn.commit()
    paper.write_text("Version of record.\n\n" + PAPER, encoding="utf-8")
    last = read_corpus(2)
    assert (last["carried"], last["left"]) == (1, 0)
    assert len(client.get("/api/documents").json()) == 1
    with opened(project / "litsynth.db") as conn:
        (now,) = conn.execute(
            "SELECT substr(d.text, c.start + 1, c.end - c.start) FROM codings c"
            " JOIN documents d ON d.id = c.document_id WHERE d.id != ?",
            (doc_id,),
        ).fetchone()
    assert now == quote


def test_a_document_is_removed_from_the_page_unless_someone_coded_it(
    client: TestClient, project: Path
) -> None:
    """`POST /api/documents/remove` as `litsynth remove`: the file set aside, the passages
    out; a document with a memo refused with why."""
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    headers = {"X-Litsynth-Token": token}
    for name in ("wrong.md", "kept.md"):
        added = client.post(
            "/api/documents/add", params={"name": name}, content=PAPER.replace("40", name),
            headers={**headers, "Content-Type": "application/octet-stream"},
        )  # fmt: skip
        assert added.status_code == 200, added.text
    ids = {d["path"].rsplit("/", 1)[-1]: d["id"] for d in client.get("/api/documents").json()}
    with opened(project / "litsynth.db") as conn:
        (chunk,) = conn.execute(
            "SELECT id FROM chunks WHERE document_id = ?", (ids["kept.md"],)
        ).fetchone()
    invoke("code", "memo", chunk, "keep this one", "--project", project)
    assert (
        client.post("/api/documents/remove", json={"document_id": ids["wrong.md"]}).status_code
        == 403
    )
    removed = client.post(
        "/api/documents/remove", json={"document_id": ids["wrong.md"]}, headers=headers
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["moved"] == [
        {"path": "corpus/wrong.md", "to": "corpus/.removed/wrong.md"}
    ]
    assert [d["id"] for d in client.get("/api/documents").json()] == [ids["kept.md"]]
    # undone: the file back from corpus/.removed/, read again under its old id
    back = client.post("/api/documents/put-back", json={"path": "corpus/wrong.md"}, headers=headers)
    assert back.status_code == 200, back.text
    assert back.json()["document_id"] == ids["wrong.md"]
    assert (project / "corpus" / "wrong.md").is_file()
    assert not (project / "corpus" / ".removed" / "wrong.md").exists()
    assert len(client.get("/api/documents").json()) == 2
    nul = client.post("/api/documents/put-back", json={"path": "\x00"}, headers=headers)
    assert nul.status_code == 400 and nul.json()["error"] == "'\\x00' is not a path"
    again = client.post(
        "/api/documents/put-back", json={"path": "corpus/wrong.md"}, headers=headers
    )
    assert again.status_code == 400 and "no file set aside" in again.json()["error"]
    refused = client.post(
        "/api/documents/remove", json={"document_id": ids["kept.md"]}, headers=headers
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "corpus/kept.md is not removed: 1 memo points at its passages"
    missing = client.post("/api/documents/remove", json={}, headers=headers)
    assert missing.status_code == 400 and missing.json()["error"] == "document_id is required"


def test_a_code_made_from_the_page_joins_the_code_list(client: TestClient, project: Path) -> None:
    """`POST /api/codes/new` as `litsynth code new`: a label and a definition, an id made from
    the label; a code without a definition is refused with how to write one."""
    headers = {"X-Litsynth-Token": client.app.state.workspace.token}  # type: ignore[attr-defined]
    made = client.post(
        "/api/codes/new",
        json={"label": "Default options", "definition": "Choices made for the physician."},
        headers=headers,
    )
    assert made.status_code == 200, made.text
    assert made.json() == {
        "id": "default-options", "label": "Default options",
        "definition": "Choices made for the physician.", "file": "codebook/new-codes.yaml",
    }  # fmt: skip
    assert "default-options" in [c["id"] for c in client.get("/api/codes").json()]
    bare = client.post(
        "/api/codes/new", json={"label": "Nudge", "definition": " "}, headers=headers
    )
    assert bare.status_code == 400 and bare.json()["error"] == "the code 'Nudge' needs a definition"
    client.app.state.workspace.learner.wait(timeout=60)  # type: ignore[attr-defined]


def test_draft_codes_with_no_papers_says_what_to_do(client: TestClient, project: Path) -> None:
    """`POST /api/codebook/draft` before any paper is read: a 400 that says what to do
    first, and no draft file written."""
    headers = {"X-Litsynth-Token": client.app.state.workspace.token}  # type: ignore[attr-defined]
    said = client.post("/api/codebook/draft", headers=headers)
    assert said.status_code == 400, said.text
    assert said.json()["error"].startswith("no passages in ")
    assert "litsynth ingest" in said.json()["hint"]
    assert not (project / "codebook" / "draft.yaml").exists()
