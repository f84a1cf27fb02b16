"""Rich Text Format (.rtf): what ingest reads, against LibreOffice's reading and striprtf, the
raw library, on the same files in the same run.

Two sets (bench/DATA.md says where each comes from):

- samples: the RTF reader tests of pandoc, Apache Tika and rtf.js (87 files from Word,
  WordPad, TextEdit, OpenOffice and Outlook: code pages, Unicode fallbacks, fields, notes,
  nested tables, lists, pictures, \\bin data, damaged and encapsulated-HTML files);
- poi-via-libreoffice: Apache POI's 154 Word .doc test files (bug reports in a dozen
  languages) saved as RTF by LibreOffice Writer, so real documents of every length in the
  form Word's own "Save as RTF" writes them (`--prepare` makes them).

For each file:

- LibreOffice Writer 7.4 (Debian's `libreoffice-writer-nogui`, `soffice --headless
  --convert-to txt`, one process for a whole folder) is the reference reading. Its text
  export leaves out footnotes, endnotes and text boxes, and keeps deleted tracked changes
  and soft hyphens; litsynth's "Notes" section is set aside and soft hyphens removed before
  comparing, the rest is counted as it is;
- agreement: the share of LibreOffice's words (lower-case letters and digits, as a
  multiset) that a reading has (recall), and the share of the reading's words LibreOffice
  has (precision);
- striprtf 0.0.29 (`rtf_to_text`, PyPI), as a user of the raw library calls it: the speed
  reference, and its agreement too;
- outcome: litsynth reads the file or fails it with a reason; striprtf may raise.

    .venv/bin/python bench/bench_rtf.py [folder ...]
    .venv/bin/python bench/bench_rtf.py --prepare   # POI's .doc files → RTF, by LibreOffice

Default folders: bench/data/rtf/samples and bench/data/rtf/poi-via-libreoffice. Needs
`apt install libreoffice-writer-nogui` and `pip install striprtf==0.0.29`. Writes
bench/results/rtf.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_docx import agreement, failures_by_reason, timed

REPO = Path(__file__).resolve().parent.parent
DATA = [
    REPO / "bench" / "data" / "rtf" / "samples",
    REPO / "bench" / "data" / "rtf" / "poi-via-libreoffice",
]
OUT = REPO / "bench" / "results" / "rtf.json"


def soffice(*args: str) -> None:
    subprocess.run(["soffice", "--headless", *args], capture_output=True, timeout=1800, check=False)


def prepare() -> int:
    """LibreOffice saves POI's .doc files as RTF, into the second default folder."""
    source = REPO / "bench" / "data" / "doc" / "poi"
    docs = sorted(source.glob("*.doc"))
    if not docs:
        print(f"no .doc files under {source}: see bench/DATA.md (bench_doc.py's data)")
        return 1
    DATA[1].mkdir(parents=True, exist_ok=True)
    soffice("--convert-to", "rtf", "--outdir", str(DATA[1]), *map(str, docs))
    print(f"{len(list(DATA[1].glob('*.rtf')))} RTF files from {len(docs)} .doc files in {DATA[1]}")
    return 0


def with_libreoffice(folder: Path, out: Path) -> float:
    """Every file of `folder` as LibreOffice's text export, in one process; its seconds."""
    started = time.perf_counter()
    soffice("--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(out),
            *map(str, sorted(folder.glob("*.rtf"))))  # fmt: skip
    return time.perf_counter() - started


def with_striprtf(path: Path) -> str:
    from striprtf.striprtf import rtf_to_text

    return str(rtf_to_text(path.read_text(encoding="latin-1"), errors="ignore"))


def ours(path: Path) -> tuple[str | None, str, float]:
    """litsynth's reading, its Notes section set aside (LibreOffice's export has none)."""
    from litsynth.ingest import ParseFailure, parse_file

    started = time.perf_counter()
    try:
        doc = parse_file(path)
    except ParseFailure as failure:
        return None, f"failed: {failure.reason}", time.perf_counter() - started
    seconds = time.perf_counter() - started
    notes = next(
        (p for p in doc.pages if p.label == "Notes" and "footnotes" in doc.attributes), None
    )
    return doc.text[: notes.start] if notes else doc.text, "read", seconds


