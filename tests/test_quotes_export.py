"""The quotes behind each code, under its theme and category, cited as a manuscript quotes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.coding.codebook.load import load_codebook
from litsynth.store import synthesis as store
from litsynth.synthesis.from_store import coded_spans
from litsynth.synthesis.quotes import CodeQuotes, Heading, quote_bank, to_markdown
from synthesis_store import FIXTURES, demo_store, synthesis_project

CODEBOOK = load_codebook(FIXTURES / "codebook.yaml")


def test_the_bank_follows_the_codebook_and_cites_each_coded_span(tmp_path: Path) -> None:
    demo = demo_store(tmp_path / "litsynth.db")
    bank = quote_bank(coded_spans(demo.conn, "human"), store.load_documents(demo.conn), CODEBOOK)
    shape = [(type(b).__name__, b.id, b.depth) for b in bank]
    assert shape[:4] == [
        ("Heading", "platform", 1),
        ("Heading", "coordination", 2),
        ("CodeQuotes", "digital-platform", 3),
        ("CodeQuotes", "data-sharing", 3),
    ]
    codes = {b.id: b for b in bank if isinstance(b, CodeQuotes)}
    # the hand-coded sub-span is quoted alone, with its memo, on its own page
    (sharing,) = codes["data-sharing"].quotes
    assert sharing.passage.quote == (
        "“Data sharing across the platform synchronises planning [1, 2].” (Phadnis, 2023, p. 1)"
    )
    assert sharing.memo == "data is the glue" and sharing.coder == "ana"
    # two spans of one code in one document keep their order; a rejected suggestion is absent
    assert [q.passage.start for q in codes["resource-recombination"].quotes] == sorted(
        q.passage.start for q in codes["resource-recombination"].quotes
    )
    assert codes["relational-governance"].quotes == ()
    text = to_markdown(bank, title="Quotes", counts="4 quotes")
    assert "## Platform-based coordination" in text and "#### Data sharing" in text
    assert "Memo: data is the glue" in text and "No passage is coded with it." in text


def test_only_some_codes_keeps_the_headings_above_them(tmp_path: Path) -> None:
    demo = demo_store(tmp_path / "litsynth.db")
    spans, docs = coded_spans(demo.conn, "both"), store.load_documents(demo.conn)
    bank = quote_bank(spans, docs, CODEBOOK, codes=["resource-recombination"])
    assert [(type(b), b.id) for b in bank] == [
        (Heading, "reconfiguration"), (Heading, "capabilities"),
        (CodeQuotes, "resource-recombination"),
    ]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return synthesis_project(tmp_path / "review")


def test_cli_writes_markdown_word_and_csv(project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["export", "quotes", "--project", str(project)]
    shown = runner.invoke(cli, base)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("# Quotes by code: t\n\n_4 quotes of human codings")
    assert "(machine suggestion, not reviewed)" not in shown.output
    both = runner.invoke(cli, [*base, "--source", "both", "--json"])
    data = json.loads(both.output)
    machine = [q for c in data["codes"] for q in c["quotes"] if q["origin"] == "machine"]
    assert machine and all(q["quote"].startswith("“") for q in machine)
    out = tmp_path / "quotes.csv"
    assert (
        runner.invoke(cli, [*base, "--theme", "reconfiguration", "--out", str(out)]).exit_code == 0
    )
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["code"] for r in rows} == {"resource-recombination"}
    assert rows[0]["under"] == "Dynamic resource reconfiguration > Reconfiguration capabilities"
    docx = tmp_path / "quotes.docx"
    assert runner.invoke(cli, [*base, "--out", str(docx)]).exit_code == 0
    from docx import Document

    paragraphs = [p.text for p in Document(str(docx)).paragraphs]
    assert "Data sharing" in paragraphs and any(p.startswith("“Data sharing") for p in paragraphs)
    bad = runner.invoke(cli, [*base, "--code", "nope"])
    assert bad.exit_code == 1 and "no code 'nope'" in bad.output
    odd = runner.invoke(cli, [*base, "--out", str(tmp_path / "q.pdf")])
    assert odd.exit_code == 1 and ".md, .docx or .csv" in odd.output
    named = tmp_path / "named.md"  # the file named first, as `screen export` takes its sheet
    assert runner.invoke(cli, [*base[:2], str(named), *base[2:]]).exit_code == 0
    assert named.read_text(encoding="utf-8").startswith("# Quotes by code: t")


def test_the_summary_counts_the_codes_that_have_quotes(project: Path, tmp_path: Path) -> None:
    """ "Wrote 5 quotes … under 5 codes" was said of five quotes of one code: the file lists
    every code, and the count was of the list, not of the codes quoted."""
    out = tmp_path / "one.md"
    args = ["export", "quotes", "--project", str(project), "--out", str(out)]
    data = json.loads(CliRunner().invoke(cli, [*args[:-2], "--json"]).output)
    quoted = [c["code"] for c in data["codes"] if c["quotes"]]
    empty = len(data["codes"]) - len(quoted)
    assert quoted and empty  # the fixture codes some of its codes, not all
    said = CliRunner().invoke(cli, args).output
    assert f"under {len(quoted)} code" in said, said
    assert f"({empty} other code" in said and "with none)" in said, said


def test_the_workspace_downloads_the_quotes(project: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from docx import Document
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    client = TestClient(create_app(open_project(project), allowed_hosts=("h:1",)),
                        base_url="http://h:1")  # fmt: skip
    md = client.get("/api/export/quotes", params={"format": "md"})
    assert md.headers["content-disposition"] == 'attachment; filename="quotes.md"'
    assert (
        md.text == CliRunner().invoke(cli, ["export", "quotes", "--project", str(project)]).output
    )
    word = client.get("/api/export/quotes", params={"format": "docx", "source": "both"})
    paragraphs = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert any(p.endswith("(machine suggestion, not reviewed)") for p in paragraphs)
    bad = client.get("/api/export/quotes", params={"format": "pdf"})
    assert bad.status_code == 400 and "no quotes format" in bad.json()["error"]
