"""Critical appraisal: a checklist form beside data extraction's, its answers in the same log
under their own form name, the judgements counted, and the matrices grouped by them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio.appraisal import STARTER_APPRAISAL
from litsynth.biblio.extraction import APPRAISAL, parse_form
from litsynth.cli import cli
from litsynth.errors import BiblioError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHECKLIST = """\
tool: a two-question test checklist
overall: overall
fields:
  - id: design
    label: Design justified
    type: choice
    values: [yes, no, unclear]
  - id: overall
    label: Overall quality
    type: choice
    values: [high, moderate, low]
  - id: notes
    type: text
"""
# the extraction form of the same project uses `design` too, for something else
EXTRACTION = "fields:\n  - id: design\n    type: choice\n    values: [case study, survey]\n"


def invoke(project: Path, *args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def review(two_included: Path) -> Path:
    """r01 and r02 included at full text, r03 excluded; both forms in place."""
    (two_included / "appraisal.yaml").write_text(CHECKLIST, encoding="utf-8")
    (two_included / "extraction.yaml").write_text(EXTRACTION, encoding="utf-8")
    return two_included


def test_the_starter_checklist_parses_and_yes_no_stay_words() -> None:
    form = parse_form(STARTER_APPRAISAL, "appraisal.yaml", APPRAISAL)
    assert form.kind is APPRAISAL and form.overall == "overall" and "checklist" in form.tool
    assert len([f for f in form.fields if f.type == "choice"]) == 11  # ten questions + overall
    # YAML 1.1 reads a bare yes / no as a boolean; the form keeps the word the reviewer wrote
    assert form.fields[0].values == ("yes", "unclear", "no")
    assert form.field("overall").values == ("high", "moderate", "low")  # type: ignore[union-attr]


def test_overall_must_name_a_choice_field() -> None:
    with pytest.raises(BiblioError, match="overall names 'notes', which is not a choice field"):
        parse_form("overall: notes\nfields:\n  - id: notes\n", "a.yaml", APPRAISAL)


def test_sheet_round_trip_keeps_appraisal_apart_from_extraction(
    review: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "appraisal.csv"
    code, out, _ = invoke(review, "appraise", "export", sheet)
    assert code == 0 and "2 included studies x 3 fields" in out
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "record_id,study,title,design,overall,notes"
    rows = [line.split(",") for line in lines[1:]]
    rows[0][3:6] = ["Yes", "HIGH", "clear sampling"]
    rows[1][3:6] = ["maybe", "low", ""]
    sheet.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    code, out, err = invoke(review, "appraise", "import", sheet, "--reviewer", "ana")
    assert code == 1 and "line 3, design: 'maybe' is not one of: yes, no, unclear" in out
    assert "nothing recorded" in err
    rows[1][3] = "no"
    sheet.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    code, out, _ = invoke(review, "appraise", "import", sheet, "--reviewer", "ana")
    assert code == 0 and "5 values recorded" in out
    conn = sqlite3.connect(review / "litsynth.db")
    try:
        stored = conn.execute(
            "SELECT form, record_id, field, value, reviewer FROM extraction_values ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    assert ("appraisal", rows[0][0], "design", "yes", "ana") in stored
    assert ("appraisal", rows[0][0], "overall", "high", "ana") in stored
    assert {form for form, *_ in stored} == {"appraisal"}
    # the same field id in the extraction form is another field: it is still blank there
    code, out, _ = invoke(review, "extract", "table", "--json")
    assert code == 0 and all(row[1] == "" for row in json.loads(out)["rows"])
    code, out, _ = invoke(review, "appraise", "table", "--json")
    table = json.loads(out)
    assert table["header"] == ["Study", "Design justified", "Overall quality", "Notes"]
    assert table["overall"] == {
        "field": "overall",
        "label": "Overall quality",
        "counts": {"high": 1, "moderate": 0, "low": 1},
    }
    code, out, _ = invoke(review, "appraise", "table")
    assert out.splitlines()[-1] == "Overall quality: high 1, low 1 (2 studies)."


def test_init_writes_the_checklist_once(project: Path) -> None:
    code, out, _ = invoke(project, "appraise", "init")
    assert code == 0 and "litsynth appraise export" in out
    assert (project / "appraisal.yaml").read_text(encoding="utf-8") == STARTER_APPRAISAL
    code, _, err = invoke(project, "appraise", "init")
    assert code == 1 and "already exists" in err


def test_without_a_form_the_hint_names_appraise_init(project: Path) -> None:
    code, _, err = invoke(project, "appraise", "table")
    assert code == 1 and "no appraisal form at" in err and "litsynth appraise init" in err


def _filled(review: Path, tmp_path: Path, name: str, answers: list[list[str]]) -> Path:
    """The exported sheet with each study's design, overall and notes answered."""
    sheet = tmp_path / name
    assert invoke(review, "appraise", "export", sheet)[0] == 0
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    rows = [line.split(",") for line in lines[1:]]
    for row, given in zip(rows, answers, strict=True):
        row[3:6] = given
    sheet.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return sheet


