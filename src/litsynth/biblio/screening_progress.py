"""Where a reviewer stands at a stage, and whether they may stop: what `litsynth screen
status`, the workspace's progress panel and the report's PRISMA section say.

At title/abstract that is the statistical stopping rule (stopping.py) over the reviewer's
decisions in the order they were made. At full text no rule applies: every report sought is
assessed, or recorded as not retrieved.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from litsynth.biblio import screening_rules as rules
from litsynth.biblio import stopping
from litsynth.biblio.screening_ops import RANDOM_SAMPLE, candidate_ids
from litsynth.biblio.stopping import StoppingVerdict
from litsynth.records import FULL_TEXT
from litsynth.store import screening_log as store
from litsynth.words import count


def screeners(conn: sqlite3.Connection, stage: str) -> list[Progress]:
    """Where each reviewer who has screened at `stage` stands, by name."""
    reviewers = sorted({d.reviewer for d in store.log(conn, stage)
                        if d.origin in rules.HUMAN_ORIGINS})  # fmt: skip
    every = (progress(conn, stage=stage, reviewer=reviewer) for reviewer in reviewers)
    return [prog for prog in every if prog.screened]


@dataclass(frozen=True)
class Progress:
    """Where one reviewer stands at a stage: what the workspace's progress panel shows."""

    stage: str
    reviewer: str
    candidates: int  # records at this stage
    screened: int  # decided by this reviewer
    settled: int  # not for this reviewer to screen: excluded by a rule, or resolved, first
    included: int
    excluded: int
    maybe: int
    since_last_include: int  # the reviewer's decisions since their last include (stopping cue)
    stopping: StoppingVerdict  # the statistical rule on this reviewer's decisions in order
    # includes (and maybes) found after each record, in the order they were first screened:
    # the recall curve the workspace draws against random order
    found: tuple[int, ...] = ()
    not_retrieved: int = 0  # full text only: reports that could not be obtained

    def to_json(self) -> dict[str, object]:
        stopping = self.stopping.to_json()
        if self.stage == FULL_TEXT:  # what the panel shows there, in place of the rule's words
            stopping.update(stop=self.screened >= self.pool, summary=self.verdict())
        return {
            **{k: v for k, v in self.__dict__.items() if k != "stopping"},
            "pool": self.pool,
            "remaining": self.pool - self.screened,
            "stopping": stopping,
        }

    def verdict(self) -> str:
        """Whether this reviewer may stop. At title/abstract, the statistical rule's verdict.
        At full text no rule applies: every report sought is assessed (or recorded as not
        retrieved), which is what PRISMA's "reports assessed" counts; a rule for stopping
        early there said "keep screening: about 4 more excludes in a row" of reports that
        must all be read."""
        if self.stage != FULL_TEXT:
            return self.stopping.summary()
        left = self.pool - self.screened
        if self.pool == 0:
            return "no reports at full text yet: records included at title/abstract come here"
        if left <= 0:
            return "done: every report sought is assessed or recorded as not retrieved"
        return (
            f"keep going: {count(left, 'report')} left; at full text every report sought is"
            " assessed (or recorded as not retrieved), no stopping rule applies"
        )

    @property
    def pool(self) -> int:
        """The records this reviewer screens at the stage: what "N of M screened" and the
        stopping rule count. A record a rule excluded before they saw it is not among them."""
        return self.candidates - self.settled

    def summary(self) -> str:
        settled = f" ({self.settled} more settled by rules or resolutions)" if self.settled else ""
        missing = f", {self.not_retrieved} not retrieved" if self.not_retrieved else ""
        return (
            f"{self.reviewer} at {self.stage}: {self.screened} of {self.pool} screened{settled},"
            f" {self.included} included, {self.excluded} excluded, {self.maybe} maybe{missing};"
            f" {self.since_last_include} since the last include\n{self.verdict()}"
        )


def progress(
    conn: sqlite3.Connection, *, stage: str, reviewer: str, target_recall: float = 0.95
) -> Progress:
    """Counts of one reviewer's decisions at a stage (their latest per record), and what the
    stopping rule says of them. A maybe counts as an include for the rule: it may be one, and
    counting it so can only delay the verdict, never make it come too early."""
    rules.check_stage(stage)
    ids = candidate_ids(conn, stage)
    at_stage = set(ids)
    log = store.log(conn, stage)
    mine = [
        d
        for d in log
        if d.reviewer == reviewer and d.origin in rules.HUMAN_ORIGINS and d.record_id in at_stage
    ]  # a resolution recorded by this reviewer is not their own screening (see rules.latest)
    # A dict keeps the order keys were first inserted in: the order records were first
    # screened, each with the reviewer's latest decision on it (what the stopping rule reads).
    latest = {d.record_id: d.decision for d in mine}
    latest = {rid: v for rid, v in latest.items() if v != rules.UNDECIDED}  # undone
    left = set(rules.undecided_by(ids, log, stage=stage, reviewer=reviewer))
    settled = len(ids) - len(left) - len(latest)
    # the random-sample phase: records decided from a random draw of the rest (source
    # "random-sample"), from the first of them on, if every later one was drawn so too
    sampled = {d.record_id for d in mine if d.source.startswith(RANDOM_SAMPLE)}
    order = list(latest)
    first = next((i for i, rid in enumerate(order) if rid in sampled), None)
    random_from = first if first is not None and all(r in sampled for r in order[first:]) else None
    since = 0
    for d in mine:  # in log order
        if d.decision != rules.UNDECIDED:
            since = 0 if d.decision == "include" else since + 1
    counts = {k: sum(1 for v in latest.values() if v == k) for k in rules.DECISIONS}
    labels = [1 if decision in ("include", "maybe") else 0 for decision in latest.values()]
    rule = stopping.verdict(
        labels, len(ids) - settled, target_recall=target_recall, random_from=random_from
    )
    return Progress(
        stage, reviewer, len(ids), len(latest), settled, counts["include"], counts["exclude"],
        counts["maybe"], since, rule, tuple(int(x) for x in np.cumsum(labels)),
        counts["not-retrieved"],
    )  # fmt: skip
