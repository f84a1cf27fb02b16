"""The corpus-wide steps' last answers (`coding/machine/memo.py`): kept for a run over the same
passages, computed again for any other, and a run that reuses them suggests exactly what a
run that computes them does."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, on_store
from litsynth.cli import cli
from litsynth.coding.machine import memo, style, suggest
from litsynth.coding.machine.suggest import suggest_project
from litsynth.config import open_project


def test_digest_tells_apart_what_differs() -> None:
    texts = ["a passage", "another"]
    same = memo.digest(texts, np.arange(3), 4)
    assert memo.digest(["a passage", "another"], np.arange(3), 4) == same
    assert memo.digest(["a passage", "another "], np.arange(3), 4) != same
    assert memo.digest(texts, np.arange(3).astype(np.float64), 4) != same  # dtype counts
    assert memo.digest(texts, np.arange(3), 5) != same
    assert memo.digest(["a", "b c"]) != memo.digest(["a b", "c"])  # where a text ends counts
    with pytest.raises(TypeError):
        memo.digest(object())


def test_last_keeps_one_answer_per_key() -> None:
    calls: list[str] = []
    last: memo.Last[str] = memo.Last()

    def compute(value: str):  # type: ignore[no-untyped-def]
        return lambda: calls.append(value) or value

    assert last.get("k1", compute("one")) == "one"
    assert last.get("k1", compute("again")) == "one"  # kept
    assert last.get("k2", compute("two")) == "two"
    assert last.get("k1", compute("three")) == "three"  # one answer only: computed again
    assert calls == ["one", "two", "three"]


def _suggestions(root: Path) -> list[tuple]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(root / "litsynth.db")) as conn:
        query = "SELECT chunk_id, code_id, score, threshold, evidence FROM suggestions"
        return sorted(tuple(r) for r in conn.execute(query))


def test_a_run_over_the_same_passages_reuses_them_and_suggests_the_same(project: Path) -> None:
    shutil.copy(FIXTURES / "coding" / "eval" / "codebook.yaml", project / "codebook")
    text = "\n\n".join(
        f"Paragraph {i}: the digital platform connects buyers and sellers; firms reconfigure"
        f" resources and trust governs partners in case {i}."
        for i in range(80)
    )
    (project / "corpus" / "a.md").write_text(text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", "--project", str(project)]).exit_code == 0
    proj = open_project(project)
    fresh = memo.Last  # forget what other tests left: this run computes everything
    suggest._MATCHES, style._LAST = fresh(), fresh()
    on_store(suggest_project, proj)
    first = _suggestions(project)
    matched, clustered = suggest._MATCHES._key, style._LAST._key
    assert matched is not None and clustered is not None
    on_store(suggest_project, proj)  # the same passages: both answers reused
    assert (suggest._MATCHES._key, style._LAST._key) == (matched, clustered)
    assert _suggestions(project) == first
    (project / "corpus" / "a.md").write_text(text.replace("case 3.", "case three."), "utf-8")
    assert CliRunner().invoke(cli, ["ingest", "--project", str(project)]).exit_code == 0
    on_store(suggest_project, open_project(project))  # a passage changed: computed again
    assert suggest._MATCHES._key != matched and style._LAST._key != clustered
