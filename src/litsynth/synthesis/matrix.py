"""Theme matrices: documents (or attributes, or codes) × themes (or categories, or codes).

The unit is the *passage* (a chunk). Every passage has a set of row labels R(p) and a set of
column labels C(p):

- rows "documents": its document; "attr:source_type": the document's value(s) of that
  attribute ("a; b" gives two rows; unset gives "(not set)"); "codes" / "categories" /
  "themes": the labels of every code it is coded with now;
- columns "codes" / "categories" / "themes" likewise from its codes (a code without a theme
  goes to "(no theme)", so every coded passage is somewhere).

Cell (r, c) holds the passages with r ∈ R(p) and c ∈ C(p). **A passage counts once per
cell**: coded with two codes of one theme, it is one passage of that theme, not two. Rows
"codes" × columns "codes" is the code co-occurrence matrix (its diagonal: passages per code).
Totals are distinct passages too, so a row total is not the sum of its cells when a passage
serves two themes; with rows "documents" each column sums exactly to its total.

Each cell keeps its back-links (`PassageRef`: passage id, page span, quote, citation) so a
report can show, for any number, the passages behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from litsynth.coding.codebook.model import Codebook
from litsynth.errors import SynthesisError
from litsynth.records import CodedSpan, OnPassage, Passage, SourceDoc
from litsynth.synthesis.spans import quote, span_passage

if TYPE_CHECKING:
    import pandas as pd

CODE_DIMENSIONS = ("themes", "categories", "codes")
ROW_DIMENSIONS = ("documents", *CODE_DIMENSIONS)  # and "attr:<name>"
NO_THEME = "(no theme)"
NO_CATEGORY = "(no category)"
NOT_SET = "(not set)"


@dataclass(frozen=True)
class PassageRef(OnPassage):
    """A back-link from a cell to one passage: enough to show it and to find it again.

    `passage` is the coded span(s) behind this cell as one passage: its offsets into the
    document text, its pages and its citation ("Phadnis (2023), p. 4").
    """

    passage: Passage
    quote: str  # verbatim, so it is found again in the source
    shown_quote: str  # as a reader sees it: a text or Markdown document's markup hidden
    codes: tuple[str, ...]  # the passage's codes that put it in this cell
    origin: str  # "human", "machine" or "human+machine"
    score: float  # highest score among those codes

    @property
    def start(self) -> int:
        return self.passage.start

    @property
    def end(self) -> int:
        return self.passage.end

    @property
    def page_start(self) -> int:
        return self.passage.page_start

    @property
    def page_end(self) -> int:
        return self.passage.page_end

    def to_json(self) -> dict[str, object]:
        """The back-link as `matrix --json` writes it (keys in this order)."""
        return {
            "chunk_id": self.chunk_id,
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "quote": self.quote,
            "citation": self.citation,
            "codes": self.codes,
            "origin": self.origin,
            "score": self.score,
            "shown": self.shown_quote,
        }


@dataclass(frozen=True, eq=False)
class Matrix:
    """Counts as DataFrames (index: row keys, columns: column keys) plus the back-links."""

    rows: str
    cols: str
    row_keys: tuple[str, ...]
    col_keys: tuple[str, ...]
    row_labels: Mapping[str, str]
    col_labels: Mapping[str, str]
    passages: pd.DataFrame  # distinct passages per cell
    documents: pd.DataFrame  # distinct documents per cell
    cells: Mapping[tuple[str, str], tuple[PassageRef, ...]]
    row_totals: Mapping[str, tuple[int, int]]  # (passages, documents), distinct
    col_totals: Mapping[str, tuple[int, int]]
    total: tuple[int, int]

    def table(
        self, *, what: str = "passages", labels: bool = True, totals: bool = True
    ) -> pd.DataFrame:
        """The counts with readable labels and a Total row and column (distinct, not summed)."""
        frame = (self.passages if what == "passages" else self.documents).copy()
        pick = 0 if what == "passages" else 1
        if totals:
            frame["Total"] = [self.row_totals[r][pick] for r in self.row_keys]
            total_row = [self.col_totals[c][pick] for c in self.col_keys] + [self.total[pick]]
            frame.loc["Total"] = total_row
        if labels:
            frame = frame.rename(index=dict(self.row_labels), columns=dict(self.col_labels))
        return frame

    def passages_of(self, row: str, col: str) -> tuple[PassageRef, ...]:
        return self.cells.get((row, col), ())

    def long(self) -> pd.DataFrame:
        """One line per (cell, passage): the back-links in long format, for CSV and notebooks."""
        import pandas as pd

        records = [
            {
                "row": self.row_labels[r],
                "column": self.col_labels[c],
                "row_key": r,
                "column_key": c,
                "passage_id": ref.chunk_id,
                "document_id": ref.document_id,
                "citation": ref.citation,
                "page_start": ref.page_start,
                "page_end": ref.page_end,
                "start": ref.start,
                "end": ref.end,
                "codes": ";".join(ref.codes),
                "origin": ref.origin,
                "score": round(ref.score, 4),
                "quote": ref.shown_quote,
            }
            for (r, c), refs in self.ordered_cells()
            for ref in refs
        ]
        return pd.DataFrame.from_records(records, columns=_LONG_COLUMNS)

    def ordered_cells(self) -> list[tuple[tuple[str, str], tuple[PassageRef, ...]]]:
        return [
            ((r, c), self.cells[(r, c)])
            for r in self.row_keys
            for c in self.col_keys
            if (r, c) in self.cells
        ]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: labels, counts and every non-empty cell with its back-links."""
        return {
            "rows": self.rows,
            "cols": self.cols,
            "unit": "passage (counted once per cell)",
            "row_keys": list(self.row_keys),
            "col_keys": list(self.col_keys),
            "row_labels": dict(self.row_labels),
            "col_labels": dict(self.col_labels),
            "passages": self.passages.astype(int).values.tolist(),
            "documents": self.documents.astype(int).values.tolist(),
            "row_totals": {
                k: {"passages": v[0], "documents": v[1]} for k, v in self.row_totals.items()
            },
            "col_totals": {
                k: {"passages": v[0], "documents": v[1]} for k, v in self.col_totals.items()
            },
            "total": {"passages": self.total[0], "documents": self.total[1]},
            "cells": [
                {
                    "row": r,
                    "col": c,
                    "passages": len(refs),
                    "documents": len({ref.document_id for ref in refs}),
                    "links": [ref.to_json() for ref in refs],
                }
                for (r, c), refs in self.ordered_cells()
            ],
        }