def main(folders: list[Path]) -> int:
    if shutil.which("soffice") is None:
        print(
            "LibreOffice is not installed (apt install libreoffice-writer-nogui):"
            " it is the reference reading"
        )
        return 1
    rows: list[dict[str, object]] = []
    office_s = 0.0
    for folder in folders:
        files = sorted(folder.glob("*.rtf"))
        if not files:
            print(f"no .rtf files under {folder}: see bench/DATA.md")
            return 1
        with tempfile.TemporaryDirectory() as out:
            office_s += with_libreoffice(folder, Path(out))
            for path in files:
                row: dict[str, object] = {"file": f"{folder.name}/{path.name}"}
                text, row["litsynth"], row["litsynth_s"] = ours(path)
                raw, row["striprtf"], row["striprtf_s"] = timed(with_striprtf, path)
                exported = Path(out) / f"{path.stem}.txt"
                reference = (
                    exported.read_text(encoding="utf-8-sig").replace("\u00ad", "")
                    if exported.exists()
                    else ""
                )
                row["libreoffice"] = "read" if reference.strip() else "nothing"
                if text and reference.strip():
                    row["agreement"] = agreement(text, reference)
                if raw and reference.strip():
                    row["striprtf_agreement"] = agreement(raw, reference)
                rows.append(row)
    scored = [r for r in rows if r.get("agreement") and r.get("striprtf_agreement")]
    ours_s = sum(float(r["litsynth_s"]) for r in rows)  # type: ignore[arg-type]
    raw_s = sum(float(r["striprtf_s"]) for r in rows)  # type: ignore[arg-type]
    failures = failures_by_reason(rows)

    def mean(key: str, i: int) -> float:
        return statistics.fmean(r[key][i] for r in scored)  # type: ignore[index]

    summary = {
        "files": len(rows),
        "litsynth_read": sum(r["litsynth"] == "read" for r in rows),
        "litsynth_failed_by_reason": failures,
        "striprtf_raised": sum(str(r["striprtf"]).startswith("raised") for r in rows),
        "libreoffice_found_text": sum(r["libreoffice"] == "read" for r in rows),
        "scored_files": len(scored),
        "recall": mean("agreement", 0),
        "precision": mean("agreement", 1),
        "striprtf_recall": mean("striprtf_agreement", 0),
        "striprtf_precision": mean("striprtf_agreement", 1),
        "litsynth_s": ours_s,
        "striprtf_s": raw_s,
        "libreoffice_s": office_s,
        "time_ratio_striprtf": ours_s / raw_s,
        "time_ratio_libreoffice": ours_s / office_s,
    }
    print(
        f"{summary['files']} files: litsynth read {summary['litsynth_read']}, failed "
        f"{sum(failures.values())} with a reason {failures} (never raised); striprtf raised"
        f" on {summary['striprtf_raised']}; LibreOffice found text in"
        f" {summary['libreoffice_found_text']}"
    )
    print(
        f"agreement with LibreOffice over {len(scored)} files all three read (mean per file): "
        f"litsynth recall {summary['recall']:.3f}, precision {summary['precision']:.3f}; "
        f"striprtf recall {summary['striprtf_recall']:.3f}, precision "
        f"{summary['striprtf_precision']:.3f}"
    )
    print(
        f"time: litsynth {ours_s:.2f} s, striprtf {raw_s:.2f} s "
        f"({summary['time_ratio_striprtf']:.2f}x striprtf's), LibreOffice {office_s:.2f} s "
        f"in one process ({summary['time_ratio_libreoffice']:.2f}x its time)"
    )
    worst = sorted(scored, key=lambda r: r["agreement"][0])[:8]  # type: ignore[index]
    print("lowest recall:")
    for r in worst:
        print(
            f"  {r['file']}: {r['agreement'][0]:.3f} (precision {r['agreement'][1]:.3f}; "  # type: ignore[index]
            f"striprtf {r['striprtf_agreement'][0]:.3f})"  # type: ignore[index]
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"summary": summary, "files": rows}, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        sys.exit(prepare())
    sys.exit(main([Path(a) for a in sys.argv[1:]] or DATA))
