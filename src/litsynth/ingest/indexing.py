"""Keeping the FAISS index in step with the store: open, check, reconcile, rebuild.

The store is the truth and the index is derived from it. `open_index` refuses an index made
by another model or chunker (its vectors are not comparable with the settings' queries);
`reconcile` makes the index hold exactly the store's chunk rowids, removing vectors of
deleted chunks and embedding the missing ones from their stored text. Because chunk rowids
are never reused (AUTOINCREMENT), comparing id sets is enough: no duplicates, no orphans.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from litsynth.config import Project
from litsynth.embed import Embedder, get_embedder
from litsynth.embed.index import (
    INDEX_FILE,
    MANIFEST_FILE,
    ChunkIndex,
    Manifest,
    check_manifest,
    load_index,
)
from litsynth.embed.passage_map import MAP_FILE, id_digest, misplaced, read_map, write_map
from litsynth.errors import ConfigError, IndexMismatchError
from litsynth.ingest.chunk import CHUNKER_NAME
from litsynth.store import documents as store
from litsynth.store import passages


def chunker_spec(project: Project) -> str:
    """The chunker's versioned name with the parameters that change its output.

    Changing chunk_tokens from 200 to 128 changes every chunk as surely as a new chunker
    version does, so both are part of the identity the index manifest records.
    """
    s = project.settings.ingest
    if s.chunker != CHUNKER_NAME:
        raise ConfigError(
            f"unknown chunker {s.chunker!r} in [ingest] chunker",
            hint=f"this litsynth has {CHUNKER_NAME!r}",
        )
    return f"{s.chunker}:target={s.chunk_tokens}:overlap={s.overlap_tokens}:max={s.max_tokens}"


class LazyEmbedder:
    """The settings' embedder, loaded on first use.

    Loading all-MiniLM-L6-v2 means starting ONNX Runtime on 90 MB of weights (a third of a
    second; seconds when it was torch); a re-run over an unchanged corpus needs neither, and
    should cost milliseconds.
    """

    def __init__(self, name: str, batch_size: int) -> None:
        self.name = name
        self.batch_size = batch_size
        self._inner: Embedder | None = None

    @property
    def inner(self) -> Embedder:
        if self._inner is None:
            self._inner = get_embedder(self.name, batch_size=self.batch_size)
        return self._inner

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def max_tokens(self) -> int:
        return self.inner.max_tokens

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)


def open_index(
    project: Project, conn: sqlite3.Connection, embedder: Embedder, *, rebuild: bool = False
) -> tuple[ChunkIndex, Manifest | None]:
    """The saved index and manifest if made as the settings say; a new empty index otherwise.

    A manifest naming another model or chunker is an error (its vectors are not comparable
    with the query's) unless this is a rebuild. Store documents chunked another way are the
    same error: their chunks would otherwise be mixed with new ones.
    """
    spec = chunker_spec(project)
    project_arg = "" if project.root == Path.cwd() else f" --project {project.root}"
    loaded = None if rebuild else load_index(project.index_dir)
    if loaded is not None:
        manifest = loaded[1]
        if same_model_other_backend(manifest.model, embedder.name) and manifest.chunker == spec:
            # [embed] backend changed: the chunks stand, only their vectors are re-made (from
            # the stored texts, by reconcile), so nothing is re-parsed or re-chunked.
            loaded = None
        else:
            # Same model name → same dimension; not asking embedder.dim keeps a no-op run
            # from loading the model at all.
            check_manifest(manifest, model=embedder.name, chunker=spec, project_arg=project_arg)
    if not rebuild:
        stale = [c for c in store.chunkers_in_use(conn) if c != spec]
        if stale:
            raise IndexMismatchError(
                f"the store holds chunks made by chunker {stale[0]!r}, "
                f"but the settings ask for {spec!r}",
                hint=f"run `litsynth ingest --rebuild{project_arg}` to re-chunk and re-embed "
                "from the store",
            )
    return loaded if loaded is not None else (ChunkIndex(None), None)


def same_model_other_backend(a: str, b: str) -> bool:
    """ "all-MiniLM-L6-v2" and "all-MiniLM-L6-v2+onnx-int8": one model, two backends."""
    return a != b and a.split("+", 1)[0] == b.split("+", 1)[0]


def reconcile(
    conn: sqlite3.Connection,
    index: ChunkIndex,
    embedder: Embedder,
    *,
    quiet: bool = True,
    folder: Path | None = None,
) -> dict[str, int]:
    """Make the index hold exactly the store's chunks: remove orphans, embed the missing.

    With `folder` (where the index lives), a vector whose rowid the store now gives to
    another passage (`passage_map`) is an orphan too, and its passage is embedded again.
    """
    index_ids = set(index.ids().tolist())
    if folder is not None:  # the passages' ids as well as their rowids, read once
        pairs = passages.rowids_and_ids(conn)
        store_ids = {rowid for rowid, _ in pairs}
        wrong = misplaced_vectors(pairs, folder, index_ids)
    else:
        store_ids, wrong = set(store.chunk_rowids(conn)), set()
    index_ids -= wrong
    index.remove(sorted(wrong))
    orphans = sorted(index_ids - store_ids)
    missing = sorted(store_ids - index_ids)
    index.remove(orphans)
    step = 2048  # texts per embed call: large enough to keep 64-text batches full
    with tqdm(
        total=len(missing),
        desc="embedding",
        unit="chunk",
        disable=quiet or not missing,
        file=sys.stderr,
    ) as bar:
        for i in range(0, len(missing), step):
            rows = store.chunk_texts(conn, missing[i : i + step])
            index.add([r[0] for r in rows], embedder.embed([r[1] for r in rows]))
            bar.update(len(rows))
    return {"added": len(missing), "removed": len(orphans) + len(wrong)}


def misplaced_vectors(
    pairs: Sequence[tuple[int, str]], folder: Path, index_ids: set[int]
) -> set[int]:
    """The index's rowids whose vector was made for another passage than the one the store
    now numbers so (`pairs`: the store's rowids and passage ids; `passage_map`; empty when
    the index has no map yet)."""
    saved = read_map(folder)
    if saved is None:
        return set()
    shared = [(r, pid) for r, pid in pairs if r in index_ids]
    return misplaced(saved, [r for r, _ in shared], [pid for _, pid in shared])


def save_index(
    conn: sqlite3.Connection, index: ChunkIndex, folder: Path, *, model: str, chunker: str
) -> Manifest | None:
    """Write the index and, beside it, which passage each of its vectors was made for."""
    manifest = index.save(folder, model=model, chunker=chunker)
    held = set(index.ids().tolist())
    write_map(folder, ((r, pid) for r, pid in passages.rowids_and_ids(conn) if r in held))
    return manifest


def embed_in_parts(
    embedder: Embedder, texts: Sequence[str], size: int, say: Callable[[str], object], name: str
) -> np.ndarray:
    """The texts' vectors, `size` at a time when there are more than twice as many: a
    600-page book's 3,500 passages take a minute to embed, and the bar says how far (`say`),
    not nothing; an ordinary flush (a little over `size`) stays one call."""
    if len(texts) <= 2 * size:
        return embedder.embed(texts)
    parts = []
    for start in range(0, len(texts), size):
        say(f"{name}: {start:,} of {len(texts):,} passages embedded")
        parts.append(embedder.embed(texts[start : start + size]))
    say(f"{name}: {len(texts):,} passages embedded")
    return np.concatenate(parts)


def text_key(text: str) -> bytes:
    """A chunk text's digest: what a vector is kept under across a re-chunking."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def saved_vectors(
    project: Project, conn: sqlite3.Connection, embedder: Embedder
) -> dict[bytes, np.ndarray]:
    """The saved index's vectors by their passage's text (`text_key`), when that index was
    made by this embedder (model and backend); else none.

    A rebuild for a new chunker used to embed every passage again, though most passages of
    most documents come out of it with the same text, and a text's vector depends on the
    text alone: these are kept (`restore_vectors`) and only new texts are embedded."""
    loaded = load_index(project.index_dir)
    if loaded is None or loaded[1].model != embedder.name:
        return {}
    index = loaded[0]
    kept: dict[bytes, np.ndarray] = {}
    ids = sorted(int(i) for i in index.ids().tolist())
    for start in range(0, len(ids), 2048):
        rows = store.chunk_texts(conn, ids[start : start + 2048])
        vectors = index.vectors([rowid for rowid, _ in rows])
        kept.update((text_key(text), v) for (_, text), v in zip(rows, vectors, strict=True))
    return kept


