"""Studies reported in more than one paper (`litsynth studies`): the grouping log, the
candidates, and what counts from them — PRISMA's studies and reports, extraction per study,
the deposit and an update reading it.

The pure functions on hand-made logs; the rest on a real project through the CLI: the
screening fixture's records, three of them included at full text, two reporting one study.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, corpus_project, run_cli
from litsynth.biblio import studies
from litsynth.biblio.prisma import FlowRecord, build_flow, check_flow, flow_csv
from litsynth.biblio.screening_rules import Effective
from litsynth.errors import BiblioError, PrismaError
from litsynth.records import BibRecord, StudyLink

RECORDS = FIXTURES / "screening" / "records.csv"


def link(record: str, study: str, at: str = "2026-01-01T00:00:00Z") -> StudyLink:
    return StudyLink(record, study, "ana", at)


def test_the_latest_entry_counts_and_a_chain_is_one_study() -> None:
    log = [link("b", "a"), link("c", "b"), link("d", "a"), link("d", "", "2026-01-02T00:00:00Z")]
    assert studies.studies_of(log) == {"b": "a", "c": "a"}
    # by time, not by the table's order: a merged copy's older entry does not win
    log = [link("b", "a", "2026-02-01T00:00:00Z"), link("b", "", "2026-01-01T00:00:00Z")]
    assert studies.studies_of(log) == {"b": "a"}
    # a cycle the CLI never writes leaves each record its own study
    assert studies.studies_of([link("a", "b"), link("b", "a")]) == {}
    mapping = {"b": "a", "c": "a"}
    assert studies.count_studies(mapping, ["a", "b", "c", "x"]) == 2
    assert studies.members(mapping) == {"a": ["b", "c"]}


def test_group_goes_to_the_main_report_and_brings_a_study_along() -> None:
    mapping = {"b": "a", "y": "x"}
    entries = studies.group(mapping, "b", ["y", "a"], reviewer="ana", at="t")
    # "b" is grouped: its study's main report is "a"; "y" brings its study "x" (and so "y")
    assert [(e.record_id, e.study) for e in entries] == [("x", "a")]
    after = studies.studies_of([link("b", "a"), link("y", "x"), *entries])
    assert after == {"b": "a", "y": "a", "x": "a"}
    with pytest.raises(BiblioError, match="main report and one of its others"):
        studies.group(mapping, "a", ["a"], reviewer="ana", at="t")


def test_split_takes_a_report_out_or_hands_the_study_on() -> None:
    mapping = {"b": "a", "c": "a"}
    assert [(e.record_id, e.study) for e in studies.split(mapping, "c", reviewer="r", at="t")] == [
        ("c", "")
    ]
    handed = studies.split(mapping, "a", reviewer="r", at="t")
    assert [(e.record_id, e.study) for e in handed] == [("b", ""), ("c", "b")]
    log = [
        link("b", "a"),
        link("c", "a"),
        *(StudyLink(e.record_id, e.study, "r", "2027") for e in handed),
    ]
    assert studies.studies_of(log) == {"c": "b"}
    assert studies.split(mapping, "lone", reviewer="r", at="t") == []


def rec(rid: str, authors: tuple[str, ...], year: int, abstract: str = "") -> BibRecord:
    return BibRecord(rid, "Scopus", "b1", title=f"Default options in hospital order sets ({rid})",
                     abstract=abstract,
                     authors=authors, year=year)  # fmt: skip


def test_candidates_by_registration_or_shared_authors() -> None:
    records = [
        rec("p1", ("Ahmed, S", "Berg, A", "Cole, T"), 2018, "Registered as NCT01234567."),
        rec("p2", ("Diaz, M",), 2021, "Follow-up of the trial (ClinicalTrials.gov NCT01234567)."),
        rec("p3", ("Ahmed, S", "Cole, T", "Zhou, L"), 2019),
        rec("p4", ("Ahmed, S", "Cole, T"), 2030),  # too far apart
        rec("p5", ("Berg, A", "Ahmed, S", "Cole, T"), 2018),  # another first author
    ]
    found = studies.candidates(records, {})
    assert [(c.first, c.second, c.why) for c in found] == [
        ("p1", "p2", "both name NCT01234567"),
        ("p1", "p3", "2 of 3 authors shared, first author Ahmed"),
    ]
    assert found[0].labels == ("Ahmed et al. (2018)", "Diaz (2021)")
    assert studies.candidates(records, {"p2": "p1", "p3": "p1"}) == []
    eudract = rec("e", ("X, Y",), 2020, "EudraCT number 2004-000123-45; PROSPERO CRD42019123456")
    assert studies.registrations(eudract) == {"EudraCT 2004-000123-45", "CRD42019123456"}


def test_author_pairs_need_titles_alike() -> None:
    """The same team's other study shares authors, not a title; an editorial names no study."""
    team = ("Ahmed, S", "Cole, T")
    trial = BibRecord(
        "t1",
        "Scopus",
        "b1",
        authors=team,
        year=2019,
        title="A randomised trial of default options in electronic order sets",
    )
    follow_up = BibRecord(
        "t2",
        "Scopus",
        "b1",
        authors=team,
        year=2021,
        title="Default options in electronic order sets: two-year follow-up",
    )
    other = BibRecord(
        "t3",
        "Scopus",
        "b1",
        authors=team,
        year=2020,
        title="Peer comparison letters and antibiotic prescribing in primary care",
    )
    notes = [BibRecord(f"e{i}", "Scopus", "b1", authors=team, year=2020, title="Editorial")
             for i in (1, 2)]  # fmt: skip
    found = studies.candidates([trial, follow_up, other, *notes], {})
    assert [(c.first, c.second) for c in found] == [("t1", "t2")]
    words = studies.title_words("Default options in order sets: the ORDER-SET trial")
    assert words == {"default", "option", "order", "set", "trial"}


