"""The workspace opens on the screen that has work: Screening when there are records (or
nothing yet, where its message says how to import), Read & code for a project of papers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import corpus_project, ingest_json
from litsynth.cli import cli
from litsynth.config import open_project

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
RECORDS = REPO / "tests" / "fixtures" / "screening" / "records.csv"
HOST = "127.0.0.1:8765"
NOTE = b"# Note\n\nPlatforms coordinate suppliers through shared data and common protocols.\n"


def first_screen(root: Path) -> tuple[int, str]:
    app = create_app(open_project(root), allowed_hosts=(HOST,))
    response = TestClient(app, base_url=f"http://{HOST}").get("/", follow_redirects=False)
    return response.status_code, response.headers.get("location", "")


def test_papers_and_no_records_open_read_and_code(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (NOTE, "note.md"))
    assert first_screen(root) == (200, "")  # nothing ingested yet: Screening says what to do
    ingest_json(root)
    assert first_screen(root) == (307, "/screens/reader")
    imported = CliRunner().invoke(
        cli, ["import", str(RECORDS), "--source", "Scopus", "--project", str(root)]
    )
    assert imported.exit_code == 0, imported.output
    assert first_screen(root) == (200, "")  # records to screen: Screening first