def restore_vectors(
    conn: sqlite3.Connection, index: ChunkIndex, saved: dict[bytes, np.ndarray]
) -> int:
    """Give the store's passages missing from the index the saved vector of their text,
    where there is one; how many were given one (`reconcile` embeds the rest)."""
    missing = sorted(set(store.chunk_rowids(conn)) - set(index.ids().tolist()))
    restored = 0
    for start in range(0, len(missing), 2048):
        rows = store.chunk_texts(conn, missing[start : start + 2048])
        keyed = ((rowid, saved.get(text_key(text))) for rowid, text in rows)
        found = [(rowid, vector) for rowid, vector in keyed if vector is not None]
        if found:
            index.add([rowid for rowid, _ in found], np.stack([v for _, v in found]))
            restored += len(found)
    return restored


def ensure_index(
    project: Project, conn: sqlite3.Connection, embedder: Embedder, *, quiet: bool = True
) -> tuple[ChunkIndex, dict[str, int]]:
    """An index consistent with the store, repaired and saved if it was not (for search)."""
    folder = project.index_dir
    index, manifest = open_index(project, conn, embedder)
    repaired = reconcile(conn, index, embedder, quiet=quiet, folder=folder)
    # an index from before `passage_map` gets its map (not in a folder we may not write)
    unmapped = not (folder / MAP_FILE).exists() and os.access(folder, os.W_OK)
    if manifest is None or repaired["added"] or repaired["removed"] or unmapped:
        spec = chunker_spec(project)
        save_index(conn, index, folder, model=embedder.name, chunker=spec)
    return index, repaired


