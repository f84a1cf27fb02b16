"""What was computed from a text, kept in SQLite by kind and text hash and read back instead of
computed again: a passage's vector under one model (`embed.vectors.CachedEmbedder`), spaCy's
lemmas or noun phrases of it (`coding.parsed.ParsedCache`).

A text's hash names it whatever document or chunk it came from, so a second run, another seed,
or a copy of the same passage costs a lookup. Each distinct missing text is computed once.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
LOOKUP = 500  # hashes per SELECT … IN (…): well under SQLite's limit on bound parameters


class TextKept(Generic[T]):
    """One table of (kind, text hash) → value; `encode`/`decode` turn a value into a BLOB."""

    def __init__(
        self,
        path: Path,
        table: str,
        columns: tuple[str, str],  # the kind's column and the value's, as the table names them
        encode: Callable[[T], bytes],
        decode: Callable[[bytes], T],
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        kind, value = columns
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ({kind} TEXT, text_hash TEXT, {value} BLOB,"
            f" PRIMARY KEY ({kind}, text_hash))"
        )
        self.select = f"SELECT text_hash, {value} FROM {table} WHERE {kind} = ? AND text_hash IN"
        self.insert = f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)"
        self.encode, self.decode = encode, decode

    def values(
        self, kind: str, texts: Sequence[str], compute: Callable[[list[str]], Iterable[Any]]
    ) -> tuple[list[T], int]:
        """Per text, in order, its value as kept, or as `compute` gives it for the texts not
        kept (then kept); and how many of the texts were read rather than computed."""
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        unique = sorted(set(keys))
        found: dict[str, T] = {}
        for k in range(0, len(unique), LOOKUP):
            part = unique[k : k + LOOKUP]
            rows = self.db.execute(f"{self.select} ({','.join('?' * len(part))})", [kind, *part])
            found.update((h, self.decode(b)) for h, b in rows)
        read = sum(1 for key in keys if key in found)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if todo:
            fresh = compute(list(todo.values()))
            found.update(zip(todo, fresh, strict=True))
            with self.db:
                self.db.executemany(self.insert, [(kind, k, self.encode(found[k])) for k in todo])
        return [found[k] for k in keys], read

    def close(self) -> None:
        self.db.close()
