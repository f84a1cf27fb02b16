"""The screening log's rules, as pure functions over `Decision` records.

The log is append-only: a reviewer who changes their mind adds a row, and their latest row per
(record, stage) is their decision. What a record's decision *is* for the review then follows
one precedence, used by the sheets, the terminal loop, conflicts and PRISMA alike:

1. the latest **resolution** (recorded by `screen resolve`) wins over everyone;
2. else the human reviewers' latest decisions: if they agree, that decision; if they disagree,
   the record is **in conflict** (neither included nor excluded until resolved);
3. else an **automation** rule's decision (year range, language), so a person who screens a
   record anyway overrides the rule rather than being silently ignored.

Sheets: `parse_sheet` turns spreadsheet rows into decisions and a list of problems that name
the sheet line, so one bad row is reported and skipped while the rest are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from litsynth.errors import ScreeningError
from litsynth.records import FULL_TEXT, SCREENING_STAGES, Decision

STAGES = SCREENING_STAGES
DECISIONS = ("include", "exclude", "maybe", "not-retrieved")
# Appended by an undo: the reviewer's earlier decision on the record no longer stands.
UNDECIDED = "undecided"
ORIGINS = ("sheet", "terminal", "automation", "resolution")
NO_REASON = "no reason given"  # where a full-text exclusion without a reason is counted
AUTOMATION_REVIEWER = "automation"
# the first word of the source of an exclusion made by stopping screening (screening_stop.py)
STOP_SOURCE = "stopping-rule"
RESOLUTION_REVIEWER = "resolution"

# Spreadsheet spellings of a decision, matched in any case. 1/0 are what ASReview-style label
# columns hold; yes/no and TRUE/FALSE what people and Excel's checkboxes write.
_DECISION_WORDS = {
    "include": "include",
    "included": "include",
    "1": "include",
    "yes": "include",
    "y": "include",
    "true": "include",
    "exclude": "exclude",
    "excluded": "exclude",
    "0": "exclude",
    "no": "exclude",
    "n": "exclude",
    "false": "exclude",
    "maybe": "maybe",
    "unsure": "maybe",
    "not-retrieved": "not-retrieved",
    "not retrieved": "not-retrieved",
}


DECISION_HELP = "include/exclude/maybe, yes/no or 1/0"


def now_utc() -> str:
    """The current time as ISO 8601 UTC with a Z, to the second (what the log stores)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise ScreeningError(
            f"unknown screening stage {stage!r}", hint=f"use one of: {', '.join(STAGES)}"
        )
    return stage


NOT_RETRIEVED_AT_TA = (
    "'not-retrieved' is a full-text decision (PRISMA's reports not retrieved); at"
    " title/abstract a record is included, excluded or maybe"
)


def fits_stage(decision: str, stage: str) -> bool:
    """Whether a decision can be made at a stage: a report is sought, and so can be not
    retrieved, only at full text. At title/abstract PRISMA would count it as awaiting."""
    return decision != "not-retrieved" or stage == FULL_TEXT


def parse_decision(value: str) -> str | None:
    """'Include', 'EXCLUDE', '1', '0', 'maybe', '1.0' → the log's word; None if unreadable."""
    text = (value or "").strip().lower()
    if text in ("1.0", "0.0"):  # a sheet that went through a spreadsheet's number format
        text = text[0]
    return _DECISION_WORDS.get(text)


def match_reason(reason: str, known: Sequence[str]) -> tuple[str, bool]:
    """The known spelling of `reason` (case and spacing ignored) and whether it is new."""
    cleaned = " ".join((reason or "").split())
    for k in known:
        if k.casefold() == cleaned.casefold():
            return k, False
    return cleaned, True


@dataclass(frozen=True)
class SheetProblem:
    line: int  # physical line in the sheet (the header is line 1)
    record_id: str
    message: str


@dataclass(frozen=True)
class SheetResult:
    """What a sheet holds: decisions to append, and everything that was not taken or was noted."""

    decisions: tuple[Decision, ...]
    problems: tuple[SheetProblem, ...] = ()
    new_reasons: tuple[str, ...] = ()  # reasons not in the project's list, now added
    no_reason: tuple[str, ...] = ()  # record ids of full-text exclusions without a reason
    blank: int = 0  # rows left undecided (no decision cell): skipped, not a problem


