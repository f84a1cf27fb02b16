"""Which passage each vector of the index was made from: `indexes/passages.npy`.

FAISS keeps a vector under the passage's rowid, and a rowid says nothing of the passage it
numbers. Within one store a rowid is never given twice (AUTOINCREMENT), but a store put in
place from elsewhere (another copy of the project copied over litsynth.db, whose ingests
numbered the same papers in another order) gives the same rowids to other passages: the id
sets can even be equal, and every check that compares them passes while search answers with
the wrong texts. Beside the index we keep, per rowid, a 64-bit digest of the passage id it
was embedded for (the passage id is a content hash of its document and span); whoever reads
vectors with the store at hand drops those whose passage is not the one the store now
numbers so.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from litsynth.atomic import fsync_file, temp_path

MAP_FILE = "passages.npy"


def id_digest(passage_id: str) -> int:
    """A passage id's 64-bit digest (signed, as numpy keeps int64)."""
    raw = hashlib.blake2b(passage_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(raw, "little", signed=True)


def write_map(folder: Path, pairs: Iterable[tuple[int, str]]) -> None:
    """Write rowid → passage-id digest for the vectors just saved (atomically)."""
    rows = sorted((rowid, id_digest(pid)) for rowid, pid in pairs)
    table = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
    tmp = temp_path(folder, MAP_FILE)
    try:
        with open(tmp, "wb") as fh:
            np.save(fh, table, allow_pickle=False)
        fsync_file(tmp)
        os.replace(tmp, folder / MAP_FILE)
    finally:
        tmp.unlink(missing_ok=True)


def read_map(folder: Path) -> dict[int, int] | None:
    """rowid → digest as saved, or None when there is no map (an index from before maps)."""
    try:
        table = np.load(folder / MAP_FILE, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return {int(r): int(d) for r, d in table.reshape(-1, 2)}


def misplaced(
    saved: dict[int, int] | None, rowids: Sequence[int], passage_ids: Sequence[str]
) -> set[int]:
    """The rowids among `rowids` whose vector was made for another passage than the store's
    `passage_ids` (same order). A rowid the map does not know was given its vector after the
    map was written, by this store (a rebuild's reused vectors, a run cut short between the
    index and its map): a store never gives a rowid twice, so it is this store's passage.
    Without a map nothing can be told."""
    if saved is None:
        return set()
    out = set()
    for rowid, pid in zip(rowids, passage_ids, strict=True):
        digest = saved.get(rowid)
        if digest is not None and digest != id_digest(pid):
            out.add(rowid)
    return out
