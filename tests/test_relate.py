"""Axial coding: co-occurrence statistics by hand, category proposals, confirmed relations."""

from __future__ import annotations

import json
from math import comb
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import on_store
from litsynth.coding.analysis.relate import (
    confirm_relation,
    cooccurrence,
    lift_to,
    propose_categories,
    run_relate,
)
from litsynth.coding.codebook.load import load_codebook
from litsynth.config import open_project
from litsynth.errors import CodingError
from litsynth.store import analysis as store
from litsynth.store.db import connect
from test_discover_corpus import build

# Ten passages: A in 4, B in 3, both in 2 (p1, p2); C only with A once.
UNITS = {
    "p1": {"A", "B"},
    "p2": {"A", "B"},
    "p3": {"A", "C"},
    "p4": {"A"},
    "p5": {"B"},
    "p6": {"C"},
}


def test_cooccurrence_figures_computed_by_hand() -> None:
    rows = {(r.a, r.b): r for r in cooccurrence(UNITS, 10, level="passage")}
    ab = rows[("A", "B")]
    assert (ab.n_a, ab.n_b, ab.n_ab, ab.n_total) == (4, 3, 2, 10)
    assert ab.jaccard == pytest.approx(2 / 5)  # 2 / (4 + 3 − 2)
    assert ab.lift == pytest.approx(2 * 10 / (4 * 3), abs=1e-4)  # 1.667
    # P(X ≥ 2), X ~ hypergeometric: [C(4,2)·C(6,1) + C(4,3)·C(6,0)] / C(10,3) = 40/120.
    by_hand = (comb(4, 2) * comb(6, 1) + comb(4, 3) * comb(6, 0)) / comb(10, 3)
    assert ab.p_value == pytest.approx(by_hand, abs=1e-6)
    assert ab.evidence == ("p1", "p2")
    ac = rows[("A", "C")]
    assert (ac.n_a, ac.n_b, ac.n_ab) == (4, 2, 1)
    assert ac.lift == pytest.approx(1 * 10 / (4 * 2))
    assert ("B", "C") not in rows  # never together: not a pair


def test_benjamini_hochberg_q_values() -> None:
    rows = cooccurrence(UNITS, 10, level="passage")
    ps = sorted(r.p_value for r in rows)
    # Two tests: q of the smaller p is min(p1 · 2/1, q of the larger); the larger keeps its p.
    qs = sorted(r.q_value for r in rows)
    assert qs[1] == pytest.approx(ps[1], abs=1e-6)
    assert qs[0] == pytest.approx(min(ps[0] * 2, ps[1]), abs=1e-5)


def test_min_count_and_lifting_to_categories() -> None:
    assert [(r.a, r.b) for r in cooccurrence(UNITS, 10, level="passage", min_count=2)] == [
        ("A", "B")
    ]
    lifted = lift_to(UNITS, {"A": "cat1", "B": "cat1", "C": "cat2"})
    assert lifted["p1"] == {"cat1"} and lifted["p3"] == {"cat1", "cat2"}
    (row,) = cooccurrence(lifted, 10, level="passage")
    assert (row.a, row.b, row.n_a, row.n_b, row.n_ab) == ("cat1", "cat2", 5, 2, 1)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=3),
        st.sets(st.sampled_from("ABCDE"), max_size=4),
        max_size=25,
    ),
    st.integers(0, 10),
)
def test_cooccurrence_invariants(units: dict[str, set[str]], extra: int) -> None:
    n = len(units) + extra  # uncoded units count in N too
    for r in cooccurrence(units, n, level="passage"):
        both = {u for u, labels in units.items() if {r.a, r.b} <= labels}
        assert r.n_ab == len(both) and set(r.evidence) == both
        assert 1 <= r.n_ab <= min(r.n_a, r.n_b) and r.n_a + r.n_b - r.n_ab <= n
        assert r.jaccard == pytest.approx(r.n_ab / (r.n_a + r.n_b - r.n_ab), abs=1e-4)
        assert r.lift == pytest.approx(r.n_ab * n / (r.n_a * r.n_b), abs=1e-3)
        assert 0 <= r.p_value <= 1 and r.p_value <= r.q_value + 1e-6 <= 1 + 1e-6
        assert r.a < r.b


def test_strong_association_is_significant() -> None:
    # 40 units; X and Y together in 8, apart nowhere: p = 1 / C(40, 8), far below 0.05.
    units = {f"u{i}": {"X", "Y"} for i in range(8)} | {f"v{i}": {"Z"} for i in range(8)}
    rows = {(r.a, r.b): r for r in cooccurrence(units, 40, level="passage")}
    assert rows[("X", "Y")].significant
    assert rows[("X", "Y")].lift == pytest.approx(40 / 8)


def test_propose_categories_groups_close_codes_and_explains() -> None:
    e = np.eye(4)
    centroids = {
        "a1": e[0] + 0.1 * e[1],
        "a2": e[0] + 0.15 * e[2],
        "b1": e[3] + 0.1 * e[1],
        "b2": e[3] + 0.12 * e[2],
    }
    parents = {"a1": "alpha", "a2": "alpha", "b1": "beta", "b2": None}
    proposals, scores = propose_categories(centroids, parents)
    assert sorted(p.codes for p in proposals) == [("a1", "a2"), ("b1", "b2")]
    a = next(p for p in proposals if p.codes == ("a1", "a2"))
    assert a.codebook_category == "alpha" and a.agreeing == 2
    assert "2/2 already under alpha" in a.reason and "a1 ~ a2" in a.reason
    assert set(scores) == {2, 3}


