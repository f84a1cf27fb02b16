"""Axial coding: group codes into categories and relate codes and categories to each other.

Two kinds of evidence, each shown with its figures so the reviewer can judge it:

* **Proposed categories** — codes whose passages say similar things. A code's centroid is the
  mean embedding of the passages coded with it (its definition's embedding when it has none);
  centroids are grouped by average-linkage agglomerative clustering on cosine distance
  (deterministic: no seed), with the number of groups chosen by silhouette. Each proposal
  names its codes, how similar they are, and which codebook category they already share.
* **Proposed relations** — codes that occur together more than chance, within passages and
  within documents: counts, Jaccard, lift, and a one-sided Fisher exact test (scipy) with
  Benjamini–Hochberg correction over all pairs of a level. Co-occurrence cannot say *how* two
  codes relate, so every proposal is "associated-with" until the reviewer types it; each comes
  with the passages where both codes occur.

`confirm_relation` writes a reviewer's typed relation to codebook/relations.yaml (the codebook
loader merges every YAML file of the folder) and logs who confirmed it on what evidence.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

from litsynth.coding.analysis.discover import code_prototypes, passage_vectors
from litsynth.coding.codebook.load import project_codebook, rewrite_file
from litsynth.coding.codebook.model import (
    RELATION_TYPES,
    Codebook,
    Relation,
    did_you_mean,
    dump_codebook_fragment,
)
from litsynth.config import Project
from litsynth.embed.models import query_embedder
from litsynth.errors import CodebookError, CodingError
from litsynth.records import Passage
from litsynth.store import analysis as store
from litsynth.store.db import transaction
from litsynth.words import count

RELATIONS_FILE = "relations.yaml"
ALPHA = 0.05  # conventional false-discovery rate for flagging a pair as "significant"


@dataclass(frozen=True)
class Cooccurrence:
    """How often two codes (or categories) occur together in one unit (passage or document).

    With N units, a in n_a, b in n_b, both in n_ab:
    Jaccard = n_ab / (n_a + n_b − n_ab); lift = n_ab · N / (n_a · n_b), 1 = independent;
    p = P(X ≥ n_ab) for X hypergeometric(N, n_a, n_b) — Fisher's exact test, one-sided.
    Worked numbers: N = 10, n_a = 4, n_b = 3, n_ab = 2 → Jaccard 0.4, lift 1.67,
    p = [C(4,2)·C(6,1) + C(4,3)·C(6,0)] / C(10,3) = (36 + 4) / 120 = 0.333.
    """

    a: str
    b: str
    level: str  # "passage" | "document"
    n_total: int
    n_a: int
    n_b: int
    n_ab: int
    jaccard: float
    lift: float
    p_value: float
    q_value: float  # Benjamini–Hochberg over every pair of this level and kind
    evidence: tuple[str, ...]  # unit ids where both occur (chunk or document ids)
    existing: tuple[str, ...] = ()  # relation types the codebook already has between a and b

    @property
    def significant(self) -> bool:
        return self.q_value < ALPHA


def cooccurrence(
    units: Mapping[str, set[str]], n_total: int, *, level: str, min_count: int = 1
) -> list[Cooccurrence]:
    """Every pair of labels that co-occurs in at least `min_count` units, most significant first.

    `units` maps a unit id to the labels it carries; units without labels need not be listed
    but count in `n_total` (an uncoded passage is evidence of independence too).
    """
    from scipy.stats import false_discovery_control, fisher_exact

    carriers: dict[str, set[str]] = {}
    for unit, labels in units.items():
        for label in labels:
            carriers.setdefault(label, set()).add(unit)
    rows = []
    for a, b in itertools.combinations(sorted(carriers), 2):
        both = carriers[a] & carriers[b]
        if len(both) < min_count:
            continue
        n_a, n_b, n_ab = len(carriers[a]), len(carriers[b]), len(both)
        table = [[n_ab, n_a - n_ab], [n_b - n_ab, n_total - n_a - n_b + n_ab]]
        p = float(fisher_exact(table, alternative="greater").pvalue)
        rows.append((a, b, n_a, n_b, n_ab, p, tuple(sorted(both))))
    qs = false_discovery_control([r[5] for r in rows], method="bh") if rows else []
    out = [
        Cooccurrence(
            a=a,
            b=b,
            level=level,
            n_total=n_total,
            n_a=n_a,
            n_b=n_b,
            n_ab=n_ab,
            jaccard=round(n_ab / (n_a + n_b - n_ab), 4),
            lift=round(n_ab * n_total / (n_a * n_b), 4),
            p_value=round(p, 6),
            q_value=round(float(q), 6),
            evidence=both,
        )
        for (a, b, n_a, n_b, n_ab, p, both), q in zip(rows, qs, strict=True)
    ]
    out.sort(key=lambda r: (r.p_value, -r.lift, r.a, r.b))
    return out


def lift_to(units: Mapping[str, set[str]], mapping: Mapping[str, str]) -> dict[str, set[str]]:
    """The same units labelled one level up (code → its category); unmapped labels drop out."""
    return {u: {mapping[c] for c in labels if c in mapping} for u, labels in units.items()}


# ------------------------------------------------------------------------------ categories


@dataclass(frozen=True)
class CategoryProposal:
    """Codes that belong together, and why: their similarity and the codebook's own grouping."""

    codes: tuple[str, ...]
    mean_similarity: float  # mean pairwise cosine of the member centroids
    closest_pair: tuple[str, str, float] | None
    codebook_category: str | None  # the category most members already have
    agreeing: int  # members already under that category

    @property
    def reason(self) -> str:
        pair = "a single code"
        if self.closest_pair:
            a, b, sim = self.closest_pair
            pair = f"closest pair {a} ~ {b} ({sim:.2f})"
        where = (
            f"{self.agreeing}/{len(self.codes)} already under {self.codebook_category}"
            if self.codebook_category
            else "no shared codebook category"
        )
        return f"mean similarity {self.mean_similarity:.2f}; {pair}; {where}"


