"""`litsynth code finetune`: pairs from the reviewer's decisions, a versioned copy of the encoder
in the project (never over the packaged one), used by `code suggest` and by nothing else."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, on_store
from litsynth.cli import cli
from litsynth.coding.machine.finetune import (
    MODELS,
    active,
    auto_max_pairs,
    model_id,
    saved,
    training_pairs,
)
from litsynth.coding.machine.learn import Example
from litsynth.coding.machine.suggest import suggest_project
from litsynth.config import open_project
from litsynth.errors import CodingError
from litsynth.records import Chunk, Coding, Document, Page, bytes_id, content_id
from litsynth.store import suggestions as store
from litsynth.store.codings import append_codings
from litsynth.store.db import connect, transaction
from litsynth.store.documents import insert_document

A, B, C = frozenset({"a"}), frozenset({"b"}), frozenset({"c"})


def test_pairs_contrast_shared_codes_with_unshared_ones() -> None:
    examples = [Example(0, A), Example(1, A), Example(2, B), Example(3, B | C), Example(4, C),
                Example(5, frozenset(), frozenset({"a", "b", "c"}))]  # fmt: skip
    pairs = training_pairs(examples, per_example=5, max_pairs=1000, seed=1)
    codes = [e.positive for e in examples]
    assert pairs and all(p.left != p.right for p in pairs)
    for p in pairs:
        shared = codes[p.left] & codes[p.right]
        assert (p.target == 1.0) == bool(shared)
    # the passage read with no code is only ever a 0, against a coded passage
    nothing = [p for p in pairs if 5 in (p.left, p.right)]
    assert nothing and all(p.target == 0.0 for p in nothing)
    assert all(codes[p.right] for p in pairs if p.left == 5)
    # each coded passage gets its 1 and its 0 in each of the 5 rounds; the empty one its 0
    assert len(pairs) == 5 * (2 * 5 + 1)
    assert pairs == training_pairs(examples, per_example=5, max_pairs=1000, seed=1)
    assert pairs != training_pairs(examples, per_example=5, max_pairs=1000, seed=2)


def test_pairs_name_the_passages_not_their_place_among_the_decisions() -> None:
    # a project's decided passages are a few of its chunks: Example.index is the chunk's row
    examples = [Example(10, A), Example(20, A), Example(30, B), Example(40, B)]
    pairs = training_pairs(examples, per_example=3, max_pairs=100, seed=0)
    assert {p.left for p in pairs} | {p.right for p in pairs} == {10, 20, 30, 40}
    codes = {10: A, 20: A, 30: B, 40: B}
    assert all((p.target == 1.0) == (codes[p.left] == codes[p.right]) for p in pairs)


def test_pairs_are_capped() -> None:
    examples = [Example(i, A if i % 2 else B) for i in range(40)]
    assert len(training_pairs(examples, per_example=10, max_pairs=100, seed=0)) == 100
    # 40 passages x 2 pairs is already past 60: one round, cut to the cap
    assert len(training_pairs(examples, per_example=10, max_pairs=60, seed=0)) == 60


def test_the_default_cap_grows_with_the_decisions_within_five_minutes() -> None:
    # 500 decisions keep the 3,000 pairs that fit issue 11's five minutes; thousands of
    # decisions get one pair each, up to 10,000 (CSAbstruct's whole train split: 0.806).
    assert auto_max_pairs(10) == auto_max_pairs(500) == 3000
    assert auto_max_pairs(4200) == 4200
    assert auto_max_pairs(11_000) == 10_000
    examples = [Example(i, A if i % 2 else B) for i in range(4200)]
    pairs = training_pairs(examples, per_example=10, max_pairs=auto_max_pairs(4200), seed=0)
    assert len(pairs) == 4200


def test_too_few_decisions_is_a_clear_error() -> None:
    with pytest.raises(CodingError, match="two codes with two coded passages each") as caught:
        training_pairs([Example(0, A), Example(1, A), Example(2, B)], per_example=3,
                       max_pairs=100, seed=0)  # fmt: skip
    assert "code review" in (caught.value.hint or "")


def test_model_id_follows_the_decisions() -> None:
    texts = ["one", "two", "three"]
    first = [Example(0, A), Example(1, B)]
    same = model_id("m", texts, first, {"seed": 0})
    assert same == model_id("m", texts, list(first), {"seed": 0})
    assert same != model_id("m", texts, [Example(0, A), Example(1, A)], {"seed": 0})
    assert same != model_id("m", texts, first, {"seed": 1})
    assert same != model_id("m", ["one", "2", "three"], first, {"seed": 0})


# --- with the real model --------------------------------------------------------------------

PASSAGES = {
    "platform": [
        "The digital platform connects buyers and sellers in one marketplace.",
        "A marketplace platform lets small sellers reach buyers abroad.",
        "Sellers list their goods on the platform and buyers compare offers there.",
    ],
    "reconfiguration": [
        "Firms reconfigure and recombine resources when demand shifts.",
        "Within weeks the supplier network was rebuilt around new partners.",
        "Production lines were recombined to make masks instead of car seats.",
    ],
    "governance": [
        "Contracts and trust govern the relationship between partners.",
        "Service level agreements bind the logistics provider to delivery times.",
        "Trust built over years replaced formal contracts between the firms.",
    ],
}
NOTHING = "Rain fell on Tuesday and the meeting room was cold."


def _coded_project(root: Path) -> Path:
    """A project whose reviewer coded nine passages (three per code) and read one with none."""
    shutil.copy(FIXTURES / "coding" / "eval" / "codebook.yaml", root / "codebook" / "codebook.yaml")
    paragraphs = [p for ps in PASSAGES.values() for p in ps] + [NOTHING]
    text = "\n\n".join(paragraphs)
    doc = Document(bytes_id(text.encode()), "corpus/a.txt", "text", text, (Page(1, 0, len(text)),))
    chunks, start = [], 0
    for n, para in enumerate(paragraphs):
        start = text.index(para, start)
        chunks.append(
            Chunk(content_id(doc.id, start, start + len(para)), doc.id, n, start,
                  start + len(para), para, 1, 1, 12)
        )  # fmt: skip
        start += len(para)
    decided = [
        Coding(f"h{n}", chunks[n].id, code, 0, 0, "ann", f"2026-01-01T00:00:{n:02d}Z", "accepted")
        for n, code in enumerate(c for c, ps in PASSAGES.items() for _ in ps)
    ] + [Coding("h9", chunks[9].id, "platform", 0, 0, "ann", "2026-01-01T00:01:00Z", "rejected")]
    conn = connect(root / "litsynth.db")
    with transaction(conn):
        insert_document(conn, doc, chunks, chunker="test")
        append_codings(conn, decided, {c.chunk_id: doc.id for c in decided})
    conn.close()
    return root


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.slow
def test_finetune_saves_a_versioned_copy_that_only_coding_uses(project: Path) -> None:
    from litsynth.embed.models import model_path

    root = _coded_project(project)
    packaged = _digest(model_path())
    runner = CliRunner()
    before = on_store(suggest_project, open_project(root))
    assert "+ft-" not in before.model and before.fine_tuned is None

    out = runner.invoke(
        cli, ["code", "finetune", "--project", str(root), "--max-pairs", "48", "--json"]
    )
    assert out.exit_code == 0, out.output
    made = json.loads(out.output)
    assert made["decisions"] == 10 and made["pairs"] == 48
    assert made["codes"] == {"governance": 3, "platform": 3, "reconfiguration": 3}
    folder = root / MODELS / made["id"]
    assert (folder / "config.json").exists() and (folder / "litsynth-model.json").exists()
    assert _digest(model_path()) == packaged  # the packaged model is never written

    proj = open_project(root)
    tuned = active(root)
    assert tuned is not None and tuned.id == made["id"]
    after = on_store(suggest_project, proj)
    assert after.fine_tuned == tuned and f"+ft-{tuned.id[:8]}" in after.model
    conn = connect(proj.store_path)
    models = {s.model for s in store.suggestions(conn)}
    conn.close()
    assert models and all(f"+ft-{tuned.id[:8]}" in m for m in models)
    # the fine-tuned vectors are cached beside the model: a second run embeds nothing
    assert (folder / "vectors.sqlite").exists()
    # nothing is written to the search index: search keeps the packaged (here: test) vectors
    assert not list((root / "indexes").glob("*.faiss"))
    assert not (root / "indexes" / "manifest.json").exists()

    # the same decisions give the same model, reused, not trained again
    again = runner.invoke(
        cli, ["code", "finetune", "--project", str(root), "--max-pairs", "48", "--json"]
    )
    assert again.exit_code == 0 and json.loads(again.output)["id"] == made["id"]
    assert len(saved(root)) == 1

    listed = runner.invoke(cli, ["code", "finetune", "--project", str(root), "--list"])
    assert f"* {made['id']}" in listed.output
    off = runner.invoke(cli, ["code", "finetune", "--project", str(root), "--off"])
    assert off.exit_code == 0 and "packaged encoder" in off.output
    assert active(root) is None and folder.exists()
    assert "+ft-" not in on_store(suggest_project, open_project(root)).model
    back = runner.invoke(cli, ["code", "finetune", "--project", str(root), "--use", made["id"][:6]])
    assert back.exit_code == 0 and active(root) is not None
    # `code eval --project` evaluates what the project codes with: the fine-tuned encoder
    gold = FIXTURES / "coding" / "eval"
    books = ["--codebook", str(gold / "codebook.yaml"), "--gold", str(gold / "gold.csv")]
    evaluated = runner.invoke(cli, ["code", "eval", "--project", str(root), *books])
    assert evaluated.exit_code == 0 and f"+ft-{made['id'][:8]}" in evaluated.output.splitlines()[0]
    wrong = runner.invoke(cli, ["code", "finetune", "--project", str(root), "--use", "nope"])
    assert wrong.exit_code != 0 and "no single fine-tuned model" in wrong.output
