"""Import the real exports of 25 tools and databases and say what each record kept.

ASReview's citation-file-formatting collection (bench/DATA.md) holds the same kind of search
exported by Lens.org, Scopus, Web of Science, PubMed (CSV and MEDLINE), Embase (RIS, CSV, Excel),
CINAHL, PsycInfo and ERIC on Ovid, the Cochrane Library (CSV and three RIS flavours), OpenAlex,
Google Scholar, MDPI, and by the tools records pass through: Zotero, Mendeley, EndNote,
RefWorks, Citavi, Covidence, Rayyan, EPPI-Reviewer, abstrackr. A review author imports such
files as they come, so for each one this prints the records read and rejected and the share of
records that have a title, authors, year, journal, DOI, abstract, volume, issue and pages.
A share below 1.00 is either what the file holds (Google Scholar gives no abstract or DOI) or
a field litsynth failed to read: the table is where to look.

The database each file names (`import` without --source, biblio/export_source.py), or why
it is refused, with the time it takes beside the parse.

Speed: the parse (read, normalise; no store) against the raw library on the same bytes, for
the formats that have one (rispy.loads for RIS, the csv module for CSV/TSV), as a ratio.

Run: .venv/bin/python bench/bench_exports.py   (writes bench/results/exports.json)
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import rispy
from bench_import import _best_of as best_of  # the script's folder is on the path

from litsynth.biblio.export_source import export_source
from litsynth.biblio.readers import build_batch, decode_bytes, read_entries
from litsynth.biblio.record_fields import issue_of, pages_of, volume_of
from litsynth.errors import LitsynthError
from litsynth.records import BibRecord

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "citation-file-formatting" / "Datasets"
OUT = REPO / "bench" / "results" / "exports.json"
FIELDS = ("title", "authors", "year", "journal", "doi", "abstract", "volume", "issue", "pages")


def _raw(path: Path, data: bytes) -> float | None:
    """The raw library's parse of the same bytes, or None for a format without one here."""
    text, _ = decode_bytes(data)
    try:
        if path.suffix == ".ris":
            return best_of(lambda: rispy.loads(text), 5)
        if path.suffix in {".csv", ".tsv"}:
            delimiter = "\t" if path.suffix == ".tsv" else ","
            return best_of(lambda: list(csv.reader(io.StringIO(text), delimiter=delimiter)), 5)
    except Exception:  # the raw library cannot read this export at all: no ratio for it
        return None
    return None


def _has(rec: BibRecord, field: str) -> bool:
    value = {
        "volume": volume_of(rec.extra),
        "issue": issue_of(rec.extra),
        "pages": pages_of(rec.extra),
    }.get(field, getattr(rec, field, None))
    return bool(value)


def measure(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    try:
        batch = build_batch(data, path.name, source="bench")
    except LitsynthError as exc:
        return {"file": path.name, "refused": str(exc)}
    ours = best_of(lambda: build_batch(data, path.name, source="bench"), 5)
    raw = _raw(path, data)
    records = batch.records
    share = {f: round(sum(_has(r, f) for r in records) / len(records), 2) for f in FIELDS}
    fmt, _encoding, read = read_entries(data, path.name)
    try:
        source = export_source(fmt, read).name
    except LitsynthError as exc:
        source = f"refused: {exc.message[:60]}"
    naming = best_of(lambda: export_source(fmt, read) if not source.startswith("refused") else 0, 5)
    return {
        "source": source,
        "source_seconds": round(naming, 5),
        "file": f"{path.parent.name}/{path.name}",
        "records": len(records),
        "rejected": len(batch.rejected),
        "warnings": len(batch.report.get("warnings") or ()),  # type: ignore[arg-type]
        "share": share if records else {},
        "parse_seconds": round(ours, 5),
        "raw_seconds": round(raw, 5) if raw is not None else None,
    }


def main() -> int:
    if not DATA.is_dir():
        print(
            f"skipped: {DATA} is absent; fetch asreview/citation-file-formatting at 06639d0"
            " (bench/DATA.md) and put its Datasets/ folder there"
        )
        return 0
    rows = [measure(p) for p in sorted(DATA.glob("*/*")) if p.suffix != ".md"]
    header = (
        f"{'file':40} {'recs':>5} {'rej':>4} "
        + " ".join(f"{f[:5]:>5}" for f in FIELDS)
        + "  source (from the file)"
    )
    print(header)
    for row in rows:
        if "refused" in row:
            print(f"{row['file']:40} refused: {row['refused']}")
            continue
        share = row["share"]
        cells = " ".join(f"{share.get(f, 0):5.2f}" for f in FIELDS)
        print(f"{row['file']:40} {row['records']:5} {row['rejected']:4} {cells}  {row['source']}")
    read = [r for r in rows if "refused" not in r]
    timed = [r for r in read if r["raw_seconds"]]
    ours = sum(float(r["parse_seconds"]) for r in timed)
    raw = sum(float(r["raw_seconds"]) for r in timed)
    summary = {
        "files": len(rows),
        "refused": len(rows) - len(read),
        "records": sum(int(r["records"]) for r in read),
        "rejected": sum(int(r["rejected"]) for r in read),
        "parse_seconds_ris_csv": round(ours, 4),
        "raw_seconds_ris_csv": round(raw, 4),
        "ratio": round(ours / raw, 1) if raw else None,
        "sources_named": sum(not str(r["source"]).startswith("refused") for r in read),
        "source_seconds": round(sum(float(r["source_seconds"]) for r in read), 4),
        "parse_seconds_all": round(sum(float(r["parse_seconds"]) for r in read), 4),
    }
    print(
        f"\n{summary['files']} files, {summary['refused']} refused; {summary['records']} records,"
        f" {summary['rejected']} entries rejected. RIS/CSV/TSV parse {ours:.3f} s against"
        f" {raw:.3f} s for rispy.loads / csv.reader on the same text ({summary['ratio']}×:"
        " normalising names, DOIs, years, abstracts and finding the header)"
    )
    print(
        f"source read from the file for {summary['sources_named']} of {len(read)} files"
        f" (the rest refused: no database named, or several); naming took"
        f" {summary['source_seconds']:.4f} s against {summary['parse_seconds_all']:.3f} s of"
        " parsing the same files"
    )
    OUT.write_text(json.dumps({"summary": summary, "files": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
