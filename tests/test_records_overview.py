"""`litsynth status` says where the records stand, step by step, and names the next command.

Before, `status` counted only documents: a reviewer who had imported 251 records from five
databases read "documents: 0 … passages: 0" and had to run `prisma`, `dedupe --uncertain` and
`link` to learn what was done.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from litsynth.biblio.stopping import verdict
from litsynth.cli import cli
from litsynth.records import Decision
from litsynth.store import opened
from litsynth.store.db import transaction
from litsynth.store.screening_log import insert_decisions

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert result.exit_code == 0, result.output + (str(result.exception) or "")
    return result.output


def records_lines(project: Path) -> list[str]:
    out = run(project, "status").splitlines()
    first = next(i for i, line in enumerate(out) if line.startswith("records:"))
    return out[first:]


def test_status_follows_the_records_from_import_to_screening(project: Path) -> None:
    none = "records: none imported (`litsynth import FILE --source NAME`)"
    assert records_lines(project) == [none]
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    lines = records_lines(project)
    assert lines[0] == "records: 12 from Scopus 12; not deduplicated yet (`litsynth dedupe`)"
    # before screening, every record is "sought": no call to find twelve PDFs yet
    assert lines[2].startswith("full texts: 0 records linked to a document; the ones to find")
    run(project, "dedupe")
    run(project, "import", str(FIXTURES / "citations.csv"), "--source", "Embase")
    lines = records_lines(project)
    assert "imported since the last dedupe (`litsynth dedupe` again)" in lines[0]
    run(project, "dedupe")
    sheet = project / "ta.csv"
    sheet.write_text("record_id,decision\nr01,yes\nr02,yes\nr03,no\nr04,maybe\n", "utf-8")
    run(project, "screen", "import", str(sheet), "--stage", "title-abstract")
    report = json.loads(run(project, "status", "--json"))["records"]
    # a maybe is neither included nor excluded: PRISMA counts it as awaiting, and so does this
    assert report["title_abstract"]["decided"] == 3
    assert report["full_text"] == {"decided": 0, "reports": 2}
    assert report["full_texts"] == {"linked": 0, "sought": 2, "rule": "included at title/abstract"}
    lines = records_lines(project)
    assert lines[1].startswith("screening: title/abstract 3 of ")
    assert "full text 0 of 2 assessed; 0 studies included" in lines[1]
    assert lines[2].startswith("full texts: 0 of 2 sought records linked to a document (put")


def test_screen_auto_says_when_no_rule_is_set(project: Path) -> None:
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    out = run(project, "screen", "auto")
    assert "0 records newly marked ineligible by automation" in out
    assert "no rule is set: add year_min, year_max or languages under [screening]" in out


def test_the_stopping_rule_before_any_include_says_why_it_cannot_stop() -> None:
    """ "cannot be shown before the end" read as a flaw of the rule after 20 excludes; the
    reason is that recall is a share of the includes, and none is found yet."""
    said = verdict([0] * 20, 180).summary()
    assert said.startswith("keep screening: no include yet")
    assert "once one is found" in said


def test_status_still_answers_when_the_log_does_not_add_up(project: Path) -> None:
    """A title/abstract exclusion recorded after the record's full-text include leaves a
    full-text decision on a record not included: `prisma` names it, and `status`, which now
    builds the flow too, failed with the same error instead of saying where things stand."""
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    for stage, decision in (("title-abstract", "yes"), ("full-text", "yes")):
        sheet = project / f"{stage}-{decision}.csv"
        sheet.write_text(f"record_id,decision\nr01,{decision}\n", encoding="utf-8")
        run(project, "screen", "import", str(sheet), "--stage", stage)
    # A sheet now refuses that exclusion (it would orphan the full-text decision), so it is
    # written to the log as a project from before that rule holds it.
    with opened(project / "litsynth.db") as conn, transaction(conn):
        old = Decision("r01", "title-abstract", "exclude", "ann", "2026-12-01T10:00:00Z",
                       "", "", "sheet", "old.csv:2")  # fmt: skip
        insert_decisions(conn, [old])
    lines = records_lines(project)
    assert lines[1].endswith("1 study included (`litsynth prisma` for the whole flow)")
    assert "does not add up to a PRISMA flow: `litsynth prisma` says which records" in lines[2]
    report = json.loads(run(project, "status", "--json"))["records"]
    assert "does not add up" in report["flow_problem"]
