"""The framework matrix: each source (or study) × theme cell summarised in the reviewer's words.

Framework analysis (Ritchie & Spencer) and the thematic synthesis of qualitative studies
(Thomas & Harden) share a step the counts cannot do: for every source and theme, a line or
two saying what that source says on that theme, written while reading the cell's passages.
The grid of those summaries is what the findings are written from, and what NVivo calls a
framework matrix.

A summary belongs to a cell of a kind of matrix (its rows and columns dimensions), not to a
passage, so it survives re-chunking. It keeps the cell's passages as they were when written
(`CellSummary.basis`): when the cell is coded further, or loses a passage, the summary says it
is out of date and which passages are new, instead of silently standing for evidence it never
saw. A summary whose row or column has left the matrix (a document removed, a theme renamed)
is kept and listed, never dropped.

Pure: the matrix comes from `matrix.build_matrix`, the summaries from the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litsynth.errors import SynthesisError
from litsynth.records import CellSummary, content_id
from litsynth.synthesis.matrix import (
    CODE_DIMENSIONS,
    NO_CATEGORY,
    NO_THEME,
    Matrix,
    PassageRef,
)

# A summary is a few sentences; a pasted chapter is a mistake the reviewer should hear about.
MOST_CHARS = 4000
UNTHEMED = (NO_THEME, NO_CATEGORY)


def passage_key(ref: PassageRef) -> str:
    """A passage as a summary's basis names it: its document and a hash of its words
    (letters and digits, case aside). A re-read after an upgrade moves offsets and chunk ids
    (codings follow their words), and a summary must not turn out of date for that; words
    coded anew, or no longer, do make it so."""
    letters = "".join(ch for ch in ref.passage.text.casefold() if ch.isalnum())
    return f"{ref.document_id}:{content_id(letters, length=12)}"


@dataclass(frozen=True)
class FrameworkCell:
    """One cell: its passages now, its standing summary, and what changed since."""

    row: str
    col: str
    refs: tuple[PassageRef, ...]
    summary: CellSummary | None  # None: never summarised, or cleared
    new: tuple[str, ...] = ()  # passages coded into the cell since the summary
    gone: tuple[str, ...] = ()  # passages of its basis no longer in the cell

    @property
    def stale(self) -> bool:
        return self.summary is not None and bool(self.new or self.gone)

    @property
    def waiting(self) -> bool:
        """Passages and no summary yet: the charting still to do."""
        return self.summary is None and bool(self.refs)

    def state(self) -> str:
        if self.summary is None:
            return "waiting" if self.refs else "empty"
        return "out of date" if self.stale else "written"

    def to_json(self, *, links: bool = True) -> dict[str, Any]:
        """The cell; without `links` its passages are only counted (a grid of a thousand
        sources would otherwise carry every quote)."""
        summary = self.summary
        out = {
            "row": self.row,
            "col": self.col,
            "passages": len(self.refs),
            "state": self.state(),
            "summary": summary.text if summary else "",
            "author": summary.author if summary else "",
            "at": summary.at if summary else "",
            "new": list(self.new),
            "gone": list(self.gone),
        }
        if links:
            out["links"] = [{**ref.to_json(), "key": passage_key(ref)} for ref in self.refs]
        return out


@dataclass(frozen=True, eq=False)
class Framework:
    """A matrix with a summary in each cell (where one is written)."""

    matrix: Matrix
    cells: Mapping[tuple[str, str], FrameworkCell]
    orphans: tuple[CellSummary, ...]  # summaries whose row or column left the matrix

    @property
    def col_keys(self) -> tuple[str, ...]:
        """The matrix's columns but "(no theme)": passages whose codes no theme holds are
        no theme to summarise."""
        return tuple(c for c in self.matrix.col_keys if c not in UNTHEMED)

    def column(self, given: str) -> str:
        """A column's key from its key, label, or a word of the label naming it alone."""
        return _key(given, self.col_keys, self.matrix.col_labels, "column")

    def cell(self, row: str, col: str) -> FrameworkCell:
        return self.cells.get((row, col)) or FrameworkCell(row, col, (), None)

    def ordered(self) -> list[FrameworkCell]:
        """Every cell with passages or a summary, row by row in the matrix's order."""
        m = self.matrix
        cols = self.col_keys
        return [self.cells[(r, c)] for r in m.row_keys for c in cols if (r, c) in self.cells]

    def counts(self) -> dict[str, int]:
        cells = list(self.cells.values())
        return {
            "cells": sum(1 for x in cells if x.refs),
            "written": sum(1 for x in cells if x.summary is not None),
            "out_of_date": sum(1 for x in cells if x.stale),
            "waiting": sum(1 for x in cells if x.waiting),
            "orphans": len(self.orphans),
        }

    def cell_json(self, cell: FrameworkCell, *, links: bool = True) -> dict[str, Any]:
        """A cell as the grid and the workspace show it: with where its passages are."""
        return {**cell.to_json(links=links), "where": where_from(self, cell)}

    def to_json(self, *, links: bool = True) -> dict[str, Any]:
        m = self.matrix
        return {
            "rows": m.rows,
            "cols": m.cols,
            "row_keys": list(m.row_keys),
            "col_keys": list(self.col_keys),
            "row_labels": dict(m.row_labels),
            "col_labels": dict(m.col_labels),
            "counts": self.counts(),
            "cells": [self.cell_json(cell, links=links) for cell in self.ordered()],
            "orphans": [_orphan_json(s) for s in self.orphans],
        }


