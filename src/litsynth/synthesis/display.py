"""A matrix as a reader sees it, whatever the file: "12 (3)" cells, totals, and the legend.

Shared by the Markdown and spreadsheet writers (tables.py) and the Word one (word.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litsynth.synthesis.matrix import Matrix

if TYPE_CHECKING:  # pandas loads only when a table is written (CLI start-up)
    import pandas as pd


def cell_text(passages: int, documents: int, *, show_documents: bool) -> str:
    """ "12 (3)" = 12 passages in 3 documents; "" for an empty cell so the pattern stands out."""
    if passages == 0:
        return ""
    return f"{passages} ({documents})" if show_documents else str(passages)


def display_frame(matrix: Matrix) -> pd.DataFrame:
    """Counts as text cells with totals, documents in brackets unless rows are documents."""
    passages = matrix.table(what="passages")
    documents = matrix.table(what="documents")
    show = matrix.rows != "documents"
    out = passages.copy().astype(object)
    for r in range(passages.shape[0]):
        for c in range(passages.shape[1]):
            out.iat[r, c] = cell_text(
                int(passages.iat[r, c]), int(documents.iat[r, c]), show_documents=show
            )
    return out


def legend(matrix: Matrix) -> str:
    """What a cell's numbers mean, printed under the table."""
    return (
        "Cells: passages coded now (each passage counted once per cell)"
        + ("; in brackets, the documents they come from." if matrix.rows != "documents" else ".")
        + " Totals count distinct passages, so a passage in two columns is one in the total."
    )
