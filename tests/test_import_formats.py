"""Import formats reviewers bring besides RIS/BibTeX/CSV: EndNote tagged and XML, CSL-JSON,
Excel workbooks, detected by their content, on real files other tools wrote."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, shared
from litsynth.biblio.readers import build_batch, detect_format
from litsynth.biblio.readers_endnote import read_endnote
from litsynth.cli import cli

RECORDS = Path(__file__).resolve().parent / "fixtures" / "records"


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_endnote_tagged_book_keeps_authors_year_and_unmapped_tags() -> None:
    batch = build_batch((RECORDS / "jabref-Endnote.book.example.enw").read_bytes(), "b.enw", "S")
    assert batch.format == "endnote"
    (rec,) = batch.records
    assert rec.title.startswith("Git : dezentrale Versionsverwaltung im Team")
    assert rec.authors == ("Preißel, René", "Stachmann, Bjørn")
    assert (rec.year, rec.doc_type, rec.keywords) == (2016, "book", ("Versionsverwaltung",))
    assert rec.extra["%@"] == "978-3-86490-311-3" and rec.extra["%I"] == "dpunkt.verlag"


def test_endnote_tagged_lines_continue_and_empty_records_are_rejected_with_their_line() -> None:
    text = (
        "%0 Journal Article\n%T Orchestrating supply\nchains in small firms\n%A Doe, Jane\n"
        "%D 2019\n%J Journal of Operations\n%R doi:10.1000/xyz.1\n%X First line\n"
        "second line of the abstract\n\n%T a record with no type\n\n%0 Journal Article\n"
        "%A Roe, Rick\n%T Second\n"
    )
    result = read_endnote(text, "x.txt")
    first, second = result.entries
    assert (first.line, second.line) == (1, 13)
    assert first.fields["title"] == "Orchestrating supply\nchains in small firms"
    assert first.fields["doi"] == "10.1000/xyz.1"
    assert first.fields["abstract"] == "First line\nsecond line of the abstract"
    (bad,) = result.rejected
    assert bad.line == 11 and "without a %0" in bad.reason
    assert detect_format(text, "x.txt") == "endnote"


def test_endnote_tagged_entries_file_imports_what_has_content() -> None:
    batch = build_batch((RECORDS / "jabref-Endnote.entries.enw").read_bytes(), "e.enw", "S")
    assert len(batch.records) == 2
    assert all(r.reason == "entry has no title, abstract, authors or DOI" for r in batch.rejected)
    assert sorted(r.line for r in batch.rejected)[0] == 7  # the lone "%0 Journal" line


def test_endnote_xml_from_bookends() -> None:
    data = (RECORDS / "jabref-EndnoteXmlImporterTestArticle.xml").read_bytes()
    batch = build_batch(data, "lib.xml", "EndNote")
    assert batch.format == "endnote-xml"
    (rec,) = batch.records
    assert rec.title.startswith("Trends in the lifetime risk of developing cancer in Great")
    assert rec.authors == ("Ahmad, AS", "Ormiston-Smith, N", "Sasieni, PD")
    assert (rec.year, rec.journal, rec.doi) == (2015, "Br J Cancer", "10.1038/bjc.2014.606")
    assert "Age Factors" in rec.keywords and rec.doc_type == "journal article"
    assert rec.extra["pages"] == "943-7"


def test_endnote_xml_records_carry_their_lines_and_a_broken_file_names_its_line() -> None:
    data = (RECORDS / "jabref-EndnoteXmlImporterTestArticle2.xml").read_bytes()
    batch = build_batch(data, "lib.xml", "EndNote")
    assert [r.doc_type for r in batch.records] == ["journal article", "book"]
    broken = b"<?xml version='1.0'?>\n<xml><records>\n<record><titles>\n</record></xml>"
    with pytest.raises(Exception, match=r"not well-formed EndNote XML at line 4"):
        build_batch(broken, "broken.xml", "EndNote")


def test_endnote_xml_entity_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<xml><records><record><titles>'
        b"<title>&b;</title></titles></record></records></xml>"
    )
    with pytest.raises(Exception, match="refused"):
        build_batch(bomb, "bomb.xml", "EndNote")


def test_csl_json_zotero_library() -> None:
    batch = build_batch((RECORDS / "bbt-zotero-library.csl.json").read_bytes(), "z.json", "Zotero")
    assert batch.format == "csl-json" and len(batch.records) == 26 and not batch.rejected
    by_id = {r.id: r for r in batch.records}
    cody = by_id["cody2016"]
    assert cody.authors == ("Cody, Kieran", "Jackson, Steven J.")
    assert (cody.year, cody.journal) == (2016, "International Review for the Sociology of Sport")
    assert by_id["iaaf2019"].authors == ("IAAF",)  # a literal (corporate) name stays whole
    assert by_id["duncan2002"].doc_type == "chapter"
    assert json.loads(by_id["duncan2002"].extra["editor"])[0]["family"] == "Wenner"


def test_csl_json_bad_item_is_rejected_with_its_line_and_the_rest_imports() -> None:
    text = (
        '[\n  {"id": "a", "type": "article-journal", "title": "One", "issued": {"raw": "2001"}},\n'
        '  {"id": "b", "title": "Two" "author": []},\n'
        '  {"id": "c", "title": "Three", "author": [{"family": "Doe", "given": "J."}]}\n]\n'
    )
    batch = build_batch(text.encode(), "refs.json", "Zotero")
    assert [r.id for r in batch.records] == ["a", "c"]
    assert batch.records[0].year == 2001
    (bad,) = batch.rejected
    assert bad.line == 3 and "unreadable JSON item" in bad.reason


def _workbook(path: Path, rows: list[list[object]], preamble: int = 0) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "records"
    for _ in range(preamble):
        ws.append(["Web of Science citation report"])
    for row in rows:
        ws.append(row)
    wb.create_sheet("notes").append(["not", "records"])
    wb.save(path)


def test_xlsx_of_real_records_imports_with_row_numbers(tmp_path: Path, project: Path) -> None:
    import csv

    source = shared("data/bib/synthesisr/tests/testthat/testdata/eviatlas.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    path = tmp_path / "eviatlas.xlsx"
    broken = [*table[1], "a cell beyond the header"]
    _workbook(path, [table[0], *table[1:], broken], preamble=3)
    code, out, err = invoke("import", path, "--source", "EviAtlas", "--project", project, "--json")
    assert code == 0, err
    (outcome,) = json.loads(out)
    assert outcome["format"] == "xlsx"
    assert outcome["n_records"] == len(table) - 1
    (rejected,) = outcome["rejected"]
    assert rejected["line"] == 3 + 1 + len(table)  # preamble + header + rows, 1-based
    from_csv = build_batch(source.read_bytes(), "eviatlas.csv", "EviAtlas")
    conn = sqlite3.connect(project / "litsynth.db")
    titles = [r[0] for r in conn.execute("SELECT title FROM records ORDER BY rowid")]
    conn.close()
    assert titles == [r.title for r in from_csv.records]


def test_xlsx_sheet_is_chosen_by_name_and_a_missing_sheet_is_named(
    tmp_path: Path, project: Path
) -> None:
    path = tmp_path / "two.xlsx"
    _workbook(path, [["Title", "Authors", "Year"], ["Orchestration", "Doe, Jane", 2020]])
    code, out, _ = invoke("import", path, "--source", "S", "--sheet", "records",
                          "--project", project)  # fmt: skip
    assert code == 0 and "1 record imported" in out and "(xlsx;" in out
    code, out, _ = invoke("import", path, "--source", "T", "--sheet", "Sheet9",
                          "--project", project)  # fmt: skip
    assert code == 1 and "no sheet 'Sheet9' (its sheets: records, notes)" in out


def test_screening_sheet_accepts_yes_no_in_any_case(project: Path, tmp_path: Path) -> None:
    SCREEN_RECORDS = FIXTURES / "screening" / "records.csv"

    invoke("import", SCREEN_RECORDS, "--source", "Scopus", "--project", project)
    sheet = tmp_path / "ta.csv"
    sheet.write_text("record_id,decision\nr01,YES\nr02,no\nr03,Maybe\nr04,True\nr05,n\n")
    code, out, _ = invoke("screen", "import", sheet, "--project", project)
    assert code == 0 and "5 decisions recorded" in out
    conn = sqlite3.connect(project / "litsynth.db")
    got = dict(conn.execute("SELECT record_id, decision FROM decisions"))
    conn.close()
    assert got == {"r01": "include", "r02": "exclude", "r03": "maybe", "r04": "include",
                   "r05": "exclude"}  # fmt: skip


def test_screening_sheet_whose_rows_all_fail_is_an_error(project: Path, tmp_path: Path) -> None:
    SCREEN_RECORDS = FIXTURES / "screening" / "records.csv"

    invoke("import", SCREEN_RECORDS, "--source", "Scopus", "--project", project)
    sheet = tmp_path / "other.csv"
    sheet.write_text("record_id,decision\nx1,include\nx2,exclude\n")
    code, _out, err = invoke("screen", "import", sheet, "--project", project)
    assert code == 1
    assert "none of its 2 decided rows could be read" in err and "unknown record id 'x1'" in err


def test_xls_of_real_records_imports(tmp_path: Path, project: Path) -> None:
    """Web of Science's "Excel" export is a BIFF8 .xls; xlwt writes the same format here."""
    import csv

    xlwt = pytest.importorskip("xlwt", reason="xlwt (a dev dependency) writes the .xls")
    source = shared("data/bib/synthesisr/tests/testthat/testdata/eviatlas.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    book = xlwt.Workbook()
    sheet = book.add_sheet("savedrecs")
    sheet.write(0, 0, "Web of Science citation report")  # a preamble row, as WoS writes
    for r, row in enumerate(table, start=2):
        for c, value in enumerate(row):
            sheet.write(r, c, value[:32767])
    path = tmp_path / "savedrecs.xls"
    book.save(str(path))
    code, out, err = invoke("import", path, "--source", "WoS", "--project", project, "--json")
    assert code == 0, err
    (outcome,) = json.loads(out)
    assert (outcome["format"], outcome["n_records"]) == ("xls", len(table) - 1)


def test_counts_agree_with_their_number() -> None:
    """A one-entry export used to report "1 records imported", the first line a user reads."""
    from litsynth.words import count

    assert count(1, "record") == "1 record"
    assert count(0, "record") == "0 records"
    assert count(3, "entry", "entries") == "3 entries"


def test_a_workbook_takes_text_with_control_characters(tmp_path: Path) -> None:
    """A PDF's text layer can carry \\x01-style bytes; openpyxl refused the whole workbook."""
    from litsynth.biblio.sheet_files import read_table, write_table

    out = tmp_path / "s.xlsx"
    write_table([["record_id", "title"], ["r1", "A\x01 title\x0b with\tcontrols"]], out, title="t")
    assert read_table(out) == [["record_id", "title"], ["r1", "A title with\tcontrols"]]


def test_a_workbook_cell_is_cut_to_what_excel_holds(tmp_path: Path) -> None:
    from litsynth.biblio.sheet_files import EXCEL_CELL_MAX, read_table, write_table

    out = tmp_path / "long.xlsx"
    write_table([["record_id", "abstract"], ["r1", "word " * 10_000]], out, title="t")
    cell = read_table(out)[1][1]
    assert len(cell) <= EXCEL_CELL_MAX and cell.endswith("[cut: longer than an Excel cell holds]")
