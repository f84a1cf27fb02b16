"""kill -9 during `screen import`, then the re-run a user makes: every decision exactly once.

The hardening probe killed `screen import` of Nagtegaal 2019's 2,008 title/abstract decisions at
random moments; when the kill landed after the commit but before the output (3 of 7 kills), the
re-run appended all 2,008 again. This loop kills at random points across the whole command
(start-up, parsing, the transaction, the output), re-runs, and counts the log's rows.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli

pytestmark = pytest.mark.slow
KILLS = 12


def _cli(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "litsynth", *args, "--project", str(project)]


def _rows(project: Path) -> tuple[int, int]:
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        total = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
        distinct = conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT record_id, stage, reviewer FROM decisions)"
        ).fetchone()[0]
        return int(total), int(distinct)
    finally:
        conn.close()


def test_screen_import_killed_at_random_points_then_rerun_counts_once(
    project: Path, tmp_path: Path
) -> None:
    csv = shared("data/screening/Nagtegaal_2019/output/Nagtegaal_2019.csv")
    data = pd.read_csv(csv)
    unique = data[data["duplicate_record_id"].isna()]
    result = CliRunner().invoke(cli, ["import", str(csv), "--source", "PubMed", "--project",
                                      str(project)])  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = tmp_path / "ta.csv"
    unique.assign(
        record_id=unique["record_id"].astype(str),
        decision=unique["label_abstract_screening"].astype(int),
    )[["record_id", "decision"]].to_csv(sheet, index=False)
    n = len(unique)
    template = tmp_path / "template"
    shutil.copytree(project, template)

    # How long one import takes here, to spread the kills over the whole command.
    started = time.monotonic()
    done = subprocess.run(_cli(project, "screen", "import", str(sheet)), capture_output=True)
    assert done.returncode == 0, done.stderr
    span = time.monotonic() - started
    assert _rows(project) == (n, n)

    rng = random.Random(20261203)
    outcomes = {"killed-before-commit": 0, "killed-after-commit": 0, "finished": 0}
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for i in range(KILLS):
        work = tmp_path / f"kill-{i}"
        shutil.copytree(template, work)
        proc = subprocess.Popen(
            _cli(work, "screen", "import", str(sheet)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.1) * span)
        proc.send_signal(signal.SIGKILL)
        code = proc.wait()
        total, _ = _rows(work)
        if code == 0:
            outcomes["finished"] += 1
        else:
            outcomes["killed-after-commit" if total == n else "killed-before-commit"] += 1
        assert total in (0, n), f"a partial sheet in the log after kill {i}: {total} rows"
        rerun = subprocess.run(_cli(work, "screen", "import", str(sheet)), capture_output=True,
                               env=env)  # fmt: skip
        assert rerun.returncode == 0, rerun.stderr
        assert _rows(work) == (n, n), f"after kill {i} and a re-run"
        shutil.rmtree(work)
    # The loop must have hit the dangerous window at least once to mean anything.
    assert outcomes["killed-after-commit"] + outcomes["killed-before-commit"] >= KILLS // 2, (
        outcomes
    )
    print(f"\nkill -9 outcomes over {KILLS} runs ({n} decisions): {outcomes}")