def test_run_relate_on_the_synthetic_review(project: Path) -> None:
    build(project)
    axial = on_store(run_relate, open_project(project))
    passage = {(r.a, r.b): r for r in axial.code_pairs if r.level == "passage"}
    pair = passage[("platform-coordination", "resource-reconfiguration")]
    # 12 platform passages, 12 resource passages + 6 platform passages also coded resources.
    assert (pair.n_a, pair.n_b, pair.n_ab, pair.n_total) == (12, 18, 6, 48)
    assert pair.jaccard == pytest.approx(6 / 24)
    assert pair.lift == pytest.approx(6 * 48 / (12 * 18), abs=1e-4)
    assert all(
        axial.citations[ch].startswith(("Phadnis", "Yulianti", "Kamal")) for ch in pair.evidence
    )
    assert len(pair.evidence) == 6


def test_confirm_writes_a_relation_that_loads_back_and_logs_it(project: Path) -> None:
    build(project)
    proj = open_project(project)
    _, path = on_store(
        confirm_relation,
        proj,
        "platform-coordination",
        "resource-reconfiguration",
        "enables",
        weight=0.8,
        reviewer="ana",
    )
    assert path == project / "codebook" / "relations.yaml"
    book = load_codebook(proj.codebook_path)
    (loaded,) = [r for r in book.relations if r.type == "enables"]
    assert (loaded.source, loaded.target, loaded.weight) == (
        "platform-coordination",
        "resource-reconfiguration",
        0.8,
    )
    assert "ana" in loaded.note and "lift" in loaded.note
    # Confirming again with another weight replaces it; a second relation is added beside it.
    on_store(
        confirm_relation,
        proj,
        "platform-coordination",
        "resource-reconfiguration",
        "enables",
        weight=0.5,
    )
    on_store(confirm_relation, proj, "mechanisms", "orchestrators", "associated-with")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [(r["type"], r.get("weight")) for r in data["relations"]] == [
        ("enables", 0.5),
        ("associated-with", None),
    ]
    assert (project / "codebook" / "test.yaml").read_text(encoding="utf-8").count("relations") == 0
    conn = connect(project / "litsynth.db")
    log = store.relation_decisions(conn)
    conn.close()
    assert [d["reviewer"] for d in log][:1] == ["ana"] and len(log) == 3
    assert log[0]["evidence"]["passage"]["n_ab"] == 6


def test_confirm_rejects_unknown_ids_and_types(project: Path) -> None:
    build(project)
    proj = open_project(project)
    with pytest.raises(CodingError, match="did you mean 'platform-coordination'"):
        on_store(confirm_relation, proj, "platfrom-coordination", "sme-global", "enables")
    with pytest.raises(CodingError, match="unknown relation type 'enable'"):
        on_store(confirm_relation, proj, "platform-coordination", "sme-global", "enable")
    assert not (project / "codebook" / "relations.yaml").exists()


def test_confirm_refuses_a_one_file_codebook(project: Path) -> None:
    build(project)
    (project / "litsynth.toml").write_text(
        '[embed]\nmodel = "hash-384"\n\n[coding]\ncodebook = "codebook/test.yaml"\n',
        encoding="utf-8",
    )
    with pytest.raises(CodingError, match="is one file"):
        on_store(
            confirm_relation,
            open_project(project),
            "platform-coordination",
            "sme-global",
            "enables",
        )
    assert not (project / "codebook" / "relations.yaml").exists()


def test_cli_relate_text_json_and_confirm(project: Path) -> None:
    from litsynth.cli import cli

    build(project)
    runner = CliRunner()
    base = ["code", "relate", "--project", str(project)]
    text = runner.invoke(cli, base)
    assert text.exit_code == 0, text.output
    assert "Proposed categories" in text.output and "Jaccard 0.25" in text.output
    assert "evidence:" in text.output and "p. " in text.output
    data = json.loads(runner.invoke(cli, [*base, "--json"]).output)
    assert {"categories", "code_pairs", "category_pairs", "citations"} <= set(data)
    confirmed = runner.invoke(
        cli, [*base, "--confirm", "platform-coordination", "sme-global", "requires"]
    )
    assert confirmed.exit_code == 0 and "relations.yaml" in confirmed.output
    bad = runner.invoke(cli, [*base, "--confirm", "platform-coordination", "nope", "requires"])
    assert bad.exit_code == 1 and "Error: unknown code, category or theme 'nope'" in bad.output


@pytest.mark.parametrize("command", ["relate", "themes"])
def test_relate_and_themes_without_passages_say_so(project: Path, command: str) -> None:
    """Over no passages they printed empty tables, as if nothing co-occurred."""
    import shutil

    from conftest import REPO
    from litsynth.cli import cli

    shutil.copytree(REPO / "codebook", project / "codebook", dirs_exist_ok=True)
    result = CliRunner().invoke(cli, ["code", command, "--project", str(project)])
    assert result.exit_code == 1
    assert "no passages in" in result.output and "litsynth ingest" in result.output
