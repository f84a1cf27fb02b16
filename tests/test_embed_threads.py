"""An embedder runs as many threads as its process was given CPUs (embed/threads.py): a Ray
actor asked for one CPU, told so through OMP_NUM_THREADS, embeds on one thread."""

from __future__ import annotations

import os

import pytest

from litsynth.embed.threads import cpu_allowance


def test_omp_num_threads_is_the_allowance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert cpu_allowance() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert cpu_allowance() == 3


def test_without_it_the_cpus_the_process_may_run_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert cpu_allowance() == len(os.sched_getaffinity(0))
    for nonsense in ("", "0", "two", "-1"):  # not a count: the affinity decides
        monkeypatch.setenv("OMP_NUM_THREADS", nonsense)
        assert cpu_allowance() == len(os.sched_getaffinity(0))


def test_the_model_s_engine_takes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged model's ONNX engine (the default) built under OMP_NUM_THREADS=1 embeds on
    one thread, with no pool of its own."""
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    from litsynth.embed.models import REAL_MODEL, get_embedder

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    engine = get_embedder(REAL_MODEL)
    assert type(engine).__name__ == "OnnxEmbedder"
    assert engine.threads == 1 and engine.pool is None  # type: ignore[attr-defined]
    assert engine.embed(["platform-based coordination"]).shape == (1, 384)
