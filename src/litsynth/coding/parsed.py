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

import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from litsynth.config import Project
from litsynth.progress import MIN_ITEMS, progress
from litsynth.textkept import TextKept

PARSED_FILE = "nlp.sqlite"  # in the project's indexes/, beside the FAISS index
SLICE = 256  # texts parsed and written per transaction: bounded memory, a bar that moves


class ParsedCache:
    """Lists of strings per (kind, text), in one SQLite file; a context manager."""

    def __init__(self, path: Path) -> None:
        self.kept: TextKept[list[str]] = TextKept(
            path,
            "parsed",
            ("kind", "items"),
            encode=lambda items: zlib.compress(json.dumps(items).encode("utf-8")),
            decode=lambda blob: json.loads(zlib.decompress(blob)),
        )
        self.hits = 0

    @classmethod
    def of(cls, project: Project) -> ParsedCache:
        """The project's, beside its FAISS index."""
        return cls(project.index_dir / PARSED_FILE)

    def __enter__(self) -> ParsedCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.kept.close()

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
            items, read = self.kept.values(kind, part, compute)
            self.hits += read
            yield from items


def spacy_kind(what: str, nlp: Any) -> str:
    """A cache kind naming what is kept and the spaCy pipeline that made it."""
    meta = nlp.meta or {}
    model = f"{meta.get('lang', '?')}_{meta.get('name', '?')}=={meta.get('version', '?')}"
    return f"{what}:{model}:{'+'.join(nlp.pipe_names)}"
