"""The FAISS chunk index and its manifest: exact subset search, atomic files, mismatch errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.embed import HashEmbedder
from litsynth.embed.index import (
    INDEX_FILE,
    MANIFEST_FILE,
    ChunkIndex,
    check_manifest,
    ids_digest,
    load_index,
)
from litsynth.errors import IndexMismatchError

TEXTS = [
    "platform-based coordination of suppliers",
    "orchestration of the value chain by a lead firm",
    "small businesses export through digital platforms",
    "a recipe for bread with flour and water",
    "federated supply chains and the concierge role",
]


def _index() -> tuple[ChunkIndex, HashEmbedder]:
    emb = HashEmbedder()
    index = ChunkIndex(emb.dim)
    index.add([10, 11, 12, 13, 14], emb.embed(TEXTS))
    return index, emb


def test_search_best_first_and_exact_match_scores_one() -> None:
    index, emb = _index()
    hits = index.search(emb.embed([TEXTS[3]])[0], 3)
    assert hits[0][0] == 13
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_search_within_a_small_subset_returns_only_and_all_of_it() -> None:
    # The query matches id 13 best, but only 10 and 14 are allowed: a top-k-then-filter
    # pass with k=1 would return nothing; the selector must return both.
    index, emb = _index()
    hits = index.search(emb.embed([TEXTS[3]])[0], 5, within=[10, 14])
    assert sorted(i for i, _ in hits) == [10, 14]
    assert index.search(emb.embed([TEXTS[3]])[0], 5, within=[]) == []


def test_remove_then_ids_and_len() -> None:
    index, _ = _index()
    assert index.remove([11, 99]) == 1
    assert sorted(index.ids().tolist()) == [10, 12, 13, 14]
    assert len(index) == 4


def test_save_load_round_trip_writes_manifest_atomically(tmp_path: Path) -> None:
    index, _ = _index()
    manifest = index.save(tmp_path, model="hash-384", chunker="sentences.v1:x")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        INDEX_FILE,
        MANIFEST_FILE,
    ]  # no temp files
    data = json.loads((tmp_path / MANIFEST_FILE).read_text())
    assert data["model"] == "hash-384" and data["dim"] == 384 and data["chunk_count"] == 5
    assert data["ids_digest"] == ids_digest([14, 13, 12, 11, 10])
    loaded = load_index(tmp_path)
    assert loaded is not None
    again, m2 = loaded
    assert m2 == manifest
    assert sorted(again.ids().tolist()) == [10, 11, 12, 13, 14]


def test_index_whose_ids_disagree_with_manifest_is_not_trusted(tmp_path: Path) -> None:
    # A crash between replacing the index and replacing its manifest leaves them disagreeing.
    index, emb = _index()
    index.save(tmp_path, model="hash-384", chunker="c")
    manifest_text = (tmp_path / MANIFEST_FILE).read_text()
    index.add([15], emb.embed(["one more"]))
    index.save(tmp_path, model="hash-384", chunker="c")
    (tmp_path / MANIFEST_FILE).write_text(manifest_text)
    assert load_index(tmp_path) is None


def test_truncated_index_file_is_not_trusted(tmp_path: Path) -> None:
    index, _ = _index()
    index.save(tmp_path, model="hash-384", chunker="c")
    data = (tmp_path / INDEX_FILE).read_bytes()
    (tmp_path / INDEX_FILE).write_bytes(data[: len(data) // 2])
    assert load_index(tmp_path) is None


def test_check_manifest_names_both_models_and_the_rebuild_command(tmp_path: Path) -> None:
    index, _ = _index()
    manifest = index.save(tmp_path, model="hash-384", chunker="sentences.v1:a")
    check_manifest(manifest, model="hash-384", chunker="sentences.v1:a")
    with pytest.raises(IndexMismatchError) as err:
        check_manifest(manifest, model="all-MiniLM-L6-v2", chunker="sentences.v1:a")
    assert "'hash-384'" in err.value.message and "'all-MiniLM-L6-v2'" in err.value.message
    assert "litsynth ingest --rebuild" in (err.value.hint or "")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2**40), unique=True, max_size=30), st.randoms())
def test_ids_digest_depends_on_the_set_not_the_order(ids: list[int], rnd: object) -> None:
    shuffled = list(ids)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert ids_digest(ids) == ids_digest(shuffled)
    if ids:
        assert ids_digest(ids) != ids_digest(ids[1:])


def test_add_rejects_wrong_shape() -> None:
    index = ChunkIndex(4)
    with pytest.raises(ValueError):
        index.add([1, 2], np.zeros((2, 3), dtype=np.float32))
