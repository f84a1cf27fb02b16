"""Printed page numbers of PDFs: how often a passage's page is cited as printed on the paper,
by litsynth, by pypdf's page labels (the raw library) and by the PDF page index, on the same
files in the same run.

The truth (bench/printed_pages_truth.json) was read by eye from each page's running heads,
footers and first-page citation line. The files are journal and proceedings articles, a
thesis with roman front matter, a report, a scanned book excerpt that skips a page, and
preprints numbered from 1 (bench/DATA.md): the 20 multi-page PDFs of CERMINE's and GROBID's
test sets and the 19 multi-page ones of ../shared/data/pdfs that print or label pages.

- each page's citation: litsynth's printed label where it found one, else the PDF page (what
  a passage on it is cited by); pypdf's `page_labels` (1, 2, 3… when the file has none);
  the PDF page index;
- pages right: the share of pages (with a known printed number) whose citation is it;
  documents right: the share of documents with every such page right;
- time: the finder's time against pypdf's text extraction of the same pages (its input).

    .venv/bin/python bench/bench_printed_pages.py

Writes bench/results/printed_pages.json. A file that is absent is skipped and named.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from litsynth.ingest.normalize import normalize_parts
from litsynth.ingest.pdf import declared_labels
from litsynth.ingest.printed_pages import find_printed_pages

REPO = Path(__file__).resolve().parent.parent
TRUTH = REPO / "bench" / "printed_pages_truth.json"
OUT = REPO / "bench" / "results" / "printed_pages.json"
METHODS = ("litsynth", "pypdf page_labels", "PDF page index")


def expected(spec: Any, n: int) -> list[str | None]:
    """Each page's printed label from a truth entry ("pdf", {"from": N} or a list whose last
    item may be {"from": N} for the pages after it)."""
    if spec == "pdf":
        return [str(i + 1) for i in range(n)]
    if isinstance(spec, dict):
        return [str(spec["from"] + i) for i in range(n)]
    out: list[str | None] = []
    for item in spec:
        if isinstance(item, dict):
            out.extend(str(item["from"] + k) for k in range(n - len(out)))
        else:
            out.append(item)
    return out[:n]


def truth_files(truth_path: Path) -> Iterator[tuple[str, Path, Any]]:
    """(name, path, truth) of each file a truth file lists, repo-relative; an absent file is
    named and skipped (bench/DATA.md says where it comes from)."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    for name, spec in truth.items():
        if name.startswith("_"):
            continue
        path = (REPO / name).resolve()
        if not path.exists():
            print(f"absent, skipped: {name}")
            continue
        yield name, path, spec


def readings(path: Path) -> tuple[dict[str, list[str]], float, float]:
    """Each method's citation of each page; pypdf's extraction time; the finder's time."""
    reader = PdfReader(path)
    started = time.perf_counter()
    raw = [page.extract_text() or "" for page in reader.pages]
    extracted = time.perf_counter() - started
    started = time.perf_counter()
    parts = normalize_parts(raw)
    found = find_printed_pages(parts, declared_labels(reader))
    finding = time.perf_counter() - started
    n = len(raw)
    ours = [label or str(i + 1) for i, label in enumerate(found.labels or ("",) * n)]
    return (
        {"litsynth": ours, "pypdf page_labels": list(reader.page_labels),
         "PDF page index": [str(i + 1) for i in range(n)]},
        extracted,
        finding,
    )  # fmt: skip


def _group(name: str) -> str:
    return "held out" if "/printed-heldout/" in name else "developed on"


def _table(group: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Print and return each method's share of pages and of documents cited right."""
    known = sum(r["known"] for r in rows)
    if not known:
        return {}
    print(f"{group}: {len(rows)} PDFs, {known} pages with a known printed number")
    print(f"  {'method':<20} {'pages right':>12} {'documents right':>17}")
    out: dict[str, Any] = {"documents": len(rows), "pages_known": known}
    for method in METHODS:
        pages = sum(r[method] for r in rows) / known
        docs = sum(r[method] == r["known"] for r in rows)
        print(f"  {method:<20} {pages:>12.3f} {docs:>10}/{len(rows)} ({docs / len(rows):.3f})")
        out[method] = {"pages_right": pages, "documents_right": docs}
    print()
    return out


def main() -> None:
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    per_file: list[dict[str, Any]] = []
    known = 0
    extract_s = find_s = 0.0
    for name, path, spec in truth_files(TRUTH):
        cited, extracted, finding = readings(path)
        extract_s, find_s = extract_s + extracted, find_s + finding
        want = expected(spec, len(cited["litsynth"]))
        pages = [i for i, label in enumerate(want) if label is not None]
        known += len(pages)
        row: dict[str, Any] = {"file": name, "pages": len(want), "known": len(pages)}
        for method in METHODS:
            row[method] = sum(cited[method][i] == want[i] for i in pages)
        row["litsynth labels"] = cited["litsynth"]
        per_file.append(row)
    n_docs = len(per_file)
    summary = {group: _table(group, [r for r in per_file if _group(r["file"]) == group])
               for group in ("developed on", "held out")}  # fmt: skip
    summary["all"] = _table("all", per_file)
    print("\nwrong pages, by file (litsynth / pypdf / PDF index):")
    for row in per_file:
        if any(row[m] != row["known"] for m in METHODS):
            wrong = " / ".join(str(row["known"] - row[m]) for m in METHODS)
            print(f"  {Path(row['file']).name:<44} {wrong:>12}  of {row['known']}")
    ratio = find_s / extract_s if extract_s else 0.0
    print(
        f"\ntime: finding the printed pages {find_s:.3f} s; pypdf's text extraction of the same"
        f" pages {extract_s:.2f} s (finder / extraction: {ratio:.4f}x)"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "documents": n_docs, "pages_known": known, "groups": summary,
        "seconds": {"finder": find_s, "pypdf_extraction": extract_s},
        "files": per_file,
    }, indent=1), encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
