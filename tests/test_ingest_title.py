"""A PDF with no /Title is cited by the title printed on its first page (largest type)."""

from __future__ import annotations

import pypdf
import pytest

from conftest import shared
from litsynth.ingest import parse_file
from litsynth.ingest.first_page import Run, printed_year, title_from_runs
from litsynth.ingest.pdf import pdf_title

FIXTURES = "data/pdfs/scholarly/papermage/tests/fixtures"
# Real papers whose info dictionary has no title: what page 1 prints, as a reader reads it.
PRINTED = {
    "2206.10883v3.pdf": "Multi-LexSum: Real-World Summaries of Civil Rights Lawsuits at Multiple"
    " Granularities",  # an arXiv paper: the rotated margin stamp is not its title
    "papermage.pdf": "PaperMage: A Unified Toolkit for Processing, Representing, and"
    " Manipulating Visually-Rich Scientific Documents",
    "2023.eacl-main.121.pdf": "LONGEVAL: Guidelines for Human Evaluation of Faithfulness in"
    " Long-form Summarization",  # "LongEval" in small capitals: four runs of two sizes
}


@pytest.mark.parametrize(("name", "title"), sorted(PRINTED.items()))
def test_a_paper_without_a_title_in_its_metadata_gets_the_printed_one(
    name: str, title: str
) -> None:
    path = shared(f"{FIXTURES}/{name}")
    assert pdf_title(pypdf.PdfReader(path)) == ""  # the case this is for
    assert parse_file(path).title == title


def test_the_metadata_title_still_wins() -> None:
    path = shared("data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf")
    assert parse_file(path).title == pdf_title(pypdf.PdfReader(path))


def test_a_first_page_without_larger_type_gives_no_title() -> None:
    """SciBERT's fixture starts on a table page: every run is body-sized, so no guess."""
    path = shared(f"{FIXTURES}/1903.10676.pdf")
    assert pdf_title(pypdf.PdfReader(path)) == ""  # so page 1's type sizes are read
    assert parse_file(path).title == ""


def test_title_runs_are_joined_by_line_and_small_capitals_kept() -> None:
    runs = [
        Run("Proceedings of a conference, pages 1-9", 9.0, 760.0),
        Run("L", 14.3, 700.0),
        Run("ONG", 11.5, 700.0),
        Run(": Guidelines for ", 14.3, 700.0),
        Run("Faithfulness", 14.3, 684.0),
        Run("Kalpesh Krishna", 12.0, 650.0),
        *[Run("Body text of the paper, set in the usual size.", 9.0, 600.0 - i) for i in range(9)],
    ]
    assert title_from_runs(runs) == "LONG: Guidelines for Faithfulness"
    same_size = [Run("A heading of the body size", 9.0, 700.0), *runs[-9:]]
    assert title_from_runs(same_size) == ""


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("papermage/tests/fixtures/2206.10883v3.pdf", 2022),  # arXiv:2206.10883v3
        ("papermage/tests/fixtures/2020.acl-main.447.pdf", 2020),  # ©2020 ACL
        ("s2orc-doc2json/tests/pdf/N18-3011.pdf", 2018),  # "Proceedings of NAACL-HLT 2018"
        ("papermage/tests/fixtures/papermage.pdf", None),  # says no year on page 1
        (  # IOP's header: "Journal of Physics: Conference Series 2188 (2022) 012011"
            "papermage/tests/fixtures/svm_word_predictor/index-list-out-of-range-"
            "7f4e18385a30ccb00dc637d5123f894f1f862964.pdf",
            2022,
        ),
    ],
)
def test_a_paper_gets_the_year_its_first_page_states(name: str, year: int | None) -> None:
    assert parse_file(shared(f"data/pdfs/scholarly/{name}")).year == year


def test_a_journal_header_gives_the_year_only_at_the_top_of_the_page() -> None:
    header = "Computers & Education 142 (2019) 103642\nA study of tutoring\n"
    assert printed_year(header + "We build on earlier work.") == 2019
    body = "A study of tutoring\n" + "We build on earlier work.\n" * 12
    cited = body + "[3] Smith J 2015 Journal of Learning Research 12 (2015) 1-9"
    assert printed_year(cited) is None  # a reference far down the page is not the paper's


def test_the_year_is_the_papers_own_not_one_it_cites() -> None:
    page = (
        "Building on Smith (2015) and the 2019 shared task, we ...\n"
        "Proceedings of NAACL-HLT 2018, pages 84–91\n"
        "New Orleans, Louisiana, June 1 - 6, 2018. ©2017 Association for Computational Linguistics"
    )
    assert printed_year(page) == 2018  # ACL's 2018 footers print ©2017: the footer wins
    assert printed_year("As shown by Smith (2015), platforms coordinate.") is None
    assert printed_year("Code: see BERT (arXiv:1810.04805), trained on books.") is None
    assert printed_year("arXiv:2206.10883v3 [cs.CL] 22 Jul 2023") == 2022  # first version
    assert printed_year("Copyright © 2999 Nobody") is None  # not a year yet
