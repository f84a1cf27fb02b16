"""`litsynth merge`: two reviewers' copies of one project, their human work brought together.

Real stores: a project ingested (test embedder) with records imported, copied to a second
reviewer's folder, each copy worked on through the CLI, then merged.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, corpus_project, run_cli
from litsynth.records import Decision
from litsynth.store import backup, opened, screening_log, transaction

RECORDS = FIXTURES / "screening" / "records.csv"


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


@pytest.fixture
def two_copies(tmp_path: Path) -> tuple[Path, Path]:
    """Ana's project (two seeds ingested, the screening fixture's records, two decisions, a
    code) and Ben's copy of it taken then."""
    seeds = sorted((REPO / "corpus").glob("00[12]_*.txt"))
    ana = corpus_project(tmp_path / "a", *((p, p.name) for p in seeds))
    run_cli(ana, "ingest")
    run_cli(ana, "import", str(RECORDS), "--source", "Scopus")
    run_cli(ana, "screen", "decide", "r01", "include", "--reviewer", "ana")
    run_cli(ana, "screen", "decide", "r02", "include", "--reviewer", "ana")
    run_cli(ana, "code", "new", "Platform coordination", "--id", "platform",
            "--definition", "How firms align their work through a platform")  # fmt: skip
    ben = tmp_path / "ben" / "review"
    shutil.copytree(ana, ben)
    return ana, ben


def a_passage(root: Path) -> str:
    return str(rows(root / "litsynth.db", "SELECT id FROM chunks ORDER BY id LIMIT 1")[0][0])


def test_a_colleagues_work_is_added_and_nothing_here_changes(two_copies: tuple[Path, Path]) -> None:
    ana, ben = two_copies
    chunk = a_passage(ben)
    run_cli(ben, "screen", "decide", "r01", "exclude", "--reason", "design", "--reviewer", "ben")
    run_cli(ben, "screen", "decide", "r03", "include", "--reviewer", "ben")
    run_cli(ben, "code", "add", "platform", "--chunk", chunk, "--coder", "ben")
    run_cli(ben, "code", "memo", chunk, "Coordination through the platform's rules", "--author",
            "ben")  # fmt: skip
    run_cli(ana, "screen", "decide", "r03", "exclude", "--reason", "design", "--reviewer", "ana")
    before = rows(ana / "litsynth.db", "SELECT * FROM decisions ORDER BY seq")

    out = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    tables = out["tables"]
    assert tables["screening decisions"]["added"] == {"ben": 2}
    assert tables["screening decisions"]["already_here"] == 2
    assert tables["coding decisions"]["added"] == {"ben": 1}
    assert tables["memos"]["added"] == {"ben": 1}
    after = rows(ana / "litsynth.db", "SELECT * FROM decisions ORDER BY seq")
    assert after[: len(before)] == before and len(after) == len(before) + 2  # appended only
    conflicts = run_cli(ana, "screen", "conflicts")
    assert "ana" in conflicts and "ben" in conflicts and "r01" in conflicts  # now comparable
    assert Path(out["kept_before"]).exists() and "before-merge" in out["kept_before"]

    again = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    assert all(not t["added"] for t in again["tables"].values())
    assert again["kept_before"] is None  # nothing changed: no backup left behind
    assert "nothing (all of it is here)" in run_cli(ana, "merge", str(ben / "litsynth.db"))


