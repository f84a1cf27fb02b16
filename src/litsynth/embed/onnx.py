"""all-MiniLM-L6-v2 on ONNX Runtime: the default fp32 engine, and the fast int8 backend.

The ONNX model is made here, from the packaged model's own files (nothing is fetched):
torch exports the transformer (eager attention, so the padding mask is part of the graph).
In fp32 the export is used as it is: its vectors are sentence-transformers' to within 3e-7,
and it is what `get_embedder` runs for the default backend, so neither ingest nor search
imports torch. For `onnx-int8`, ONNX Runtime's dynamic quantisation stores every MatMul
weight as int8, one scale per output channel (per-tensor scales cost 5 points of cosine on
real passages; per-channel keeps it at 0.994). Each is cached under
`~/.cache/litsynth/onnx/<digest>/`, keyed by a digest of the source model files and the
export recipe, so it is built once per machine (about 15 s with torch's import) and rebuilt
when either changes.

Speed comes from three things, measured in bench/bench_embed_backends.py:
- int8 matrix products (the CPU's VNNI instructions where it has them), for `onnx-int8`;
- one text per run, in length order, so nothing is spent on padding;
- texts spread over one single-threaded session run per core, instead of one run using
  every core, which scales badly at MiniLM's small matrices.
Pooling (mean over real tokens) and L2 normalisation are those of the sentence-transformers
model, so vectors are comparable with the library's (to float rounding in fp32, to int8
rounding in int8).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from litsynth.config import cache_dir
from litsynth.embed.threads import cpu_allowance
from litsynth.errors import ConfigError

RECIPE = "onnx-int8.v1:opset17:eager-attention:dynamic-qint8:per-channel"
MODEL_FILE = "model-int8.onnx"
# The export alone, unquantised: the same vectors as sentence-transformers' fp32 to 3e-7, for
# embedding a query without importing sentence-transformers (models.query_embedder).
RECIPES = {
    "int8": (RECIPE, MODEL_FILE),
    "fp32": ("onnx-fp32.v1:opset17:eager-attention", "model.onnx"),
}
MAX_LENGTH = 256  # word-pieces read, [CLS] and [SEP] included, as the model was trained


def cache_root() -> Path:
    return cache_dir() / "onnx"


def source_digest(model_dir: Path, precision: str = "int8") -> str:
    """What the ONNX file is made from: the model files' bytes and the export recipe."""
    h = hashlib.sha256(RECIPES[precision][0].encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        h.update(path.relative_to(model_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _export(model_dir: Path, out: Path) -> None:
    """Export the transformer to ONNX (fp32) at `out` with torch's TorchScript exporter."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 10:] = 0  # a padded row, so the trace keeps the mask
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]}
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow
        torch.onnx.export(
            Encoder(model), (ids, mask, torch.zeros_like(ids)), str(out), input_names=names,
            output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
            dynamo=False,
        )  # fmt: skip


def build(model_dir: Path, *, root: Path | None = None, precision: str = "int8") -> Path:
    """The cached model for `model_dir` (int8, or the fp32 export), built now if missing;
    returns its folder."""
    recipe, model_file = RECIPES[precision]
    digest = source_digest(model_dir, precision)
    target = (root or cache_root()) / digest
    if (target / model_file).exists():
        return target
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        raise ConfigError(
            "embedding on ONNX Runtime needs onnxruntime and onnx",
            hint="reinstall litsynth (it depends on both), or set [embed] backend = 'torch'",
        ) from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{digest}.", dir=target.parent))
    except OSError as exc:  # a read-only home, a cache path through a file
        raise ConfigError(
            f"cannot write the embedding model's ONNX export under {target.parent} ({exc})",
            hint="set LITSYNTH_CACHE to a folder you can write (it is made once per machine)",
        ) from None
    try:
        _export(model_dir, work / "model.onnx")
        if precision == "int8":
            import logging

            logging.getLogger("root").setLevel(logging.ERROR)  # its pre-processing advice
            quantize_dynamic(
                work / "model.onnx", work / MODEL_FILE, weight_type=QuantType.QInt8,
                per_channel=True, extra_options={"DefaultTensorType": 1},
            )  # fmt: skip
            (work / "model.onnx").unlink()
        shutil.copy2(model_dir / "tokenizer.json", work / "tokenizer.json")
        (work / "build.json").write_text(
            json.dumps({"recipe": recipe, "source": str(model_dir), "digest": digest}, indent=1),
            encoding="utf-8",
        )
        try:
            work.rename(target)  # atomic: another process may have won the race
        except OSError:
            if not (target / model_file).exists():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


class OnnxEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime, int8 (or fp32): 384-d vectors, 254 word-pieces."""

    def __init__(
        self, model_dir: Path, name: str, *, threads: int | None = None, precision: str = "int8"
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = build(model_dir, precision=precision)
        self.name = name
        self.dim = 384
        self.max_tokens = MAX_LENGTH - 2
        self.threads = max(1, threads or cpu_allowance())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_LENGTH)
        self.tokenizer.no_padding()  # the file pads everything to 128: never wanted here
        self.counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.counter.no_truncation()  # the chunker needs whole counts, however long
        self.counter.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(folder / RECIPES[precision][1]), options, providers=["CPUExecutionProvider"]
        )
        self.pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def _one(self, ids: list[int]) -> np.ndarray:
        tokens = np.asarray([ids], dtype=np.int64)
        mask = np.ones_like(tokens)
        hidden = self.session.run(
            None,
            {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(tokens)},
        )[0][0]
        vector = hidden.mean(axis=0)  # no padding: every token is real
        return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
        jobs = [encoded[i] for i in order]
        vectors = (
            list(self.pool.map(self._one, jobs)) if self.pool else [self._one(j) for j in jobs]
        )
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        out[order] = np.stack(vectors)
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        # the same word-pieces the fp32 backend counts: without [CLS]/[SEP], not truncated
        encoded = self.counter.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encoded]
