"""An updated review carries its previous version's data extraction and critical appraisal:
the tables cover every included study, the previous version's with the data it extracted,
which the update corrects rather than extracts again, and the update's own package carries
them on to the next update.

Three real projects through the CLI: the previous version deposited with its forms filled in,
the update telling that package, and a second update telling the first update's package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, corpus_project, run_cli
from litsynth.biblio.previous_values import carried
from litsynth.records import PreviousReport

RECORDS = FIXTURES / "screening" / "records.csv"
UPDATE = (
    "record_id,title,authors,year,doi\n"
    'u01,Default options in order sets: a trial,"Smith, J",2019,10.1000/R01\n'  # r01's DOI
    "u02,Peer comparison letters reduce antibiotic overprescribing by general practitioners.,"
    '"Lee, K",2017,\n'  # r02's title
    'u03,Audit and feedback for antibiotic stewardship in nursing homes,"Park, S",2024,\n'
)
EXTRACTION = """\
fields:
  - id: design
    label: Design
    type: choice
    values: [trial, survey, case study]
  - id: n
    label: Participants
    type: integer
  - id: setting
    label: Setting
    type: text
"""
APPRAISAL = """\
overall: overall
fields:
  - id: overall
    label: Overall quality
    type: choice
    values: [high, moderate, low]
