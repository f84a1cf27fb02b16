"""Full-text linking: DOI, then title + year + first author, then Zotero file fields."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from litsynth.biblio.link import DocumentRef, file_names, link_full_texts, match_records
from litsynth.biblio.readers import import_files
from litsynth.cli import cli
from litsynth.records import BibRecord, Document, Page
from litsynth.store import biblio as store
from litsynth.store import connect
from litsynth.store import documents as doc_store

FIX = Path(__file__).resolve().parent / "fixtures" / "biblio"


def _rec(rid: str, **kw: object) -> BibRecord:
    return BibRecord(id=rid, source="Scopus", batch_id="b", **kw)  # type: ignore[arg-type]


def test_doi_then_title_then_file() -> None:
    docs = [
        DocumentRef("d1", "corpus/a.pdf", doi="10.1287/orsc.1060.0232"),
        DocumentRef(
            "d2", "corpus/b.pdf", "Value Creation in E-Business.", ("Amit, Raphael",), 2001
        ),
        DocumentRef("d3", "corpus/Teece2010.pdf"),
    ]
    records = [
        _rec("r1", doi="10.1287/orsc.1060.0232", title="something else entirely"),
        _rec("r2", title="Value creation in e-business", authors=("Amit, R.",), year=2001),
        _rec("r3", title="Business models", file="Full Text:files/9/Teece2010.pdf:application/pdf"),
        _rec("r4", title="Value creation in e-business", authors=("Zott, C.",), year=2001),
    ]
    links = {k.record_id: (k.document_id, k.method, k.score) for k in match_records(records, docs)}
    assert links["r1"] == ("d1", "doi", 1.0)
    assert links["r2"][:2] == ("d2", "title") and links["r2"][2] >= 0.92
    assert links["r3"] == ("d3", "file", 1.0)
    assert "r4" not in links  # same title, but another first author: not this paper


def test_title_match_rejects_a_distant_year_and_a_different_title() -> None:
    docs = [DocumentRef("d", "x.pdf", "Business model design", ("Zott, C.",), 2007)]
    far = _rec("a", title="Business model design", authors=("Zott, C.",), year=2015)
    other = _rec("b", title="Business model innovation", authors=("Zott, C.",), year=2007)
    assert match_records([far, other], docs) == []


def test_zotero_file_fields() -> None:
    assert file_names(
        "PDF:files/1/Smith 2019.pdf:application/pdf;Snap:files/1/s.html:text/html"
    ) == [
        "smith 2019.pdf",
        "s.html",
    ]
    assert file_names(r"C\:\\Users\\ana\\Lee2020.pdf") == ["lee2020.pdf"]


def test_link_command_stores_links_and_lists_unmatched(project: Path) -> None:
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "dupes.ris"], "Scopus")
    text = "Business models, business strategy and innovation\n\nBody."
    doc = Document(
        id="doc1",
        path="corpus/teece.txt",
        kind="text",
        text=text,
        pages=(Page(1, 0, len(text)),),
        title="Business Models, Business Strategy and Innovation",
        authors=("Teece, David J.",),
        year=2010,
    )
    doc_store.insert_document(conn, doc, [], chunker="test")
    report = link_full_texts(conn)
    assert [(k.record_id, k.method) for k in report.links] == [("scopus3", "title")]
    assert store.record_documents(conn)[0]["document_id"] == "doc1"
    assert report.sought == 6 and len(report.unmatched) == 5
    result = CliRunner().invoke(cli, ["link", "--json", "--project", str(project)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_linked"] == 1 and len(data["unmatched"]) == 5


def test_sought_follows_the_screening_log(project: Path) -> None:
    from litsynth.records import Decision
    from litsynth.store import screening_log as screening_store

    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "dupes.ris"], "Scopus")
    at = "2026-01-01T00:00:00+00:00"
    screening_store.append(
        conn,
        [
            Decision("scopus1", "title-abstract", "include", "ana", at),
            Decision("scopus2", "title-abstract", "include", "ana", at),
            Decision(
                "scopus3", "title-abstract", "exclude", "ana", at, reason="wrong study design"
            ),
            Decision("scopus2", "full-text", "not-retrieved", "ana", at),
        ],
    )
    report = link_full_texts(conn)
    assert report.sought == 2 and report.sought_rule == "included at title/abstract"
    assert [r.id for r in report.unmatched] == ["scopus1"]  # scopus2 is recorded not retrieved


def test_link_by_hand_and_unlink_survive_automatic_linking(tmp_path: Path) -> None:
    """A person's link stays, and a wrong automatic match they undo does not come back."""
    import shutil
    import sqlite3

    from click.testing import CliRunner

    from litsynth.cli import cli

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(repo / "corpus" / "002_f98a91929306a877.txt", root / "corpus" / "federated.txt")
    shutil.copy2(repo / "corpus" / "004_03019285015a147f.txt", root / "corpus" / "other.txt")
    (root / "corpus" / "documents.csv").write_text(
        "file,title,doi\nfederated.txt,Supply Chain Orchestrator,10.1000/fed.2010\n",
        encoding="utf-8",
    )
    records = tmp_path / "records.csv"
    records.write_text(
        "record_id,title,authors,year,doi\n"
        'fed,Supply Chain Orchestrator,"Doe, J",2010,10.1000/fed.2010\n'
        'oth,A record whose full text is the other file,"Roe, R",2020,\n',
        encoding="utf-8",
    )
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def links() -> set[tuple[str, str]]:
        conn = sqlite3.connect(root / "litsynth.db")
        rows = conn.execute(
            "SELECT r.record_id, d.path FROM record_documents r JOIN documents d"
            " ON d.id = r.document_id WHERE r.method != 'unlinked'"
        ).fetchall()
        conn.close()
        return set(rows)

    run("ingest")
    run("import", str(records), "--source", "Scopus")
    run("link")
    assert ("fed", "corpus/federated.txt") in links()  # matched by DOI
    run("link", "oth", "other.txt")  # by hand, by file name
    run("link", "fed", "corpus/federated.txt", "--unlink")  # a person says: not this one
    run("link")  # automatic linking again
    assert links() == {("oth", "corpus/other.txt")}
    bad = runner.invoke(cli, ["link", "nope", "other.txt", "--project", str(root)])
    assert bad.exit_code == 1 and "no record 'nope'" in bad.output