def test_the_flow_counts_studies_and_reports() -> None:
    records = [FlowRecord(r, "Scopus") for r in ("a", "b", "c", "d")]
    eff = {}
    for r in ("a", "b", "c", "d"):
        eff[(r, "title-abstract")] = Effective(r, "title-abstract", "include", origin="human")
        ft = "include" if r != "d" else "exclude"
        eff[(r, "full-text")] = Effective(r, "full-text", ft, "wrong design", origin="human")
    flow = check_flow(build_flow(records, eff, studies={"b": "a", "d": "a"}))
    assert (flow.new_studies, flow.new_reports, flow.dbr_included) == (2, 3, 3)
    assert (flow.total_studies, flow.total_reports) == (2, 3)
    rows = {r["data"]: r["n"] for r in csv.DictReader(io.StringIO(flow_csv(flow)))}
    assert (rows["new_studies"], rows["new_reports"]) == ("2", "3")
    bad = build_flow(records, eff)
    object.__setattr__(bad, "new_studies", 4)
    with pytest.raises(PrismaError, match="new_studies = 4 but only 3 reports"):
        check_flow(bad)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """r01, r02, r04 included at full text; r01 and r04 will be one study."""
    root = corpus_project(tmp_path / "review")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    for n in range(1, 13):
        decision = "include" if n in (1, 2, 3, 4) else "exclude"
        run_cli(root, "screen", "decide", f"r{n:02d}", decision, "--reviewer", "ana")
    for rid in ("r01", "r02", "r04"):
        run_cli(root, "screen", "decide", rid, "include", "--stage", "full-text",
                "--reviewer", "ana")  # fmt: skip
    run_cli(root, "screen", "decide", "r03", "exclude", "--stage", "full-text", "--reason",
            "wrong design", "--reviewer", "ana")  # fmt: skip
    return root