def propose_categories(
    centroids: Mapping[str, np.ndarray],
    parents: Mapping[str, str | None],
    *,
    centre: np.ndarray | None = None,
) -> tuple[list[CategoryProposal], dict[int, float]]:
    """Group code centroids; k by silhouette over 2..n−1 (cosine), average linkage.

    Average linkage, not Ward: a handful of code means is too few points for Ward's variance
    criterion to be stable, and average linkage works directly on cosine distance.
    `centre` (the corpus mean) is subtracted first: every code of a review shares the review's
    topic, so raw centroids are all alike (demo: mean pairwise cosine 0.73, silhouette picked
    17 codes + 1); centred, the demo's codes fall into six groups that match its categories.
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    if centre is not None:
        centroids = {c: np.asarray(v, dtype=np.float64) - centre for c, v in centroids.items()}
    ids = sorted(centroids)
    if len(ids) < 3:
        return ([_proposal(tuple(ids), centroids, parents)] if ids else []), {}
    x = np.stack([np.asarray(centroids[i], dtype=np.float64) for i in ids])
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    scores: dict[int, float] = {}
    best: tuple[float, np.ndarray] | None = None
    for k in range(2, len(ids)):
        labels = (
            AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit(x).labels_
        )
        score = float(silhouette_score(x, labels, metric="cosine"))
        scores[k] = round(score, 4)
        if best is None or score > best[0]:
            best = (score, labels)
    assert best is not None
    labels = best[1]
    groups = [tuple(ids[i] for i in np.flatnonzero(labels == c)) for c in np.unique(labels)]
    proposals = [_proposal(g, centroids, parents) for g in groups]
    proposals.sort(key=lambda p: (-len(p.codes), p.codes))
    return proposals, scores


def _proposal(
    codes: tuple[str, ...], centroids: Mapping[str, np.ndarray], parents: Mapping[str, str | None]
) -> CategoryProposal:
    vecs = {c: np.asarray(centroids[c], dtype=np.float64) for c in codes}
    vecs = {c: v / max(float(np.linalg.norm(v)), 1e-12) for c, v in vecs.items()}
    pairs = [(a, b, float(vecs[a] @ vecs[b])) for a, b in itertools.combinations(codes, 2)]
    mean = float(np.mean([s for _, _, s in pairs])) if pairs else 1.0
    closest = max(pairs, key=lambda t: (t[2], t[0], t[1])) if pairs else None
    counts: dict[str, int] = {}
    for c in codes:
        parent = parents.get(c)
        if parent:
            counts[parent] = counts.get(parent, 0) + 1
    category = min(counts, key=lambda k: (-counts[k], k)) if counts else None
    return CategoryProposal(
        codes=codes,
        mean_similarity=round(mean, 4),
        closest_pair=(closest[0], closest[1], round(closest[2], 4)) if closest else None,
        codebook_category=category,
        agreeing=counts.get(category, 0) if category else 0,
    )


# ------------------------------------------------------------------------------ the shell


@dataclass(frozen=True)
class Axial:
    """Everything `code relate` proposes, with the figures behind each proposal."""

    categories: tuple[CategoryProposal, ...]
    category_silhouettes: dict[int, float]
    code_pairs: tuple[Cooccurrence, ...]  # passage level, then document level
    category_pairs: tuple[Cooccurrence, ...]
    citations: dict[str, str]  # chunk id → citation, for every evidence passage
    n_passages: int
    n_documents: int
    codebook_version: str

    def summary(self) -> str:
        """One line for `run`'s step list."""
        return (
            f"{count(len(self.categories), 'category', 'categories')} and"
            f" {count(len(self.code_pairs), 'code pair')} proposed over"
            f" {count(self.n_passages, 'passage')} in {count(self.n_documents, 'document')}"
            f" (codebook {self.codebook_version})"
        )


