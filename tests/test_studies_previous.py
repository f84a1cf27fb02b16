"""An updated review's new report of a study its previous version included (`litsynth studies
group previous:STUDY RECORD`): a report, not a new study. PRISMA 2020's flow for updated
reviews then counts it in "Reports of total included studies" only, and every place that says
the included studies and reports (prisma, status, the Methods and Results, the deposit and its
reproduction) says so.

The pure functions on hand-made records; the rest on a real project through the CLI: an
update's three records (a follow-up of a trial the previous version included, and two reports
of one new study) beside a previous version's list of two studies in three reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from litsynth.biblio import studies
from litsynth.biblio.prisma import FlowRecord, build_flow, check_flow
from litsynth.biblio.screening_rules import Effective
from litsynth.errors import BiblioError, ConfigError
from litsynth.records import BibRecord, PreviousReport
from litsynth.report.deposit_check import read_package, reproduce

PREVIOUS_LIST = (
    "id,study,title,authors,year,doi\n"
    'p1,smith2019,Nudging physicians with default options in electronic order sets,"Smith, John;'
    ' Berg, Anna",2019,10.1000/p1\n'
    "p2,smith2019,Default options in order sets: protocol of a randomised trial (NCT01234567),"
    '"Smith, John; Berg, Anna",2018,10.1000/p2\n'
    'p3,jones2017,Text message reminders for statin adherence,"Jones, Kim",2017,10.1000/p3\n'
)
UPDATE = (
    "record_id,title,abstract,authors,year,doi\n"
    "x01,Default options in order sets: two-year follow-up,Follow-up of the trial registered"
    ' as NCT01234567.,"Smith, John; Berg, Anna",2021,10.1000/x01\n'
    "x02,Commitment devices for hand hygiene,A cluster trial of commitment posters in wards.,"
    '"Lee, Ann; Park, Min",2022,10.1000/x02\n'
    "x03,Commitment devices for hand hygiene: process evaluation,Process evaluation of the"
    ' poster trial.,"Lee, Ann; Park, Min; Cho, Jin",2023,10.1000/x03\n'
)
EARLIER = [
    PreviousReport("p1", "smith2019", "Nudging physicians", ("Smith, John", "Berg, Anna"), 2019),
    PreviousReport("p2", "smith2019", "Protocol NCT01234567", ("Smith, John", "Berg, Anna"), 2018),
    PreviousReport("p3", "jones2017", "Text message reminders", ("Jones, Kim",), 2017),
]


def test_a_record_grouped_into_a_previous_study_reports_it() -> None:
    entries = studies.group({}, "previous:smith2019", ["x01"], reviewer="ana", at="t")
    assert [(e.record_id, e.study) for e in entries] == [("x01", "previous:smith2019")]
    mapping = studies.studies_of(entries)
    assert mapping == {"x01": "previous:smith2019"}
    # a record grouped with it later joins the same study; one of another previous study is
    # refused: two studies of the previous version stay two
    more = studies.group(mapping, "x01", ["x02"], reviewer="ana", at="t")
    assert [(e.record_id, e.study) for e in more] == [("x02", "previous:smith2019")]
    with pytest.raises(BiblioError, match="is a report of previous:smith2019 already"):
        studies.group(mapping, "previous:jones2017", ["x01"], reviewer="ana", at="t")
    # taken out again, it is a study of its own
    out = studies.split(mapping, "x01", reviewer="ana", at="t")
    assert [(e.record_id, e.study) for e in out] == [("x01", "")]


def test_candidates_pair_an_update_record_with_the_previous_list_never_two_of_it() -> None:
    x01 = BibRecord("x01", "PubMed", "b", title="Follow-up", abstract="Trial NCT01234567.",
                    authors=("Smith, John", "Berg, Anna"), year=2021)  # fmt: skip
    earlier = studies.previous_records(EARLIER)
    assert [r.id for r in earlier] == ["previous:smith2019"] * 2 + ["previous:jones2017"]
    found = studies.candidates([x01, *earlier], {})
    # once for the study, by its strongest evidence (the registration its protocol names),
    # though two of its reports match; p1 and p2 (one previous study) are never a pair
    assert [(c.first, c.second, c.why) for c in found] == [
        ("x01", "previous:smith2019", "both name NCT01234567")
    ]
    assert studies.candidates([x01, *earlier], {"x01": "previous:smith2019"}) == []
    # a study matched twice (authors and titles by one report, the registration by another)
    # is one candidate, in the place of its strongest pair
    team = ("Smith, John", "Berg, Anna")
    follow_up = BibRecord("x05", "PubMed", "b", authors=team, year=2021,
                          title="Default options in electronic order sets: follow-up",
                          abstract="Trial NCT01234567.")  # fmt: skip
    results = BibRecord("a06", "PubMed", "b", authors=team, year=2020,
                        title="Default options in electronic order sets: results")  # fmt: skip
    twice = studies.previous_records([
        PreviousReport("p1", "s", "Default options in electronic order sets", team, 2019),
        PreviousReport("p2", "s", "Protocol of trial NCT01234567", team, 2018),
    ])  # fmt: skip
    found = studies.candidates([follow_up, results, *twice], {})
    assert [(c.first, c.second, c.strength) for c in found] == [
        ("x05", "previous:s", 2.0), ("a06", "previous:s", 1.0), ("x05", "a06", 1.0),
    ]  # fmt: skip


def _flow(mapping: dict[str, str], keys: tuple[str, ...]) -> tuple[int, int, int, int, int]:
    records = [FlowRecord(r, "Scopus") for r in ("a", "b", "c")]
    effective = {
        (r, stage): Effective(r, stage, "include", origin="human")
        for r in ("a", "b", "c")
        for stage in ("title-abstract", "full-text")
    }
    f = check_flow(build_flow(records, effective, (2, 3), mapping, keys))
    return f.new_studies, f.new_reports, f.previous_new_reports, f.total_studies, f.total_reports


def test_the_flow_counts_a_new_report_of_a_previous_study_in_the_totals_only() -> None:
    tied = {"a": "previous:s1", "c": "b"}
    # a: a new report of previous study s1; b and c: one new study in two reports
    assert _flow(tied, ("s1", "s2")) == (1, 2, 1, 3, 6)
    # a study the previous list no longer holds (`previous --clear`, another list told):
    # the report counts as a new study again, not as a report of nothing
    assert _flow(tied, ("s2",)) == (2, 3, 0, 4, 6)


@pytest.fixture
def update(tmp_path: Path, project: Path) -> Path:
    """The update's records imported and included at full text, beside the previous list."""
    (tmp_path / "update.csv").write_text(UPDATE, encoding="utf-8")
    (tmp_path / "previous.csv").write_text(PREVIOUS_LIST, encoding="utf-8")
    run_cli(project, "import", str(tmp_path / "update.csv"), "--source", "PubMed")
    run_cli(project, "previous", str(tmp_path / "previous.csv"), "--study-column", "study")
    for rid in ("x01", "x02", "x03"):
        run_cli(project, "screen", "decide", rid, "include", "--reviewer", "ann")
        run_cli(project, "screen", "decide", rid, "include", "--stage", "full-text",
                "--reviewer", "ann")  # fmt: skip
    return project


