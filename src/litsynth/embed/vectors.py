"""Vectors of stored passages: read back from the FAISS index, embedded only where it lacks them.

The index is a cache of the store's chunks under one model (its manifest says which). Suggest,
discover and relate all need the vectors of many chunks at once; reading them back costs
milliseconds where re-embedding costs minutes, but only an index made by the same model may be
read. This is the one place that decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from litsynth.embed.index import load_index
from litsynth.embed.models import Embedder
from litsynth.embed.passage_map import misplaced, read_map
from litsynth.progress import MIN_ITEMS, progress


def stored_vectors(
    index_dir: Path,
    model: str,
    rowids: Sequence[int],
    texts: Sequence[str],
    embedder: Callable[[], Embedder],
    passage_ids: Sequence[str] | None = None,
) -> tuple[np.ndarray, str]:
    """(vectors in the order given, where they came from: "index", "embedded" or both).

    `embedder` is called only when something must be embedded, so a fully indexed corpus never
    loads the model. With the passages' ids, a vector the index keeps under a rowid the store
    now gives another passage (`passage_map`) is not used: that passage is embedded.
    """
    found: dict[int, np.ndarray] = {}
    dim = 0
    loaded = load_index(index_dir)
    if loaded is not None and loaded[1].model == model:
        index, manifest = loaded
        dim = manifest.dim
        have = set(index.ids().tolist())
        if passage_ids is not None:
            have -= misplaced(read_map(index_dir), rowids, passage_ids)
        wanted = np.asarray([r for r in rowids if r in have], dtype=np.int64)
        if len(wanted):
            rows = index.vectors(wanted)
            found = {int(r): rows[i] for i, r in enumerate(wanted)}
    missing = [i for i, r in enumerate(rowids) if r not in found]
    if missing:
        model_ = embedder()
        dim = model_.dim
        step = 256  # embedded in slices, so a long run shows how far it is
        slices = [missing[k : k + step] for k in range(0, len(missing), step)]
        # a bar for many passages (counted in slices of 256), none for a few
        parts = (
            progress(slices, total=len(slices), desc="embedding passages", unit="x256", minimum=0)
            if len(missing) >= MIN_ITEMS
            else slices
        )
        fresh = np.concatenate([model_.embed([texts[i] for i in part]) for part in parts])
        found.update({rowids[i]: fresh[j] for j, i in enumerate(missing)})
    source = "embedded" if len(missing) == len(rowids) and rowids else "index"
    if missing and len(missing) < len(rowids):
        source = "index+embedded"
    if not rowids:
        return np.zeros((0, dim or 1), dtype=np.float32), source
    return np.stack([found[r] for r in rowids]).astype(np.float32), source


class CachedEmbedder:
    """An embedder whose vectors are kept on disk by model and text hash, so a second run over
    the same texts (another seed of `code eval`, another k) embeds nothing again."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        from litsynth.textkept import TextKept

        self.inner = inner
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.kept: TextKept[np.ndarray] = TextKept(
            path,
            "vectors",
            ("model", "vector"),
            encode=lambda v: np.asarray(v, dtype=np.float32).tobytes(),
            decode=lambda b: np.frombuffer(b, dtype=np.float32),
        )
        self.hits = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors, read = self.kept.values(self.name, texts, self.inner.embed)
        self.hits += read
        return np.stack(vectors).astype(np.float32)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)
