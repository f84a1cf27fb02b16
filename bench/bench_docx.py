"""Word and OpenDocument files: what ingest reads from a .docx or an .odt, against pandoc's
reading and (for .docx) python-docx, the raw library, on the same files in the same run.

The files are real .docx test sets of three document libraries and two manuscripts written in
Word (bench/DATA.md says where each comes from): pandoc's reader tests (tracked changes,
Zotero and Mendeley citation fields, notes, text boxes, content controls, tables), Apache
POI's (Word 2007–2016 files from bug reports, encrypted and truncated ones, fuzzing cases)
and python-docx's; and pandoc's 52 .odt reader tests (LibreOffice files). For each file:

- pandoc 2.17 (`-t plain --wrap=none --track-changes=accept`, Debian's `pandoc` package) is
  the reference reading: a mature converter that shows what Word shows;
- agreement: the share of pandoc's words (lower-case letters and digits, as a multiset) that
  a reading has (recall), and the share of the reading's words that pandoc has (precision).
  Pandoc numbers list items and draws table rules, which no reading here does, so 1.0 is
  not expected;
- python-docx, as a user of the raw library writes it: every body paragraph's text, then
  every table cell's. It is the speed reference, and its agreement shows what a plain reading
  misses (citation fields' results, notes, text boxes, content controls);
- outcome: litsynth reads the file or fails it with a reason; the other two may raise.

    .venv/bin/python bench/bench_docx.py [folder ...]

Default folders: bench/data/docx and bench/data/odt. Writes bench/results/docx.json.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = [REPO / "bench" / "data" / "docx", REPO / "bench" / "data" / "odt"]
OUT = REPO / "bench" / "results" / "docx.json"
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def agreement(reading: str, reference: str) -> tuple[float, float] | None:
    """(recall, precision) of `reading`'s words against `reference`'s; None if no words."""
    got, want = words(reading), words(reference)
    if not want or not got:
        return None
    shared = sum((got & want).values())
    return shared / sum(want.values()), shared / sum(got.values())


def with_pandoc(path: Path) -> str | None:
    done = subprocess.run(
        ["pandoc", "-f", path.suffix.lstrip("."), "-t", "plain", "--wrap=none",
         "--track-changes=accept", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return done.stdout if done.returncode == 0 else None


def with_python_docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def timed_ingest(path: Path) -> tuple[str | None, str, float]:
    """litsynth's reading of `path`: (its text or None, "read" or "failed: reason", seconds)."""
    from litsynth.ingest import ParseFailure, parse_file

    started = time.perf_counter()
    try:
        text: str | None = parse_file(path).text
        outcome = "read"
    except ParseFailure as failure:
        text, outcome = None, f"failed: {failure.reason}"
    return text, outcome, time.perf_counter() - started


def failures_by_reason(rows: list[dict[str, object]]) -> dict[str, int]:
    """How many files litsynth failed, by reason, from rows whose "litsynth" is "read" or
    "failed: reason"."""
    failures: dict[str, int] = {}
    for r in rows:
        if str(r["litsynth"]).startswith("failed"):
            reason = str(r["litsynth"]).split(": ", 1)[1]
            failures[reason] = failures.get(reason, 0) + 1
    return failures


def timed(read: Callable[[Path], str], path: Path) -> tuple[str | None, str, float]:
    """A raw library's reading of `path`: (its text or None, "read" or "raised X", seconds)."""
    started = time.perf_counter()
    try:
        text: str | None = read(path)
        outcome = "read"
    except Exception as exc:  # the raw libraries' errors have no common base
        text, outcome = None, f"raised {type(exc).__name__}"
    return text, outcome, time.perf_counter() - started


