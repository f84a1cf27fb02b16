"""Incremental ingest: unchanged files skipped, changed ones replaced, removed ones pruned,
and the store and index always holding the same chunk set."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from litsynth.config import open_project
from litsynth.embed.index import load_index
from litsynth.ingest import FAILURE_REASONS
from litsynth.ingest import incremental as pipeline
from litsynth.ingest.incremental import IngestOptions, IngestReport, ingest
from litsynth.search import search, status
from litsynth.store import opened
from litsynth.store.db import connect

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED0 = "000_e36bc8967a0d5917.txt"
SEED2 = "002_f98a91929306a877.txt"
SEED4 = "004_03019285015a147f.txt"


def run(root: Path, **options: object) -> IngestReport:
    return ingest(open_project(root), IngestOptions(**options))  # type: ignore[arg-type]


def consistent(root: Path) -> sqlite3.Connection:
    """Assert the index holds exactly the store's chunks; return a store connection."""
    conn = connect(root / "litsynth.db")
    rowids = sorted(r[0] for r in conn.execute("SELECT rowid FROM chunks"))
    loaded = load_index(root / "indexes")
    assert loaded is not None
    assert sorted(loaded[0].ids().tolist()) == rowids
    return conn


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seeds ingested once; each test gets a copy (parsing + spaCy cost seconds)."""
    root = tmp_path_factory.mktemp("template") / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for name in (SEED0, SEED2, SEED4, "documents.csv"):
        shutil.copy2(CORPUS / name, root / "corpus" / name)
    report = run(root)
    assert (report.documents_seen, report.documents_ingested, report.failures) == (3, 3, [])
    assert report.chunks_added > 10
    return root


@pytest.fixture
def seeded(template: Path, tmp_path: Path) -> Path:
    """A copy of the ingested template: copy2 keeps mtimes, and stored paths are relative."""
    root = tmp_path / "review"
    shutil.copytree(template, root)
    return root


def test_first_ingest_then_unchanged_rerun_skips_without_reading(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    consistent(seeded)

    def no_hashing(path: Path) -> str:
        raise AssertionError(f"unchanged {path} was read again")

    monkeypatch.setattr(pipeline, "file_hash", no_hashing)
    again = run(seeded)
    assert again.documents_skipped_unchanged == 3
    assert (again.documents_ingested, again.chunks_added, again.chunks_removed) == (0, 0, 0)


def test_touched_but_identical_file_is_hashed_not_parsed(seeded: Path) -> None:
    path = seeded / "corpus" / SEED4
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    again = run(seeded)
    assert again.documents_skipped_unchanged == 3 and again.documents_ingested == 0


def test_changed_file_replaces_its_old_chunks(seeded: Path) -> None:
    conn = connect(seeded / "litsynth.db")
    old_id = conn.execute("SELECT document_id FROM files WHERE path LIKE '%004_%'").fetchone()[0]
    old_chunks = conn.execute(
        "SELECT COUNT(*) FROM chunks WHERE document_id=?", (old_id,)
    ).fetchone()[0]
    path = seeded / "corpus" / SEED4
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA new closing paragraph on drones.\n")
    report = run(seeded)
    assert (report.documents_ingested, report.documents_replaced) == (1, 1)
    assert report.chunks_removed == old_chunks
    conn = consistent(seeded)
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE id=?", (old_id,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
    texts = [r[0] for r in conn.execute("SELECT text FROM chunks")]
    assert any("drones" in t for t in texts)


def test_the_same_text_in_other_bytes_is_one_document(seeded: Path) -> None:
    """A seed saved again with a byte-order mark and Windows line ends: other bytes, the
    same text. It joins the stored document (search shows each passage once, the matrices
    count one source) and says so; re-saving a file without changing its text re-embeds
    nothing and says nothing."""
    with connect(seeded / "litsynth.db") as old:  # a store from before the digest was kept
        old.execute("UPDATE documents SET text_digest = NULL")
    seed = (seeded / "corpus" / SEED4).read_text(encoding="utf-8")
    copy = seeded / "corpus" / "004-again.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + seed.replace("\n", "\r\n").encode("utf-8"))
    report = run(seeded)
    assert (report.chunks_added, report.documents_same_text) == (0, 1)
    assert "1 ingested (1 the same text as another file)" in report.summary()
    assert f"corpus/004-again.txt has the same text as corpus/{SEED4}" in " ".join(report.warnings)
    conn = consistent(seeded)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
    ids = dict(conn.execute("SELECT path, document_id FROM files").fetchall())
    assert ids["corpus/004-again.txt"] == ids[f"corpus/{SEED4}"]
    seed_path = seeded / "corpus" / SEED4
    seed_path.write_text(seed + "\n\n", encoding="utf-8")  # new bytes, same text
    again = run(seeded)
    assert (again.chunks_added, again.chunks_removed) == (0, 0)
    assert not [w for w in again.warnings if "same text" in w]
    (seeded / "corpus" / SEED4).unlink()  # the copy keeps the document
    assert run(seeded).would_prune == []
    assert run(seeded, prune=True).chunks_removed == 0
    assert consistent(seeded).execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3


def test_a_document_whose_first_file_is_pruned_names_the_file_left(seeded: Path) -> None:
    """The report copies a PDF from the document's path, and citations name it: once the
    first copy is pruned, the path is the copy that is left, not a file that is gone."""
    shutil.copy2(seeded / "corpus" / SEED2, seeded / "corpus" / "kept.txt")
    run(seeded)
    (seeded / "corpus" / SEED2).unlink()
    assert run(seeded, prune=True).pruned == [f"corpus/{SEED2}"]
    conn = consistent(seeded)
    paths = [r[0] for r in conn.execute("SELECT path FROM documents ORDER BY path")]
    assert "corpus/kept.txt" in paths and f"corpus/{SEED2}" not in paths
    assert len(paths) == 3


def test_removed_file_is_reported_then_pruned(seeded: Path) -> None:
    (seeded / "corpus" / SEED2).unlink()
    report = run(seeded)
    assert report.would_prune == [f"corpus/{SEED2}"]
    proj = open_project(seeded)
    with opened(proj.store_path) as conn:
        assert status(conn, proj)["documents"] == 3  # nothing deleted without --prune
    report = run(seeded, prune=True)
    assert report.pruned == [f"corpus/{SEED2}"] and report.chunks_removed > 0
    conn = consistent(seeded)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 2


def test_renamed_file_keeps_its_document_without_parsing(seeded: Path) -> None:
    src = seeded / "corpus" / SEED4
    src.rename(seeded / "corpus" / "renamed.txt")
    report = run(seeded, prune=True)
    assert report.documents_ingested == 0 and report.chunks_added == 0
    conn = consistent(seeded)
    paths = sorted(r[0] for r in conn.execute("SELECT path FROM files"))
    assert "corpus/renamed.txt" in paths and f"corpus/{SEED4}" not in paths
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3


def test_stored_offsets_slice_the_stored_text(seeded: Path) -> None:
    conn = connect(seeded / "litsynth.db")
    texts = {r[0]: r[1] for r in conn.execute("SELECT id, text FROM documents")}
    rows = conn.execute("SELECT document_id, start, end, text, page_start, page_end FROM chunks")
    n = 0
    for doc_id, start, end, text, page_start, page_end in rows:
        assert texts[doc_id][start:end] == text
        assert 1 <= page_start <= page_end
        n += 1
    assert n > 10


def test_sidecar_metadata_gives_citations_and_updates_in_place(seeded: Path) -> None:
    hits = _search(seeded, "platform-based coordination", k=20)
    seed0 = [h for h in hits if h.path.endswith(SEED0)]
    assert seed0, "seed 000 should be among 20 hits"
    assert seed0[0].citation.startswith("Yulianti & Santoso (2025), § ")
    assert seed0[0].title.startswith("Bridging Business Models")

    sidecar = seeded / "corpus" / "documents.csv"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(",2025,", ",2024,", 1))
    report = run(seeded)
    assert report.metadata_updated == 1 and report.documents_ingested == 0
    hits = _search(seeded, "platform-based coordination", k=20)
    assert any(h.citation.startswith("Yulianti & Santoso (2024)") for h in hits)


def test_bad_sidecar_year_is_a_warning_naming_the_line(seeded: Path) -> None:
    sidecar = seeded / "corpus" / "documents.csv"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(",2010,", ",circa 2010,"))
    report = run(seeded)
    assert report.documents_skipped_unchanged == 3
    assert any("line 4" in w and "circa 2010" in w for w in report.warnings)


def test_failure_is_recorded_then_cleared_by_a_later_success(project: Path) -> None:
    bad = project / "corpus" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not a pdf at all \n%%EOF")
    report = run(project)
    assert [f["path"] for f in report.failures] == ["corpus/broken.pdf"]
    assert report.failures[0]["reason"] in FAILURE_REASONS
    assert _status(project)["failures"] == {report.failures[0]["reason"]: 1}

    again = run(project)  # unchanged bad file: remembered, not re-parsed
    assert again.documents_skipped_failed == 1 and again.failures[0]["cached"] is True

    bad.unlink()
    shutil.copy(CORPUS / SEED4, project / "corpus" / "broken.txt")
    run(project, prune=True)
    assert _status(project)["failures"] == {}


def test_changed_document_with_human_codings_is_kept(seeded: Path) -> None:
    conn = connect(seeded / "litsynth.db")
    chunk_id, doc_id = conn.execute(
        "SELECT c.id, c.document_id FROM chunks c JOIN files f ON f.document_id = c.document_id"
        " WHERE f.path LIKE '%004_%' LIMIT 1"
    ).fetchone()
    conn.execute(
        "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
        " VALUES ('k1', ?, ?, 'platform', 0, 5, 'ana', '2025-01-01T00:00:00Z', 'accepted')",
        (chunk_id, doc_id),
    )
    conn.close()
    path = seeded / "corpus" / SEED4
    path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n")
    report = run(seeded)
    assert report.kept_with_human_work == [doc_id]
    conn = consistent(seeded)
    assert (
        conn.execute("SELECT COUNT(*) FROM codings WHERE chunk_id=?", (chunk_id,)).fetchone()[0]
        == 1
    )
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 4


def test_deleting_indexes_rebuilds_without_losing_anything(seeded: Path) -> None:
    before = _search(seeded, "federated supply chain concierge", k=5)
    shutil.rmtree(seeded / "indexes")
    assert _status(seeded)["index_fresh"] is False
    report = run(seeded)
    assert report.index_repaired["added"] == report.index_chunks > 0
    assert report.documents_ingested == 0
    consistent(seeded)
    after = _search(seeded, "federated supply chain concierge", k=5)
    assert [p.chunk_id for p in after] == [p.chunk_id for p in before]
    assert _status(seeded)["index_fresh"] is True


def test_index_with_orphans_and_gaps_is_repaired_on_start(seeded: Path) -> None:
    loaded = load_index(seeded / "indexes")
    assert loaded is not None
    index, _ = loaded
    ids = sorted(index.ids().tolist())
    index.remove(ids[:3])  # as if the run died after committing these chunks
    index.add([10**9], index.index.reconstruct(ids[5]).reshape(1, -1))  # a deleted chunk's vector
    index.save(
        seeded / "indexes", model="hash-384", chunker=pipeline.chunker_spec(open_project(seeded))
    )
    assert _status(seeded)["index_fresh"] is False
    report = run(seeded)
    assert report.index_repaired == {"added": 3, "removed": 1}
    consistent(seeded)


def test_unchanged_rerun_never_loads_the_model(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litsynth.ingest import indexing

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("a no-op re-ingest loaded the embedding model")

    monkeypatch.setattr(indexing, "get_embedder", no_model)
    report = run(seeded)
    assert report.documents_skipped_unchanged == 3


def test_text_with_lone_surrogates_is_a_failure_not_a_crash(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken font CMap can make a PDF parser emit lone surrogates, which neither SQLite
    # nor spaCy can encode; before this guard the whole run died on one file.
    from litsynth.records import Document, Page

    (project / "corpus" / "cmap.txt").write_text("placeholder", encoding="utf-8")
    shutil.copy2(CORPUS / SEED4, project / "corpus" / SEED4)
    real_parse_many = pipeline.parse_many

    def parse_many(paths: list[Path], **kwargs: object):  # type: ignore[no-untyped-def]
        for path, outcome in real_parse_many(paths, **kwargs):  # type: ignore[arg-type]
            if path.name == "cmap.txt":
                text = "Broken \ud835 glyphs"
                outcome = Document(
                    id="x", path=str(path), kind="pdf", text=text, pages=(Page(1, 0, len(text)),)
                )
            yield path, outcome

    monkeypatch.setattr(pipeline, "parse_many", parse_many)
    report = run(project)
    assert report.documents_ingested == 1
    assert [(f["path"], f["reason"]) for f in report.failures] == [
        ("corpus/cmap.txt", "garbage-text")
    ]
    assert "surrogate" in report.failures[0]["detail"]
    consistent(project)


def test_run_with_only_failures_loads_no_model_and_status_is_fresh(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litsynth.ingest import indexing

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing to embed, yet the model was loaded")

    monkeypatch.setattr(indexing, "get_embedder", no_model)
    (project / "corpus" / "bad.pdf").write_bytes(b"not a pdf")
    report = run(project)
    assert len(report.failures) == 1 and report.index_chunks == 0
    s = _status(project)
    assert s["index_fresh"] is True and s["chunks"] == 0


def _search(root: Path, query: str, *, k: int) -> list:  # type: ignore[type-arg]
    project = open_project(root)
    with opened(project.store_path) as conn:
        return search(conn, project, query, k=k)


def _status(root: Path) -> dict:  # type: ignore[type-arg]
    project = open_project(root)
    with opened(project.store_path) as conn:
        return status(conn, project)