def where_from(framework: Framework, cell: FrameworkCell) -> str:
    """Where the cell's passages are, compactly: "pp. 3, 7–8" or "§ Results, ¶ 4, 9" under a
    source's row; each source named first under a study's or an attribute's row."""
    by_label: dict[str, list[str]] = {}
    for ref in cell.refs:
        by_label.setdefault(ref.passage.label, []).append(ref.passage.where)
    if framework.matrix.rows == "documents":
        return "; ".join(_compact(wheres) for wheres in by_label.values())
    return "; ".join(f"{label}, {_compact(wheres)}" for label, wheres in by_label.items())


def _compact(wheres: Sequence[str]) -> str:
    """ "p. 3", "pp. 4–5", "p. 3" → "pp. 3, 4–5"; "§ A, ¶ 2", "§ A, ¶ 7" → "§ A, ¶ 2, 7"."""
    pages = [w.split(" ", 1)[1] for w in wheres if w.startswith(("p. ", "pp. "))]
    sections: dict[str, list[str]] = {}
    other: list[str] = []
    for w in wheres:
        if w.startswith("§ ") and ", ¶ " in w:
            head, _, paragraph = w.rpartition(", ¶ ")
            sections.setdefault(head, []).append(paragraph)
        elif not w.startswith(("p. ", "pp. ")):
            other.append(w)
    parts = []
    if pages:
        unique = list(dict.fromkeys(pages))
        many = len(unique) > 1 or "–" in unique[0]
        parts.append(("pp. " if many else "p. ") + ", ".join(unique))
    parts += [f"{head}, ¶ {', '.join(dict.fromkeys(ps))}" for head, ps in sections.items()]
    return "; ".join(parts + list(dict.fromkeys(other)))


def _orphan_json(summary: CellSummary) -> dict[str, str]:
    return {
        "row": summary.row_key, "col": summary.col_key, "summary": summary.text,
        "author": summary.author, "at": summary.at,
    }  # fmt: skip


