"""What a PDF citation is made of: title, first author and year, as litsynth reads them from a
PDF alone (no record linked, no sidecar), against the file's own document info as pypdf
gives it (the raw library), on the same files in the same run.

The truth (bench/pdf_metadata_truth.json) was read from each article's first page: 62
articles from CERMINE's, GROBID's and science-parse's test sets and ../shared/data/pdfs
(journal articles, proceedings papers, preprints, workshop abstracts; bench/DATA.md). It was
written after litsynth's readings had been seen: a development set.

- title: right when it matches the truth once case, spacing and punctuation are set aside
  (difflib ratio ≥ 0.9, as ligatures and accents come out of PDFs in several ways);
- first author: right when the first name's family part is one the truth lists (letters
  only, accents folded);
- year: right when it is the truth's, over the articles whose year page 1 prints; a year
  given for one that prints none is counted as wrong (a citation would state it);
- citation: the work label "Family (Year)" right, family and year both (or n.d. where the
  truth has none);
- DOI: right when it is the paper's DOI that page 1 prints, or none where it prints none;
- pypdf: /Title; the last word of /Author's first name (split on ";", "," and " and ");
  the year of /CreationDate (when the file was made); a DOI in /doi, /Subject or /Keywords.

    .venv/bin/python bench/bench_pdf_metadata.py

Writes bench/results/pdf_metadata.json.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Any

from bench_printed_pages import truth_files
from pypdf import PdfReader

from litsynth.citations.doi import normalize_doi
from litsynth.citations.labels import work_label
from litsynth.ingest.pdf import parse_pdf

REPO = Path(__file__).resolve().parent.parent
TRUTH = REPO / "bench" / "pdf_metadata_truth.json"
OUT = REPO / "bench" / "results" / "pdf_metadata.json"
METHODS = ("litsynth", "pypdf")


def letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def family(name: str) -> str:
    name = name.strip()
    return name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]


def with_pypdf(path: Path) -> dict[str, Any]:
    info = PdfReader(path).metadata or {}
    author = str(info.get("/Author") or "")
    first = re.split(r";|,|\band\b", author)[0].strip()
    created = re.search(r"((?:19|20)\d\d)", str(info.get("/CreationDate") or ""))
    said = " ".join(str(info.get(k) or "") for k in ("/doi", "/Subject", "/Keywords"))
    return {
        "title": str(info.get("/Title") or ""),
        "family": first.split()[-1] if first.split() else "",
        "year": int(created.group(1)) if created else None,
        "doi": normalize_doi(said),
    }


def with_litsynth(path: Path) -> dict[str, Any]:
    doc = parse_pdf(path, path.read_bytes())
    first = doc.authors[0] if doc.authors else ""
    return {
        "title": doc.title,
        "family": family(first) if first else "",
        "year": doc.year,
        "doi": doc.doi,
        "label": work_label(doc.authors, doc.year, title=doc.title, path=path.name),
    }


def scored(got: dict[str, Any], want: dict[str, Any]) -> dict[str, bool]:
    title = difflib.SequenceMatcher(None, letters(got["title"]), letters(want["title"])).ratio()
    author = letters(got["family"]) in {letters(f) for f in want["first_author"]}
    return {
        "title": title >= 0.9,
        "first author": author and bool(got["family"]),
        "year": got["year"] == want["year"],
        "citation": author and got["year"] == want["year"],
        "doi": normalize_doi(got["doi"]) == want["doi"],
    }


def main() -> None:
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    rows: list[dict[str, Any]] = []
    for name, path, want in truth_files(TRUTH):
        ours, raw = with_litsynth(path), with_pypdf(path)
        right = {"litsynth": scored(ours, want), "pypdf": scored(raw, want)}
        rows.append({"file": name, "want": want, "litsynth": ours, "pypdf": raw, "right": right})
    n = len(rows)
    dated = [r for r in rows if r["want"]["year"] is not None]
    print(f"{n} article PDFs ({len(dated)} print their year)\n")
    print(f"{'':<14} {'litsynth':>9} {'pypdf':>9}")
    summary: dict[str, dict[str, float]] = {}
    for field in ("title", "first author", "year", "citation", "doi"):
        pool = dated if field == "year" else rows
        shares = {m: sum(r["right"][m][field] for r in pool) / len(pool) for m in METHODS}
        summary[field] = shares
        print(f"{field:<14} {shares['litsynth']:>9.3f} {shares['pypdf']:>9.3f}")
    print("\nlitsynth's misses:")
    for r in rows:
        right, undated = r["right"]["litsynth"], r["want"]["year"] is None
        missed = [f for f, ok in right.items() if not ok and not (f == "year" and undated)]
        if missed:
            name, label = Path(r["file"]).name[:40], r["litsynth"]["label"][:44]
            print(f"  {name:<40} {label:<44} {', '.join(missed)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    result = {"articles": n, "dated": len(dated), "right": summary, "files": rows}
    OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