def test_link_a_downloaded_file_to_its_record_in_one_command(project: Path, tmp_path: Path) -> None:
    """`litsynth link RECORD ~/Downloads/paper.pdf`: a file the project does not hold yet is
    stored in corpus/ and ingested first, as the workspace's "Attach its full text" does."""
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "dupes.ris"], "Scopus")
    conn.close()
    download = tmp_path / "downloads" / "Teece 2010.md"
    download.parent.mkdir()
    download.write_text("# Business models\n\nBusiness models, strategy and innovation.\n")
    runner = CliRunner()
    unknown = runner.invoke(cli, ["link", "nobody", str(download), "--project", str(project)])
    assert unknown.exit_code != 0 and "no record 'nobody'" in unknown.output
    assert sorted(p.name for p in (project / "corpus").iterdir()) == []  # nothing stored
    said = runner.invoke(
        cli, ["link", "scopus3", str(download), "--project", str(project), "--json"]
    )
    assert said.exit_code == 0, said.output
    linked = json.loads(said.output)
    assert linked["linked"] and linked["file"] == "corpus/Teece 2010.md" and linked["passages"] > 0
    assert (project / "corpus" / "Teece 2010.md").read_bytes() == download.read_bytes()
    conn = connect(project / "litsynth.db")
    try:
        assert store.record_documents(conn)[0]["document_id"] == linked["document_id"]
    finally:
        conn.close()
    # the same file again links the document the project holds, and stores nothing twice
    again = runner.invoke(cli, ["link", "scopus3", str(download), "--project", str(project)])
    assert again.exit_code == 0 and "stored as" not in again.output
    assert len(list((project / "corpus").iterdir())) == 1
