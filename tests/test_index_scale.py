"""The index layout follows the count: exact below the threshold, inverted lists above it.

The threshold is lowered to a few thousand vectors so the inverted-list path runs in a unit
test; the vectors are clustered (50 topics plus noise), as passage embeddings are.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from litsynth.embed.index import MANIFEST_FILE, RECALL_GOAL, ChunkIndex, load_index, nlist_for


def _clustered(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    x = centres[rng.integers(0, 50, size=n)] + 0.6 * rng.normal(size=(n, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def _exact_top(x: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    return [int(ids[i]) for i in np.argsort(-(x @ q))[:k]]


def test_small_index_stays_exact(tmp_path: Path) -> None:
    x = _clustered(500)
    index = ChunkIndex(64, exact_up_to=1000)
    index.add(np.arange(500), x)
    manifest = index.save(tmp_path, model="m", chunker="c")
    assert manifest is not None and manifest.kind == "flat" and manifest.recall_at_10 is None


def test_index_past_the_threshold_gets_lists_with_measured_recall(tmp_path: Path) -> None:
    x = _clustered(4000)
    ids = np.arange(4000, dtype=np.int64) * 3 + 1  # rowids are not positions
    index = ChunkIndex(64, exact_up_to=3000)
    index.add(ids, x)
    manifest = index.save(tmp_path, model="m", chunker="c")
    assert manifest is not None
    assert manifest.kind == "ivf" and manifest.nlist == nlist_for(4000)
    assert manifest.recall_at_10 is not None and manifest.recall_at_10 >= RECALL_GOAL
    assert 1 <= manifest.nprobe <= manifest.nlist and manifest.trained_on == 4000
    on_disk = json.loads((tmp_path / MANIFEST_FILE).read_text())
    assert on_disk["kind"] == "ivf" and on_disk["recall_at_10"] == manifest.recall_at_10

    loaded = load_index(tmp_path)
    assert loaded is not None
    again, _ = loaded
    assert again.layout.kind == "ivf" and len(again) == 4000
    assert sorted(again.ids().tolist()) == ids.tolist()
    np.testing.assert_allclose(again.vectors(ids[:5]), x[:5], atol=1e-6)
    # a stored vector finds itself first, and most of its exact neighbours
    hits = again.search(x[7], 10)
    assert hits[0][0] == int(ids[7])
    overlap = {i for i, _ in hits} & set(_exact_top(x, ids, x[7], 10))
    assert len(overlap) >= 8


def test_inverted_lists_add_remove_and_a_small_subset_is_exact(tmp_path: Path) -> None:
    x = _clustered(4000)
    ids = np.arange(4000, dtype=np.int64)
    index = ChunkIndex(64, exact_up_to=3000)
    index.add(ids[:3500], x[:3500])
    index.save(tmp_path, model="m", chunker="c")
    assert index.layout.kind == "ivf"

    index.add(ids[3500:], x[3500:])  # incremental add after training
    assert index.remove([0, 1, 2]) == 3
    assert len(index) == 3997 and 0 not in set(index.ids().tolist())

    # three members scattered over the lists: all three come back, best first, exactly
    within = [5, 1700, 3900]
    q = x[1700]
    got = index.search(q, 10, within=within)
    assert [i for i, _ in got] == _exact_top(x[within], np.asarray(within), q, 3)

    # a large subset (every even id) still finds the exact best members
    evens = [int(i) for i in ids if i % 2 == 0 and i > 2]
    got = index.search(x[1000], 5, within=evens)
    assert all(i % 2 == 0 for i, _ in got) and got[0][0] == 1000

    manifest = index.save(tmp_path, model="m", chunker="c")
    assert manifest is not None and manifest.chunk_count == 3997
    loaded = load_index(tmp_path)
    assert loaded is not None and len(loaded[0]) == 3997


def test_index_shrinking_below_half_the_threshold_goes_back_to_exact(tmp_path: Path) -> None:
    x = _clustered(4000)
    index = ChunkIndex(64, exact_up_to=3000)
    index.add(np.arange(4000), x)
    index.save(tmp_path, model="m", chunker="c")
    index.remove(list(range(2000)))  # 2,000 left: above half the threshold, still lists
    assert not index.fit_layout() and index.layout.kind == "ivf"
    index.remove(list(range(2000, 2600)))  # 1,400 left: exact again
    manifest = index.save(tmp_path, model="m", chunker="c")
    assert manifest is not None and manifest.kind == "flat" and manifest.chunk_count == 1400
    hits = index.search(x[3000], 1)
    assert hits[0][0] == 3000


def test_lists_are_retrained_when_the_index_has_grown_fourfold() -> None:
    x = _clustered(13000)
    index = ChunkIndex(64, exact_up_to=3000)
    index.add(np.arange(3000), x[:3000])
    assert index.fit_layout() and index.layout.trained_on == 3000
    index.add(np.arange(3000, 13000), x[3000:])
    assert index.fit_layout() and index.layout.trained_on == 13000


def test_a_manifest_of_the_other_layout_is_not_trusted(tmp_path: Path) -> None:
    index = ChunkIndex(64, exact_up_to=3000)
    index.add(np.arange(4000), _clustered(4000))
    index.save(tmp_path, model="m", chunker="c")
    data = json.loads((tmp_path / MANIFEST_FILE).read_text())
    data["kind"] = "flat"
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(data))
    assert load_index(tmp_path) is None


def test_old_manifest_without_a_layout_reads_as_exact(tmp_path: Path) -> None:
    index = ChunkIndex(64)
    index.add(np.arange(10), _clustered(10))
    index.save(tmp_path, model="m", chunker="c")
    data = json.loads((tmp_path / MANIFEST_FILE).read_text())
    for key in ("kind", "nlist", "nprobe", "recall_at_10", "trained_on"):
        del data[key]
    data["format"] = 1
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(data))
    loaded = load_index(tmp_path)
    assert loaded is not None and loaded[0].layout.kind == "flat"


def test_a_large_subset_is_searched_through_a_bitmap_with_the_same_answer() -> None:
    x = _clustered(10_000)
    ids = np.arange(10_000, dtype=np.int64) + 5
    index = ChunkIndex(64)
    index.add(ids, x)
    rng = np.random.default_rng(3)
    within = sorted(int(i) for i in ids[rng.random(10_000) < 0.8])  # 8,000: the bitmap path
    members = np.asarray(within) - 5
    for q in (x[0], x[4321], x[9999]):
        got = [i for i, _ in index.search(q, 10, within=within)]
        assert got == _exact_top(x[members], np.asarray(within), q, 10)
