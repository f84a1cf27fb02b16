"""Ending title/abstract screening where the stopping rule allows it.

`litsynth screen status` says when a reviewer may stop (`stopping.py`), but stopping left the
records nobody had screened waiting for a decision for ever: the PRISMA flow kept "708 await a
decision" and the review never reached a final count. `stop_screening` ends it, on the rule's
word only: each record no reviewer has decided is excluded in the log, by automation, with
the verdict that allowed it in the decision's source. The log is append-only, so nothing is
lost: `resume_screening` withdraws those exclusions and the records go back to the queue, and
a reviewer who screens one of them later overrides the exclusion as any person's decision
overrides a rule's.

Where the flow counts them: no person screened these records, so they are not among PRISMA's
"Records screened"; a tool (the prioritisation and its stopping rule) set them aside, which is
"Records marked as ineligible by automation tools". The Methods (`prisma_prose`) say which
rule, who stopped where, with its p, and how many records it set aside.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.screening_ops import candidate_ids
from litsynth.biblio.screening_progress import progress, screeners
from litsynth.biblio.stopping import p_text
from litsynth.errors import ScreeningError
from litsynth.records import TITLE_ABSTRACT, Decision
from litsynth.store import screening_log as store
from litsynth.words import count

REASON = "not screened: the stopping rule was met"


@dataclass(frozen=True)
class Stop:
    """A reviewer's stop: where they stood when the rule allowed it, and what it set aside."""

    reviewer: str
    screened: int  # records the reviewer had decided at the stop
    pool: int  # records theirs to screen at the stop
    p_value: float
    target_recall: float
    alpha: float
    at: str
    records: tuple[str, ...]  # the records excluded without screening

    def source(self) -> str:
        """The decision's provenance: enough to tell the stop again from the log alone. The
        name is %-quoted: "Jane Doe" has a space, and the fields are split on spaces."""
        return (
            f"{rules.STOP_SOURCE} reviewer={quote(self.reviewer, safe='')} screened={self.screened}"
            f" pool={self.pool} p={self.p_value:.6g} target={self.target_recall:g}"
            f" alpha={self.alpha:g}"
        )

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "records": list(self.records), "excluded": len(self.records)}

    def told(self) -> dict[str, object]:
        """`to_json` with the records by their count: a status, not the list of thousands."""
        return {**self.to_json(), "records": len(self.records)}


def stops(log: Iterable[Decision]) -> list[Stop]:
    """The stops that stand in the log (withdrawn ones left out), in the order they were made."""
    standing = [
        d for d in rules.latest(log).values() if rules.is_stop(d) and d.decision == "exclude"
    ]
    by_source: dict[tuple[str, str], list[Decision]] = {}
    for d in standing:
        by_source.setdefault((d.at, d.source), []).append(d)
    out = []
    for (at, source), ds in sorted(by_source.items()):
        fields = dict(part.split("=", 1) for part in source.split()[1:] if "=" in part)
        out.append(
            Stop(unquote(fields.get("reviewer", "")), int(fields.get("screened", 0)),
                 int(fields.get("pool", 0)), float(fields.get("p", 1.0)),
                 float(fields.get("target", 0.95)), float(fields.get("alpha", 0.05)), at,
                 tuple(d.record_id for d in ds))
        )  # fmt: skip
    return out


def stopping_statements(conn: sqlite3.Connection) -> list[str]:
    """What the stopping rule says of each reviewer's title/abstract screening, in words a
    methods section can quote (`litsynth prisma` and the report's PRISMA section print them),
    after the stops that ended it: once records are set aside, a reviewer's own line counts
    only what was left to them. At full text every report is read: no rule applies there."""
    out = [
        f"{TITLE_ABSTRACT}: stopped by {s.reviewer} after {s.screened} of {s.pool} records"
        f" ({p_text(s.p_value)} for recall below {s.target_recall:.0%});"
        f" {count(len(s.records), 'record')} nobody screened set aside (`litsynth screen stop`)."
        for s in stops(store.log(conn, TITLE_ABSTRACT))
    ]
    for prog in screeners(conn, TITLE_ABSTRACT):
        v = prog.stopping
        out.append(
            f"{prog.stage}, {prog.reviewer}: {prog.screened} of {prog.pool} records screened,"
            f" {prog.included + prog.maybe} included or maybe; smallest"
            f" {p_text(v.p_value)} for recall below {v.target_recall:.0%}. {v.summary()}."
        )
    return out


def unscreened(conn: sqlite3.Connection) -> list[str]:
    """The title/abstract records nobody has decided: no reviewer, no rule, no resolution.
    An automation maybe (a year rule that no longer applies) returned its record to them."""
    decided = {
        rid
        for (rid, _, _), d in rules.latest(store.log(conn, TITLE_ABSTRACT)).items()
        if not (d.origin == "automation" and d.decision == "maybe")
    }
    return [rid for rid in candidate_ids(conn, TITLE_ABSTRACT) if rid not in decided]


def stop_screening(conn: sqlite3.Connection, reviewer: str, target_recall: float = 0.95) -> Stop:
    """Exclude every title/abstract record nobody has decided, if the stopping rule lets
    `reviewer` stop; otherwise a ScreeningError with the rule's verdict and nothing written."""
    prog = progress(conn, stage=TITLE_ABSTRACT, reviewer=reviewer, target_recall=target_recall)
    verdict = prog.stopping
    if not prog.candidates:
        raise ScreeningError(
            "there are no records at title/abstract to stop screening",
            "import a database export first: `litsynth import FILE --source NAME`",
        )
    if not prog.screened:
        raise ScreeningError(
            f"{reviewer} has not screened any record at title/abstract",
            "the stopping rule reads a reviewer's own decisions: name one with --reviewer",
        )
    left = unscreened(conn)
    if not left:
        raise ScreeningError(
            "every record at title/abstract has a decision: there is nothing left to stop",
            "`litsynth prisma` gives the flow as it stands",
        )
    if not verdict.stop:
        raise ScreeningError(
            f"the stopping rule does not let {reviewer} stop yet: {verdict.summary()}",
            "keep screening (`litsynth screen next`, or the workspace); `litsynth screen"
            " status` follows the rule",
        )
    stop = Stop(reviewer, prog.screened, prog.pool, verdict.p_value, verdict.target_recall,
                verdict.alpha, rules.now_utc(), tuple(left))  # fmt: skip
    note = f"{reviewer} stopped after {prog.screened} of {prog.pool}: {verdict.summary()}"
    store.append(
        conn,
        [
            Decision(rid, TITLE_ABSTRACT, "exclude", rules.AUTOMATION_REVIEWER, stop.at,
                     reason=REASON, note=note, origin="automation", source=stop.source())
            for rid in left
        ],
    )  # fmt: skip
    return stop


def resume_screening(conn: sqlite3.Connection) -> int:
    """Withdraw every standing stop's exclusions: the records return to the queue. How many."""
    at = rules.now_utc()
    back = [
        Decision(d.record_id, TITLE_ABSTRACT, rules.UNDECIDED, rules.AUTOMATION_REVIEWER, at,
                 note="screening resumed", origin="automation", source=d.source)
        for d in rules.latest(store.log(conn, TITLE_ABSTRACT)).values()
        if rules.is_stop(d) and d.decision == "exclude"
    ]  # fmt: skip
    return store.append(conn, back)