def test_a_follow_up_of_a_previous_study_counts_as_its_report_everywhere(
    update: Path, tmp_path: Path
) -> None:
    proposed = json.loads(run_cli(update, "studies", "candidates", "--json"))["candidates"]
    assert [(c["records"], c["labels"][1], c["why"]) for c in proposed] == [
        (["x01", "previous:smith2019"], "Smith & Berg (2019), previous version",
         "both name NCT01234567"),
        (["x02", "x03"], "Lee et al. (2023)", "2 of 2 authors shared, first author Lee"),
    ]  # fmt: skip
    # the overview points at them, and gives them whole as the workspace has them
    assert "2 pairs of the records sought for full text may report one study" in run_cli(
        update, "studies"
    )
    assert len(json.loads(run_cli(update, "studies", "--json"))["candidates"]) == 2
    # the pair as the candidates list gives it: the record first, the previous study second
    said = run_cli(update, "studies", "group", "x01", "previous:smith2019", "--reviewer", "ann")
    assert "x01 → previous:smith2019" in said
    run_cli(update, "studies", "group", "x02", "x03", "--reviewer", "ann")
    flow = json.loads(run_cli(update, "prisma", "--json"))
    assert {k: flow[k] for k in ("new_studies", "new_reports", "previous_new_reports",
                                 "previous_studies", "previous_reports", "total_studies",
                                 "total_reports")} == {
        "new_studies": 1, "new_reports": 2, "previous_new_reports": 1, "previous_studies": 2,
        "previous_reports": 3, "total_studies": 3, "total_reports": 6,
    }  # fmt: skip
    assert "(of which new reports of studies in the previous version: 1)" in run_cli(
        update, "prisma"
    )
    overview = run_cli(update, "studies")
    assert overview.startswith(
        "Included: 1 study in 2 reports; and 1 new report of 1 study the previous version included."
    )
    assert (
        "Smith & Berg (2019), previous version  previous:smith2019\n  also Smith & Berg" in overview
    )
    assert "1 new report of them included; 3 studies in all" in run_cli(update, "status")
    # its data are extracted on a row of its own, which says whose report it is
    run_cli(update, "extract", "init")
    assert "| Smith & Berg (2021), new report of Smith & Berg (2019), previous version |" in (
        run_cli(update, "extract", "table")
    )
    paragraph = tmp_path / "results.md"
    run_cli(update, "prisma", "--paragraph", str(paragraph))
    assert (
        "A new report of a study the previous version included was added to that study"
        " (6 reports in total)."
    ) in paragraph.read_text(encoding="utf-8")
    methods = tmp_path / "methods.md"
    run_cli(update, "prisma", "--methods", str(methods))
    assert (
        "the 3 reports included describe 2 studies (1 reported in more than one paper; 1"
        " included in the review's previous version)."
    ) in methods.read_text(encoding="utf-8")
    # the report lists the studies reported more than once, the previous version's with them
    run_cli(update, "report")
    html = (update / "report" / "index.html").read_text(encoding="utf-8")
    assert "Studies reported in more than one paper" in html
    assert "<th>Smith &amp; Berg (2019), previous version</th><td>Smith &amp; Berg (2021)" in html
    assert "<th>Lee &amp; Park (2022)</th><td>Lee et al. (2023)</td>" in html
    from docx import Document

    draft = Document(str(update / "report" / "manuscript.docx"))
    cells = [[c.text for c in row.cells] for t in draft.tables for row in t.rows]
    assert ["Lee & Park (2022)", "Lee et al. (2023)"] in cells
    # the deposit names the study, and a reader reproduces every box from it
    run_cli(update, "export", "package", str(tmp_path / "deposit.zip"))
    reproduced = run_cli(update, "prisma", "--from", str(tmp_path / "deposit.zip"))
    assert "reproduced: every box equals the deposited prisma.json" in reproduced
    # the next update reads this one's package: its previous version is this update's total,
    # the first version's studies (previous.csv) with the follow-up counted among their reports
    nxt = tmp_path / "third"
    run_cli(nxt, "init")
    told = json.loads(run_cli(nxt, "previous", str(tmp_path / "deposit.zip"), "--json"))
    assert (told["studies"], told["reports"]) == (flow["total_studies"], flow["total_reports"])
    # taken out of the previous study, the follow-up is a new study again
    run_cli(update, "studies", "split", "x01", "--reviewer", "ann")
    flow = json.loads(run_cli(update, "prisma", "--json"))
    assert (flow["new_studies"], flow["new_reports"], flow["previous_new_reports"]) == (2, 3, 0)
    # a package written before the box existed has no such key, and reproduces as it did
    run_cli(update, "export", "package", str(tmp_path / "older.zip"))
    files = read_package(tmp_path / "older.zip")
    boxes = json.loads(files["prisma.json"])
    del boxes["previous_new_reports"]
    older = reproduce({**files, "prisma.json": json.dumps(boxes).encode()})
    assert older.differences == ()


