"""`litsynth import` without --source: the database read from the export's own records, on
real exports of the databases and of the tools that pass them on, and refused, with the
option named, where the records do not say or say several."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import shared
from litsynth.biblio.export_source import alike_sources, could_be, database_name, export_source
from litsynth.biblio.readers import import_files, read_entries
from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.cli import cli
from litsynth.errors import BiblioError
from litsynth.store import biblio as store
from litsynth.store import connect

FIX = Path(__file__).resolve().parent / "fixtures" / "biblio"


def named(path: Path) -> str:
    fmt, _encoding, result = read_entries(path.read_bytes(), path.name)
    return export_source(fmt, result).name


@pytest.mark.parametrize(
    ("name", "database"),
    [
        ("cff/scopus.ris", "Scopus"),  # DB  - Scopus
        ("cff/eric-ovid.ris", "ERIC"),  # Ovid's numbered entries, DB  - ERIC
        ("cff/cinahl.ris", "Academic Search Premier"),  # EBSCOhost's code "aph"
        ("cff/cinahl.csv", "Academic Search Premier"),  # its link's db=aph
        ("cff/cochrane.csv", "Cochrane Library"),  # "Database Name": CENTRAL
        ("cff/embase-article.ris", "Embase"),  # "DB  - Medline", yet an embase.com link
        ("cff/embase-excel.csv", "Embase"),
        ("cff/eppireviewer.ris", "Embase"),  # a tool's export of an Embase search
        ("cff/pubmed.nbib", "PubMed"),
        ("cff/pubmed.csv", "PubMed"),
        ("cff/lens.csv", "Lens.org"),
        ("cff/openalex.csv", "OpenAlex"),
        ("exports/dimensions.csv", "Dimensions"),
        ("exports/ieee.csv", "IEEE Xplore"),
        ("exports/wos-tab.txt", "Web of Science"),  # UTF-16 tab-delimited, UT WOS:…
        ("wos_sample.txt", "Web of Science"),
    ],
)
def test_a_database_export_names_its_database(name: str, database: str) -> None:
    assert named(FIX / name) == database


@pytest.mark.parametrize("name", ["cff/googlescholar.csv", "cff/covidence.csv", "gbk.bib"])
def test_an_export_that_names_no_database_is_refused_with_the_option(name: str) -> None:
    with pytest.raises(BiblioError, match="cannot tell which database") as raised:
        named(FIX / name)
    assert "--source" in (raised.value.hint or "")


def ris(*databases: str) -> str:
    return "".join(
        f"TY  - JOUR\nTI  - Paper {i}\nAU  - Doe, J.\n"
        + (f"DB  - {db}\n" if db else "")
        + "ER  - \n\n"
        for i, db in enumerate(databases)
    )


def read(text: str) -> tuple[str, ReadResult]:
    fmt, _encoding, result = read_entries(text.encode(), "export.ris")
    return fmt, result


def test_a_library_of_several_searches_is_refused_not_counted_under_one() -> None:
    with pytest.raises(BiblioError, match=r"more than one database \(Scopus 2, Embase 1\)"):
        export_source(*read(ris("Scopus", "Scopus", "Embase")))
    with pytest.raises(BiblioError, match="its records name none"):
        export_source(*read(ris("<2021>", " ")))  # a field that holds no name
    with pytest.raises(BiblioError, match="only 8 of 10 records name a database"):
        export_source(*read(ris(*["Scopus"] * 8, "", "")))
    nine = export_source(*read(ris(*["Scopus"] * 9, "")))  # 90 % name it, none another
    assert (nine.name, nine.evidence) == ("Scopus", "DB field: 9 of 10 records")


def test_the_first_database_of_a_record_is_its_own() -> None:
    """Embase writes "DB  - Embase" then "DB  - Medline" for a record in both; rispy kept the
    last, so the reader keeps them all, first first."""
    text = ris("Embase").replace("DB  - Embase\n", "DB  - Embase\nDB  - Medline\n")
    fmt, result = read(text)
    assert result.entries[0].extra["name_of_database"] == "Embase; Medline"
    assert export_source(fmt, result).name == "Embase"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("EMBASE", "Embase"),
        ("Embase Medline", "Embase"),
        ("APA PsycInfo <2021>", "APA PsycInfo"),
        ("Ovid MEDLINE(R) ALL <1946 to December 04, 2026>", "MEDLINE"),
        ("Web of Science Core Collection", "Web of Science"),
        ("PTSDpubs", "PTSDpubs"),  # unknown: as written
    ],
)
def test_database_names_are_tidied(written: str, name: str) -> None:
    assert database_name(written) == name


def test_the_projects_own_spelling_of_a_database_is_kept(project: Path) -> None:
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "cff" / "lens.csv"], "scopus")
    [outcome] = import_files(conn, [FIX / "cff" / "scopus.ris"], "")
    assert (
        outcome.source == "scopus" and outcome.source_from == "DB field and links: 2 of 2 records"
    )
    assert store.count_by_source(conn) == {"scopus": 5}


def test_import_without_source_names_each_file_and_says_how(project: Path) -> None:
    runner = CliRunner()
    files = [str(FIX / "cff" / "scopus.ris"), str(FIX / "cff" / "pubmed.nbib")]
    result = runner.invoke(cli, ["import", *files, "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "source: Scopus, as the file says (DB field and links: 2 of 2 records)" in result.output
    assert "source: PubMed, as the file says" in result.output
    assert "litsynth batches --remove" in result.output  # how to undo a wrong guess
    conn = connect(project / "litsynth.db")
    assert store.count_by_source(conn) == {"PubMed": 1, "Scopus": 2}
    # a file that does not say is refused, the others imported, and the hint names --source
    refused = runner.invoke(
        cli, ["import", str(FIX / "cff" / "googlescholar.csv"), str(FIX / "cff" / "lens.csv"),
              "--project", str(project)],
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "googlescholar.csv: not imported: cannot tell which database" in refused.output
    assert "--source" in refused.output and "Lens.org" in refused.output
    assert store.count_by_source(conn)["Lens.org"] == 3


def test_a_search_told_with_files_of_two_databases_is_refused(project: Path) -> None:
    runner = CliRunner()
    both = [str(FIX / "cff" / "scopus.ris"), str(FIX / "cff" / "pubmed.nbib")]
    result = runner.invoke(
        cli, ["import", *both, "--searched", "2026-11-01", "--project", str(project)]
    )
    assert result.exit_code == 1 and "came from 2 databases (Scopus, PubMed)" in result.output
    one = runner.invoke(
        cli,
        ["import", str(FIX / "cff" / "eric-ovid.ris"), "--searched", "2026-11-02",
         "--query", "dinosaur.ti", "--project", str(project), "--json"],
    )  # fmt: skip
    assert one.exit_code == 0, one.output
    [outcome] = json.loads(one.output)
    assert outcome["source"] == "ERIC" and outcome["search"]["source"] == "ERIC"


@pytest.mark.slow
def test_real_exports_in_shared_data_name_their_database() -> None:
    root = shared("data/bib")
    expected = {
        "synthesisr/inst/extdata/scopus.ris": "Scopus",
        "synthesisr/inst/extdata/zoorec.txt": "Zoological Record",
        "synthesisr/tests/testthat/testdata/WoS_ciw_example.ciw": "Web of Science",
        "synthesisr/tests/testthat/testdata/WoS_txt_example.txt": "Web of Science",
        "synthesisr/tests/testthat/testdata/ASP_ris_example.ris": "Academic Search Premier",
        "synthesisr/tests/testthat/testdata/PubMed_example.txt": "PubMed",
        "synthesisr/tests/testthat/testdata/Scopus_bib_example.bib": "Scopus",
        "asreview/tests/demo_data/embase.ris": "Embase",
        "asreview/tests/demo_data/ovid_psycinfo.ris": "APA PsycInfo",
        "asreview/tests/demo_data/web_of_science.txt": "Web of Science",
    }
    assert {name: named(root / name) for name in expected} == expected
    with pytest.raises(BiblioError, match=r"more than one database \(Web of Science 8"):
        named(root / "synthesisr/tests/testthat/testdata/citesource_issue_24.ris")


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "name_of_database",
                    "source",
                    "urls",
                    "accession_number",
                    "EID",
                    "Lens ID",
                    "url",
                    "database_provider",
                    "id",
                    "own",
                    "pmid",
                ]
            ),
            st.text(max_size=40)
            | st.sampled_from(["http://[abc", "WOS:", "https://x.ovid.com/?D="]),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["ris", "wos", "medline", "csv", "bibtex"]),
)
def test_no_export_breaks_the_naming_with_anything_but_a_refusal(
    extras: list[dict[str, str]], fmt: str
) -> None:
    """Whatever the records hold (a broken link, an empty accession number), the answer is a
    name or a BiblioError, never a crash that would stop the import of the other files."""
    entries = tuple(RawEntry(i + 1, "", {"title": "t"}, extra) for i, extra in enumerate(extras))
    try:
        found = export_source(fmt, ReadResult(entries, ()))
    except BiblioError:
        return
    assert found.name.strip() and found.evidence


def test_a_library_of_several_searches_splits_into_a_batch_per_database(project: Path) -> None:
    """EndNote keeps each record's database: --by-database makes a batch of each, so PRISMA
    counts each; the records that name none go to --source, and without it nothing is
    imported. The file's skipped entries go with the first batch only."""
    library = project / "library.ris"
    library.write_text(ris("Scopus", "Embase", "Scopus", "") + "TY  - JOUR\nER  - \n", "utf-8")
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["import", str(library), "--by-database", "--project", str(project)]
    )
    assert refused.exit_code == 1 and "1 of 4 records name no database" in refused.output
    assert "--source names the database of the records that name none" in refused.output
    conn = connect(project / "litsynth.db")
    assert store.count_by_source(conn) == {}  # nothing imported
    shown = runner.invoke(
        cli,
        ["import", str(library), "--by-database", "--source", "Hand searching", "--json",
         "--project", str(project)],
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    outcomes = json.loads(shown.output)
    assert [(o["source"], o["n_records"]) for o in outcomes] == [
        ("Scopus", 2), ("Embase", 1), ("Hand searching", 1),
    ]  # fmt: skip
    assert [o["n_rejected"] for o in outcomes] == [1, 0, 0]  # the empty entry, once
    assert outcomes[0]["source_from"] == "split by database: 2 of 4 records name it"
    assert not any(o["warnings"] for o in outcomes)  # the parts of one file are no slip
    assert store.count_by_source(conn) == {"Embase": 1, "Hand searching": 1, "Scopus": 2}
    again = runner.invoke(
        cli, ["import", str(library), "--by-database", "--source", "Hand searching",
              "--project", str(project)],
    )  # fmt: skip
    assert again.output.count("already imported") == 3
    told = runner.invoke(
        cli, ["import", str(library), "--by-database", "--searched", "2026-11-01",
              "--project", str(project)],
    )  # fmt: skip
    assert told.exit_code == 1 and "--searched tells one search" in told.output


def test_a_database_named_twice_in_two_spellings_is_warned_about(project: Path) -> None:
    """ "scopus" beside "Scopus", "WoS" beside "Web of Science": PRISMA would count two
    databases, so the import says so and how to take it back."""
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "cff" / "scopus.ris"], "Scopus")
    [slip] = import_files(conn, [FIX / "cff" / "lens.csv"], "scopus")
    assert any("as 'Scopus' too" in w and slip.batch_id in w for w in slip.warnings)
    import_files(conn, [FIX / "wos_sample.txt"], "WoS")
    [named] = import_files(conn, [FIX / "exports" / "wos-tab.txt"], "")
    assert named.source == "WoS" and not named.warnings  # the file said it: WoS's spelling kept
    [other] = import_files(conn, [FIX / "cff" / "pubmed.nbib"], "PubMed")
    assert not other.warnings


