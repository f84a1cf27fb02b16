"""`code agreement`: the machine's suggestions against the reviewer, figures worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.coding.human import decisions
from litsynth.coding.human.agreement import machine_agreement
from litsynth.config import open_project
from litsynth.errors import CodingError
from litsynth.records import MachineCell
from litsynth.store import connect
from review_support import Seeded, seed


@pytest.fixture
def reviewed(project: Path) -> Seeded:
    """ana's decisions on the seeded suggestions (machine 'yes' = score >= threshold 0.5):

    d1 platform       .90 yes  accepted
    c1 rule-setting   .82 yes  rejected
    c2 value-capture  .74 yes  changed to platform: value-capture rejected, platform added
                               (the machine scored c2 platform .30: a miss)
    c1 platform       .61 yes  not decided yet (pending)
    c3 method         .55 yes  accepted
    d1 rule-setting   .40 no   added by hand (a miss)
    """
    s = seed(project)
    proj = open_project(s.root)
    book = decisions.codebook_of(proj)
    conn = connect(proj.store_path)
    try:
        queue = {i.key: i for i in decisions.review_queue(conn, coder="ana")}
        decisions.decide(conn, book, queue[(s.d1, "platform")], "accept", coder="ana")
        decisions.decide(conn, book, queue[(s.c1, "rule-setting")], "reject", coder="ana")
        decisions.decide(
            conn, book, queue[(s.c2, "value-capture")], "change", coder="ana", new_code="platform"
        )
        decisions.decide(conn, book, queue[(s.c3, "method")], "accept", coder="ana")
        decisions.add_coding(conn, book, "rule-setting", coder="ana", chunk=s.d1,
                             quote="Standards set by the hub")  # fmt: skip
    finally:
        conn.close()
    return s


def test_per_code_tables_and_kappa_by_hand(reviewed: Seeded) -> None:
    proj = open_project(reviewed.root)
    conn = connect(proj.store_path)
    try:
        report = decisions.project_agreement(conn)
    finally:
        conn.close()
    # Passages with a human decision: d1, c1, c2, c3 -> 4.
    assert report.n_passages == 4
    per = {c.code: c for c in report.per_code}

    # platform: d1 accepted (1,1); c2 added, machine .30 (0,1); c3 untouched (0,0);
    # c1 pending, left out. machine [1,0,0], human [1,1,0]: p_o = 2/3,
    # p_e = 1/3*2/3 + 2/3*1/3 = 4/9, kappa = (2/3 - 4/9) / (5/9) = 0.4
    p = per["platform"]
    assert (p.accepted, p.rejected, p.missed, p.agreed_absent, p.pending) == (1, 0, 1, 1, 1)
    assert p.kappa == pytest.approx(0.4)
    assert p.precision == 1.0 and p.recall == 0.5

    # rule-setting: c1 rejected (1,0); d1 added, machine .40 (0,1); c2, c3 (0,0).
    # p_o = 2/4; p_machine = p_human = 1/4; p_e = 1/16 + 9/16 = 10/16
    # kappa = (0.5 - 0.625) / 0.375 = -1/3: worse than chance, as it should read.
    r = per["rule-setting"]
    assert (r.accepted, r.rejected, r.missed, r.agreed_absent) == (0, 1, 1, 2)
    assert r.kappa == pytest.approx(-1 / 3)
    assert r.precision == 0.0

    # value-capture: one rejection, three absent: the human never says yes.
    # p_o = 3/4, p_e = 1/4*0 + 3/4*1 = 3/4, kappa = 0.
    assert per["value-capture"].kappa == pytest.approx(0.0)
    # method: accepted on c3, absent elsewhere: perfect.
    assert per["method"].kappa == pytest.approx(1.0)

    # Pooled 15 cells: yes/yes 2, yes/no 2, no/yes 2, no/no 9. p_o = 11/15;
    # p_e = (4/15)^2 + (11/15)^2 = 137/225; kappa = (165 - 137) / (225 - 137) = 28/88
    assert report.kappa == pytest.approx(28 / 88)
    assert report.precision == 0.5 and report.recall == 0.5


def test_cli_agreement_json_and_table(reviewed: Seeded) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["code", "agreement", "--project", str(reviewed.root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["per_code"]["platform"] == {
        "kappa": 0.4, "precision": 1.0, "recall": 0.5, "accepted": 1, "rejected": 0,
        "missed": 1, "agreed_absent": 1, "pending": 1,
    }  # fmt: skip
    text = runner.invoke(cli, ["code", "agreement", "--project", str(reviewed.root)])
    assert "on 4 reviewed passage(s)" in text.output
    assert "kappa 0.318   precision 50.0%   recall 50.0%" in text.output


def test_one_coder_only(reviewed: Seeded) -> None:
    result = CliRunner().invoke(
        cli, ["code", "agreement", "--project", str(reviewed.root), "--coder", "ben"]
    )
    assert result.exit_code == 1
    assert "no human decisions yet by 'ben'" in result.output


def test_no_decisions_is_an_error(project: Path) -> None:
    s = seed(project)
    conn = connect(open_project(s.root).store_path)
    try:
        with pytest.raises(CodingError, match="no human decisions yet"):
            decisions.project_agreement(conn)
    finally:
        conn.close()


def test_unreviewed_passages_do_not_count() -> None:
    cells = [
        MachineCell("x", "a", True, "accepted"),
        MachineCell("y", "a", True, None),  # a passage nobody looked at: says nothing
    ]
    report = machine_agreement(cells)
    assert report.n_passages == 1
    assert report.per_code[0].pending == 0 and report.per_code[0].accepted == 1


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_double_coding_in_the_project_feeds_agree(project: Path, tmp_path: Path, ext: str) -> None:
    """The same figures whether the coders' sheets are CSV or Excel workbooks."""
    s = seed(project)
    runner = CliRunner()
    # Queue order (uncertainty): c3/method, c1/platform, c2/value-capture, c1/rule-setting,
    # d1/platform. ana accepts all five; ben accepts, rejects, rejects, accepts, accepts.
    for coder, keys in (("ana", "a\na\na\na\na\n"), ("ben", "a\nr\nr\na\na\n")):
        result = runner.invoke(
            cli, ["code", "review", "--project", str(s.root), "--coder", coder], input=keys
        )
        assert result.exit_code == 0, result.output
        out = runner.invoke(cli, ["code", "export-codings", str(tmp_path / f"{coder}.{ext}"),
                                  "--coder", coder, "--project", str(s.root)])  # fmt: skip
        assert out.output.startswith("Wrote 4 passage(s) coded by")
    result = runner.invoke(cli, ["agree", str(tmp_path / f"ana.{ext}"),
                                 str(tmp_path / f"ben.{ext}"), "--json"])  # fmt: skip
    data = json.loads(result.output)
    # Items c1, c2, c3, d1; codes method, platform, rule-setting, value-capture.
    # platform: ana on c1, d1; ben on d1 -> both 1, A only 1, neither 2:
    #   p_o = 3/4, p_e = 2/4*1/4 + 2/4*3/4 = 1/2, kappa = 0.5
    # value-capture: ana on c2 only -> p_o = 3/4, p_e = 1/4*0 + 3/4*1 = 3/4, kappa = 0
    # pooled 16 cells: both 3, A only 2, neither 11: p_o = 14/16,
    #   p_e = (5*3 + 11*13) / 256 = 158/256, kappa = (224 - 158) / (256 - 158) = 66/98
    assert data["n_items"] == 4
    assert data["kappa_per_code"] == {
        "method": 1.0, "platform": 0.5, "rule-setting": 1.0, "value-capture": 0.0,
    }  # fmt: skip
    assert data["kappa"] == pytest.approx(66 / 98, abs=1e-4)
    assert data["percent_agreement"] == 0.5
    by_id = {d["id"]: (d["a"], d["b"]) for d in data["disagreements"]}
    assert by_id == {s.c1: (["platform", "rule-setting"], ["rule-setting"]),
                     s.c2: (["value-capture"], [])}  # fmt: skip


def test_export_codings_of_an_unknown_coder(project: Path, tmp_path: Path) -> None:
    s = seed(project)
    result = CliRunner().invoke(cli, ["code", "export-codings", str(tmp_path / "x.csv"),
                                      "--coder", "nobody", "--project", str(s.root)])  # fmt: skip
    assert result.exit_code == 1
    assert "'nobody' has no codings in this project" in result.output
