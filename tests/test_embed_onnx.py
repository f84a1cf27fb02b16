"""The onnx-int8 embedding backend: built locally from the packaged model, the same word-piece
counts as fp32 (so the same chunks), vectors within int8 rounding of fp32, and a backend
switch that re-embeds from the store without re-parsing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import os

    os.environ["LITSYNTH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    from litsynth.embed.models import REAL_MODEL, get_embedder

    return get_embedder(REAL_MODEL), get_embedder(f"{REAL_MODEL}+onnx-int8")


def _texts() -> list[str]:
    text = (REPO / "corpus" / "001_fda600e23a8bf5df.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p.split()) > 20]
    return [*paragraphs[:24], " ".join(paragraphs)]  # the last one is far over 256 pieces


@pytest.mark.slow
def test_same_counts_and_close_vectors(backends) -> None:  # type: ignore[no-untyped-def]
    fp32, int8 = backends
    texts = _texts()
    assert int8.name == "all-MiniLM-L6-v2+onnx-int8" and (int8.dim, int8.max_tokens) == (384, 254)
    counts = fp32.count_tokens(texts)
    assert int8.count_tokens(texts) == counts  # the chunker cuts the same passages
    assert counts[-1] > 1000  # counted whole, not truncated
    a, b = fp32.embed(texts), int8.embed(texts)
    assert b.dtype == np.float32 and np.allclose(np.linalg.norm(b, axis=1), 1, atol=1e-5)
    cosine = (a * b).sum(axis=1)
    assert cosine.min() > 0.96 and cosine.mean() > 0.985
    assert np.array_equal(int8.embed(texts[:3]), int8.embed(texts[:3]))  # deterministic
    assert int8.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_switching_backend_re_embeds_from_the_store(tmp_path: Path, backends) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    shutil.copy2(REPO / "corpus" / "004_03019285015a147f.txt", root / "corpus" / "a.txt")
    toml = root / "litsynth.toml"
    toml.write_text('[embed]\nbackend = "onnx-int8"\n', encoding="utf-8")
    runner = CliRunner()

    def ingest() -> dict:  # type: ignore[type-arg]
        result = runner.invoke(cli, ["ingest", "--json", "--project", str(root)])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    first = ingest()
    manifest = json.loads((root / "indexes" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "all-MiniLM-L6-v2+onnx-int8"
    toml.write_text('[embed]\nbackend = "torch"\n', encoding="utf-8")
    second = ingest()
    assert second["documents_ingested"] == 0  # nothing re-parsed or re-chunked
    assert second["index_repaired"]["added"] == first["index_chunks"]
    manifest = json.loads((root / "indexes" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "all-MiniLM-L6-v2"


def test_backend_setting_is_checked(tmp_path: Path) -> None:
    (tmp_path / "litsynth.toml").write_text('[embed]\nbackend = "cuda"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="backend"):
        open_project(tmp_path)
    (tmp_path / "litsynth.toml").write_text(
        '[embed]\nmodel = "hash-384"\nbackend = "onnx-int8"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="not the test embedder"):
        open_project(tmp_path)
    (tmp_path / "litsynth.toml").write_text('[embed]\nbackend = "onnx-int8"\n', encoding="utf-8")
    assert open_project(tmp_path).settings.embed.embedder == "all-MiniLM-L6-v2+onnx-int8"


def test_a_query_is_embedded_on_onnx_runtime_as_sentence_transformers_would() -> None:
    """`search` and the workspace embed queries with the fp32 ONNX export (no import of
    sentence-transformers, 12 s of a 14 s search): the same vectors to float rounding, under
    the same model name, so the index made by sentence-transformers is searched as before."""
    from litsynth.embed.models import REAL_MODEL, get_embedder, query_embedder

    texts = ["platform-based coordination of suppliers", *_texts()[:6], _texts()[-1]]
    fast, reference = query_embedder(REAL_MODEL), get_embedder(REAL_MODEL)
    assert type(fast).__name__ == "OnnxEmbedder" and fast.name == reference.name == REAL_MODEL
    a, b = fast.embed(texts), reference.embed(texts)
    assert float(np.abs(a - b).max()) < 1e-5  # the long last text is truncated alike
    assert query_embedder("hash-384").name == "hash-384"  # any other model: get_embedder's
