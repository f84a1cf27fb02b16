"""A reviewer's work follows a document to its next reading (ingest --carry, --reread): the
real CLI on seed documents, a real SQLite store and FAISS index (the hash embedder)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, corpus_project, link_a_record
from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.embed.index import load_index
from litsynth.embed.models import get_embedder
from litsynth.ingest import parse_file, versions
from litsynth.ingest.anchor import letters
from litsynth.ingest.prepare import chunk_with
from litsynth.store.db import transaction

SEED0 = "000_e36bc8967a0d5917.txt"
PLATFORM = "**Platform-Based Coordination as a Value Enabler.**"
QUOTE = "Phadnis (2023) demonstrates how Li & Fung evolved from a supply chain intermediary"


@pytest.fixture
def review(tmp_path: Path) -> Path:
    root = corpus_project(tmp_path, (REPO / "corpus" / SEED0, "review.txt"))
    shutil.copy2(REPO / "codebook" / "orchestration.yaml", root / "codebook")
    return link_a_record(root, 'rev,A record linked by hand,"Doe, J",2024', "review.txt")


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def code(root: Path) -> dict[str, str]:
    """Code the seed like a reviewer: a whole passage, a quote, a memo on a passage; the
    coded words by coding id."""
    conn = sqlite3.connect(root / "litsynth.db")
    chunk = conn.execute(
        "SELECT id FROM chunks WHERE instr(text, ?) > 0 ORDER BY ordinal", (PLATFORM,)
    ).fetchone()[0]
    conn.close()
    run(root, "code", "add", "platform-coordination", "--chunk", chunk, "--coder", "ana")
    run(root, "code", "add", "value-co-creation", "--chunk", chunk, "--quote", QUOTE,
        "--coder", "ana")  # fmt: skip
    run(root, "code", "memo", chunk, "Li & Fung is the case to quote")
    return coded(root)


def coded(root: Path) -> dict[str, str]:
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute(
        "SELECT c.id, substr(d.text, c.start + 1, c.end - c.start) FROM codings c"
        " JOIN documents d ON d.id = c.document_id"
    ).fetchall()
    conn.close()
    return dict(rows)


def store_state(root: Path) -> dict[str, object]:
    """What a reviewer would look at: documents, links, memo targets, index = store."""
    conn = sqlite3.connect(root / "litsynth.db")
    rowids = sorted(r[0] for r in conn.execute("SELECT rowid FROM chunks"))
    loaded = load_index(root / "indexes")
    assert loaded is not None and sorted(loaded[0].ids().tolist()) == rowids
    out = {
        "documents": conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
        "links": conn.execute(
            "SELECT l.record_id, l.method, d.path FROM record_documents l"
            " JOIN documents d ON d.id = l.document_id"
        ).fetchall(),
        "memos_on_passages": conn.execute(
            "SELECT COUNT(*) FROM memos WHERE target IN (SELECT id FROM chunks)"
        ).fetchone()[0],
        "coded_outside_store": conn.execute(
            "SELECT COUNT(*) FROM codings WHERE chunk_id NOT IN (SELECT id FROM chunks)"
        ).fetchone()[0],
    }
    conn.close()
    return out


def replace_file(root: Path, edit: object) -> None:
    path = root / "corpus" / "review.txt"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]


def new_version(text: str) -> str:
    """The publisher's version: a line on top, two of the quote's words run together."""
    return "Accepted manuscript, version of record.\n\n" + text.replace(
        "supply chain intermediary", "supply chainintermediary"
    )


def same_words(a: str, b: str) -> bool:
    return letters(a).text == letters(b).text


def test_carry_moves_the_codings_of_a_replaced_file_onto_its_new_version(review: Path) -> None:
    before = code(review)
    replace_file(review, new_version)
    said = run(review, "ingest")
    assert "kept 1 old document version: human codings point at it" in said
    assert "`litsynth ingest --carry`" in said
    assert store_state(review)["documents"] == 2  # both readings: as before --carry existed
    assert "old versions kept for their codings: 1 (review.txt)" in run(review, "status")

    said = run(review, "ingest", "--carry")
    assert "corpus/review.txt: 2 codings and 1 memo carried to the new text" in said
    after = coded(review)
    assert after.keys() == before.keys()
    assert all(same_words(before[i], after[i]) for i in before)
    assert min(after.values(), key=len).endswith("chainintermediary")  # the quote, as it is now
    state = store_state(review)
    assert state["documents"] == 1 and state["memos_on_passages"] == 1
    assert state["links"] == [("rev", "manual", "corpus/review.txt")]
    assert state["coded_outside_store"] == 0
    assert "old versions kept" not in run(review, "status")
    hits = json.loads(run(review, "search", "Li & Fung platform orchestrator", "--json"))
    assert len({h["document_id"] for h in hits}) == 1  # no second, old copy


def test_a_replaced_file_keeps_its_link_and_memos_without_being_asked(review: Path) -> None:
    """Nothing held the old version (no codings), so it was dropped, and a person's link
    and memos went with it; now they follow the file."""
    conn = sqlite3.connect(review / "litsynth.db")
    chunk = conn.execute("SELECT id FROM chunks WHERE instr(text, ?) > 0", (QUOTE,)).fetchone()[0]
    conn.close()
    run(review, "code", "memo", chunk, "Li & Fung is the case to quote")
    replace_file(review, new_version)
    said = run(review, "ingest")
    assert "corpus/review.txt: 1 memo carried to the new text" in said
    state = store_state(review)
    assert state["documents"] == 1 and state["memos_on_passages"] == 1
    assert state["links"] == [("rev", "manual", "corpus/review.txt")]


def test_a_coding_whose_words_are_gone_keeps_the_old_version_and_is_quoted(review: Path) -> None:
    before = code(review)
    replace_file(review, lambda text: new_version(text.replace(QUOTE, "Another case shows")))
    said = run(review, "ingest", "--carry")
    # the passage coded whole lost a sentence: it and its memo are placed by their ends
    assert (
        "corpus/review.txt: 1 coding and 1 memo carried to the new text (2 of them where the"
        " text changed a little), but"
    ) in said
    assert "1 coding not found in the new text, so the old text is kept with them:" in said
    assert f"value-co-creation: “{QUOTE}”" in said
    state = store_state(review)
    assert state["documents"] == 2 and state["coded_outside_store"] == 0
    report = json.loads(run(review, "ingest", "--carry", "--json"))
    assert report["carried"][0]["left"] == [
        {"kind": "coding", "code": "value-co-creation", "quote": QUOTE}
    ]
    # the reader marks the coding placed by its ends, for the reviewer to check
    from litsynth.coding.human.reader import read_document
    from litsynth.store.db import connect

    conn = connect(review / "litsynth.db")
    (new_id,) = conn.execute("SELECT document_id FROM files").fetchone()
    shown = [c for p in read_document(conn, new_id) for c in p.to_json()["codings"]]  # type: ignore[attr-defined]
    conn.close()
    assert [(c["code"], 0.8 <= c["changed"] < 1.0) for c in shown] == [
        ("platform-coordination", True)
    ]
    assert coded(review).keys() == before.keys()


def test_reread_of_a_file_whose_text_is_the_same_changes_and_embeds_nothing(review: Path) -> None:
    code(review)
    report = json.loads(run(review, "ingest", "--reread", "--json"))
    assert (report["documents_reread_same"], report["chunks_added"], report["carried"]) == (
        1,
        0,
        [],
    )
    assert "1 file read again gave the same text" in run(review, "ingest", "--reread")


def test_a_new_reading_replaces_the_old_in_place_with_every_coding_or_not_at_all(
    review: Path, tmp_path: Path
) -> None:
    """versions.in_place, given the reading a newer reader would make of the same file (here:
    the new version's text under the stored file's id)."""
    before = code(review)
    project = open_project(review)
    embedder = get_embedder(project.settings.embed.embedder)
    conn = sqlite3.connect(review / "litsynth.db")
    conn.execute("PRAGMA foreign_keys = ON")
    (stored_id,) = conn.execute("SELECT id FROM documents").fetchone()

    def reading(edit: object) -> tuple[object, list[object]]:
        copy = tmp_path / "review.txt"
        copy.write_text(edit((review / "corpus" / "review.txt").read_text("utf-8")), "utf-8")  # type: ignore[operator]
        doc = dataclasses.replace(parse_file(copy), id=stored_id, path="corpus/review.txt")
        return doc, chunk_with(project.settings.ingest, doc, embedder)

    gone, gone_chunks = reading(lambda t: t.replace(QUOTE, "Another case shows"))
    with pytest.raises(versions.Blocked) as blocked, transaction(conn):
        versions.in_place(conn, gone, gone_chunks, lambda: [])  # type: ignore[arg-type]
    assert [x["code"] for x in blocked.value.outcome.left] == ["value-co-creation"]
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1

    from litsynth.store import documents as store

    doc, chunks = reading(new_version)
    with transaction(conn):
        done = versions.in_place(
            conn, doc, chunks,  # type: ignore[arg-type]
            lambda: store.insert_document(conn, doc, chunks, chunker="sentences.v4"),  # type: ignore[arg-type]
        )  # fmt: skip
    assert done is not None
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    after = coded(review)
    assert all(same_words(before[i], after[i]) for i in before)
    assert store_state_links(review) == [("rev", "manual", stored_id)]


def store_state_links(root: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(root / "litsynth.db")
    rows = conn.execute("SELECT record_id, method, document_id FROM record_documents").fetchall()
    conn.close()
    return rows


def test_rebuild_with_another_chunker_moves_codings_to_the_new_passages(review: Path) -> None:
    """The same text cut into smaller passages: the coded words stay coded, on the passage
    that now holds them, and no old passage is kept beside the new ones."""
    before = code(review)
    toml = review / "litsynth.toml"
    toml.write_text(toml.read_text("utf-8") + "[ingest]\nchunk_tokens = 80\noverlap_tokens = 10\n")
    report = json.loads(run(review, "ingest", "--rebuild", "--json"))
    assert (report["kept_with_human_work"], report["documents_rechunked"]) == ([], 1)
    assert report["carried"][0]["codings"] == 2 and report["carried"][0]["left"] == []
    after = coded(review)
    assert [same_words(before[i], after[i]) for i in before] == [True, True]
    conn = sqlite3.connect(review / "litsynth.db")
    chunkers = conn.execute("SELECT DISTINCT chunker FROM documents").fetchall()
    quote_chunk = conn.execute(
        "SELECT k.text FROM codings c JOIN chunks k ON k.id = c.chunk_id WHERE c.code_id = ?",
        ("value-co-creation",),
    ).fetchone()[0]
    conn.close()
    assert QUOTE in quote_chunk  # the quote's passage holds it
    assert len(chunkers) == 1 and "target=80" in chunkers[0][0]
    assert store_state(review)["coded_outside_store"] == 0
    assert json.loads(run(review, "status", "--json"))["index_fresh"] is True


def test_a_stored_pdf_that_cannot_be_read_again_keeps_its_text_and_no_failure(
    tmp_path: Path,
) -> None:
    """An encrypted PDF read with its password, then --reread without it: the stored text
    stands, said as a warning; no failure is recorded against a file that is stored."""
    from conftest import shared

    pdf = shared("data/pdfs/hard/pypdf/resources/encrypted-file.pdf")
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy2(pdf, root / "corpus" / "locked.pdf")
    run(root, "ingest", "--password", "test")
    report = json.loads(run(root, "ingest", "--reread", "--json"))
    assert report["failures"] == [] and report["documents_ingested"] == 0
    assert report["warnings"] == [
        "corpus/locked.pdf was not read again (encrypted: it needs a password, and none was"
        " given); its stored text stands"
    ]
    status = json.loads(run(root, "status", "--json"))
    assert (status["documents"], status["failures"]) == (1, {})
