"""The FAISS index of chunk vectors and the manifest that says how it was made.

Vectors are L2-normalised, so inner product = cosine. The layout follows the size:

- below `EXACT_UP_TO` passages (a review's corpus, 10⁴–10⁵ chunks) the index is exact,
  `IndexIDMap2(IndexFlatIP)` keyed by chunk rowid: fast enough that an approximate index would
  only add a way to be wrong. IDMap2 (not IDMap) keeps an id → vector map, so vectors can be
  removed and reconstructed.
- from `EXACT_UP_TO` on it is an inverted file, `IndexIVFFlat`, with a hash-table direct map:
  it keeps what the exact index can do (add, remove and reconstruct by rowid, written to one
  file) while a query scans `nprobe` of `nlist` lists. HNSW would answer faster still but
  cannot remove a vector, and removal is how a changed or deleted document leaves the index.
  `nlist` comes from the count; `nprobe` is the smallest that reaches `RECALL_GOAL` recall@10
  against exact search, measured when the lists are trained and kept in the manifest.

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
MANIFEST_FORMAT = 2  # 2: the layout (kind, nlist, nprobe, measured recall) is recorded

EXACT_UP_TO = 200_000  # passages; exact search p99 is ~20 ms here (bench/bench_index_scale.py)
RECALL_GOAL = 0.97  # recall@10 against exact, on the index's own vectors, when lists are trained
RETRAIN_GROWTH = 4  # lists trained on n vectors are re-trained when the index passes 4 n
RECALL_SAMPLE = 500  # query vectors drawn to measure recall at build time
FULL_SCAN_SHARE = 0.1  # `within` at most this share of the index: probe every list (exact)


@dataclass(frozen=True)
class Layout:
    """How the vectors are arranged: exact ("flat") or inverted lists ("ivf")."""

    kind: str = "flat"
    nlist: int = 0
    nprobe: int = 0
    recall_at_10: float | None = None  # measured against exact when the lists were trained
    trained_on: int = 0


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
    kind: str = "flat"
    nlist: int = 0
    nprobe: int = 0
    recall_at_10: float | None = None
    trained_on: int = 0

    @property
    def layout(self) -> Layout:
        return Layout(self.kind, self.nlist, self.nprobe, self.recall_at_10, self.trained_on)


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

    def __init__(
        self,
        dim: int | None,
        index: Any = None,
        layout: Layout | None = None,
        *,
        exact_up_to: int = EXACT_UP_TO,
    ) -> None:
        self.dim = dim
        # Any: faiss's generated stubs type the SWIG wrappers loosely (no id_map, selector
        # overloads), so precise types here would only add ignores.
        self.index: Any = index
        self.layout = layout or Layout()
        self.exact_up_to = exact_up_to
        if index is None and dim is not None:
            self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if self.layout.kind == "ivf":
            self.index.nprobe = self.layout.nprobe

    def __len__(self) -> int:
        return 0 if self.index is None else int(self.index.ntotal)

    def ids(self) -> np.ndarray:
        if self.index is None:
            return np.zeros(0, dtype=np.int64)
        if self.layout.kind == "ivf":
            return _ivf_ids(self.index)
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def vectors(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The stored vectors of these rowids (all of them must be in the index)."""
        wanted = np.asarray(ids, dtype=np.int64)
        if self.index is None or len(wanted) == 0:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        return np.asarray(self.index.reconstruct_batch(wanted), dtype=np.float32)

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
        params: Any = None  # SearchParameters or its IVF subclass (the stubs know no subclass)
        keep = None
        if self.layout.kind == "ivf":
            params = faiss.SearchParametersIVF()
            params.nprobe = self.layout.nprobe
        if within is not None:
            if len(within) == 0:
                return []
            params = params or faiss.SearchParameters()
            params.sel, keep = _selector(np.asarray(within, dtype=np.int64))
            if self.layout.kind == "ivf":
                params.nprobe = _probes_within(self.layout, len(within), len(self))
        scores, ids = self.index.search(q, min(k, len(self)), params=params)
        del keep  # the selector reads this buffer until the search returns
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    # --------------------------------------------------------------------------- layout

    def fit_layout(self) -> bool:
        """Exact or inverted lists as the count asks; True when the layout changed.

        Lists are trained once the index reaches `exact_up_to` and re-trained when it has
        grown `RETRAIN_GROWTH`-fold since (centroids from a tenth of the data fit the rest
        badly); below half the threshold it goes back to exact, so a count hovering around
        the threshold does not rebuild on every save.
        """
        n = len(self)
        if self.index is None or self.dim is None:
            return False
        if self.layout.kind == "flat" and n >= self.exact_up_to:
            self._rebuild("ivf")
        elif self.layout.kind == "ivf" and n < self.exact_up_to // 2:
            self._rebuild("flat")
        elif self.layout.kind == "ivf" and n > RETRAIN_GROWTH * self.layout.trained_on:
            self._rebuild("ivf")
        else:
            return False
        return True

    def _rebuild(self, kind: str) -> None:
        assert self.dim is not None
        ids = self.ids()
        x = self.vectors(ids)
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            index.add_with_ids(x, ids)
            self.index, self.layout = index, Layout()
            return
        self.index, self.layout = build_ivf(ids, x)

    # ---------------------------------------------------------------------------- files

    def save(self, folder: Path, *, model: str, chunker: str) -> Manifest | None:
        """Write the index, then its manifest, each atomically; None if there is nothing yet.

        An index that never received a vector has no dimension and so no file to write. The
        layout is fitted to the count first, so the file on disk is what the next run loads.
        """
        if self.index is None or self.dim is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        self.fit_layout()
        ids = self.ids()
        manifest = Manifest(
            model=model,
            dim=self.dim,
            chunker=chunker,
            chunk_count=len(ids),
            ids_digest=ids_digest(ids),
            written_at=datetime.now(UTC).isoformat(timespec="seconds"),
            faiss_version=faiss.__version__,
            **asdict(self.layout),
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


def nlist_for(count: int) -> int:
    """About √n lists, a power of two between 256 and 16,384.

    √n keeps the two costs of a query (comparing with the centroids, scanning the probed
    lists) about equal; training k-means on 64 points a list stays under a minute at 10⁶.
    """
    return int(min(16_384, max(256, 2 ** round(np.log2(max(count, 1) ** 0.5)))))


def build_ivf(ids: np.ndarray, x: np.ndarray, *, seed: int = 0) -> tuple[Any, Layout]:
    """Inverted lists over these vectors, with the smallest nprobe that reaches the goal."""
    n, dim = x.shape
    nlist = nlist_for(n)
    rng = np.random.default_rng(seed)
    train = x[rng.choice(n, size=min(n, 64 * nlist), replace=False)]
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    index.train(np.ascontiguousarray(train))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
    index.add_with_ids(x, ids)
    nprobe, recall = tune_nprobe(index, ids, x, seed=seed)
    index.nprobe = nprobe
    return index, Layout("ivf", nlist, nprobe, recall, n)


def tune_nprobe(
    index: Any, ids: np.ndarray, x: np.ndarray, *, k: int = 10, seed: int = 0
) -> tuple[int, float]:
    """(smallest power-of-two nprobe whose recall@k reaches RECALL_GOAL, that recall).

    The queries are midpoints of two random stored vectors. A stored vector itself would be
    a flattering query: it sits next to its own centroid, and its near-duplicates (overlapping
    chunks) share its list. Real queries sit between passages (a test sentence's best hit in
    CSAbstract is at cosine 0.65), and so do midpoints: over 200k passages their recall at
    each nprobe is within a few points of real queries' (bench/bench_index_scale.py checks
    the stored figure against real queries). The truth is brute force over every vector.
    """
    rng = np.random.default_rng(seed + 1)
    size = min(RECALL_SAMPLE, len(ids))
    queries = x[rng.choice(len(ids), size)] + x[rng.choice(len(ids), size)]
    queries = np.ascontiguousarray(queries / np.linalg.norm(queries, axis=1, keepdims=True))
    _, exact = faiss.knn(queries, x, k, metric=faiss.METRIC_INNER_PRODUCT)
    truth = [set(ids[row].tolist()) for row in exact]
    nprobe = 1
    while True:
        params = faiss.SearchParametersIVF()
        params.nprobe = nprobe
        _, found = index.search(queries, k, params=params)
        recall = float(
            np.mean([len(t & set(row.tolist())) / k for t, row in zip(truth, found, strict=True)])
        )
        if recall >= RECALL_GOAL or nprobe >= index.nlist:
            return nprobe, round(recall, 4)
        nprobe = min(index.nlist, nprobe * 2)


def _selector(within: np.ndarray) -> tuple[Any, np.ndarray | None]:
    """A FAISS id selector for these rowids, and the buffer it reads (kept alive by the caller).

    Rowids are dense (AUTOINCREMENT), so a large subset is a bitmap: building one for 850k of
    a million ids takes ~2 ms where the hash set of IDSelectorBatch takes ~60 ms, per query.
    """
    top = int(within.max()) + 1 if len(within) else 0
    if len(within) < 4096 or int(within.min()) < 0 or top > 64 * len(within):
        return faiss.IDSelectorBatch(within), None
    bits = np.zeros(top, dtype=bool)
    bits[within] = True
    bitmap = np.packbits(bits, bitorder="little")
    return faiss.IDSelectorBitmap(top, faiss.swig_ptr(bitmap)), bitmap


def _probes_within(layout: Layout, subset: int, total: int) -> int:
    """Lists to probe when only `subset` of `total` vectors may answer.

    A small subset may sit in lists the query never probes, so every list is scanned (the
    selector skips non-members before any distance is computed: exact, and cheap). A large
    one thins each list out evenly, so probing proportionally more lists keeps recall.
    """
    if subset <= FULL_SCAN_SHARE * total:
        return layout.nlist
    return int(min(layout.nlist, np.ceil(layout.nprobe * total / max(subset, 1))))


def _ivf_ids(index: Any) -> np.ndarray:
    """Every id in the inverted lists (no id map to read them from, unlike IndexIDMap2)."""
    lists = index.invlists
    parts = [np.zeros(0, dtype=np.int64)]
    for no in range(index.nlist):
        size = lists.list_size(no)
        if size:
            ptr = lists.get_ids(no)
            parts.append(faiss.rev_swig_ptr(ptr, size).astype(np.int64))
            lists.release_ids(no, ptr)
    return np.concatenate(parts)


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
    if isinstance(raw, faiss.IndexIVF) != (manifest.kind == "ivf"):
        return None  # the file is not the layout its manifest describes
    index = ChunkIndex(manifest.dim, raw, manifest.layout)
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
    why = (
        "its vectors cannot be compared with the settings' model"
        if manifest.model != model
        else "its passages are not the ones the settings' chunker cuts"
    )
    raise IndexMismatchError(
        "the index in indexes/ was built with " + " and ".join(differences) + f"; {why}",
        hint=f"run `litsynth ingest --rebuild{project_arg}` to re-chunk and re-embed from the"
        " store (passages that carry human codings are kept)" + _undo(manifest, model, chunker),
    )


def _undo(manifest: Manifest, model: str, chunker: str) -> str:
    """The other way out, where there is one: a chunker of another litsynth version (its
    name before the first ':') cannot be set back, only rebuilt from."""
    settings = []
    if manifest.model != model:
        settings.append("[embed] model/backend")
    if manifest.chunker != chunker:
        if manifest.chunker.split(":")[0] != chunker.split(":")[0]:
            return f"; this litsynth chunks with {chunker.split(':')[0]!r}"
        settings.append("[ingest] chunk sizes")
    return f", or set {' and '.join(settings)} back in litsynth.toml"
