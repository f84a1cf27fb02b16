"""Importing exports: formats, encodings, ids, rejections, batches and re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio.readers import build_batch, decode_bytes, detect_format, import_files
from litsynth.cli import cli
from litsynth.errors import BiblioError
from litsynth.store import biblio as store
from litsynth.store import connect

FIX = Path(__file__).resolve().parent / "fixtures" / "biblio"


def test_csv_sheet_keeps_record_ids_and_normalises_fields() -> None:
    batch = build_batch((FIX / "screening_sheet.csv").read_bytes(), "sheet.csv", "Scopus")
    by_id = {r.id: r for r in batch.records}
    assert list(by_id) == ["s1", "s2", "s3", "s5"]
    s1 = by_id["s1"]
    assert s1.title == "Nudging physicians towards guideline adherence"  # trailing period gone
    assert s1.year == 2019  # "2019a"
    assert s1.doi == "10.1000/abc.1"  # resolver prefix and case gone
    assert s1.authors == ("Smith, John", "van der Berg, Anna")
    assert by_id["s2"].title == "Defaults and prescribing"  # html tag and spaces gone
    assert by_id["s2"].authors == ("Lee, J", "Park, SH")  # PubMed "Lee J, Park SH"
    assert by_id["s2"].doi == "10.1000/xyz"
    assert by_id["s5"].year is None  # "faulty year"
    assert by_id["s3"].extra["duplicate_record_id"] == "s1"
    assert by_id["s1"].extra == {"label_included": "1"}
    [bad] = batch.rejected
    assert bad.line == 5 and "6 cells" not in bad.reason and "10 cells" in bad.reason


def test_reimport_same_file_same_source_is_a_noop(project: Path) -> None:
    conn = connect(project / "litsynth.db")
    first = import_files(conn, [FIX / "screening_sheet.csv"], "Scopus")
    again = import_files(conn, [FIX / "screening_sheet.csv"], "Scopus")
    assert first[0].n_records == 4 and not first[0].already_imported
    assert again[0].already_imported and again[0].batch_id == first[0].batch_id
    assert store.count_by_source(conn) == {"Scopus": 4}
    assert len(store.batches(conn)) == 1
    [rej] = store.rejected_entries(conn)
    assert rej["line"] == 5 and rej["file_name"].endswith("screening_sheet.csv")


def test_same_file_from_another_source_gets_namespaced_ids(project: Path) -> None:
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "screening_sheet.csv"], "Scopus")
    [other] = import_files(conn, [FIX / "screening_sheet.csv"], "Web of Science")
    assert other.renamed["s1"] == "s1@web-of-science"
    assert store.count_by_source(conn) == {"Scopus": 4, "Web of Science": 4}
    assert store.get_record(conn, "s1@web-of-science") is not None


def test_decode_utf8_bom_latin1_and_gbk() -> None:
    assert decode_bytes("\ufeffTY  - JOUR".encode()) == ("TY  - JOUR", "utf-8-sig")
    text, enc = decode_bytes("Título: Müller".encode("latin-1"), None)
    assert text == "Título: Müller" and enc != "utf-8"
    gbk = (FIX / "gbk.bib").read_bytes()
    text, enc = decode_bytes(gbk)
    assert "供应链协同与价值创造" in text and enc in {"gbk", "gb2312", "gb18030"}
    assert decode_bytes(gbk, "gbk")[0] == text


def test_named_wrong_encoding_is_a_clear_error() -> None:
    with pytest.raises(BiblioError, match="not valid utf-8"):
        decode_bytes("Müller".encode("latin-1"), "utf-8")


@pytest.mark.parametrize("name", ["utf-9", "\x00", "utf\x008", "rot13", "base64"])
def test_an_encoding_that_is_no_text_codec_is_a_clear_error(name: str) -> None:
    """A NUL in the name (the workspace's contract test sent one) made Python's codec lookup
    raise ValueError, a 500 from the Records screen, where an unknown name was a clear error."""
    with pytest.raises(BiblioError, match="unknown encoding"):
        decode_bytes(b"TY  - JOUR\n", name)


@pytest.mark.parametrize(
    ("text", "name", "fmt"),
    [
        ("TY  - JOUR\nTI  - x\nER  - \n", "a.txt", "ris"),
        ("1.\nTY  - JOUR\nER  - \n", "a.txt", "ris"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI x\nER\n", "a.txt", "wos"),
        ("PMID- 123\nTI  - x\n", "a.txt", "medline"),
        ("% comment\n@article{k, title={x}}\n", "a.txt", "bibtex"),
        ("title,abstract\nx,y\n", "a.txt", "csv"),
        ("", "empty.bib", "bibtex"),
    ],
)
def test_format_from_content(text: str, name: str, fmt: str) -> None:
    assert detect_format(text, name) == fmt


def test_import_cli_reports_rejections_and_noop(project: Path) -> None:
    runner = CliRunner()
    args = [
        "import",
        str(FIX / "screening_sheet.csv"),
        "--source",
        "PubMed",
        "--project",
        str(project),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "4 records imported, 1 rejected" in result.output
    assert "line 5: row has 10 cells but the header has 9" in result.output
    again = runner.invoke(cli, [*args, "--json"])
    assert json.loads(again.output)[0]["already_imported"] is True


def test_bibtex_keeps_sound_entries_and_names_broken_ones() -> None:
    batch = build_batch((FIX / "broken.bib").read_bytes(), "broken.bib", "Zotero")
    # Issue 9: a repeated key is another record (here another title), kept under a derived id.
    teece, repeated, muller = batch.records
    assert repeated.id == "Teece2010@zotero" and repeated.title == "A repeated key"
    assert teece.id == "Teece2010" and teece.doi == "10.1016/j.lrp.2009.07.003"
    assert teece.file == "Full Text PDF:files/12/Teece2010.pdf:application/pdf"
    assert muller.title == "DNA and orchestration in Supply Chains"  # LaTeX decoded
    assert muller.authors == ("Müller, Jörg", "van der Berg, Anna")
    assert (muller.year, muller.doc_type) == (2019, "inproceedings")
    assert [(r.line, r.reason.split(":")[0]) for r in batch.rejected] == [
        (17, "malformed BibTeX entry"),
    ]


def test_ris_spacing_variants_missing_end_tag_and_empty_entry() -> None:
    batch = build_batch((FIX / "malformed.ris").read_bytes(), "malformed.ris", "Ovid")
    assert [r.id for r in batch.records] == ["good1", "spaced", "truncated"]
    good, spaced, _ = batch.records
    assert (good.year, good.doi) == (2006, "10.5465/amr.2006.21318922")
    assert spaced.authors == ("Snyder, Hannah",) and spaced.year is None
    assert [(r.line, r.reason) for r in batch.rejected] == [
        (12, "entry has no title, abstract, authors or DOI")
    ]
    assert batch.report["warnings"] == ["line 24: entry has no ER end tag; kept as read"]


def test_wos_tagged_and_medline() -> None:
    [wos] = build_batch((FIX / "wos_sample.txt").read_bytes(), "x.txt", "WoS").records
    assert wos.title.endswith("dynamic perspective on value creation and value capture")
    assert wos.authors[0] == "Dyer, Jeffrey H." and wos.year == 2018
    assert wos.keywords == ("relational view", "value creation")
    assert wos.extra["accession_number"] == "WOS:000449474300002"
    pubmed = build_batch((FIX / "pubmed_sample.nbib").read_bytes(), "x.nbib", "PubMed")
    [moher] = pubmed.records
    assert moher.title.startswith("Preferred reporting items") and moher.title.endswith("statement")
    assert moher.doi == "10.1371/journal.pmed.1000097" and moher.year == 2009
    assert moher.authors == ("Moher, David", "Liberati, Alessandro")
    assert [r.line for r in pubmed.rejected] == [20]


def test_an_unreadable_file_does_not_stop_the_others(project: Path, tmp_path: Path) -> None:
    odd = tmp_path / "notes.dat"
    odd.write_text("just some prose without any structure\n", encoding="utf-8")
    args = ["import", str(odd), str(FIX / "dupes.ris"), "--source", "Scopus"]
    result = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert result.exit_code == 1
    assert (
        "notes.dat: not imported: " in result.output and "cannot tell the format" in result.output
    )
    assert "dupes.ris: 6 records imported" in result.output
    assert "1 of 2 files could not be imported" in result.output
