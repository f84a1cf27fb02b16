"""The reports excluded at full text, with their reasons: the list PRISMA 2020 item 16b asks a
review to cite, as `export records --stage excluded` writes it and the report's PRISMA section
shows it, on the demo review (3 exclusions in the databases arm, 3 in the other-methods arm)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from litsynth.cli import cli


def test_the_excluded_reports_add_up_to_the_flow(demo_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "excluded.csv"
    done = CliRunner().invoke(
        cli, ["export", "records", str(out), "--stage", "excluded", "--project", str(demo_project)]
    )
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    flow = json.loads(
        CliRunner().invoke(cli, ["prisma", "--json", "--project", str(demo_project)]).output
    )
    expected = sum(flow["dbr_excluded"].values()) + sum(flow["other_excluded"].values())
    assert len(rows) == expected == 6
    assert {r["full_text_decision"] for r in rows} == {"exclude"}
    assert all(r["full_text_reason"] for r in rows)  # every one says why


def test_the_report_lists_them_with_their_reasons(demo_project: Path) -> None:
    html = (demo_project / "report" / "index.html").read_text(encoding="utf-8")
    assert "<h3>Reports excluded at full text</h3>" in html
    section = html.split("<h3>Reports excluded at full text</h3>", 1)[1]
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert table.count("<tr><th>") == 6
    assert (
        "<tr><th>Teece (2010)</th><td>Business models, business strategy and innovation</td>"
        "<td>wrong study design</td></tr>" in table
    )
    # by reason, then citation: the reader finds each reason's reports together
    reasons = [row.rsplit("<td>", 1)[1].split("</td>")[0] for row in table.split("</tr>")[:-1]]
    assert len(reasons) == 6
    assert reasons == sorted(reasons)


def test_the_workspace_offers_them_for_a_reference_manager(demo_copy: Path) -> None:
    """The Matrices & PRISMA screen's link: the same six reports as RIS, reasons in N1."""
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    with TestClient(create_app(open_project(demo_copy))) as client:
        page = client.get("/screens/matrices").text
        assert 'href="/api/export/records?stage=excluded&amp;format=ris"' in page
        ris = client.get("/api/export/records", params={"stage": "excluded", "format": "ris"})
    assert ris.status_code == 200
    assert ris.text.count("TY  - ") == 6
    assert "wrong study design" in ris.text and "not peer-reviewed" in ris.text
