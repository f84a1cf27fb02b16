"""The init / ingest / search / status commands: output contracts and Error:/Hint: exits."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SMALL = ("002_f98a91929306a877.txt", "004_03019285015a147f.txt", "documents.csv")


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "review"
    code, out, _ = invoke("init", root)
    assert code == 0, out
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for name in SMALL:
        shutil.copy2(CORPUS / name, root / "corpus" / name)
    code, out, err = invoke("ingest", "--project", root, "--json")
    assert code == 0, err
    report = json.loads(out)  # exactly one JSON document on stdout
    assert report["documents_ingested"] == 2
    return root


def test_init_scaffolds_a_project_with_commented_defaults(tmp_path: Path) -> None:
    code, out, _ = invoke("init", tmp_path / "new")
    assert code == 0 and out.startswith("Created a litsynth project in ")
    root = tmp_path / "new"
    for item in ("corpus", "codebook", "indexes", "indexes/README.md", "corpus/documents.csv"):
        assert (root / item).exists(), item
    assert "rebuil" in (root / "indexes" / "README.md").read_text()
    text = (root / "litsynth.toml").read_text()
    parsed = tomllib.loads(text)  # every default is commented out: only the name is set
    assert parsed.pop("project") == {"name": "new"} and not any(parsed.values())
    assert "# chunk_tokens = 200" in text and '# model = "all-MiniLM-L6-v2"' in text
    # Uncommenting every default line must give valid TOML equal to the defaults.
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") and " = " in line and "(not set)" not in line else line
        for line in text.splitlines()
    )
    (root / "litsynth.toml").write_text(uncommented)
    settings = load_settings(root, environ={})
    assert settings.ingest == Settings().ingest and settings.embed == Settings().embed
    assert settings.screening == Settings().screening


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    assert invoke("init", tmp_path)[0] == 0
    before = (tmp_path / "litsynth.toml").read_text()
    code, _, err = invoke("init", tmp_path)
    assert code == 1
    assert "Error:" in err and "already a litsynth project" in err and "Hint:" in err
    assert (tmp_path / "litsynth.toml").read_text() == before


@pytest.mark.parametrize("command", [("ingest",), ("search", "anything"), ("status",)])
def test_not_a_project_is_an_error_with_a_hint(tmp_path: Path, command: tuple[str, ...]) -> None:
    code, _, err = invoke(*command, "--project", tmp_path)
    assert code == 1
    assert "Error:" in err and "not a litsynth project" in err
    assert "Hint:" in err and "litsynth init" in err


def test_search_json_contract_best_first(ingested: Path) -> None:
    code, out, _ = invoke("search", "federated supply chain concierge", "-k", "3", "--json",
                          "--project", ingested)  # fmt: skip
    assert code == 0
    hits = json.loads(out)
    assert len(hits) == 3
    for hit in hits:
        assert {"chunk_id", "document_id", "title", "citation", "page_start", "page_end", "score",
                "text"} <= hit.keys()  # fmt: skip
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert hits[0]["title"].startswith("Supply Chain Orchestrator")
    # No authors: APA puts the (short) title in the author's place.
    assert hits[0]["citation"].startswith("“Supply Chain Orchestrator – Management…” (2010), ")


def test_search_human_output_has_citation_snippet_and_chunk_id(ingested: Path) -> None:
    code, out, _ = invoke("search", "orchestration layer between planning and execution",
                          "-k", "2", "--project", ingested)  # fmt: skip
    assert code == 0
    assert out.startswith("1. [")
    assert "chunk " in out and "(n.d.)" in out


def test_empty_query_is_a_usage_error(ingested: Path) -> None:
    code, _, err = invoke("search", "  ", "--project", ingested)
    assert code == 2 and "empty" in err


def test_status_json_contract(ingested: Path) -> None:
    code, out, _ = invoke("status", "--json", "--project", ingested)
    assert code == 0
    s = json.loads(out)
    assert s["documents"] == 2 and s["chunks"] > 0 and s["pages"] >= 2
    assert s["failures"] == {} and s["index_fresh"] is True
    assert s["last_ingested"]
    assert s["without_year"] == ["corpus/004_03019285015a147f.txt"]  # 002: documents.csv


def test_status_names_the_documents_a_citation_cannot_name(ingested: Path) -> None:
    """Neither seed states its authors, so both cite by their title; 004 has no year."""
    code, out, _ = invoke("status", "--project", ingested)
    assert code == 0
    assert "citations: 0 of 2 documents have authors and a year" in out
    assert "no authors (2): 002_f98a91929306a877.txt, 004_03019285015a147f.txt" in out
    assert "no year (1): 004_03019285015a147f.txt" in out and "documents.csv" in out


def test_status_human_output(ingested: Path) -> None:
    code, out, _ = invoke("status", "--project", ingested)
    assert code == 0 and "documents: 2" in out and "index: fresh" in out


def test_model_change_is_an_index_mismatch_with_the_rebuild_hint(
    ingested: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(ingested, root)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-256"\n', encoding="utf-8")
    for command in (("ingest",), ("search", "orchestration")):
        code, _, err = invoke(*command, "--project", root)
        assert code == 1
        assert "Error:" in err and "'hash-384'" in err and "'hash-256'" in err
        assert "Hint:" in err and "litsynth ingest --rebuild" in err
    assert json.loads(invoke("status", "--json", "--project", root)[1])["index_fresh"] is False

    code, out, err = invoke("ingest", "--rebuild", "--json", "--project", root)
    assert code == 0, err
    assert json.loads(out)["index_repaired"]["added"] > 0
    status = json.loads(invoke("status", "--json", "--project", root)[1])
    assert status["index_fresh"] is True and status["index"]["model"] == "hash-256"


def test_chunker_setting_change_is_detected_and_rebuild_rechunks(
    ingested: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(ingested, root)
    (root / "litsynth.toml").write_text(
        '[embed]\nmodel = "hash-384"\n[ingest]\nchunk_tokens = 80\noverlap_tokens = 10\n'
    )
    code, _, err = invoke("ingest", "--project", root)
    assert code == 1 and "chunker" in err and "target=80" in err
    assert "its passages are not the ones the settings' chunker cuts" in err
    code, out, _ = invoke("status", "--project", root)
    assert "index: STALE" in out and "run `litsynth ingest --rebuild`" in out
    code, out, err = invoke("ingest", "--rebuild", "--json", "--project", root)
    assert code == 0, err
    report = json.loads(out)
    assert report["documents_rechunked"] == 2
    status = json.loads(invoke("status", "--json", "--project", root)[1])
    assert status["index_fresh"] is True and status["index_fix"] == ""
    before = json.loads(invoke("status", "--json", "--project", ingested)[1])
    assert status["chunks"] > before["chunks"]  # smaller chunks, more of them


def test_ingest_human_summary_lists_failures_by_reason(tmp_path: Path) -> None:
    assert invoke("init", tmp_path / "p")[0] == 0
    root = tmp_path / "p"
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n')
    (root / "corpus" / "bad.pdf").write_bytes(b"not a pdf")
    shutil.copy2(CORPUS / SMALL[1], root / "corpus")
    code, out, _ = invoke("ingest", "--quiet", "--project", root)
    assert code == 0 and out == ""  # --quiet: nothing but errors
    (root / "corpus" / "bad2.pdf").write_bytes(b"%PDF-1.7\nbroken")
    code, out, _ = invoke("ingest", "--project", root)
    assert code == 0
    assert "Failures by reason:" in out and "corpus/bad2.pdf" in out and "corpus/bad.pdf" in out


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("litsynth.coding.codebook.filters") is None,
    reason="litsynth.coding.codebook.filters (the coding stage) is not in this tree yet",
)
def test_search_within_a_code_only_returns_coded_passages(ingested: Path, tmp_path: Path) -> None:
    from litsynth.store.db import connect

    root = tmp_path / "copy"
    shutil.copytree(ingested, root)
    conn = connect(root / "litsynth.db")
    chunk_id, doc_id = conn.execute(
        "SELECT id, document_id FROM chunks ORDER BY rowid LIMIT 1"
    ).fetchone()
    conn.execute(
        "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
        " VALUES ('k1', ?, ?, 'platform', 0, 5, 'ana', '2025-01-01T00:00:00Z', 'added')",
        (chunk_id, doc_id),
    )
    conn.close()
    code, out, err = invoke(
        "search", "concierge", "--code", "platform", "--json", "--project", root
    )
    assert code == 0, err
    assert [h["chunk_id"] for h in json.loads(out)] == [chunk_id]


def test_a_ray_address_nothing_answers_at_is_an_error_in_seconds(project: Path) -> None:
    """Ray retries an unreachable cluster for ever; litsynth says so at once."""
    import socket

    (project / "corpus" / "a.txt").write_text("Platforms orchestrate suppliers.\n", "utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    result = CliRunner().invoke(
        cli, ["ingest", "--ray", f"127.0.0.1:{port}", "--project", str(project)]
    )
    assert result.exit_code == 1
    assert f"nothing answers at the Ray address '127.0.0.1:{port}'" in result.output
    assert "ray start --head" in result.output
    bad = CliRunner().invoke(cli, ["ingest", "--ray", "cluster-one", "--project", str(project)])
    assert bad.exit_code == 1 and "is not HOST:PORT" in bad.output


def test_status_names_the_failed_files_and_what_to_do(ingested: Path, tmp_path: Path) -> None:
    """`status` counted failures by reason but never said which files; a reviewer with 15
    encrypted PDFs had to re-run ingest to learn their names."""
    root = tmp_path / "copy"
    shutil.copytree(ingested, root)
    (root / "corpus" / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    invoke("ingest", "--project", root)
    code, out, _ = invoke("status", "--project", root)
    assert code == 0 and "failures: broken-file 1" in out and "status --failures" in out
    code, out, _ = invoke("status", "--failures", "--project", root)
    assert "  broken-file: the file is damaged" in out and "    corpus/broken.pdf (" in out
    code, out, _ = invoke("status", "--failures", "--json", "--project", root)
    assert [f["path"] for f in json.loads(out)["failed_files"]] == ["corpus/broken.pdf"]


def test_init_names_every_way_into_a_review(tmp_path: Path) -> None:
    """init named only `ingest`; a review usually starts from database exports."""
    code, out, _ = invoke("init", tmp_path / "new")
    assert code == 0
    for step in ("litsynth ingest --project", "litsynth import FILE --source NAME",
                 "litsynth code discover --write", "litsynth serve"):  # fmt: skip
        assert step in out, step
