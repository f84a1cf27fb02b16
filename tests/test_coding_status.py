"""`litsynth status` says where the coding stands: the codebook, what people decided, the
suggestions nobody has, and the decisions the suggestions have not learned from yet."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURES
from litsynth.cli import cli


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def coding_lines(root: Path) -> list[str]:
    out = run(root, "status").splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith("coding:"))
    return [out[at], *[line for line in out[at + 1 :] if line.startswith("  ")][:1]]


def test_status_follows_the_coding_from_codebook_to_learned_decisions(project: Path) -> None:
    (project / "corpus" / "a.md").write_text(
        "The digital platform connects buyers and sellers in one marketplace.\n\n"
        "Firms reconfigure and recombine resources when demand shifts.\n\n"
        "Contracts and trust govern the relationship between partners.\n",
        encoding="utf-8",
    )
    run(project, "ingest")
    assert "no codebook yet" in coding_lines(project)[0]
    shutil.copy(FIXTURES / "coding" / "eval" / "codebook.yaml", project / "codebook")
    assert coding_lines(project) == [
        "coding: 3 codes; people decided on 0 passages; no suggestions yet"
        " (`litsynth code suggest`)"
    ]
    run(project, "code", "suggest")
    (line,) = coding_lines(project)
    assert "suggestions undecided, made" in line and "from 0 decided passages" in line
    with closing(sqlite3.connect(project / "litsynth.db")) as conn:
        chunk = conn.execute("SELECT id FROM chunks ORDER BY ordinal").fetchone()[0]
    run(project, "code", "add", "platform", "--chunk", chunk, "--coder", "ana")
    line, since = coding_lines(project)
    assert "people decided on 1 passage (ana 1)" in line
    assert since.startswith("  1 decision since: `litsynth code suggest` learns from them")
    run(project, "code", "suggest")
    (line,) = coding_lines(project)
    assert "from 1 decided passage" in line  # learned: nothing since
    data = json.loads(run(project, "status", "--json"))["coding"]
    assert data["since"] == 0 and data["learned_from"] == 1 and data["coders"] == {"ana": 1}
    (project / "codebook" / "codebook.yaml").write_text("codes:\n  - id: x\n    labl: X\n", "utf-8")
    assert "the codebook has a mistake" in coding_lines(project)[0]  # said, not a crash
