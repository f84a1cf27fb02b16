"""Selective coding: themes over categories, the core category, and what supports each theme.

The relation graph has one node per category (codes without a category stand for
themselves) and an edge wherever the codebook states a relation between them (a relation
between two codes counts for their categories) or their passages co-occur more than chance
(lift > 1 in at least two passages). The core category is the node most central by three
measures at once — degree, eigenvector and betweenness centrality (networkx) — taken as the
best mean rank, so one measure's quirk (betweenness is 0 for every node of a triangle) does not
decide alone; all three figures are shown.

Themes come from the codebook tree. Proposed themes are the graph's communities (Louvain,
seeded): when they cut across the codebook's themes, the reviewer sees which categories the
data ties together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from litsynth.coding.analysis.discover import excerpt
from litsynth.coding.analysis.relate import cooccurrence, lift_to
from litsynth.coding.codebook.model import Codebook
from litsynth.markup import shown
from litsynth.records import Passage
from litsynth.store import analysis as store

if TYPE_CHECKING:
    import networkx as nx

GRAPH = "category-graph.v1"


@dataclass(frozen=True)
class Centrality:
    node: str
    label: str
    degree: float
    eigenvector: float
    betweenness: float
    mean_rank: float


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    weight: float
    why: tuple[str, ...]  # "codebook: enables", "co-occurrence: 4 passages, lift 2.1"


def relation_graph(
    codebook: Codebook, by_chunk: Mapping[str, set[str]], n_passages: int
) -> tuple[nx.Graph, list[Edge]]:
    """Undirected weighted graph over categories (or loose codes) with the reason for each edge."""
    import networkx as nx

    node_of = {c.id: c.parent or c.id for c in codebook.codes.values()}
    for cat in codebook.categories:
        node_of[cat] = cat
    graph = nx.Graph()
    for node in sorted(set(node_of.values())):
        graph.add_node(node)
    reasons: dict[tuple[str, str], list[str]] = {}
    weights: dict[tuple[str, str], float] = {}

    def add(a: str, b: str, weight: float, why: str) -> None:
        if a == b:
            return
        key = (min(a, b), max(a, b))
        weights[key] = weights.get(key, 0.0) + weight
        reasons.setdefault(key, []).append(why)

    for rel in codebook.relations:
        if rel.source in node_of and rel.target in node_of:
            add(
                node_of[rel.source],
                node_of[rel.target],
                rel.weight or 1.0,
                f"codebook: {rel.source} {rel.type} {rel.target}",
            )
    for pair in cooccurrence(lift_to(by_chunk, node_of), n_passages, level="passage", min_count=2):
        if pair.lift > 1:
            add(
                pair.a,
                pair.b,
                pair.jaccard,
                f"co-occurrence: {pair.n_ab} passages, lift {pair.lift:.2f}",
            )
    edges = []
    for (a, b), w in sorted(weights.items()):
        graph.add_edge(a, b, weight=w, distance=1.0 / w)
        edges.append(Edge(a, b, round(w, 4), tuple(reasons[(a, b)])))
    return graph, edges


def centralities(graph: nx.Graph, labels: Mapping[str, str]) -> list[Centrality]:
    """Degree, eigenvector and betweenness centrality per node, best mean rank first.

    Worked example: a star a–b, a–c, a–d gives a degree 1.0 (3 of 3 possible neighbours),
    b/c/d 0.33; betweenness a 1.0 (on every shortest path between leaves), leaves 0. So a is
    the core with mean rank 1.
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return []
    degree = nx.degree_centrality(graph)
    betweenness = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    if graph.number_of_edges():
        # Power iteration on A + I (networkx's form) converges on bipartite graphs such as a
        # star, where plain A oscillates; the eigen-solver variant fails below 3 nodes.
        eigen = nx.eigenvector_centrality(graph, weight="weight", max_iter=1000, tol=1e-9)
    else:
        eigen = dict.fromkeys(graph.nodes, 0.0)
    nodes = sorted(graph.nodes)

    def ranks(values: Mapping[str, float]) -> dict[str, float]:
        # Dense rank, 1 = most central; ties share a rank so node order cannot decide.
        distinct = sorted({round(v, 9) for v in values.values()}, reverse=True)
        return {n: float(distinct.index(round(values[n], 9)) + 1) for n in nodes}

    r_deg, r_eig, r_bet = ranks(degree), ranks(eigen), ranks(betweenness)
    out = [
        Centrality(
            node=n,
            label=labels.get(n, n),
            degree=round(degree[n], 4),
            eigenvector=round(abs(eigen[n]), 4),
            betweenness=round(betweenness[n], 4),
            mean_rank=round((r_deg[n] + r_eig[n] + r_bet[n]) / 3, 4),
        )
        for n in nodes
    ]
    out.sort(key=lambda c: (c.mean_rank, -c.degree, c.node))
    return out


@dataclass(frozen=True)
class ThemeSummary:
    """One theme, with what supports it: codes, passages, documents, quotes and cited works."""

    id: str
    label: str
    core: bool  # marked core in the codebook
    categories: tuple[str, ...]
    codes: tuple[str, ...]
    n_passages: int
    n_documents: int
    code_counts: tuple[tuple[str, int], ...]  # passages per code, most first
    quotes: tuple[tuple[str, str, str], ...]  # (chunk id, citation, excerpt)
    cited_works: tuple[tuple[str, int, int], ...] | None = None  # (work, passages, documents)