"""


def forms(root: Path) -> None:
    (root / "extraction.yaml").write_text(EXTRACTION, encoding="utf-8")
    (root / "appraisal.yaml").write_text(APPRAISAL, encoding="utf-8")


def include(root: Path, *ids: str) -> None:
    for rid in ids:
        for stage in ("title-abstract", "full-text"):
            run_cli(root, "screen", "decide", rid, "include", "--stage", stage,
                    "--reviewer", "ana")  # fmt: skip


def fill(root: Path, command: str, sheet: str, reviewer: str = "ana") -> str:
    path = root / "sheet.csv"
    path.write_text(sheet, encoding="utf-8")
    return run_cli(root, command, "import", str(path), "--reviewer", reviewer)


@pytest.fixture
def first(tmp_path: Path) -> Path:
    """The previous version: r01, r02 and r04 included, r04 a second report of r02's study,
    data extracted from all three and two studies appraised; deposited as a zip."""
    root = corpus_project(tmp_path / "v1")
    forms(root)
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    include(root, "r01", "r02", "r04")
    run_cli(root, "studies", "group", "r02", "r04", "--reviewer", "ana")
    fill(root, "extract", "record_id,design,n,setting\nr01,trial,120,\nr02,survey,,\n")
    # written on r04 before it was grouped: r02's own value wins, r04 fills the blank
    path = root / "r04.csv"
    path.write_text("record_id,design,setting\nr04,case study,Wards\n", encoding="utf-8")
    run_cli(root, "studies", "split", "r04", "--reviewer", "ana")
    run_cli(root, "extract", "import", str(path), "--reviewer", "ana")
    run_cli(root, "studies", "group", "r02", "r04", "--reviewer", "ana")
    fill(root, "appraise", "record_id,overall\nr01,high\nr02,moderate\n")
    package = tmp_path / "v1.zip"
    run_cli(root, "export", "package", str(package))
    return package


def test_an_update_shows_and_corrects_the_previous_versions_data(
    first: Path, tmp_path: Path
) -> None:
    root = corpus_project(tmp_path / "v2")
    forms(root)
    (tmp_path / "update.csv").write_text(UPDATE, encoding="utf-8")
    run_cli(root, "import", str(tmp_path / "update.csv"), "--source", "PubMed")
    told = run_cli(root, "previous", str(first), "--remove-found")
    assert (
        "Its data extraction (4 values on 2 studies) and its appraisal (2 answers on 2 studies)"
        " are carried into this update" in told
    )
    held = json.loads(run_cli(root, "previous", "--json"))["carried"]
    assert held == {"extraction": {"studies": 2, "values": 4},
                    "appraisal": {"studies": 2, "values": 2}}  # fmt: skip
    include(root, "u03")
    assert "; data extraction of 2 and appraisal of 2 carried from it" in run_cli(root, "status")
    # every study of the review, the previous version's with their data: r02's study with
    # its second report's setting, as the previous version's own table showed it
    assert run_cli(root, "extract", "table").splitlines()[2:] == [
        "| Hallsworth (2016), previous version | survey |  | Wards |",
        "| Park (2024) |  |  |  |",
        "| Smith & Berg (2019), previous version | trial | 120 |  |",
    ]
    appraised = run_cli(root, "appraise", "table")
    assert "Overall quality: high 1, moderate 1, not judged 1 (3 studies)." in appraised
    assert (
        "The previous version's appraisal of its 2 studies was carried into this update"
        " (2 answers)." in appraised
    )
    # the sheet has their rows, filled in; a value changed there is a correction, a value
    # as carried is no change
    run_cli(root, "extract", "export", str(tmp_path / "sheet.csv"))
    rows = (tmp_path / "sheet.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[2] == (
        'previous:r01,"Smith & Berg (2019), previous version",Nudging physicians with default'
        " options in electronic order sets,trial,120,"
    )
    said = fill(
        root, "extract", "record_id,design,n\nprevious:r01,trial,125\nu03,trial,40\n", "ben"
    )
    assert "3 values recorded (1 unchanged)" in said
    # a new report of r02's study: its row is the study's, the previous data under its own
    run_cli(root, "studies", "group", "previous:r02", "u03", "--reviewer", "ana")
    assert run_cli(root, "extract", "table").splitlines()[2:] == [
        "| Park (2024), new report of Hallsworth (2016), previous version | trial | 40 | Wards |",
        "| Smith & Berg (2019), previous version | trial | 125 |  |",
    ]
    # the review's included studies are both versions': a reference manager gets them all,
    # each report of the previous version noted as such, the new report with its study
    said = run_cli(root, "export", "records", str(tmp_path / "included.ris"))
    assert "Wrote 4 records (included; 3 of them the previous version's)" in said
    ris = (tmp_path / "included.ris").read_text(encoding="utf-8")
    assert "ID  - previous:r04\n" in ris
    assert (
        "N1  - litsynth: included in the previous version of the review (v1.zip); study:"
        " previous:r02\n" in ris
    )
    assert "full text: include; study: previous:r02\n" in ris  # u03, the new report
    listed = json.loads(run_cli(root, "export", "references", "--json"))
    assert (len(listed["references"]), listed["previous_version"]) == (4, 3)
    assert "Wrote 1 record (included) to" in run_cli(
        root, "export", "records", str(tmp_path / "new.ris"), "--new-only"
    )
    # a value of the previous version's study that no longer holds is cleared in the workspace
    # (the same call the Extraction screen makes)
    from litsynth.biblio import extraction
    from litsynth.store import opened

    form = extraction.load_form(root / "extraction.yaml")
    with opened(root / "litsynth.db") as conn:
        extraction.record_value(conn, form, "previous:r01", "design", "", reviewer="ben")
        with pytest.raises(Exception, match="'previous:r02' is not an included study"):
            extraction.record_value(conn, form, "previous:r02", "n", "3", reviewer="ben")
    assert "| Smith & Berg (2019), previous version |  | 125 |  |" in run_cli(
        root, "extract", "table"
    )
    # the Methods say so (the report's data-collection sentence)
    from litsynth.biblio.form_reviewers import collection_sentence

    with opened(root / "litsynth.db") as conn:
        assert collection_sentence(conn, form).endswith(
            " The data the previous version extracted from its 2 studies were carried into this"
            " update (4 values; 2 corrected)."
        )

    run_cli(root, "report")
    html = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert "carried into this update (4 values; 2 corrected). From the data-extraction form" in html
    assert "<th>Smith &amp; Berg (2019), previous version</th><td></td><td>125</td>" in html

    # the update's package carries them on: the next update shows the corrected values, and
    # the new report's own over the first version's
    package = tmp_path / "v2.zip"
    run_cli(root, "export", "package", str(package))
    third = corpus_project(tmp_path / "v3")
    forms(third)
    run_cli(third, "previous", str(package))
    assert run_cli(third, "extract", "table").splitlines()[2:] == [
        "| Hallsworth (2016), previous version | trial | 40 | Wards |",
        "| Smith & Berg (2019), previous version |  | 125 |  |",
    ]
    # before any search of its own is imported, its report shows them
    run_cli(third, "report")
    html = (third / "report" / "index.html").read_text(encoding="utf-8")
    assert "<th>Hallsworth (2016), previous version</th><td>trial</td><td>40</td>" in html
    # told again, the list replaces what was carried, and a correction stays
    fill(third, "extract", "record_id,setting\nprevious:r01,Clinics\n")
    run_cli(third, "previous", str(package))
    assert "| Smith & Berg (2019), previous version |  | 125 | Clinics |" in run_cli(
        third, "extract", "table"
    )


def test_a_package_without_forms_and_a_reference_list_carry_nothing(tmp_path: Path) -> None:
    root = corpus_project(tmp_path / "v1")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus")
    include(root, "r01")
    run_cli(root, "export", "package", str(tmp_path / "v1.zip"))
    update = corpus_project(tmp_path / "v2")
    said = run_cli(update, "previous", str(tmp_path / "v1.zip"))
    assert "carried" not in said
    assert json.loads(run_cli(update, "previous", "--json"))["carried"] == {}
    shutil.copy(RECORDS, tmp_path / "list.csv")
    assert "carried" not in run_cli(update, "previous", str(tmp_path / "list.csv"))


def test_carried_values_follow_the_package_s_own_over_what_it_carried() -> None:
    own = [PreviousReport("r2", "r2"), PreviousReport("r4", "r2"), PreviousReport("x1", "s0")]
    logs = {
        "extraction": [
            {"record_id": "r4", "field": "design", "value": "case study"},
            {"record_id": "r2", "field": "design", "value": "survey"},
            {"record_id": "r4", "field": "n", "value": "12"},
            {"record_id": "r2", "field": "n", "value": "30"},
            {"record_id": "r2", "field": "n", "value": ""},  # cleared: r4's fills it
            {"record_id": "x1", "field": "n", "value": "7"},
            {"record_id": "zz", "field": "n", "value": "9"},  # not an included study
        ]
    }
    earlier = [
        {"form": "extraction", "study": "s0", "field": "n", "value": "5", "provenance": "v0"},
        {"form": "extraction", "study": "s0", "field": "design", "value": "trial"},
    ]
    got = {(v.study, v.field): (v.value, v.source) for v in carried(own, logs, earlier, "v1.zip")}
    assert got == {
        ("r2", "design"): ("survey", "v1.zip, extraction.csv line 3"),
        ("r2", "n"): ("12", "v1.zip, extraction.csv line 4"),
        ("s0", "n"): ("7", "v1.zip, extraction.csv line 7"),
        ("s0", "design"): ("trial", ""),
    }


def test_a_colleagues_corrections_merge_and_a_copy_brings_what_was_carried(
    first: Path, tmp_path: Path
) -> None:
    ana = corpus_project(tmp_path / "ana")
    forms(ana)
    run_cli(ana, "previous", str(first))
    ben = tmp_path / "ben" / "review"
    shutil.copytree(ana, ben)
    fill(ben, "extract", "record_id,setting\nprevious:r01,Clinics\n", "ben")
    out = json.loads(run_cli(ana, "merge", str(ben / "litsynth.db"), "--json"))
    assert out["tables"]["corrections of the previous version's data"]["added"] == {"ben": 1}
    assert "| Smith & Berg (2019), previous version | trial | 120 | Clinics |" in run_cli(
        ana, "extract", "table"
    )
    # a project with no list yet takes the other copy's, with the values carried with it
    empty = corpus_project(tmp_path / "new")
    forms(empty)
    run_cli(empty, "merge", str(ben / "litsynth.db"))
    assert json.loads(run_cli(empty, "previous", "--json"))["carried"]["extraction"] == {
        "studies": 2,
        "values": 4,
    }
    assert "| Smith & Berg (2019), previous version | trial | 120 | Clinics |" in run_cli(
        empty, "extract", "table"
    )


def test_a_previous_report_is_cited_in_full(tmp_path: Path) -> None:
    """Volume, issue and pages travel from the previous version's package into the update's
    reference list (a package writes pages with an en dash)."""
    from litsynth.biblio import export
    from litsynth.biblio.previous import from_deposit
    from litsynth.store import opened, transaction
    from litsynth.store import previous as previous_store

    row = {"record_id": "r9", "full_text_decision": "include", "duplicate_of": "",
           "title": "Nudges in order sets", "authors": "Smith, J", "year": "2019",
           "journal": "BMJ", "volume": "12", "issue": "3", "pages": "23–35",
           "doc_type": "JOUR"}  # fmt: skip
    (report,) = from_deposit([row], "v1.zip")
    assert (report.volume, report.issue, report.pages) == ("12", "3", "23--35")
    root = corpus_project(tmp_path / "v2")
    run_cli(root, "status")  # the store, made
    with opened(root / "litsynth.db") as conn, transaction(conn):
        previous_store.replace_reports(conn, [report], "2026-12-07T00:00:00Z")
    with opened(root / "litsynth.db") as conn:
        rows, earlier = export.with_previous(conn, "included", new_only=False)
    assert earlier == 1
    export.write(rows, "ris", tmp_path / "out.ris")
    ris = (tmp_path / "out.ris").read_text(encoding="utf-8")
    for line in ("VL  - 12", "IS  - 3", "SP  - 23", "EP  - 35", "T2  - BMJ"):
        assert line in ris


def test_a_previous_version_made_elsewhere_gets_its_data_typed_into_the_sheet(
    tmp_path: Path,
) -> None:
    """A previous version made without litsynth: its included studies as a reference list,
    its data pasted into the extraction sheet's `previous:` rows, which stand as corrections
    and stay when the list is told again."""
    root = corpus_project(tmp_path / "v2")
    forms(root)
    listed = tmp_path / "included.csv"
    listed.write_text(
        'id,title,authors,year\nold1,Default options in order sets,"Smith, J",2019\n',
        encoding="utf-8",
    )
    run_cli(root, "previous", str(listed))
    run_cli(root, "extract", "export", str(tmp_path / "sheet.csv"))
    assert "previous:old1," in (tmp_path / "sheet.csv").read_text(encoding="utf-8-sig")
    said = fill(root, "extract", "record_id,design,n\nprevious:old1,trial,88\n")
    assert "2 values recorded" in said
    run_cli(root, "previous", str(listed))
    assert "| Smith (2019), previous version | trial | 88 |  |" in run_cli(root, "extract", "table")


def test_values_the_updates_forms_cannot_show_are_pointed_out(first: Path, tmp_path: Path) -> None:
    root = corpus_project(tmp_path / "v2")
    said = run_cli(root, "previous", str(first))
    assert (
        "This project has no data extraction form yet: the carried values show once"
        " extraction.yaml has their fields (the package's own form is forms/extraction.yaml)."
    ) in said
    forms(root)
    (root / "extraction.yaml").write_text(EXTRACTION.replace("id: setting", "id: place"))
    notes = json.loads(run_cli(root, "previous", "--json"))["form_notes"]
    assert notes == [
        "1 field of the previous version's data extraction is not in this project's form"
        " (setting): their values are kept, and show once the form has them."
    ]
