"""The screening log through the CLI: sheets, the terminal loop, automation, two reviewers."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from litsynth.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"


def run(project: Path, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)], input=input)
    assert result.exit_code == 0, result.output + (str(result.exception) or "")
    return result.output


@pytest.fixture
def review(project: Path) -> Path:
    """A project with the 12 fixture records imported from "Scopus"."""
    (project / "litsynth.toml").write_text(
        '[project]\nname = "t"\nreviewer = "ann"\n\n[embed]\nmodel = "hash-384"\n\n'
        '[screening]\nyear_min = 2000\nyear_max = 2024\nlanguages = ["en"]\n'
        'criteria = "nudges for physicians, nurses and other healthcare professionals"\n'
        'reasons = ["not about nudging", "not healthcare professionals"]\n',
        encoding="utf-8",
    )
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    return project


def read_sheet(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_sheet(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def log_rows(project: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(project / "litsynth.db")
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM decisions ORDER BY seq").fetchall()


def test_export_writes_excel_ready_sheet_in_priority_order(review: Path, tmp_path: Path):
    sheet = tmp_path / "ta.csv"
    out = run(review, "screen", "export", str(sheet))
    assert "12 records to screen" in out
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = read_sheet(sheet)
    assert list(rows[0]) == ["record_id", "title", "abstract", "authors", "year", "journal",
                             "doi", "decision", "reason", "note"]  # fmt: skip
    assert "Müller, Jörg" in {r["authors"] for r in rows}
    # before any decision the order follows the criteria text: nudging studies first
    first_four = {r["record_id"] for r in rows[:4]}
    assert first_four <= {"r01", "r02", "r04", "r06", "r07", "r09", "r11"}
    assert rows[-1]["record_id"] in {"r03", "r05", "r08", "r10", "r12"}


def test_import_keeps_good_rows_reports_bad_ones_and_new_reasons(review: Path, tmp_path: Path):
    sheet = tmp_path / "ta.csv"
    run(review, "screen", "export", str(sheet))
    rows = read_sheet(sheet)
    by_id = {r["record_id"]: r for r in rows}
    by_id["r01"]["decision"] = "Include"
    by_id["r02"]["decision"] = "1"
    by_id["r03"].update(decision="0", reason="Not about nudging")  # known, other case
    by_id["r05"].update(decision="EXCLUDE", reason="astronomy")  # new reason
    by_id["r08"]["decision"] = "perhaps"  # unreadable
    rows.append({**by_id["r10"], "record_id": "zz99", "decision": "include"})  # unknown id
    write_sheet(sheet, rows)
    out = json.loads(run(review, "screen", "import", str(sheet), "--json"))
    assert out["recorded"] == 4
    lines = {p["line"]: p["problem"] for p in out["skipped"]}
    r08_line = 2 + [r["record_id"] for r in rows].index("r08")
    assert "unreadable decision 'perhaps'" in lines[r08_line]
    assert "unknown record id 'zz99'" in lines[len(rows) + 1]
    assert out["new_reasons"] == ["astronomy"]
    logged = {r["record_id"]: r for r in log_rows(review)}
    assert logged["r03"]["reason"] == "not about nudging"  # the project's spelling
    assert logged["r02"]["decision"] == "include" and logged["r02"]["origin"] == "sheet"
    assert logged["r02"]["source"].endswith(
        f"ta.csv:{2 + [r['record_id'] for r in rows].index('r02')}"
    )
    # the next export leaves out what ann decided
    again = tmp_path / "again.csv"
    assert "8 records to screen" in run(review, "screen", "export", str(again))
    conn = sqlite3.connect(review / "litsynth.db")
    reasons = [r[0] for r in conn.execute("SELECT reason FROM exclusion_reasons ORDER BY rowid")]
    assert reasons == ["not about nudging", "not healthcare professionals", "astronomy"]
    # the user's toml is never rewritten
    assert "astronomy" not in (review / "litsynth.toml").read_text(encoding="utf-8")


def test_full_text_exclusion_without_reason_is_reported(review: Path, tmp_path: Path):
    ta = tmp_path / "ta.csv"
    write_sheet(ta, [{"record_id": "r01", "decision": "include"},
                     {"record_id": "r02", "decision": "include"}])  # fmt: skip
    run(review, "screen", "import", str(ta))
    ft = tmp_path / "ft.csv"
    assert "2 records to screen at full-text" in run(
        review, "screen", "export", str(ft), "--stage", "full-text"
    )
    write_sheet(ft, [{"record_id": "r01", "decision": "exclude", "reason": ""},
                     {"record_id": "r02", "decision": "include", "reason": ""}])  # fmt: skip
    out = run(review, "screen", "import", str(ft), "--stage", "full-text")
    assert "1 full-text exclusions without a reason, counted under 'no reason given': r01" in out
    flow = json.loads(run(review, "prisma", "--json"))
    assert flow["dbr_excluded"] == {"no reason given": 1}
    assert flow["new_studies"] == 1


def test_log_is_append_only_and_latest_wins(review: Path, tmp_path: Path):
    sheet = tmp_path / "s.csv"
    write_sheet(sheet, [{"record_id": "r01", "decision": "exclude", "reason": "not about nudging"}])
    run(review, "screen", "import", str(sheet))
    write_sheet(sheet, [{"record_id": "r01", "decision": "include", "reason": ""}])
    run(review, "screen", "import", str(sheet))
    rows = log_rows(review)
    assert [r["decision"] for r in rows] == ["exclude", "include"]  # both kept
    flow = json.loads(run(review, "prisma", "--json"))
    assert flow["dbr_sought_reports"] == 1 and flow["records_excluded"] == 0
    conn = sqlite3.connect(review / "litsynth.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE decisions SET decision = 'exclude'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM decisions")


def test_automation_marks_year_and_language_and_is_idempotent(review: Path):
    out = json.loads(run(review, "screen", "auto", "--json"))
    marked = {m["record_id"]: m for m in out["marked"]}
    assert set(marked) == {"r06", "r07"}  # 1995; German
    assert marked["r06"]["reason"] == "published outside 2000–2024"
    assert marked["r07"]["reason"] == "not in en"
    assert out["unknown_year"] == 1 and out["unknown_language"] == 1  # r12, r11
    assert json.loads(run(review, "screen", "auto", "--json"))["marked"] == []
    rows = [r for r in log_rows(review) if r["origin"] == "automation"]
    assert len(rows) == 2 and all(r["reviewer"] == "automation" for r in rows)
    flow = json.loads(run(review, "prisma", "--json"))
    assert flow["excluded_automatic"] == 2
    assert flow["records_screened"] == 10
    # automation-marked records are not asked of people
    assert "10 records to screen" in run(review, "screen", "export", str(review / "x.csv"))


def test_terminal_loop_records_each_decision_and_resumes(review: Path):
    # include, exclude with reason 2, maybe, skip, then quit
    out = run(review, "screen", "next", input="i\ne\n2\nm\ns\nq\n")
    assert "→ include" in out and "→ exclude (not healthcare professionals)" in out
    assert "Stopped; 3 decisions recorded" in out
    rows = log_rows(review)
    assert [r["decision"] for r in rows] == ["include", "exclude", "maybe"]
    assert all(r["origin"] == "terminal" and r["reviewer"] == "ann" for r in rows)
    decided = {r["record_id"] for r in rows}
    # resumed: the first record shown now is one not decided before
    out = run(review, "screen", "next", input="e\nsome new reason\nq\n")
    assert "new exclusion reason added to the project's list: 'some new reason'" in out
    newest = log_rows(review)[-1]
    assert newest["record_id"] not in decided and newest["reason"] == "some new reason"


def test_terminal_note_goes_with_the_next_decision_only(review: Path):
    # a note, then maybe; a note, then skip (dropped with the skipped record); include
    out = run(review, "screen", "next", input="n\nconference abstract only\nm\nn\nlater\ns\ni\nq\n")
    assert "→ maybe · note kept" in out and "→ include\n" in out
    rows = log_rows(review)
    assert [(r["decision"], r["note"]) for r in rows] == [
        ("maybe", "conference abstract only"),
        ("include", ""),
    ]


def test_two_reviewers_conflicts_kappa_and_resolution(review: Path, tmp_path: Path):
    ann = {"r01": "1", "r02": "1", "r03": "0", "r04": "1", "r05": "0", "r08": "0"}
    bob = {"r01": "1", "r02": "0", "r03": "0", "r04": "0", "r05": "0", "r08": "0"}
    for name, votes in (("ann", ann), ("bob", bob)):
        sheet = tmp_path / f"{name}.csv"
        write_sheet(sheet, [{"record_id": k, "decision": v} for k, v in votes.items()])
        run(review, "screen", "import", str(sheet), "--reviewer", name)
    out = json.loads(run(review, "screen", "conflicts", "--json"))
    expected = cohen_kappa_score(list(ann.values()), list(bob.values()))
    assert out["kappa"] == pytest.approx(expected)
    assert out["reviewers"] == ["ann", "bob"] and out["n_both"] == 6 and out["n_agree"] == 4
    assert {c["record_id"] for c in out["conflicts"]} == {"r02", "r04"}
    flow = json.loads(run(review, "prisma", "--json"))
    assert flow["dbr_sought_reports"] == 1 and flow["records_awaiting"] == 8  # 2 conflicts + 6
    text = run(review, "screen", "resolve", "r02", "--decision", "include", "--reviewer", "eve")
    assert "r02: resolved as include" in text
    out = json.loads(run(review, "screen", "conflicts", "--json"))
    assert {c["record_id"] for c in out["conflicts"]} == {"r04"}
    flow = json.loads(run(review, "prisma", "--json"))
    assert flow["dbr_sought_reports"] == 2


def test_resolve_unknown_record_is_an_error(review: Path):
    result = CliRunner().invoke(
        cli, ["screen", "resolve", "nope", "--decision", "include", "--project", str(review)]
    )
    assert result.exit_code == 1
    assert "Error: no record 'nope' in this project" in result.output


def test_resolution_by_a_reviewer_keeps_their_vote_for_kappa_and_survives_their_next_sheet(
    review: Path, tmp_path: Path
):
    for name, votes in (("ann", {"r01": "1", "r02": "1"}), ("bob", {"r01": "1", "r02": "0"})):
        sheet = tmp_path / f"{name}.csv"
        write_sheet(sheet, [{"record_id": k, "decision": v} for k, v in votes.items()])
        run(review, "screen", "import", str(sheet), "--reviewer", name)
    run(review, "screen", "resolve", "r02", "--decision", "exclude", "--reason",
        "not about nudging", "--reviewer", "ann")  # fmt: skip
    out = json.loads(run(review, "screen", "conflicts", "--json"))
    assert out["n_both"] == 2 and out["n_agree"] == 1 and out["conflicts"] == []
    # ann later re-imports an include for r02: the resolution still decides the record
    sheet = tmp_path / "ann2.csv"
    write_sheet(sheet, [{"record_id": "r02", "decision": "include"}])
    run(review, "screen", "import", str(sheet), "--reviewer", "ann")
    flow = json.loads(run(review, "prisma", "--json"))
    assert flow["records_excluded"] == 1 and flow["dbr_sought_reports"] == 1


def test_full_text_decision_on_record_excluded_at_title_abstract_is_refused(
    review: Path, tmp_path: Path
):
    """Regression: such a row was accepted and `prisma` then failed with "off by +2"."""
    why = "not about nudging"
    ta = tmp_path / "ta.csv"
    write_sheet(ta, [{"record_id": "r01", "decision": "include", "reason": ""},
                     {"record_id": "r02", "decision": "exclude", "reason": why}])  # fmt: skip
    run(review, "screen", "import", str(ta))
    ft = tmp_path / "ft.csv"
    write_sheet(ft, [{"record_id": "r01", "decision": "include", "reason": ""},
                     {"record_id": "r02", "decision": "include", "reason": ""},
                     {"record_id": "r03", "decision": "exclude", "reason": why}])  # fmt: skip
    out = run(review, "screen", "import", str(ft), "--stage", "full-text")
    assert "r02" in out and "not included at title/abstract" in out
    assert "r03" in out
    full_text = [r["record_id"] for r in log_rows(review) if r["stage"] == "full-text"]
    assert full_text == ["r01"]
    flow = json.loads(run(review, "prisma", "--json"))  # adds up: no PrismaError
    assert flow["dbr_assessed"] == 1 and flow["new_studies"] == 1


def test_an_xlsx_sheet_is_a_workbook_and_comes_back(review: Path, tmp_path: Path) -> None:
    """`screen export ta.xlsx` wrote CSV bytes under that name, which Excel refuses to open.
    It is now a workbook; decisions typed in Excel (a number, a checkbox TRUE, words) are
    read back, and a bad row is named by the row Excel shows."""
    from openpyxl import load_workbook

    sheet = tmp_path / "ta.xlsx"
    assert "12 records to screen" in run(review, "screen", "export", str(sheet))
    book = load_workbook(sheet)
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["record_id", "title", "abstract"] and ws.freeze_panes == "A2"
    assert ws.cell(row=1, column=1).font.bold
    ids = [ws.cell(row=r, column=1).value for r in range(2, 14)]
    decision = header.index("decision") + 1
    reason = header.index("reason") + 1
    for row, value in zip(range(2, 6), (1, True, "no", "perhaps"), strict=True):
        ws.cell(row=row, column=decision, value=value)
    ws.cell(row=4, column=reason, value="not about nudging")
    book.save(sheet)
    out = run(review, "screen", "import", str(sheet))
    assert "3 decisions recorded" in out and "line 5: unreadable decision 'perhaps'" in out
    got = {r["record_id"]: r["decision"] for r in log_rows(review)}
    assert got == {ids[0]: "include", ids[1]: "include", ids[2]: "exclude"}


def test_an_xlsx_sheet_s_rows_are_as_tall_as_their_abstracts(review: Path, tmp_path: Path) -> None:
    """Opened in LibreOffice, a sheet's wrapped abstracts were drawn over the records below:
    it keeps a row at the height the file gives. Each row now says how tall its longest
    wrapped text is, and its other cells sit at the top, beside the title."""
    from openpyxl import load_workbook

    sheet = tmp_path / "ta.xlsx"
    run(review, "screen", "export", str(sheet))
    ws = load_workbook(sheet).active
    header = [c.value for c in ws[1]]
    abstract = header.index("abstract") + 1
    width = ws.column_dimensions[ws.cell(row=1, column=abstract).column_letter].width
    tall = 0
    for r in range(2, ws.max_row + 1):
        text = ws.cell(row=r, column=abstract).value or ""
        lines = max(1, -(-len(text) // int(width * 1.15)))
        if lines > 1:
            tall += 1
            assert ws.row_dimensions[r].height >= 15.0 * lines  # the title may need more
            assert ws.cell(row=r, column=1).alignment.vertical == "top"
    assert tall  # the fixture's abstracts are longer than a line


def test_an_empty_project_says_how_to_get_records(project: Path) -> None:
    """`screen next` said "Nothing left to screen … 0 decided now" and `prisma` printed a flow
    of zeros, as if the screening were done, in a project with no records at all."""
    assert "No records yet: import a database export" in run(project, "screen", "next")
    out = run(project, "screen", "next", "--stage", "full-text")
    assert "No records at full text yet" in out
    assert "No records yet: import a database export" in run(project, "prisma")


def test_a_late_second_vote_on_an_assessed_record_asks_for_a_resolution(
    review: Path, tmp_path: Path
) -> None:
    """A second reviewer still at title/abstract while full text has begun: their vote is
    recorded (screening stays independent), and PRISMA names the disagreement and its remedy
    instead of asking for "a corrected decision" on a record nobody decided wrongly."""
    ta, ft, bo = tmp_path / "ta.csv", tmp_path / "ft.csv", tmp_path / "bo.csv"
    write_sheet(ta, [{"record_id": "r01", "decision": "include"}])
    run(review, "screen", "import", str(ta))
    write_sheet(ft, [{"record_id": "r01", "decision": "include"}])
    run(review, "screen", "import", str(ft), "--stage", "full-text")
    write_sheet(bo, [{"record_id": "r01", "decision": "exclude"}])
    run(review, "screen", "import", str(bo), "--reviewer", "bo")
    result = CliRunner().invoke(cli, ["prisma", "--project", str(review)])
    assert result.exit_code == 1
    assert "title/abstract votes that disagree (resolve them: `litsynth screen conflicts`)" in (
        result.output
    )
    run(review, "screen", "resolve", "r01", "--decision", "include")
    assert json.loads(run(review, "prisma", "--json"))["dbr_assessed"] == 1
