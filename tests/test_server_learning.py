"""Suggestions that learn while the reviewer codes in the workspace (`server/learning.py`):
each decision starts a background suggest run that reads it, runs never overlap, and a run
that fails says why and leaves the suggestions as they were. The hash embedder, a real store."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from litsynth.cli import cli
from litsynth.config import open_project

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

HOST = "127.0.0.1:8765"
PARAGRAPHS = [
    "The digital platform connects buyers and sellers in one marketplace.",
    "Firms reconfigure and recombine resources when demand shifts.",
    "Contracts and trust govern the relationship between partners.",
    "A marketplace platform lets small sellers reach buyers abroad.",
    "Suppliers renegotiate contracts when trust between partners erodes.",
    "Rain fell on Tuesday.",
]


@pytest.fixture
def coded(project: Path) -> Path:
    """A project with the eval codebook, one document of five passages, and suggestions."""
    settings = project / "litsynth.toml"
    small = "\n[ingest]\nchunk_tokens = 16\noverlap_tokens = 0\nmax_tokens = 24\n"
    settings.write_text(settings.read_text(encoding="utf-8") + small, encoding="utf-8")
    shutil.copy(FIXTURES / "coding" / "eval" / "codebook.yaml", project / "codebook")
    (project / "corpus" / "a.md").write_text("\n\n".join(PARAGRAPHS), encoding="utf-8")
    for args in (["ingest"], ["code", "suggest"]):
        result = CliRunner().invoke(cli, [*args, "--project", str(project)])
        assert result.exit_code == 0, result.output
    assert len(passages(project)) == 5  # the last two paragraphs make one
    return project


def client_of(root: Path) -> TestClient:
    app = create_app(open_project(root), allowed_hosts=(HOST,))
    return TestClient(app, base_url=f"http://{HOST}")


def headers(client: TestClient) -> dict[str, str]:
    return {"X-Litsynth-Token": client.app.state.workspace.token}  # type: ignore[attr-defined]


def passages(root: Path) -> list[tuple[str, str, int, int]]:
    """(chunk, document, start, end) of every passage, in reading order."""
    with closing(sqlite3.connect(root / "litsynth.db")) as conn:
        query = "SELECT id, document_id, start, end FROM chunks ORDER BY ordinal"
        return conn.execute(query).fetchall()


def stored_models(root: Path) -> set[str]:
    with closing(sqlite3.connect(root / "litsynth.db")) as conn:
        return {m for (m,) in conn.execute("SELECT DISTINCT model FROM suggestions")}


def test_a_coding_in_the_workspace_is_learned_from_in_the_background(coded: Path) -> None:
    client = client_of(coded)
    learner = client.app.state.workspace.learner  # type: ignore[attr-defined]
    assert client.get("/api/coding/learning").json() == {
        "running": False, "runs": 0, "error": None, "hint": None,
    }  # fmt: skip
    assert not any("learned" in m for m in stored_models(coded))  # made before any decision
    _, document, start, end = passages(coded)[-1]
    body = {"document": document, "start": start, "end": end, "code": "governance"}
    assert client.post("/api/coding/add", json=body, headers=headers(client)).status_code == 200
    assert learner.wait(timeout=60)
    status = client.get("/api/coding/learning").json()
    assert status["runs"] >= 1 and status["error"] is None
    assert status["decisions"] == 1  # the coding made just before
    assert status["model"].endswith("+learned.v1")
    assert stored_models(coded) == {status["model"]}  # every suggestion is the new run's


def test_decisions_made_during_a_run_are_read_by_the_one_after_it(coded: Path) -> None:
    """Runs never overlap, and the last one knows every decision: four quick codings take at
    most four runs (usually two), and the status counts all four coded passages."""
    client = client_of(coded)
    learner = client.app.state.workspace.learner  # type: ignore[attr-defined]
    for _, document, start, end in passages(coded)[:4]:
        body = {"document": document, "start": start, "end": end, "code": "platform"}
        assert client.post("/api/coding/add", json=body, headers=headers(client)).status_code == 200
    assert learner.wait(timeout=60)
    status = client.get("/api/coding/learning").json()
    assert 1 <= status["runs"] <= 4
    assert status["decisions"] == 4
    assert not status["running"]


def test_a_run_that_fails_says_why_and_keeps_the_suggestions(coded: Path) -> None:
    """The codebook edited into an error mid-session: the decision stands, the suggestions stay
    as the last good run left them, and the status carries the codebook's own message."""
    client = client_of(coded)
    learner = client.app.state.workspace.learner  # type: ignore[attr-defined]
    before = stored_models(coded)
    (coded / "codebook" / "codebook.yaml").write_text(
        "codes:\n  - id: platform\n    label: Platform\n    definiton: typo\n", encoding="utf-8"
    )
    learner.relearn()  # as a decision would: the request itself reads the codebook first
    assert learner.wait(timeout=60)
    status = client.get("/api/coding/learning").json()
    assert status["runs"] == 0
    assert "definiton" in status["error"] and status["hint"]
    assert stored_models(coded) == before


def test_deciding_a_suggestion_that_a_run_replaced_says_to_reload(coded: Path) -> None:
    client = client_of(coded)
    chunk = passages(coded)[-1][0]
    body = {"chunk_id": chunk, "code": "no-such-code", "action": "accept"}
    answer = client.post("/api/coding/decide", json=body, headers=headers(client))
    assert answer.status_code == 404
    assert "reload the document" in answer.json()["hint"]
