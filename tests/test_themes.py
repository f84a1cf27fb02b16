"""Selective coding: the core category on a toy graph, per-theme support, cited works."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from conftest import on_store
from litsynth.coding.analysis.relate import confirm_relation, require_codebook
from litsynth.coding.analysis.themes import (
    centralities,
    relation_graph,
    run_themes,
    summarise_themes,
)
from litsynth.coding.codebook.load import parse_codebook_text
from litsynth.config import open_project
from litsynth.records import Passage
from litsynth.store import opened
from litsynth.store.analysis import CodedPassage
from litsynth.synthesis.from_store import cited_work_counts
from test_discover_corpus import build

# A star: hub is related to three spokes; the spokes only to the hub.
STAR = """\
themes:
  - {id: t1, label: Theme one}
  - {id: t2, label: Theme two}
categories:
  - {id: hub, theme: t1}
  - {id: s1, theme: t1}
  - {id: s2, theme: t2}
  - {id: s3, theme: t2}
codes:
  - {id: k-hub, parent: hub, definition: Code k-hub.}
  - {id: k1, parent: s1, definition: Code k1.}
  - {id: k2, parent: s2, definition: Code k2.}
  - {id: k3, parent: s3, definition: Code k3.}
relations:
  - {source: k-hub, target: k1, type: enables}
  - {source: hub, target: s2, type: requires}
  - {source: s3, target: hub, type: part-of, weight: 2}
"""


def test_core_category_is_the_hub_of_a_star() -> None:
    book = parse_codebook_text(STAR)
    graph, edges = relation_graph(book, {}, 10)
    assert sorted(graph.edges) == [("hub", "s1"), ("hub", "s2"), ("hub", "s3")]
    assert {e.why for e in edges} >= {("codebook: k-hub enables k1",)}
    ranked = centralities(graph, {})
    hub = ranked[0]
    assert hub.node == "hub" and hub.mean_rank == 1.0
    assert hub.degree == pytest.approx(1.0)  # 3 neighbours of 3 possible
    assert hub.betweenness == pytest.approx(1.0)  # on every path between two spokes
    assert all(
        c.degree == pytest.approx(1 / 3, abs=1e-3) and c.betweenness == 0 for c in ranked[1:]
    )


def test_centralities_match_networkx_on_a_path() -> None:
    graph = nx.path_graph(["a", "b", "c", "d"])
    nx.set_edge_attributes(graph, 1.0, "weight")
    nx.set_edge_attributes(graph, 1.0, "distance")
    ranked = {c.node: c for c in centralities(graph, {})}
    assert ranked["b"].betweenness == pytest.approx(nx.betweenness_centrality(graph)["b"], abs=1e-4)
    assert ranked["b"].mean_rank == ranked["c"].mean_rank == 1.0  # a tie stays a tie
    assert ranked["a"].mean_rank > 1


def _passage(ch: str, doc: str, text: str = "t") -> Passage:
    return Passage(ch, doc, 0, len(text), text, authors=("Author",))  # "Author (n.d.), p. 1"


def test_theme_support_counts_and_cooccurrence_edges() -> None:
    book = parse_codebook_text(STAR)
    codings = [
        CodedPassage("c1", "d1", "k-hub", 0.9, "human"),
        CodedPassage("c1", "d1", "k2", 0.8, "machine"),
        CodedPassage("c2", "d2", "k-hub", 0.7, "machine"),
        CodedPassage("c2", "d2", "k2", 0.7, "machine"),
        CodedPassage("c3", "d2", "k1", 0.6, "machine"),
    ]
    passages = [_passage(c, d) for c, d in (("c1", "d1"), ("c2", "d2"), ("c3", "d2"), ("c4", "d3"))]
    result = summarise_themes(book, codings, passages)
    t1 = next(t for t in result.themes if t.id == "t1")
    assert (t1.n_passages, t1.n_documents) == (3, 2)
    assert t1.code_counts == (("k-hub", 2), ("k1", 1))
    assert t1.quotes[0][0] == "c1"  # one theme code each: the most confident (0.9) first
    assert {q[1].split(" (")[0] for q in t1.quotes} == {"Author"}
    hub_s2 = next(e for e in result.edges if (e.a, e.b) == ("hub", "s2"))
    # Codebook "requires" (1.0) + co-occurrence in 2 of 4 passages (Jaccard 1.0, lift 2.0).
    assert hub_s2.weight == pytest.approx(2.0)
    assert any("lift 2.00" in why for why in hub_s2.why)
    assert result.core == "hub"
    assert result.cited_works_source == "not computed"  # no cited works passed in


def test_run_themes_on_the_synthetic_review_lists_cited_works(project: Path) -> None:
    build(project)
    proj = open_project(project)
    on_store(confirm_relation, proj, "mechanisms", "orchestrators", "enables")
    codebook = require_codebook(proj)
    with opened(proj.store_path) as conn:
        result = run_themes(conn, codebook, cited=cited_work_counts(conn, codebook))
    by_id = {t.id: t for t in result.themes}
    assert by_id["value-creation"].n_passages == 24 and by_id["actors"].n_passages == 12
    assert by_id["value-creation"].n_documents == 3
    # One quote per document first: a theme's support is its spread.
    assert len({q[1].split(",")[0] for q in by_id["actors"].quotes}) == 3
    assert result.core in {"mechanisms", "orchestrators"}
    assert result.cited_works_source == "litsynth.synthesis.cited_works_by_theme"
    # Only one passage cites anything: "(Phadnis, 2023)" in a platform passage of document 0.
    assert by_id["value-creation"].cited_works == (("Phadnis (2023)", 1, 1),)
    assert by_id["actors"].cited_works == ()


def test_cli_themes(project: Path) -> None:
    from litsynth.cli import cli

    build(project)
    runner = CliRunner()
    out = runner.invoke(cli, ["themes", "--project", str(project)])
    assert out.exit_code == 0, out.output
    assert (
        "Value creation through orchestration" in out.output
        and "24 passages in 3 documents" in out.output
    )
    data = json.loads(runner.invoke(cli, ["themes", "--project", str(project), "--json"]).output)
    assert {"themes", "centrality", "core", "edges"} <= set(data)


def test_themes_count_the_codings_of_the_source_asked(tmp_path: Path) -> None:
    """The Matrices screen drew its themes from people's codings and the machine's unreviewed
    suggestions while the matrix above them counted people's only (188 passages against 5 on
    a walk). `--source` (and the screen's switch) builds them from the codings a matrix of
    that source counts; the default stays both, as axial coding reads them."""
    from litsynth.cli import cli
    from synthesis_store import synthesis_project

    root = synthesis_project(tmp_path / "review")

    def support(source: str | None) -> dict[str, int]:
        args = ["code", "themes", "--project", str(root), "--json"]
        out = CliRunner().invoke(cli, [*args, *(["--source", source] if source else [])])
        assert out.exit_code == 0, out.output
        return {t["id"]: t["n_passages"] for t in json.loads(out.output)["themes"]}

    both, human, machine = support("both"), support("human"), support("machine")
    assert support(None) == both
    assert sum(human.values()) and sum(machine.values())  # the fixture has both kinds
    for theme, n in both.items():
        assert max(human[theme], machine[theme]) <= n <= human[theme] + machine[theme]
    assert human != both
