"""Shared fixtures: paths from __file__, the shared data folder, a throwaway project."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHARED = REPO.parent / "shared"


def parse_outcome(path: Path, data: bytes) -> str:
    """Write `data` to `path` and parse it: "read", or the failure's reason. Anything else
    raised fails the calling test (the fuzz tests: a bad file never raises)."""
    from litsynth.ingest import ParseFailure, parse_file

    path.write_bytes(data)
    try:
        parse_file(path)
    except ParseFailure as failure:
        return failure.reason
    return "read"


def failure_of(path: Path, data: bytes):  # type: ignore[no-untyped-def]
    """Write `data` to `path` and parse it, which must fail: the ParseFailure."""
    from litsynth.ingest import ParseFailure, parse_file

    path.write_bytes(data)
    with pytest.raises(ParseFailure) as caught:
        parse_file(path)
    return caught.value


def assert_fails(path: Path, data: bytes, reason: str, words: str) -> None:
    """Write `data` to `path` and parse it: it fails with `reason`, its detail saying `words`
    (what to do, or why)."""
    failure = failure_of(path, data)
    assert failure.reason == reason
    assert words in failure.detail


def damaged_outcomes(
    path: Path,
    sources: list[bytes],
    *,
    seed: int,
    trials: int,
    changes: int,
    alphabet: bytes,
    cut_every: int,
) -> set[str]:
    """The outcomes (`parse_outcome`) of `trials` damaged copies of `sources`, taken in turn:
    1 to `changes` bytes replaced by bytes of `alphabet`, and every `cut_every`-th copy also
    cut short. The fuzz tests: a damaged file is read or fails with a reason, never raises."""
    import random

    rng = random.Random(seed)
    outcomes = set()
    for trial in range(trials):
        damaged = bytearray(sources[trial % len(sources)])
        for _ in range(rng.randint(1, changes)):
            damaged[rng.randrange(len(damaged))] = rng.choice(alphabet)
        if trial % cut_every == 0:
            damaged = damaged[: rng.randrange(1, len(damaged))]
        outcomes.add(parse_outcome(path, bytes(damaged)))
    return outcomes


def corpus_project(tmp_path: Path, *files: tuple[Path | bytes, str]) -> Path:
    """A new project (the test embedder) with `files` in corpus/: (a file to copy, or the
    bytes to write; its name there, in a folder of corpus/ if the name says so)."""
    import shutil

    from click.testing import CliRunner

    from litsynth.cli import cli

    root = tmp_path / "review"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for source, name in files:
        target = root / "corpus" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            target.write_bytes(source)
        else:
            shutil.copy2(source, target)
    return root


def link_a_record(root: Path, record: str, document: str) -> Path:
    """`root` ingested, with one record imported from Scopus (`record`: its CSV row, after the
    header record_id,title,authors,year) and linked by hand to `document`: a record link a
    person made, which the project must keep through what the test does next."""
    from click.testing import CliRunner

    from litsynth.cli import cli

    records = root.parent / "records.csv"
    records.write_text(f"record_id,title,authors,year\n{record}\n", encoding="utf-8")
    record_id = record.split(",", 1)[0]
    for args in (
        ["ingest"],
        ["import", str(records), "--source", "Scopus"],
        ["link", record_id, document],
    ):
        done = CliRunner().invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
        assert done.exit_code == 0, done.output
    return root


def ingest_json(root: Path) -> dict:  # type: ignore[type-arg]
    """`litsynth ingest --json` on a project, which must succeed: its report."""
    import json

    from click.testing import CliRunner

    from litsynth.cli import cli

    result = CliRunner().invoke(cli, ["ingest", "--project", str(root), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def shared(relative: str) -> Path:
    """A path under ../shared, or skip the test with a message when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (expected beside the repo as ../shared)")
    return path


def run_cli(project: Path, *args: str, exit_code: int = 0) -> str:
    """`litsynth ARGS --project PROJECT` run in-process; its output, the exit code checked
    (1: an error the user can fix, said with a hint)."""
    from click.testing import CliRunner

    from litsynth.cli import cli

    result = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert result.exit_code == exit_code, result.output + (str(result.exception) or "")
    return result.output


def reviewer_counts(project: Path) -> dict[str, int]:
    """Decisions in the project's screening log, per reviewer, read from the store itself."""
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        return dict(conn.execute("SELECT reviewer, count(*) FROM decisions GROUP BY reviewer"))
    finally:
        conn.close()


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


@pytest.fixture
def two_included(project: Path, tmp_path: Path) -> Path:
    """`project` with the screening fixture's records imported, r01 and r02 included at full
    text and r03 excluded there: the studies an extraction or appraisal form is filled for."""
    from click.testing import CliRunner

    from litsynth.cli import cli

    def run(*args: object) -> None:
        done = CliRunner().invoke(cli, [*map(str, args), "--project", str(project)])
        assert done.exit_code == 0, done.output

    run("import", FIXTURES / "screening" / "records.csv", "--source", "Scopus")
    ta = tmp_path / "ta.csv"
    ta.write_text("record_id,decision\nr01,include\nr02,include\nr03,include\n")
    ft = tmp_path / "ft.csv"
    ft.write_text("record_id,decision,reason\nr01,include,\nr02,include,\nr03,exclude,design\n")
    run("screen", "import", ta)
    run("screen", "import", ft, "--stage", "full-text")
    return project


DEMO_PARTS = (
    "corpus", "codebook", "records", "litsynth.toml", "extraction.yaml", "appraisal.yaml",
    "findings.yaml",
)  # fmt: skip


def build_demo(root: Path, *, extra: dict[str, str] | None = None) -> Path:
    """A copy of the demo project (this repository's inputs) run through `litsynth run`.

    Uses the real model: this is what a newcomer's `make demo` does.
    """
    import os
    import shutil
    import subprocess
    import sys

    root.mkdir(parents=True, exist_ok=True)
    for name in DEMO_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy(source, root / name)
    for relative, text in (extra or {}).items():
        (root / relative).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "litsynth", "run", "--project", str(root), "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return root


# A hostile document added to the shared demo build: the report must show it as text.
INJECTED_DOC = (
    "# Orchestration platforms and injected markup\n\n"
    "Platform coordination <script>window.__pwned = 1</script> lets an orchestrator align "
    "partners on a digital platform, coordinating suppliers and customers in the ecosystem.\n"
)


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project (plus INJECTED_DOC) after `litsynth run`, shared by read-only tests.

    One build serves the browser test and the notebook: it runs the real model (~1-2 min).
    """
    return build_demo(
        tmp_path_factory.mktemp("demo") / "demo", extra={"corpus/zz-injected.md": INJECTED_DOC}
    )


@pytest.fixture
def demo_copy(demo_project: Path, tmp_path: Path) -> Path:
    """A private copy of the demo build: this test writes codings (the shared one is read-only)."""
    import shutil

    root = tmp_path / "demo"
    shutil.copytree(demo_project, root, ignore=shutil.ignore_patterns("report", "report.tmp"))
    return root


def on_store(stage, project, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a stage function the way the CLI does: over the project's store, opened and closed."""
    from litsynth.store import opened

    with opened(project.store_path) as conn:
        return stage(conn, project, *args, **kwargs)
