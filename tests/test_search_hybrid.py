"""Search ranks passages by meaning and by words, fused: the full-text index (migration 016)
follows the passages through ingest, re-chunking and pruning, and its query never reads a
reader's words as syntax."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from conftest import corpus_project, ingest_json
from litsynth.cli import cli
from litsynth.search_rank import RRF_K, fuse
from litsynth.store.lexical import lexical_ranking, match_expression

A = b"# Platforms\n\nKraljic portfolios sort suppliers by risk and profit. Firms use them.\n"
B = b"# Trust\n\nTrust between partners grows with shared data and repeated exchanges.\n"


def fts_rowids(conn: sqlite3.Connection, word: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?",
                                       (word,))]  # fmt: skip


def test_the_word_index_follows_the_passages(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (A, "a.md"), (B, "b.md"))
    ingest_json(root)
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        chunks = {r[0] for r in conn.execute("SELECT rowid FROM chunks")}
        assert set(fts_rowids(conn, "kraljic")) <= chunks and fts_rowids(conn, "kraljic")
        assert fts_rowids(conn, "exchange")  # Porter-stemmed: "exchanges" found by "exchange"
    finally:
        conn.close()
    (root / "corpus" / "a.md").unlink()
    result = CliRunner().invoke(cli, ["ingest", "--prune", "--project", str(root)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        assert fts_rowids(conn, "kraljic") == []  # the pruned document's words are gone
        assert lexical_ranking(conn, "trust and partners", 10) != []
    finally:
        conn.close()


def test_a_query_is_words_never_syntax(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (A, "a.md"))
    ingest_json(root)
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        for query in ['"Kraljic', "NEAR(kraljic suppliers)", "kraljic* AND -profit", "a:b ^c"]:
            assert isinstance(lexical_ranking(conn, query, 5), list)
        assert lexical_ranking(conn, "of the and between", 5) == []  # only common words
        found = lexical_ranking(conn, "Kraljic", 5)
        assert found and lexical_ranking(conn, "Kraljic", 5, within=[]) == []
        assert lexical_ranking(conn, "Kraljic", 5, within=[found[0] + 1000]) == []
    finally:
        conn.close()
    assert match_expression('say "hi" to Kraljic') == '"say" OR "hi" OR "kraljic"'


def test_fusion_puts_what_both_rankings_like_first() -> None:
    cosines = {1: 0.9, 2: 0.8, 3: 0.1, 4: 0.7}
    fused = fuse([1, 2, 4], [3, 2], cosines)
    # 2 is second in both; 1 and 3 first in one each, the tie to the higher cosine
    assert [r.rowid for r in fused] == [2, 1, 3, 4]
    assert fused[0].score == (2 / (RRF_K + 2)) / (2 / (RRF_K + 1))
    assert fused[1].score < fused[0].score and fused[1].cosine == 0.9
    only = fuse([1, 2], [], cosines)  # no word matched: the vectors' order, the first at 1.0
    assert [r.rowid for r in only] == [1, 2] and only[0].score == 1.0


def test_a_name_is_found_by_its_letters_and_hits_keep_their_cosine(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (A, "a.md"), (B, "b.md"))
    ingest_json(root)
    result = CliRunner().invoke(cli, ["search", "Kraljic", "--json", "--project", str(root)])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert "Kraljic" in hits[0]["text"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert all(-1.0 <= h["cosine"] <= 1.0 for h in hits) and hits[0]["score"] <= 1.0
