"""Data extraction: a YAML form, a sheet per review (CSV or XLSX), values checked against the
form, and the characteristics-of-included-studies table in the report and as a sheet."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio.extraction import check_value, parse_form
from litsynth.cli import cli
from litsynth.errors import BiblioError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORM = """\
fields:
  - id: design
    label: Study design
    type: choice
    values: [case study, survey, conceptual]
    help: As the authors report it.
  - id: n
    label: Participants
    type: integer
  - id: countries
    type: multi
    values: [NL, DE, US]
  - id: digital
    type: boolean
"""


def invoke(project: Path, *args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def review(two_included: Path) -> Path:
    (two_included / "extraction.yaml").write_text(FORM, encoding="utf-8")
    return two_included


def test_form_mistakes_name_the_field() -> None:
    with pytest.raises(BiblioError, match=r"field 1 \(design\): a choice field needs its values"):
        parse_form("fields:\n  - id: design\n    type: choice\n", "f.yaml")
    with pytest.raises(BiblioError, match=r"field 2 \(a\): the id is used twice"):
        parse_form("fields:\n  - id: a\n  - id: a\n", "f.yaml")
    with pytest.raises(BiblioError, match="unknown type 'date'"):
        parse_form("fields:\n  - id: when\n    type: date\n", "f.yaml")
    with pytest.raises(BiblioError, match="not a sheet column"):
        parse_form("fields:\n  - id: record_id\n", "f.yaml")


def test_values_are_checked_and_normalised() -> None:
    form = parse_form(FORM, "f.yaml")
    design, n, countries, digital = form.fields
    assert check_value(design, "Case Study") == ("case study", "")
    assert check_value(design, "RCT")[1] == "'RCT' is not one of: case study, survey, conceptual"
    assert check_value(n, "12") == ("12", "") and "not a whole number" in check_value(n, "1.5")[1]
    assert check_value(countries, "nl; us") == ("NL; US", "")
    assert check_value(digital, "TRUE") == ("yes", "") and check_value(digital, "N") == ("no", "")


def test_sheet_round_trip_and_table(review: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "extraction.csv"
    code, out, _ = invoke(review, "extract", "export", sheet)
    assert code == 0 and "2 included studies x 4 fields" in out
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "record_id,study,title,design,n,countries,digital"
    assert [ln.split(",")[0] for ln in lines[1:]] == ["r01", "r02"]  # r03 was excluded
    bad = tmp_path / "bad.csv"
    bad.write_text(lines[0] + "\nr01,,,survey,twelve,NL,yes\nr03,,,survey,3,,\n")
    code, out, err = invoke(review, "extract", "import", bad)
    assert code == 1 and "nothing recorded" in err
    assert "line 2, n: 'twelve' is not a whole number" in out
    assert "line 3, record_id: 'r03' is not an included study" in out
    good = tmp_path / "good.csv"
    good.write_text(lines[0] + "\nr01,,,Survey,120,nl;de,yes\nr02,,,conceptual,,,no\n")
    code, out, _ = invoke(review, "extract", "import", good, "--reviewer", "ana")
    assert code == 0 and "6 values recorded (0 unchanged)" in out
    code, out, _ = invoke(review, "extract", "import", good, "--reviewer", "ana")
    assert "0 values recorded (6 unchanged)" in out
    code, out, _ = invoke(review, "extract", "table", "--json")
    table = json.loads(out)
    assert table["header"] == ["Study", "Study design", "Participants", "Countries", "Digital"]
    assert sorted(table["rows"])[1][1:] == ["survey", "120", "NL; DE", "yes"] or sorted(
        table["rows"]
    )[0][1:] == ["survey", "120", "NL; DE", "yes"]
    xlsx = tmp_path / "studies.xlsx"
    assert invoke(review, "extract", "table", "--out", xlsx)[0] == 0
    from openpyxl import load_workbook

    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][0] == "Study" and len(rows) == 3
    conn = sqlite3.connect(review / "litsynth.db")
    who = {r[0] for r in conn.execute("SELECT reviewer FROM extraction_values")}
    conn.close()
    assert who == {"ana"}


def test_xlsx_sheet_has_drop_downs_and_imports_back(review: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = tmp_path / "extraction.xlsx"
    assert invoke(review, "extract", "export", sheet)[0] == 0
    wb = load_workbook(sheet)
    ws = wb.active
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"case study,survey,conceptual"' in formulas and '"yes,no"' in formulas
    assert "As the authors report it." in ws["D1"].comment.text
    ws["D2"] = "case study"
    ws["E2"] = 7
    wb.save(sheet)
    code, out, _ = invoke(review, "extract", "import", sheet)
    assert code == 0 and "2 values recorded" in out


def test_report_shows_the_characteristics_table(review: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("record_id,design\nr01,case study\n")
    assert invoke(review, "extract", "import", good)[0] == 0
    corpus = Path(__file__).resolve().parent.parent / "corpus" / "004_03019285015a147f.txt"
    (review / "corpus" / "doc.txt").write_bytes(corpus.read_bytes())
    assert invoke(review, "ingest")[0] == 0
    code, _, err = invoke(review, "report")
    assert code == 0, err
    html = (review / "report" / "index.html").read_text(encoding="utf-8")
    assert "Characteristics of included studies" in html
    assert "<td>case study</td>" in html
    assert "Records identified from databases" in html  # PRISMA table in the template's words
    assert "<th>database_results</th>" not in html


def test_a_sheet_saved_by_excel_in_cp1252_keeps_its_accents(review: Path, tmp_path: Path) -> None:
    (review / "extraction.yaml").write_text(
        FORM + "  - id: setting\n    type: text\n", encoding="utf-8"
    )
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes(
        "record_id;setting\nr01;Hospitals in São Paulo and Brasília\n".encode("cp1252")
    )
    code, _out, err = invoke(review, "extract", "import", sheet)
    assert code == 0, err
    conn = sqlite3.connect(review / "litsynth.db")
    (value,) = conn.execute(
        "SELECT value FROM extraction_values WHERE field = 'setting'"
    ).fetchone()
    conn.close()
    assert value == "Hospitals in São Paulo and Brasília"


def test_extract_init_writes_a_form_of_every_type_and_never_overwrites(project: Path) -> None:
    """Without a form, `extract export` could only point at the docs; now it names `init`."""
    code, out, err = invoke(project, "extract", "export", project / "e.csv")
    assert code == 1 and "litsynth extract init" in out + err
    code, out, _ = invoke(project, "extract", "init")
    assert code == 0 and "extraction.yaml" in out
    form = parse_form((project / "extraction.yaml").read_text(encoding="utf-8"), "starter")
    assert {f.type for f in form.fields} == {"text", "integer", "number", "choice", "multi",
                                             "boolean"}  # fmt: skip
    code, out, err = invoke(project, "extract", "init")
    assert code == 1 and "already exists" in out + err


def test_the_sheet_and_the_workspace_name_each_study_s_full_text(
    review: Path, tmp_path: Path
) -> None:
    """Data are read from the paper: once a study is linked to its document, the sheet ends
    in a full_text column naming the file (read back as nothing), and the workspace's
    extraction screen links the study to it in the reader."""
    (review / "corpus" / "r01.md").write_text("# Defaults\n\nOrder sets nudged.\n", "utf-8")
    assert invoke(review, "ingest")[0] == 0
    assert invoke(review, "link", "r01", "corpus/r01.md")[0] == 0
    sheet = tmp_path / "extraction.csv"
    assert invoke(review, "extract", "export", sheet)[0] == 0
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "record_id,study,title,design,n,countries,digital,full_text"
    rows = {line.split(",", 1)[0]: line for line in lines[1:]}
    assert rows["r01"].endswith("r01.md") and rows["r02"].endswith(",")
    filled = sheet.read_text(encoding="utf-8-sig").replace(",,,,,\n", ",survey,,,,\n", 1)
    sheet.write_text(filled, encoding="utf-8")
    code, out, _ = invoke(review, "extract", "import", sheet)
    assert code == 0 and "not a field" not in out
    with pytest.raises(BiblioError, match="not a sheet column"):
        parse_form("fields:\n  - id: full_text\n", "f.yaml")
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    host = "127.0.0.1:8765"
    client = TestClient(create_app(open_project(review), allowed_hosts=(host,)),
                        base_url=f"http://{host}")  # fmt: skip
    studies = {s["record_id"]: s for s in client.get("/api/extraction").json()["studies"]}
    (document,) = studies["r01"]["full_texts"]
    assert document and studies["r02"]["full_texts"] == []
