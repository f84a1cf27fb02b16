"""A PDF with no usable /Author is cited by the authors printed under its title (byline.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.citations.labels import work_label
from litsynth.cli import cli
from litsynth.ingest import parse_file
from litsynth.ingest.byline import byline_authors, reads_as_name

SCHOLARLY = "data/pdfs/scholarly"
FIXTURES = f"{SCHOLARLY}/papermage/tests/fixtures"
# Real papers without a usable /Author: (first author, last author, how many) as page 1 prints
# them, read by eye from the PDFs. One layout each, as byline.py's docstring lists them.
PRINTED = {
    # names separated only by marks, over two lines
    f"{FIXTURES}/2206.10883v3.pdf": ("Shen, Zejiang", "Downey, Doug", 6),
    # Greek letters against the names ("Kyle Loα∗")
    f"{FIXTURES}/papermage.pdf": ("Lo, Kyle", "Soldaini, Luca", 17),
    # one block per author: name, e-mail, affiliation, "Seattle, WA, USA"
    f"{FIXTURES}/2302.07302v1.pdf": ("Chang, Joseph Chee", "Weld, Daniel S.", 7),
    # commas and boxes as marks
    f"{FIXTURES}/2304.02623v1.pdf": ("Shen, Zejiang", "Sontag, David", 9),
    # card suits as marks
    f"{FIXTURES}/2023.eacl-main.121.pdf": ("Krishna, Kalpesh", "Lo, Kyle", 7),
    # one author a line in capitals, the affiliation after a comma
    f"{FIXTURES}/2203.00130v1.pdf": ("August, Tal", "Lo, Kyle", 6),
    # digits as marks; /Author is "End User Computing Services"
    f"{FIXTURES}/svm_word_predictor/index-list-out-of-range-"
    "7f4e18385a30ccb00dc637d5123f894f1f862964.pdf": ("Xi, Yuqi", "Feng, Jun", 6),
    # a letter as the mark ("Nicolas Roisina" over "aInstitute of …"), "Andr´e" as LaTeX set it
    f"{FIXTURES}/svm_word_predictor/key-error-585bcfc650f744efa7942900b742c1b64863350e.pdf": (
        "Roisin, Nicolas",
        "Flandre, Denis",
        5,
    ),
    # "Jishnu Ray Chowdhury,1* Yong Zhuang, 2 Shuyi Wang 2"
    f"{FIXTURES}/svm_word_predictor/value-error-box-diff-page-"
    "3574574f60182fc886aa13ad9d9dd3efc4d0a081.pdf": ("Chowdhury, Jishnu Ray", "Wang, Shuyi", 3),
}


@pytest.mark.parametrize(("relative", "expected"), sorted(PRINTED.items()))
def test_a_paper_gets_the_authors_printed_under_its_title(
    relative: str, expected: tuple[str, str, int]
) -> None:
    first, last, n = expected
    authors = parse_file(shared(relative)).authors
    assert (authors[0], authors[-1], len(authors)) == (first, last, n), authors


def test_a_citation_names_the_first_author_not_the_title() -> None:
    document = parse_file(shared(f"{FIXTURES}/2206.10883v3.pdf"))
    label = work_label(document.authors, document.year, title=document.title)
    assert label == "Shen et al. (2022)"


def test_a_clean_author_field_still_wins() -> None:
    """SPECTER's /Author lists "Daniel Weld"; page 1 prints "Daniel S. Weld"."""
    path = shared(f"{SCHOLARLY}/s2orc-doc2json/tests/pdf/2020.acl-main.207.pdf")
    assert parse_file(path).authors[-1] == "Daniel Weld"


def test_an_author_field_with_a_lower_case_name_gives_way_to_the_byline() -> None:
    """N18-3011's /Author ends "oren etzioni" and misspells Wilhelm; page 1 prints 23 names,
    two of them after a control character that stands for a mark, one with a particle."""
    authors = parse_file(shared(f"{SCHOLARLY}/s2orc-doc2json/tests/pdf/N18-3011.pdf")).authors
    assert len(authors) == 23
    assert {"Dunkelberger, Jason", "van Zuylen, Madeleine", "Wilhelm, Chris"} <= set(authors)
    assert authors[-1] == "Etzioni, Oren"


def test_a_first_page_without_the_title_gives_no_authors() -> None:
    """SciBERT's fixture starts on a table page: no title, so no guess at names."""
    assert parse_file(shared(f"{FIXTURES}/1903.10676.pdf")).authors == ()


def test_an_apa_byline_keeps_the_author_after_the_ampersand() -> None:
    """APA puts ", &" before the last name (Lakens et al.'s Word manuscript, 2018)."""
    title = "Equivalence Testing for Psychological Research: A Tutorial"
    page = f"{title}\nDaniel Lakens1, Anne M. Scheel1, & Peder M. Isager1\n1 Eindhoven University"
    assert byline_authors(page, title) == (
        "Lakens, Daniel",
        "Scheel, Anne M.",
        "Isager, Peder M.",
    )


PAGE = """Proceedings of the 58th Annual Meeting, pages 1–10
Orchestrating Supply Chains: A Review of
Platform Coordination
Ana María García†∗ Jean-Pierre Dubois‡ Madeleine van Zuylen†
†Allen Institute for AI, Seattle, WA, USA
‡Université de Montréal, Canada
New York, NY, USA
{ana,jp}@example.org
Abstract
We review how platforms coordinate the supply chain and what that means for the firms in it.
"""