@dataclass(frozen=True)
class Selective:
    themes: tuple[ThemeSummary, ...]
    centrality: tuple[Centrality, ...]
    edges: tuple[Edge, ...]
    proposed_themes: tuple[tuple[str, ...], ...]  # graph communities of categories
    core: str | None
    codebook_core: tuple[str, ...]  # themes the codebook marks as core
    codebook_version: str
    cited_works_source: str  # where the per-theme cited works came from, or why they are absent
    method: str = GRAPH

    def summary(self) -> str:
        return f"{len(self.themes)} themes; core category: {self.core or 'none'}"


def summarise_themes(
    codebook: Codebook,
    codings: Sequence[store.CodedPassage],
    passages: Sequence[Passage],
    *,
    n_quotes: int = 3,
    seed: int = 0,
    cited_works: Mapping[str, Sequence[tuple[str, int, int]]] | None = None,
) -> Selective:
    """The pure part of `litsynth themes`.

    `cited_works` maps a theme id to its cited works as (label, passages, documents), from the
    in-text citation stage; without it the summary says the cited works are not computed.
    """
    import networkx as nx

    text_of = {p.chunk_id: p for p in passages}
    by_chunk: dict[str, set[str]] = {}
    for c in codings:
        by_chunk.setdefault(c.chunk_id, set()).add(c.code_id)
    labels = {
        **{c.id: c.label for c in codebook.categories.values()},
        **{c.id: c.label for c in codebook.codes.values()},
    }
    graph, edges = relation_graph(codebook, by_chunk, len(passages))
    central = centralities(graph, labels)
    communities: list[tuple[str, ...]] = []
    if graph.number_of_edges():
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        communities = sorted(
            (tuple(sorted(c)) for c in found if len(c) > 1), key=lambda c: (-len(c), c)
        )
    summaries = []
    for theme in codebook.themes.values():
        codes = tuple(sorted(c.id for c in codebook.codes_of_theme(theme.id)))
        cats = tuple(sorted(c.id for c in codebook.categories.values() if c.theme == theme.id))
        rows = [c for c in codings if c.code_id in codes]
        chunks = sorted({c.chunk_id for c in rows})
        per_code: dict[str, int] = {}
        for c in rows:
            per_code[c.code_id] = per_code.get(c.code_id, 0) + 1
        # Quotes: passages carrying the most of the theme's codes, then the most confident.
        weight: dict[str, tuple[int, float]] = {}
        for c in rows:
            n, s = weight.get(c.chunk_id, (0, 0.0))
            weight[c.chunk_id] = (n + 1, s + c.score)
        best = sorted(chunks, key=lambda ch: (-weight[ch][0], -weight[ch][1], ch))
        quotes: list[tuple[str, str, str]] = []
        used_docs: set[str] = set()
        # Prefer one quote per document: a theme is supported by its spread, not one paper.
        for pass_ in (0, 1):
            for ch in best:
                if len(quotes) == n_quotes:
                    break
                p = text_of.get(ch)
                if (
                    p is None
                    or any(q[0] == ch for q in quotes)
                    or (pass_ == 0 and p.document_id in used_docs)
                ):
                    continue
                quotes.append((ch, p.citation, excerpt(shown(p.text, p.kind))))
                used_docs.add(p.document_id)
        summaries.append(
            ThemeSummary(
                id=theme.id,
                label=theme.label,
                core=theme.core,
                categories=cats,
                codes=codes,
                n_passages=len(chunks),
                n_documents=len({c.document_id for c in rows}),
                code_counts=tuple(sorted(per_code.items(), key=lambda kv: (-kv[1], kv[0]))),
                quotes=tuple(quotes),
            )
        )
    source = "not computed"
    if cited_works is not None:
        summaries = [replace(s, cited_works=tuple(cited_works.get(s.id, ()))) for s in summaries]
        source = "litsynth.synthesis.cited_works_by_theme"
    return Selective(
        themes=tuple(summaries),
        centrality=tuple(central),
        edges=tuple(edges),
        proposed_themes=tuple(communities),
        core=central[0].node if central and graph.number_of_edges() else None,
        codebook_core=tuple(t.id for t in codebook.themes.values() if t.core),
        codebook_version=codebook.version,
        cited_works_source=source,
    )


def run_themes(
    conn: sqlite3.Connection,
    codebook: Codebook,
    *,
    cited: Mapping[str, Sequence[tuple[str, int, int]]] | None = None,
    seed: int = 0,
    source: str = "both",
) -> Selective:
    """Selective coding over a store and codebook.

    `cited` is {theme id: [(work label, passages, documents)]} from the synthesis stage's
    `cited_work_counts`, the same query `litsynth cited` uses (with the same `source`, they
    agree); the caller passes it in because synthesis sits above coding. `source`: whose
    codings the themes are built from, as a matrix counts them: "human" (people's, accepted
    suggestions included), "machine" (suggestions nobody has reviewed) or "both".
    """
    passages = store.load_passages(conn)
    codings = [
        c
        for c in store.load_codings(conn)
        if c.code_id in codebook.codes and (source == "both" or c.origin == source)
    ]
    return summarise_themes(
        codebook,
        codings,
        passages,
        seed=seed,
        cited_works={k: list(v) for k, v in cited.items()} if cited is not None else None,
    )
