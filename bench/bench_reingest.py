"""Re-ingest of an unchanged corpus ÷ first ingest (goal ≤ 0.02), and peak memory of one
`litsynth ingest` run over every shared PDF (scholarly + hard) plus the demo corpus.

Both runs are the real CLI in a subprocess with the demo settings (all-MiniLM-L6-v2). Peak
memory is the largest sum of RSS over the CLI process and its parse workers, sampled every
50 ms with psutil. The ratio uses the run's own timer (`seconds` in the --json summary:
from opening the store to the last index write), and the wall-clock ratio including
interpreter start-up is printed beside it.

    .venv/bin/python bench/bench_reingest.py [--pdfs DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from litsynth.ingest import FAILURE_REASONS

REPO = Path(__file__).resolve().parent.parent
SHARED_PDFS = REPO.parent / "shared" / "data" / "pdfs"
RESULTS = REPO / "bench" / "results"


def run_cli(args: list[str]) -> tuple[dict[str, object], float, int, int]:
    """(json summary, wall seconds, peak tree RSS bytes, exit code) of one CLI run."""
    cmd = [sys.executable, "-m", "litsynth", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        print(err.decode()[-3000:], file=sys.stderr)
        return {}, wall, peak, proc.returncode
    return json.loads(out), wall, peak, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pdfs", type=Path, default=SHARED_PDFS)
    args = parser.parse_args()
    if not args.pdfs.exists():
        sys.exit(f"{args.pdfs} is absent (expected ../shared beside the repo)")

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "demo"
        shutil.copytree(REPO / "corpus", project / "corpus")
        shutil.copy2(REPO / "litsynth.toml", project / "litsynth.toml")
        cli_args = [
            "ingest",
            "--json",
            "--quiet",
            "--project",
            str(project),
            str(project / "corpus"),
            str(args.pdfs),
        ]

        first, first_wall, peak, code = run_cli(cli_args)
        if code != 0:
            sys.exit(f"first ingest crashed with exit code {code}")
        again, again_wall, _, code = run_cli(cli_args)
        if code != 0:
            sys.exit(f"re-ingest crashed with exit code {code}")

    failures = first["failures"]
    assert isinstance(failures, list)
    unexplained = [f for f in failures if f["reason"] not in FAILURE_REASONS]
    by_reason: dict[str, int] = {}
    for f in failures:
        by_reason[f["reason"]] = by_reason.get(f["reason"], 0) + 1
    result = {
        "files_seen": first["documents_seen"],
        "documents_ingested": first["documents_ingested"],
        "chunks": first["chunks_added"],
        "failures_by_reason": dict(sorted(by_reason.items())),
        "failures_without_known_reason": len(unexplained),
        "crashes": 0,  # both runs exited 0 (checked above)
        "first_ingest_s": first["seconds"],
        "reingest_s": again["seconds"],
        "reingest_ratio": round(float(again["seconds"]) / float(first["seconds"]), 5),  # type: ignore[arg-type]
        "first_ingest_wall_s": round(first_wall, 2),
        "reingest_wall_s": round(again_wall, 2),
        "reingest_wall_ratio": round(again_wall / first_wall, 4),
        "reingest_skipped_unchanged": again["documents_skipped_unchanged"],
        "reingest_skipped_failed": again["documents_skipped_failed"],
        "peak_rss_mb": round(peak / 2**20, 1),
        "goal_reingest_ratio_max": 0.02,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reingest.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    ok = result["reingest_ratio"] <= 0.02 and not unexplained  # type: ignore[operator]
    print(
        f"re-ingest ÷ first ingest = {result['reingest_ratio']} (goal ≤ 0.02): "
        f"{'OK' if ok else 'MISSED'}; peak memory {result['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