def test_work_on_what_this_project_lacks_is_left_out_and_said(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    ana, ben = two_copies
    extra = tmp_path / "extra.csv"
    extra.write_text('record_id,title,authors,year\nx99,A record only Ben imported,"Doe, J",2021\n')
    run_cli(ben, "import", str(extra), "--source", "WoS")
    run_cli(ben, "screen", "decide", "x99", "include", "--reviewer", "ben")
    out = run_cli(ana, "merge", str(ben / "litsynth.db"))
    assert "left out: 1 screening decision on records this project does not hold" in out
    assert "import the same exports" in out
    assert not rows(ana / "litsynth.db", "SELECT 1 FROM decisions WHERE record_id = 'x99'")


def test_a_row_older_than_this_projects_own_later_decision_by_the_same_person_is_left_out(
    two_copies: tuple[Path, Path],
) -> None:
    """Ana's name used on both laptops: her later decision here must stay her current one."""
    ana, ben = two_copies
    for root, decision, at in ((ben, "exclude", "2026-12-01T10:00:00Z"),
                               (ana, "include", "2026-12-02T10:00:00Z")):  # fmt: skip
        with opened(root / "litsynth.db") as conn, transaction(conn):
            screening_log.insert_decisions(
                conn, [Decision("r04", "title-abstract", decision, "ana", at, origin="terminal")]
            )
    out = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    assert out["tables"]["screening decisions"]["older_than_this_projects"] == 1
    latest = rows(ana / "litsynth.db", "SELECT decision FROM decisions WHERE record_id = 'r04'"
                  " AND reviewer = 'ana' ORDER BY seq DESC LIMIT 1")  # fmt: skip
    assert latest == [("include",)]


def test_dry_run_counts_and_changes_nothing(two_copies: tuple[Path, Path]) -> None:
    ana, ben = two_copies
    run_cli(ben, "screen", "decide", "r03", "include", "--reviewer", "ben")
    before = rows(ana / "litsynth.db", "SELECT COUNT(*) FROM decisions")
    out = run_cli(ana, "merge", str(ben / "litsynth.db"), "--dry-run")
    assert "would add 1 screening decision (ben 1)" in out
    assert rows(ana / "litsynth.db", "SELECT COUNT(*) FROM decisions") == before
    assert not backup.listed(ana / "backups")


def test_an_older_litsynths_copy_merges_and_wrong_files_are_refused(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    ana, ben = two_copies
    run_cli(ben, "screen", "decide", "r03", "include", "--reviewer", "ben")
    old = tmp_path / "old.db"
    shutil.copy(ben / "litsynth.db", old)
    conn = sqlite3.connect(old)
    conn.execute("DELETE FROM schema_migrations WHERE name >= '020'")  # as 019 left it
    for table in ("pilot_records", "previous_reports", "study_links", "previous_values"):
        conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    out = json.loads(run_cli(ana, "merge", str(old), "--json"))
    assert out["tables"]["screening decisions"]["added"] == {"ben": 1}
    for path, words in ((ana / "litsynth.db", "this project's own store"),
                        (tmp_path / "none.db", "no file at")):  # fmt: skip
        said = run_cli(ana, "merge", str(path), exit_code=1)
        assert words in said


def test_a_decision_on_another_record_under_the_same_id_is_left_out(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    """CSV exports number their records 1, 2, 3 …: two copies that imported different files
    both hold a record "q1", and Ben's decision on his must not land on Ana's."""
    ana, ben = two_copies
    for root, title in ((ana, "Nudging nurses to wash their hands"),
                        (ben, "Platform orchestration in supply chains")):  # fmt: skip
        sheet = tmp_path / f"{root.parent.name}.csv"
        sheet.write_text(f'record_id,title,authors,year\nq1,{title},"Doe, J",2021\n')
        run_cli(root, "import", str(sheet), "--source", "Embase")
    run_cli(ben, "screen", "decide", "q1", "include", "--reviewer", "ben")
    out = run_cli(ana, "merge", str(ben / "litsynth.db"))
    assert "left out: 1 screening decision on records whose id this project gives another" in out
    assert not rows(ana / "litsynth.db", "SELECT 1 FROM decisions WHERE record_id = 'q1'")


def test_a_sheet_imported_in_the_other_copy_imports_here_again_without_doubling(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    ana, ben = two_copies
    sheet = tmp_path / "ben-ta.csv"
    sheet.write_text("record_id,decision,reason\nr03,include,\nr04,exclude,design\n")
    run_cli(ben, "screen", "import", str(sheet), "--reviewer", "ben")
    run_cli(ana, "merge", str(ben / "litsynth.db"))
    before = rows(ana / "litsynth.db", "SELECT COUNT(*) FROM decisions WHERE reviewer = 'ben'")
    out = run_cli(ana, "screen", "import", str(sheet), "--reviewer", "ben")
    assert "not repeated" in out
    assert rows(ana / "litsynth.db", "SELECT COUNT(*) FROM decisions WHERE reviewer = 'ben'") == (
        before
    )


def test_an_appraisal_merged_stays_an_appraisal(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    """Extraction and appraisal share one log, told apart by its `form` column: Ben's
    appraisal merged must not turn into data extracted, nor meet Ana's extraction of the same
    field id as if it were the same question."""
    ana, ben = two_copies
    for root in (ana, ben):
        run_cli(root, "screen", "decide", "r01", "include", "--stage", "full-text",
                "--reviewer", "ana")  # fmt: skip
    (tmp_path / "form.yaml").write_text(
        "fields:\n  - id: overall\n    label: Overall\n    type: choice\n"
        "    values: [high, moderate, low]\n",
        encoding="utf-8",
    )
    for root in (ana, ben):
        shutil.copy(tmp_path / "form.yaml", root / "extraction.yaml")
        shutil.copy(tmp_path / "form.yaml", root / "appraisal.yaml")
    (tmp_path / "ben.csv").write_text("record_id,overall\nr01,low\n", encoding="utf-8")
    run_cli(ben, "appraise", "import", str(tmp_path / "ben.csv"), "--reviewer", "ben")
    (tmp_path / "ana.csv").write_text("record_id,overall\nr01,high\n", encoding="utf-8")
    run_cli(ana, "extract", "import", str(tmp_path / "ana.csv"), "--reviewer", "ben")

    out = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    assert out["tables"]["extraction and appraisal entries"]["added"] == {"ben": 1}
    assert rows(ana / "litsynth.db", "SELECT form, value FROM extraction_values ORDER BY id") == [
        ("extraction", "high"), ("appraisal", "low"),
    ]  # fmt: skip


def test_a_colleagues_framework_summaries_merge_and_the_latest_stands(
    two_copies: tuple[Path, Path],
) -> None:
    ana, ben = two_copies
    chunk = a_passage(ben)
    document = str(
        rows(ben / "litsynth.db", f"SELECT document_id FROM chunks WHERE id = '{chunk}'")[0][0]
    )
    for root in (ana, ben):
        run_cli(root, "code", "add", "platform", "--chunk", chunk, "--coder", "ana")
    run_cli(ben, "framework", "write", document, "platform", "Ben's summary.", "--cols", "codes",
            "--coder", "ben")  # fmt: skip
    out = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    assert out["tables"]["framework summaries"]["added"] == {"ben": 1}
    table = json.loads(run_cli(ana, "framework", "table", "--cols", "codes", "--json"))
    (cell,) = table["cells"]
    assert (cell["summary"], cell["author"], cell["state"]) == ("Ben's summary.", "ben", "written")
    again = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    assert not again["tables"]["framework summaries"]["added"]
