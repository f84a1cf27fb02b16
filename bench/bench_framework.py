"""Framework-matrix benchmark: what a summary per cell costs on top of the counts, at scale.

A synthetic store (bench_synthesis.synthetic_store: N documents × 50 passages, machine
suggestions and human codings) with a summary written on a third of the sources × themes
cells, then:

1. Drawing the framework (`framework_from_store`: the matrix with back-links, the standing
   summaries, each cell's basis compared with its passages now) against the raw library
   doing only the counting (`pandas.crosstab` over the same rows), and against the matrix
   alone (what the summaries add).
2. Opening one cell and saving one summary as the workspace does (the row's codings read,
   the summary written, the cell answered) against the same raw crosstab.
3. The charting sheet (`write_sheet`: every cell with its evidence quoted) against openpyxl
   writing the very same cells with no styling.
4. Out-of-date detection: codings added to K summarised cells must make exactly K out of date.

Run: .venv/bin/python bench/bench_framework.py [N_DOCS]   (writes bench/results/framework.json)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))
OUT = REPO / "bench" / "results" / "framework.json"

from bench_synthesis import best_of, synthetic_store  # noqa: E402

from litsynth.coding.codebook.load import load_codebook  # noqa: E402
from litsynth.store import synthesis as store  # noqa: E402
from litsynth.store.framework import add_summary  # noqa: E402
from litsynth.synthesis.framework import new_summary  # noqa: E402
from litsynth.synthesis.framework_out import sheet_rows, write_sheet  # noqa: E402
from litsynth.synthesis.from_store import (  # noqa: E402
    framework_from_store,
    matrix_from_store,
    summarise_cell,
)
from synthesis_store import FIXTURES  # noqa: E402

SOURCE = "both"


def crosstab_of(conn) -> float:  # type: ignore[no-untyped-def]
    """The raw library's time to count the same sources × themes (distinct passages)."""
    codebook = load_codebook(FIXTURES / "codebook.yaml")
    spans = store.load_coded_spans(conn)
    theme_of = {c: (codebook.codes[c].theme or "(no theme)") for c in codebook.codes}
    frame = pd.DataFrame(
        {
            "doc": [s.document_id for s in spans],
            "theme": [theme_of[s.code_id] for s in spans],
            "chunk": [s.chunk_id for s in spans],
        }
    ).drop_duplicates()
    return best_of(lambda: pd.crosstab(frame["doc"], frame["theme"]))


def main() -> None:
    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    codebook = load_codebook(FIXTURES / "codebook.yaml")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        b = synthetic_store(Path(tmp) / "litsynth.db", n_docs, 50)
        conn = b.conn

        def framework():  # type: ignore[no-untyped-def]
            return framework_from_store(conn, codebook, source=SOURCE)

        first = framework()
        cells = [c for c in first.ordered() if c.refs]
        summarised = rng.sample(cells, len(cells) // 3)
        conn.execute("BEGIN")
        for i, cell in enumerate(summarised):
            words = f"Source {cell.row[:6]} on {cell.col}: a two-line summary, number {i}."
            add_summary(conn, new_summary(first.matrix, cell.row, cell.col, words,
                                          author="ana", at="2026-12-07T10:00:00Z"))  # fmt: skip
        conn.execute("COMMIT")

        t_raw = crosstab_of(conn)
        t_matrix = best_of(lambda: matrix_from_store(conn, codebook, source=SOURCE))
        t_framework = best_of(framework)
        built = framework()

        def open_cell() -> None:  # GET /api/framework?row=…&col=…: the row's codings only
            cell = summarised[1]
            found = framework_from_store(conn, codebook, source=SOURCE, only_row=cell.row)
            found.cell(cell.row, cell.col).to_json()

        t_open = best_of(open_cell)

        def save() -> None:  # what POST /api/framework/summary does
            cell = summarised[0]
            found = framework_from_store(conn, codebook, source=SOURCE, only_row=cell.row)
            written = summarise_cell(
                conn, found, cell.row, cell.col, f"Rewritten {time.time()}", author="ben"
            )
            found.cell_json(written or found.cell(cell.row, cell.col))

        t_save = best_of(save)

        with tempfile.TemporaryDirectory() as out:
            sheet = Path(out) / "chart.xlsx"
            t_sheet = best_of(lambda: write_sheet(built, sheet), repeat=2)
            rows = sheet_rows(built)

            def raw_sheet() -> None:
                from openpyxl import Workbook

                book = Workbook()
                for row in rows:
                    book.active.append(row)
                book.save(Path(out) / "raw.xlsx")

            t_raw_sheet = best_of(raw_sheet, repeat=2)

        # out of date: a new coding in K summarised cells makes exactly those K stale
        standing = framework()
        written = [c for c in standing.ordered() if c.summary is not None]
        touched = rng.sample(written, 25)
        theme_code = {
            t: next(k for k, c in codebook.codes.items() if c.theme == t) for t in codebook.themes
        }
        conn.execute("BEGIN")
        for cell in touched:
            taken = {ref.chunk_id for ref in cell.refs}
            chunk = next(
                c for (c,) in conn.execute(
                    "SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal", (cell.row,)
                ) if c not in taken
            )  # fmt: skip
            b.code(chunk, theme_code[cell.col], coder="cy")
        conn.execute("COMMIT")
        after = framework()
        stale = {(c.row, c.col) for c in after.ordered() if c.stale}

    results = {
        "documents": n_docs,
        "passages": n_docs * 50,
        "cells_with_passages": len(cells),
        "cells_summarised": len(summarised),
        "pandas_crosstab_s": round(t_raw, 4),
        "matrix_s": round(t_matrix, 3),
        "framework_s": round(t_framework, 3),
        "framework_vs_crosstab": round(t_framework / t_raw, 1),
        "framework_vs_matrix": round(t_framework / t_matrix, 2),
        "open_one_cell_s": round(t_open, 3),
        "open_vs_crosstab": round(t_open / t_raw, 1),
        "save_one_summary_s": round(t_save, 3),
        "save_vs_crosstab": round(t_save / t_raw, 1),
        "sheet_cells": len(rows) - 1,
        "sheet_s": round(t_sheet, 3),
        "raw_openpyxl_s": round(t_raw_sheet, 3),
        "sheet_vs_raw_openpyxl": round(t_sheet / t_raw_sheet, 2),
        "cells_coded_further": len(touched),
        "cells_said_out_of_date": len(stale),
        "out_of_date_exactly_those": stale == {(c.row, c.col) for c in touched},
        "counts": built.counts(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