def passage_digests(conn: sqlite3.Connection) -> dict[int, int]:
    """Each passage's rowid and its id's digest (`passage_map`): what a vector in the index
    stands for, read from the store without its texts."""
    return {rowid: id_digest(pid) for rowid, pid in passages.rowids_and_ids(conn)}


def realign_index(
    conn: sqlite3.Connection, folder: Path, before: dict[int, int] | None
) -> dict[str, int]:
    """After the store was replaced (a restore), keep only vectors that still stand for the
    passage with their id, and move the others to the id their passage has now.

    The index names passages by rowid, and a restored store numbers its passages as the
    backup did: a vector kept under an id the new store gives another passage would answer
    searches with the wrong text, and the id sets alone (which `reconcile` compares) can be
    equal. `before` is what the index was made for (`passage_digests` of the store it
    replaced; None when that store could not be read: the index is then dropped and rebuilt
    by the next search).
    Passages left with no vector are embedded by the next `ingest` or `search`. `conn` is
    the new store.
    """
    after = passage_digests(conn)
    loaded = load_index(folder)
    if loaded is None:
        return {"kept": 0, "moved": 0, "removed": 0, "without": len(after)}
    index, manifest = loaded
    ids = index.ids().tolist()
    if before is None:
        for name in (INDEX_FILE, MANIFEST_FILE, MAP_FILE):
            (folder / name).unlink(missing_ok=True)
        return {"kept": 0, "moved": 0, "removed": len(ids), "without": len(after)}
    stale = [r for r in ids if r not in after or before.get(r) != after[r]]
    saved = {before[r]: v for r, v in zip(stale, index.vectors(stale), strict=True) if r in before}
    index.remove(stale)
    held = set(index.ids().tolist())
    moved = [(r, saved[key]) for r, key in after.items() if r not in held and key in saved]
    if moved:
        index.add([r for r, _ in moved], np.stack([v for _, v in moved]))
    if stale or moved:
        save_index(conn, index, folder, model=manifest.model, chunker=manifest.chunker)
    kept = len(ids) - len(stale)
    return {
        "kept": kept,
        "moved": len(moved),
        "removed": len(stale),
        "without": len(after) - kept - len(moved),
    }
