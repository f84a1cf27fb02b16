"""[records] inputs: applied in order, each file once, reproducing the demo's PRISMA counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from litsynth.biblio.screening_ops import prisma_flow
from litsynth.config import open_project
from litsynth.errors import BiblioError, ConfigError
from litsynth.ingest.incremental import IngestOptions, ingest
from litsynth.inputs import apply_inputs
from litsynth.store import connect


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "demo"
    for name in ("corpus", "codebook", "records"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "litsynth.toml", root / "litsynth.toml")
    shutil.copy(REPO / "extraction.yaml", root / "extraction.yaml")  # [records] extraction
    shutil.copy(REPO / "appraisal.yaml", root / "appraisal.yaml")  # [records] appraisal
    monkeypatch.setenv("LITSYNTH_EMBED__MODEL", "hash-384")  # no model needed here
    return root


def test_demo_inputs_apply_once_and_give_the_demo_flow(demo: Path) -> None:
    project = open_project(demo)
    ingest(project, IngestOptions())  # citation searching reads the ingested documents
    conn = connect(project.store_path)
    try:
        first = apply_inputs(project, conn)
        assert first is not None
        assert first.imported == 55 and first.resolutions == 2 and first.decisions == 102
        again = apply_inputs(project, conn)
        assert again is not None
        assert (again.imported, again.decisions, again.resolutions, again.citation_records) == (
            0, 0, 0, 0,
        )  # fmt: skip
        assert again.batches_skipped == 3 and again.sheets_skipped == 4
        flow = prisma_flow(conn).to_json()
    finally:
        conn.close()
    assert flow["database_specific_results"] == {"Scopus": 36, "Web of Science": 16}
    assert (flow["duplicates"], flow["records_screened"], flow["new_studies"]) == (16, 35, 28)


def test_a_missing_input_file_names_it(demo: Path) -> None:
    toml = demo / "litsynth.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("records/demo-wos.txt", "records/nope.txt"),
        encoding="utf-8",
    )
    conn = connect(demo / "litsynth.db")
    try:
        with pytest.raises(ConfigError, match=r"records/nope\.txt"):
            apply_inputs(open_project(demo), conn)
    finally:
        conn.close()


def test_an_import_declared_by_its_path_alone_is_named_by_its_records(demo: Path) -> None:
    """`"records/demo-wos.txt"` without "Web of Science=": Web of Science's tagged format
    says it; the demo's Scopus file names no database, so declared alone it is refused."""
    toml = demo / "litsynth.toml"
    text = toml.read_text(encoding="utf-8")
    alone = text.replace('"Web of Science=records/demo-wos.txt"', '"records/demo-wos.txt"')
    toml.write_text(alone, encoding="utf-8")
    conn = connect(demo / "litsynth.db")
    try:
        apply_inputs(open_project(demo), conn)
        flow = prisma_flow(conn).to_json()
    finally:
        conn.close()
    assert flow["database_specific_results"] == {"Scopus": 36, "Web of Science": 16}
    unnamed = text.replace('"Scopus=records/demo-scopus.ris"', '"records/demo-scopus.ris"')
    toml.write_text(unnamed, encoding="utf-8")
    conn = connect(demo / "another.db")  # a store that has not imported it yet
    try:
        project = open_project(demo)
        with pytest.raises(BiblioError, match=r"demo-scopus\.ris: cannot tell which database") as e:
            apply_inputs(project, conn)
        assert 'name its database: "Scopus=records/' in (e.value.hint or "")
    finally:
        conn.close()