def test_a_previous_study_must_be_on_the_list(update: Path) -> None:
    listed = run_cli(update, "previous", "--list")
    assert "  previous:smith2019  Smith & Berg (2019); Smith & Berg (2018)\n" in listed
    assert "  previous:jones2017  Jones (2017)\n" in listed
    said = run_cli(update, "studies", "group", "previous:nope", "x01", exit_code=1)
    assert "no study 'nope' in the previous version's list" in said
    said = run_cli(update, "studies", "group", "previous:smith2019", "previous:jones2017",
                   exit_code=1)  # fmt: skip
    assert "are two studies of the previous version" in said
    said = run_cli(update, "studies", "split", "previous:smith2019", exit_code=1)
    assert "is a study of the previous version, not a record" in said


def test_a_report_the_previous_version_included_is_no_new_report_of_it(
    update: Path, tmp_path: Path
) -> None:
    """The update's search found the previous version's own paper again (same DOI): it is not
    proposed as a new report of its study, and grouping it so is refused, since the total
    would count it twice; excluding it, or `previous --remove-found`, is the way."""
    again = tmp_path / "again.csv"
    again.write_text(
        "record_id,title,authors,year,doi\n"
        'x04,Nudging physicians with default options in electronic order sets,"Smith, John;'
        ' Berg, Anna",2019,10.1000/p1\n',
        encoding="utf-8",
    )
    run_cli(update, "import", str(again), "--source", "Embase")
    run_cli(update, "screen", "decide", "x04", "include", "--reviewer", "ann")
    proposed = json.loads(run_cli(update, "studies", "candidates", "--json"))["candidates"]
    assert ["x04", "previous:smith2019"] not in [c["records"] for c in proposed]
    assert ["x01", "previous:smith2019"] in [c["records"] for c in proposed]
    said = run_cli(update, "studies", "group", "previous:smith2019", "x04", exit_code=1)
    assert "x04 is a report the previous version included, not a new report of it" in said
    assert "`litsynth previous --remove-found`" in said
    # nor as a report of another of its studies, nor by way of a record grouped there before
    said = run_cli(update, "studies", "group", "previous:jones2017", "x04", exit_code=1)
    assert "x04 is a report the previous version included (of previous:smith2019)" in said
    run_cli(update, "studies", "group", "previous:smith2019", "x01")
    said = run_cli(update, "studies", "group", "x01", "x04", exit_code=1)
    assert "x04 is a report the previous version included, not a new report of it" in said


