"""The pairs `litsynth dedupe` was unsure of as a sheet, and the verdicts written in it read
back: `dedupe export-sheet` / `dedupe import-sheet`, and the Duplicates screen's download.

A few hundred doubtful pairs (haematology's search leaves 400 questions even after the
pairs set apart by their DOIs and the answers that follow) are settled faster in a
spreadsheet: both records side by side on a row, sorted or filtered as the reviewer likes,
half of them to a colleague. Only the `same` column is read back, with the two ids that
name the pair; every other column is for reading. A row left blank settles nothing, and
the verdicts go to the store as `dedupe resolve` records them, under the reviewer's name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from litsynth.biblio import dedupe
from litsynth.biblio.likeness import differing_facts
from litsynth.biblio.record_fields import issue_of, pages_of, volume_of
from litsynth.biblio.sheet_files import layout, write_table
from litsynth.cells import flat_cell
from litsynth.errors import BiblioError
from litsynth.store import biblio as biblio_store

COLUMNS = (
    "record_a", "record_b", "same", "likeness", "differs", "title_a", "title_b", "authors_a",
    "authors_b", "year_a", "year_b", "journal_a", "journal_b", "volume_a", "volume_b", "issue_a",
    "issue_b", "pages_a", "pages_b", "doi_a",
    "doi_b", "source_a", "source_b", "abstract_a", "abstract_b",
)  # fmt: skip
WIDTHS = {"record_a": 14, "record_b": 14, "same": 8, "title_a": 50, "title_b": 50,
          "abstract_a": 60, "abstract_b": 60}  # fmt: skip
WRAP = ("title_a", "title_b")
_SAME = {"yes", "y", "same", "1", "true", "duplicate", "duplicates"}
_DIFFERENT = {"no", "n", "different", "0", "false", "distinct", "not"}
SAME_HELP = "yes/no, same/different or 1/0"
_ABSTRACT = 600  # characters of each abstract: enough to tell two works apart
SHOWN_PROBLEMS = 20


def pair_rows(conn: sqlite3.Connection) -> list[list[str]]:
    """The header and one row per pair a person still has to settle, most alike first (the
    order `dedupe --uncertain` lists them in)."""
    rows = [list(COLUMNS)]
    for a, b, alike in dedupe.uncertain(conn):
        sides = (
            (a.title, b.title),
            ("; ".join(a.authors), "; ".join(b.authors)),
            (str(a.year or ""), str(b.year or "")),
            (a.journal, b.journal),
            (volume_of(a.extra), volume_of(b.extra)),
            (issue_of(a.extra), issue_of(b.extra)),
            (pages_of(a.extra), pages_of(b.extra)),
            (a.doi, b.doi),
            (a.source, b.source),
            (a.abstract[:_ABSTRACT], b.abstract[:_ABSTRACT]),
        )
        shown = [flat_cell(x) for pair in sides for x in pair]
        rows.append([a.id, b.id, "", f"{alike:.2f}", ", ".join(differing_facts(a, b)), *shown])
    return rows


@dataclass(frozen=True)
class SheetVerdicts:
    """What a filled-in sheet says: (a, b, same) per filled row, in sheet order."""

    verdicts: list[tuple[str, str, bool]]
    blank: int  # rows whose `same` is empty: nothing to record
    problems: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, why)


def read_verdicts(rows: Sequence[Sequence[str]], known: set[str]) -> SheetVerdicts:
    """The verdicts of a sheet's rows (header first); `known` are the project's record ids.
    A row naming an unknown record or saying something else than yes or no is a problem,
    listed with its row number, and the rest still count."""
    if not rows:
        raise BiblioError("the sheet is empty", hint="write it with `litsynth dedupe export-sheet`")
    header = [str(h).strip().lower() for h in rows[0]]
    missing = [c for c in ("record_a", "record_b", "same") if c not in header]
    if missing:
        raise BiblioError(
            f"the sheet has no {', '.join(missing)} column",
            hint="write it with `litsynth dedupe export-sheet` and fill in `same`",
        )
    ia, ib, isame = (header.index(c) for c in ("record_a", "record_b", "same"))
    verdicts: list[tuple[str, str, bool]] = []
    problems: list[tuple[int, str]] = []
    blank = 0
    for number, row in enumerate(rows[1:], start=2):
        cells = [str(c).strip() for c in row] + [""] * len(header)
        a, b, said = cells[ia], cells[ib], cells[isame].lower()
        if not (a or b or said):
            continue
        if not said:
            blank += 1
            continue
        if said not in _SAME | _DIFFERENT:
            problems.append((number, f"same is {cells[isame]!r}: use {SAME_HELP}"))
            continue
        unknown = [x for x in (a, b) if x not in known]
        if unknown or a == b:
            why = f"no record {unknown[0]!r}" if unknown else "a record against itself"
            problems.append((number, why))
            continue
        verdicts.append((a, b, said in _SAME))
    return SheetVerdicts(verdicts, blank, problems)


def write_sheet(conn: sqlite3.Connection, out: Path) -> int:
    """The pairs still to settle, written to `out` (.xlsx or .csv); how many there are."""
    rows = pair_rows(conn)
    write_table(rows, out, title="pairs", decorate=layout(WIDTHS, WRAP), error=BiblioError)
    return len(rows) - 1


@dataclass(frozen=True)
class SheetImport:
    """What reading a filled-in sheet did: its verdicts, those recorded, the groups after."""

    found: SheetVerdicts
    result: dedupe.DedupeResult
    recorded: list[tuple[str, str, bool]]

    def to_json(self) -> dict[str, object]:
        return {**self.result.to_json(), "recorded": [list(v) for v in self.recorded],
                "blank": self.found.blank, "problems": self.found.problems}  # fmt: skip

    def lines(self, shown: str) -> list[str]:
        """As `dedupe import-sheet` prints it and the Duplicates screen shows it, the sheet
        named `shown`: the verdicts recorded, those already so, the blank rows, each row not
        read."""
        found, recorded = self.found, self.recorded
        same = sum(1 for *_, is_same in recorded if is_same)
        out = [
            f"{shown}: {len(recorded)} verdict{'' if len(recorded) == 1 else 's'} recorded"
            f" ({same} the same work), {len(found.verdicts) - len(recorded)} as already"
            f" recorded, {found.blank} rows left blank, {len(found.problems)} not read"
        ]
        out += [f"  row {number}: {why}" for number, why in found.problems[:SHOWN_PROBLEMS]]
        if len(found.problems) > SHOWN_PROBLEMS:
            out.append(
                f"  … and {len(found.problems) - SHOWN_PROBLEMS} more (--json lists them all)"
            )
        return out


def import_sheet(
    conn: sqlite3.Connection, rows: Sequence[Sequence[str]], *, reviewer: str, name: str
) -> SheetImport:
    """The verdicts of a sheet's rows recorded under `reviewer` (`dedupe.resolve_many`: one
    regrouping, a verdict already recorded not repeated), noted as from the sheet `name`."""
    found = read_verdicts(rows, {r.id for r in biblio_store.all_records(conn)})
    result, recorded = dedupe.resolve_many(
        conn, found.verdicts, reviewer=reviewer, note=f"sheet {name}"
    )
    return SheetImport(found, result, recorded)
