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


@pytest.mark.slow
def test_the_default_engine_gives_sentence_transformers_own_vectors_and_counts(
    backends,  # type: ignore[no-untyped-def]
) -> None:
    """Ingest embeds with the fp32 ONNX export, not sentence-transformers: the same word-piece
    counts (the same passages) and the same vectors to float rounding, under the same name,
    so an index made before is kept and read as it was."""
    from litsynth.embed import SentenceTransformerEmbedder

    fp32, _ = backends
    library = SentenceTransformerEmbedder()
    texts = _texts()
    assert type(fp32).__name__ == "OnnxEmbedder" and fp32.name == library.name
    assert (fp32.dim, fp32.max_tokens) == (library.dim, library.max_tokens)
    assert fp32.count_tokens(texts) == library.count_tokens(texts)
    assert float(np.abs(fp32.embed(texts) - library.embed(texts)).max()) < 1e-5


@pytest.mark.slow
def test_ingest_never_imports_the_model_libraries(tmp_path: Path, backends) -> None:  # type: ignore[no-untyped-def]
    """A one-file ingest with the real model, in a new process, imports neither torch nor
    sentence-transformers once the export is cached: their import was most of its time."""
    import os
    import subprocess
    import sys

    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text("[embed]\n", encoding="utf-8")
    (root / "corpus" / "note.txt").write_text(
        "Suppliers share forecasts on the platform. Buyers see them the same day.\n",
        encoding="utf-8",
    )
    script = (
        "import sys\nfrom litsynth.cli import main\n"
        f"sys.argv = ['litsynth', 'ingest', '--quiet', '--project', {str(root)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "LITSYNTH_CACHE": os.environ["LITSYNTH_CACHE"]}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    loaded = {m.split(".")[0] for m in line.split()[1:]}
    assert not loaded & {"torch", "sentence_transformers", "transformers"}
    manifest = json.loads((root / "indexes" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "all-MiniLM-L6-v2"


def test_a_cache_that_cannot_be_written_is_said_with_a_hint(tmp_path: Path) -> None:
    """The export is written once per machine; where it cannot be, ingest and search say
    where and what to set, instead of a traceback."""
    from litsynth.embed.models import model_path
    from litsynth.embed.onnx import build

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot write the embedding model's ONNX export") as err:
        build(model_path(), root=blocker / "onnx", precision="fp32")
    assert "LITSYNTH_CACHE" in (err.value.hint or "")
