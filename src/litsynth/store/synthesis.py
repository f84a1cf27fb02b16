"""Queries of the synthesis stage: documents with attributes, coded spans, memos.

Read-mostly: the synthesis never changes codings. The one write is document attributes
(source type, industry, …), which matrices use as rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Mapping

from litsynth.errors import StoreError
from litsynth.records import CodedSpan, Memo, Page, SourceDoc
from litsynth.store.passages import decode_authors, marks


def _json(value: str, default: object, what: str) -> object:
    try:
        return json.loads(value) if value else default
    except json.JSONDecodeError:
        raise StoreError(
            f"{what} holds invalid JSON: {value[:60]!r}",
            hint="re-run `litsynth ingest` or fix the value with `litsynth attributes set`",
        ) from None


def load_documents(conn: sqlite3.Connection, *, with_text: bool = True) -> dict[str, SourceDoc]:
    """Every document with its pages (and canonical text unless `with_text` is False)."""
    pages: dict[str, list[Page]] = defaultdict(list)
    for row in conn.execute(
        "SELECT document_id, number, start, end, label FROM pages ORDER BY document_id, number"
    ):
        pages[row["document_id"]].append(
            Page(row["number"], row["start"], row["end"], row["label"])
        )
    text_column = "text" if with_text else "'' AS text"
    docs: dict[str, SourceDoc] = {}
    for row in conn.execute(
        f"SELECT id, path, kind, {text_column}, title, authors, year, attributes"
        " FROM documents ORDER BY path"
    ):
        attributes = _json(row["attributes"], {}, f"attributes of document {row['path']}")
        docs[row["id"]] = SourceDoc(
            id=row["id"],
            path=row["path"],
            kind=row["kind"],
            title=row["title"] or "",
            authors=decode_authors(row["authors"]),
            year=row["year"],
            attributes={str(k): str(v) for k, v in attributes.items()}
            if isinstance(attributes, dict)
            else {},
            text=row["text"],
            pages=tuple(pages.get(row["id"], ())),
        )
    return docs


# effective_codings says what a passage is coded with now; the timestamp and memo come from
# the human log (latest decision for that span) or from the suggestion run.
_CODED_SPANS = """
SELECT e.chunk_id, e.document_id, e.code_id, e.start, e.end, e.score, e.origin, e.coder,
       ch.start AS chunk_start, ch.end AS chunk_end, ch.page_start, ch.page_end, ch.section,
       ch.paragraph,
       CASE WHEN e.origin = 'human' THEN
            (SELECT l.at FROM latest_codings l WHERE l.chunk_id = e.chunk_id
               AND l.code_id = e.code_id AND l.start = e.start AND l.end = e.end)
       ELSE (SELECT s.created_at FROM suggestions s WHERE s.chunk_id = e.chunk_id
               AND s.code_id = e.code_id) END AS at,
       CASE WHEN e.origin = 'human' THEN
            (SELECT l.memo FROM latest_codings l WHERE l.chunk_id = e.chunk_id
               AND l.code_id = e.code_id AND l.start = e.start AND l.end = e.end)
       ELSE '' END AS memo
FROM effective_codings e JOIN chunks ch ON ch.id = e.chunk_id
{where}
ORDER BY e.document_id, e.start, e.end, e.code_id
"""


def load_coded_spans(
    conn: sqlite3.Connection, documents: Collection[str] | None = None
) -> list[CodedSpan]:
    """What every passage is coded with now, one row per (span, code); of `documents` only
    when given (one row of a framework, its cell opened or saved)."""
    ids = sorted(documents) if documents is not None else []
    where = f"WHERE e.document_id IN ({marks(len(ids))})" if documents is not None else ""
    return [
        CodedSpan(
            chunk_id=row["chunk_id"],
            document_id=row["document_id"],
            code_id=row["code_id"],
            start=row["start"],
            end=row["end"],
            score=float(row["score"]),
            origin=row["origin"],
            coder=row["coder"] or "",
            at=row["at"] or "",
            memo=row["memo"] or "",
            chunk_start=row["chunk_start"],
            chunk_end=row["chunk_end"],
            page_start=row["page_start"],
            page_end=row["page_end"],
            section=row["section"] or "",
            paragraph=row["paragraph"],
        )
        for row in conn.execute(_CODED_SPANS.format(where=where), ids)
    ]


def load_memos(conn: sqlite3.Connection) -> list[Memo]:
    return [
        Memo(row["id"], row["target"], row["author"], row["at"], row["text"])
        for row in conn.execute("SELECT id, target, author, at, text FROM memos ORDER BY at, id")
    ]


def document_index(conn: sqlite3.Connection) -> list[dict[str, str]]:
    """id, path, doi and title of every document: what an attributes CSV row may name."""
    return [
        {"id": row["id"], "path": row["path"], "doi": row["doi"], "title": row["title"]}
        for row in conn.execute("SELECT id, path, doi, title FROM documents ORDER BY path")
    ]


def set_document_attributes(
    conn: sqlite3.Connection, document_id: str, values: Mapping[str, str], *, replace: bool = False
) -> dict[str, str]:
    """Merge `values` into a document's attributes (an empty value removes the key).

    Returns the attributes as stored. `replace` drops the keys not in `values`.
    """
    row = conn.execute(
        "SELECT path, attributes FROM documents WHERE id = ?", (document_id,)
    ).fetchone()
    if row is None:
        raise StoreError(
            f"no document with id {document_id!r}", hint="`litsynth status` lists the documents"
        )
    current = (
        {} if replace else _json(row["attributes"], {}, f"attributes of document {row['path']}")
    )
    merged = {str(k): str(v) for k, v in dict(current).items()}  # type: ignore[call-overload]
    for key, value in values.items():
        if str(value).strip():
            merged[key] = str(value).strip()
        else:
            merged.pop(key, None)
    conn.execute(
        "UPDATE documents SET attributes = ? WHERE id = ?",
        (json.dumps(merged, ensure_ascii=False, sort_keys=True), document_id),
    )
    return merged
