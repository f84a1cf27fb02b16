"""Lexical search over the passages' words: SQLite's FTS5 index (migration 016), ranked by
BM25.

The passage text is stored once, in `chunks`; `chunks_fts` holds only its inverted index,
kept in step by triggers, Porter-stemmed ("limitations" finds "limitation"). A query's words
(`query_words`: no "the", "between") are OR-ed, so a passage with some of them still ranks,
as BM25 expects; each word is quoted, so nothing a reader types is read as FTS5 syntax.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from litsynth.query_words import query_words


def match_expression(query: str) -> str:
    """The FTS5 query for a search's words: each quoted, OR-ed; "" when none is left."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in query_words(query))


def lexical_ranking(
    conn: sqlite3.Connection, query: str, n: int, *, within: Sequence[int] | None = None
) -> list[int]:
    """Rowids of the `n` passages whose words best match the query's (BM25), best first;
    only among `within` when given."""
    expression = match_expression(query)
    if not expression or n <= 0 or (within is not None and not within):
        return []
    sql = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?"
    args: list[object] = [expression]
    if within is not None:
        sql += " AND rowid IN (SELECT value FROM json_each(?))"
        args.append(json.dumps([int(i) for i in within]))
    sql += " ORDER BY bm25(chunks_fts) LIMIT ?"
    args.append(n)
    return [int(row[0]) for row in conn.execute(sql, args)]
