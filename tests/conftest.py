"""Shared fixtures: paths from __file__, the shared data folder, a throwaway project."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHARED = REPO.parent / "shared"


def shared(relative: str) -> Path:
    """A path under ../shared, or skip the test with a message when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (expected beside the repo as ../shared)")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty review project using the deterministic test embedder (no model, no network)."""
    root = tmp_path / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text(
        '[project]\nname = "test review"\n\n[embed]\nmodel = "hash-384"\n', encoding="utf-8"
    )
    return root
