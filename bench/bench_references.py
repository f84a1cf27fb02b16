"""Reference lists from every export in ../shared/data/bib: does each record format, and at
what cost against citeproc-py itself.

Every file is read as `litsynth import` reads it (no store), and its records become one
reference list in each of four styles (APA 7, Chicago author-date, IEEE, Harvard Cite Them
Right). For each style: the records formatted, the exceptions (a record that stops the
list), the entries that came out empty, the warnings citeproc-py gave, and the seconds of
`styled.format_references` against citeproc-py's own HTML formatting of the same CSL items
(`csl.to_csl`), so the cost of litsynth's marks, punctuation and anonymous-title mending is
a ratio. Files that import no record (the malformed set's empty and broken ones) are
skipped and counted.

Run: .venv/bin/python bench/bench_references.py   (writes bench/results/references.json)
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from litsynth.biblio.csl import to_csl
from litsynth.biblio.readers import build_batch
from litsynth.biblio.styled import format_references, style_file
from litsynth.errors import LitsynthError
from litsynth.records import BibRecord

REPO = Path(__file__).resolve().parent.parent
BIB = REPO.parent / "shared" / "data" / "bib"
OUT = REPO / "bench" / "results" / "references.json"
NOT_EXPORTS = {"LICENSE", "COPYING", "DESCRIPTION"}
STYLES = ("apa", "chicago-author-date", "ieee", "harvard-cite-them-right")


def _records() -> tuple[list[list[BibRecord]], int]:
    lists, skipped = [], 0
    for path in sorted(p for p in BIB.rglob("*") if p.is_file() and p.name not in NOT_EXPORTS):
        try:
            batch = build_batch(path.read_bytes(), path.name, "bench")
        except LitsynthError:
            skipped += 1
            continue
        lists.append(list(batch.records))
    return lists, skipped


def _raw(records: list[BibRecord], style: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        csl = CitationStylesStyle(str(style_file(style)), validate=False)
        items = [to_csl(r) for r in records]
        bib = CitationStylesBibliography(csl, CiteProcJSON(items), formatter.html)
        for item in items:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        bib.sort()
        return [str(e) for e in bib.bibliography()]


def main() -> None:
    if not BIB.is_dir():
        raise SystemExit(f"skipped: {BIB} is absent (the shared data)")
    lists, skipped = _records()
    n = sum(len(x) for x in lists)
    print(f"{len(lists)} exports with records ({skipped} import none), {n} records")
    results: dict[str, object] = {"files": len(lists), "files_without_records": skipped,
                                  "records": n, "styles": {}}  # fmt: skip
    for style in STYLES:
        ours_s = raw_s = 0.0
        formatted = empty = failed = 0
        said: set[str] = set()
        examples: list[str] = []
        for records in lists:
            t0 = time.perf_counter()
            try:
                listing = format_references(records, style)
            except Exception as exc:  # a record that stops the list: counted, shown
                failed += 1
                print(f"  {style}: {type(exc).__name__}: {exc}")
                continue
            ours_s += time.perf_counter() - t0
            t0 = time.perf_counter()
            _raw(records, style)
            raw_s += time.perf_counter() - t0
            formatted += len(listing.references)
            empty += sum(1 for r in listing.references if not r.text.strip())
            said.update(listing.warnings)
            examples.extend(r.text for r in listing.references[:1])
        row = {"formatted": formatted, "empty": empty, "lists_failed": failed,
               "warnings": sorted(said), "seconds": round(ours_s, 3),
               "citeproc_py_seconds": round(raw_s, 3),
               "ratio": round(ours_s / raw_s, 2) if raw_s else None,
               "examples": examples[:5]}  # fmt: skip
        results["styles"][style] = row  # type: ignore[index]
        print(f"{style:26} {formatted:5} formatted, {empty} empty, {failed} lists failed, "
              f"{len(said)} warnings; {ours_s:.2f} s = {row['ratio']}× citeproc-py's html "
              f"({raw_s:.2f} s)")  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
