"""spaCy's reading of passages, kept on disk: lemmas for keyword matching, noun phrases for
naming clusters.

Parsing is the slowest step of `code suggest` (lemmas need the tagger, the attribute ruler and
the lemmatiser: ~10 ms a passage, 12 minutes for 1,000 papers) and of `code discover` and the
report (noun phrases also need the parser). A passage's text never changes, and suggest runs
again after every batch of review, so each result is kept by pipeline and text hash in
indexes/nlp.sqlite and the next run reads it instead of parsing. Like the FAISS index beside it
this is derived data: deleting the file loses nothing but time.

The key names the pipeline and its version (`kind`), so a new spaCy model or phrase rule reads
nothing stale.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from litsynth.progress import MIN_ITEMS, progress

PARSED_FILE = "nlp.sqlite"  # in the project's indexes/, beside the FAISS index
SLICE = 256  # texts parsed and written per transaction: bounded memory, a bar that moves


class ParsedCache:
    """Lists of strings per (kind, text), in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS parsed (kind TEXT, text_hash TEXT, items BLOB,"
            " PRIMARY KEY (kind, text_hash))"
        )
        self.hits = 0

    def values(
        self,
        kind: str,
        texts: Sequence[str],
        compute: Callable[[list[str]], list[list[str]]],
        *,
        desc: str,
    ) -> Iterator[list[str]]:
        """Per text, in order: its items as kept, or as `compute` gives them (then kept)."""
        slices = [texts[k : k + SLICE] for k in range(0, len(texts), SLICE)]
        if len(texts) >= MIN_ITEMS:  # a bar for many passages (counted in slices), none for a few
            slices = progress(slices, total=len(slices), desc=desc, unit="x256", minimum=0)  # type: ignore[assignment]
        for part in slices:
            yield from self._slice(kind, list(part), compute)

    def _slice(
        self, kind: str, texts: list[str], compute: Callable[[list[str]], list[list[str]]]
    ) -> list[list[str]]:
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        unique = sorted(set(keys))
        rows = self.db.execute(
            f"SELECT text_hash, items FROM parsed WHERE kind = ? AND text_hash IN"
            f" ({','.join('?' * len(unique))})",
            [kind, *unique],
        )
        found = {h: json.loads(zlib.decompress(b)) for h, b in rows}
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        self.hits += len(texts) - sum(1 for k in keys if k in todo)
        if todo:
            fresh = compute(list(todo.values()))
            found.update(zip(todo, fresh, strict=True))
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                    [(kind, k, zlib.compress(json.dumps(found[k]).encode("utf-8")))
                     for k in todo],
                )  # fmt: skip
        return [found[k] for k in keys]

    def close(self) -> None:
        self.db.close()


def spacy_kind(what: str, nlp: Any) -> str:
    """A cache kind naming what is kept and the spaCy pipeline that made it."""
    meta = nlp.meta or {}
    model = f"{meta.get('lang', '?')}_{meta.get('name', '?')}=={meta.get('version', '?')}"
    return f"{what}:{model}:{'+'.join(nlp.pipe_names)}"
