"""kill -9 at any moment, re-run: store and index consistent, no duplicate or orphan chunks,
and the same final state as a clean run.

`litsynth ingest` runs in a subprocess with the hash-384 embedder and a tiny embedding batch
(LITSYNTH_EMBED__BATCH_SIZE=1 → a commit every 8 chunks), so documents land one by one and
polling the store can SIGKILL it after N of them. The default run kills once and resumes
in-process (each subprocess pays ~10 s loading spaCy); the slow ones kill the CLI at several
moments and resume through the CLI too.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from litsynth.config import open_project
from litsynth.embed.index import load_index
from litsynth.ingest.incremental import IngestOptions, ingest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
# The three short seeds keep the runs fast; seed 000/001 add nothing the crash test needs.
SEEDS = sorted(p for p in CORPUS.glob("00[234]_*.txt"))
N_DOCS = 2 * len(SEEDS)


def make_project(root: Path) -> Path:
    """Six documents: three seeds and a variant of each (other bytes, other chunks)."""
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        (root / "corpus" / seed.name).write_text(text, encoding="utf-8")
        half = text[: len(text) // 2]
        (root / "corpus" / f"variant_{seed.name}").write_text(
            half + "\n\nVariant.\n", encoding="utf-8"
        )
    return root


def start(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LITSYNTH_EMBED__BATCH_SIZE": "1", "LITSYNTH_INGEST__WORKERS": "2"}
    return subprocess.Popen(
        [sys.executable, "-m", "litsynth", "ingest", "--quiet", "--project", str(root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def documents_in(root: Path) -> int:
    db = root / "litsynth.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def kill_after(root: Path, n_documents: int, timeout_s: float = 600) -> bool:
    """Run ingest and SIGKILL it once the store has n documents; False if it finished first."""
    proc = start(root)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            if documents_in(root) >= n_documents:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.02)
        raise AssertionError("ingest did not progress in time")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def finish(root: Path) -> None:
    proc = start(root)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()


def snapshot(root: Path) -> dict[str, object]:
    """Everything that must match a clean run, plus the consistency invariants."""
    conn = sqlite3.connect(root / "litsynth.db")
    chunks = conn.execute("SELECT rowid, id, document_id, start, end FROM chunks").fetchall()
    ids = [c[1] for c in chunks]
    assert len(ids) == len(set(ids)), "duplicate chunks"
    docs = {r[0] for r in conn.execute("SELECT id FROM documents")}
    assert {c[2] for c in chunks} <= docs, "chunks without a document"
    files = conn.execute("SELECT path, document_id FROM files").fetchall()
    assert {f[1] for f in files} == docs, "documents without files, or files without documents"
    loaded = load_index(root / "indexes")
    assert loaded is not None, "no trustworthy index"
    index_ids = loaded[0].ids().tolist()
    assert len(index_ids) == len(set(index_ids)), "duplicate vectors"
    assert sorted(index_ids) == sorted(c[0] for c in chunks), "index and store disagree"
    return {
        "documents": sorted(docs),
        "chunks": sorted((c[1], c[2], c[3], c[4]) for c in chunks),
        "files": sorted(files),
    }


def finish_in_process(root: Path) -> None:
    ingest(open_project(root), IngestOptions())


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = make_project(tmp_path_factory.mktemp("clean") / "review")
    finish_in_process(root)
    return snapshot(root)


def test_kill_minus_9_mid_run_then_rerun_matches_a_clean_run(
    tmp_path: Path, clean: dict[str, object]
) -> None:
    root = make_project(tmp_path / "review")
    assert kill_after(root, 3), "the run finished before it could be killed"
    assert 3 <= documents_in(root) < N_DOCS
    finish_in_process(root)
    assert snapshot(root) == clean


@pytest.mark.slow
@pytest.mark.parametrize("after", [1, 2, 5])
def test_kill_minus_9_at_several_moments_then_cli_rerun(
    tmp_path: Path, clean: dict[str, object], after: int
) -> None:
    root = make_project(tmp_path / "review")
    kill_after(root, after)
    finish(root)
    assert snapshot(root) == clean


@pytest.mark.slow
def test_killed_twice_then_rerun_matches_a_clean_run(
    tmp_path: Path, clean: dict[str, object]
) -> None:
    root = make_project(tmp_path / "review")
    kill_after(root, 1)
    kill_after(root, 4)
    finish(root)
    assert snapshot(root) == clean


@pytest.mark.slow
def test_index_deleted_after_a_kill_is_rebuilt(tmp_path: Path, clean: dict[str, object]) -> None:
    root = make_project(tmp_path / "review")
    kill_after(root, 3)
    shutil.rmtree(root / "indexes", ignore_errors=True)
    finish(root)
    assert snapshot(root) == clean
