"""The searches behind the imports (PRISMA 2020 items 6 and 7): told with `import --searched
--query`, listed by `batches`, given in the Methods' paragraph and the report's appendix table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio.prisma_prose import selection_methods
from litsynth.cli import cli
from litsynth.errors import ConfigError

RIS = (
    "TY  - JOUR\nTI  - Platform orchestration in supply chains\nPY  - 2021\nER  - \n"
    "TY  - JOUR\nTI  - Supplier trust on digital platforms\nPY  - 2022\nER  - \n"
)
QUERY = 'TITLE-ABS-KEY(("supply chain" OR "value chain") AND orchestrat*)'


@pytest.fixture()
def review(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    (tmp_path / "scopus.ris").write_text(RIS, encoding="utf-8")
    return root


def _run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [*args, "--project", str(root)])


def test_a_search_is_told_with_its_files_and_once(review: Path) -> None:
    ris = str(review.parent / "scopus.ris")
    done = _run(review, "import", ris, "--source", "Scopus", "--searched", "2026-11-01",
                "--query", QUERY)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"search of Scopus on 2026-11-01 recorded: {QUERY}" in done.output
    # told again with the same file (nothing to import): known, not doubled
    again = _run(review, "import", ris, "--source", "Scopus", "--searched", "2026-11-01",
                 "--query", QUERY, "--json")  # fmt: skip
    (outcome,) = json.loads(again.output)
    assert outcome["already_imported"] and outcome["search"] == {
        "source": "Scopus", "searched_on": "2026-11-01", "query": QUERY, "recorded": False,
    }  # fmt: skip
    # an update search of the same source months later is a search of its own
    later = _run(review, "import", ris, "--source", "Scopus", "--searched", "2027-03-01",
                 "--query", QUERY)  # fmt: skip
    assert "search of Scopus on 2027-03-01 recorded" in later.output
    listed = _run(review, "batches").output.splitlines()
    assert listed[-2:] == [
        f"searched Scopus on 2026-11-01: {QUERY}",
        f"searched Scopus on 2027-03-01: {QUERY}",
    ]
    methods = _run(review, "prisma", "--methods", "-").output
    assert methods.startswith("Scopus was last searched on 1 March 2027. ")


def test_a_search_needs_a_real_date_and_is_checked_before_importing(review: Path) -> None:
    ris = str(review.parent / "scopus.ris")
    bad = _run(review, "import", ris, "--source", "Scopus", "--searched", "1 Nov 2026")
    assert bad.exit_code != 0 and "--searched '1 Nov 2026' is not a date" in bad.output
    assert "YYYY-MM-DD" in bad.output
    undated = _run(review, "import", ris, "--source", "Scopus", "--query", QUERY)
    assert undated.exit_code != 0 and "not when it was run" in undated.output
    assert "No imports yet" in _run(review, "batches").output  # nothing was imported


def test_the_methods_name_each_source_and_its_last_search() -> None:
    searches = [
        {"source": "Scopus", "searched_on": "2026-11-01", "query": QUERY},
        {"source": "Web of Science", "searched_on": "2026-11-02", "query": "TS=(orchestrat*)"},
        {"source": "PubMed", "searched_on": "2026-11-03", "query": ""},
    ]
    assert selection_methods([], "litsynth 1.0", searches) == (
        "Scopus was searched on 1 November 2026, Web of Science on 2 November 2026 and PubMed"
        " on 3 November 2026. No screening decision has been recorded yet."
    )
    assert selection_methods([], "litsynth 1.0") == "No screening decision has been recorded yet."


def test_the_report_gives_the_search_strategies(review: Path) -> None:
    ris = str(review.parent / "scopus.ris")
    _run(review, "import", ris, "--source", "Scopus", "--searched", "2026-11-01", "--query", QUERY)
    done = _run(review, "report")
    assert done.exit_code == 0, done.output
    html = (review / "report" / "index.html").read_text(encoding="utf-8")
    assert "<h3>Search strategies</h3>" in html
    assert (
        "<th>Scopus</th><td>2026-11-01</td><td><code>TITLE-ABS-KEY((&#34;supply chain&#34; OR"
        in html
    )
    assert "Scopus was searched on 1 November 2026." in html


def test_run_tells_the_searches_the_project_declares(review: Path) -> None:
    """[records] searches in litsynth.toml, applied by `litsynth run` with the imports: once,
    however often it runs; a malformed entry is a config error naming it."""
    from litsynth.config import open_project
    from litsynth.inputs import apply_inputs
    from litsynth.store.db import opened

    (review / "records").mkdir()
    (review / "records" / "scopus.ris").write_text(RIS, encoding="utf-8")
    toml = review / "litsynth.toml"
    declared = (
        "\n[records]\n"
        'imports = ["Scopus=records/scopus.ris"]\n'
        f"searches = ['Scopus@2026-11-01={QUERY}', 'Web of Science@2026-11-02=TS=(orchestrat*)']\n"
    )
    toml.write_text(toml.read_text(encoding="utf-8").replace("\n[records]\n", declared, 1))
    project = open_project(review)
    with opened(project.store_path) as conn:
        first = apply_inputs(project, conn)
        again = apply_inputs(project, conn)
    assert first is not None and first.searches == 2 and "2 searches recorded" in first.summary()
    assert again is not None and again.searches == 0
    methods = _run(review, "prisma", "--methods", "-").output
    assert methods.startswith(
        "Scopus was searched on 1 November 2026 and Web of Science on 2 November 2026."
    )
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("Scopus@2026-11-01=", "Scopus@01/11/2026=")
    )
    with opened(project.store_path) as conn, pytest.raises(ConfigError, match="is not a date"):
        apply_inputs(open_project(review), conn)