def _existing(codebook: Codebook, a: str, b: str) -> tuple[str, ...]:
    return tuple(sorted({r.type for r in codebook.relations if {r.source, r.target} == {a, b}}))


def analyse(
    codebook: Codebook,
    codings: Sequence[store.CodedPassage],
    passages: Sequence[Passage],
    centroids: Mapping[str, np.ndarray],
    n_documents: int,
    *,
    centre: np.ndarray | None = None,
) -> Axial:
    """The pure part of `code relate`: statistics over codings, proposals over centroids."""
    by_chunk: dict[str, set[str]] = {}
    by_doc: dict[str, set[str]] = {}
    for c in codings:
        by_chunk.setdefault(c.chunk_id, set()).add(c.code_id)
        by_doc.setdefault(c.document_id, set()).add(c.code_id)
    parent = {code.id: code.parent for code in codebook.codes.values() if code.parent}
    code_pairs = [
        *cooccurrence(by_chunk, len(passages), level="passage", min_count=2),
        *cooccurrence(by_doc, n_documents, level="document", min_count=2),
    ]
    cat_pairs = [
        *cooccurrence(lift_to(by_chunk, parent), len(passages), level="passage", min_count=2),
        *cooccurrence(lift_to(by_doc, parent), n_documents, level="document", min_count=2),
    ]
    code_pairs = [replace(r, existing=_existing(codebook, r.a, r.b)) for r in code_pairs]
    cat_pairs = [replace(r, existing=_existing(codebook, r.a, r.b)) for r in cat_pairs]
    parents = {c.id: c.parent for c in codebook.codes.values()}
    proposals, scores = propose_categories(centroids, parents, centre=centre)
    # Citations of the evidence passages only: the JSON stays proportional to the evidence.
    evidence = {ch for r in (*code_pairs, *cat_pairs) if r.level == "passage" for ch in r.evidence}
    cited = {p.chunk_id: p.citation for p in passages if p.chunk_id in evidence}
    return Axial(
        categories=tuple(proposals),
        category_silhouettes=scores,
        code_pairs=tuple(code_pairs),
        category_pairs=tuple(cat_pairs),
        citations=cited,
        n_passages=len(passages),
        n_documents=n_documents,
        codebook_version=codebook.version,
    )


def require_codebook(project: Project) -> Codebook:
    codebook = project_codebook(project, required=False)
    if codebook is None or not codebook.codes:
        raise CodebookError(
            f"no codebook in {project.codebook_path}",
            hint="write codebook/*.yaml (see docs/coding.md), or draft codes with "
            "`litsynth code discover --write codebook/draft.yaml`",
        )
    return codebook


def code_centroids(
    codebook: Codebook,
    codings: Sequence[store.CodedPassage],
    vector_of: Mapping[str, np.ndarray],
    project: Project,
) -> dict[str, np.ndarray]:
    """Mean passage vector per code; the embedded definition for codes with no passages yet."""

    def embed(texts: list[str]) -> np.ndarray:
        return query_embedder(project.settings.embed.embedder).embed(texts)

    return {p.code_id: p.vector for p in code_prototypes(codebook, codings, vector_of, embed)}


