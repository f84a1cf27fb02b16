"""The terminal review loop, driven through the real CLI with typed keys."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, on_store
from litsynth.cli import cli
from litsynth.store.db import connect
from review_support import PDF_TEXT, Seeded, insert_suggestions, seed


@pytest.fixture
def seeded(project: Path) -> Seeded:
    return seed(project)


def _review(root: Path, keys: str, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["code", "review", "--project", str(root), "--coder", "ana", *args], input=keys
    )
    assert result.exit_code == 0, result.output
    return result.output


def _log(root: Path) -> list[tuple[str, str, str, str]]:
    conn = connect(root / "litsynth.db")
    try:
        rows = conn.execute("SELECT chunk_id, code_id, status, coder FROM codings ORDER BY seq")
        return [tuple(r) for r in rows]
    finally:
        conn.close()


def test_accept_reject_change_then_quit(seeded: Seeded) -> None:
    # Active learning puts the least certain first: |logit(score) - logit(threshold .5)| is
    # .20 for c3/method .55, .45 for c1/platform .61, 1.05 for c2/value-capture .74, 1.52 for
    # c1/rule-setting .82 and 2.20 for d1/platform .90. (c2/platform .30 and d1/rule-setting
    # .40 are below threshold: only with --near-misses.)
    out = _review(seeded.root, "a\nr\nc\nplatfrom\nplatform\nq\n")
    assert "── 1/5  method (Method)  score 0.55 (threshold 0.50)" in out
    assert "Phadnis (2023), p. 2" in out
    assert "nearest definition (0.71): The orchestrator sets rules that partners" in out
    assert "unknown new code 'platfrom'; did you mean 'platform'?" in out
    assert "1 accept, 1 reject, 1 change; 2 suggestion(s) left for ana." in out
    assert _log(seeded.root) == [
        (seeded.c3, "method", "accepted", "ana"),
        (seeded.c1, "platform", "rejected", "ana"),
        (seeded.c2, "value-capture", "rejected", "ana"),
        (seeded.c2, "platform", "added", "ana"),
    ]


def test_by_score_runs_best_first(seeded: Seeded) -> None:
    out = _review(seeded.root, "a\nq\n", "--by-score")
    assert "── 1/5  platform (Platform)  score 0.90" in out
    assert "Yulianti & Santoso (2025), § Findings, ¶ 1" in out
    assert _log(seeded.root) == [(seeded.d1, "platform", "accepted", "ana")]


def test_near_misses_join_the_queue_by_uncertainty(seeded: Seeded) -> None:
    # d1/rule-setting .40 is 0.41 logits from its threshold: between c3/method .55 (0.20)
    # and c1/platform .61 (0.45); c2/platform .30 (0.85 logits) comes later.
    out = _review(seeded.root, "s\ns\ns\nq\n", "--near-misses")
    assert "── 1/7  method" in out
    assert "── 2/7  rule-setting (Rule setting)  score 0.40" in out
    assert "── 3/7  platform (Platform)  score 0.61" in out


def test_the_loop_resumes_where_it_stopped(seeded: Seeded) -> None:
    _review(seeded.root, "a\na\nq\n")
    out = _review(seeded.root, "s\ns\n")
    assert "── 1/3  value-capture" in out  # the two decided suggestions are not shown again
    assert "2 skip; 3 suggestion(s) left" in out
    # Another coder still sees everything: double coding for agreement.
    other = CliRunner().invoke(
        cli, ["code", "review", "--project", str(seeded.root), "--coder", "ben"], input="q\n"
    )
    assert "── 1/5" in other.output


def test_the_summary_says_where_the_decisions_are_learned_from(seeded: Seeded) -> None:
    """The loop ended with "1 accept; 4 suggestion(s) left", and the reviewer could not tell
    that the suggestions learn from it only at the next `code suggest`."""
    assert "next `litsynth code suggest`" in _review(seeded.root, "a\nq\n")
    assert "code suggest`" not in _review(seeded.root, "s\nq\n")  # nothing decided


def test_end_of_input_keeps_every_decision_so_far(seeded: Seeded) -> None:
    out = _review(seeded.root, "a\n")  # then EOF, like Ctrl-D
    assert "1 accept; 4 suggestion(s) left" in out
    assert len(_log(seeded.root)) == 1


def test_memo_on_the_passage_then_decide(seeded: Seeded) -> None:
    _review(
        seeded.root, "m\nPooled demand is a governance effect too.\na\nq\n", "--code", "platform"
    )
    conn = connect(seeded.root / "litsynth.db")
    try:
        memo = conn.execute("SELECT target, author, text, at FROM memos").fetchone()
    finally:
        conn.close()
    # c1/platform .61 is the less certain platform suggestion, so it comes first.
    assert tuple(memo)[:3] == (seeded.c1, "ana", "Pooled demand is a governance effect too.")
    assert memo["at"].endswith("Z")
    assert _log(seeded.root) == [(seeded.c1, "platform", "accepted", "ana")]


def test_narrow_codes_a_quote_then_the_suggestion_is_decided(seeded: Seeded) -> None:
    # c3/method first: code just "interviews with twelve firms" (Enter keeps the code), a typo
    # in a second quote is reported, then the suggestion itself is rejected as too broad.
    keys = "n\ninterviews with twelve firms\n\nn\ninterviews with 12\n\nr\nq\n"
    out = _review(seeded.root, keys)
    start = PDF_TEXT.index("interviews with twelve firms")
    assert f"coded {start}-{start + 28} as method" in out
    assert "quote 'interviews with 12' not found in the passage" in out
    conn = connect(seeded.root / "litsynth.db")
    try:
        rows = conn.execute("SELECT code_id, status, start, end FROM codings ORDER BY seq")
        log = [tuple(r) for r in rows]
    finally:
        conn.close()
    c3_start = PDF_TEXT.index("Data were")
    assert log == [
        ("method", "added", start, start + 28),
        ("method", "rejected", c3_start, len(PDF_TEXT)),
    ]


def test_code_filter_and_limit(seeded: Seeded) -> None:
    out = _review(seeded.root, "s\n", "--code", "platform", "--limit", "1")
    assert "── 1/1  platform" in out and "rule-setting (" not in out


def test_unknown_code_is_an_error_not_an_empty_queue(seeded: Seeded) -> None:
    result = CliRunner().invoke(
        cli, ["code", "review", "--project", str(seeded.root), "--code", "platfrom"], input="q\n"
    )
    assert result.exit_code == 1
    assert "unknown code 'platfrom'; did you mean 'platform'?" in result.output


def test_unknown_key_is_explained(seeded: Seeded) -> None:
    out = _review(seeded.root, "x\nq\n")
    assert "press a, r, c, n, s, m or q" in out


def test_human_decisions_survive_a_new_machine_run(seeded: Seeded) -> None:
    _review(seeded.root, "a\nr\nq\n")  # accept c3/method, reject c1/platform
    conn = connect(seeded.root / "litsynth.db")
    try:
        before = conn.execute("SELECT * FROM codings ORDER BY seq").fetchall()
        # `code suggest` replaces the machine's suggestions wholesale, now disagreeing.
        with conn:
            conn.execute("DELETE FROM suggestions")
        insert_suggestions(
            conn,
            [(seeded.c3, "method", 0.10, 0.5, {}), (seeded.c1, "platform", 0.95, 0.5, {})],
        )
        after = conn.execute("SELECT * FROM codings ORDER BY seq").fetchall()
        effective = _effective(conn)
    finally:
        conn.close()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert (seeded.c3, "method", "human") in effective  # kept though the machine dropped it
    assert not any(e[:2] == (seeded.c1, "platform") for e in effective)  # stays rejected


def _effective(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    rows = conn.execute("SELECT chunk_id, code_id, origin FROM effective_codings")
    return {(r[0], r[1], r[2]) for r in rows}


def test_nothing_to_review(project: Path) -> None:
    seeded = seed(project)
    _review(seeded.root, "a\n" * 5)
    out = _review(seeded.root, "")
    assert "Nothing to review for ana" in out


@pytest.mark.slow  # a real `code suggest` run loads spaCy: ~15 s
def test_human_decisions_survive_a_real_code_suggest_run(seeded: Seeded) -> None:
    from litsynth.coding.machine.suggest import suggest_project
    from litsynth.config import open_project

    _review(seeded.root, "a\nr\nq\n")  # accept c3/method, reject c1/platform
    conn = connect(seeded.root / "litsynth.db")
    try:
        before = [tuple(r) for r in conn.execute("SELECT * FROM codings ORDER BY seq")]
    finally:
        conn.close()
    on_store(suggest_project, open_project(seeded.root))  # replaces every machine suggestion
    conn = connect(seeded.root / "litsynth.db")
    try:
        after = [tuple(r) for r in conn.execute("SELECT * FROM codings ORDER BY seq")]
        effective = _effective(conn)
        models = {r[0] for r in conn.execute("SELECT DISTINCT model FROM suggestions")}
    finally:
        conn.close()
    assert models and "test-model" not in models  # the fixture's suggestions are gone
    assert after == before
    assert (seeded.c3, "method", "human") in effective
    assert not any(e[:2] == (seeded.c1, "platform") for e in effective)


def test_review_before_any_suggestion_says_to_run_suggest(project: Path) -> None:
    """It said "every suggestion has a decision" when there was no suggestion at all."""
    shutil.copytree(REPO / "codebook", project / "codebook", dirs_exist_ok=True)
    result = CliRunner().invoke(cli, ["code", "review", "--project", str(project)])
    assert result.exit_code == 0
    assert "No suggestions yet: run `litsynth code suggest` first." in result.output
