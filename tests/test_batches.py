"""`litsynth batches`: the imports listed, and one taken back while no one has worked on it.

Before, a wrong file or a mistyped source name ("Pubmed" beside "PubMed") stayed for good:
PRISMA counted a second database, and only a new project got rid of it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from litsynth.cli import cli

RECORDS = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"


def invoke(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)])
    return result.exit_code, result.output


def test_a_slip_of_the_source_name_is_flagged_and_taken_back(project: Path) -> None:
    assert invoke(project, "import", str(RECORDS), "--source", "PubMed")[0] == 0
    code, out = invoke(project, "import", str(RECORDS), "--source", "Pubmed")
    assert code == 0 and "warning: this file was imported before as 'PubMed'" in out
    slip = out.split("`litsynth batches --remove ", 1)[1].split("`", 1)[0]
    listed = json.loads(invoke(project, "batches", "--json")[1])
    assert [(b["source"], b["records"], b["work"]) for b in listed] == [
        ("PubMed", 12, 0),
        ("Pubmed", 12, 0),
    ]
    code, out = invoke(project, "dedupe")  # the twelve are each other's duplicates
    assert code == 0 and "duplicates by source: PubMed 0 of 12, Pubmed 12 of 12" in out
    code, out = invoke(project, "batches", "--remove", slip)
    assert code == 0 and f"Removed batch {slip}: 12 records from Pubmed" in out
    assert "run `litsynth dedupe` again" in out
    status = invoke(project, "status")[1]
    assert "records: 12 from PubMed 12; 12 duplicates linked" not in status
    assert "a batch removed since the last dedupe (`litsynth dedupe` again)" in status
    flow = json.loads(invoke(project, "prisma", "--json")[1])
    assert flow["database_specific_results"] == {"PubMed": 12} and flow["duplicates"] == 0
    conn = sqlite3.connect(project / "litsynth.db")
    left = conn.execute("SELECT count(*) FROM dedupe_pairs").fetchone()[0]
    conn.close()
    assert left == 0


def test_a_batch_with_screening_decisions_stays(project: Path) -> None:
    assert invoke(project, "import", str(RECORDS), "--source", "Scopus")[0] == 0
    batch = json.loads(invoke(project, "batches", "--json")[1])[0]["id"]
    sheet = project / "ta.csv"
    sheet.write_text("record_id,decision\nr01,yes\n", encoding="utf-8")
    assert invoke(project, "screen", "import", str(sheet))[0] == 0
    code, out = invoke(project, "batches", "--remove", batch)
    assert code == 1 and "stays: 1 of its records carries the review's work" in out
    assert "append-only" in out
    assert json.loads(invoke(project, "batches", "--json")[1])[0]["work"] == 1
    code, out = invoke(project, "batches", "--remove", "b0000000000000000")
    assert code == 1 and "no import batch 'b0000000000000000'" in out


def test_removing_a_batch_litsynth_toml_imports_says_run_brings_it_back(project: Path) -> None:
    toml = project / "litsynth.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f'\n[records]\nimports = ["Scopus={RECORDS}"]\n',
        encoding="utf-8",
    )
    assert invoke(project, "import", str(RECORDS), "--source", "Scopus")[0] == 0
    batch = json.loads(invoke(project, "batches", "--json")[1])[0]["id"]
    code, out = invoke(project, "batches", "--remove", batch)
    assert code == 0 and "[records] imports lists 'Scopus=" in out
    assert "the next `litsynth run` imports it again" in out


def test_before_any_dedupe_the_uncertain_list_says_none_was_looked_for(project: Path) -> None:
    """ "No unresolved uncertain pairs" read as "checked, all clear" before dedupe had run."""
    assert invoke(project, "import", str(RECORDS), "--source", "Scopus")[0] == 0
    out = invoke(project, "dedupe", "--uncertain")[1]
    assert "Duplicates have not been looked for yet: run `litsynth dedupe` first." in out
    assert invoke(project, "dedupe")[0] == 0
    assert "No unresolved uncertain pairs." in invoke(project, "dedupe", "--uncertain")[1]
