"""`litsynth export records`: records out with the review's decisions, and back in unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDS = FIXTURES / "screening" / "records.csv"
FIELDS = ("id", "title", "abstract", "authors", "year", "doi", "journal")


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def screened(project: Path, tmp_path: Path) -> Path:
    run(project, "import", str(RECORDS), "--source", "Scopus")
    ta = tmp_path / "ta.csv"
    ta.write_text(
        "record_id,decision,reason\nr01,include,\nr02,include,\nr03,exclude,not about nudging\n",
        encoding="utf-8",
    )
    run(project, "screen", "import", str(ta))
    ft = tmp_path / "ft.csv"
    ft.write_text("record_id,decision,reason\nr01,include,\nr02,exclude,wrong design\n")
    run(project, "screen", "import", str(ft), "--stage", "full-text")
    return project


def _records(root: Path) -> dict[str, tuple[object, ...]]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        rows = conn.execute(f"SELECT {', '.join(FIELDS)} FROM records").fetchall()
        return {r[0]: tuple(r) for r in rows}
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["ris", "bib", "csv", "xlsx"])
def test_export_then_import_into_a_fresh_project_keeps_records(
    screened: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"all.{fmt}"
    assert "Wrote 12 records" in run(screened, "export", "records", "--stage", "all",
                                     "--format", fmt, "--out", str(out))  # fmt: skip
    fresh = tmp_path / "fresh"
    (fresh / "corpus").mkdir(parents=True)
    (fresh / "litsynth.toml").write_text("[project]\nname = 'fresh'\n", encoding="utf-8")
    run(fresh, "import", str(out), "--source", "Scopus")
    assert _records(fresh) == _records(screened)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        cells = load_workbook(out).active.iter_rows(values_only=True)
        text = "\n".join(",".join(str(c) for c in row if c is not None) for row in cells)
    else:
        text = out.read_text(encoding="utf-8-sig")
    assert "not about nudging" in text and "wrong design" in text  # decisions travel along


def test_stages_select_what_the_review_decided(screened: Path, tmp_path: Path) -> None:
    counts = {}
    for stage in ("title-abstract", "full-text", "included", "all"):
        out = tmp_path / f"{stage}.csv"
        run(screened, "export", "records", "--stage", stage, "--format", "csv", "--out", str(out))
        counts[stage] = len(out.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert counts == {"title-abstract": 2, "full-text": 2, "included": 1, "all": 12}
    included = (tmp_path / "included.csv").read_text(encoding="utf-8-sig")
    assert "r01" in included and ",include," in included


def test_reviewers_notes_travel_with_the_decisions(screened: Path, tmp_path: Path) -> None:
    import csv

    notes = tmp_path / "notes.csv"
    notes.write_text(
        "record_id,decision,reason,note\nr01,include,,conference abstract only\n", encoding="utf-8"
    )
    run(screened, "screen", "import", str(notes), "--reviewer", "ben")
    out = tmp_path / "ta.csv"
    run(screened, "export", "records", "--stage", "title-abstract", "--out", str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["record_id"]: r for r in csv.DictReader(fh)}
    assert rows["r01"]["title_abstract_notes"] == "ben: conference abstract only"
    assert rows["r02"]["title_abstract_notes"] == "" and rows["r01"]["full_text_notes"] == ""
    ris = tmp_path / "ta.ris"
    run(screened, "export", "records", "--stage", "title-abstract", "--out", str(ris))
    assert "title/abstract notes: ben: conference abstract only" in ris.read_text(encoding="utf-8")


def test_xlsx_export_has_the_columns_and_escapes_formulas(project: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    run(project, "import", str(FIXTURES / "hardening" / "formula.ris"), "--source", "S")
    out = tmp_path / "all.xlsx"
    run(project, "export", "records", "--stage", "all", "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("record_id", "title", "authors")
    titles = {r[0]: r[1] for r in rows[1:]}
    assert str(titles["evil1"]).startswith("'=HYPERLINK")


@pytest.mark.parametrize("name, magic", [("r.xlsx", b"PK\x03\x04"), ("r.bib", b"@"),
                                         ("r.ris", b"TY  -")])  # fmt: skip
def test_the_out_name_chooses_the_format(
    screened: Path, tmp_path: Path, name: str, magic: bytes
) -> None:
    """`--out records.xlsx` without --format wrote RIS text that Excel cannot open."""
    out = tmp_path / name
    run(screened, "export", "records", "--stage", "all", "--out", str(out))
    assert out.read_bytes().lstrip(b"\xef\xbb\xbf").lstrip().startswith(magic)


def test_an_out_name_without_a_known_ending_asks_for_the_format(
    screened: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["export", "records", "--out", str(tmp_path / "r.dat"),
                                      "--project", str(screened)])  # fmt: skip
    assert result.exit_code == 1 and "cannot tell the format from the name 'r.dat'" in result.output


def test_a_control_character_in_an_export_does_not_stop_the_workbook(
    project: Path, tmp_path: Path
) -> None:
    """openpyxl refuses a whole workbook over one \\x02 byte, which database exports carry."""
    ris = tmp_path / "ctl.ris"
    ris.write_text("TY  - JOUR\nTI  - A title\x02 with a control byte\nAB  - Text\x0b.\nER  - \n")
    run(project, "import", str(ris), "--source", "Scopus")
    out = tmp_path / "all.xlsx"
    written = run(project, "export", "records", "--stage", "all", "--out", str(out))
    assert "Wrote 1 record" in written
    from openpyxl import load_workbook

    titles = [row[1] for row in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["A title with a control byte"]


def test_the_file_may_be_named_first_as_screen_export_takes_it(
    screened: Path, tmp_path: Path
) -> None:
    """`litsynth export records included.ris` answered "Missing option '--out'", while `screen
    export ta.xlsx` takes its sheet that way."""
    out = tmp_path / "included.ris"
    assert "Wrote 1 record (included)" in run(screened, "export", "records", str(out))
    assert "ID  - r01" in out.read_text(encoding="utf-8")
    none = CliRunner().invoke(cli, ["export", "records", "--project", str(screened)])
    assert none.exit_code == 1 and "no file to write" in none.output
    both = CliRunner().invoke(
        cli, ["export", "records", "a.ris", "--out", "b.ris", "--project", str(screened)]
    )
    assert both.exit_code == 1 and "two files to write" in both.output


def test_a_reference_list_needs_volume_issue_and_pages_and_they_travel(
    project: Path, tmp_path: Path
) -> None:
    """The RIS and BibTeX written for Zotero or EndNote dropped volume, issue and pages (and
    Scopus's work type): the included studies came back unfit for a reference list."""
    from litsynth.biblio.readers import build_batch
    from litsynth.biblio.record_fields import issue_of, pages_of, volume_of, work_type

    ris = tmp_path / "scopus.ris"
    ris.write_text(
        "TY  - JOUR\nID  - s1\nTI  - The role of wildfire\nAU  - Rota, C.T.\nPY  - 2014\n"
        "T2  - PLoS ONE\nVL  - 9\nIS  - 4\nSP  - 47\nEP  - 65\nM3  - Erratum\nER  - \n",
        encoding="utf-8",
    )
    run(project, "import", str(ris), "--source", "Scopus")
    for fmt in ("ris", "bib", "csv"):
        out = tmp_path / f"out.{fmt}"
        run(project, "export", "records", str(out), "--stage", "all")
        (again,) = build_batch(out.read_bytes(), out.name, "Zotero").records
        assert (volume_of(again.extra), issue_of(again.extra)) == ("9", "4"), fmt
        assert pages_of(again.extra).replace("--", "-").replace("–", "-") == "47-65", fmt
        if fmt != "bib":  # BibTeX has no field for a database's work type
            assert work_type(again.doc_type, again.extra) == "Erratum", fmt


def test_the_records_still_to_retrieve_are_a_list_to_fetch(screened: Path, tmp_path: Path) -> None:
    """`link` listed the sought records without a full text, but only on the screen; the list
    goes to a reference manager, which finds the PDFs."""
    ta = tmp_path / "more.csv"
    ta.write_text("record_id,decision\nr04,include\nr05,include\n", encoding="utf-8")
    run(screened, "screen", "import", str(ta))
    (screened / "corpus" / "r05.md").write_text("# Reminders\n\nPrompts.\n", encoding="utf-8")
    run(screened, "ingest")
    run(screened, "link", "r05", "corpus/r05.md")
    out = tmp_path / "to-retrieve.ris"
    # r01 and r02 have their full-text decisions, r05 its document: r04 is the one to find
    assert "Wrote 1 record (to-retrieve)" in run(
        screened, "export", "records", str(out), "--stage", "to-retrieve"
    )
    assert "ID  - r04" in out.read_text(encoding="utf-8")
    assert "--stage to-retrieve" in run(screened, "link")


def test_a_linked_full_text_travels_for_the_reference_manager(tmp_path: Path) -> None:
    """A record with its PDF (here a text) linked: RIS `L1` and BibTeX `file` name the file,
    absolute, so Zotero or JabRef attaches it as it imports the record; sheets list it."""
    import csv

    from conftest import corpus_project, link_a_record

    root = corpus_project(tmp_path, (b"A federated supply chain, coordinated.\n", "fed.txt"))
    link_a_record(root, 'fed,The federated supply chain,"Doe, J",2010', "fed.txt")
    full_text = str((root / "corpus" / "fed.txt").resolve())
    outs = {fmt: tmp_path / f"all.{fmt}" for fmt in ("ris", "bib", "csv")}
    for out in outs.values():
        done = CliRunner().invoke(cli, ["export", "records", str(out), "--stage", "all",
                                        "--project", str(root)])  # fmt: skip
        assert done.exit_code == 0, done.output
    assert f"L1  - {full_text}" in outs["ris"].read_text(encoding="utf-8")
    assert f"file = {{{full_text}}}" in outs["bib"].read_text(encoding="utf-8")
    with outs["csv"].open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["full_text"] == "corpus/fed.txt"  # as the store has it, relative to the project
