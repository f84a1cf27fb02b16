"""Search by code or theme: the effective coding, resolved through the codebook tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.coding.codebook.filters import chunk_ids_for, codes_under
from litsynth.coding.human import decisions
from litsynth.config import open_project
from litsynth.errors import CodingError
from litsynth.search import search
from litsynth.store import connect, opened
from review_support import Seeded, insert_suggestions, seed


@pytest.fixture
def seeded(project: Path) -> Seeded:
    return seed(project)


def _ids(s: Seeded, **kw: str) -> set[str]:
    proj = open_project(s.root)
    conn = connect(proj.store_path)
    try:
        return chunk_ids_for(conn, proj, **kw)
    finally:
        conn.close()


def test_machine_suggestions_above_threshold_count_until_a_human_decides(seeded: Seeded) -> None:
    # platform: d1 .90 and c1 .61 are at/above threshold .5; c2 .30 is not.
    assert _ids(seeded, code="platform") == {seeded.d1, seeded.c1}
    assert _ids(seeded, code="rule-setting") == {seeded.c1}  # d1 .40 is below

    proj = open_project(seeded.root)
    book = decisions.codebook_of(proj)
    conn = connect(proj.store_path)
    try:
        queue = {i.key: i for i in decisions.review_queue(conn, coder="ana")}
        decisions.decide(conn, book, queue[(seeded.c1, "rule-setting")], "reject", coder="ana")
        decisions.add_coding(conn, book, "rule-setting", coder="ana", chunk=seeded.d1)
    finally:
        conn.close()
    # The rejection removes c1 at once; the hand coding adds d1 the machine scored .40.
    assert _ids(seeded, code="rule-setting") == {seeded.d1}


def test_theme_and_category_cover_the_codes_under_them(seeded: Seeded) -> None:
    # orchestration <- governance-mechanisms (category) <- platform, formal-governance
    # (nested category) <- rule-setting. value <- value-capture.
    assert _ids(seeded, theme="orchestration") == {seeded.d1, seeded.c1}
    assert _ids(seeded, theme="value") == {seeded.c2}
    assert _ids(seeded, code="governance-mechanisms") == {seeded.d1, seeded.c1}
    assert _ids(seeded, code="formal-governance") == {seeded.c1}


def test_codes_under_the_tree() -> None:
    from litsynth.coding.codebook.load import load_codebook

    book = load_codebook(Path(__file__).resolve().parent / "fixtures" / "review" / "codebook.yaml")
    assert codes_under(book, theme="orchestration") == {"rule-setting", "platform"}
    assert codes_under(book, code="formal-governance") == {"rule-setting"}
    assert codes_under(book, theme="formal-governance") == {"rule-setting"}
    assert codes_under(book, code="method") == {"method"}
    assert codes_under(None, code="open-code", extra={"open-code"}) == {"open-code"}


def test_unknown_ids_suggest_a_close_match(seeded: Seeded) -> None:
    with pytest.raises(CodingError, match="unknown code 'platfrom'; did you mean 'platform'"):
        _ids(seeded, code="platfrom")
    with pytest.raises(CodingError, match="unknown theme 'valu'; did you mean 'value'"):
        _ids(seeded, theme="valu")
    with pytest.raises(CodingError, match="exactly one of code or theme"):
        _ids(seeded, code="platform", theme="value")


def test_a_code_only_the_store_knows_still_filters(seeded: Seeded) -> None:
    proj = open_project(seeded.root)
    conn = connect(proj.store_path)
    try:
        insert_suggestions(conn, [(seeded.c3, "renamed-code", 0.9, 0.5, {})])
    finally:
        conn.close()
    assert _ids(seeded, code="renamed-code") == {seeded.c3}


def test_search_restricts_to_coded_passages_end_to_end(seeded: Seeded) -> None:
    proj = open_project(seeded.root)
    with opened(proj.store_path) as conn:
        everything = {p.chunk_id for p in search(conn, proj, "digital platform", k=10)}
        assert everything == {seeded.c1, seeded.c2, seeded.c3, seeded.d1}
        coded = [p.chunk_id for p in search(conn, proj, "digital platform", k=10, code="platform")]
        assert set(coded) == {seeded.d1, seeded.c1}
        themed = [p.chunk_id for p in search(conn, proj, "value", k=10, theme="value")]
        assert themed == [seeded.c2]

    result = CliRunner().invoke(
        cli, ["search", "rules", "--project", str(seeded.root), "--theme", "orchestration",
              "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert {h["chunk_id"] for h in hits} == {seeded.d1, seeded.c1}
    assert {h["citation"] for h in hits} == {
        "Phadnis (2023), p. 1", "Yulianti & Santoso (2025), § Findings, ¶ 1",
    }  # fmt: skip

    bad = CliRunner().invoke(
        cli, ["search", "x", "--project", str(seeded.root), "--code", "platfrom"]
    )
    assert bad.exit_code == 1
    assert "did you mean 'platform'?" in bad.output
