"""The demo's critical appraisal (records/appraisal.csv, the starter checklist): what `litsynth
run` records, what the report shows, and the matrix that groups the themes' passages by the
overall judgement of the study each document reports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from litsynth.cli import cli


def test_run_records_the_demo_appraisal_under_its_own_form(demo_project: Path) -> None:
    conn = sqlite3.connect(demo_project / "litsynth.db")
    try:
        rows = conn.execute(
            "SELECT record_id, value FROM extraction_values"
            " WHERE form = 'appraisal' AND field = 'overall' ORDER BY record_id"
        ).fetchall()
        extraction = conn.execute(
            "SELECT COUNT(*) FROM extraction_values WHERE form = 'extraction'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert rows == [("web-002", "low"), ("web-003", "low"), ("web-004", "low")]
    assert extraction == 8  # records/extraction.csv, untouched by the appraisal


def test_matrix_rows_by_appraisal(demo_project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["matrix", "--rows", "attr:appraisal", "--json", "--project", str(demo_project)]
    )
    assert result.exit_code == 0, result.output
    matrix = json.loads(result.output)
    # the three web sources are the linked, judged studies; the two seeds that are no included
    # study's full text (the review itself and the SME study) are not set
    assert matrix["row_keys"] == ["low", "(not set)"]
    by_documents = json.loads(
        CliRunner().invoke(cli, ["matrix", "--json", "--project", str(demo_project)]).output
    )
    assert matrix["total"] == by_documents["total"]  # every passage is in one row or the other


def test_the_report_shows_the_appraisal_and_its_matrix(demo_project: Path) -> None:
    html = (demo_project / "report" / "index.html").read_text(encoding="utf-8")
    section = html.split('<section class="block" id="appraisal">', 1)[1].split("</section>", 1)[0]
    assert "appraised with a ten-question checklist" in section
    assert "3 of 28 studies, by one reviewer." in section
    assert "Overall quality: low 3, not judged 25 (28 studies)." in section
    assert section.count("<tr><th>") == 4  # the header, then only the 3 studies appraised
    assert '<td class="ans-bad">low</td>' in section
    assert "<dt>higgerix &amp; cloudsters (n.d.)</dt>" in section  # the notes, under the grid
    assert 'id="appraisal-matrix"' in html and ">Appraisal × themes<" in html
    # the figures journals take (PRISMA 2020 item 18), beside the report and in the draft
    for name in ("appraisal-summary", "appraisal-traffic-light"):
        assert f'<img src="{name}.svg"' in section
        assert (demo_project / "report" / f"{name}.svg").read_bytes()[:600].count(b"<svg") == 1
        assert (demo_project / "report" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    from docx import Document

    said = [p.text for p in Document(str(demo_project / "report" / "manuscript.docx")).paragraphs]
    assert (
        "Figure 2. Critical appraisal: the answers to each question, as shares of the"
        in " ".join(said)
    )
    assert any(t.startswith("Figure 3. Critical appraisal: each study's answers") for t in said)


def test_the_refi_export_carries_the_judgement_as_a_variable(
    demo_project: Path, tmp_path: Path
) -> None:
    """NVivo and ATLAS.ti users filter by it: a document variable and a set per judgement."""
    import xml.etree.ElementTree as ET
    import zipfile

    out = tmp_path / "demo.qdpx"
    result = CliRunner().invoke(
        cli, ["export", "refi", "--out", str(out), "--project", str(demo_project)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    ns = {"q": root.tag.split("}")[0].strip("{")}
    [variable] = [v for v in root.iterfind(".//q:Variable", ns) if v.get("name") == "appraisal"]
    valued = [
        source.get("name")
        for source in root.iterfind(".//q:TextSource", ns)
        for value in source.iterfind("q:VariableValue", ns)
        if value.find("q:VariableRef", ns).get("targetGUID") == variable.get("guid")  # type: ignore[union-attr]
    ]
    assert len(valued) == 3  # the three web sources the demo appraised
    [low] = [s for s in root.iterfind(".//q:Set", ns) if s.get("name") == "appraisal: low"]
    assert len(list(low)) == 3


def test_the_methods_paragraph_ends_with_how_the_studies_were_appraised(
    demo_project: Path,
) -> None:
    """PRISMA 2020 item 11 after item 8, in `prisma --methods`, as the workspace shows it."""
    result = CliRunner().invoke(cli, ["prisma", "--methods", "-", "--project", str(demo_project)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "The included studies were appraised with a ten-question checklist for"
        " qualitative and case-study research (litsynth's starter form): 3 of 28 studies, by"
        " one reviewer."
    )
