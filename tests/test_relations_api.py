"""The workspace's Relations screen: code pairs that occur together, and a confirmed relation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synthesis_store import synthesis_project

pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")

from starlette.testclient import TestClient

from litsynth.config import open_project
from litsynth.server.app import create_app


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return synthesis_project(tmp_path / "review", source="both")


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(open_project(root), allowed_hosts=("h:1",)), base_url="http://h:1")


def test_pairs_come_with_their_evidence_and_a_confirmation_lands_in_the_codebook(
    client: TestClient, root: Path
) -> None:
    data = client.get("/api/relations").json()
    # the fixture codebook's own relations are the confirmed ones to begin with
    before = [(r["source"], r["type"], r["target"]) for r in data["confirmed"]]
    assert ("digital-platform", "requires", "data-sharing") in before and "enables" in data["types"]
    pair = next(
        p for p in data["pairs"] if {p["a"], p["b"]} == {"digital-platform", "data-sharing"}
    )
    assert pair["n_ab"] >= 2 and pair["existing"] == ["requires"]
    assert {pair["a_label"], pair["b_label"]} == {"Digital platform", "Data sharing"}
    assert pair["evidence"] and all(e["citation"] and e["document"] for e in pair["evidence"])
    assert all(len(c["codes"]) > 1 and c["reason"] for c in data["categories"])
    token = client.app.state.workspace.token  # type: ignore[attr-defined]
    body = {"source": pair["a"], "target": pair["b"], "type": "enables", "coder": "ana"}
    unsigned = client.post("/api/relations/confirm", json=body)
    assert unsigned.status_code == 403
    done = client.post("/api/relations/confirm", json=body, headers={"X-Litsynth-Token": token})
    assert done.status_code == 200, done.text
    assert done.json()["file"] == "codebook/relations.yaml"  # relative to the project
    written = yaml.safe_load((root / "codebook" / "relations.yaml").read_text(encoding="utf-8"))
    assert written["relations"][0]["type"] == "enables"
    assert "confirmed by ana" in written["relations"][0]["note"]
    again = client.get("/api/relations").json()
    after = [(r["source"], r["type"], r["target"]) for r in again["confirmed"]]
    assert after == [*before, (pair["a"], "enables", pair["b"])]
    bad = client.post(
        "/api/relations/confirm",
        json={**body, "type": "loves"},
        headers={"X-Litsynth-Token": token},
    )
    assert bad.status_code == 400 and "unknown relation type" in bad.json()["error"]
