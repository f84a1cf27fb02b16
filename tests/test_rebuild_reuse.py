"""`ingest --rebuild` for a new chunker keeps the vector of every passage whose text did not
change (a vector depends on its text alone) and embeds only the new texts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from conftest import corpus_project, ingest_json
from litsynth.cli import cli
from litsynth.embed import HashEmbedder
from litsynth.embed.index import load_index
from litsynth.store import documents as store
from litsynth.store.db import connect

REPO = Path(__file__).resolve().parent.parent
SHORT = "# Note\n\nPlatforms coordinate suppliers through shared data and common protocols.\n"


def test_a_rebuild_embeds_only_the_passages_whose_text_changed(tmp_path: Path) -> None:
    seed = REPO / "corpus" / "002_f98a91929306a877.txt"
    root = corpus_project(tmp_path, (seed, seed.name), (SHORT.encode(), "note.md"))
    first = ingest_json(root)
    # smaller passages: the seed's are cut anew, the one-sentence note stays as it was
    (root / "litsynth.toml").write_text(
        '[embed]\nmodel = "hash-384"\n[ingest]\nchunk_tokens = 120\noverlap_tokens = 20\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["ingest", "--rebuild", "--json", "--project", str(root)])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents_rechunked"] == 2
    assert report["vectors_reused"] >= 1  # the note's passage at least
    assert report["index_repaired"]["added"] == report["index_chunks"] - report["vectors_reused"]
    assert report["index_chunks"] > first["index_chunks"]
    # every vector in the index is the one its text would be given now
    loaded = load_index(root / "indexes")
    assert loaded is not None
    index = loaded[0]
    conn = connect(root / "litsynth.db")
    try:
        rows = store.chunk_texts(conn, sorted(index.ids().tolist()))
    finally:
        conn.close()
    fresh = HashEmbedder().embed([text for _, text in rows])
    kept = index.vectors([rowid for rowid, _ in rows])
    assert np.allclose(kept, fresh, atol=1e-6)
    status = CliRunner().invoke(cli, ["status", "--json", "--project", str(root)])
    assert json.loads(status.stdout)["index_fresh"] is True


def test_a_rebuild_without_a_saved_index_embeds_everything(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (SHORT.encode(), "note.md"))
    ingest_json(root)
    for path in (root / "indexes").iterdir():
        path.unlink()
    result = CliRunner().invoke(cli, ["ingest", "--rebuild", "--json", "--project", str(root)])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["vectors_reused"] == 0 and report["index_repaired"]["added"] == 1
