"""The pure core of review: decisions to log rows, spans, quotes, evidence, queue order."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from litsynth.coding.human.review import (
    ReviewDecision,
    check_code,
    check_span,
    choose_passage,
    codings_for,
    find_quote,
    keyword_spans,
    now_utc,
    order_items,
    parse_action,
)
from litsynth.errors import CodingError
from litsynth.records import Evidence, Passage, ReviewItem, read_evidence

AT = "2026-11-22T10:00:00.000Z"


def _decision(action: str, **kw: object) -> ReviewDecision:
    base: dict[str, object] = dict(
        action=action, chunk_id="c1", document_id="d1", code_id="gov", start=10, end=50,
        suggestion_score=0.8,
    )  # fmt: skip
    base.update(kw)
    return ReviewDecision(**base)  # type: ignore[arg-type]


def test_accept_and_reject_are_one_row_with_coder_time_and_score() -> None:
    (row,) = codings_for(_decision("accept", memo="clear case"), coder="ana", at=AT)
    assert (row.status, row.coder, row.at, row.suggestion_score) == ("accepted", "ana", AT, 0.8)
    assert (row.chunk_id, row.code_id, row.start, row.end, row.memo) == (
        "c1", "gov", 10, 50, "clear case",
    )  # fmt: skip
    (rej,) = codings_for(_decision("reject"), coder="ana", at=AT)
    assert rej.status == "rejected" and rej.id != row.id


def test_change_is_reject_plus_add_on_the_same_span() -> None:
    rows = codings_for(_decision("change", new_code="plat"), coder="ana", at=AT)
    assert [(r.code_id, r.status) for r in rows] == [("gov", "rejected"), ("plat", "added")]
    assert {(r.start, r.end) for r in rows} == {(10, 50)}
    assert rows[1].suggestion_score is None  # the machine never scored the new code


def test_change_needs_a_different_new_code() -> None:
    with pytest.raises(CodingError, match="names no new code"):
        codings_for(_decision("change"), coder="ana", at=AT)
    with pytest.raises(CodingError, match="to itself"):
        codings_for(_decision("change", new_code="gov"), coder="ana", at=AT)


def test_a_decision_needs_a_coder() -> None:
    with pytest.raises(CodingError, match="no coder"):
        codings_for(_decision("accept"), coder=" ", at=AT)


@pytest.mark.parametrize(
    ("cell", "action"),
    [("accept", "accept"), ("1", "accept"), ("Y", "accept"), ("0", "reject"), ("Reject", "reject"),
     ("c", "change"), ("add", "add"), ("", None), ("  ", None)],
)  # fmt: skip
def test_parse_action_reads_what_spreadsheet_users_write(cell: str, action: str | None) -> None:
    assert parse_action(cell) == action


def test_unknown_action_suggests_the_close_one() -> None:
    with pytest.raises(CodingError, match="unknown decision 'acept'; did you mean 'accept'"):
        parse_action("acept")


def test_unknown_code_suggests_a_close_id() -> None:
    with pytest.raises(CodingError, match="unknown code 'platfrom'; did you mean 'platform'"):
        check_code("platfrom", {"platform", "rule-setting"})
    assert check_code(" platform ", {"platform"}) == "platform"


def test_check_span_bounds() -> None:
    check_span(10, 20, lower=0, upper=20, where="chunk x")
    with pytest.raises(CodingError, match="empty or reversed"):
        check_span(20, 20, lower=0, upper=30, where="chunk x")
    with pytest.raises(CodingError, match=r"outside chunk x \(5-20\)"):
        check_span(4, 12, lower=5, upper=20, where="chunk x")


def test_find_quote_matches_across_line_breaks_and_refuses_ambiguity() -> None:
    text = "Rules bind partners.\nThe platform\ngoverns access. Rules bind partners."
    start, end = find_quote(text, "platform governs", offset=100)
    assert text[start - 100 : end - 100] == "platform\ngoverns"
    with pytest.raises(CodingError, match="occurs 2 times"):
        find_quote(text, "Rules bind partners")
    with pytest.raises(CodingError, match="not found"):
        find_quote(text, "platform rules")


def test_find_quote_takes_words_copied_from_a_passage_shown_without_its_markdown() -> None:
    text = "Intro. **Platform-Based Coordination as a Value Enabler.** The literature highlights"
    start, end = find_quote(text, "a Value Enabler. The literature", offset=10)
    assert text[start - 10 : end - 10] == "a Value Enabler.** The literature"
    start, end = find_quote(text, "Platform-Based Coordination")  # the stored words, as ever
    assert text[start:end] == "Platform-Based Coordination"
    with pytest.raises(CodingError, match="not found"):
        find_quote(text, "Enabler. The platform")


def test_choose_passage_takes_the_chunk_holding_most_of_the_span() -> None:
    a = Passage("a", "d", 0, 100, "")
    b = Passage("b", "d", 80, 200, "")  # chunks overlap by 20 characters
    assert choose_passage([a, b], 85, 95).chunk_id == "a"  # inside both: the earlier one
    assert choose_passage([a, b], 90, 180).chunk_id == "b"
    with pytest.raises(CodingError, match="no passage covers"):
        choose_passage([], 1, 2)


def test_citations_of_pdf_and_text_passages() -> None:
    pdf = Passage("c", "d", 0, 10, "x", kind="pdf", authors=("Phadnis, S.",), year=2023,
                  page_start=4, page_end=4)  # fmt: skip
    assert pdf.citation == "Phadnis (2023), p. 4"
    txt = Passage("c", "d", 0, 10, "x", kind="text", authors=("Yulianti, A.", "Santoso, B."),
                  year=2025, section="Findings", paragraph=2)  # fmt: skip
    assert txt.citation == "Yulianti & Santoso (2025), § Findings, ¶ 2"


def test_read_evidence_accepts_the_shapes_classifiers_write() -> None:
    ev = read_evidence(
        {"keywords": [{"keyword": "rules"}, "rules", "standards"],
         "nearest": {"text": "Sets rules.", "kind": "example", "similarity": 0.7}}
    )  # fmt: skip
    assert ev == Evidence(("rules", "standards"), "Sets rules.", "example", 0.7)
    assert ev.summary() == 'keywords: rules, standards | nearest example: "Sets rules."'
    assert read_evidence({"nearest_example": "A quote."}).nearest == "A quote."
    assert read_evidence({}).summary() == ""


def test_keyword_spans_whole_words_and_stems() -> None:
    text = "Orchestrators overrule rules; the ORCHESTRATION of rules."
    spans = keyword_spans(text, ["rule", "rules", "orchestrat*"])
    assert [text[s:e] for s, e in spans] == ["Orchestrators", "rules", "ORCHESTRATION", "rules"]


@given(
    st.text(alphabet="ab .", max_size=40), st.lists(st.sampled_from(["a", "ab", "b*"]), max_size=3)
)
def test_keyword_spans_are_sorted_disjoint_and_inside_the_text(text: str, words: list[str]) -> None:
    spans = keyword_spans(text, words)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert re.fullmatch(r"\w+", text[start:end])
    assert all(e1 < s2 for (_, e1), (s2, _) in itertools.pairwise(spans))


def test_order_items_follows_the_ranking_then_score() -> None:
    def item(chunk: str, score: float) -> ReviewItem:
        return ReviewItem(Passage(chunk, "d", 0, 1, ""), "gov", score, 0.5)

    items = [item("a", 0.9), item("b", 0.6), item("c", 0.7), item("d", 0.99)]
    assert [i.passage.chunk_id for i in order_items(items)] == ["d", "a", "c", "b"]
    ranked = order_items(items, [("b", "gov"), ("c", "gov")])
    assert [i.passage.chunk_id for i in ranked] == ["b", "c", "d", "a"]


def test_now_utc_is_iso_utc_with_milliseconds() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", now_utc())
