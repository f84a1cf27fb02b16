"""Inter-coder agreement: two coders' sheets, or the machine against the reviewer.

A journal asks for chance-corrected agreement, not just "we agreed 85% of the time": when most
passages carry no code, two coders who never use a code agree on almost everything. So each
figure here comes with its chance-corrected twin (Cohen's kappa, Krippendorff's alpha), the
raw 2x2 counts it was computed from, and the disagreements themselves, so a reader can check.

Coding is multi-label (a passage can carry several codes), so the unit of agreement is the
**item x code presence cell**: for every item both coders rated and every code either of them
used, "is the code on this item?" (yes/no). Per-code kappa is the kappa of one column of that
matrix; the overall kappa and alpha pool every cell. Why not the first code per item? The
first code is an accident of typing order -- "a;b" against "b;a" is full agreement on the set
but a disagreement on the first code -- and it throws away every further code. We still report
`kappa_first_code` because single-label tools (and `code eval`) use it.

The statistics come from scikit-learn (`cohen_kappa_score`) and the `krippendorff` package
(nominal alpha); this module only arranges the data and names the undefined cases (a code
every item has, on both sides, has no chance-corrected agreement: reported as None).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import krippendorff
import numpy as np

from litsynth.biblio.sheet_files import read_table
from litsynth.errors import CodingError
from litsynth.kappa import cohen_kappa as kappa
from litsynth.records import MachineCell

NO_CODE = "(none)"  # the first-code label of an item a coder left uncoded
SNIPPET = 80  # characters of text shown per disagreement: enough to recognise the passage


@dataclass(frozen=True)
class RatedItem:
    """One row of a coder's sheet: an item id, its text and the codes in the order written."""

    id: str
    text: str
    codes: tuple[str, ...]
    line: int  # 1-based line of the sheet (header = line 1), for messages


@dataclass(frozen=True)
class CoderSheet:
    """A coder's items by id, with the problems met while reading (kept, never raised)."""

    path: str
    items: dict[str, RatedItem]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeAgreement:
    """One code's 2x2 table over the shared items and the kappa computed from it."""

    code: str
    both: int
    a_only: int
    b_only: int
    neither: int
    kappa: float | None  # None: undefined (both coders constant on this code)

    @property
    def n(self) -> int:
        return self.both + self.a_only + self.b_only + self.neither

    @property
    def percent_agreement(self) -> float:
        return (self.both + self.neither) / self.n if self.n else 0.0