def build_framework(matrix: Matrix, summaries: Iterable[CellSummary]) -> Framework:
    """Each cell of `matrix` with its standing summary (`summaries`: the latest per cell, as
    the store keeps them; a cleared one, text "", leaves the cell unsummarised). Pure."""
    standing = {
        (s.row_key, s.col_key): s
        for s in summaries
        if s.rows == matrix.rows and s.cols == matrix.cols
    }
    rows, cols = set(matrix.row_keys), set(matrix.col_keys) - set(UNTHEMED)
    cells: dict[tuple[str, str], FrameworkCell] = {}
    orphans: list[CellSummary] = []
    for key, refs in matrix.cells.items():
        if key[1] not in UNTHEMED:
            cells[key] = _cell(key, refs, standing.get(key))
    for key, summary in standing.items():
        if key in cells or not summary.text:
            continue
        if key[0] in rows and key[1] in cols:
            cells[key] = _cell(key, (), summary)  # its passages are all uncoded now
        else:
            orphans.append(summary)
    return Framework(matrix, cells, tuple(orphans))


def _cell(
    key: tuple[str, str], refs: tuple[PassageRef, ...], summary: CellSummary | None
) -> FrameworkCell:
    if summary is None or not summary.text:
        return FrameworkCell(key[0], key[1], refs, None)
    now = [passage_key(ref) for ref in refs]
    basis = set(summary.basis)
    new = tuple(k for k in now if k not in basis)
    gone = tuple(sorted(basis - set(now)))
    return FrameworkCell(key[0], key[1], refs, summary, new, gone)


def check_kind(rows: str, cols: str) -> None:
    """A framework's rows are sources or their attributes (a study, a source type); its
    columns are codes, categories or themes. Summarising code × code makes no sense."""
    if rows in CODE_DIMENSIONS:
        raise SynthesisError(
            f"a framework matrix's rows are sources, not {rows}",
            hint="use --rows documents, or attr:study for a row per study",
        )


def new_summary(
    matrix: Matrix, row: str, col: str, text: str, *, author: str, at: str
) -> CellSummary:
    """A summary of one cell of `matrix`, its basis the cell's passages now. The row and
    column may be given by key or by the label the matrix shows."""
    check_kind(matrix.rows, matrix.cols)
    row_key = _key(row, matrix.row_keys, matrix.row_labels, "row")
    themed = [c for c in matrix.col_keys if c not in UNTHEMED]
    col_key = _key(col, themed, matrix.col_labels, "column")
    text = text.strip()
    if len(text) > MOST_CHARS:
        raise SynthesisError(
            f"the summary is {len(text):,} characters; a cell's summary holds {MOST_CHARS:,}",
            hint="summarise in a few sentences; a memo holds longer notes",
        )
    if not author.strip():
        raise SynthesisError("a summary needs its author", hint="give --coder NAME")
    refs = matrix.cells.get((row_key, col_key), ())
    basis = tuple(passage_key(ref) for ref in refs)
    return CellSummary(matrix.rows, row_key, matrix.cols, col_key, text, author.strip(), at, basis)


def _key(given: str, keys: Iterable[str], labels: Mapping[str, str], what: str) -> str:
    keys = list(keys)
    if given in keys:
        return given
    folded = given.strip().casefold()
    by_label = [k for k in keys if labels.get(k, "").casefold() == folded]
    if len(by_label) == 1:
        return by_label[0]
    # a key's start, or a word of a label ("Yulianti"), when it names one row alone
    starts = [k for k in keys if k.startswith(given.strip())] if given.strip() else []
    if not starts and folded:
        starts = [k for k in keys if folded in labels.get(k, "").casefold()]
    if len(starts) == 1:
        return starts[0]
    shown = ", ".join(f"{labels.get(k, k)} ({k})" for k in keys[:6])
    more = f", … ({len(keys)} in all)" if len(keys) > 6 else ""
    raise SynthesisError(
        f"no {what} {given!r} in this matrix" if not by_label and not starts
        else f"{given!r} names more than one {what}",
        hint=f"give the {what}'s key or its label: {shown}{more}",
    )  # fmt: skip
