"""The workspace hands a search's hits over as the sheet `litsynth search --out` writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import corpus_project, ingest_json
from litsynth.config import open_project

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
from starlette.testclient import TestClient

from litsynth.server.app import create_app

HOST = "127.0.0.1:8765"
NOTE = (
    b"# Trust\n\nFirms outsource production to contract manufacturers abroad. Orchestrators"
    b" build trust between supply chain partners through shared data.\n"
)


def test_the_hits_download_as_a_sheet(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (NOTE, "note.md"))
    ingest_json(root)
    client = TestClient(create_app(open_project(root), allowed_hosts=(HOST,)),
                        base_url=f"http://{HOST}")  # fmt: skip
    query = {"q": "trust between partners", "k": "5"}
    got = client.get("/api/search/sheet", params={**query, "format": "csv"})
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="hits.csv"'
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    hits = client.get("/api/search", params=query).json()
    assert [r["chunk_id"] for r in rows] == [h["chunk_id"] for h in hits]
    assert rows[0]["sentence"].startswith("Orchestrators build trust")
    book = client.get("/api/search/sheet", params=query)  # a workbook unless asked
    assert book.content[:2] == b"PK" and "hits.xlsx" in book.headers["content-disposition"]
    wrong = client.get("/api/search/sheet", params={**query, "format": "pdf"})
    assert wrong.status_code == 400 and "format" in wrong.json()["hint"]
    assert client.get("/api/search/sheet", params={"q": " "}).status_code == 400
