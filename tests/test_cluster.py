"""Ingest on a real two-node Ray cluster, started on loopback by the test and stopped after it.

The corpus is the five seeds and two real PDFs; the model is the real one. Against a local run
of the same files: the same chunk ids and vectors within 1e-5, through a killed actor (Ray
restarts it and re-runs its batch) and a killed driver (the next run resumes, no duplicates).

Needs the `ray` extra (`pip install 'litsynth[ray]'`); skipped with a message without it.
Marked slow: `make test-cluster` runs it (CI does, after `make test`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import shared
from litsynth.embed.index import load_index

pytestmark = [pytest.mark.slow, pytest.mark.cluster]
BIN = Path(sys.executable).parent
PDFS = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A head node and a second node joining it, one CPU each, on 127.0.0.1."""
    pytest.importorskip("ray.data", reason="the ray extra is not installed: pip install '.[ray]'")
    ray = str(BIN / "ray")
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus=1", "--disable-usage-stats"]
    head = [ray, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1"]
    subprocess.run([*head, "--include-dashboard=false", *common], env=ENV, check=True)
    try:
        subprocess.run(
            [ray, "start", f"--address={address}", "--node-ip-address=127.0.0.1", *common],
            env=ENV,
            check=True,
        )
        _wait_for_nodes(address, 2)
        yield address
    finally:
        subprocess.run([ray, "stop", "--force"], env=ENV, check=False, capture_output=True)


def _wait_for_nodes(address: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        out = subprocess.run(
            [str(BIN / "ray"), "status", f"--address={address}"],
            env=ENV, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.stdout.count(" node_") >= count:
            return
        time.sleep(1)
    raise AssertionError(f"the Ray cluster at {address} did not reach {count} nodes")


def _project(root: Path, *, files_per_task: int = 8) -> Path:
    (root / "corpus").mkdir(parents=True)
    for seed in sorted(shared("seeds").glob("*.txt")):
        shutil.copy(seed, root / "corpus")
    for pdf in sorted(shared(PDFS).glob("*.pdf")):
        shutil.copy(pdf, root / "corpus")
    (root / "litsynth.toml").write_text(
        f'[project]\nname = "cluster"\n\n[cluster]\nfiles_per_task = {files_per_task}\n',
        encoding="utf-8",
    )
    return root


def _ingest(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "litsynth"), "ingest", "--project", str(root), "--quiet", *extra],
        env=ENV, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _project(tmp_path_factory.mktemp("local") / "p")
    done = _ingest(root)
    assert done.returncode == 0, done.stderr
    return root


def _chunks(root: Path) -> dict[str, np.ndarray]:
    """chunk id → its vector in the index; the store's and the index's id sets must agree."""
    with sqlite3.connect(root / "litsynth.db") as conn:
        rows = dict(conn.execute("SELECT id, rowid FROM chunks").fetchall())
        assert conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] == len(rows)
    loaded = load_index(root / "indexes")
    assert loaded is not None
    index, _ = loaded
    assert sorted(index.ids().tolist()) == sorted(rows.values())
    ids = sorted(rows)
    return dict(zip(ids, index.vectors([rows[i] for i in ids]), strict=True))


def _same_as_local(root: Path, local: Path) -> None:
    ours, theirs = _chunks(root), _chunks(local)
    assert set(ours) == set(theirs) and len(ours) > 100
    worst = max(float(np.abs(ours[i] - theirs[i]).max()) for i in ours)
    assert worst <= 1e-5, f"vectors differ by {worst}"


def _documents(root: Path) -> int:
    try:
        with sqlite3.connect(root / "litsynth.db") as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the store is not created yet


def test_cluster_ingest_equals_the_local_run(cluster: str, local: Path, tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    done = _ingest(root, "--ray", cluster)
    assert done.returncode == 0, done.stderr
    _same_as_local(root, local)
    again = _ingest(root, "--ray", cluster, "--json")  # nothing changed: nothing sent to Ray
    assert again.returncode == 0 and '"documents_ingested": 0' in again.stdout


def test_a_killed_actor_is_restarted_and_nothing_is_lost(
    cluster: str, local: Path, tmp_path: Path
) -> None:
    root = _project(tmp_path / "p", files_per_task=1)
    earlier = set(_actors())  # a previous run's actors may still be shutting down
    driver = subprocess.Popen(
        [str(BIN / "litsynth"), "ingest", "--project", str(root), "--quiet", "--ray", cluster],
        env=ENV, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    killed = _kill_an_actor_while(driver, root, earlier)
    _, err = driver.communicate(timeout=900)
    assert killed, "no embedding actor of this run was seen working"
    assert driver.returncode == 0, err
    assert _documents(root) == 7
    _same_as_local(root, local)


def _actors() -> list[int]:
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in ps.splitlines() if "EmbedActor" in line]


def _kill_an_actor_while(driver: subprocess.Popen[str], root: Path, earlier: set[int]) -> bool:
    """SIGKILL one of this run's actors once the run has committed a document (mid-work)."""
    deadline = time.monotonic() + 300
    while driver.poll() is None and time.monotonic() < deadline:
        working = [pid for pid in _actors() if pid not in earlier]
        if working and _documents(root) >= 1:
            try:
                os.kill(working[0], signal.SIGKILL)
                return True
            except ProcessLookupError:
                earlier.add(working[0])  # it ended by itself just now; try another
        time.sleep(0.2)
    return False


def test_a_killed_driver_resumes_without_duplicates(
    cluster: str, local: Path, tmp_path: Path
) -> None:
    root = _project(tmp_path / "p", files_per_task=1)
    driver = subprocess.Popen(
        [str(BIN / "litsynth"), "ingest", "--project", str(root), "--quiet", "--ray", cluster],
        env=ENV, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while _documents(root) < 2 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert driver.poll() is None, "the run ended before it could be killed"
    driver.kill()
    driver.wait()
    stored = _documents(root)
    assert 2 <= stored < 7
    done = _ingest(root, "--ray", cluster, "--json")
    assert done.returncode == 0, done.stderr
    assert f'"documents_skipped_unchanged": {stored}' in done.stdout
    _same_as_local(root, local)