def parse_sheet(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    *,
    stage: str,
    reviewer: str,
    known_ids: set[str],
    reasons: Sequence[str],
    sheet_name: str,
    at: str | None = None,
    eligible_ids: set[str] | None = None,
) -> SheetResult:
    """Decisions from (line, row) pairs of a screening sheet.

    Columns: record_id, decision (include/exclude/maybe, 1/0; any case), optional reason,
    note. Unknown record ids and unreadable decisions are problems with their line; a reason
    not yet in `reasons` is accepted and reported as new; a full-text exclusion without a
    reason is kept and counted under "no reason given".
    """
    check_stage(stage)
    at = at or now_utc()
    known = list(reasons)
    decisions: list[Decision] = []
    problems: list[SheetProblem] = []
    new: list[str] = []
    no_reason: list[str] = []
    blank = 0
    for line, row in rows:
        rid = (row.get("record_id") or "").strip()
        raw = (row.get("decision") or "").strip()
        if not rid and not raw:
            continue
        if not raw:
            blank += 1
            continue
        if rid not in known_ids:
            problems.append(SheetProblem(line, rid, f"unknown record id {rid!r}"))
            continue
        # A full-text decision on a record nobody included at title/abstract would break the
        # PRISMA arithmetic later; say so here, on the sheet's line, instead.
        if eligible_ids is not None and rid not in eligible_ids:
            problems.append(
                SheetProblem(
                    line,
                    rid,
                    f"record {rid!r} was not included at title/abstract (or is a"
                    " duplicate), so it has no full-text stage",
                )
            )
            continue
        decision = parse_decision(raw)
        if decision is None:
            problems.append(
                SheetProblem(
                    line,
                    rid,
                    f"unreadable decision {raw!r} (use include/exclude/maybe, yes/no, 1/0)",
                )
            )
            continue
        if not fits_stage(decision, stage):
            problems.append(SheetProblem(line, rid, NOT_RETRIEVED_AT_TA))
            continue
        reason = ""
        if decision == "exclude":
            reason, is_new = match_reason(row.get("reason") or "", known)
            if reason and is_new:
                known.append(reason)
                new.append(reason)
            if not reason and stage == FULL_TEXT:
                no_reason.append(rid)
        decisions.append(
            Decision(
                record_id=rid,
                stage=stage,
                decision=decision,
                reviewer=reviewer,
                at=at,
                reason=reason,
                note=(row.get("note") or "").strip(),
                origin="sheet",
                source=f"{sheet_name}:{line}",
            )
        )
    return SheetResult(tuple(decisions), tuple(problems), tuple(new), tuple(no_reason), blank)


# ---- what the log says now ------------------------------------------------------------------


HUMAN_ORIGINS = ("sheet", "terminal")


# The screening tools whose decisions `screening_tools` carries over; each such decision's
# source names the tool after its file, "rayyan.csv (Rayyan):12", so the Methods can say where
# it was made (PRISMA 2020 item 8 asks for the tools used in selection).
OTHER_TOOLS = ("Rayyan", "ASReview LAB", "abstrackr")


def made_in(d: Decision) -> str:
    """The other screening tool a decision was made in ("Rayyan"), or ""."""
    if d.origin != "sheet" or not d.source.endswith(tuple("0123456789")):
        return ""
    label = d.source.rpartition(":")[0]
    for tool in OTHER_TOOLS:
        if label.endswith(f" ({tool})"):
            return tool
    return ""


def is_stop(d: Decision) -> bool:
    """An exclusion made by stopping screening on the stopping rule's word, not by a year or
    language rule: a re-run of those rules must leave it be."""
    return d.origin == "automation" and d.source.split(" ", 1)[0] == STOP_SOURCE


def latest(decisions: Iterable[Decision]) -> dict[tuple[str, str, str], Decision]:
    """The latest decision per (record, stage, who); `decisions` in log order.

    `who` is the reviewer for people's own decisions, and "<resolution>" / "<automation>" for
    those origins: a resolution recorded by reviewer ann must neither replace ann's own vote
    (kappa is computed on the independent votes) nor be undone by ann's next sheet.
    """
    out: dict[tuple[str, str, str], Decision] = {}
    for d in decisions:
        who = d.reviewer if d.origin in HUMAN_ORIGINS else f"<{d.origin}>"
        if d.decision == UNDECIDED:  # withdrawn by an undo: no current decision
            out.pop((d.record_id, d.stage, who), None)
        else:
            out[(d.record_id, d.stage, who)] = d
    return out


def without_repeats(
    decisions: Sequence[Decision], current: Mapping[tuple[str, str, str], Decision]
) -> list[Decision]:
    """The decisions that change something: one equal (decision, reason, note) to the
    reviewer's current one for that record and stage is left out, as is a later copy of the
    same decision in the same batch. Appending a repeat would be permanent (the log is
    append-only) and would make a re-run sheet count twice.
    """
    seen = {k: (d.decision, d.reason, d.note) for k, d in current.items()}
    out = []
    for d in decisions:
        key = (d.record_id, d.stage, d.reviewer if d.origin in HUMAN_ORIGINS else f"<{d.origin}>")
        value = (d.decision, d.reason, d.note)
        if seen.get(key) == value:
            continue
        seen[key] = value
        out.append(d)
    return out