def main(folders: list[Path]) -> int:
    if shutil.which("pandoc") is None:
        print("pandoc is not installed (apt install pandoc): it is the reference reading")
        return 1

    files = sorted(
        f for folder in folders for suffix in ("*.docx", "*.odt") for f in folder.rglob(suffix)
    )
    if not files:
        print(f"no .docx files under {', '.join(map(str, folders))}: see bench/DATA.md")
        return 1
    rows = []
    for path in files:
        row: dict[str, object] = {"file": str(path.relative_to(path.parents[1]))}
        ours, row["litsynth"], row["litsynth_s"] = timed_ingest(path)
        raw: str | None = None
        if path.suffix == ".docx":  # python-docx reads no .odt
            raw, row["python_docx"], row["python_docx_s"] = timed(with_python_docx, path)
        reference = with_pandoc(path)
        row["pandoc"] = "read" if reference is not None else "failed"
        for name, reading in (("litsynth", ours), ("python_docx", raw)):
            if reading is not None and reference is not None:
                row[f"{name}_agreement"] = agreement(reading, reference)
        rows.append(row)

    def mean(key: str, part: int) -> float:
        values = [r[key][part] for r in scored if r.get(key)]  # type: ignore[index]
        return statistics.fmean(values)

    odt = [r for r in rows if str(r["file"]).endswith(".odt")]
    odt_scored = [r for r in odt if r.get("litsynth_agreement")]
    rows = [r for r in rows if not str(r["file"]).endswith(".odt")]
    scored = [r for r in rows if r.get("litsynth_agreement") and r.get("python_docx_agreement")]
    ours_s = sum(float(r["litsynth_s"]) for r in rows)  # type: ignore[arg-type]
    raw_s = sum(float(r["python_docx_s"]) for r in rows)  # type: ignore[arg-type]
    summary = {
        "odt_files": len(odt),
        "odt_read": sum(r["litsynth"] == "read" for r in odt),
        "odt_scored": len(odt_scored),
        "odt_recall": statistics.fmean(r["litsynth_agreement"][0] for r in odt_scored)  # type: ignore[index]
        if odt_scored
        else None,
        "odt_precision": statistics.fmean(r["litsynth_agreement"][1] for r in odt_scored)  # type: ignore[index]
        if odt_scored
        else None,
        "files": len(rows),
        "litsynth_read": sum(r["litsynth"] == "read" for r in rows),
        "litsynth_failed_with_reason": sum(str(r["litsynth"]).startswith("failed") for r in rows),
        "python_docx_raised": sum(str(r["python_docx"]).startswith("raised") for r in rows),
        "pandoc_failed": sum(r["pandoc"] == "failed" for r in rows),
        "scored_files": len(scored),
        "litsynth_recall": mean("litsynth_agreement", 0),
        "litsynth_precision": mean("litsynth_agreement", 1),
        "python_docx_recall": mean("python_docx_agreement", 0),
        "python_docx_precision": mean("python_docx_agreement", 1),
        "litsynth_s": ours_s,
        "python_docx_s": raw_s,
        "time_ratio": ours_s / raw_s,
    }
    worst = sorted(scored, key=lambda r: r["litsynth_agreement"][0])[:8]  # type: ignore[index]
    print(
        f"{summary['files']} files: litsynth read {summary['litsynth_read']}, failed "
        f"{summary['litsynth_failed_with_reason']} with a reason (never raised); python-docx "
        f"raised on {summary['python_docx_raised']}; pandoc failed on {summary['pandoc_failed']}"
    )
    print(f"agreement with pandoc over {len(scored)} files both read (mean per file):")
    print(
        f"  litsynth     recall {summary['litsynth_recall']:.3f}  "
        f"precision {summary['litsynth_precision']:.3f}"
    )
    print(
        f"  python-docx  recall {summary['python_docx_recall']:.3f}  "
        f"precision {summary['python_docx_precision']:.3f}"
    )
    print(
        f"time: litsynth {ours_s:.2f} s, python-docx {raw_s:.2f} s "
        f"({summary['time_ratio']:.2f}x the raw library's)"
    )
    if odt_scored:
        print(
            f".odt: {summary['odt_files']} files, litsynth read {summary['odt_read']}; against"
            f" pandoc over {len(odt_scored)}: recall {summary['odt_recall']:.3f}, precision"
            f" {summary['odt_precision']:.3f}"
        )
    print("lowest recall (litsynth, python-docx):")
    for r in worst:
        a, b = r["litsynth_agreement"], r["python_docx_agreement"]
        print(f"  {r['file']}: {a[0]:.3f}, {b[0]:.3f}")  # type: ignore[index]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    report = {"summary": summary, "files": rows + odt}
    OUT.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(a) for a in sys.argv[1:]] or DATA))
