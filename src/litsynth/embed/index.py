"""The FAISS index of chunk vectors and the manifest that says how it was made.

The index is `IndexIDMap2(IndexFlatIP)` keyed by chunk rowid: vectors are L2-normalised, so
inner product = cosine, and exact search over a review's corpus (10⁴–10⁵ chunks × 384 floats
≈ 15–150 MB) is fast enough that an approximate index would only add a way to be wrong.
IDMap2 (not IDMap) keeps an id → vector map, so vectors can be removed and reconstructed.

Both files live in indexes/ and are written atomically (temporary file + os.replace), the
index first, then the manifest. The manifest carries a digest of the id set the index holds;
an index whose ids do not match its manifest's digest (a crash between the two renames) is
not trusted and is rebuilt from the store. Nothing in indexes/ is the only copy of anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from litsynth import atomic
from litsynth.errors import IndexMismatchError, IndexWriteError

INDEX_FILE = "chunks.faiss"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    """How the index was made and what it holds."""

    model: str
    dim: int
    chunker: str
    chunk_count: int
    ids_digest: str  # sha256 of the sorted int64 ids: equal digests = equal id sets
    written_at: str
    faiss_version: str
    format: int = MANIFEST_FORMAT


def ids_digest(ids: Sequence[int] | np.ndarray) -> str:
    """A digest of an id set, independent of order."""
    arr = np.sort(np.asarray(ids, dtype=np.int64))
    return hashlib.sha256(arr.tobytes()).hexdigest()


class ChunkIndex:
    """Vectors keyed by chunk rowid; a thin, typed wrapper over the FAISS calls we use.

    `dim=None` is an empty index whose dimension is not known yet: it takes the dimension of
    the first vectors added. A run that adds nothing then never has to load the model just
    to learn its dimension.
    """

    def __init__(self, dim: int | None, index: Any = None) -> None:
        self.dim = dim
        # Any: faiss's generated stubs type the SWIG wrappers loosely (no id_map, selector
        # overloads), so precise types here would only add ignores.
        self.index: Any = index
        if index is None and dim is not None:
            self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def __len__(self) -> int:
        return 0 if self.index is None else int(self.index.ntotal)

    def ids(self) -> np.ndarray:
        if self.index is None:
            return np.zeros(0, dtype=np.int64)
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.index is None:
            self.dim = int(vectors.shape[1])
            self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        if vectors.shape != (len(ids), self.dim):
            raise ValueError(f"expected {len(ids)}×{self.dim} vectors, got {vectors.shape}")
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> int:
        if len(ids) == 0 or self.index is None:
            return 0
        return int(self.index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def search(
        self, query: np.ndarray, k: int, *, within: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """(id, score) best first; `within` restricts the search to those ids, exactly.

        With `within`, FAISS evaluates the id selector inside the scan, so a subset of 3
        chunks among 100,000 still yields its 3 best rather than whatever survived a
        top-k-then-filter pass.
        """
        if len(self) == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        params = None
        if within is not None:
            if len(within) == 0:
                return []
            selector = faiss.IDSelectorBatch(np.asarray(within, dtype=np.int64))
            params = faiss.SearchParameters()
            params.sel = selector
        scores, ids = self.index.search(q, min(k, len(self)), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    # ---------------------------------------------------------------------------- files

    def save(self, folder: Path, *, model: str, chunker: str) -> Manifest | None:
        """Write the index, then its manifest, each atomically; None if there is nothing yet.

        An index that never received a vector has no dimension and so no file to write.
        """
        if self.index is None or self.dim is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        ids = self.ids()
        manifest = Manifest(
            model=model,
            dim=self.dim,
            chunker=chunker,
            chunk_count=len(ids),
            ids_digest=ids_digest(ids),
            written_at=datetime.now(UTC).isoformat(timespec="seconds"),
            faiss_version=faiss.__version__,
        )
        try:
            tmp = atomic.temp_path(folder, INDEX_FILE)
            try:
                faiss.write_index(self.index, str(tmp))
                atomic.fsync_file(tmp)
                os.replace(tmp, folder / INDEX_FILE)
            finally:
                tmp.unlink(missing_ok=True)
            atomic.write_text(
                folder / MANIFEST_FILE, json.dumps(asdict(manifest), indent=2) + "\n", durable=True
            )
        except (OSError, RuntimeError) as exc:
            # FAISS reports a failed fwrite as RuntimeError; ENOSPC as OSError from Python.
            raise IndexWriteError(
                f"could not write the index in {folder}: {_short(exc)}",
                hint="free disk space (is the disk full?) and run the command again; the store"
                " is intact and the next run rebuilds the index from it",
            ) from None
        return manifest


def _short(exc: BaseException) -> str:
    """The last line of a FAISS error (its first lines are C++ file and line numbers)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def load_manifest(folder: Path) -> Manifest | None:
    path = folder / MANIFEST_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except (ValueError, TypeError):
        return None  # unreadable manifest: treated like no index, rebuilt from the store


def load_index(folder: Path) -> tuple[ChunkIndex, Manifest] | None:
    """The saved index and its manifest, or None when absent or not trustworthy."""
    manifest = load_manifest(folder)
    path = folder / INDEX_FILE
    if manifest is None or not path.exists():
        return None
    try:
        raw = faiss.read_index(str(path))
    except RuntimeError:
        return None  # truncated or foreign file: rebuilt from the store
    index = ChunkIndex(manifest.dim, raw)
    if raw.d != manifest.dim or ids_digest(index.ids()) != manifest.ids_digest:
        return None
    return index, manifest


def check_manifest(manifest: Manifest, *, model: str, chunker: str, project_arg: str = "") -> None:
    """Raise IndexMismatchError when the index was made by another model or chunker."""
    if manifest.model == model and manifest.chunker == chunker:
        return
    differences = []
    if manifest.model != model:
        differences.append(f"model {manifest.model!r} (settings: {model!r})")
    if manifest.chunker != chunker:
        differences.append(f"chunker {manifest.chunker!r} (settings: {chunker!r})")
    raise IndexMismatchError(
        "the index in indexes/ was built with "
        + " and ".join(differences)
        + "; its vectors cannot be compared with the settings' model",
        hint=f"run `litsynth ingest --rebuild{project_arg}` to re-chunk and re-embed from the"
        " store, or set [embed] model / [ingest] chunker back in litsynth.toml",
    )