_LONG_COLUMNS = [
    "row", "column", "row_key", "column_key", "passage_id", "document_id", "citation",
    "page_start", "page_end", "start", "end", "codes", "origin", "score", "quote",
]  # fmt: skip


def check_dimensions(rows: str, cols: str) -> None:
    """Raise a SynthesisError naming the bad value and the choices."""
    if rows not in ROW_DIMENSIONS and not (rows.startswith("attr:") and len(rows) > 5):
        raise SynthesisError(
            f"unknown row dimension {rows!r}",
            hint="use documents, codes, categories, themes or attr:<name> (e.g. attr:source_type)",
        )
    if cols not in CODE_DIMENSIONS:
        raise SynthesisError(
            f"unknown column dimension {cols!r}", hint="use themes, categories or codes"
        )


def _code_labels(codebook: Codebook, dim: str, code_id: str) -> str:
    code = codebook.codes.get(code_id)
    if dim == "codes":
        return code_id
    if dim == "categories":
        return (code.parent if code else None) or NO_CATEGORY
    return (code.theme if code else None) or NO_THEME


def _dimension_keys(codebook: Codebook, dim: str, seen: set[str]) -> list[str]:
    """Codebook order first (so empty themes still show), then anything else seen."""
    if dim == "codes":
        known = list(codebook.codes)
    elif dim == "categories":
        known = list(codebook.categories)
    else:
        known = list(codebook.themes)
    extra = sorted(k for k in seen if k not in known and k not in (NO_THEME, NO_CATEGORY))
    tail = [k for k in (NO_CATEGORY, NO_THEME) if k in seen]
    return known + extra + tail


def _dimension_label(codebook: Codebook, dim: str, key: str) -> str:
    element = codebook.get(key)
    if element is None or dim == "documents":
        return key
    return element.label or key


def row_labels_of_document(doc: SourceDoc | None, rows: str, document_id: str) -> set[str]:
    """The rows a document's passages fall in when rows are documents or attr:NAME."""
    if rows == "documents":
        return {document_id}
    name = rows.split(":", 1)[1]
    value = doc.attribute(name) if doc else ""
    values = {v.strip() for v in value.split(";") if v.strip()}
    return values or {NOT_SET}


