"""The review sheet: suggestions out to a spreadsheet, the reviewer's decisions back in.

Many reviewers code in Excel or LibreOffice, not in a terminal. `export_sheet` writes one row
per suggestion (UTF-8 with a BOM, which is what makes Excel read accents correctly) with the
passage, its citation and the machine's evidence; the reviewer fills `decision` (accept /
reject / change / add, or 1 / 0), `new_code` and `memo`; `import_sheet` appends those
decisions to the codings log. A bad row is reported with its line and skipped, the rest are
kept; importing the same sheet twice appends nothing the second time.

Line numbers are spreadsheet rows: the header is line 1, the first suggestion line 2.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from litsynth.biblio.sheet_files import layout, read_table, write_table
from litsynth.cells import flat_cell
from litsynth.coding.codebook.model import Codebook
from litsynth.coding.human.review import (
    STATUS_ACTION,
    ReviewDecision,
    check_code,
    check_span,
    codings_for,
    make_memo,
    now_utc,
    order_items,
    parse_action,
)
from litsynth.errors import CodingError
from litsynth.markup import shown
from litsynth.records import Memo, Passage, ReviewItem
from litsynth.store import codings as store
from litsynth.store.db import transaction

COLUMNS = (
    "chunk_id",
    "document",
    "citation",
    "code",
    "label",
    "score",
    "evidence",
    "passage",
    "decision",
    "new_code",
    "start",
    "end",
    "memo",
)
REQUIRED = ("chunk_id", "code", "decision")
STATUSES = ("suggested", "all")

# Display-only columns go through the one formula-escaping rule; columns read back on import
# (memo, codes) are written untouched.
_display = flat_cell


def sheet_rows(items: Iterable[ReviewItem], labels: Mapping[str, str]) -> list[dict[str, str]]:
    """The sheet's rows for these suggestions; a decided suggestion shows its decision."""
    rows = []
    for item in items:
        p = item.passage
        rows.append(
            {
                "chunk_id": p.chunk_id,
                "document": p.document_id,
                "citation": _display(p.citation),
                "code": item.code_id,
                "label": _display(labels.get(item.code_id, "")),
                "score": f"{item.score:.3f}",
                "evidence": _display(item.evidence.summary()),
                "passage": _display(shown(p.text, p.kind)),  # as the reader sees it
                "decision": STATUS_ACTION.get(item.decision or "", ""),
                "new_code": "",
                "start": str(p.start),
                "end": str(p.end),
                "memo": "",
            }
        )
    return rows


def write_sheet(path: Path, rows: Iterable[Mapping[str, str]]) -> int:
    """Write the rows as an Excel workbook (`path` ends in .xlsx) or as CSV with a BOM (Excel's
    cue for UTF-8); returns the number of rows."""
    table = [list(COLUMNS), *([row.get(column, "") for column in COLUMNS] for row in rows)]
    look = layout(_WIDTHS, wrap=("passage", "evidence", "memo"))
    write_table(table, path, title="suggestions", decorate=look, error=CodingError)
    return len(table) - 1


# Column widths (characters) of the workbook: the passage wide enough to read in place.
_WIDTHS = {"chunk_id": 18, "document": 18, "citation": 28, "code": 22, "label": 24,
           "score": 7, "evidence": 40, "passage": 90, "decision": 10, "new_code": 18,
           "start": 7, "end": 7, "memo": 30}  # fmt: skip


