"""Coding a span by hand (`code add`) and memos (`code memo`, `code memos`) through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from litsynth.cli import cli
from litsynth.store.db import connect
from review_support import PDF_TEXT, Seeded, seed


@pytest.fixture
def seeded(project: Path) -> Seeded:
    return seed(project)


def _run(s: Seeded, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--project", str(s.root)])


def _added(s: Seeded) -> list[tuple[object, ...]]:
    conn = connect(s.root / "litsynth.db")
    try:
        rows = conn.execute(
            "SELECT chunk_id, document_id, code_id, start, end, status, coder, memo FROM codings"
        )
        return [tuple(r) for r in rows]
    finally:
        conn.close()


def test_add_a_quote_inside_a_passage(seeded: Seeded) -> None:
    quote = "A platform governs access"
    result = _run(seeded, "code", "add", "platform", "--chunk", seeded.c1, "--quote", quote,
                  "--memo", "access rules", "--coder", "ana")  # fmt: skip
    assert result.exit_code == 0, result.output
    start = PDF_TEXT.index("A platform governs access")
    assert _added(seeded) == [
        (seeded.c1, seeded.pdf, "platform", start, start + 25, "added", "ana", "access rules")
    ]
    assert "as platform (ana, " in result.output
    assert result.output.rstrip().endswith('"A platform governs access"')


def test_add_by_document_offsets_goes_to_the_chunk_holding_most_of_the_span(
    seeded: Seeded,
) -> None:
    # From the last 10 characters of page 1 into the first 30 of page 2's chunk: c2 holds more.
    c1_end = PDF_TEXT.index("\n\n")
    start, end = c1_end - 10, c1_end + 2 + 30
    result = _run(seeded, "code", "add", "value-capture", "--document", seeded.pdf,
                  "--start", str(start), "--end", str(end), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["chunk_id"], data["start"], data["end"]) == (seeded.c2, start, end)
    assert data["text"] == PDF_TEXT[start:end]
    assert data["coder"] == "reviewer"  # the [project] reviewer default


def test_add_whole_passage(seeded: Seeded) -> None:
    assert _run(seeded, "code", "add", "method", "--chunk", seeded.c3).exit_code == 0
    (row,) = _added(seeded)
    assert row[3:5] == (PDF_TEXT.index("Data were"), len(PDF_TEXT))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["platfrom", "--chunk", "{c1}"], "unknown code 'platfrom'; did you mean 'platform'?"),
        (["platform", "--chunk", "{c1}", "--quote", "A platform", "--start", "3"],
         "give the span as a quote or as offsets, not both"),
        (["platform", "--chunk", "{c1}", "--start", "0", "--end", "500"],
         "span 0-500 lies outside chunk"),
        (["platform", "--chunk", "{c1}", "--quote", "no such words"],
         "quote 'no such words' not found in the passage"),
        (["platform", "--chunk", "nope"], "no passage with chunk id 'nope'"),
        (["platform", "--document", "nope", "--start", "0", "--end", "5"], "no document 'nope'"),
        (["platform", "--document", "{pdf}"], "needs --start and --end (or --quote)"),
        (["platform"], "say where to code"),
    ],
)  # fmt: skip
def test_add_refuses_what_does_not_point_at_real_text(
    seeded: Seeded, args: list[str], message: str
) -> None:
    args = [a.format(c1=seeded.c1, pdf=seeded.pdf) for a in args]
    result = _run(seeded, "code", "add", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert _added(seeded) == []


def test_memos_on_passage_code_and_document(seeded: Seeded) -> None:
    for target, text in [(seeded.c1, "rules and platform in one breath"),
                         ("governance-mechanisms", "split formal from relational?"),
                         (seeded.txt, "a practitioner source")]:  # fmt: skip
        result = _run(seeded, "code", "memo", target, text, "--author", "ana")
        assert result.exit_code == 0, result.output
        assert f"Memo on {target} saved (ana, " in result.output
    listed = json.loads(_run(seeded, "code", "memos", "--json").output)
    assert {(m["target"], m["author"]) for m in listed} == {
        (seeded.c1, "ana"), ("governance-mechanisms", "ana"), (seeded.txt, "ana"),
    }  # fmt: skip
    one = _run(seeded, "code", "memos", seeded.c1)
    assert "rules and platform in one breath" in one.output
    assert "practitioner" not in one.output


def test_memo_on_unknown_target_suggests_a_close_id(seeded: Seeded) -> None:
    result = _run(seeded, "code", "memo", "platfrom", "text")
    assert result.exit_code == 1
    assert "no passage, document or code 'platfrom'; did you mean 'platform'?" in result.output
    empty = _run(seeded, "code", "memo", seeded.c1, "   ")
    assert empty.exit_code == 1 and "empty memo" in empty.output
