"""Papers end to end: ingest + suggest + report over an N-document corpus, timed step by step.

Goal (issue 13): 1,000 papers in ≤ 10 minutes on this machine. `--docs N` runs a smaller corpus
of the same make-up. The figures are printed per paper and per passage, so a smaller run shows
which step costs what.

Corpus make-up: the 13 real papers under ../shared/data/pdfs/scholarly (1–39 pages, 1- and
2-column) and the five seeds, repeated in turn until there are N documents. Every copy gets
distinct bytes (PDFs: a trailing comment after %%EOF, which every reader ignores; text: a last
line naming the copy), so each is parsed, chunked and embedded anew. Their text is the same as
the original's. There is not enough distinct real full text in ../shared for 1,000 papers, so
repetition is the honest way to get the size. The seeds count as papers: they are full texts.

Repetition flatters any cache keyed by text: suggest and the report keep spaCy's reading of a
passage by its text hash, so a copy's passages are read, not parsed. The bench counts the
distinct passage texts and says so; for a projection to 1,000 distinct papers use a run of at
most 18 documents (every one distinct) or count those steps per distinct passage.

    .venv/bin/python bench/bench_thousand.py [--docs 1000] [--backend torch|onnx-int8]

Writes bench/results/thousand-<N>-<backend>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def sources() -> list[Path]:
    pdfs = sorted((SHARED / "data" / "pdfs" / "scholarly").rglob("*.pdf"))
    return pdfs + sorted((SHARED / "seeds").glob("*.txt"))


def build(root: Path, docs: int, backend: str) -> None:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    originals = sources()
    for n in range(docs):
        src = originals[n % len(originals)]
        copy = n // len(originals)
        data = src.read_bytes()
        if copy:
            mark = f"\n%litsynth-copy {copy}\n" if src.suffix == ".pdf" else f"\n\ncopy {copy}\n"
            data += mark.encode()
        (corpus / f"{n:04d}-{src.name}").write_bytes(data)
    shutil.copytree(REPO / "codebook", root / "codebook")
    (root / "litsynth.toml").write_text(
        f'[project]\nname = "thousand"\n\n[embed]\nbackend = "{backend}"\n', encoding="utf-8"
    )


def unique_passages(root: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(root / "litsynth.db")
    try:
        return int(conn.execute("SELECT COUNT(DISTINCT text) FROM chunks").fetchone()[0])
    finally:
        conn.close()


def timed(*args: str) -> tuple[float, dict]:
    t = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "litsynth"), *args, "--json"], env=ENV, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"litsynth {args[0]} failed after {seconds:.0f} s:\n{done.stderr}")
    print(f"  {args[0]} {args[1] if args[1] != '--project' else ''}: {seconds:.1f} s", flush=True)
    return seconds, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--backend", default="torch", choices=("torch", "torch-bf16", "onnx-int8"))
    args = parser.parse_args()
    if not (SHARED / "data" / "pdfs" / "scholarly").exists():
        print(f"skipped: {SHARED}/data/pdfs/scholarly is absent")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        build(root, args.docs, args.backend)
        project = ["--project", str(root)]
        steps: dict[str, float] = {}
        steps["ingest"], ingest = timed("ingest", *project)
        steps["suggest"], _ = timed("code", "suggest", *project)
        steps["report"], _ = timed("report", *project)
        # a reviewer runs these again after every batch of decisions: the second time spaCy's
        # reading of the passages is kept (indexes/nlp.sqlite); not part of the total
        again = {
            "suggest": timed("code", "suggest", *project)[0],
            "report": timed("report", *project)[0],
        }
        unique = unique_passages(root)
    total = sum(steps.values())
    passages = ingest["chunks_added"]
    result = {
        "docs": args.docs,
        "backend": args.backend,
        "ingested": ingest["documents_ingested"],
        "failed": len(ingest["failures"]),
        "passages": passages,
        "unique_passage_texts": unique,
        "seconds": {k: round(v, 1) for k, v in steps.items()} | {"total": round(total, 1)},
        "seconds_again": {k: round(v, 1) for k, v in again.items()},
        "seconds_per_paper": round(total / args.docs, 3),
        "projected_1000_papers_min": round(total / args.docs * 1000 / 60, 1),
    }
    for name, seconds in steps.items():
        print(f"{name:<8} {seconds:>8.1f} s  {seconds / args.docs:>6.3f} s/paper  "
              f"{passages / seconds:>7.1f} passages/s")  # fmt: skip
    if unique < passages:
        print(f"note: only {unique} of {passages} passage texts are distinct. Copies share their"
              " text, and suggest and the report keep spaCy's reading by text hash, so they"
              " read a copy's passages instead of parsing them: past the first"
              f" {len(sources())} documents their times flatter a corpus of distinct"
              " papers.")  # fmt: skip
    print(f"again: suggest {again['suggest']:.1f} s, report {again['report']:.1f} s")
    print(f"total    {total:>8.1f} s for {args.docs} papers ({passages} passages); "
          f"at this rate 1,000 papers take {result['projected_1000_papers_min']} min "
          "(goal: 10)")  # fmt: skip
    out = HERE / "results" / f"thousand-{args.docs}-{args.backend}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
