"""Regression tests for the hardening probe (issue 9): human decisions and records.

Each test is named after what broke: a re-run sheet doubled the screening log, files that held
no records imported with exit 0, a repeated BibTeX key lost a different record, 20,000 RIS
records sharing one id took quadratic time, sheets carried live formulas, and a one-record
project could not export a sheet.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio.readers import RawEntry, assign_ids, build_batch
from litsynth.biblio.screening_import import import_sheet
from litsynth.cli import cli
from litsynth.config import ScreeningSettings
from litsynth.errors import BiblioError
from litsynth.records import BibRecord
from litsynth.store import connect

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HARD = FIXTURES / "hardening"
RECORDS = FIXTURES / "screening" / "records.csv"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def review(project: Path) -> Path:
    code, _, err = invoke("import", RECORDS, "--source", "Scopus", "--project", project)
    assert code == 0, err
    return project


def decision_rows(project: Path) -> int:
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        return int(conn.execute("SELECT count(*) FROM decisions").fetchone()[0])
    finally:
        conn.close()


def filled_sheet(review: Path, path: Path) -> Path:
    code, _, err = invoke("screen", "export", path, "--project", review)
    assert code == 0, err
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows):
        row["decision"] = "include" if i % 3 == 0 else "exclude"
        row["reason"] = "" if i % 3 == 0 else "wrong population"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# ---- 1. screen import is idempotent ----------------------------------------------------------


def test_screen_import_twice_appends_nothing(review: Path, tmp_path: Path) -> None:
    sheet = filled_sheet(review, tmp_path / "ta.csv")
    code, out, _ = invoke("screen", "import", sheet, "--project", review)
    assert code == 0 and "12 decisions recorded" in out
    code, out, _ = invoke("screen", "import", sheet, "--project", review, "--json")
    assert code == 0
    again = json.loads(out)
    assert again["recorded"] == 0 and again["already_imported"]
    assert decision_rows(review) == 12


def test_screen_import_of_an_edited_sheet_appends_only_the_changes(
    review: Path, tmp_path: Path
) -> None:
    sheet = filled_sheet(review, tmp_path / "ta.csv")
    invoke("screen", "import", sheet, "--project", review)
    text = sheet.read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1]
    # the same sheet with one more column value changed: a new file, one changed decision
    changed = first.replace(",include,", ",exclude,", 1).replace(",exclude,,", ",exclude,", 1)
    assert changed != first
    sheet.write_text("\n".join([header, changed, *text[2:]]) + "\n", encoding="utf-8")
    code, out, _ = invoke("screen", "import", sheet, "--project", review, "--json")
    assert code == 0, out
    result = json.loads(out)
    assert (result["recorded"], result["unchanged"]) == (1, 11)
    assert decision_rows(review) == 13


def test_two_identical_screen_imports_at_once_append_once(review: Path, tmp_path: Path) -> None:
    sheet = filled_sheet(review, tmp_path / "ta.csv")
    settings = ScreeningSettings(reasons=("wrong population",))
    errors: list[BaseException] = []

    def one() -> None:
        conn = connect(review / "litsynth.db")
        try:
            import_sheet(conn, sheet, stage="title-abstract", reviewer="ann", settings=settings)
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert decision_rows(review) == 12


# ---- 2. files that yield no records are errors -------------------------------------------------


def test_file_that_yields_no_records_is_an_error_naming_the_file(project: Path) -> None:
    nbib = HARD / "tags-only.nbib"  # MEDLINE-style entries without a title, author or abstract
    code, out, err = invoke("import", nbib, "--source", "ERIC", "--project", project)
    assert code == 1
    assert "tags-only.nbib" in out and "no records found" in out
    assert "Error:" in err


def test_eric_nbib_without_pmid_imports(project: Path) -> None:
    """Issue 14 made the probe's ERIC file (OWN - ERIC, no PMID) a real import."""
    code, out, err = invoke("import", HARD / "eric.nbib", "--source", "ERIC", "--project",
                            project, "--json")  # fmt: skip
    assert code == 0, err
    (outcome,) = json.loads(out)
    assert (outcome["format"], outcome["n_records"]) == ("medline", 2)
    conn = sqlite3.connect(project / "litsynth.db")
    rows = conn.execute("SELECT title, year, journal FROM records ORDER BY title").fetchall()
    conn.close()
    assert rows[0] == ("Orchestrating Supply Chains in Small Firms: A Case Study", 2019,
                       "Journal of Operations Education")  # fmt: skip