def test_two_reviewers_differences_are_listed_until_consensus(review: Path, tmp_path: Path) -> None:
    ana = _filled(review, tmp_path, "ana.csv", [["yes", "high", ""], ["no", "low", ""]])
    ben = _filled(review, tmp_path, "ben.csv", [["yes", "moderate", ""], ["no", "low", ""]])
    assert invoke(review, "appraise", "import", ana, "--reviewer", "ana")[0] == 0
    assert invoke(review, "appraise", "import", ben, "--reviewer", "ben")[0] == 0
    code, out, _ = invoke(review, "appraise", "table", "--json")
    assert code == 0
    table = json.loads(out)
    assert table["methods"] == (
        "The included studies were appraised with a two-question test"
        " checklist: 2 of 2 studies, by two reviewers each. ana and ben gave the same answer"
        " to 3 of the 4 questions they both answered; on the overall judgement, Cohen's kappa"
        " 0.33."
    )
    [differ] = table["disagreements"]
    assert differ["question"] == "Overall quality"
    assert differ["answers"] == {"ana": "high", "ben": "moderate"}
    [row] = [r for r in table["rows"] if r[0] == differ["study"]]
    assert row[2] == "moderate"  # the latest answer stands meanwhile
    out = invoke(review, "appraise", "table")[1]
    assert "1 answer differs between reviewers" in out and "ana: high; ben: moderate" in out
    agreed = _filled(review, tmp_path, "agreed.csv", [["yes", "high", "agreed"], ["", "", ""]])
    assert invoke(review, "appraise", "import", agreed, "--reviewer", "consensus")[0] == 0
    table = json.loads(invoke(review, "appraise", "table", "--json")[1])
    [row] = [r for r in table["rows"] if r[0] == differ["study"]]
    assert table["disagreements"] == [] and row[2] == "high"
    # their agreement is the one before consensus
    assert (
        "by two reviewers each; differences were settled by consensus. ana and ben"
        in (table["methods"])
    )


def test_status_counts_the_studies_extracted_and_appraised(review: Path, tmp_path: Path) -> None:
    def status() -> tuple[dict, list[str]]:
        report = json.loads(invoke(review, "status", "--json")[1])["records"]
        return report, invoke(review, "status")[1].splitlines()

    report, lines = status()
    assert report["filled_in"] == {"extraction": 0, "appraisal": 0}
    assert not any(line.startswith("included studies:") for line in lines)  # nothing to say yet
    sheet = _filled(review, tmp_path, "ana.csv", [["yes", "high", ""], ["", "", ""]])
    assert invoke(review, "appraise", "import", sheet, "--reviewer", "ana")[0] == 0
    report, lines = status()
    assert report["filled_in"] == {"extraction": 0, "appraisal": 1}
    assert lines[-1] == (
        "included studies: 0 of 2 with data extracted (`litsynth extract table`), 1 of 2"
        " appraised (`litsynth appraise table`)"
    )


def test_tones_follow_the_order_of_the_answers_not_their_words() -> None:
    """A checklist lists answers best first: "low" is bad quality but good risk of bias."""
    from litsynth.biblio.appraisal import tones

    form = parse_form(
        "fields:\n"
        "  - id: quality\n    type: choice\n    values: [high, moderate, low]\n"
        "  - id: rob\n    type: choice\n    values: [low, some concerns, high]\n"
        "  - id: ethics\n    type: choice\n    values: [yes, unclear, no, not applicable]\n"
        "  - id: notes\n    type: text\n",
        "a.yaml",
        APPRAISAL,
    )
    quality, rob, ethics, notes = form.fields
    assert tones(quality) == {"high": "good", "moderate": "mid", "low": "bad"}
    assert tones(rob) == {"low": "good", "some concerns": "mid", "high": "bad"}
    assert tones(ethics) == {"yes": "good", "unclear": "mid", "no": "bad"}  # n/a: no tone
    assert tones(notes) == {}


def test_the_appraisal_figures_colour_each_answer_by_its_place_in_the_checklist(
    review: Path, tmp_path: Path
) -> None:
    """`appraise figure`: the traffic-light plot and the summary, as PNG, PDF and SVG, from
    the answers given; the same answers draw the same SVG bytes."""
    from litsynth.biblio.appraisal_figure import appraisal_grid, legend_labels
    from litsynth.biblio.extraction import load_form
    from litsynth.store import opened

    code, _, err = invoke(review, "appraise", "figure", tmp_path / "rob.png")
    assert code == 1 and "no study is appraised yet" in err
    sheet = _filled(review, tmp_path, "ana.csv", [["yes", "high", ""], ["unclear", "", ""]])
    assert invoke(review, "appraise", "import", sheet, "--reviewer", "ana")[0] == 0
    with opened(review / "litsynth.db") as conn:
        grid = appraisal_grid(conn, load_form(review / "appraisal.yaml", APPRAISAL))
    assert grid.questions == ("Design justified", "Overall quality")  # choice questions only
    by_study = dict(zip(grid.studies, grid.tones, strict=True))
    assert sorted(by_study.values()) == [("bad", ""), ("good", "good")]  # unclear listed last
    assert [label for _, label in legend_labels(grid)] == [
        "+  yes / high", "×  unclear", "   not answered"
    ]  # fmt: skip
    for name, kind in (("rob.png", "traffic-light"), ("rob.pdf", "summary"), ("a.svg", "summary")):
        code, out, err = invoke(review, "appraise", "figure", tmp_path / name, "--kind", kind)
        assert code == 0 and "2 studies × 2 questions" in out, err
    assert (tmp_path / "rob.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "rob.pdf").read_bytes().startswith(b"%PDF")
    invoke(review, "appraise", "figure", tmp_path / "b.svg", "--kind", "summary")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert b"<svg" in (tmp_path / "a.svg").read_bytes()[:2000]
    code, _, err = invoke(review, "appraise", "figure", tmp_path / "rob.gif")
    assert code == 1 and "end it in .png, .pdf or .svg" in err
