"""`litsynth import --with-files`: the full texts a reference manager attached come along.

A Zotero "Export Files" folder is built here as Zotero writes it (the .bib beside
files/<n>/<name>, the `file` field naming each with its description and type); the EndNote
export is a real one from ../shared (`L1  - internal-pdf://ID/name.pdf`, several files as
continuation lines), its library's .Data/PDF folder built in its layout.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import shared
from litsynth.biblio.attachments import attachments, chosen, locate
from litsynth.cli import cli

ENDNOTE = "data/bib/synthesisr/tests/testthat/testdata/citesource_issue_24.ris"
PDF = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf"
OTHER_PDF = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf/2020.acl-main.207.pdf"


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert result.exit_code == 0, result.output + (str(result.exception) or "")
    return result.output


def zotero_export(root: Path, pdf: bytes) -> Path:
    """lib.bib and its files/ folder, as Zotero's "Export Files" writes them."""
    (root / "files" / "12").mkdir(parents=True)
    (root / "files" / "13").mkdir()
    (root / "files" / "12" / "paper.pdf").write_bytes(pdf)
    (root / "files" / "12" / "page.html").write_text("<html>landing page</html>")
    (root / "files" / "13" / "paper.pdf").write_bytes(b"%PDF-1.4 another paper")
    bib = root / "lib.bib"
    bib.write_text(
        "@article{a1, title={The first paper}, author={Doe, Jane}, year={2020}, file={Full Text"
        " PDF:files/12/paper.pdf:application/pdf;Snapshot:files/12/page.html:text/html}}\n"
        "@article{a2, title={A second paper}, author={Roe, Ann}, year={2021},"
        " file={Full Text PDF:files/13/paper.pdf:application/pdf}}\n"
        "@article{a3, title={A web one}, author={Poe, Ed}, year={2019},"
        " file={Online:https\\://example.org/x.pdf:application/pdf}}\n"
        "@article{a4, title={Gone}, author={Moe, Al}, year={2018},"
        " file={Full Text PDF:files/99/gone.pdf:application/pdf}}\n",
        encoding="utf-8",
    )
    return bib


def test_the_file_field_as_each_manager_writes_it(tmp_path: Path) -> None:
    zotero = attachments(
        "Full Text PDF:files/12/Smith 2019.pdf:application/pdf;Snapshot:files/12/x.html:text/html"
    )
    assert [(a.description, a.path) for a in zotero] == [
        ("Full Text PDF", "files/12/Smith 2019.pdf"),
        ("Snapshot", "files/12/x.html"),
    ]
    assert [a.path for a in chosen(zotero)] == ["files/12/Smith 2019.pdf"]  # not the snapshot
    endnote = attachments("internal-pdf://1935674145/Leisher-2015 fo.pdf internal-pdf://23/f1.pdf")
    assert [a.path for a in endnote] == [
        "internal-pdf://1935674145/Leisher-2015 fo.pdf",
        "internal-pdf://23/f1.pdf",
    ]
    windows = attachments("C\\:\\\\Users\\\\me\\\\Zotero\\\\x.pdf")
    assert windows[0].path == "C:\\Users\\me\\Zotero\\x.pdf"
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    # a path written on another machine is looked for by its name where the files are
    assert locate(windows[0].path, tmp_path, None) == tmp_path / "x.pdf"
    assert "web link" in str(locate("https://doi.org/x.pdf", tmp_path, None))
    assert "--files-from" in str(locate(endnote[0].path, tmp_path, None))
    assert [a.path for a in chosen(attachments("notes.xlsx;page.html"))] == ["page.html"]


def test_a_zotero_export_brings_its_pdfs_once(project: Path, tmp_path: Path) -> None:
    bib = zotero_export(tmp_path / "export", b"%PDF-1.4 the first paper")
    out = run(project, "import", str(bib), "--source", "Zotero", "--with-files")
    assert "files: 2 files copied into corpus/zotero/, 0 there already, 2 not found" in out
    assert "1 not read (web pages saved beside a PDF" in out
    assert "a3: https://example.org/x.pdf: a web link (litsynth fetches nothing)" in out
    assert "a4: files/99/gone.pdf: not in" in out
    assert "next: `litsynth ingest` reads them" in out
    corpus = project / "corpus" / "zotero"
    assert sorted(p.name for p in corpus.iterdir()) == ["paper-2.pdf", "paper.pdf"]
    assert (corpus / "paper.pdf").read_bytes() == b"%PDF-1.4 the first paper"
    again = run(project, "import", str(bib), "--source", "Zotero", "--with-files", "--json")
    files = json.loads(again)[0]["files"]
    assert files["copied"] == [] and len(files["already_there"]) == 2
    assert {m["record_id"] for m in files["missing"]} == {"a3", "a4"}
    # without the flag nothing is copied, and --files-from alone is refused
    result = CliRunner().invoke(
        cli, ["import", str(bib), "--source", "Z", "--files-from", str(tmp_path), "--project",
              str(project)],
    )  # fmt: skip
    assert result.exit_code == 1 and "--files-from goes with --with-files" in result.output


def test_an_endnote_export_finds_its_pdfs_in_the_library_folder(
    project: Path, tmp_path: Path
) -> None:
    ris = shared(ENDNOTE)
    library = tmp_path / "MyLibrary.Data" / "PDF"
    (library / "1935674145").mkdir(parents=True)
    pdf = library / "1935674145" / "Leisher-2015-Does the gender composition of fo.pdf"
    pdf.write_bytes(b"%PDF-1.4 Leisher 2015")
    out = run(project, "import", str(ris), "--source", "EndNote", "--with-files")
    assert "0 files copied" in out and "give --files-from LIBRARY.Data/PDF" in out
    out = run(
        project, "import", str(ris), "--source", "EndNote", "--with-files",
        "--files-from", str(library),
    )  # fmt: skip
    assert "1 file copied into corpus/endnote/, 0 there already, 4 not found" in out
    assert (project / "corpus" / "endnote" / pdf.name).read_bytes() == b"%PDF-1.4 Leisher 2015"


def test_copied_pdfs_are_read_and_linked_to_their_records(project: Path, tmp_path: Path) -> None:
    """The whole way: import with files, ingest, link; the copy is linked by its file name."""
    bib = zotero_export(tmp_path / "export", shared(PDF).read_bytes())
    run(project, "import", str(bib), "--source", "Zotero", "--with-files")
    run(project, "ingest")
    links = json.loads(run(project, "link", "--json"))["links"]
    assert [(link["record_id"], link["method"]) for link in links] == [("a1", "file")]


def test_a_second_export_of_the_same_name_keeps_its_own_files(
    project: Path, tmp_path: Path
) -> None:
    first = zotero_export(tmp_path / "one", b"%PDF-1.4 one")
    second = zotero_export(tmp_path / "two", shared(OTHER_PDF).read_bytes())
    second.write_text(second.read_text().replace("a1,", "b1,").replace("a2,", "b2,"))
    out = run(
        project, "import", str(first), str(second), "--source", "Zotero", "--with-files", "--json"
    )
    one, two = json.loads(out)
    assert len(one["files"]["copied"]) == 2 and len(two["files"]["copied"]) == 1
    assert len(two["files"]["already_there"]) == 1  # files/13/paper.pdf: the same bytes
