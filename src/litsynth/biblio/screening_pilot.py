"""A pilot round: the records every reviewer screens first, to compare before going on.

Review handbooks ask a team to pilot its criteria: each reviewer screens the same sample of
records on their own, the team compares the decisions, sharpens the criteria where they
disagreed, and only then screens the rest (Cochrane Handbook 4.6.4; PRISMA 2020 item 8 asks
how the selection was done). Without it each reviewer's queue is ranked by their own
decisions, so two reviewers' first records differ and their agreement is only known late.

`start_pilot` draws the sample at random from the records nobody has decided at the stage
(seeded, so the draw can be told and repeated); every reviewer's queue then serves those
records first (`screening_ops.Queue.pending`), in the terminal, the sheets and the workspace
alike. `pilot_report` says who has screened how many of them and how the reviewers agreed on
them (the agreement of the whole stage is kept apart). The pilot's records stay marked after
it ends, for the Methods; `end_pilot` takes the mark off, should the pilot be redrawn.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from litsynth.biblio import screening_rules as rules
from litsynth.errors import ScreeningError
from litsynth.records import Decision
from litsynth.store import screening_log as store
from litsynth.words import and_list, count


@dataclass(frozen=True)
class PilotReport:
    stage: str
    size: int
    done: dict[str, int]  # reviewer → pilot records they have decided
    agreement: rules.Agreement  # the reviewers' agreement on the pilot's records only

    def lines(self) -> list[str]:
        a = self.agreement
        who = ", ".join(f"{r} {n}" for r, n in sorted(self.done.items())) or "nobody yet"
        out = [f"pilot at {self.stage}: {count(self.size, 'record')}; screened by {who}"]
        if a.n_both:
            kappa = "undefined" if a.kappa is None else f"{a.kappa:.2f}"
            out.append(
                f"  {a.n_agree} of the {a.n_both} decided by two or more agree; Cohen's kappa"
                f" {kappa} ({and_list(list(a.reviewers[:2]))})"
            )
        for c in a.conflicts:
            votes = ", ".join(f"{r}: {v}" for r, v in c.votes.items())
            out.append(f"  {c.record_id}: {votes}")
        return out

    def to_json(self) -> dict[str, object]:
        a = self.agreement
        return {
            "stage": self.stage,
            "size": self.size,
            "done": self.done,
            "n_both": a.n_both,
            "n_agree": a.n_agree,
            "kappa": a.kappa,
            "conflicts": [c.to_json() for c in a.conflicts],
        }


def start_pilot(
    conn: sqlite3.Connection, stage: str, candidate_ids: list[str], *, size: int, seed: int
) -> list[str]:
    """Draw the pilot: `size` of the `candidate_ids` nobody has decided at `stage`, at random
    (numpy's generator seeded with `seed`), in the order they will be shown."""
    rules.check_stage(stage)
    if size < 1:
        raise ScreeningError("a pilot needs at least 1 record", hint="--size 50")
    drawn = store.pilot_ids(conn, stage)
    if drawn:
        raise ScreeningError(
            f"a pilot of {count(len(drawn), 'record')} is already drawn at {stage}",
            hint="`litsynth screen pilot` says where it stands; --end takes it off to draw again",
        )
    eff = rules.effective(store.log(conn, stage))
    open_ids = [r for r in candidate_ids if (r, stage) not in eff]
    if not open_ids:
        raise ScreeningError(
            f"no record is left undecided at {stage} to draw a pilot from",
            hint="a pilot is drawn before screening starts",
        )
    import numpy as np  # only to draw: the report and the Methods read the pilot without it

    rng = np.random.default_rng(seed)
    chosen = [open_ids[i] for i in rng.choice(len(open_ids), min(size, len(open_ids)),
                                               replace=False)]  # fmt: skip
    store.add_pilot(conn, stage, chosen, rules.now_utc())
    return chosen


def standing(log: Iterable[Decision], stage: str, ids: Sequence[str]) -> PilotReport:
    """Where a pilot of `ids` stands at `stage` in `log` (the pilot's part is taken from it):
    who decided how many of its records, and their agreement on them."""
    wanted = set(ids)
    part = [d for d in log if d.record_id in wanted and d.stage == stage]
    done: dict[str, int] = {}
    for (_rid, _st, who), d in rules.latest(part).items():
        if d.origin in rules.HUMAN_ORIGINS and d.decision != rules.UNDECIDED:
            done[who] = done.get(who, 0) + 1
    return PilotReport(stage, len(ids), done, rules.agreement(part, stage))


def pilot_report(conn: sqlite3.Connection, stage: str) -> PilotReport | None:
    """Where the pilot stands at `stage`, or None when none was drawn."""
    ids = store.pilot_ids(conn, stage)
    if not ids:
        return None
    return standing(store.log(conn, stage, records=ids), stage, ids)


def end_pilot(conn: sqlite3.Connection, stage: str) -> int:
    """Take the pilot mark off its records (their decisions stay); how many it had."""
    rules.check_stage(stage)
    return store.clear_pilot(conn, stage)