def test_records_exported_as_ris_come_back_split_by_their_databases(
    project: Path, tmp_path: Path
) -> None:
    """The RIS export says where each record was found (DB), so a colleague's project reads
    it back a batch per database, as the flow counted them."""
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "cff" / "scopus.ris"], "Scopus")
    import_files(conn, [FIX / "cff" / "pubmed.nbib"], "PubMed")
    runner = CliRunner()
    out = tmp_path / "all.ris"
    written = runner.invoke(
        cli, ["export", "records", str(out), "--stage", "all", "--format", "ris",
              "--project", str(project)],
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    other = tmp_path / "other"
    assert runner.invoke(cli, ["init", str(other)]).exit_code == 0
    back = runner.invoke(cli, ["import", str(out), "--by-database", "--project", str(other)])
    assert back.exit_code == 0, back.output
    assert store.count_by_source(connect(other / "litsynth.db")) == {"PubMed": 1, "Scopus": 2}


def test_status_says_which_sources_look_like_one_database(project: Path) -> None:
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "cff" / "scopus.ris"], "Scopus")
    import_files(conn, [FIX / "cff" / "lens.csv"], "scopus")
    import_files(conn, [FIX / "cff" / "pubmed.nbib"], "PubMed")
    result = CliRunner().invoke(cli, ["status", "--project", str(project)])
    [line] = [x for x in result.output.splitlines() if x.startswith("records:")]
    assert "('scopus' and 'Scopus' look like one database, counted apart" in line  # by count
    assert alike_sources(["Scopus", "scopus", "WoS", "Web of Science", "PubMed"]) == [
        ["Scopus", "scopus"], ["WoS", "Web of Science"],
    ]  # fmt: skip


