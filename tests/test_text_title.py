"""A plain .txt file without headings or front matter is cited by its first line when that
line reads as a title, never by a file name it could do without."""

from __future__ import annotations

from pathlib import Path

import pytest

from litsynth.ingest.parse import parse_file
from litsynth.ingest.text import first_line_title

REPO = Path(__file__).resolve().parent.parent


def test_seed_002_is_titled_by_its_first_line() -> None:
    doc = parse_file(REPO / "corpus" / "002_f98a91929306a877.txt")
    assert doc.title == (
        "Supply Chain Orchestrator – Management of the Federated Business Model in this Second "
        "Decade"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Abstract\nOrchestration describes the activities of the lead firm.\n",  # a heading
        "← Overview\n\nOverview / Concepts\n\nWhat is supply chain orchestration?\n",  # a link
        "Rain fell on the hills for hours, and the wind turned.\n\nIt rained again.\n",  # prose
        "Terms and conditions apply to every order:\n\nOrders ship in a week.\n",  # a clause
        "A title and nothing after it\n",
    ],
)
def test_a_first_line_that_is_not_a_title_gives_none(text: str) -> None:
    assert first_line_title(text) == ""


def test_a_markdown_heading_or_front_matter_title_wins(tmp_path: Path) -> None:
    path = tmp_path / "interview.txt"
    path.write_text("Interview with participant P3\n\nQ: How did you start?\n", encoding="utf-8")
    assert parse_file(path).title == "Interview with participant P3"
    path.write_text("Notes from the field\n\n# Interview with P3\n\nQ: How?\n", encoding="utf-8")
    assert parse_file(path).title == "Interview with P3"
    path.write_text("---\ntitle: P3 transcript\n---\nNotes from the field\n\nQ: How?\n")
    assert parse_file(path).title == "P3 transcript"
