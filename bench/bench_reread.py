"""`ingest --reread` on a corpus an older litsynth read and a reviewer coded: how many codings
and memos reach the new text with their words, and its time ÷ a fresh ingest of the same files.

The older litsynth is a git worktree of this repository at --old-commit (default: the end of
session 22, before glued words and small capitals were mended), run from its own src/ with
this venv. With it, as a reviewer would: `ingest`, `code discover --write` a draft codebook,
`code suggest`, `code export-sheet`, the sheet decided (of every six rows two accepted, one
rejected, the rest left), `code import-sheet`, then quotes coded by hand with `code add
--quote` and memos on passages with `code memo`. Then this litsynth runs `ingest --reread`
over the same store, and a fresh `ingest` of the same files in another project. Both are the
real CLI with the real model (all-MiniLM-L6-v2).

    .venv/bin/python bench/bench_reread.py [--pdfs DIR] [--old-commit REV]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from litsynth.ingest.anchor import letters

REPO = Path(__file__).resolve().parent.parent
SCHOLARLY = REPO.parent / "shared" / "data" / "pdfs" / "scholarly"
RESULTS = REPO / "bench" / "results"
OLD_COMMIT = "5a7b429"


def cli(args: list[str], *, old: Path | None = None) -> tuple[str, float]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if old is not None:
        env["PYTHONPATH"] = str(old / "src")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "litsynth", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"litsynth {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout, time.perf_counter() - started


def code_like_a_reviewer(project: Path, old: Path) -> None:
    p = ["--project", str(project)]
    cli(["code", "discover", "--write", str(project / "codebook" / "draft.yaml"), *p], old=old)
    cli(["code", "suggest", *p], old=old)
    sheet = project / "sheet.csv"
    cli(["code", "export-sheet", str(sheet), "--coder", "ana", *p], old=old)
    rows = list(csv.DictReader(sheet.open(encoding="utf-8-sig")))
    for i, row in enumerate(rows):
        row["decision"] = {0: "accept", 1: "accept", 2: "reject"}.get(i % 6, "")
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    cli(["code", "import-sheet", str(sheet), "--coder", "ana", *p], old=old)
    code_id = rows[0]["code"]
    rng = random.Random(11)
    with sqlite3.connect(project / "litsynth.db") as conn:
        passages = conn.execute(
            "SELECT id, text FROM chunks WHERE coalesce(role, 'body') = 'body' ORDER BY id"
        ).fetchall()
    for chunk_id, text in rng.sample(passages, 40):
        sentences = [
            s for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s) <= 300 and "\n" not in s
        ]
        if sentences:
            quote = rng.choice(sentences)
            cli(["code", "add", code_id, "--chunk", chunk_id, "--quote", quote, "--coder", "ana",
                 *p], old=old)  # fmt: skip
    for chunk_id, _ in rng.sample(passages, 20):
        cli(["code", "memo", chunk_id, "worth a second look", "--author", "ana", *p], old=old)


def coded_words(project: Path) -> dict[str, str]:
    with sqlite3.connect(project / "litsynth.db") as conn:
        rows = conn.execute(
            "SELECT c.id, substr(d.text, c.start + 1, c.end - c.start) FROM codings c"
            " JOIN documents d ON d.id = c.document_id"
        ).fetchall()
    return dict(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pdfs", type=Path, default=SCHOLARLY)
    parser.add_argument("--old-commit", default=OLD_COMMIT)
    args = parser.parse_args()
    if not args.pdfs.exists():
        sys.exit(f"{args.pdfs} is absent (expected ../shared beside the repo)")
    pdfs = sorted(args.pdfs.rglob("*.pdf"))
    with tempfile.TemporaryDirectory(prefix="bench-reread-") as tmp:
        work = Path(tmp)
        old = work / "old"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(old),
                        args.old_commit], check=True)  # fmt: skip
        try:
            result = _measure(work, old, pdfs, args.old_commit)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)],
                           check=False)  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reread.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


def _measure(work: Path, old: Path, pdfs: list[Path], commit: str) -> dict[str, object]:
    project, fresh = work / "coded", work / "fresh"
    for root in (project, fresh):
        cli(["init", str(root)])
        for pdf in pdfs:
            shutil.copy2(pdf, root / "corpus" / pdf.name)
    cli(["ingest", "--quiet", "--project", str(project)], old=old)
    code_like_a_reviewer(project, old)
    before = coded_words(project)
    with sqlite3.connect(project / "litsynth.db") as conn:
        memos = conn.execute("SELECT COUNT(*) FROM memos").fetchone()[0]
    out, reread_wall = cli(["ingest", "--reread", "--json", "--project", str(project)])
    report = json.loads(out)
    _, fresh_wall = cli(["ingest", "--quiet", "--project", str(fresh)])
    after = coded_words(project)
    same_text = sum(after.get(i) == q for i, q in before.items())
    same_words = sum(
        i in after and after[i] != q and letters(after[i]).text == letters(q).text
        for i, q in before.items()
    )
    with (
        sqlite3.connect(project / "litsynth.db") as conn,
        sqlite3.connect(fresh / "litsynth.db") as other,
    ):
        passages = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        fresh_passages = other.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        texts_match = dict(conn.execute("SELECT path, text FROM documents").fetchall()) == dict(
            other.execute("SELECT path, text FROM documents").fetchall()
        )
    left = [x for c in report["carried"] for x in c["left"]]
    result = {
        "old_commit": commit,
        "files": len(pdfs),
        "codings": len(before),
        "memos": memos,
        "files_read_same": report["documents_reread_same"],
        "files_replaced": report["documents_ingested"],
        "codings_carried": sum(c["codings"] for c in report["carried"] if not c["kept_old"]),
        "memos_carried": sum(c["memos"] for c in report["carried"] if not c["kept_old"]),
        "codings_left": len(left),
        "same_text": same_text,
        "same_words_text_mended": same_words,
        "other_span": len(before) - same_text - same_words,
        "passages": passages,
        "passages_fresh_ingest": fresh_passages,
        "texts_equal_fresh_ingest": texts_match,
        "reread_s": round(reread_wall, 1),
        "fresh_ingest_s": round(fresh_wall, 1),
        "reread_over_fresh": round(reread_wall / fresh_wall, 2),
    }
    print(
        f"reread {reread_wall:.1f} s ÷ fresh ingest {fresh_wall:.1f} s ="
        f" {reread_wall / fresh_wall:.2f}×; codings {len(before)}: {same_text} same text,"
        f" {same_words} same words (text mended), {len(left)} left",
        file=sys.stderr,
    )
    return result


if __name__ == "__main__":
    main()