def test_grouping_counts_once_in_prisma_status_extraction_and_the_deposit(
    review: Path, tmp_path: Path
) -> None:
    assert "Included: 3 studies in 3 reports." in run_cli(review, "studies")
    said = run_cli(review, "studies", "group", "r01", "r04", "--note", "same trial",
                   "--reviewer", "ben")  # fmt: skip
    assert "r04 → r01" in said
    listed = run_cli(review, "studies")
    assert "Included: 2 studies in 3 reports." in listed
    assert "Smith & Berg (2019)  r01  [full text: include]" in listed
    assert "  also García (2018)  r04  [full text: include]" in listed
    flow = json.loads(run_cli(review, "prisma", "--json"))
    assert (flow["new_studies"], flow["new_reports"], flow["dbr_included"]) == (2, 3, 3)
    assert "studies included in review: 2; reports of included studies: 3" in run_cli(
        review, "prisma"
    )
    assert "2 studies (in 3 reports) included" in run_cli(review, "status")
    assert (
        "Reports of the same study were linked, so that each study counts once: the 3 reports"
        " included describe 2 studies (1 reported in more than one paper)."
    ) in run_cli(review, "prisma", "--methods", "-")
    conn = sqlite3.connect(review / "litsynth.db")
    logged = conn.execute("SELECT record_id, study, reviewer, note FROM study_links").fetchall()
    conn.close()
    assert logged == [("r04", "r01", "ben", "same trial")]

    # extraction is per study: the main report's row, the folded report refused with its study
    (review / "extraction.yaml").write_text(
        "fields:\n  - id: setting\n    type: text\n", encoding="utf-8"
    )
    sheet = tmp_path / "extraction.csv"
    run_cli(review, "extract", "export", str(sheet))
    rows = list(csv.DictReader(sheet.open(encoding="utf-8-sig")))
    assert sorted(r["record_id"] for r in rows) == ["r01", "r02"]
    named = {r["record_id"]: r["study"] for r in rows}
    assert named["r01"] == "Smith & Berg (2019), also García (2018)"
    sheet.write_text("record_id,setting\nr04,hospital\n", encoding="utf-8")
    out = run_cli(review, "extract", "import", str(sheet), exit_code=1)
    assert "'r04' is a report of the study 'r01'" in out
    sheet.write_text("record_id,setting\nr01,hospital\n", encoding="utf-8")
    run_cli(review, "extract", "import", str(sheet))
    table = run_cli(review, "extract", "table")
    assert "Smith & Berg (2019), also García (2018)" in table and "hospital" in table

    # an export of the included records says which study each reports
    included = tmp_path / "included.csv"
    run_cli(review, "export", "records", str(included), "--stage", "included")
    exported = {r["record_id"]: r["study"] for r in csv.DictReader(
        included.open(encoding="utf-8-sig"))}  # fmt: skip
    assert exported == {"r01": "r01", "r02": "r02", "r04": "r01"}

    # the deposit carries each record's study; a reader and an update count from it
    package = tmp_path / "data.zip"
    run_cli(review, "export", "package", str(package))
    with zipfile.ZipFile(package) as z:
        name = next(n for n in z.namelist() if n.endswith("records.csv"))
        deposited = {r["record_id"]: r["study"] for r in csv.DictReader(
            io.StringIO(z.read(name).decode("utf-8")))}  # fmt: skip
    assert (deposited["r04"], deposited["r01"], deposited["r02"]) == ("r01", "r01", "r02")
    assert "reproduced: every box equals" in run_cli(review, "prisma", "--from", str(package))
    update = corpus_project(tmp_path / "update")
    said = run_cli(update, "previous", str(package))
    assert "The previous version included 2 studies in 3 reports" in said

    # undone: r04 is a study of its own again
    run_cli(review, "studies", "split", "r04")
    assert "Included: 3 studies in 3 reports." in run_cli(review, "studies")


def test_bad_groupings_are_refused_with_a_hint(review: Path, tmp_path: Path) -> None:
    out = run_cli(review, "studies", "group", "r01", "nope", exit_code=1)
    assert "no record 'nope' in this project" in out
    again = tmp_path / "pubmed.csv"
    again.write_text(RECORDS.read_text(encoding="utf-8").splitlines()[0] + "\n"
                     + RECORDS.read_text(encoding="utf-8").splitlines()[4].replace("r04", "p04")
                     + "\n", encoding="utf-8")  # fmt: skip
    run_cli(review, "import", str(again), "--source", "PubMed")
    run_cli(review, "dedupe")
    out = run_cli(review, "studies", "group", "r01", "p04", exit_code=1)
    assert "p04 is a duplicate of r04" in out and "group its root r04" in out
    run_cli(review, "studies", "group", "r01", "r02")
    again = run_cli(review, "studies", "group", "r02", "r01")
    assert "Nothing to record: the records stand so already." in again
    found = json.loads(run_cli(review, "studies", "candidates", "--json"))
    assert found == {"stage": "title-abstract", "candidates": []}


def test_a_grouping_made_on_another_laptop_merges(review: Path, tmp_path: Path) -> None:
    """`merge` appends the other copy's study entries; the flow here then counts the study."""
    import shutil

    theirs = tmp_path / "theirs"
    shutil.copytree(review, theirs)
    run_cli(theirs, "studies", "group", "r01", "r04", "--reviewer", "ben")
    out = json.loads(run_cli(review, "merge", str(theirs / "litsynth.db"), "--json"))
    assert out["tables"]["reports grouped into studies"]["added"] == {"ben": 1}
    assert "Included: 2 studies in 3 reports." in run_cli(review, "studies")


def test_an_import_whose_records_are_grouped_stays(tmp_path: Path) -> None:
    """Grouping is a person's work: the batch holding a grouped record (either end) is not
    taken back, as one with decisions is not."""
    root = corpus_project(tmp_path / "p")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    run_cli(root, "studies", "group", "r01", "r04")
    said = run_cli(root, "batches", "--json")
    batch = json.loads(said)[0]
    assert batch["work"] == 2
    out = run_cli(root, "batches", "--remove", batch["id"], exit_code=1)
    assert "reports grouped into studies" in out


