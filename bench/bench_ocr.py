"""Scanned PDFs: what ingest's OCR reads, against plain Tesseract (the raw library) on the same
pages, in the same run.

No scanned paper with a known text is in ../shared, so scans are made from the 13 scholarly
PDFs (pages 1 and 2 of each, 200 dpi grey, turned by up to a degree, softened, JPEG:
tests/scan_support.py), and each page's text layer is the truth. Scored per page set:
- word recall: the share of the text layer's words (lower-case letters and digits, as a
  multiset) that the reading has; precision: the share of the reading's words that are true;
- titles and authors: the scanned paper's page 1 against the text PDF's own reading
  (`parse_file` on the original), for the papers whose text PDF has them;
- time: ingest's way (`parse_many` over the scans, one worker per core, Tesseract on one
  thread each) against plain Tesseract over the same rendered pages, one after another with
  its own threads (what a user running `tesseract page.png out` gets).
The real scan in ../shared (pypdf's "Siege of Vicksburg", a book scanned with its own OCR layer)
is read as well: there the score is agreement with that other OCR, not truth.

    .venv/bin/python bench/bench_ocr.py

Writes bench/results/ocr.json.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
SHARED = REPO.parent / "shared" / "data" / "pdfs"
OUT = REPO / "bench" / "results" / "ocr.json"
PAGES = (0, 1)


def plain_tesseract(scan: Path) -> tuple[list[str], float]:
    """Each page rendered as ingest renders it, read by `tesseract` with its defaults."""
    import pypdfium2 as pdfium

    from litsynth.ingest.ocr import DPI

    texts, seconds = [], 0.0
    document = pdfium.PdfDocument(str(scan))
    for number in range(len(document)):
        image = document[number].render(scale=DPI / 72, grayscale=True).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        started = time.perf_counter()
        done = subprocess.run(
            ["tesseract", "stdin", "stdout"], input=buffer.getvalue(), capture_output=True,
            check=True,
        )  # fmt: skip
        seconds += time.perf_counter() - started
        texts.append(done.stdout.decode("utf-8", "replace"))
    document.close()
    return texts, seconds


def families(names: tuple[str, ...]) -> set[str]:
    """Family names, lower-cased: /Author gives "Kyle Lo", a byline "Lo, Kyle"."""
    return {(n.split(",")[0] if "," in n else n.split()[-1]).lower() for n in names if n}


def precision(truth: str, read: str) -> float:
    from scan_support import word_recall

    return word_recall(read, truth)  # the share of the reading's words that are true


def main() -> int:
    from pypdf import PdfReader

    from litsynth.ingest import parse_file, parse_many
    from litsynth.ingest.ocr import OcrSettings, engine, tesseract
    from litsynth.records import Document
    from scan_support import make_scan, word_recall

    if tesseract() is None:
        print("Tesseract is not installed (make ocr-deps)")
        return 1
    papers = sorted((SHARED / "scholarly").rglob("*.pdf"))
    if not papers:
        print(f"no PDFs under {SHARED / 'scholarly'}")
        return 1
    work = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    scans, truths, originals = {}, {}, {}
    for paper in papers:
        pages = [n for n in PAGES if n < len(PdfReader(paper).pages)]
        scan = make_scan(paper, work / f"{paper.stem}.pdf", pages)
        scans[scan] = paper
        reader = PdfReader(paper)
        truths[scan] = [reader.pages[n].extract_text() or "" for n in pages]
        originals[scan] = parse_file(paper)
    n_pages = sum(len(t) for t in truths.values())
    print(f"{len(scans)} scans, {n_pages} pages, {engine()}")

    started = time.perf_counter()
    ours = dict(parse_many(list(scans), timeout_s=60, ocr=OcrSettings()))
    ours_s = time.perf_counter() - started
    raw_s, rows = 0.0, []
    for scan, paper in scans.items():
        raw_texts, seconds = plain_tesseract(scan)
        raw_s += seconds
        truth = "\n".join(truths[scan])
        doc, original = ours[scan], originals[scan]
        assert isinstance(doc, Document), doc
        rows.append(
            {
                "paper": paper.name,
                "pages": len(truths[scan]),
                "recall": round(word_recall(truth, doc.text), 4),
                "precision": round(precision(truth, doc.text), 4),
                "raw_recall": round(word_recall(truth, "\n".join(raw_texts)), 4),
                "raw_precision": round(precision(truth, "\n".join(raw_texts)), 4),
                "title": doc.title,
                "original_title": original.title,
                "authors": len(doc.authors),
                "authors_right": len(families(doc.authors) & families(original.authors)),
                "original_authors": len(original.authors),
            }
        )
    mean = {k: sum(r[k] for r in rows) / len(rows) for k in ("recall", "precision")}
    raw_mean = {k: sum(r[f"raw_{k}"] for r in rows) / len(rows) for k in ("recall", "precision")}
    titled = [r for r in rows if r["original_title"]]
    same_title = sum(r["title"].lower() == r["original_title"].lower() for r in titled)
    with_authors = [r for r in rows if r["original_authors"]]
    print(f"{'paper':<48} {'recall':>7} {'raw':>7} {'prec.':>7} {'raw':>7} authors")
    for r in rows:
        print(
            f"{r['paper'][:48]:<48} {r['recall']:>7.3f} {r['raw_recall']:>7.3f}"
            f" {r['precision']:>7.3f} {r['raw_precision']:>7.3f}"
            f" {r['authors_right']}/{r['original_authors']}"
        )
    print(
        f"mean word recall {mean['recall']:.3f} (plain Tesseract {raw_mean['recall']:.3f}),"
        f" precision {mean['precision']:.3f} ({raw_mean['precision']:.3f})"
    )
    print(f"titles as the text PDF reads them: {same_title} of {len(titled)}")
    right = sum(r["authors_right"] for r in with_authors)
    total = sum(r["original_authors"] for r in with_authors)
    print(f"authors as the text PDF reads them: {right} of {total} ({len(with_authors)} papers)")
    print(
        f"time: ingest {ours_s:.1f} s ({ours_s / n_pages:.2f} s a page), plain Tesseract"
        f" {raw_s:.1f} s ({raw_s / n_pages:.2f} s a page): ingest takes"
        f" {ours_s / raw_s:.2f}× plain Tesseract's time"
    )

    siege = SHARED / "hard" / "pypdf" / "resources" / "Seige_of_Vicksburg_Sample_OCR.pdf"
    agreement = None
    if siege.exists():
        # Rendering shows the page image only (its OCR layer is invisible text): a real scan.
        scan = make_scan(siege, work / "siege.pdf", range(len(PdfReader(siege).pages)), dpi=300)
        layer = "\n".join(p.extract_text() or "" for p in PdfReader(siege).pages)
        doc = parse_file(scan, ocr=OcrSettings())
        agreement = round(word_recall(layer, doc.text), 4)
        print(f"Siege of Vicksburg (6 real scanned pages): {agreement:.3f} of its own OCR layer's")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "engine": engine(),
                "pages": n_pages,
                "mean": mean,
                "plain_tesseract_mean": raw_mean,
                "titles_same": [same_title, len(titled)],
                "authors_same": [right, total],
                "seconds": {"ingest": round(ours_s, 2), "plain_tesseract": round(raw_s, 2)},
                "siege_of_vicksburg_agreement": agreement,
                "papers": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
