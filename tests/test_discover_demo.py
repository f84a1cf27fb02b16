"""End to end on the demo corpus with the real model: the concepts a reader finds in the seeds.

Slow (ingest + suggest + discover with all-MiniLM-L6-v2 and spaCy): `pytest -m slow`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from litsynth.cli import cli

    root = tmp_path_factory.mktemp("demo") / "review"
    root.mkdir()
    for folder in ("corpus", "codebook"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "indexes").mkdir()
    shutil.copy(REPO / "litsynth.toml", root / "litsynth.toml")
    shutil.copy(REPO / "extraction.yaml", root / "extraction.yaml")  # [records] extraction
    shutil.copy(REPO / "appraisal.yaml", root / "appraisal.yaml")  # [records] appraisal
    runner = CliRunner()
    for args in (["ingest"], ["code", "suggest"]):
        out = runner.invoke(cli, [*args, "--project", str(root)])
        assert out.exit_code == 0, out.output
    return root


def _json(args: list[str], root: Path) -> dict:  # type: ignore[type-arg]
    from litsynth.cli import cli

    out = CliRunner().invoke(cli, [*args, "--project", str(root), "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)  # type: ignore[no-any-return]


def test_discover_finds_the_seeds_concepts(demo: Path) -> None:
    data = _json(["code", "discover", "--all"], demo)
    phrases = [{p for p, _ in c["phrases"]} for c in data["clusters"]]
    # Seed 001: SMEs orchestrating with digital technologies; seed 000: orchestration as a
    # business model creating value; seeds 002-004: the orchestrator and its partners.
    assert any({"sme", "digital technology"} <= p for p in phrases)
    assert any({"orchestration", "business model"} <= p for p in phrases)
    assert any({"orchestrator", "partner"} <= p for p in phrases)
    sizes = [c["size"] for c in data["clusters"]]
    assert max(sizes) < 0.5 * sum(sizes)  # no outlier bin
    assert all(q["citation"] for c in data["clusters"] for q in c["quotes"])


def test_themes_core_and_cited_works(demo: Path) -> None:
    data = _json(["themes"], demo)
    assert data["core"] == "orchestration-mechanisms"
    themes = {t["id"]: t for t in data["themes"]}
    cited = [w[0] for w in themes["orchestration-value-creation"]["cited_works"]]
    assert "Phadnis (2023)" in cited[:3]