def test_an_update_reproduces_from_the_files_it_declares(project: Path, tmp_path: Path) -> None:
    """`litsynth run` reproduces an update's flow from litsynth.toml alone: the previous
    version's list and the reports grouped into studies are files, like the exports and the
    screening sheets, applied once each."""
    from litsynth.biblio.screening_ops import prisma_flow
    from litsynth.config import open_project
    from litsynth.inputs import apply_inputs
    from litsynth.store import connect

    records = project / "records"
    records.mkdir()
    (records / "update.csv").write_text(UPDATE, encoding="utf-8")
    (records / "previous.csv").write_text(PREVIOUS_LIST, encoding="utf-8")
    for stage in ("title-abstract", "full-text"):
        (records / f"{stage}.csv").write_text(
            "record_id,decision\nx01,include\nx02,include\nx03,include\n", encoding="utf-8"
        )
    (records / "studies.csv").write_text(
        "record_id,study\nx01,previous:smith2019\nx02,x02\nx03,x02\n", encoding="utf-8"
    )
    with (project / "litsynth.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            '\n[records]\nimports = ["PubMed=records/update.csv"]\n'
            'screening = ["title-abstract:ann=records/title-abstract.csv",'
            ' "full-text:ann=records/full-text.csv"]\n'
            'previous = "records/previous.csv"\nprevious_study_column = "study"\n'
            'studies = "records/studies.csv"\n'
        )
    conn = connect(open_project(project).store_path)
    try:
        first = apply_inputs(open_project(project), conn)
        assert first is not None and first.grouped == 2
        flow = prisma_flow(conn)
        assert (flow.new_studies, flow.new_reports, flow.previous_new_reports) == (1, 2, 1)
        assert (flow.total_studies, flow.total_reports) == (3, 6)
        again = apply_inputs(open_project(project), conn)
        assert again is not None and again.grouped == 0 and again.decisions == 0
        assert prisma_flow(conn).to_json() == flow.to_json()
    finally:
        conn.close()
    # a changed sheet is applied again; a row naming no record stops the run, saying where
    (records / "studies.csv").write_text("record_id,study\nx09,x02\n", encoding="utf-8")
    conn = connect(open_project(project).store_path)
    try:
        with pytest.raises(ConfigError, match=r"studies studies\.csv line 2: no record 'x09'"):
            apply_inputs(open_project(project), conn)
    finally:
        conn.close()


def test_an_updates_package_keeps_its_studies_apart_from_the_earlier_versions() -> None:
    """Each version names its own studies by its records' ids, which two searches may give
    to different papers: read together, a clash between different papers is renamed, the
    same paper found again is one study, and a new report of an earlier study joins it."""
    from litsynth.biblio.previous import from_deposit

    earlier = [
        {"report_id": "17", "study": "17", "title": "Default options in electronic order sets"},
        {"report_id": "18", "study": "18", "title": "Text message reminders for statins"},
    ]
    rows = [
        {"record_id": "17", "study": "17", "full_text_decision": "include",
         "title": "Commitment devices for hand hygiene in hospital wards"},  # another paper
        {"record_id": "18", "study": "18", "full_text_decision": "include",
         "title": "Text message reminders for statins"},  # the same paper, found again
        {"record_id": "40", "study": "previous:17", "full_text_decision": "include",
         "title": "Default options: two-year follow-up"},
        {"record_id": "41", "study": "41", "full_text_decision": "exclude", "title": "Other"},
    ]  # fmt: skip
    read = from_deposit(rows, "v2-deposit.zip", earlier)
    assert [(r.id, r.study) for r in read] == [
        ("17", "17"),
        ("18", "18"),
        ("17", "v2-deposit:17"),
        ("18", "18"),
        ("40", "17"),
    ]
    assert len({r.study for r in read}) == 3


def test_a_previous_study_the_list_no_longer_holds_is_named_so_everywhere(update: Path) -> None:
    run_cli(update, "studies", "group", "previous:smith2019", "x01", "--reviewer", "ann")
    run_cli(update, "previous", "--clear")
    gone = "previous:smith2019 (not on the previous version's list)"
    assert gone in run_cli(update, "studies")
    run_cli(update, "extract", "init")
    assert f"| Smith & Berg (2021), new report of {gone} |" in run_cli(update, "extract", "table")
