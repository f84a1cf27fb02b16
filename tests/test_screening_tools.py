"""Decisions carried over from other screening tools: Rayyan, ASReview LAB, list exports.

The files are real exports (tests/fixtures/screening/tools/README.md says where each comes
from): Rayyan's and Covidence's of the same Embase search (CC0), ASReview LAB 3.0.8's of our
own records.csv, labelled in the LAB itself, and a two-reviewer Rayyan file written in
Rayyan's format for what the real one does not show (conflicts, reasons, labels, notes).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from conftest import reviewer_counts, run_cli
from litsynth.biblio.screening_tools import (
    RecordIndex,
    ToolEntry,
    Vote,
    abstrackr_votes,
    asreview_votes,
    detect_tool,
    rayyan_votes,
    read_tool_export,
)
from litsynth.records import BibRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "screening"
TOOLS = FIXTURES / "tools"
ASREVIEW_V1 = (
    Path(__file__).resolve().parents[1]
    / "../shared/data/bib/asreview/tests/demo_data/baseline_tag-notes_labels.ris"
)


def run(project: Path, *args: str) -> str:
    return run_cli(project, *args)


def fail(project: Path, *args: str) -> str:
    return run_cli(project, *args, exit_code=1)


def decisions(project: Path) -> list[dict[str, str]]:
    """The screening log as the store holds it."""
    with closing(sqlite3.connect(project / "litsynth.db")) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT record_id, decision, reviewer, reason, note, source, stage FROM decisions"
        ).fetchall()
    return sorted((dict(r) for r in rows), key=lambda d: (d["reviewer"], d["record_id"]))


# ---- reading the tools' marks ------------------------------------------------------------


def test_rayyan_notes_give_each_reviewers_decision_reason_labels_and_own_notes() -> None:
    votes = rayyan_votes(
        'Imported from PubMed | RAYYAN-INCLUSION: {"Kofi"=>"Included", "俊"=>"Excluded"} |'
        " RAYYAN-LABELS: ML,Hospital,__EXR__background article | RAYYAN-EXCLUSION-REASONS:"
        ' wrong population,foreign language | USER-NOTES: {"俊"=>["check later", "see \\"B\\""]}'
    )
    kofi, jun = votes
    assert (kofi.reviewer, kofi.decision, kofi.reason) == ("Kofi", "include", "")
    assert kofi.note == "Rayyan labels: ML, Hospital"
    assert (jun.reviewer, jun.decision, jun.reason) == ("俊", "exclude", "wrong population")
    assert jun.note == (
        'check later; see "B"; Rayyan labels: ML, Hospital;'
        " also: foreign language, background article"
    )
    assert rayyan_votes("just a note someone typed") == ()
    assert rayyan_votes('RAYYAN-INCLUSION: {"Emily"=>"Maybe"}')[0].decision == "maybe"


def test_asreview_labels_from_columns_and_from_ris_notes() -> None:
    assert asreview_votes({"asreview_label": "1", "asreview_note": "check"})[0].decision == (
        "include"
    )
    assert asreview_votes({"asreview_label": ""}) == ()
    assert asreview_votes({"included": "-1"}) == ()  # version 1's "not seen"
    assert asreview_votes({"included": "0.0"})[0].decision == "exclude"
    ris = 'ASReview_relevant; asreview_group_id: 3; asreview_note: "nurses; not physicians"'
    (vote,) = asreview_votes({"notes": ris})
    assert (vote.decision, vote.note) == ("include", "nurses; not physicians")
    assert asreview_votes({"notes": "ASReview_not_seen"}) == ()
    named = asreview_votes({"asreview_label": "0", "asreview_user_name": "Ana"})
    assert named[0].reviewer == "Ana"


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("cff-rayyan.csv", "rayyan"),
        ("cff-rayyan.ris", "rayyan"),
        ("asreview-3.0.8.csv", "asreview"),
        ("asreview-3.0.8.ris", "asreview"),
        ("asreview-3.0.8.tsv", "asreview"),
        ("asreview-3.0.8.xlsx", "asreview"),
    ],
)
def test_each_real_export_is_told_by_its_marks(name: str, tool: str) -> None:
    export = read_tool_export((TOOLS / name).read_bytes(), name)
    assert export.tool == tool
    votes = [v.decision for e in export.entries for v in e.votes]
    if tool == "rayyan":  # Emily: 2 included, 2 maybe, 2 excluded; 4 not screened
        assert sorted(votes) == ["exclude", "exclude", "include", "include", "maybe", "maybe"]
        assert export.reviewers == ("Emily",) and len(export.entries) == 10
    else:  # labelled in the LAB: 4 relevant, 3 irrelevant, 5 never shown
        assert sorted(votes) == ["exclude"] * 3 + ["include"] * 4
        assert len(export.entries) == 12


def test_asreview_version_1_ris_tags_and_priors() -> None:
    if not ASREVIEW_V1.exists():
        pytest.skip(f"shared data absent: {ASREVIEW_V1}")
    export = read_tool_export(ASREVIEW_V1.read_bytes(), ASREVIEW_V1.name)
    assert export.tool == "asreview"
    first = export.entries[0].votes[0]
    assert (first.decision, first.note) == ("include", "ASReview prior knowledge")
    counts = [len(e.votes) for e in export.entries]
    assert counts[:4] == [1, 1, 0, 0]  # relevant, irrelevant, not seen, no label at all


def test_an_export_without_marks_is_refused_with_the_list_hint() -> None:
    assert detect_tool([{"notes": "Tags: x"}, {"covidence #": "#1"}]) is None
    with pytest.raises(Exception, match="no screening decisions") as info:
        read_tool_export((TOOLS / "cff-covidence.csv").read_bytes(), "cff-covidence.csv")
    assert "--all include" in str(info.value.hint)  # type: ignore[attr-defined]


def test_one_title_of_two_works_is_told_apart_by_the_abstract() -> None:
    """A trial and its protocol share a title: the abstract decides; a pair dedupe was unsure
    of is left for the reviewer to settle, never guessed."""

    def rec(rid: str, abstract: str, year: int = 2020) -> BibRecord:
        return BibRecord(rid, "Scopus", "b1", title="TREAT: a trial", abstract=abstract, year=year)

    records = [rec("a", "We report the trial's results."), rec("b", "The protocol."), rec("c", "")]
    index = RecordIndex.of(records[:2])
    entry = ToolEntry(4, "Treat - a trial.", "", 2020, (), "we report the trial’s RESULTS")
    assert index.match(entry) == ("a", "")
    assert index.match(ToolEntry(5, "TREAT: a trial", "", 2019, (), "")) == (
        "",
        "no record of the project has its DOI or title ('TREAT: a trial')",
    )
    record, why = index.match(ToolEntry(6, "TREAT: a trial", "", None, (), "something else"))
    assert not record and why.startswith("2 records have the title 'TREAT: a trial'")
    unsure = RecordIndex.of(records, [("a", "c")])
    record, why = unsure.match(ToolEntry(7, "TREAT: a trial", "", 2020, (), ""))
    assert not record and "dedupe --uncertain" in why


# ---- into a project ------------------------------------------------------------------------


def test_a_rayyan_export_of_an_embase_search_lands_on_the_embase_records(project: Path) -> None:
    run(project, "import", str(TOOLS / "cff-embase.ris"), "--source", "Embase")
    out = run(project, "screen", "import", str(TOOLS / "cff-rayyan.csv"))
    assert "cff-rayyan.csv (Rayyan): 6 decisions recorded at title-abstract for Emily" in out
    assert "4 records nobody decided on left for later" in out
    assert "give --reviewer" in out  # the project's reviewer is someone else
    got = decisions(project)
    assert [d["decision"] for d in got].count("maybe") == 2
    assert {d["reviewer"] for d in got} == {"Emily"}
    assert all(d["source"].startswith("cff-rayyan.csv (Rayyan):") for d in got)
    # the same decisions as RIS: nothing new; the same file again: nothing at all
    out = run(project, "screen", "import", str(TOOLS / "cff-rayyan.ris"))
    assert "0 decisions recorded" in out and "6 decisions equal to Emily's current" in out
    assert "already imported" in run(project, "screen", "import", str(TOOLS / "cff-rayyan.csv"))
    # one reviewer's export may be recorded as the one who screens on here
    out = run(project, "screen", "import", str(TOOLS / "cff-rayyan.ris"), "--reviewer", "em")
    assert "6 decisions recorded at title-abstract for em" in out
    status = run(project, "screen", "status", "--reviewer", "em")
    assert "6 of 10 screened, 2 included, 2 excluded, 2 maybe" in status


def test_two_rayyan_reviewers_keep_their_names_and_their_conflict(project: Path) -> None:
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    out = run(project, "screen", "import", str(TOOLS / "rayyan-two-reviewers.csv"))
    assert "10 decisions recorded at title-abstract for Ana and Ben" in out
    assert "line 9: no record of the project has its DOI or title" in out  # never imported
    assert "new exclusion reason added to the project's list: 'off topic'" in out
    conflicts = run(project, "screen", "conflicts")
    assert "r02: Ana: include, Ben: exclude (wrong population)" in conflicts
    assert "      Ben's note: GPs, not hospital staff" in conflicts  # what settling it needs
    by = {(d["reviewer"], d["record_id"]): d for d in decisions(project)}
    assert by["Ben", "r02"]["note"] == "GPs, not hospital staff"
    assert (by["Ana", "r03"]["reason"], by["Ana", "r03"]["note"]) == (
        "off topic",
        "also: wrong setting",
    )
    assert by["Ana", "r04"]["decision"] == "maybe"
    assert ("Ben", "r07") not in by  # Ana alone screened it
    err = fail(
        project, "screen", "import", str(TOOLS / "rayyan-two-reviewers.csv"), "--reviewer", "x"
    )
    assert "holds the decisions of Ana and Ben" in err and "leave out --reviewer" in err


@pytest.mark.parametrize(
    "name",
    ["asreview-3.0.8.csv", "asreview-3.0.8.ris", "asreview-3.0.8.tsv", "asreview-3.0.8.xlsx"],
)
def test_asreview_exports_give_the_labels_made_in_the_lab(project: Path, name: str) -> None:
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    out = run(project, "screen", "import", str(TOOLS / name), "--reviewer", "ana")
    assert f"{name} (ASReview LAB): 7 decisions recorded at title-abstract for ana" in out
    assert "5 records nobody decided on left for later" in out
    by = {d["record_id"]: d for d in decisions(project)}
    assert sorted(r for r, d in by.items() if d["decision"] == "include") == [
        "r01",
        "r02",
        "r04",
        "r08",
    ]
    assert by["r04"]["note"] == "nurses, not physicians: check at full text"
    # records ASReview never showed are left to litsynth's prioritiser
    assert "7 of 12 screened" in run(project, "screen", "status", "--reviewer", "ana")


def test_a_list_export_gets_the_decision_named_for_all(project: Path) -> None:
    run(project, "import", str(TOOLS / "cff-embase.ris"), "--source", "Embase")
    covidence = str(TOOLS / "cff-covidence.csv")
    err = fail(project, "screen", "import", covidence)
    assert "no screening decisions" in err and "--all include" in err
    assert "--reason goes with --all exclude" in fail(
        project, "screen", "import", covidence, "--reason", "x"
    )
    out = run(project, "screen", "import", covidence, "--all", "exclude", "--reason", "erratum")
    assert "(a list, all exclude): 8 decisions recorded" in out
    # two of Covidence's records were never in the Embase file
    assert out.count("no record of the project has its DOI or title") == 2
    assert {d["reason"] for d in decisions(project)} == {"erratum"}


def test_full_text_decisions_need_a_title_abstract_inclusion(project: Path) -> None:
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    sheet = project / "ta.csv"
    sheet.write_text("record_id,decision\nr01,include\n", encoding="utf-8")
    run(project, "screen", "import", str(sheet))
    out = run(
        project, "screen", "import", str(TOOLS / "asreview-3.0.8.csv"), "--stage", "full-text"
    )
    assert "1 decision recorded at full-text" in out
    assert "record 'r02' was not included at title/abstract" in out


def test_a_decision_goes_to_the_root_of_a_duplicate_group(project: Path) -> None:
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    run(project, "import", str(FIXTURES / "citations.csv"), "--source", "citation searching")
    run(project, "dedupe")
    out = run(project, "screen", "import", str(TOOLS / "asreview-3.0.8.csv"))
    assert "7 decisions recorded" in out
    ids = {d["record_id"] for d in decisions(project)}
    assert "r02" in ids and "c02" not in ids  # c02 is r02 found again by citation searching


def test_the_methods_name_the_tools_the_decisions_were_made_in(project: Path) -> None:
    """PRISMA 2020 item 8 asks for the tools used in selection: decisions carried over say
    where they were made, and ASReview LAB what it did."""
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    run(project, "screen", "import", str(TOOLS / "rayyan-two-reviewers.csv"))
    run(project, "screen", "import", str(TOOLS / "asreview-3.0.8.csv"), "--reviewer", "ana")
    methods = run(project, "prisma", "--methods", "-")
    assert (
        "Decisions on 7 of these records were made in ASReview LAB, which ordered the records"
        " by an active learning model, and imported." in methods
    )
    assert "Decisions on 6 of these records were made in Rayyan and imported." in methods
    sheet = project / "mine.csv"
    sheet.write_text("record_id,decision\nr12,exclude\n", encoding="utf-8")
    run(project, "screen", "import", str(sheet), "--reviewer", "ana")
    assert "made in" not in run(project, "prisma", "--methods", "-").split("Rayyan")[1]


def test_records_sent_out_to_rayyan_come_back_with_its_decisions(project: Path) -> None:
    """The round trip for a colleague who screens in Rayyan: `export records --stage
    to-screen` writes the records nobody has decided; Rayyan's RIS export of them (its
    decisions added in N1, its own keys instead of ours) comes back through `screen import`."""
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    sheet = project / "mine.csv"
    sheet.write_text("record_id,decision\nr01,include\nr03,exclude\n", encoding="utf-8")
    run(project, "screen", "import", str(sheet))
    out = project / "to-screen.ris"
    assert "Wrote 10 records (to-screen)" in run(
        project, "export", "records", str(out), "--stage", "to-screen"
    )
    ris = out.read_text(encoding="utf-8")
    assert "ID  - r01" not in ris and "ID  - r02" in ris
    # what Rayyan gives back: its own keys, Cy's decision in each record's notes
    back = ris.replace("ID  - r", "ID  - rayyan-90")
    back = back.replace("ER  - ", 'N1  - RAYYAN-INCLUSION: {"Cy"=>"Excluded"}\nER  - ')
    (project / "rayyan.ris").write_text(back, encoding="utf-8")
    said = run(project, "screen", "import", str(project / "rayyan.ris"))
    assert "(Rayyan): 10 decisions recorded at title-abstract for Cy" in said
    assert reviewer_counts(project) == {"reviewer": 2, "Cy": 10}


def test_rayyans_zip_is_read_as_the_export_it_holds(project: Path, tmp_path: Path) -> None:
    """Rayyan sends its export as a zip: articles.csv beside a log of every change."""
    import zipfile

    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    bundle = tmp_path / "rayyan-export.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(TOOLS / "rayyan-two-reviewers.csv", "review/articles.csv")
        z.writestr("review/customizations_log.csv", "article_id,key,value\n1,included,1\n")
    out = run(project, "screen", "import", str(bundle))
    assert "rayyan-export.zip (Rayyan): 10 decisions recorded" in out
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.write(TOOLS / "asreview-3.0.8.csv", "a.csv")
        z.write(TOOLS / "asreview-3.0.8.ris", "a.ris")
    err = fail(project, "screen", "import", str(two))
    assert "is a zip holding 2 exports (a.csv, a.ris)" in err


def test_an_asreview_project_file_gives_the_labels_made_in_the_lab(project: Path) -> None:
    """The .asreview file the LAB exports (Export → Project) holds the records and the
    labels: the same seven decisions as its dataset exports, the note with them."""
    run(project, "import", str(FIXTURES / "records.csv"), "--source", "Scopus")
    out = run(
        project, "screen", "import", str(TOOLS / "asreview-3.0.8.asreview"), "--reviewer", "ana"
    )
    assert "asreview-3.0.8.asreview (ASReview LAB): 7 decisions recorded" in out
    assert "5 records nobody decided on left for later" in out
    by = {d["record_id"]: d for d in decisions(project)}
    assert sorted(r for r, d in by.items() if d["decision"] == "include") == [
        "r01", "r02", "r04", "r08",
    ]  # fmt: skip
    assert by["r04"]["note"] == "nurses, not physicians: check at full text"


def test_abstrackr_labels_each_screener_with_their_notes() -> None:
    """abstrackr: a column per screener (1, -1, 0, "o" not screened by them), four note
    columns each, tags, and a consensus the lead set where screeners disagreed."""
    row = {
        "(internal) id": "41893415", "consensus": "1", "Ana": "1", "labeled_at": "2024-08-15",
        "Ben": "-1", "Cy": "o", "general notes (Ana)": "fits",
        "population notes (Ben)": "adults only", "tags": "birds,fossils",
    }  # fmt: skip
    assert abstrackr_votes(row) == (
        Vote("Ana", "include", "", "general: fits; abstrackr tags: birds,fossils;"
             " abstrackr consensus: include"),
        Vote("Ben", "exclude", "", "population: adults only; abstrackr tags: birds,fossils;"
             " abstrackr consensus: include"),
    )  # fmt: skip
    assert abstrackr_votes({"(internal) id": "7", "consensus": "o", "Ana": "0"}) == (
        Vote("Ana", "maybe", "", ""),
    )


def test_an_abstrackr_export_gives_its_screeners_labels(project: Path) -> None:
    run(project, "import", str(TOOLS / "cff-embase.ris"), "--source", "Embase")
    export = read_tool_export((TOOLS / "cff-abstrackr.csv").read_bytes(), "cff-abstrackr.csv")
    assert export.tool == "abstrackr" and export.reviewers == ("Anonymous",)
    assert len(export.entries) == 10 and export.unread == 1  # the "not yet labeled" line
    out = run(project, "screen", "import", str(TOOLS / "cff-abstrackr.csv"))
    assert "cff-abstrackr.csv (abstrackr): 6 decisions recorded" in out.splitlines()[0]
    assert "4 records nobody decided on left for later" in out
    made = [d for d in decisions(project) if d["reviewer"] == "Anonymous"]
    assert sorted(d["decision"] for d in made) == ["exclude"] * 2 + ["include"] * 2 + ["maybe"] * 2
    assert all(d["source"].startswith("cff-abstrackr.csv (abstrackr):") for d in made)
    methods = run(project, "prisma", "--methods", "-")
    assert "Decisions on 6 of these records were made in abstrackr and imported." in methods


def test_a_decision_finds_its_record_by_pubmed_id_when_titles_differ(
    project: Path, tmp_path: Path
) -> None:
    """PubMed brackets a translated title ("[…]"), Embase does not: without a DOI, the PubMed
    id an export gives finds the record the title cannot."""
    cff = Path(__file__).resolve().parent / "fixtures" / "biblio" / "cff" / "pubmed.nbib"
    run(project, "import", str(cff), "--source", "PubMed")
    export = tmp_path / "asreview.csv"
    export.write_text(
        "title,PMID,asreview_label\n"
        '"[Time lapse: a glimpse into prehistoric genomics, in Spanish]",30922926,1\n',
        encoding="utf-8",
    )
    out = run(project, "screen", "import", str(export), "--reviewer", "ana")
    assert "1 decision recorded" in out.splitlines()[0]
    (made,) = decisions(project)
    assert (made["record_id"], made["decision"], made["reviewer"]) == (
        "rde957afa04713df", "include", "ana",
    )  # fmt: skip
