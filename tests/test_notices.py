"""A journal's history and licence box, and ACM's copyright statement, found in real page
text: a passage of their own (the chunker cuts around them), with the role boilerplate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import corpus_project, ingest_json, shared
from litsynth.ingest.notices import notice_spans

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "000_e36bc8967a0d5917.txt"


def boxes(text: str) -> list[str]:
    return [text[a:b] for a, b in notice_spans(text)]


def test_the_seeds_margin_box_is_one_notice_up_to_the_prose_it_interrupts() -> None:
    text = SEED.read_text(encoding="utf-8")
    (box,) = boxes(text)
    assert box.startswith("Received: January 31, 2025\n")
    assert "Copyright: © 2025 by the authors." in box
    assert box.rstrip().endswith("(<https://creativecommons.org/licenses/by-sa/4.0/>)")
    end = notice_spans(text)[0][1]
    assert text[end:].startswith("choices and governance mechanisms")  # the sentence goes on


def test_a_history_line_ends_the_box_before_a_heading_or_prose() -> None:
    text = (
        "Received: 4 September 2013 Accepted: 27 December 2013\nPublished: 2 January 2014\n"
        "References\n1. Smith J, Jones K. A long title of a paper about something. J Stud. 2010.\n"
    )
    assert boxes(text) == [text[: text.index("References")]]
    dated = "Received 9 November 2010; Accepted 25 December 2010\nAcademic Editor: K. Smith\n"
    assert boxes(dated + "The trial enrolled 120 patients from three hospitals in 2009.\n") == [
        dated
    ]


def test_a_licence_sentence_over_margin_lines_ends_where_it_ends() -> None:
    text = (
        "Published: June 13, 2018\nCopyright: © 2018 Doe et al. This is an open\n"
        "access article distributed under the terms of the\nCreative Commons Attribution "
        "License, which\npermits unrestricted use and reproduction in any\nmedium, provided "
        "the source is credited.\nData Availability Statement: All relevant data are\n"
        "within the paper and its Supporting Information files.\n"
    )
    assert boxes(text) == [text[: text.index("Data Availability")]]


def test_prose_that_only_looks_like_a_notice_is_not_one() -> None:
    prose = (
        "Received wisdom holds that platforms coordinate suppliers.\n"
        "Accepted practice in 2019 was to outsource final assembly to partners.\n"
        "© 2023 Elsevier Ltd.\nThe study then turns to governance mechanisms in detail.\n"
    )
    assert boxes(prose) == []
    one = "Received: 3 May 2020\nFirms outsource production to contract manufacturers abroad.\n"
    assert boxes(one) == []  # one dated line is not a box


def test_acms_statement_and_citation_block_run_to_their_doi(tmp_path: Path) -> None:
    pdf = shared("data/pdfs/scholarly/papermage/tests/fixtures/2302.07302v1.pdf")
    root = corpus_project(tmp_path, (pdf, "citesee.pdf"))
    ingest_json(root)
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        text = conn.execute("SELECT text FROM documents").fetchone()[0]
        found = boxes(text)
        roles = {
            row[0]: row[1] for row in conn.execute("SELECT text, role FROM chunks ORDER BY ordinal")
        }
    finally:
        conn.close()
    assert [b.split("\n", 1)[0] for b in found] == [
        "ACM Reference Format:",
        "Permission to make digital or hard copies of all or part of this work for personal or",
    ]
    assert all(b.rstrip().endswith("https://doi.org/10.1145/3544548.3580847") for b in found)
    # each a passage of its own, called boilerplate; no other passage holds their words
    for box in found:
        holding = [role for passage, role in roles.items() if "10.1145/3544548.3580847" in passage
                   and box.split("\n", 1)[0] in passage]  # fmt: skip
        assert holding == ["boilerplate"]
    assert not any(
        "Permission to make digital" in p and role != "boilerplate" for p, role in roles.items()
    )


def test_the_seeds_box_is_a_boilerplate_passage_and_the_prose_around_it_body(
    tmp_path: Path,
) -> None:
    root = corpus_project(tmp_path, (SEED, SEED.name))
    ingest_json(root)
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        rows = conn.execute("SELECT text, role FROM chunks ORDER BY ordinal").fetchall()
    finally:
        conn.close()
    with_dates = [(text, role) for text, role in rows if "Received: January 31, 2025" in text]
    assert [role for _, role in with_dates] == ["boilerplate"]
    assert with_dates[0][0].startswith("Received:")
    assert "orchestration" not in with_dates[0][0]  # no prose in it
    before = next(t for t, _ in rows if "an interdependent set of design" in t)
    assert "Received" not in before and "Copyright" not in before


def test_a_notice_inside_a_statement_opens_no_second_box() -> None:
    text = (
        "Permission to make digital or hard copies of all or part of this work is granted.\n"
        "© 2023 Copyright held by the owner/author(s).\n"
        "Accepted: 3 May 2023\n"
        "https://doi.org/10.1145/3544548.3580847\n"
        "1 INTRODUCTION\nScience builds on the past work of others, and readers follow it.\n"
    )
    assert boxes(text) == [text[: text.index("1 INTRODUCTION")]]
