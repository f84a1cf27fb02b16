"""A PDF with no /Title is cited by the title printed on its first page (largest type)."""

from __future__ import annotations

import pypdf
import pytest

from conftest import shared
from litsynth.ingest import parse_file
from litsynth.ingest.first_page import Run, first_page_title, title_from_runs
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
    assert first_page_title(pypdf.PdfReader(path).pages[0]) == ""


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
