"""The last answer of a corpus-wide step that depends on the passages alone, kept for the next
run over the same passages.

The workspace runs `code suggest` after every coding decision (server/learning.py), over the
same passages each time: between two runs the decisions change, not the corpus. Two steps read
only the corpus: matching the codebook's words (spaCy's tokenizer over every passage, to set
the kept lemmas) and clustering the passages by how they are written (k-means). Over 20,000
passages they took 15 of a run's 23 s, every run. Each keeps its last answer here, under a
digest of everything it reads, so a run over the passages of the last one skips them and a
run over other passages (an ingest, a codebook edit) computes them again. One answer each: a
process holds one corpus at a time, and a 100,000-passage corpus's answers are a few MB.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


def digest(*parts: object) -> str:
    """A digest of texts, arrays, numbers and sequences of them: equal inputs, equal digest."""
    h = hashlib.blake2b(digest_size=16)

    def feed(part: object) -> None:
        if isinstance(part, str):
            h.update(b"s")
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x1f")
        elif isinstance(part, np.ndarray):
            h.update(f"a{part.dtype}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, bool | int | float) or part is None:
            h.update(f"n{part!r}\x1f".encode())
        elif isinstance(part, Iterable):
            h.update(b"[")
            for item in part:
                feed(item)
            h.update(b"]")
        else:
            raise TypeError(f"cannot digest {type(part).__name__}")

    for part in parts:
        feed(part)
    return h.hexdigest()


class Last(Generic[T]):
    """One remembered answer, under the digest of its inputs (thread-safe: the workspace's
    background run and a request may both ask)."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The answer kept under `key`, else `compute()`'s, kept. Callers must not change it."""
        with self._lock:
            if key == self._key:
                return self._value  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._key, self._value = key, value
        return value
