"""The index knows which passage each vector was made for (`indexes/passages.npy`).

Another copy of the project that ingested the same two papers in the other order numbers
their passages otherwise under the same rowids. Copied by hand over litsynth.db (not through
`litsynth restore`), its id set equals the index's, so an id check passes; search, suggest
and discover must still read each passage's own vector.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from conftest import REPO, corpus_project, run_cli
from litsynth.embed.index import load_index
from litsynth.embed.models import get_embedder
from litsynth.embed.passage_map import MAP_FILE, read_map
from litsynth.embed.vectors import stored_vectors

SEEDS = sorted((REPO / "corpus").glob("00[12]_*.txt"))


def ingested_one_then_the_other(root: Path, first: Path, then: Path) -> Path:
    project = corpus_project(root, (first, first.name))
    run_cli(project, "ingest")
    shutil.copy(then, project / "corpus")
    run_cli(project, "ingest")
    return project


def passages(root: Path) -> list[tuple[int, str, str]]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return list(conn.execute("SELECT rowid, id, text FROM chunks ORDER BY rowid"))
    finally:
        conn.close()


def right(root: Path, rowids: list[int], vectors: np.ndarray) -> bool:
    texts = {r: t for r, _, t in passages(root)}
    want = get_embedder("hash-384").embed([texts[r] for r in rowids])
    return bool(np.allclose(vectors, want, atol=1e-5))


def test_a_store_copied_over_by_hand_gets_each_passage_its_own_vector(tmp_path: Path) -> None:
    ana = ingested_one_then_the_other(tmp_path / "a", SEEDS[0], SEEDS[1])
    ben = ingested_one_then_the_other(tmp_path / "b", SEEDS[1], SEEDS[0])
    assert read_map(ana / "indexes") is not None
    before = passages(ana)
    shutil.copy(ben / "litsynth.db", ana / "litsynth.db")  # by hand, with no one running
    after = passages(ana)
    assert {r for r, _, _ in after} == {r for r, _, _ in before} and after != before

    rows = passages(ana)  # suggest and discover read vectors straight from the index
    vectors, source = stored_vectors(ana / "indexes", "hash-384", [r for r, _, _ in rows],
                                     [t for _, _, t in rows], lambda: get_embedder("hash-384"),
                                     [i for _, i, _ in rows])  # fmt: skip
    assert right(ana, [r for r, _, _ in rows], vectors) and "embedded" in source

    status = json.loads(run_cli(ana, "status", "--json"))
    assert (
        status["index_fresh"] is False and "made for other passages" in status["index_problems"][0]
    )
    assert status["index_fix"] == "the next `litsynth ingest` or `litsynth search` repairs it"
    run_cli(ana, "search", "orchestration")  # mends the index itself
    assert json.loads(run_cli(ana, "status", "--json"))["index_fresh"] is True
    index, _ = load_index(ana / "indexes")  # type: ignore[misc]
    ids = sorted(index.ids().tolist())
    assert ids == [r for r, _, _ in after] and right(ana, ids, index.vectors(ids))
    texts, pids = [t for _, _, t in after], [i for _, i, _ in after]
    embedder = lambda: get_embedder("hash-384")  # noqa: E731
    _, source = stored_vectors(ana / "indexes", "hash-384", ids, texts, embedder, pids)
    assert source == "index"  # mended: nothing left to embed


def test_an_index_from_before_the_map_gets_one_at_the_next_search(tmp_path: Path) -> None:
    root = ingested_one_then_the_other(tmp_path / "a", SEEDS[0], SEEDS[1])
    (root / "indexes" / MAP_FILE).unlink()
    run_cli(root, "search", "orchestration")
    saved = read_map(root / "indexes")
    assert saved is not None and set(saved) == {r for r, _, _ in passages(root)}
