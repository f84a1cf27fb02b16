"""Properties of sheet import planning (pure): re-importing is a no-op, whatever the sheet says."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.coding.human.review import codings_for
from litsynth.coding.human.sheets import SheetRow, plan_import
from litsynth.records import Passage

PASSAGES = {c: Passage(c, "d", 10 * i, 10 * i + 10, "x" * 10) for i, c in enumerate("abc")}
CODES = ("gov", "plat", "value")
SCORES = {(c, code): 0.7 for c in PASSAGES for code in CODES[:2]}  # value never suggested

_row = st.fixed_dictionaries(
    {
        "chunk_id": st.sampled_from([*PASSAGES, "zzz"]),
        "code": st.sampled_from([*CODES, "platfrom"]),
        "decision": st.sampled_from(["accept", "1", "reject", "0", "change", "add", "", "acept"]),
        "new_code": st.sampled_from(["", *CODES]),
        "memo": st.sampled_from(["", "why"]),
    }
)


def _plan(rows: list[SheetRow], latest: dict[tuple[str, str, int, int], str], at: str):  # type: ignore[no-untyped-def]
    return plan_import(
        rows, passages=PASSAGES, codes=CODES, scores=SCORES, latest=latest, coder="ana", at=at
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_row, max_size=12))
def test_importing_the_same_sheet_twice_appends_nothing_the_second_time(
    cells: list[dict[str, str]],
) -> None:
    rows = [SheetRow(line, dict(c)) for line, c in enumerate(cells, start=2)]
    first = _plan(rows, {}, "2026-01-01T00:00:00.000Z")

    # Every row is accounted for exactly once: decided, unchanged, memo, undecided or error.
    assert sum(first.counts.values()) + len(first.errors) == len(rows)
    assert {e.line for e in first.errors} <= {r.line for r in rows}

    log: dict[tuple[str, str, int, int], str] = {}
    for decision in first.decisions:
        for c in codings_for(decision, coder="ana", at="t"):
            log[(c.chunk_id, c.code_id, c.start, c.end)] = c.status
    second = _plan(rows, log, "2026-01-02T00:00:00.000Z")
    assert second.decisions == ()
    decided = sum(first.counts.get(k, 0) for k in ("accept", "reject", "change", "add"))
    assert second.counts.get("unchanged", 0) == decided + first.counts.get("unchanged", 0)
    assert second.errors == first.errors


def test_change_to_the_same_code_is_a_line_error_not_a_crash() -> None:
    rows = [SheetRow(2, {"chunk_id": "a", "code": "gov", "decision": "change", "new_code": "gov"})]
    plan = _plan(rows, {}, "t")
    assert [(e.line, e.message) for e in plan.errors] == [(2, "change of 'gov' to itself")]


def test_a_copied_row_is_reported_and_the_first_kept() -> None:
    rows = [
        SheetRow(2, {"chunk_id": "a", "code": "gov", "decision": "accept"}),
        SheetRow(3, {"chunk_id": "b", "code": "gov", "decision": "accept"}),
        SheetRow(4, {"chunk_id": "a", "code": "gov", "decision": "reject"}),
    ]
    plan = _plan(rows, {}, "t")
    assert [(d.chunk_id, d.action) for d in plan.decisions] == [("a", "accept"), ("b", "accept")]
    assert [(e.line, e.message) for e in plan.errors] == [
        (4, "'gov' on chunk a is already decided on line 2 of this sheet; that line is kept")
    ]
