"""`litsynth code suggest` on a small project: stored suggestions, evidence, human codings kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, on_store
from litsynth.cli import cli
from litsynth.coding.machine import corpus
from litsynth.coding.machine.suggest import review_ranking, stored_score, suggest_project
from litsynth.config import Project, open_project
from litsynth.records import Chunk, Coding, Document, Page, bytes_id, content_id
from litsynth.store import opened
from litsynth.store import suggestions as store
from litsynth.store.codings import append_codings
from litsynth.store.db import connect, transaction
from litsynth.store.documents import insert_document

PARAGRAPHS = [
    "The digital platform connects buyers and sellers in one marketplace.",
    "Firms reconfigure and recombine resources when demand shifts.",
    "Contracts and trust govern the relationship between partners.",
    "A marketplace platform lets small sellers reach buyers abroad.",
    "Rain fell on Tuesday.",
]


def _project(
    project: Path, paragraphs: list[str] = PARAGRAPHS, others: dict[str, list[str]] | None = None
) -> Path:
    """The eval codebook over corpus/a.txt of `paragraphs`, and one document per `others`."""
    shutil.copy(
        FIXTURES / "coding" / "eval" / "codebook.yaml", project / "codebook" / "codebook.yaml"
    )
    conn = connect(project / "litsynth.db")
    for name, paras in {"a.txt": paragraphs, **(others or {})}.items():
        text = "\n\n".join(paras)
        doc = Document(
            bytes_id(text.encode()), f"corpus/{name}", "text", text, (Page(1, 0, len(text)),)
        )
        chunks, start = [], 0
        for n, para in enumerate(paras):
            start = text.index(para, start)
            end = start + len(para)
            chunks.append(
                Chunk(content_id(doc.id, start, end), doc.id, n, start, end, para, 1, 1, 10)
            )
            start = end
        with transaction(conn):
            insert_document(conn, doc, chunks, chunker="test")
    conn.close()
    return project


def test_suggest_stores_scored_evidence_and_keeps_human_codings(project: Path) -> None:
    root = _project(project)
    proj = open_project(root)
    result = on_store(suggest_project, proj)
    assert result.chunks == 5 and result.vectors_from == "embedded"
    conn = connect(proj.store_path)
    rows = store.suggestions(conn)
    by_text = {(s.text, s.code_id) for s in rows}
    assert (PARAGRAPHS[0], "platform") in by_text
    assert (PARAGRAPHS[1], "reconfiguration") in by_text
    assert (PARAGRAPHS[2], "governance") in by_text
    first = next(s for s in rows if s.text == PARAGRAPHS[0] and s.code_id == "platform")
    assert (
        first.model == "hash-384+zeroshot.v1" and first.codebook_version == result.codebook_version
    )
    assert first.evidence["keywords"] == ["platform", "marketplace"]
    assert first.evidence["nearest"]["kind"] in {"definition", "example"}
    assert 0 < first.threshold < 1 and first.score >= first.threshold

    # A reviewer accepts one passage for platform and rejects another.
    chunk_rows = store.chunks(conn)
    decided = [
        Coding("h1", chunk_rows[3].id, "platform", 0, 0, "ann", "2026-01-01T00:00:00Z", "accepted"),
        Coding("h2", chunk_rows[2].id, "platform", 0, 0, "ann", "2026-01-01T00:00:01Z", "rejected"),
    ]
    with transaction(conn):
        append_codings(conn, decided, {c.chunk_id: chunk_rows[0].document_id for c in decided})
    before = conn.execute("SELECT * FROM codings ORDER BY seq").fetchall()
    conn.close()

    again = on_store(suggest_project, proj)
    assert again.learned_codes == ("platform",)
    assert again.model.endswith("+learned.v1")
    conn = connect(proj.store_path)
    assert conn.execute("SELECT * FROM codings ORDER BY seq").fetchall() == before  # untouched
    pairs = conn.execute(
        "SELECT chunk_id, code_id, COUNT(*) FROM suggestions GROUP BY 1, 2"
    ).fetchall()
    assert all(n == 1 for _, _, n in pairs)  # replaced, not appended
    learned = [s for s in store.suggestions(conn, code="platform") if "learned" in s.evidence]
    assert learned and all(0 <= s.evidence["learned"] <= 1 for s in learned)
    versions = conn.execute("SELECT version FROM codebook_versions").fetchall()
    assert [v[0] for v in versions] == [result.codebook_version]
    conn.close()
    ranking = _ranking(proj)
    assert ranking and (chunk_rows[3].id, "platform") not in ranking  # decided: not queued


def test_suggest_cli_json(project: Path) -> None:
    root = _project(project)
    out = CliRunner().invoke(cli, ["code", "suggest", "--project", str(root), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["chunks"] == 5 and data["suggested"] >= 3
    assert {s["code"] for s in data["suggestions"]} >= {"platform", "reconfiguration", "governance"}


def test_codes_whose_words_the_corpus_never_uses_are_named_and_not_taught(project: Path) -> None:
    # 36 passages on platforms and reconfiguration; none says "contract" or "trust"
    paragraphs = [
        f"Seller {n} joined the {('platform', 'marketplace')[n % 2]} in week {n}."
        if n % 3
        else f"Plant {n} had to reconfigure its line in month {n}."
        for n in range(36)
    ]
    root = _project(project, paragraphs)
    out = CliRunner().invoke(cli, ["code", "suggest", "--project", str(root), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["pseudo_examples"] > 0 and data["unworded"] == ["governance"]
    text = CliRunner().invoke(cli, ["code", "suggest", "--project", str(root)]).output
    assert "fewer than 3 passages use their keywords: governance" in text


def test_a_corpus_the_codebook_does_not_fit_is_not_learned_from(project: Path) -> None:
    # only platform words: two of the three codes' keywords never occur
    paragraphs = [f"Seller {n} joined the platform in week {n}." for n in range(36)]
    root = _project(project, paragraphs)
    data = json.loads(
        CliRunner().invoke(cli, ["code", "suggest", "--project", str(root), "--json"]).output
    )
    assert data["pseudo_examples"] == 0 and not data["corpus_fits_codebook"]
    assert data["unworded"] == ["reconfiguration", "governance"]
    text = CliRunner().invoke(cli, ["code", "suggest", "--project", str(root)]).output
    assert "not learning from the corpus" in text and "+corpus" not in text
    # `litsynth run` shows the step's summary line: it says so too
    assert "not learning from the corpus" in on_store(suggest_project, open_project(root)).summary()


def test_papers_the_codebook_does_not_fit_are_named_and_not_learned_from(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a.txt uses every code's words; weather.txt, in the same corpus, none of them
    paragraphs = [
        (
            f"Seller {n} joined the platform in week {n}.",
            f"Plant {n} had to reconfigure its line in month {n}.",
            f"Supplier {n} signed a contract built on trust in year {n}.",
        )[n % 3]
        for n in range(30)
    ]
    weather = [f"Rain fell on the hills for {n} hours, and the wind turned." for n in range(30)]
    root = _project(project, paragraphs, {"weather.txt": weather})
    monkeypatch.setattr(corpus, "MIN_DOCUMENT_CHARS", 1000)  # two short "papers"
    data = json.loads(
        CliRunner().invoke(cli, ["code", "suggest", "--project", str(root), "--json"]).output
    )
    assert data["pseudo_examples"] > 0 and data["off_codebook_documents"] == ["weather.txt (n.d.)"]
    text = CliRunner().invoke(cli, ["code", "suggest", "--project", str(root)]).output
    assert "not learning from 1 document whose" in text and "weather.txt" in text
    line = on_store(suggest_project, open_project(root)).summary()
    assert "1 document off the codebook not learned from" in line


def test_a_score_is_stored_on_the_side_of_the_bar_its_probability_is() -> None:
    bar = 0.07957261821567364
    held = float(np.nextafter(bar, 0.0))  # what ZeroShot.score holds an unsupported passage at
    assert round(held, 6) >= bar  # rounding alone would put it over
    assert stored_score(held, bar) < bar
    assert stored_score(bar, bar) >= bar and stored_score(0.0795725, 0.07957249) >= 0.07957249
    assert stored_score(0.123456789, 0.5) == 0.123457  # far from the bar: plain rounding


def test_suggest_without_chunks_says_ingest_first(project: Path) -> None:
    shutil.copy(
        FIXTURES / "coding" / "eval" / "codebook.yaml", project / "codebook" / "codebook.yaml"
    )
    out = CliRunner().invoke(cli, ["code", "suggest", "--project", str(project)])
    assert out.exit_code == 1
    assert "has no chunks to code" in out.output and "litsynth ingest" in out.output


def _ranking(project: Project) -> list[tuple[str, str]]:
    with opened(project.store_path) as conn:
        return review_ranking(conn)


def test_a_passage_with_every_suggestion_rejected_is_a_negative_for_every_code() -> None:
    from litsynth.coding.codebook.load import load_codebook
    from litsynth.coding.machine.suggest import examples_from

    book = load_codebook(FIXTURES / "coding" / "eval" / "codebook.yaml")
    codes = sorted(book.codes)
    rows = [store.ChunkRow(i, f"c{i}", "d", i, f"text {i}") for i in range(3)]
    labels = {
        "c0": ({codes[0]}, {codes[1]}),  # applied one, rejected another: as before
        "c1": (set(), {codes[1]}),  # rejected its suggestion, gave none: nothing here
        "c2": (set(), set()),  # no decision: not an example
    }
    examples = {e.index: e for e in examples_from(labels, rows, book)}
    assert set(examples) == {0, 1}
    assert examples[0].negative == frozenset({codes[1]})
    assert examples[1].positive == frozenset() and examples[1].negative == frozenset(codes)


def test_a_code_nobody_decided_on_most_passages_is_flagged() -> None:
    from litsynth.coding.machine.suggest import flooded_codes

    per_code = {"sustainability": 788, "methods": 608, "aims": 40, "decided": 790}
    # over 80 % of the 793 passages read, and no person decided it
    assert flooded_codes(per_code, 793, decided=("decided",)) == ("sustainability",)
    assert flooded_codes(per_code, 0, decided=()) == ()