@pytest.mark.parametrize("name", ["notes.md", "random.bin", "report.docx", "counts.xlsx"])
def test_non_bibliographic_file_is_not_imported_as_csv(
    project: Path, tmp_path: Path, name: str
) -> None:
    """Issue 14 made Excel workbooks an import format; a workbook without a bibliographic
    column, and a zip that is no workbook (.docx), are still refused with their name."""
    path = tmp_path / name
    if name == "notes.md":
        path.write_bytes((HARD / "notes.md").read_bytes())
    elif name == "random.bin":
        path.write_bytes(bytes(range(256)) * 40)
    elif name == "report.docx":
        import zipfile

        with zipfile.ZipFile(path, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(["Name", "Count"])
        wb.active.append(["Supply chain orchestration", 2020])
        wb.save(path)
    code, out, err = invoke("import", path, "--source", "X", "--project", project, "--json")
    assert code == 1, out
    (outcome,) = json.loads(out)
    assert outcome["error"] and outcome["n_records"] == 0
    assert name in json.loads(err)["error"]  # under --json the error is JSON too


def test_run_with_an_unreadable_records_import_fails(project: Path) -> None:
    (project / "records").mkdir()
    (project / "records" / "ok.csv").write_bytes(RECORDS.read_bytes())
    (project / "records" / "empty.nbib").write_bytes((HARD / "tags-only.nbib").read_bytes())
    with (project / "litsynth.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[records]\nimports = ["Scopus=records/ok.csv", "ERIC=records/empty.nbib"]\n')
    code, out, err = invoke("run", "--project", project, "--quiet")
    assert code == 1, out
    assert "empty.nbib" in err and "no records found" in err


def test_import_warnings_are_printed_and_in_json(project: Path) -> None:
    ris = FIXTURES / "biblio" / "malformed.ris"
    code, out, _ = invoke("import", ris, "--source", "Ovid", "--project", project)
    assert code == 0 and "warning: line 24: entry has no ER end tag; kept as read" in out
    bib = FIXTURES / "biblio" / "broken.bib"
    code, out, _ = invoke("import", bib, "--source", "Zotero", "--project", project, "--json")
    (outcome,) = json.loads(out)
    assert any("Teece2010" in w and "derived id" in w for w in outcome["warnings"])


# ---- 3. repeated ids ---------------------------------------------------------------------------


def test_repeated_bibtex_key_with_another_doi_is_kept(tmp_path: Path) -> None:
    text = (
        "@article{k1, title={Orchestration one}, author={Doe, Jane}, doi={10.1000/a1}}\n"
        "@article{k1, title={Orchestration two}, author={Roe, Rick}, doi={10.1000/b2}}\n"
    )
    batch = build_batch(text.encode(), "x.bib", "Zotero")
    assert [(r.id, r.doi) for r in batch.records] == [
        ("k1", "10.1000/a1"),
        ("k1@zotero", "10.1000/b2"),
    ]
    assert not batch.rejected and batch.report["n_renamed"] == 1


def test_twenty_thousand_records_sharing_one_id_rename_linearly() -> None:
    rec = BibRecord(id="", source="s", batch_id="b", title="t")
    entries = [(RawEntry(line=i, key="same", fields={}), rec) for i in range(20_000)]
    calls = 0

    def taken(_rid: str) -> bool:
        nonlocal calls
        calls += 1
        return False

    ids, renamed, n_renamed = assign_ids(entries, "Scopus", taken)
    assert len(set(ids)) == 20_000 and n_renamed == 19_999
    assert renamed == {"same": "same@scopus"}  # one line in the report, with a count
    assert calls < 3 * 20_000  # was ~2·10⁸ checks (161 s) before


def test_twenty_thousand_renames_are_reported_as_a_count(project: Path, tmp_path: Path) -> None:
    ris = tmp_path / "same.ris"
    ris.write_text(
        "".join(f"TY  - JOUR\nID  - same\nTI  - Title {i}\nER  - \n\n" for i in range(2_000)),
        encoding="utf-8",
    )
    code, out, _ = invoke("import", ris, "--source", "Scopus", "--project", project)
    assert code == 0
    assert "1999 records kept under a derived id" in out
    assert len(out.splitlines()) < 5


# ---- 9, 10. screen export --------------------------------------------------------------------


def test_screen_export_escapes_formula_cells(project: Path, tmp_path: Path) -> None:
    invoke("import", HARD / "formula.ris", "--source", "Scopus", "--project", project)
    sheet = tmp_path / "ta.csv"
    code, _, err = invoke("screen", "export", sheet, "--project", project)
    assert code == 0, err
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["record_id"]: r for r in csv.DictReader(fh)}
    evil = rows["evil1"]
    assert evil["title"].startswith("'=HYPERLINK")
    assert evil["authors"].startswith("'@") and evil["abstract"].startswith("'+")
    assert rows["plain1"]["abstract"].startswith("'-2")
    for row in rows.values():
        for column in ("title", "abstract", "authors", "journal", "doi"):
            assert not row[column].startswith(("=", "+", "-", "@")), (column, row[column])


@pytest.mark.parametrize("name, n", [("one.ris", "1 record"), ("samewords.ris", "3 records")])
def test_screen_export_works_on_a_tiny_project(
    project: Path, tmp_path: Path, name: str, n: str
) -> None:
    code, _, err = invoke("import", HARD / name, "--source", "Scopus", "--project", project)
    assert code == 0, err
    code, out, err = invoke("screen", "export", tmp_path / "ta.csv", "--project", project)
    assert code == 0, err
    assert f"{n} to screen" in out


def test_build_batch_refuses_a_pdf() -> None:
    with pytest.raises(BiblioError, match="is a PDF"):
        build_batch(b"%PDF-1.7\n...", "paper.pdf", "X")