def run_relate(conn: sqlite3.Connection, project: Project) -> Axial:
    """Axial coding over the project's store and codebook."""
    codebook = require_codebook(project)
    passages = store.load_passages(conn)
    codings = [c for c in store.load_codings(conn) if c.code_id in codebook.codes]
    n_docs = store.document_count(conn)
    vectors, _ = passage_vectors(project, passages)
    vector_of = {p.chunk_id: vectors[i] for i, p in enumerate(passages)}
    centroids = code_centroids(codebook, codings, vector_of, project)
    centre = vectors.astype(np.float64).mean(axis=0) if len(vectors) else None
    return analyse(codebook, codings, passages, centroids, n_docs, centre=centre)


# ------------------------------------------------------------------------------ confirming


def _read_relations_file(path: Path) -> list[Relation]:
    """The relations already in the dedicated file; it must hold nothing else."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or set(data) - {"relations"}:
        raise CodebookError(
            f"{path} holds more than `relations:`; litsynth rewrites this file",
            hint="move the other entries to another codebook file",
        )
    out = []
    for item in data.get("relations") or []:
        out.append(
            Relation(
                source=str(item["source"]),
                target=str(item["target"]),
                type=str(item.get("type", "associated-with")),
                weight=None if item.get("weight") is None else float(item["weight"]),
                note=str(item.get("note", "")),
            )
        )
    return out


def confirm_relation(
    conn: sqlite3.Connection,
    project: Project,
    source: str,
    target: str,
    type: str,
    *,
    weight: float | None = None,
    reviewer: str | None = None,
) -> tuple[Relation, Path]:
    """Write a reviewer-confirmed typed relation to codebook/relations.yaml and log it.

    The rest of the codebook is never touched: the relation goes to a file litsynth owns, and
    the whole codebook is reloaded afterwards, so a relation that would break it is undone.
    """
    codebook = require_codebook(project)
    for end in (source, target):
        if codebook.get(end) is None:
            known = [*codebook.codes, *codebook.categories, *codebook.themes]
            raise CodingError(
                f"unknown code, category or theme {end!r}{did_you_mean(end, known)}",
                hint="ids are listed by `litsynth code relate`",
            )
    if type not in RELATION_TYPES:
        raise CodingError(
            f"unknown relation type {type!r}{did_you_mean(type, RELATION_TYPES)}",
            hint=f"one of: {', '.join(RELATION_TYPES)}",
        )
    if source == target:
        raise CodingError(
            f"a relation needs two ends, got {source!r} twice", hint="name two different ids"
        )
    if not project.codebook_path.is_dir():
        # A one-file codebook would never load a relations.yaml written beside it.
        raise CodingError(
            f"the codebook {project.codebook_path} is one file; confirmed relations go to "
            f"{RELATIONS_FILE} in a codebook folder",
            hint="move the file into a folder and set [coding] codebook to the folder",
        )
    path = project.codebook_path / RELATIONS_FILE
    axial = run_relate(conn, project)
    stats = [r for r in axial.code_pairs + axial.category_pairs if {r.a, r.b} == {source, target}]
    reviewer = reviewer or project.settings.project.reviewer
    at = datetime.now(UTC).isoformat(timespec="seconds")
    summary = "; ".join(
        f"{r.level}: {r.n_ab} together "
        f"(Jaccard {r.jaccard:.2f}, lift {r.lift:.2f}, p {r.p_value:.3g})"
        for r in stats
    )
    relation = Relation(
        source=source,
        target=target,
        type=type,
        weight=weight,
        note=f"confirmed by {reviewer} on {at[:10]}" + (f"; {summary}" if summary else ""),
    )
    kept = [r for r in _read_relations_file(path) if r.key != relation.key]
    header = (
        "Relations confirmed with `litsynth code relate --confirm`; litsynth rewrites this file."
    )
    text = dump_codebook_fragment(relations=[*kept, relation], header=header)
    reloaded = rewrite_file(project, path, text)
    assert reloaded is not None  # it held the relation's two ends a moment ago
    with transaction(conn):
        store.record_relation_decision(
            conn,
            source=source,
            target=target,
            type=type,
            weight=weight,
            reviewer=reviewer,
            at=at,
            codebook_file=str(path.relative_to(project.root)),
            codebook_version=reloaded.version,
            evidence={
                r.level: {
                    "n_ab": r.n_ab,
                    "jaccard": r.jaccard,
                    "lift": r.lift,
                    "p": r.p_value,
                    "evidence": list(r.evidence),
                }
                for r in stats
            },
        )
    return relation, path
