"""The CSV round trip: export suggestions, decide in a 'spreadsheet', import the decisions."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.coding.human.sheets import COLUMNS
from litsynth.store.db import connect
from review_support import Seeded, seed


@pytest.fixture
def seeded(project: Path) -> Seeded:
    return seed(project)


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _export(s: Seeded, sheet: Path, *extra: str) -> list[dict[str, str]]:
    _run("code", "export-sheet", str(sheet), "--project", str(s.root), "--coder", "ana", *extra)
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(sheet: Path, rows: list[dict[str, str]]) -> None:
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _import(s: Seeded, sheet: Path) -> dict[str, object]:
    out = _run("code", "import-sheet", str(sheet), "--project", str(s.root), "--coder", "ana",
               "--json")  # fmt: skip
    data: dict[str, object] = json.loads(out)
    return data


def span(row: dict[str, str]) -> tuple[int, int]:
    return int(row["start"]), int(row["end"])


def _log(s: Seeded) -> list[tuple[object, ...]]:
    conn = connect(s.root / "litsynth.db")
    try:
        rows = conn.execute(
            "SELECT chunk_id, code_id, status, start, end, coder, memo FROM codings ORDER BY seq"
        )
        return [tuple(r) for r in rows]
    finally:
        conn.close()


def test_export_writes_excel_utf8_with_the_documented_columns(
    seeded: Seeded, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    assert tuple(rows[0]) == COLUMNS
    # Suggestions at or above threshold, best first.
    assert [(r["code"], r["score"]) for r in rows] == [
        ("platform", "0.900"), ("rule-setting", "0.820"), ("value-capture", "0.740"),
        ("platform", "0.610"), ("method", "0.550"),
    ]  # fmt: skip
    first = rows[0]
    assert first["citation"] == "Yulianti & Santoso (2025), § Findings, ¶ 1"
    assert first["document"] == seeded.txt and first["chunk_id"] == seeded.d1
    assert first["evidence"] == "keywords: platform"
    assert first["passage"].startswith("A shared digital platform")
    assert rows[1]["evidence"].endswith(
        'nearest definition: "The orchestrator sets rules that partners must follow."'
    )
    assert "\n" not in rows[1]["passage"]  # one sheet row per suggestion, even in a text editor
    assert first["decision"] == "" and first["label"] == "Platform"


def test_import_keeps_good_rows_and_reports_bad_ones_by_line(
    seeded: Seeded, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    rows[0]["decision"] = "1"  # line 2: accept d1/platform
    rows[1]["decision"] = "0"  # line 3: reject c1/rule-setting
    rows[1]["memo"] = "sets no rule, describes one"
    rows[2]["decision"] = "change"  # line 4: value-capture -> platform on c2
    rows[2]["new_code"] = "platform"
    rows[3]["decision"] = "acept"  # line 5: typo
    rows[4]["decision"] = "change"  # line 6: unknown new code
    rows[4]["new_code"] = "platfrom"
    c3_start = int(rows[4]["start"])
    rows.append(  # line 7: a narrower span coded by hand
        {"chunk_id": seeded.c3, "code": "method", "decision": "add", "new_code": "method",
         "start": str(c3_start), "end": str(c3_start + 19)}
    )  # fmt: skip
    rows.append(  # line 8: span outside its chunk
        {"chunk_id": seeded.c3, "code": "method", "decision": "add", "start": "0", "end": "5"}
    )
    rows.append({"chunk_id": seeded.c2, "memo": "pooled demand: value or platform?"})  # line 9
    rows.append({"chunk_id": "nope", "code": "method", "decision": "accept"})  # line 10
    _write(sheet, rows)

    report = _import(seeded, sheet)
    assert report["counts"] == {"accept": 1, "reject": 1, "change": 1, "add": 1, "memo": 1}
    assert report["errors"] == [
        {"line": 5, "message": "unknown decision 'acept'; did you mean 'accept'?"},
        {"line": 6, "message": "unknown new code 'platfrom'; did you mean 'platform'?"},
        {"line": 8, "message": f"span 0-5 lies outside chunk {seeded.c3} ({c3_start}-"
                               f"{rows[4]['end']})"},
        {"line": 10, "message": "no passage with chunk id 'nope'"},
    ]  # fmt: skip
    c2 = rows[2]
    assert _log(seeded) == [
        (seeded.d1, "platform", "accepted", span(rows[0])[0], span(rows[0])[1], "ana", ""),
        (seeded.c1, "rule-setting", "rejected", 0, 102, "ana", "sets no rule, describes one"),
        (seeded.c2, "value-capture", "rejected", int(c2["start"]), int(c2["end"]), "ana", ""),
        (seeded.c2, "platform", "added", int(c2["start"]), int(c2["end"]), "ana", ""),
        (seeded.c3, "method", "added", c3_start, c3_start + 19, "ana", ""),
    ]


def test_reimporting_the_same_sheet_appends_nothing(seeded: Seeded, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    for row in rows:
        row["decision"] = "accept"
    _write(sheet, rows)
    assert _import(seeded, sheet)["counts"] == {"accept": 5}
    assert _import(seeded, sheet)["counts"] == {"unchanged": 5}
    assert len(_log(seeded)) == 5


def test_export_all_shows_decisions_and_round_trips_unchanged(
    seeded: Seeded, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    rows[0]["decision"], rows[1]["decision"] = "accept", "reject"
    _write(sheet, rows)
    _import(seeded, sheet)

    everything = _export(seeded, tmp_path / "all.csv", "--status", "all")
    assert len(everything) == 7  # also the two below-threshold suggestions
    decided = {(r["chunk_id"], r["code"]): r["decision"] for r in everything}
    assert decided[(seeded.d1, "platform")] == "accept"
    assert decided[(seeded.c1, "rule-setting")] == "reject"
    assert decided[(seeded.c2, "platform")] == ""
    assert _import(seeded, tmp_path / "all.csv")["counts"] == {"unchanged": 2, "undecided": 5}
    # The default export only lists what is left to decide.
    assert len(_export(seeded, tmp_path / "left.csv")) == 3


def test_export_one_code_and_unknown_code(seeded: Seeded, tmp_path: Path) -> None:
    rows = _export(seeded, tmp_path / "p.csv", "--code", "platform")
    assert {r["code"] for r in rows} == {"platform"} and len(rows) == 2
    bad = CliRunner().invoke(
        cli, ["code", "export-sheet", str(tmp_path / "x.csv"), "--project", str(seeded.root),
              "--code", "platfrom"],
    )  # fmt: skip
    assert bad.exit_code == 1
    assert "unknown code 'platfrom'; did you mean 'platform'?" in bad.output


def test_sheet_without_decision_column_is_refused(seeded: Seeded, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("chunk_id,code\nx,y\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["code", "import-sheet", str(sheet), "--project", str(seeded.root)]
    )
    assert result.exit_code == 1
    assert "bad.csv line 1 has no column decision" in result.output


def test_import_text_output_names_lines(seeded: Seeded, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    rows[0]["decision"] = "yes"
    rows[1]["decision"] = "maybe"
    _write(sheet, rows)
    result = CliRunner().invoke(
        cli, ["code", "import-sheet", str(sheet), "--project", str(seeded.root)]
    )
    assert result.exit_code == 0
    assert "Imported" in result.output and "as reviewer: 1 accept, 3 undecided." in result.output
    assert f"{sheet} line 3: unknown decision 'maybe'" in result.output


def test_semicolon_delimited_sheet_imports(seeded: Seeded, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    rows[0]["decision"] = "accept"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    assert _import(seeded, sheet)["counts"] == {"accept": 1, "undecided": 4}


def test_reimporting_a_memo_only_row_stores_the_memo_once(seeded: Seeded, tmp_path: Path) -> None:
    """Regression (QA): a memo's id includes its time, so a re-import stored it twice."""
    sheet = tmp_path / "sheet.csv"
    rows = _export(seeded, sheet)
    rows[0]["memo"] = "just a memo"
    _write(sheet, rows[:1])
    _import(seeded, sheet)
    _import(seeded, sheet)
    conn = connect(seeded.root / "litsynth.db")
    try:
        texts = [r[0] for r in conn.execute("SELECT text FROM memos")]
    finally:
        conn.close()
    assert texts == ["just a memo"]


def test_an_xlsx_review_sheet_is_a_workbook_and_comes_back(seeded: Seeded, tmp_path: Path) -> None:
    """`code export-sheet s.xlsx` wrote CSV bytes under that name; Excel refused to open it."""
    from openpyxl import load_workbook

    sheet = tmp_path / "sheet.xlsx"
    _run("code", "export-sheet", str(sheet), "--project", str(seeded.root), "--coder", "ana")
    book = load_workbook(sheet)
    ws = book.active
    header = tuple(c.value for c in ws[1])
    assert header == COLUMNS and ws.max_row == 6
    first = dict(zip(header, (c.value for c in ws[2]), strict=True))
    assert first["passage"].startswith("A shared digital platform")
    ws.cell(row=2, column=COLUMNS.index("decision") + 1, value="accept")
    ws.cell(row=3, column=COLUMNS.index("decision") + 1, value=0)  # Excel keeps 0 a number
    book.save(sheet)
    result = _import(seeded, sheet)
    assert result["errors"] == []
    counts = result["counts"]
    assert isinstance(counts, dict) and counts["accept"] == 1 and counts["reject"] == 1
