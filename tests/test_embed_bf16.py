"""The torch-bf16 embedding backend: the same word-piece counts as fp32 (so the same chunks),
vectors within bfloat16 rounding of fp32, refused on a CPU that cannot compute in bfloat16."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.embed.bf16 import check_cpu, cpu_flags
from litsynth.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
HAS_BF16 = bool(cpu_flags() & {"avx512_bf16", "amx_bf16"})
needs_bf16 = pytest.mark.skipif(not HAS_BF16, reason="this CPU has no bfloat16 instructions")


def test_cpu_flags_are_read_from_cpuinfo_and_checked() -> None:
    sapphire = "processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 amx_bf16 amx_tile\n"
    old = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n"
    assert {"avx512_bf16", "amx_bf16"} <= cpu_flags(sapphire)
    check_cpu(cpu_flags(sapphire))
    with pytest.raises(ConfigError, match="bfloat16 instructions") as err:
        check_cpu(cpu_flags(old))
    assert "backend = 'torch'" in (err.value.hint or "")
    assert cpu_flags("") == set()


def test_backend_setting_names_the_embedder(tmp_path: Path) -> None:
    (tmp_path / "litsynth.toml").write_text('[embed]\nbackend = "torch-bf16"\n', encoding="utf-8")
    assert open_project(tmp_path).settings.embed.embedder == "all-MiniLM-L6-v2+torch-bf16"


def _texts() -> list[str]:
    text = (REPO / "corpus" / "001_fda600e23a8bf5df.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p.split()) > 20]
    return [*paragraphs[:24], " ".join(paragraphs)]  # the last one is far over 256 pieces


@pytest.mark.slow
@needs_bf16
def test_same_counts_and_vectors_within_bf16_rounding() -> None:
    import torch

    from litsynth.embed.models import REAL_MODEL, get_embedder

    fp32, bf16 = get_embedder(REAL_MODEL), get_embedder(f"{REAL_MODEL}+torch-bf16")
    texts = _texts()
    assert bf16.name == "all-MiniLM-L6-v2+torch-bf16" and (bf16.dim, bf16.max_tokens) == (384, 254)
    counts = fp32.count_tokens(texts)
    assert bf16.count_tokens(texts) == counts and counts[-1] > 1000
    threads = torch.get_num_threads()
    a, b = fp32.embed(texts), bf16.embed(texts)
    assert torch.get_num_threads() == threads  # its one-thread-per-batch setting is put back
    assert b.dtype == np.float32 and np.allclose(np.linalg.norm(b, axis=1), 1, atol=1e-5)
    cosine = (a * b).sum(axis=1)
    assert cosine.min() > 0.998  # int8 (onnx-int8) is held to 0.96
    assert np.array_equal(bf16.embed(texts[:3]), bf16.embed(texts[:3]))
    assert bf16.embed([]).shape == (0, 384)


@pytest.mark.slow
@needs_bf16
def test_a_project_on_bf16_records_the_backend(tmp_path: Path) -> None:
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    shutil.copy2(REPO / "corpus" / "004_03019285015a147f.txt", root / "corpus" / "a.txt")
    (root / "litsynth.toml").write_text('[embed]\nbackend = "torch-bf16"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--json", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["index_chunks"] > 0
    manifest = json.loads((root / "indexes" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "all-MiniLM-L6-v2+torch-bf16"
    hits = CliRunner().invoke(cli, ["search", "orchestration", "--project", str(root)])
    assert hits.exit_code == 0 and "orchestrat" in hits.output.lower(), hits.output
