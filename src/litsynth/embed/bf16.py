"""all-MiniLM-L6-v2 in bfloat16 on CPUs that compute in it: the fast embedding backend.

Modern x86 CPUs (Intel since Cooper Lake / Sapphire Rapids, AMD since Zen 4) multiply
bfloat16 matrices in hardware: AVX512-BF16, and AMX tiles where present. PyTorch reaches them
through oneDNN when the weights are bfloat16. bfloat16 keeps fp32's exponent and 8 bits of
mantissa, so a passage's vector stays within rounding of the fp32 one (cosine ≥ 0.999 on real
passages, recall@10 against fp32 search 0.99; bench/bench_embed_backends.py), where int8
weights and activations (the onnx-int8 backend) lose more (0.92).

Speed comes from three things, measured in the same bench:
- bfloat16 matrix products in hardware;
- texts in length order, in batches of 16, so almost nothing is spent on padding;
- one batch per core at a time, each computed with one thread, instead of one batch using
  every core, which scales badly at MiniLM's small matrices (torch releases the GIL inside
  its operators, so threads run in parallel).

On a CPU without bfloat16 instructions torch emulates them, many times slower than fp32; the
backend refuses to start there (no silent fallback) and says to use `torch` instead.

Pooling (mean over real tokens) and L2 normalisation are those of the sentence-transformers
model; the tokenizer is the model's own, so token counts equal the fp32 backend's.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from litsynth.embed.threads import cpu_allowance
from litsynth.errors import ConfigError

BATCH = 16  # texts per forward pass: length-sorted, so a batch pads little
MAX_LENGTH = 256  # word-pieces read, [CLS] and [SEP] included, as the model was trained
BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The CPU's feature flags, from /proc/cpuinfo (or the given text of it)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def check_cpu(flags: set[str]) -> None:
    """Raise when the CPU has no bfloat16 instructions (torch would emulate them, slowly)."""
    if not flags & set(BF16_FLAGS):
        raise ConfigError(
            "[embed] backend = 'torch-bf16' needs a CPU with bfloat16 instructions "
            f"({' or '.join(BF16_FLAGS)}); this one has neither",
            hint="set [embed] backend = 'torch' (or 'onnx-int8') in litsynth.toml",
        )


def mean_pooled(hidden: Any, attention_mask: Any) -> Any:
    """The sentence vectors of a batch: the mean of its real tokens' states, L2-normalised, as
    the sentence-transformers model pools (and as `code finetune` trains, so a fine-tuned copy
    is read the way it was taught)."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
    return torch.nn.functional.normalize(pooled, dim=1)


class FolderEmbedder:
    """A MiniLM-shaped encoder from a model folder (the packaged one, or a copy fine-tuned on
    the reviewer's decisions by `code finetune`): 384-d vectors, 254 word-pieces of text,
    bfloat16 weights when `bf16`, fp32 otherwise."""

    def __init__(
        self, model_dir: Path, name: str, *, bf16: bool, threads: int | None = None
    ) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.name = name
        self.dim = 384
        self.max_tokens = MAX_LENGTH - 2
        self.threads = max(1, threads or cpu_allowance())
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        model = AutoModel.from_pretrained(str(model_dir)).eval()
        self.model: Any = model.to(torch.bfloat16) if bf16 else model
        self.pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def _batch(self, texts: list[str]) -> np.ndarray:
        import torch

        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
        )
        with torch.inference_mode():
            hidden = self.model(**encoded).last_hidden_state.float()
        vectors = mean_pooled(hidden, encoded["attention_mask"])
        return np.asarray(vectors.numpy(), dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        # one thread per batch while batches run side by side; torch's thread count is the
        # process's, so it is put back for whatever else runs torch here
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._embed(texts)
        finally:
            torch.set_num_threads(previous)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        batches = [[texts[i] for i in order[j : j + BATCH]] for j in range(0, len(order), BATCH)]
        done = self.pool.map(self._batch, batches) if self.pool else map(self._batch, batches)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        out[order] = np.vstack(list(done))
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]


class Bf16Embedder(FolderEmbedder):
    """all-MiniLM-L6-v2 with bfloat16 weights, refused on a CPU that would emulate them."""

    def __init__(self, model_dir: Path, name: str, *, threads: int | None = None) -> None:
        check_cpu(cpu_flags())
        super().__init__(model_dir, name, bf16=True, threads=threads)


def has_bf16() -> bool:
    """Whether this CPU computes in bfloat16 (fine-tuning uses it when so, and says so)."""
    return bool(cpu_flags() & set(BF16_FLAGS))