def test_marks_affiliations_addresses_and_the_abstract_are_not_names() -> None:
    title = "Orchestrating Supply Chains: A Review of Platform Coordination"
    assert byline_authors(PAGE, title) == (
        "García, Ana María",
        "Dubois, Jean-Pierre",
        "van Zuylen, Madeleine",
    )


def test_a_generation_suffix_is_not_the_family_name() -> None:
    page = "Reading Scanned Reviews\nRobert E. Jones Jr., Mary Ellen Smith III\nAbstract\nWe read."
    assert byline_authors(page, "Reading Scanned Reviews") == (
        "Jones, Robert E.",
        "Smith, Mary Ellen",
    )


def test_no_title_on_the_page_no_authors() -> None:
    assert byline_authors(PAGE, "A Title That Is Printed Nowhere On This Page") == ()


def test_a_template_byline_is_no_author() -> None:
    page = "Two-Column Document with Lorem Ipsum\nYour Name\nLorem ipsum dolor sit amet."
    assert byline_authors(page, "Two-Column Document with Lorem Ipsum") == ()


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Kyle Lo", True),
        ("Doe, Jane", True),
        ("Weld, Daniel S.", True),
        ("End User Computing Services", False),
        ("oren etzioni", False),
        ("Administrator", False),
    ],
)
def test_which_metadata_names_are_people(name: str, person: bool) -> None:
    assert reads_as_name(name) is person


def test_a_pdf_stored_before_bylines_were_read_gets_its_authors_at_the_next_ingest(
    tmp_path: Path,
) -> None:
    """Its file_meta is set back to what an older litsynth stored (no authors, no year, no
    read_by): the next `ingest` reads the byline and the year from the stored page 1, parses
    nothing, says so, and a documents.csv value still wins over it."""
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(shared(f"{FIXTURES}/2206.10883v3.pdf"), root / "corpus" / "lexsum.pdf")
    shutil.copy2(shared(f"{FIXTURES}/papermage.pdf"), root / "corpus" / "papermage.pdf")
    iop = "svm_word_predictor/index-list-out-of-range-7f4e18385a30ccb00dc637d5123f894f1f862964"
    shutil.copy2(shared(f"{FIXTURES}/{iop}.pdf"), root / "corpus" / "iop.pdf")
    (root / "corpus" / "documents.csv").write_text(
        'file,authors\npapermage.pdf,"Mage, Paper"\n', encoding="utf-8"
    )

    def ingest() -> str:
        result = CliRunner().invoke(cli, ["ingest", "--project", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def authors() -> dict[str, list[str]]:
        with sqlite3.connect(root / "litsynth.db") as conn:
            rows = conn.execute("SELECT path, authors FROM documents").fetchall()
        return {Path(path).name: json.loads(names) for path, names in rows}

    ingest()
    assert authors()["lexsum.pdf"][0] == "Shen, Zejiang"
    with sqlite3.connect(root / "litsynth.db") as conn:
        rows = conn.execute("SELECT id, file_meta, path FROM documents").fetchall()
        for document_id, meta, path in rows:
            old = {**json.loads(meta), "authors": []}
            del old["read_by"]
            if path.endswith("iop.pdf"):  # its journal header gave no year then
                old["year"] = None
            conn.execute(
                "UPDATE documents SET file_meta = ?, authors = '[]', year = ? WHERE id = ?",
                (json.dumps(old), old["year"], document_id),
            )
    output = ingest()
    assert "0 ingested, 3 unchanged" in output
    assert "updated for 3 unchanged documents" in output
    assert authors() == {
        "iop.pdf": [
            "Xi, Yuqi", "Lu, Jiamin", "Hang, Tingting", "Zhang, Yunfei", "Wang, Zhongyi",
            "Feng, Jun",
        ],
        "lexsum.pdf": [
            "Shen, Zejiang", "Lo, Kyle", "Yu, Lauren", "Dahlberg, Nathan", "Schlanger, Margo",
            "Downey, Doug",
        ],
        "papermage.pdf": ["Mage, Paper"],  # the person's documents.csv value
    }  # fmt: skip
    with sqlite3.connect(root / "litsynth.db") as conn:
        years = dict(conn.execute("SELECT path, year FROM documents").fetchall())
    assert years == {
        "corpus/iop.pdf": 2022,
        "corpus/lexsum.pdf": 2022,
        "corpus/papermage.pdf": None,
    }
    assert "updated" not in ingest()  # once, then never again

    # Stored by byline v1, which lost the names after an APA ", &": a stored list that is the
    # start of what the byline reads now grows to it; papermage keeps its documents.csv value.
    with sqlite3.connect(root / "litsynth.db") as conn:
        for document_id, meta, path in conn.execute("SELECT id, file_meta, path FROM documents"):
            old = json.loads(meta)
            old["read_by"] = "byline.v1"
            conn.execute(
                "UPDATE documents SET file_meta = ? WHERE id = ?", (json.dumps(old), document_id)
            )
            if path.endswith("lexsum.pdf"):
                old["authors"] = old["authors"][:2]
                conn.execute(
                    "UPDATE documents SET file_meta = ?, authors = ? WHERE id = ?",
                    (json.dumps(old), json.dumps(old["authors"]), document_id),
                )
    assert "updated for 1 unchanged document" in ingest()
    assert authors()["lexsum.pdf"][-1] == "Downey, Doug"
    assert authors()["papermage.pdf"] == ["Mage, Paper"]
