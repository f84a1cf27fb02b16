"""Synthesis: theme matrices with back-links, in-text citations per theme, REFI-QDA export.

The library API, for the CLI, `litsynth themes`, the report and notebooks:

- `matrix_from_store(conn, codebook, rows=..., cols=...)` → `Matrix` (pandas DataFrames of
  passage and document counts, plus `cells`: (row, col) → passages with quote and citation);
  `build_matrix(spans, documents, codebook, ...)` is the same over records.
- `cited_works_by_theme(conn, codebook)` → {theme id: [CitedWork, …]}; `document_citations(text)`
  for one text.
- `refiqda.codebook_xml(codebook)`, `refiqda.export_project(conn, codebook, path, name=...)`.
"""

from litsynth.synthesis.from_store import cited_works_by_theme, matrix_from_store
from litsynth.synthesis.intext import CitedWork, document_citations, extract_citations
from litsynth.synthesis.matrix import Matrix, PassageRef, build_matrix

__all__ = [
    "CitedWork",
    "Matrix",
    "PassageRef",
    "build_matrix",
    "cited_works_by_theme",
    "document_citations",
    "extract_citations",
    "matrix_from_store",
]
