"""`litsynth remove DOCUMENT` and the workspace's Remove: one document out of the project, its
file set aside in corpus/.removed/, nothing with a reviewer's work on it (real CLI, real store
and index, the hash embedder)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, corpus_project, link_a_record
from litsynth.cli import cli
from litsynth.embed.index import load_index

SEEDS = ("000_e36bc8967a0d5917.txt", "002_f98a91929306a877.txt")


@pytest.fixture
def review(tmp_path: Path) -> Path:
    root = corpus_project(
        tmp_path,
        (REPO / "corpus" / SEEDS[0], "review.txt"),
        (REPO / "corpus" / SEEDS[1], "downloads/federated.txt"),
    )
    return link_a_record(root, 'fed,The federated supply chain,"Doe, J",2010', "federated.txt")


def invoke(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def failing(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(root)])
    assert result.exit_code == 1, result.output
    return result.output


def stored(root: Path) -> list[str]:
    conn = sqlite3.connect(root / "litsynth.db")
    rowids = sorted(r[0] for r in conn.execute("SELECT rowid FROM chunks"))
    paths = [r[0] for r in conn.execute("SELECT path FROM files ORDER BY path")]
    conn.close()
    loaded = load_index(root / "indexes")
    assert loaded is not None and sorted(loaded[0].ids().tolist()) == rowids  # index = store
    return paths


def test_remove_by_file_name_sets_the_file_aside_and_unlinks_its_record(review: Path) -> None:
    said = invoke(review, "remove", "federated.txt")
    assert "corpus/downloads/federated.txt: removed, its file moved to" in said
    assert "corpus/.removed/downloads/federated.txt" in said
    assert "no longer the full text of 1 record: fed" in said
    assert stored(review) == ["corpus/review.txt"]
    assert (review / "corpus" / ".removed" / "downloads" / "federated.txt").is_file()
    assert not (review / "corpus" / "downloads" / "federated.txt").exists()
    again = json.loads(invoke(review, "ingest", "--json"))  # ingest walks past .removed/
    assert (again["documents_seen"], again["would_prune"]) == (1, [])
    status = json.loads(invoke(review, "status", "--json"))
    assert status["documents"] == 1 and status["index_fresh"] is True
    # undone by moving the file back and reading corpus/
    shutil.move(
        review / "corpus" / ".removed" / "downloads" / "federated.txt",
        review / "corpus" / "downloads" / "federated.txt",
    )
    invoke(review, "ingest")
    assert stored(review) == ["corpus/downloads/federated.txt", "corpus/review.txt"]


def test_a_document_with_codings_or_memos_is_not_removed(review: Path) -> None:
    conn = sqlite3.connect(review / "litsynth.db")
    (chunk,) = conn.execute(
        "SELECT c.id FROM chunks c JOIN files f ON f.document_id = c.document_id"
        " WHERE f.path = 'corpus/review.txt' LIMIT 1"
    ).fetchone()
    conn.close()
    invoke(review, "code", "memo", chunk, "the case to quote")
    said = failing(review, "remove", "corpus/review.txt")
    assert "Error: corpus/review.txt is not removed: 1 memo points at its passages" in said
    assert "`litsynth ingest --carry`" in said
    assert stored(review) == ["corpus/downloads/federated.txt", "corpus/review.txt"]
    assert (review / "corpus" / "review.txt").is_file()


def test_a_name_that_matches_no_document_or_two_is_said(review: Path) -> None:
    assert "no stored document matches 'nothing.pdf'" in failing(review, "remove", "nothing.pdf")
    shutil.copy2(REPO / "corpus" / SEEDS[1], review / "corpus" / "review (2).txt")
    (review / "corpus" / "more").mkdir()
    shutil.copy2(
        REPO / "corpus" / "004_03019285015a147f.txt", review / "corpus" / "more" / "review.txt"
    )
    invoke(review, "ingest")
    assert "2 stored document matches 'review.txt'" in failing(review, "remove", "review.txt")
