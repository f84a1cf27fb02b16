"""Search hits as a sheet: the evidence table an analyst starts from.

One row a hit, best first: its citation, the sentence that answers the query (the hit's
focus, cited by the page it is on) and the whole passage, with the facts to sort and filter
by (`where`: the page, or the section and paragraph, as the citation names it). Written as
CSV or an Excel workbook by the file name's ending, as every sheet litsynth writes
(`biblio.sheet_files`); every text cell guarded against formula injection.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litsynth.biblio.sheet_files import layout, write_table
from litsynth.cells import flat_cell, safe_cell
from litsynth.errors import IngestError
from litsynth.markup import shown
from litsynth.search import SearchHit

COLUMNS = (
    "rank", "citation", "sentence", "sentence_citation", "passage", "title", "year", "where",
    "role", "score", "cosine", "chunk_id", "document_id", "path", "query",
)  # fmt: skip


def hit_rows(hits: Sequence[SearchHit], query: str) -> list[list[str]]:
    """The sheet's rows, header first."""
    rows = [list(COLUMNS)]
    for rank, hit in enumerate(hits, start=1):
        p = hit.passage
        focus = hit.focus.passage if hit.focus is not None else p
        rows.append([
            str(rank), safe_cell(p.citation), flat_cell(shown(focus.text, p.kind)),
            safe_cell(focus.citation), flat_cell(shown(p.text, p.kind)), safe_cell(hit.title),
            "" if p.year is None else str(p.year), safe_cell(p.where), p.role,
            f"{hit.score:.4f}", f"{hit.cosine:.4f}", p.chunk_id, p.document_id,
            safe_cell(p.path), safe_cell(query),
        ])  # fmt: skip
    return rows


def write_hits(hits: Sequence[SearchHit], query: str, out: Path) -> Path:
    """The hits as a sheet at `out` (.xlsx: a workbook; else CSV)."""
    if out.suffix.lower() not in {".csv", ".xlsx"}:
        raise IngestError(f"{out.name}: a sheet is .csv or .xlsx", hint="hits.xlsx or hits.csv")
    write_table(
        hit_rows(hits, query), out, title="hits", error=IngestError,
        decorate=layout({"citation": 30, "sentence": 70, "passage": 90, "title": 40},
                        wrap=("sentence", "passage")),
    )  # fmt: skip
    return out
