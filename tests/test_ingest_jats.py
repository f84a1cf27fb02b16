"""Journal articles in JATS XML: sections at headings, captions, tables, the reference list as
a section of its own, and the front matter as the document's metadata; a real eLife article
(tests/fixtures/jats) and small articles written here to show one feature at a time."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, assert_fails, corpus_project, damaged_outcomes, ingest_json
from litsynth.cli import cli
from litsynth.ingest import parse_file
from litsynth.ingest.files import SUPPORTED

ELIFE = FIXTURES / "jats" / "elife06003.xml"

ARTICLE = (FIXTURES / "jats" / "article.nxml").read_text(encoding="utf-8")  # written by hand


def _write(tmp_path: Path, text: str, name: str = "article.nxml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_article_reads_as_it_is_shown_with_its_metadata(tmp_path: Path) -> None:
    doc = parse_file(_write(tmp_path, ARTICLE))
    assert (doc.kind, SUPPORTED[".nxml"], SUPPORTED[".xml"]) == ("jats", "jats", "jats")
    assert doc.text.split("\n\n") == [
        "Orchestrating platform supply chains",
        "Abstract",
        "Lead firms coordinate suppliers—we ask how.",
        "1 Introduction",
        "Platforms matter (Smith, 2020). Three mechanisms follow:",
        "sensing;",
        "seizing.",
        "and the cost is",
        "C=n",
        "for n suppliers.",
        "Figure 1. The platform. Suppliers around a lead firm.",
        "Table 1. Cases.",
        "Firm | Sector",
        "Li & Fung | Apparel",
        "2 Findings",
        "Trust grew slowly.",
        "Acknowledgements",
        "We thank the firms.",
        "References",
        "Smith J, Doe A (2020). Supply chain orchestration. J Oper Manag 12(3):4–9. doi:10.1/xyz",
        "Jones K. Platforms. Oxford: OUP; 2019.",
    ]
    labels = [p.label for p in doc.pages]
    assert labels[1:] == [
        "Abstract",
        "1 Introduction",
        "2 Findings",
        "Acknowledgements",
        "References",
    ]
    assert doc.title == "Orchestrating platform supply chains"
    assert doc.authors == ("Phadnis, Shardul", "The Orchestration Consortium")  # no editor
    assert (doc.year, doc.doi, doc.venue) == (
        2021,
        "10.1234/jsc.2021.7",
        "Journal of Supply Chains",
    )
    assert doc.attributes == {"sub_articles_left_out": "1"}  # the decision letter


def test_a_real_elife_article() -> None:
    doc = parse_file(ELIFE)
    assert doc.title == "No turnover in lens lipids for the entire human lifespan"
    assert doc.authors[0] == "Hughes, Jessica R" and (doc.year, doc.doi) == (
        2015,
        "10.7554/eLife.06003",
    )
    labels = [p.label for p in doc.pages]
    assert labels[:5] == [
        doc.title,
        "Abstract",
        "eLife digest",
        "Introduction",
        "Results and discussion",
    ]
    references = next(p for p in doc.pages if p.label == "References")
    entries = doc.text[references.start : references.end].split("\n\n")[1:]
    xml = ELIFE.read_bytes()
    body = re.sub(rb"<sub-article\b.*?</sub-article>", b"", xml, flags=re.S)
    assert len(entries) == len(re.findall(rb"<ref[\s>]", body))  # one paragraph a reference
    assert "decision letter" not in doc.text.lower()


def test_ingest_cites_by_section_and_keeps_references_apart(tmp_path: Path) -> None:
    runner = CliRunner()
    root = corpus_project(tmp_path, (ELIFE, "elife06003.xml"))
    assert ingest_json(root)["documents_ingested"] == 1
    found = runner.invoke(
        cli, ["search", "lipid turnover lens", "-k", "5", "--project", str(root), "--json"]
    )
    hits = json.loads(found.stdout)
    assert hits and all(h["citation"].startswith("Hughes et al. (2015), § ") for h in hits)
    assert all(h["role"] in ("body", "abstract") for h in hits)
    with sqlite3.connect(root / "litsynth.db") as conn:
        roles = dict(conn.execute("SELECT role, COUNT(*) FROM chunks GROUP BY role").fetchall())
    conn.close()
    assert roles.get("references", 0) >= 3
    status = runner.invoke(cli, ["status", "--project", str(root)])
    assert status.output.startswith("documents: 1 (JATS 1)   pages/sections: ")


@pytest.mark.parametrize(
    ("text", "reason", "words"),
    [
        ("<records><record>EndNote</record></records>", "unsupported-type", "not a JATS"),
        ("<<<not xml", "broken-file", "not well-formed"),
        (
            "<article><front><article-meta><title-group><article-title>T</article-title>"
            "</title-group></article-meta></front></article>",
            "empty",
            "beyond its title",
        ),
    ],
    ids=["endnote-xml", "not-xml", "front-only"],
)
def test_an_xml_file_that_is_no_article_says_why(
    tmp_path: Path, text: str, reason: str, words: str
) -> None:
    assert_fails(tmp_path / "export.xml", text.encode(), reason, words)


def test_damaged_articles_are_read_or_fail_with_a_reason(tmp_path: Path) -> None:
    outcomes = damaged_outcomes(
        tmp_path / "damaged.xml",
        [ELIFE.read_bytes()],
        seed=9,
        trials=120,
        changes=30,
        alphabet=b"<>&/\"' \x00\xff",
        cut_every=4,
    )
    assert "read" in outcomes
    assert outcomes <= {"read", "empty", "broken-file", "unsupported-type"}
