"""The Summary of Qualitative Findings: each theme a finding, the documents coded under it,
their studies' appraisal, and the team's GRADE-CERQual assessment from findings.yaml."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.errors import SynthesisError
from litsynth.synthesis.findings import CONCERNS, parse_assessments

THEMES = ["digital-enablement", "governance-and-alignment"]


def test_a_rating_must_be_one_of_cerquals_words() -> None:
    ok = parse_assessments(
        "findings:\n  digital-enablement:\n    coherence: Minor concerns\n"
        "    confidence: LOW\n    explanation: thin\n",
        "f.yaml",
        THEMES,
    )
    assert ok["digital-enablement"].components["coherence"] == "minor concerns"
    assert ok["digital-enablement"].confidence == "low"
    assert ok["digital-enablement"].components["adequacy"] == ""  # not judged yet
    with pytest.raises(SynthesisError, match="coherence 'some concerns' is not a CERQual rating"):
        parse_assessments(
            "findings:\n  digital-enablement:\n    coherence: some concerns\n", "f.yaml", THEMES
        )
    with pytest.raises(SynthesisError, match="confidence 'medium' is not one of high"):
        parse_assessments("findings:\n  digital-enablement:\n    confidence: medium\n", "f", THEMES)
    with pytest.raises(SynthesisError, match="'platforms' is not a theme of the codebook"):
        parse_assessments("findings:\n  platforms: {}\n", "f.yaml", THEMES)
    with pytest.raises(SynthesisError, match="unknown key 'confidense'"):
        parse_assessments("findings:\n  digital-enablement:\n    confidense: low\n", "f", THEMES)
    assert len(CONCERNS) == 4


def invoke(project: Path, *args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_table_links_each_finding_to_its_evidence(demo_project: Path) -> None:
    code, out, err = invoke(demo_project, "findings", "table", "--json")
    assert code == 0, err
    found = {f["theme"]: f for f in json.loads(out)["findings"]}
    governance = found["governance-and-alignment"]
    # the two web sources, each appraised low; the demo's one assessed finding
    assert [s["study"] for s in governance["studies"]] == [
        "“Supply Chain Orchestrator – Management…” (2010)",
        "higgerix & cloudsters (n.d.)",
    ]
    assert governance["appraisal"] == {"low": 2}
    assert governance["confidence"] == "very low"
    assert governance["components"]["methodological_limitations"] == "serious concerns"
    # every passage coded under a theme is counted once, as the matrix counts it
    matrix = json.loads(invoke(demo_project, "matrix", "--json")[1])
    for theme, totals in matrix["col_totals"].items():
        if theme in found:
            assert found[theme]["passages"] == totals["passages"]
    assert found["orchestration-value-creation"]["confidence"] == ""  # left to be judged
    code, out, _ = invoke(demo_project, "findings", "table")
    assert "Governance and alignment across the chain: very low" in out
    assert "not assessed yet: Value creation through orchestration" in out


def test_the_table_as_word_and_the_report(demo_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.docx"
    assert invoke(demo_project, "findings", "table", "--out", out)[0] == 0
    with zipfile.ZipFile(out) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "Summary of qualitative findings" in body and "very low" in body
    html = (demo_project / "report" / "index.html").read_text(encoding="utf-8")
    section = html.split('<section class="block" id="findings">', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr><th>") == 5  # the header and the four themes
    assert "<td>low 2</td><td>very low</td>" in section
    # each study links to its cell of the sources × themes matrix, whose passages it counts
    links = re.findall(r'<a href="#(cell-theme-matrix-\d+-\d+)">[^<]+ \((\d+)\)</a>', section)
    table = json.loads(invoke(demo_project, "findings", "table", "--json")[1])
    assert len(links) == sum(len(f["studies"]) for f in table["findings"])
    for anchor, n in links:
        listed = html.split(f'id="{anchor}" data-passages="', 1)[1].split('"', 1)[0]
        assert listed == n


def test_init_writes_the_evidence_and_no_rating(demo_project: Path, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_project, root, ignore=shutil.ignore_patterns("report*"))
    (root / "findings.yaml").unlink()
    code, out, _ = invoke(root, "findings", "table")
    assert code == 1
    code, out, _ = invoke(root, "findings", "init")
    assert code == 0 and "4 findings to assess" in out
    text = (root / "findings.yaml").read_text(encoding="utf-8")
    assert "    # Governance and alignment across the chain: 10 passages from 2 documents" in text
    assert "    # their appraisal: low 2" in text
    assert text.count("    confidence:\n") == 4  # nothing judged for the team
    table = json.loads(invoke(root, "findings", "table", "--json")[1])
    assert {f["confidence"] for f in table["findings"]} == {""}
    assert invoke(root, "findings", "init")[0] == 1  # never over the team's judgements


def test_a_theme_renamed_since_the_ratings_is_said_not_fatal(
    demo_project: Path, tmp_path: Path
) -> None:
    """The report still builds and says why the table is missing; the CLI refuses by name."""
    root = tmp_path / "demo"
    shutil.copytree(demo_project, root, ignore=shutil.ignore_patterns("report*"))
    path = root / "findings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  governance-and-alignment:", "  governance:"), encoding="utf-8")  # fmt: skip
    code, _, err = invoke(root, "findings", "table")
    assert code == 1 and "finding 'governance' is not a theme of the codebook" in err
    code, _, err = invoke(root, "report")
    assert code == 0, err
    html = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert "Not shown:" in html and "finding &#39;governance&#39; is not a theme" in html


def test_a_review_that_appraises_nothing_gets_no_appraisal_column(
    demo_project: Path, tmp_path: Path
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_project, root, ignore=shutil.ignore_patterns("report*"))
    (root / "appraisal.yaml").unlink()
    table = json.loads(invoke(root, "findings", "table", "--json")[1])
    assert all(f["appraisal"] == {} for f in table["findings"])
    assert all(f["studies"] for f in table["findings"])  # the evidence is still there


def test_two_documents_reporting_one_study_count_once(demo_copy: Path, tmp_path: Path) -> None:
    """The demo's two web sources behind governance, grouped as one study's reports
    (`litsynth studies group`): the finding rests on one study, appraised low once, and the
    table names both documents as that study."""
    code, out, err = invoke(demo_copy, "studies", "group", "web-002", "web-003")
    assert code == 0, err
    code, out, err = invoke(demo_copy, "findings", "table", "--json")
    governance = {f["theme"]: f for f in json.loads(out)["findings"]}["governance-and-alignment"]
    assert len(governance["studies"]) == 2 and governance["study_count"] == 1
    assert governance["appraisal"] == {"low": 1}
    sheet = tmp_path / "findings.csv"
    code, _, err = invoke(demo_copy, "findings", "table", "--out", str(sheet))
    assert code == 0, err
    text = sheet.read_text(encoding="utf-8-sig")
    assert (
        "“Supply Chain Orchestrator – Management…” (2010) + higgerix & cloudsters (n.d.) (10)"
        in text
    )