def test_full_text_screening_in_the_terminal_names_the_study(tmp_path: Path) -> None:
    """Where reports are collated, the terminal shows the record's possible second report
    with the command that groups them, and once grouped, the study's other report."""
    from click.testing import CliRunner

    from litsynth.cli import cli

    root = corpus_project(tmp_path / "p")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    follow_up = tmp_path / "follow-up.csv"
    follow_up.write_text('record_id,title,authors,year\nx01,Default options in electronic order'
                         ' sets two years on,"Smith, John; Berg, Anna",2021\n',
                         encoding="utf-8")  # fmt: skip
    run_cli(root, "import", str(follow_up), "--source", "PubMed")
    for rid in ("r01", "x01"):
        run_cli(root, "screen", "decide", rid, "include")

    def screen() -> str:
        done = CliRunner().invoke(
            cli, ["screen", "next", "--stage", "full-text", "--project", str(root)], input="q\n"
        )
        assert done.exit_code == 0, done.output
        return done.output

    shown = screen()
    assert "May report the same study as" in shown and "2 of 2 authors shared" in shown
    assert "`litsynth studies group" in shown
    run_cli(root, "studies", "group", "r01", "x01")
    assert "One study with: Smith & Berg (20" in screen()
    # and `screen show`, a record looked up on its own, says the same
    assert "\n  One study with: Smith & Berg (2021) x01\n" in run_cli(root, "screen", "show", "r01")


def test_values_extracted_before_grouping_stay_on_the_study(review: Path, tmp_path: Path) -> None:
    """ana extracted r04's paper; later r04 is found to report r01's study, whose row is the
    study's: r04's values fill it where r01 has none, in the sheet, the table and status."""
    (review / "extraction.yaml").write_text(
        "fields:\n  - id: setting\n    type: text\n  - id: n\n    type: integer\n",
        encoding="utf-8",
    )
    sheet = tmp_path / "ana.csv"
    sheet.write_text("record_id,setting,n\nr04,intensive care,120\nr01,,80\n", encoding="utf-8")
    run_cli(review, "extract", "import", str(sheet), "--reviewer", "ana")
    run_cli(review, "studies", "group", "r01", "r04")
    table = json.loads(run_cli(review, "extract", "table", "--json"))
    rows = {r[0]: r[1:] for r in table["rows"]}
    # r01's own n stands; the setting only r04's paper gave fills the study's row
    assert rows["Smith & Berg (2019), also García (2018)"] == ["intensive care", "80"]
    out = tmp_path / "sheet.csv"
    run_cli(review, "extract", "export", str(out))
    exported = {r["record_id"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert (exported["r01"]["setting"], exported["r01"]["n"]) == ("intensive care", "80")
    assert "included studies: 1 of 2 with data extracted" in run_cli(review, "status")
    # the sheet back as exported records nothing new: the values stand as shown
    said = run_cli(review, "extract", "import", str(out), "--reviewer", "ana")
    assert "0 values recorded" in said


def test_a_matrix_by_study_counts_two_reports_as_one(demo_copy: Path) -> None:
    """`matrix --rows attr:study`: the documents of one study's reports are one row."""
    before = json.loads(run_cli(demo_copy, "matrix", "--rows", "attr:study", "--json"))
    run_cli(demo_copy, "studies", "group", "web-002", "web-003", "--reviewer", "demo")
    after = json.loads(run_cli(demo_copy, "matrix", "--rows", "attr:study", "--json"))
    assert len(after["row_keys"]) == len(before["row_keys"]) - 1
    assert after["total"] == before["total"]
    # the study's row holds both documents and the passages both rows held
    gone = set(before["row_keys"]) - set(after["row_keys"])
    assert len(gone) == 1
    (study,) = (k for k, t in after["row_totals"].items() if t["documents"] == 2)
    both = before["row_totals"][study]["passages"] + before["row_totals"][gone.pop()]["passages"]
    assert after["row_totals"][study]["passages"] == both


def test_a_study_of_two_documents_is_a_set_in_the_refi_export(demo_copy: Path) -> None:
    """NVivo, ATLAS.ti or MAXQDA see a study's reports together: a set "study: NAME"."""
    import xml.etree.ElementTree as ET
    import zipfile
    from importlib import resources

    import xmlschema

    from litsynth.synthesis import refiqda

    run_cli(demo_copy, "studies", "group", "web-002", "web-003", "--reviewer", "demo")
    run_cli(demo_copy, "export", "refi", "--out", str(demo_copy / "out.qdpx"))
    with zipfile.ZipFile(demo_copy / "out.qdpx") as archive:
        qde = archive.read("project.qde")
    schemas = resources.files("litsynth.synthesis") / "schemas"
    xmlschema.XMLSchema(str(schemas / "Project.xsd")).validate(qde.decode("utf-8"))
    root = ET.fromstring(qde)
    ns = {"q": refiqda.PROJECT_NS}
    sets = {
        s.get("name"): len(s.findall("q:MemberSource", ns))
        for s in root.findall("q:Sets/q:Set", ns)
    }
    studies = {name: n for name, n in sets.items() if (name or "").startswith("study: ")}
    assert list(studies.values()) == [2], sets