@dataclass(frozen=True)
class Effective:
    """A record's decision at a stage for the review, and how it came about."""

    record_id: str
    stage: str
    decision: str  # include | exclude | maybe | not-retrieved | conflict
    reason: str = ""
    origin: str = ""  # resolution | human | automation
    votes: Mapping[str, str] = field(default_factory=dict)  # reviewer → decision (humans)


def effective(decisions: Iterable[Decision]) -> dict[tuple[str, str], Effective]:
    """(record, stage) → the decision that counts, by the precedence in the module docstring."""
    by_key: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in latest(decisions).values():
        by_key[(d.record_id, d.stage)].append(d)
    out: dict[tuple[str, str], Effective] = {}
    for key, ds in by_key.items():
        resolutions = [d for d in ds if d.origin == "resolution"]
        humans = [d for d in ds if d.origin in HUMAN_ORIGINS]
        robots = [d for d in ds if d.origin == "automation"]
        votes = {d.reviewer: d.decision for d in humans}
        if resolutions:
            d = resolutions[0]  # one per record and stage: the latest
            out[key] = Effective(key[0], key[1], d.decision, d.reason, "resolution", votes)
        elif humans:
            if len(set(votes.values())) == 1:
                # agreeing reviewers: the latest one's reason stands for the record
                d = humans[-1]
                reason = next((h.reason for h in reversed(humans) if h.reason), "")
                out[key] = Effective(key[0], key[1], d.decision, reason, "human", votes)
            else:
                out[key] = Effective(key[0], key[1], "conflict", "", "human", votes)
        elif robots:
            d = robots[-1]
            out[key] = Effective(key[0], key[1], d.decision, d.reason, "automation", {})
    return out


@dataclass(frozen=True)
class Conflict:
    record_id: str
    stage: str
    votes: Mapping[str, str]  # reviewer → decision
    reasons: Mapping[str, str]  # reviewer → reason (exclusions)
    # reviewer → the note they left with their decision (why, in their words: what the person
    # settling the disagreement reads first)
    notes: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"record_id": self.record_id, "votes": dict(self.votes),
                "reasons": dict(self.reasons), "notes": dict(self.notes)}  # fmt: skip


@dataclass(frozen=True)
class Agreement:
    """Two-or-more-reviewer agreement at one stage."""

    stage: str
    reviewers: tuple[str, ...]
    n_both: int  # records every reviewer decided
    n_agree: int
    kappa: float | None  # Cohen's kappa of the first two reviewers; None below 2 or undefined
    conflicts: tuple[Conflict, ...]


def agreement(decisions: Iterable[Decision], stage: str) -> Agreement:
    """Disagreements (unresolved) and Cohen's kappa between the human reviewers of a stage.

    Kappa is computed by scikit-learn over the records both of the first two reviewers (by
    name) decided. It is undefined (None) when both used a single identical label throughout.
    """
    from litsynth.kappa import cohen_kappa

    check_stage(stage)
    log = list(decisions)
    now = latest(log)
    human: dict[str, dict[str, Decision]] = defaultdict(dict)
    for (rid, st, reviewer), d in now.items():
        if st == stage and d.origin in HUMAN_ORIGINS:
            human[rid][reviewer] = d
    reviewers = tuple(sorted({r for votes in human.values() for r in votes}))
    eff = effective(log)
    conflicts = []
    n_both = n_agree = 0
    for rid, votes in sorted(human.items()):
        if len(votes) < 2:
            continue
        n_both += 1
        if len({d.decision for d in votes.values()}) == 1:
            n_agree += 1
        elif eff[(rid, stage)].decision == "conflict":
            conflicts.append(
                Conflict(
                    rid,
                    stage,
                    {r: d.decision for r, d in sorted(votes.items())},
                    {r: d.reason for r, d in sorted(votes.items()) if d.reason},
                    {r: d.note for r, d in sorted(votes.items()) if d.note},
                )
            )
    kappa = None
    if len(reviewers) >= 2:
        a, b = reviewers[0], reviewers[1]
        pairs = [(v[a].decision, v[b].decision) for v in human.values() if a in v and b in v]
        if pairs:
            ya, yb = zip(*pairs, strict=True)
            kappa = cohen_kappa(ya, yb)
    return Agreement(stage, reviewers, n_both, n_agree, kappa, tuple(conflicts))


def undecided_by(
    record_ids: Sequence[str], decisions: Iterable[Decision], *, stage: str, reviewer: str
) -> list[str]:
    """Records (in the given order) that `reviewer` has not decided at `stage` yet.

    Records a resolution or an automation rule's exclusion settled are left out too: asking a
    person to screen them again would waste their time. A rule's later "maybe" (the record
    no longer falls under it, settings changed) puts the record back: it is open again.
    """
    done = {
        record_id
        for (record_id, at, who), d in latest(decisions).items()
        if at == stage
        and (
            who == reviewer
            or d.origin == "resolution"
            or (d.origin == "automation" and d.decision != "maybe")
        )
    }
    return [r for r in record_ids if r not in done]
