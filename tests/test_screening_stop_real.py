"""A real review screened in litsynth's order until the stopping rule allows a stop, then
stopped: the recall kept, the work saved and the PRISMA counts (slow: ~1,000 decisions each).

The two shared reviews (../shared/data/screening): Kitchenham 2010 (1,704 records, 45
included; its final labels stand in for title/abstract decisions) and Nagtegaal 2019 (2,019
records, 389 included at title/abstract). A reviewer decides each record the queue serves
first, as in the workspace. The rule is asked every 10 decisions, as bench/bench_stopping.py
asks it; when it says stop, `litsynth screen stop` sets the rest aside.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli
from litsynth.config import open_project
from litsynth.records import TITLE_ABSTRACT

pytestmark = pytest.mark.slow


def _ok(root: Path, *args: str) -> str:
    done = CliRunner().invoke(cli, [*args, "--project", str(root)])
    assert done.exit_code == 0, done.output
    return done.output


REVIEWS = {
    "Kitchenham 2010": (
        "data/screening/Hall_Wahono_Radjenovic_Kitchenham/output/Kitchenham_2010.csv",
        "label_included",
    ),
    "Nagtegaal 2019": (
        "data/screening/Nagtegaal_2019/output/Nagtegaal_2019.csv",
        "label_abstract_screening",
    ),
}


@pytest.mark.parametrize("review", REVIEWS)
def test_a_review_stopped_by_the_rule_keeps_its_recall(project: Path, review: str) -> None:
    from litsynth.biblio import screening_ops as ops
    from litsynth.biblio.screening_progress import progress
    from litsynth.store import opened

    where, column = REVIEWS[review]
    csv = shared(where)
    data = pd.read_csv(csv)
    _ok(project, "import", str(csv), "--source", "PubMed")
    _ok(project, "dedupe", "--from-column", "duplicate_record_id")
    unique = data[data["duplicate_record_id"].isna()]
    label = {str(r): int(v) for r, v in zip(unique["record_id"], unique[column], strict=True)}
    settings = open_project(project).settings.screening
    with opened(project / "litsynth.db") as conn:
        queue = ops.Queue(conn, stage=TITLE_ABSTRACT, reviewer="ann", settings=settings)
        decided = 0
        while True:
            rec = queue.pending(conn)[0]
            decision = "include" if label[rec.id] else "exclude"
            ops.record_decision(conn, rec.id, stage=TITLE_ABSTRACT, decision=decision,
                                reviewer="ann", settings=settings, origin="terminal")  # fmt: skip
            decided += 1
            if (
                decided % 10 == 0
                and progress(conn, stage=TITLE_ABSTRACT, reviewer="ann").stopping.stop
            ):
                break
    stop = json.loads(_ok(project, "screen", "stop", "--reviewer", "ann", "--json"))
    found = sum(label[r] for r in label if r not in set(stop["records"]))
    recall, saved = found / sum(label.values()), stop["excluded"] / len(label)
    print(f"{review}: stopped after {decided} of {len(label)}, recall {recall:.3f},"
          f" work saved {saved:.1%}, p = {stop['p_value']:.4f}")  # fmt: skip
    assert recall >= 0.95  # the rule's promise: 95 % recall, with 95 % confidence
    assert stop["screened"] == decided and stop["excluded"] == len(label) - decided > 0
    flow = json.loads(_ok(project, "prisma", "--json"))
    assert flow["excluded_automatic"] == stop["excluded"]
    assert flow["records_screened"] == decided and flow["records_awaiting"] == 0