@dataclass(frozen=True)
class Disagreement:
    id: str
    text: str
    a: tuple[str, ...]
    b: tuple[str, ...]


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of coders A and B on the items both rated."""

    n_items: int
    codes: tuple[str, ...]
    kappa: float | None  # pooled over the item x code presence matrix
    kappa_first_code: float | None
    alpha: float | None  # Krippendorff's alpha, nominal, same matrix as `kappa`
    percent_agreement: float  # share of items given exactly the same code set
    per_code: tuple[CodeAgreement, ...]
    disagreements: tuple[Disagreement, ...]
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    problems: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The `--json` contract: these keys, always present (None where undefined)."""
        return {
            "n_items": self.n_items,
            "codes": list(self.codes),
            "kappa": _round(self.kappa),
            "kappa_first_code": _round(self.kappa_first_code),
            "alpha": _round(self.alpha),
            "percent_agreement": _round(self.percent_agreement),
            "kappa_per_code": {c.code: _round(c.kappa) for c in self.per_code},
            "per_code": {
                c.code: {
                    "kappa": _round(c.kappa),
                    "percent_agreement": _round(c.percent_agreement),
                    "both": c.both,
                    "a_only": c.a_only,
                    "b_only": c.b_only,
                    "neither": c.neither,
                }
                for c in self.per_code
            },
            "disagreements": [
                {"id": d.id, "text": d.text, "a": list(d.a), "b": list(d.b)}
                for d in self.disagreements
            ],
            "only_in_a": list(self.only_in_a),
            "only_in_b": list(self.only_in_b),
            "problems": list(self.problems),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def split_codes(cell: str) -> tuple[str, ...]:
    """'gov; plat;;gov' -> ('gov', 'plat'): trimmed, empty parts and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for part in cell.split(";"):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


def parse_coder_rows(rows: Iterable[Mapping[str, str | None]], path: str) -> CoderSheet:
    """A coder's sheet from CSV rows (dicts with at least `id` and `code`; `text` optional).

    A repeated id keeps its first row and records a problem naming both lines: merging them
    would invent a coding neither row states.
    """
    items: dict[str, RatedItem] = {}
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):
        item_id = (row.get("id") or "").strip()
        if not item_id:
            problems.append(f"{path} line {line}: empty id; row skipped")
            continue
        if item_id in items:
            problems.append(
                f"{path} line {line}: id {item_id!r} repeats line {items[item_id].line}; "
                "the first row is kept"
            )
            continue
        items[item_id] = RatedItem(
            id=item_id,
            text=(row.get("text") or "").strip(),
            codes=split_codes(row.get("code") or ""),
            line=line,
        )
    return CoderSheet(path=path, items=items, problems=tuple(problems))


def read_coder_sheet(path: Path) -> CoderSheet:
    """Read a coder's sheet, CSV (UTF-8 with or without BOM, else detected) or .xlsx; columns
    id, text, code."""
    table = read_table(path, error=CodingError)
    header = [(h or "").strip().lower() for h in table[0]] if table else []
    missing = {"id", "code"} - set(header)
    if missing:
        raise CodingError(
            f"{path} has no column {', '.join(sorted(missing))} "
            f"(columns: {', '.join(h for h in (table[0] if table else []) if h) or 'none'})",
            hint="a coder sheet needs the columns id, text, code (several codes separated by ';')",
        )
    rows = (dict(zip(header, row, strict=False)) for row in table[1:])
    return parse_coder_rows(rows, str(path))


def nominal_alpha(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Krippendorff's alpha (nominal) of two coders' labels; None when every value is equal."""
    if not a or len(set(a) | set(b)) < 2:
        return None  # one value in the domain: expected disagreement is 0, alpha is 0/0
    value = krippendorff.alpha(
        reliability_data=np.array([a, b], dtype=float), level_of_measurement="nominal"
    )
    return None if math.isnan(value) else float(value)


def compare(a: CoderSheet, b: CoderSheet) -> AgreementReport:
    """Agreement of two coders on the items both rated; items only one rated are listed apart."""
    shared = [item_id for item_id in a.items if item_id in b.items]
    only_a = tuple(i for i in a.items if i not in b.items)
    only_b = tuple(i for i in b.items if i not in a.items)
    problems = list(a.problems) + list(b.problems)
    codes = sorted(
        {c for i in shared for c in a.items[i].codes}
        | {c for i in shared for c in b.items[i].codes}
    )

    per_code = []
    pooled_a: list[int] = []
    pooled_b: list[int] = []
    for code in codes:
        col_a = [int(code in a.items[i].codes) for i in shared]
        col_b = [int(code in b.items[i].codes) for i in shared]
        pooled_a += col_a
        pooled_b += col_b
        pairs = list(zip(col_a, col_b, strict=True))
        per_code.append(
            CodeAgreement(
                code=code,
                both=pairs.count((1, 1)),
                a_only=pairs.count((1, 0)),
                b_only=pairs.count((0, 1)),
                neither=pairs.count((0, 0)),
                kappa=kappa(col_a, col_b),
            )
        )

    disagreements = []
    for item_id in shared:
        item_a, item_b = a.items[item_id], b.items[item_id]
        if item_a.text and item_b.text and item_a.text != item_b.text:
            problems.append(
                f"id {item_id!r} has different text in {a.path} line {item_a.line} and "
                f"{b.path} line {item_b.line}; are both sheets from the same items?"
            )
        if set(item_a.codes) != set(item_b.codes):
            text = item_a.text or item_b.text
            snippet = text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"
            disagreements.append(Disagreement(item_id, snippet, item_a.codes, item_b.codes))

    first_a = [(a.items[i].codes or (NO_CODE,))[0] for i in shared]
    first_b = [(b.items[i].codes or (NO_CODE,))[0] for i in shared]
    return AgreementReport(
        n_items=len(shared),
        codes=tuple(codes),
        kappa=kappa(pooled_a, pooled_b),
        kappa_first_code=kappa(first_a, first_b),
        alpha=nominal_alpha(pooled_a, pooled_b),
        percent_agreement=(len(shared) - len(disagreements)) / len(shared) if shared else 0.0,
        per_code=tuple(per_code),
        disagreements=tuple(disagreements),
        only_in_a=only_a,
        only_in_b=only_b,
        problems=tuple(problems),
    )


def agree(
    path_a: Path, path_b: Path, *, known_codes: Collection[str] | None = None
) -> AgreementReport:
    """`litsynth code agree A.csv B.csv`: read both sheets and compare them.

    With `known_codes` (the project's codebook), a code no codebook holds is reported: a typo
    in one coder's sheet would otherwise count as a disagreement on a code nobody meant.
    """
    sheet_a, sheet_b = read_coder_sheet(path_a), read_coder_sheet(path_b)
    report = compare(sheet_a, sheet_b)
    if known_codes is not None:
        unknown = sorted(set(report.codes) - set(known_codes))
        if unknown:
            extra = f"codes not in the project's codebook: {', '.join(unknown)}"
            report = replace(report, problems=(*report.problems, extra))
    if report.n_items == 0:
        raise CodingError(
            f"{path_a} and {path_b} share no item id "
            f"({len(sheet_a.items)} and {len(sheet_b.items)} items)",
            hint="both coders must code the same items, identified by the same `id` values",
        )
    return report


# ------------------------------------------------------------------ machine against reviewer


@dataclass(frozen=True)
class MachineCodeAgreement:
    """The machine's suggestions for one code against the reviewer's decisions.

    The 2x2 table: accepted (machine yes, human yes), rejected (machine yes, human no),
    missed (machine no, human yes: added by hand, or accepted below the threshold) and
    agreed_absent (machine no, human no). `pending` suggestions on reviewed passages that
    the reviewer has not judged yet are left out of the table rather than guessed.
    """

    code: str
    accepted: int
    rejected: int
    missed: int
    agreed_absent: int
    pending: int
    kappa: float | None

    @property
    def precision(self) -> float | None:
        judged = self.accepted + self.rejected
        return self.accepted / judged if judged else None

    @property
    def recall(self) -> float | None:
        wanted = self.accepted + self.missed
        return self.accepted / wanted if wanted else None


@dataclass(frozen=True)
class ProjectAgreement:
    """`litsynth code agreement`: how far the reviewer agrees with the machine, per code."""

    n_passages: int  # passages (chunks) a human decided anything about
    per_code: tuple[MachineCodeAgreement, ...]
    kappa: float | None  # pooled over every code's table
    precision: float | None
    recall: float | None

    def to_json(self) -> dict[str, object]:
        return {
            "n_passages": self.n_passages,
            "kappa": _round(self.kappa),
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "per_code": {
                c.code: {
                    "kappa": _round(c.kappa),
                    "precision": _round(c.precision),
                    "recall": _round(c.recall),
                    "accepted": c.accepted,
                    "rejected": c.rejected,
                    "missed": c.missed,
                    "agreed_absent": c.agreed_absent,
                    "pending": c.pending,
                }
                for c in self.per_code
            },
        }


def _column(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list[int], list[int]]:
    """Two label lists (machine, human) that reproduce a 2x2 table, for `kappa`."""
    machine = [1] * (yes_yes + yes_no) + [0] * (no_yes + no_no)
    human = [1] * yes_yes + [0] * yes_no + [1] * no_yes + [0] * no_no
    return machine, human


def machine_agreement(cells: Iterable[MachineCell]) -> ProjectAgreement:
    """Agreement of machine suggestions with the reviewer on the passages the reviewer worked on.

    Universe: every passage with at least one human decision, times every code that the machine
    suggested or a human decided on somewhere in it. On such a passage, a code neither the
    machine suggested nor the human added counts as agreed absent -- the reviewer read the
    passage and did not code it -- the same reading a second human coder's sheet gets in
    `agree`. Passages nobody has reviewed say nothing about the machine and are left out.
    """
    cells = list(cells)
    touched = {c.chunk_id for c in cells if c.human is not None}
    cells = [c for c in cells if c.chunk_id in touched]
    per_code = []
    pooled_m: list[int] = []
    pooled_h: list[int] = []
    totals = [0, 0, 0]  # accepted, rejected, missed
    for code in sorted({c.code_id for c in cells}):
        mine = [c for c in cells if c.code_id == code]
        accepted = sum(1 for c in mine if c.machine and c.human in ("accepted", "added"))
        rejected = sum(1 for c in mine if c.machine and c.human == "rejected")
        pending = sum(1 for c in mine if c.machine and c.human is None)
        missed = sum(1 for c in mine if not c.machine and c.human in ("accepted", "added"))
        explicit_absent = sum(1 for c in mine if not c.machine and c.human == "rejected")
        # Reviewed passages with no cell for this code: neither side put the code there.
        silent = len(touched) - len({c.chunk_id for c in mine})
        absent = explicit_absent + silent
        machine, human = _column(accepted, rejected, missed, absent)
        pooled_m += machine
        pooled_h += human
        totals = [totals[0] + accepted, totals[1] + rejected, totals[2] + missed]
        per_code.append(
            MachineCodeAgreement(
                code, accepted, rejected, missed, absent, pending, kappa(machine, human)
            )
        )
    accepted, rejected, missed = totals
    return ProjectAgreement(
        n_passages=len(touched),
        per_code=tuple(per_code),
        kappa=kappa(pooled_m, pooled_h),
        precision=accepted / (accepted + rejected) if accepted + rejected else None,
        recall=accepted / (accepted + missed) if accepted + missed else None,
    )