def build_matrix(
    spans: Iterable[CodedSpan],
    documents: Mapping[str, SourceDoc],
    codebook: Codebook,
    *,
    rows: str = "documents",
    cols: str = "themes",
    quote_chars: int = 240,
) -> Matrix:
    """Count passages per (row, column) and keep each cell's back-links. Pure."""
    import pandas as pd

    check_dimensions(rows, cols)
    by_chunk: dict[str, list[CodedSpan]] = defaultdict(list)
    for span in spans:
        by_chunk[span.chunk_id].append(span)

    cell_chunks: dict[tuple[str, str], list[str]] = defaultdict(list)
    refs: dict[tuple[str, str], list[PassageRef]] = defaultdict(list)
    seen_rows: set[str] = set()
    seen_cols: set[str] = set()
    row_members: dict[str, set[str]] = defaultdict(set)
    col_members: dict[str, set[str]] = defaultdict(set)
    chunk_doc: dict[str, str] = {}
    for chunk_id in sorted(
        by_chunk, key=lambda k: (by_chunk[k][0].document_id, by_chunk[k][0].chunk_start)
    ):
        group = by_chunk[chunk_id]
        document_id = group[0].document_id
        chunk_doc[chunk_id] = document_id
        doc = documents.get(document_id)
        col_of = {s.code_id: _code_labels(codebook, cols, s.code_id) for s in group}
        row_of = (
            {s.code_id: _code_labels(codebook, rows, s.code_id) for s in group}
            if rows in CODE_DIMENSIONS
            else {}
        )
        row_set = set(row_of.values()) if row_of else row_labels_of_document(doc, rows, document_id)
        col_set = set(col_of.values())
        seen_rows |= row_set
        seen_cols |= col_set
        for r in row_set:
            row_members[r].add(chunk_id)
        for c in col_set:
            col_members[c].add(chunk_id)
            relevant = [s for s in group if col_of[s.code_id] == c]
            for r in row_set:
                behind = relevant + [
                    s for s in group if row_of.get(s.code_id) == r and s not in relevant
                ]
                cell_chunks[(r, c)].append(chunk_id)
                refs[(r, c)].append(_passage_ref(doc, relevant, behind, quote_chars))

    if rows == "documents":
        row_keys = sorted(documents, key=lambda d: (documents[d].label.lower(), documents[d].path))
        row_keys += sorted(k for k in seen_rows if k not in documents)
    elif rows.startswith("attr:"):
        values = (
            set().union(*(row_labels_of_document(d, rows, d.id) for d in documents.values()))
            if documents
            else set()
        )
        values |= seen_rows
        row_keys = sorted(v for v in values if v != NOT_SET) + (
            [NOT_SET] if NOT_SET in values else []
        )
    else:
        row_keys = _dimension_keys(codebook, rows, seen_rows)
    col_keys = _dimension_keys(codebook, cols, seen_cols)

    row_labels = _unique_labels(
        {
            r: (
                documents[r].label
                if rows == "documents" and r in documents
                else _dimension_label(codebook, rows, r)
            )
            for r in row_keys
        }
    )
    col_labels = _unique_labels({c: _dimension_label(codebook, cols, c) for c in col_keys})

    def count(members: Iterable[str]) -> tuple[int, int]:
        chunk_ids = set(members)
        return len(chunk_ids), len({chunk_doc[c] for c in chunk_ids})

    # Fill numpy arrays, then wrap once: 800 `.loc` writes cost a second; this costs nothing.
    row_at = {r: i for i, r in enumerate(row_keys)}
    col_at = {c: j for j, c in enumerate(col_keys)}
    n_passages = np.zeros((len(row_keys), len(col_keys)), dtype=np.int64)
    n_documents = np.zeros_like(n_passages)
    for (r, c), chunk_ids in cell_chunks.items():
        n_passages[row_at[r], col_at[c]], n_documents[row_at[r], col_at[c]] = count(chunk_ids)
    index = pd.Index(row_keys, name=rows)
    columns = pd.Index(col_keys, name=cols)
    passages = pd.DataFrame(n_passages, index=index, columns=columns)
    docs = pd.DataFrame(n_documents, index=index, columns=columns)
    return Matrix(
        rows=rows,
        cols=cols,
        row_keys=tuple(row_keys),
        col_keys=tuple(col_keys),
        row_labels=row_labels,
        col_labels=col_labels,
        passages=passages,
        documents=docs,
        cells={key: tuple(value) for key, value in refs.items()},
        row_totals={r: count(row_members.get(r, ())) for r in row_keys},
        col_totals={c: count(col_members.get(c, ())) for c in col_keys},
        total=count(chunk_doc),
    )


def _passage_ref(
    doc: SourceDoc | None,
    relevant: Sequence[CodedSpan],
    behind: Sequence[CodedSpan],
    quote_chars: int,
) -> PassageRef:
    # The quote shows what the column's codes marked: several spans in one chunk are joined
    # into the smallest span that covers them all.
    start = min(s.start for s in relevant)
    end = max(s.end for s in relevant)
    first = relevant[0]
    covering = CodedSpan(**{**first.__dict__, "start": start, "end": end})
    origins = sorted({s.origin for s in behind})
    passage = span_passage(doc, covering)
    # Markup is hidden before the cut, not after: a cut between "**" and its closing pair
    # would leave a stray "**" that no longer reads as markup.
    verbatim = quote(doc.text, start, end, limit=quote_chars) if doc else ""
    return PassageRef(
        passage=passage,
        quote=verbatim,
        shown_quote=quote(doc.text, start, end, limit=quote_chars, kind=doc.kind) if doc else "",
        codes=tuple(sorted({s.code_id for s in behind})),
        origin="+".join(origins),
        score=max(s.score for s in behind),
    )


def _unique_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Two documents both called "Anon. (n.d.)" would merge in a table; suffix the key."""
    counts: dict[str, int] = defaultdict(int)
    for label in labels.values():
        counts[label] += 1
    return {
        key: (f"{label} [{key[:6]}]" if counts[label] > 1 else label)
        for key, label in labels.items()
    }
