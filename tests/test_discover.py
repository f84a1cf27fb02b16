"""Open coding: clusters are deterministic, pure, without an outlier bin; the draft loads."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import on_store
from litsynth.coding.analysis.discover import (
    Discovery,
    cluster_vectors,
    discover,
    dissolve_small,
    run_discover,
)
from litsynth.coding.analysis.drafts import draft_fragment
from litsynth.coding.analysis.keyphrases import class_tfidf, document_entropy
from litsynth.coding.codebook.load import load_codebook, parse_codebook_text
from litsynth.config import open_project
from litsynth.embed import HashEmbedder
from litsynth.ingest.roles import chunk_roles
from litsynth.records import Page, Passage
from litsynth.store import analysis as store
from litsynth.store.db import connect
from test_discover_corpus import build


@pytest.fixture(scope="module")
def review(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, list[str]], Discovery]:
    """One built project and its --all discovery, shared: clustering is the slow part."""
    root = tmp_path_factory.mktemp("discover") / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    truth = build(root)
    return root, truth, on_store(run_discover, open_project(root), uncoded_only=False, min_size=4)


def _purity(clusters, truth: dict[str, list[str]]) -> float:  # type: ignore[no-untyped-def]
    topic_of = {cid: t for t, ids in truth.items() for cid in ids}
    right = sum(max(list(map(topic_of.get, c.chunk_ids)).count(t) for t in truth) for c in clusters)
    return right / sum(c.size for c in clusters)


def test_same_input_same_clusters_and_every_cluster_is_one_topic(review) -> None:  # type: ignore[no-untyped-def]
    root, truth, first = review
    second = on_store(run_discover, open_project(root), uncoded_only=False, min_size=4)
    assert [c.chunk_ids for c in first.clusters] == [c.chunk_ids for c in second.clusters]
    assert [c.id for c in first.clusters] == [c.id for c in second.clusters]
    assert _purity(first.clusters, truth) == 1.0
    assert sum(c.size for c in first.clusters) == 48  # every passage lands somewhere


def test_input_order_does_not_change_the_clusters(project: Path) -> None:
    build(project)
    conn = connect(project / "litsynth.db")
    passages = store.load_passages(conn)
    conn.close()
    vectors = HashEmbedder().embed([p.text for p in passages])
    order = list(range(len(passages)))
    random.Random(7).shuffle(order)
    a = discover(passages, vectors, min_size=4, k=4)
    b = discover([passages[i] for i in order], vectors[order], min_size=4, k=4)
    assert [c.chunk_ids for c in a.clusters] == [c.chunk_ids for c in b.clusters]


def test_uncovered_topic_is_flagged_new_and_covered_ones_overlap(review) -> None:  # type: ignore[no-untyped-def]
    _, truth, result = review
    sustainability = set(truth["sustainability"])
    for cluster in result.clusters:
        is_new_topic = set(cluster.chunk_ids) <= sustainability
        assert (cluster.verdict == "new") == is_new_topic, cluster.label
        assert cluster.nearest_code is not None


def test_uncoded_mode_clusters_only_passages_without_codes(review) -> None:  # type: ignore[no-untyped-def]
    root, truth, _ = review
    result = on_store(run_discover, open_project(root), uncoded_only=True, min_size=4)
    clustered = {cid for c in result.clusters for cid in c.chunk_ids}
    assert clustered == set(truth["sustainability"])
    labels = " ".join(p for c in result.clusters for p, _ in c.phrases)
    assert "carbon" in labels or "emission" in labels


def test_quotes_are_cited_verbatim_and_from_the_cluster(review) -> None:  # type: ignore[no-untyped-def]
    root, _, result = review
    conn = connect(root / "litsynth.db")
    texts = {p.chunk_id: p.text for p in store.load_passages(conn)}
    conn.close()
    for cluster in result.clusters:
        assert cluster.quotes
        for q in cluster.quotes:
            assert q.chunk_id in cluster.chunk_ids
            assert q.text in texts[q.chunk_id]
            assert q.citation.endswith(tuple(f"p. {n}" for n in range(1, 5)))


def test_no_giant_outlier_bin_on_noisy_vectors() -> None:
    # 120 random directions: no structure at all, the case where HDBSCAN calls most points noise.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 16))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels, scores = cluster_vectors(x, min_size=5, max_k=10, seed=0)
    sizes = np.bincount(labels)
    assert sizes.min() >= 5
    assert sizes.max() < 0.5 * len(x)
    assert set(scores) == set(range(5, 11))  # the fine-grained range k_max/2..k_max


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=2, max_size=6),
    min_size=st.integers(1, 6),
    seed=st.integers(0, 3),
)
def test_dissolve_small_leaves_no_small_cluster(sizes: list[int], min_size: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(sizes)), sizes)
    x = rng.normal(size=(len(labels), 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    out = dissolve_small(x, labels, min_size)
    counts = np.bincount(out)[np.unique(out)]
    assert len(counts) == 1 or counts.min() >= min_size
    assert len(out) == len(labels)


def test_reference_list_passages_are_found_by_offset() -> None:
    """Discover leaves out the passages ingest gave the role "references" (it used to find the
    list again by offset): the same text gives the same answer through the roles."""
    text = (
        "Intro: orchestration creates value.\n\n## References\n\n"
        "Phadnis, S. (2023). Orchestration.\n"
    )
    refs = text.index("Phadnis")
    spans = {"body": (0, 35), "refs": (refs, len(text))}
    roles = chunk_roles(text, [Page(1, 0, len(text))], list(spans.values()))
    found = {name for name, role in zip(spans, roles, strict=True) if role == "references"}
    assert found == {"refs"}
    other = chunk_roles("No reference list here at all.", [Page(1, 0, 30)], [(0, 10)])
    assert other == ["body"]


def test_class_tfidf_prefers_phrases_specific_to_the_class() -> None:
    phrases = [
        ["platform", "supply chain"],
        ["platform", "supply chain"],
        ["emission", "supply chain"],
        ["emission", "supply chain"],
    ]
    top = class_tfidf(phrases, [0, 0, 1, 1], top_n=2)
    assert top[0][0][0] == "platform" and top[1][0][0] == "emission"
    # tf = 2/4, A = 4, f(platform) = 2: 0.5 · ln(1 + 4/2) = 0.5493; supply chain: 0.5 · ln 2.
    assert top[0][0][1] == pytest.approx(0.5 * np.log(3), abs=1e-4)
    assert top[0][1] == ("supply chain", pytest.approx(0.5 * np.log(2), abs=1e-4))


def test_document_entropy_worked_numbers() -> None:
    assert document_entropy([6, 2, 2], 5) == pytest.approx(0.9503 / np.log(5), abs=1e-3)
    assert document_entropy([5], 5) == 0.0
    assert document_entropy([1, 1, 1, 1, 1], 5) == pytest.approx(1.0)


def test_draft_fragment_loads_with_the_codebook_loader(review, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, _, result = review
    proj = open_project(root)
    text = draft_fragment(result, taken=list(load_codebook(proj.codebook_path).codes))
    draft = parse_codebook_text(text, "codebook/draft.yaml")
    assert len(draft.codes) == result.k
    new_first = next(iter(draft.codes.values()))
    assert new_first.id.startswith("draft-") and "DRAFT" in new_first.definition
    assert new_first.keywords and new_first.examples
    # Beside the real codebook it still loads: ids never collide.
    folder = tmp_path / "codebook"
    folder.mkdir()
    (folder / "test.yaml").write_text(
        (proj.codebook_path / "test.yaml").read_text(encoding="utf-8")
    )
    (folder / "draft.yaml").write_text(text, encoding="utf-8")
    merged = load_codebook(folder)
    assert len(merged.codes) == 3 + result.k


def test_a_drafted_code_covers_the_cluster_it_was_drafted_from(project: Path) -> None:
    """`code discover --write` drafts the new sustainability concept as a code with its quotes
    as examples; before anything is coded with it, the next discover finds that cluster
    inside it (by its "DRAFT — passages about …" definition alone it read as new again)."""
    truth = build(project)
    proj = open_project(project)
    first = on_store(run_discover, proj, uncoded_only=False, min_size=4)
    new = tuple(c for c in first.clusters if c.verdict == "new")
    assert new and all(set(c.chunk_ids) <= set(truth["sustainability"]) for c in new)
    text = draft_fragment(
        replace(first, clusters=new), taken=list(load_codebook(proj.codebook_path).codes)
    )
    (project / "codebook" / "draft.yaml").write_text(text, encoding="utf-8")
    again = on_store(run_discover, open_project(project), uncoded_only=False, min_size=4)
    assert [c.chunk_ids for c in again.clusters] == [c.chunk_ids for c in first.clusters]
    for cluster in again.clusters:
        assert cluster.verdict == "overlaps" and cluster.nearest_code is not None
        if cluster in new or set(cluster.chunk_ids) <= set(truth["sustainability"]):
            assert cluster.nearest_code.code_id.startswith("draft-")


def test_cli_discover_json_and_write(project: Path) -> None:
    from litsynth.cli import cli

    build(project)
    runner = CliRunner()
    args = ["code", "discover", "--project", str(project), "--all", "--min-size", "4"]
    out = runner.invoke(cli, [*args, "--json", "--write", "codebook/draft.yaml"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["mode"] == "all" and data["n_passages"] == 48
    assert {"label", "verdict", "quotes", "phrases", "documents"} <= set(data["clusters"][0])
    assert yaml.safe_load((project / "codebook" / "draft.yaml").read_text(encoding="utf-8"))[
        "codes"
    ]
    again = runner.invoke(cli, [*args, "--write", "codebook/draft.yaml"])
    assert again.exit_code == 1 and "exists" in again.output  # never overwrites reviewer edits
    drafted = runner.invoke(cli, [*args, "--clusters", "4"])
    assert "NEW" not in drafted.output and "(its examples)" in drafted.output  # the draft covers it
    (project / "codebook" / "draft.yaml").unlink()
    text = runner.invoke(cli, [*args, "--clusters", "4"])
    assert "NEW" in text.output and "p. " in text.output


def test_discover_without_passages_says_to_ingest(project: Path) -> None:
    from litsynth.cli import cli

    out = CliRunner().invoke(cli, ["code", "discover", "--project", str(project)])
    assert out.exit_code == 1
    assert "no passages" in out.output and "litsynth ingest" in out.output


def test_passages_keep_their_citation(project: Path) -> None:
    build(project)
    conn = connect(project / "litsynth.db")
    passages = store.load_passages(conn)
    conn.close()
    assert all(isinstance(p, Passage) for p in passages)
    assert {p.citation.split(",")[0] for p in passages} == {
        "Phadnis (2020)",
        "Yulianti & Santoso (2021)",
        "Kamal (2022)",
    }


def test_documents_that_do_not_read_as_english_are_found() -> None:
    from litsynth.coding.analysis.keyphrases import not_english

    english = [
        "Orchestration is the deliberate coordination of independent firms by a hub that "
        "designs the network and its rules.",
        "The results of the review show that platforms are used to align the interests of "
        "the suppliers with those of the orchestrator.",
        "In this paper we argue that the value of a supply chain lies in how it is governed.",
    ]
    german = [
        "Zu jeder Halbgerade H mit Anfangspunkt P gibt es genau ein Q mit dem Abstand r.",
        "Jede Gerade zerlegt die Ebene in zwei nichtleere Teilmengen, sodass für alle A gilt.",
        "Dann gibt es eine Topologie auf X, für die S eine Subbasis ist, und Y heißt Teilraum.",
    ]
    table = ["Table 3 R-1 R-2 R-L BS Words BART Multitask", "0.81 0.77"]  # too short to judge
    found = not_english({"en": english, "de": german, "short": german[:2], "table": table})
    assert found == {"de"}


def test_formula_pieces_name_no_concept_and_a_possessive_stays_on_its_word() -> None:
    # from the appendix of a circuit paper among the shared PDFs: "g(k21" and "id,2" were
    # two of a concept's eight key phrases
    from litsynth.coding.analysis.keyphrases import extract_phrases

    formula, prose = extract_phrases([
        "The g(K21) term and the ID,2 current of the transistors rose.",
        "The covid-19 pandemic hit the firm's GPT-3 model.",
    ])  # fmt: skip
    assert formula == ["transistor"]
    assert prose == ["covid-19 pandemic", "firm's gpt-3 model"]
