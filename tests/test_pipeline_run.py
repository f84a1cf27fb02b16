"""`litsynth run`: derived steps are skipped only when nothing they depend on changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from litsynth.config import open_project
from litsynth.pipeline import run_pipeline


@pytest.fixture
def demo_fast(project: Path) -> Path:
    """The demo's corpus and codebook with the deterministic test embedder (no model)."""
    shutil.rmtree(project / "corpus")
    shutil.copytree(REPO / "corpus", project / "corpus")
    shutil.rmtree(project / "codebook")
    shutil.copytree(REPO / "codebook", project / "codebook")
    return project


def statuses(root: Path, **kwargs: object) -> dict[str, str]:
    summary = run_pipeline(open_project(root), **kwargs)  # type: ignore[arg-type]
    return {s.name: s.status for s in summary.steps}


def test_second_run_is_up_to_date_and_only_a_full_run_marks_it_fresh(
    demo_fast: Path,
) -> None:
    first = statuses(demo_fast)
    assert first["suggest"] == "done" and first["report"] == "done"
    assert (demo_fast / "report" / "index.html").exists()
    assert statuses(demo_fast) == {"ingest": "up to date", "records": "not applicable",
                                   "derive": "up to date"}  # fmt: skip

    # A codebook edit followed by `litsynth report` (no suggest) must not let the next run
    # skip the suggestions: regression for a digest recorded by the report-only path.
    book = next((demo_fast / "codebook").glob("*.yaml"))
    book.write_text(book.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    extra = demo_fast / "codebook" / "extra.yaml"
    extra.write_text(
        "codes:\n  - id: test-only-code\n    label: Test-only code\n"
        "    definition: A code added to change the codebook version.\n"
        "    keywords: [orchestration]\n",
        encoding="utf-8",
    )
    report_only = statuses(demo_fast, with_ingest=False, with_suggest=False, force=True)
    assert "suggest" not in report_only
    assert statuses(demo_fast)["suggest"] == "done"

    # A settings change reruns them too.
    toml = demo_fast / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[coding]\nmin_score = 0.9\n")
    assert statuses(demo_fast)["suggest"] == "done"

    # So does a person's work the report shows though no passage, coding, record or decision
    # changed: a memo here; reports grouped into studies or an update's previous version
    # (which change PRISMA's counts) the same way, by the tables `run` digests.
    assert statuses(demo_fast)["derive"] == "up to date"
    run_cli(demo_fast, "code", "memo", "test-only-code", "Read again after the pilot.")
    assert statuses(demo_fast).get("derive") != "up to date"
    # …and a framework summary, which the report and the manuscript show
    assert statuses(demo_fast)["derive"] == "up to date"
    run_cli(demo_fast, "framework", "write", "Yulianti", "orchestration-value-creation",
            "Orchestration as a business model.")  # fmt: skip
    assert statuses(demo_fast).get("derive") != "up to date"
    assert "Orchestration as a business model." in (demo_fast / "report" / "index.html").read_text(
        encoding="utf-8"
    )


def test_records_without_documents_still_give_a_report(project: Path) -> None:
    """Early in a review there are records and a codebook but no full texts: `run` stopped at
    suggest ("the store has no chunks to code") and drew no report, PRISMA included."""
    from click.testing import CliRunner

    from litsynth.cli import cli

    shutil.rmtree(project / "codebook")
    shutil.copytree(REPO / "codebook", project / "codebook")
    records = REPO / "tests" / "fixtures" / "screening" / "records.csv"
    result = CliRunner().invoke(
        cli, ["import", str(records), "--source", "Scopus", "--project", str(project)]
    )
    assert result.exit_code == 0, result.output
    steps = statuses(project)
    for name in ("suggest", "discover", "relate", "themes", "matrices"):
        assert steps[name] == "not applicable", name
    assert steps["prisma"] == "done" and steps["report"] == "done"
    page = (project / "report" / "index.html").read_text(encoding="utf-8")
    assert "prisma" in page.lower() and "No documents yet" in page


def test_run_says_which_files_it_skipped(project: Path) -> None:
    """`litsynth run` shows the ingest step's warnings, as `litsynth ingest` does: a Pages
    file in corpus/ is named with what to do."""
    (project / "corpus" / "notes.txt").write_text("Orchestration notes.\n", encoding="utf-8")
    (project / "corpus" / "draft.pages").write_bytes(b"PK")
    said: list[str] = []
    run_pipeline(open_project(project), progress=said.append)
    assert "    warning: corpus/draft.pages: .pages files are not read; export it from Pages as" \
        " Word (.docx) or PDF, then ingest again" in said  # fmt: skip
