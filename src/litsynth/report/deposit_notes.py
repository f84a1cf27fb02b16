"""The deposit package's tables of the analyst's own words: the memos, and the framework
matrix's summaries (what each source says on each theme), each as its writer left it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from litsynth.records import CellSummary, Memo
from litsynth.report.deposit import Column, Table


class Rename(Protocol):
    def __call__(self, name: str, text: bool = False) -> str: ...


def memos_table(memos: Iterable[Memo], who: Rename) -> Table:
    rows = tuple((m.target, who(m.author), m.at, m.text) for m in memos)
    columns = (
        Column("target", "what the memo is about: a code, a passage (chunk) or a document id"),
        Column("author", "who wrote it"),
        Column("at", "when (ISO 8601, UTC)"),
        Column("text", "the memo"),
    )
    return Table("memos", "the analytic memos", "One row per memo, oldest first.", columns, rows)


def summaries_table(summaries: Iterable[CellSummary], who: Rename) -> Table:
    rows = tuple(
        (s.rows, s.row_key, s.cols, s.col_key, s.text, who(s.author), s.at, str(len(s.basis)))
        for s in summaries
    )
    columns = (
        Column("rows", "what the framework's rows are: documents, or attr:NAME (attr:study: a"
               " row per study)"),
        Column("row_key", "the row: a document's id (see documents.csv) or the attribute's value"),
        Column("cols", "what its columns are: themes, categories or codes"),
        Column("col_key", "the column: a theme's (category's, code's) id in the codebook"),
        Column("summary", "what the source says on the theme, in the reviewer's words"),
        Column("author", "who wrote it"),
        Column("at", "when (ISO 8601, UTC)"),
        Column("passages", "how many coded passages the cell held when it was written", "integer"),
    )  # fmt: skip
    return Table(
        "framework", "the framework matrix's summaries",
        "One row per summarised cell, as it stands (the latest wording), oldest first.",
        columns, rows,
    )  # fmt: skip
