"""Document attributes for matrix rows: source type, industry, method, … from a CSV or by hand.

Ingest copies them from corpus/documents.csv; this module lets a reviewer change them later
without re-ingesting (a bibliography export, a spreadsheet of study characteristics). A CSV
row names its document by `file` (file name or path), `path`, `id` or `doi`; every other
column except the bibliographic ones becomes an attribute. A row that matches no document is
reported and skipped, the others still apply.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from litsynth.errors import SynthesisError
from litsynth.store import synthesis as store
from litsynth.store.db import transaction

KEY_COLUMNS = ("id", "file", "path", "doi")
BIBLIOGRAPHIC = frozenset({"title", "authors", "year", "venue", "doi", "journal", "abstract"})


@dataclass(frozen=True)
class ImportResult:
    updated: list[str] = field(default_factory=list)  # document ids
    skipped: list[str] = field(default_factory=list)  # "line 4: no document matches file='x.pdf'"


def match_document(ref: str, documents: Sequence[Mapping[str, str]]) -> str | None:
    """The id of the document `ref` names: its id, DOI, path, or file name; None if none or many."""
    ref = ref.strip()
    if not ref:
        return None
    for key in ("id", "doi", "path"):
        hits = [d["id"] for d in documents if d[key] and d[key].lower() == ref.lower()]
        if len(hits) == 1:
            return hits[0]
    name = PurePath(ref).name.lower()
    hits = [d["id"] for d in documents if PurePath(d["path"]).name.lower() == name]
    return hits[0] if len(hits) == 1 else None


def rows_to_attributes(
    rows: Iterable[Mapping[str, str]], documents: Sequence[Mapping[str, str]], *, source: str
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Pure: CSV rows → {document id: attributes}, plus messages for rows that match nothing."""
    out: dict[str, dict[str, str]] = {}
    skipped = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        key = next((k for k in KEY_COLUMNS if clean.get(k)), None)
        if key is None:
            skipped.append(f"{source} line {line}: no id, file, path or doi value")
            continue
        doc_id = match_document(clean[key], documents)
        if doc_id is None:
            skipped.append(f"{source} line {line}: no single document matches {key}={clean[key]!r}")
            continue
        values = {
            k: v for k, v in clean.items() if k and k not in KEY_COLUMNS and k not in BIBLIOGRAPHIC
        }
        out.setdefault(doc_id, {}).update(values)
    return out, skipped


def import_attributes(conn: sqlite3.Connection, csv_path: Path) -> ImportResult:
    """Apply the attribute columns of `csv_path` to the documents its rows name."""
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if not any(k in header for k in KEY_COLUMNS):
                raise SynthesisError(
                    f"{csv_path} has no id, file, path or doi column"
                    f" (header: {', '.join(header) or 'empty'})",
                    hint="name each document in a `file` column, as corpus/documents.csv does",
                )
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise SynthesisError(
            f"{csv_path} is not UTF-8 text (byte {exc.start})", hint="save it as UTF-8 CSV"
        ) from None
    values, skipped = rows_to_attributes(rows, store.document_index(conn), source=str(csv_path))
    with transaction(conn):
        for doc_id, attributes in values.items():
            store.set_document_attributes(conn, doc_id, attributes)
    return ImportResult(updated=sorted(values), skipped=skipped)


def set_attributes(
    conn: sqlite3.Connection, document: str, pairs: Iterable[str]
) -> tuple[str, dict[str, str]]:
    """Set KEY=VALUE pairs on the document named by id, path or file name."""
    doc_id = match_document(document, store.document_index(conn))
    if doc_id is None:
        raise SynthesisError(
            f"no single document matches {document!r}",
            hint="`litsynth attributes list` shows ids and paths",
        )
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise SynthesisError(f"{pair!r} is not KEY=VALUE", hint="e.g. source_type=empirical")
        key, value = pair.split("=", 1)
        if not key.strip():
            raise SynthesisError(f"{pair!r} has an empty key", hint="e.g. industry=apparel")
        values[key.strip().lower()] = value
    with transaction(conn):
        stored = store.set_document_attributes(conn, doc_id, values)
    return doc_id, stored
