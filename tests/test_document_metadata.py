"""Documents take their citation facts from their linked record (documents.csv wins, the file's
own metadata is the fallback), and labels follow a link or an unlink without a re-ingest."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli
from litsynth.store.documents import effective_metadata

REPO = Path(__file__).resolve().parent.parent


def test_sidecar_wins_then_record_then_file() -> None:
    file_meta = {"title": "paper.pdf title", "authors": ["File, F"], "year": None, "venue": "",
                 "doi": ""}  # fmt: skip
    record = {"id": "r1", "title": "Record title", "authors": ["Doe, Jane"], "year": 2019,
              "journal": "J Ops", "doi": "10.1/x"}  # fmt: skip
    values, sources = effective_metadata(file_meta, {"year": 2020}, record)
    assert values == {"title": "Record title", "authors": ["Doe, Jane"], "year": 2020,
                      "venue": "J Ops", "doi": "10.1/x"}  # fmt: skip
    assert sources == {"title": "record r1", "authors": "record r1", "year": "documents.csv",
                       "venue": "record r1", "doi": "record r1"}  # fmt: skip
    assert effective_metadata(file_meta, {}, None) == (file_meta, {})
    blank = {**record, "authors": [], "year": None}
    values, sources = effective_metadata(file_meta, {}, blank)
    assert values["authors"] == ["File, F"] and "authors" not in sources  # blank never wins


def _labels(root: Path) -> dict[str, str]:
    from litsynth.store.analysis import document_labels

    conn = sqlite3.connect(root / "litsynth.db")
    conn.row_factory = sqlite3.Row
    try:
        by_id = document_labels(conn)
        paths = dict(conn.execute("SELECT id, path FROM documents").fetchall())
    finally:
        conn.close()
    return {paths[i].rsplit("/", 1)[-1]: label for i, label in by_id.items()}


def test_link_relabels_documents_without_reingest(tmp_path: Path) -> None:
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(REPO / "corpus" / "002_f98a91929306a877.txt", root / "corpus" / "federated.txt")
    shutil.copy2(REPO / "corpus" / "004_03019285015a147f.txt", root / "corpus" / "other.txt")
    (root / "corpus" / "documents.csv").write_text("file,year\nother.txt,2021\n", encoding="utf-8")
    records = tmp_path / "records.csv"
    records.write_text(
        "record_id,title,authors,year,doi,journal\n"
        'fed,Federated orchestration,"Doe, Jane; Roe, Rick",2010,10.1000/fed.2010,J Ops\n'
        'oth,The other study,"Poe, Edgar",2019,,\n',
        encoding="utf-8",
    )
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("ingest")
    run("import", str(records), "--source", "Scopus")
    before = _labels(root)
    assert before["other.txt"].endswith("(2021)")  # documents.csv's year
    run("link", "fed", "federated.txt")
    run("link", "oth", "other.txt")
    after = _labels(root)
    assert after["federated.txt"] == "Doe & Roe (2010)"
    assert after["other.txt"] == "Poe (2021)"  # the record's author, the person's year
    conn = sqlite3.connect(root / "litsynth.db")
    venue, doi = conn.execute(
        "SELECT venue, doi FROM documents WHERE path LIKE '%federated.txt'"
    ).fetchone()
    conn.close()
    assert (venue, doi) == ("J Ops", "10.1000/fed.2010")
    run("link", "fed", "federated.txt", "--unlink")
    assert _labels(root)["federated.txt"] == before["federated.txt"]  # back to the file's own
    run("ingest")  # an unchanged corpus keeps what the links gave
    assert _labels(root)["other.txt"] == "Poe (2021)"


def test_pdf_info_gives_authors_and_doi_as_fallback() -> None:
    from pypdf import PdfReader

    from litsynth.ingest.pdf import pdf_info

    acl = shared("data/pdfs/scholarly/papermage/tests/fixtures/2020.acl-main.447.pdf")
    authors, doi = pdf_info(PdfReader(acl))
    assert authors[:3] == ("Kyle Lo", "Lucy Lu Wang", "Mark Neumann")  # "/Author" split on ";"
    assert doi == ""  # its /Subject is "acl 2020": no DOI invented
    arxiv = acl.with_name("2203.00130v1.pdf")
    assert pdf_info(PdfReader(arxiv)) == ((), "")  # no /Author at all


@pytest.mark.parametrize(
    ("fields", "doi"),
    [
        ({"/Keywords": "supply chains;doi:10.1016/J.ABC.2020.01.001;platforms"},
         "10.1016/j.abc.2020.01.001"),
        ({"/Subject": "Int. J. Prod. Econ. (2021), https://doi.org/10.1016/j.ijpe.2021.108 ."},
         "10.1016/j.ijpe.2021.108"),
        ({"/doi": "10.1145/3411764.3445372 [doi]"}, "10.1145/3411764.3445372"),
        ({"/Subject": "acl 2020, 10 pages"}, ""),
    ],
)  # fmt: skip
def test_pdf_info_reads_a_doi_as_every_stage_compares_them(
    fields: dict[str, str], doi: str
) -> None:
    """The DOI in the document info is cut at a keyword separator and normalised like any DOI."""
    import io

    from pypdf import PdfReader, PdfWriter

    from litsynth.ingest.pdf import pdf_info

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata(fields)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert pdf_info(PdfReader(buffer)) == ((), doi)
