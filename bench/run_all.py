"""Run every benchmark in bench/, one after another, and summarise where the numbers went.

Each benchmark prints its own ratios against the raw library measured in the same run and
writes bench/results/<name>.json. They are kept out of the test run on purpose: on this 2-core
machine the whole set takes about an hour (dedupe over 13.7k records and the ASReview
side-by-side are the long ones). Pass names to run a subset: `python bench/run_all.py embed
screening`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# Fast ones first, so a partial run still says something.
ORDER = [
    "embed", "search_start", "reingest", "ingest_pdf", "ocr", "docx", "doc", "rtf", "epub", "jats",
    "suggest_speed", "synthesis", "words", "review", "learning", "analysis", "import", "exports",
    "references", "roles", "zeroshot", "manycodes", "csabstruct", "screening", "screen_import",
    "dedupe", "dedupe_order", "record_finder", "backup", "deposit", "previous", "studies",
    "printed_pages", "pdf_metadata", "reread", "annotations", "framework",
]  # fmt: skip


def main(names: list[str]) -> int:
    chosen = names or ORDER
    unknown = [n for n in chosen if not (BENCH / f"bench_{n}.py").exists()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(ORDER)}")
        return 2
    failed = []
    for name in chosen:
        print(f"\n=== bench_{name}.py ===", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(BENCH / f"bench_{name}.py")], check=False)
        print(
            f"=== bench_{name}.py: exit {done.returncode}, {time.monotonic() - started:.0f} s ==="
        )
        if done.returncode:
            failed.append(name)
    print(f"\nresults: {BENCH / 'results'}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