@dataclass(frozen=True)
class SheetRow:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def read_sheet(path: Path) -> list[SheetRow]:
    """The sheet's rows with their spreadsheet line numbers; a missing column is an error."""
    records = read_table(path, error=CodingError)
    if not records:
        raise CodingError(
            f"{path} is empty", hint="export a sheet with `litsynth code export-sheet`"
        )
    header = [h.strip().lower() for h in records[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CodingError(
            f"{path} line 1 has no column {', '.join(missing)}",
            hint=f"keep the exported header: {','.join(COLUMNS)}",
        )
    return [
        SheetRow(line, dict(zip(header, record, strict=False)))
        for line, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]


@dataclass(frozen=True)
class SheetError:
    line: int
    message: str


@dataclass(frozen=True)
class ImportPlan:
    """What importing a sheet will append, and what it will not, line by line."""

    decisions: tuple[ReviewDecision, ...]
    memos: tuple[Memo, ...]
    counts: dict[str, int]  # accept / reject / change / add / unchanged / undecided / memo
    errors: tuple[SheetError, ...] = field(default=())


def _int(cell: str, column: str) -> int | None:
    if not cell:
        return None
    try:
        return int(float(cell))  # Excel may write 120 as 120.0
    except ValueError:
        raise CodingError(
            f"{column} {cell!r} is not a number", hint="offsets are whole numbers"
        ) from None


def _decision(
    row: SheetRow,
    passages: Mapping[str, Passage],
    codes: Collection[str],
    scores: Mapping[tuple[str, str], float],
) -> ReviewDecision | None:
    action = parse_action(row.get("decision"))
    if action is None:
        return None
    chunk_id = row.get("chunk_id")
    passage = passages.get(chunk_id)
    if passage is None:
        raise CodingError(
            f"no passage with chunk id {chunk_id!r}",
            hint="keep the exported chunk_id column as it is",
        )
    code = row.get("code")
    if action == "add":
        # A new row added by hand may name its code in either column.
        code = check_code(row.get("new_code") or code, codes)
    elif (chunk_id, code) not in scores:  # a suggested code may have left the codebook
        code = check_code(code, codes)
    new_code = check_code(row.get("new_code"), codes, what="new code") if action == "change" else ""
    start = _int(row.get("start"), "start")
    end = _int(row.get("end"), "end")
    start = passage.start if start is None else start
    end = passage.end if end is None else end
    check_span(start, end, lower=passage.start, upper=passage.end, where=f"chunk {chunk_id}")
    return ReviewDecision(
        action=action,
        chunk_id=chunk_id,
        document_id=passage.document_id,
        code_id=code,
        start=start,
        end=end,
        new_code=new_code,
        memo=row.get("memo"),
        suggestion_score=None if action == "add" else scores.get((chunk_id, code)),
    )


def plan_import(
    rows: Iterable[SheetRow],
    *,
    passages: Mapping[str, Passage],
    codes: Collection[str],
    scores: Mapping[tuple[str, str], float],
    latest: Mapping[tuple[str, str, int, int], str],
    coder: str,
    at: str,
) -> ImportPlan:
    """Turn sheet rows into decisions (pure): errors per line, unchanged decisions skipped.

    A row with a memo but no decision becomes a memo on its passage. A decision the coder's
    log already holds for the same span is counted as unchanged, which makes re-importing a
    sheet -- or exporting with `--status all` and importing again -- append nothing. Two rows
    deciding the same code on the same span (a copied row) would make the result depend on
    row order: the first is kept and the later one reported.
    """
    decisions: list[ReviewDecision] = []
    memos: list[Memo] = []
    errors: list[SheetError] = []
    counts: Counter[str] = Counter()
    planned = dict(latest)
    first_line: dict[tuple[str, str, int, int], int] = {}
    for row in rows:
        try:
            decision = _decision(row, passages, codes, scores)
            writes = codings_for(decision, coder=coder, at=at) if decision else ()
        except CodingError as exc:
            errors.append(SheetError(row.line, exc.message))
            continue
        if decision is None:
            if row.get("memo") and row.get("chunk_id") in passages:
                memos.append(make_memo(row.get("chunk_id"), coder, row.get("memo"), at=at))
                counts["memo"] += 1
            else:
                counts["undecided"] += 1
            continue
        keys = [(c.chunk_id, c.code_id, c.start, c.end) for c in writes]
        repeated = [k for k in keys if k in first_line]
        if repeated:
            chunk, code = repeated[0][:2]
            errors.append(
                SheetError(
                    row.line,
                    f"{code!r} on chunk {chunk} is already decided on line "
                    f"{first_line[repeated[0]]} of this sheet; that line is kept",
                )
            )
            continue
        first_line.update((k, row.line) for k in keys)
        if all(planned.get(k) == c.status for k, c in zip(keys, writes, strict=True)):
            counts["unchanged"] += 1
            continue
        planned.update((k, c.status) for k, c in zip(keys, writes, strict=True))
        decisions.append(decision)
        counts[decision.action] += 1
    return ImportPlan(tuple(decisions), tuple(memos), dict(counts), tuple(errors))


def export_sheet(
    conn: sqlite3.Connection,
    book: Codebook,
    path: Path,
    *,
    coder: str,
    code: str | None = None,
    status: str = "suggested",
) -> int:
    """Write the review sheet; returns the number of suggestion rows.

    `suggested`: the suggestions at or above threshold this coder has not decided yet;
    `all`: every suggestion, also below threshold and decided ones (decision filled in).
    """
    if status not in STATUSES:
        raise CodingError(f"unknown status {status!r}", hint="use suggested or all")
    if code is not None:
        code = check_code(code, set(book.codes) | store.used_code_ids(conn))
    everything = status == "all"
    items = store.review_items(
        conn, code=code, coder=coder, undecided_only=not everything, suggested_only=not everything
    )
    labels = {c.id: c.label for c in book.codes.values()}
    return write_sheet(path, sheet_rows(order_items(items), labels))


def export_coder_sheet(conn: sqlite3.Connection, path: Path, *, coder: str) -> int:
    """One coder's codings as `litsynth agree` reads them: id (chunk), text, code ('a;b').

    Every passage the coder decided anything on is an item, also one whose suggestions were
    all rejected (its code cell is empty: "none of these codes"), so two coders' sheets compare
    on what each actually judged.
    """
    coded = store.coder_codes(conn, coder)
    if not coded:
        raise CodingError(
            f"{coder!r} has no codings in this project",
            hint="check the name (`litsynth code agreement --coder NAME` uses the same names)",
        )
    rows = [
        [chunk_id, _display(shown(p.text, p.kind) if p else ""), ";".join(codes)]
        for chunk_id, (p, codes) in coded.items()
    ]
    look = layout({"id": 18, "text": 90, "code": 30}, wrap=("text",))
    write_table(
        [["id", "text", "code"], *rows], path, title=coder, decorate=look, error=CodingError
    )
    return len(coded)


def import_sheet(conn: sqlite3.Connection, book: Codebook, path: Path, *, coder: str) -> ImportPlan:
    """Append the decisions of a filled-in sheet to the codings log (one transaction)."""
    rows = read_sheet(path)
    chunk_ids = {r.get("chunk_id") for r in rows}
    passages = store.passages(conn, chunk_ids)
    scores = store.suggestion_scores(
        conn, [(r.get("chunk_id"), r.get("code")) for r in rows if r.get("chunk_id") in passages]
    )
    at = now_utc()
    plan = plan_import(
        rows,
        passages=passages,
        codes=book.codes,
        scores=scores,
        latest=store.latest_status(conn, coder),
        coder=coder,
        at=at,
    )
    with transaction(conn):
        writes = [c for d in plan.decisions for c in codings_for(d, coder=coder, at=at)]
        store.append_codings(conn, writes, {d.chunk_id: d.document_id for d in plan.decisions})
        for memo in plan.memos:
            # A memo's id includes its time, so re-importing the same sheet would store it
            # again: the same author's same text on the same target is the same memo.
            if not store.memo_exists(conn, memo.target, memo.author, memo.text):
                store.insert_memo(conn, memo)
    return plan
