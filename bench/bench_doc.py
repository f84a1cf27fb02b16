"""Word .doc files (Word 97–2003 and Word 6/95): what ingest reads, against antiword on the
same files in the same run.

The files are Apache POI's .doc test set (bench/DATA.md): 155 files Word wrote, from bug
reports in many languages, with fields, notes, tables and text boxes, plus password-protected,
Word 6/95 and fuzzed ones. antiword 0.37 (Debian's `antiword`, `-m UTF-8.txt -w 0`) is the
reference reading and the speed reference: the tool a user would reach for, run once per
file as a user runs it (so its time includes starting a process). For each file:

- agreement: the share of antiword's words (lower-case letters and digits, as a multiset)
  that litsynth's reading has (recall), and the share of litsynth's words antiword has
  (precision). antiword writes "[pic]" for pictures and draws table rules, and misses some
  files' text entirely ("the text stream of this file is too small"), so 1.0 is not
  expected;
- outcome: litsynth reads the file or fails it with a reason; antiword may exit with an
  error.

Headings (a .doc's sections): antiword does not say which paragraphs are headings, so the
reference is LibreOffice Writer 7.4's reading of the same files, saved as .docx (one process
for the folder) and read by litsynth's .docx reader: Word's heading styles and outline levels
as LibreOffice kept them. Each file's section labels are compared as a multiset: the shared
ones over litsynth's (precision) and over LibreOffice's (recall). Skipped without LibreOffice.

    .venv/bin/python bench/bench_doc.py [folder]

Default folder: bench/data/doc. Writes bench/results/doc.json. Needs `apt install antiword`
(and `libreoffice-writer-nogui` for the headings).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_docx import agreement, failures_by_reason, timed_ingest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "doc"
OUT = REPO / "bench" / "results" / "doc.json"


def with_antiword(path: Path) -> str | None:
    done = subprocess.run(
        ["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    text = done.stdout.decode("utf-8", "replace").replace("[pic]", " ")
    return text if done.returncode == 0 and text.strip() else None


def _labels(path: Path) -> Counter[str] | None:
    """The section labels (headings) litsynth reads in a file, Notes aside; None if unread."""
    from litsynth.ingest import ParseFailure, parse_file

    try:
        pages = parse_file(path).pages
    except ParseFailure:
        return None
    return Counter(" ".join(p.label.split()) for p in pages if p.label and p.label != "Notes")


def heading_agreement(files: list[Path]) -> dict[str, object] | None:
    """litsynth's .doc headings against LibreOffice's, through its .docx of each file."""
    if shutil.which("soffice") is None:
        print("headings: LibreOffice is not installed, skipped")
        return None
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "docx", "--outdir", out, *map(str, files)],
            capture_output=True, timeout=1800, check=False,
        )  # fmt: skip
        shared = ours_n = theirs_n = compared = with_headings = 0
        for path in files:
            ours, theirs = _labels(path), _labels(Path(out) / f"{path.stem}.docx")
            if ours is None or theirs is None:
                continue
            compared += 1
            with_headings += bool(ours)
            shared += sum((ours & theirs).values())
            ours_n += sum(ours.values())
            theirs_n += sum(theirs.values())
    found = {
        "files": compared,
        "files_with_headings": with_headings,
        "headings_litsynth": ours_n,
        "headings_libreoffice": theirs_n,
        "precision": shared / ours_n if ours_n else 0.0,
        "recall": shared / theirs_n if theirs_n else 0.0,
    }
    print(
        f"headings over {compared} files both read ({with_headings} with headings): litsynth"
        f" {ours_n}, LibreOffice {theirs_n}; precision {found['precision']:.3f}, recall"
        f" {found['recall']:.3f}"
    )
    return found


def main(folder: Path) -> int:
    if shutil.which("antiword") is None:
        print("antiword is not installed (apt install antiword): it is the reference reading")
        return 1

    files = sorted(folder.rglob("*.doc"))
    if not files:
        print(f"no .doc files under {folder}: see bench/DATA.md")
        return 1
    rows = []
    for path in files:
        row: dict[str, object] = {"file": path.name}
        ours, row["litsynth"], row["litsynth_s"] = timed_ingest(path)
        started = time.perf_counter()
        reference = with_antiword(path)
        row["antiword_s"] = time.perf_counter() - started
        row["antiword"] = "read" if reference is not None else "failed"
        if ours is not None and reference is not None:
            row["agreement"] = agreement(ours, reference)
        rows.append(row)
    scored = [r for r in rows if r.get("agreement")]
    ours_s = sum(float(r["litsynth_s"]) for r in rows)  # type: ignore[arg-type]
    theirs_s = sum(float(r["antiword_s"]) for r in rows)  # type: ignore[arg-type]
    failures = failures_by_reason(rows)
    summary = {
        "files": len(rows),
        "litsynth_read": sum(r["litsynth"] == "read" for r in rows),
        "litsynth_failed_by_reason": failures,
        "antiword_read": sum(r["antiword"] == "read" for r in rows),
        "read_by_litsynth_not_antiword": sum(
            r["litsynth"] == "read" and r["antiword"] == "failed" for r in rows
        ),
        "read_by_antiword_not_litsynth": sum(
            r["litsynth"] != "read" and r["antiword"] == "read" for r in rows
        ),
        "scored_files": len(scored),
        "recall": statistics.fmean(r["agreement"][0] for r in scored),  # type: ignore[index]
        "precision": statistics.fmean(r["agreement"][1] for r in scored),  # type: ignore[index]
        "litsynth_s": ours_s,
        "antiword_s": theirs_s,
        "time_ratio": ours_s / theirs_s,
    }
    print(
        f"{summary['files']} files: litsynth read {summary['litsynth_read']}, failed "
        f"{sum(failures.values())} with a reason {failures} (never raised); antiword read "
        f"{summary['antiword_read']}"
    )
    print(
        f"  read by litsynth only: {summary['read_by_litsynth_not_antiword']}; by antiword "
        f"only: {summary['read_by_antiword_not_litsynth']}"
    )
    print(
        f"agreement with antiword over {len(scored)} files both read (mean per file): recall "
        f"{summary['recall']:.3f}, precision {summary['precision']:.3f}"
    )
    print(
        f"time: litsynth {ours_s:.2f} s, antiword {theirs_s:.2f} s "
        f"({summary['time_ratio']:.2f}x antiword's, whose time includes starting a process)"
    )
    worst = sorted(scored, key=lambda r: r["agreement"][0])[:8]  # type: ignore[index]
    print("lowest recall:")
    for r in worst:
        print(f"  {r['file']}: {r['agreement'][0]:.3f} (precision {r['agreement'][1]:.3f})")  # type: ignore[index]
    summary["headings"] = heading_agreement(files)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"summary": summary, "files": rows}, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA))