def test_a_folder_of_exports_imports_each_under_the_database_it_names(
    project: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "searches"
    folder.mkdir()
    for name in ("cff/scopus.ris", "cff/pubmed.nbib", "exports/wos-tab.txt"):
        (folder / Path(name).name).write_bytes((FIX / name).read_bytes())
    (folder / "protocol.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".DS_Store").write_bytes(b"\x00\x00")
    (folder / "older").mkdir()  # a sub-folder is not read
    (folder / "older" / "scopus-2025.ris").write_bytes((FIX / "cff" / "scopus.ris").read_bytes())
    result = CliRunner().invoke(cli, ["import", str(folder), "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "protocol.pdf: skipped, not a kind of file databases export" in result.output
    assert ".DS_Store" not in result.output and "scopus-2025" not in result.output
    conn = connect(project / "litsynth.db")
    assert store.count_by_source(conn) == {"PubMed": 1, "Scopus": 2, "Web of Science": 1}
    empty = tmp_path / "empty"
    empty.mkdir()
    none = CliRunner().invoke(cli, ["import", str(empty), "--project", str(project)])
    assert none.exit_code == 1 and "no export in" in none.output


def test_a_source_named_against_what_the_records_say_is_warned_about(project: Path) -> None:
    """An Embase export imported as "Scopus" would be counted under Scopus: the import says
    what its records name. A name that may be the same database is no slip."""
    conn = connect(project / "litsynth.db")
    [slip] = import_files(conn, [FIX / "cff" / "embase-excel.csv"], "Scopus")
    assert any(w.startswith("its records name Embase (links: 2 of 2 records), not 'Scopus'")
               and slip.batch_id in w for w in slip.warnings)  # fmt: skip
    for path, named in [("cff/pubmed.nbib", "MEDLINE"), ("cff/cinahl.ris", "Academic Search"),
                        ("cff/googlescholar.csv", "Google Scholar")]:  # fmt: skip
        [fine] = import_files(conn, [FIX / path], named)
        assert not [w for w in fine.warnings if w.startswith("its records name")], path
    assert could_be("CINAHL", "CINAHL Complete") and not could_be("Scopus", "Embase")
