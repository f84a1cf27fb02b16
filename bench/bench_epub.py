"""E-books: what ingest reads from an .epub, against pandoc's reading and EbookLib (the raw
library) on the same files in the same run, and whether printed-page citations are right.

The books are the W3C EPUB 3 Community Group's samples (bench/DATA.md): novels, poems, a
textbook with MathML, a specification, picture books and comics, Japanese, Hebrew, Arabic and
Hindi books, obfuscated fonts, and five books that mark their printed pages. For each book:

- pandoc 2.17 (`-f epub -t plain --wrap=none`, Debian's `pandoc`) is the reference reading;
- agreement: the share of pandoc's words (lower-case letters and digits, as a multiset) that
  a reading has (recall), and the share of the reading's words that pandoc has (precision);
- EbookLib, as a user of the raw library writes it: every spine document's body, tags
  stripped. It is the speed reference;
- printed pages: in a book that marks its pages, each part litsynth cites "p. N" must start
  on page N of the book as its XHTML marks it. The check reads the chapter files apart from
  the parser (a regular expression cuts them at the page marks) and looks for the part's
  first words in page N's text;
- outcome: litsynth reads the file or fails it with a reason; the others may raise.

    .venv/bin/python bench/bench_epub.py [folder]
    .venv/bin/python bench/bench_epub.py --pack PATH/TO/epub3-samples/30   # make the books

Default folder: bench/data/epub. Writes bench/results/epub.json. Needs `pandoc` and
`pip install ebooklib`.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from bench_docx import agreement, timed

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "epub"
OUT = REPO / "bench" / "results" / "epub.json"
# A page mark: self-closed, or with its label as its text ("<span …pagebreak…>753</span>")
_MARK = re.compile(
    r"<(\w+)[^>]*(?:epub:type=\"[^\"]*pagebreak[^\"]*\"|role=\"doc-pagebreak\")[^>]*?"
    r"(?:/>|>([^<]*)</\1>)",
    re.I,
)
_LABEL = re.compile(r"(?:title|aria-label)=\"(?:page\s*)?([^\"]+)\"", re.I)
_TAG = re.compile(r"<[^>]+>")


def pack(samples: Path) -> int:
    """Zip each sample folder into bench/data/epub/NAME.epub as a reading system expects."""
    DATA.mkdir(parents=True, exist_ok=True)
    made = 0
    for folder in sorted(p for p in samples.iterdir() if (p / "META-INF").is_dir()):
        with zipfile.ZipFile(DATA / f"{folder.name}.epub", "w") as out:
            out.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
            for file in sorted(folder.rglob("*")):
                if file.is_file() and file.name != "mimetype":
                    arcname = file.relative_to(folder).as_posix()
                    out.write(file, arcname, compress_type=zipfile.ZIP_DEFLATED)
        made += 1
    print(f"packed {made} books into {DATA}")
    return 0


def with_pandoc(path: Path) -> str | None:
    done = subprocess.run(
        ["pandoc", "-f", "epub", "-t", "plain", "--wrap=none", str(path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return done.stdout if done.returncode == 0 else None


def with_ebooklib(path: Path) -> str:
    import ebooklib
    from ebooklib import epub

    book = epub.read_epub(str(path), options={"ignore_ncx": True})
    parts = []
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT:
            parts.append(html.unescape(_TAG.sub(" ", item.get_body_content().decode("utf-8"))))
    return "\n".join(parts)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def page_texts(path: Path) -> dict[str, str]:
    """Printed page label → its words, read from the chapter files with a regular expression
    (not the parser under test): the text from one page mark to the next."""
    pages: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as book:
        names = [n for n in book.namelist() if n.endswith((".xhtml", ".html", ".htm"))]
        for name in sorted(names):
            source = book.read(name).decode("utf-8", "replace")
            body = source.split("<body", 1)[-1]
            marks = list(_MARK.finditer(body))
            starts = [m.end() for m in marks]
            ends = [m.start() for m in marks[1:]] + [len(body)] if marks else []
            for mark, start, end in zip(marks, starts, ends, strict=True):
                named = _LABEL.search(mark.group())
                label = named.group(1) if named else (mark.group(2) or "")
                text = html.unescape(_TAG.sub(" ", body[start:end]))
                pages.setdefault(label.strip(), []).extend(_words(text))
    return {label: " ".join(words) for label, words in pages.items()}


def page_check(path: Path, doc: object) -> tuple[int, int]:
    """(parts cited by printed page, of them those whose first words are on that page)."""
    from litsynth.records import Document

    assert isinstance(doc, Document)
    truth = page_texts(path)
    cited = right = 0
    for page in doc.pages:
        match = re.match(r"pp?\. ([^–]+)", page.label)
        if not match or page.end <= page.start:
            continue
        cited += 1
        first = " ".join(_words(doc.text[page.start : page.end])[:6])
        right += first in truth.get(match.group(1), "")
    return cited, right


def main(folder: Path) -> int:
    if shutil.which("pandoc") is None:
        print("pandoc is not installed (apt install pandoc): it is the reference reading")
        return 1
    try:
        import ebooklib  # noqa: F401
    except ImportError:
        print("EbookLib is not installed (pip install ebooklib): it is the raw library")
        return 1
    from litsynth.ingest import ParseFailure, parse_file

    files = sorted(folder.glob("*.epub"))
    if not files:
        print(f"no .epub files in {folder}: see bench/DATA.md, then --pack")
        return 1
    rows = []
    for path in files:
        row: dict[str, object] = {"file": path.name}
        started = time.perf_counter()
        doc = None
        try:
            doc = parse_file(path)
            ours: str | None = doc.text
            row["litsynth"] = "read"
        except ParseFailure as failure:
            ours, row["litsynth"] = None, f"failed: {failure.reason}: {failure.detail}"
        row["litsynth_s"] = time.perf_counter() - started
        raw, row["ebooklib"], row["ebooklib_s"] = timed(with_ebooklib, path)
        reference = with_pandoc(path)
        row["pandoc"] = "read" if reference is not None else "failed"
        for name, reading in (("litsynth", ours), ("ebooklib", raw)):
            if reading is not None and reference is not None:
                row[f"{name}_agreement"] = agreement(reading, reference)
        if doc is not None:
            row["printed_pages"] = page_check(path, doc)
        rows.append(row)
    return report(rows)


def report(rows: list[dict[str, object]]) -> int:
    scored = [r for r in rows if r.get("litsynth_agreement") and r.get("ebooklib_agreement")]

    def mean(key: str, part: int) -> float:
        return statistics.fmean(r[key][part] for r in scored)  # type: ignore[index]

    ours_s = sum(float(r["litsynth_s"]) for r in rows)  # type: ignore[arg-type]
    raw_s = sum(float(r["ebooklib_s"]) for r in rows)  # type: ignore[arg-type]
    paged = [r for r in rows if r.get("printed_pages") and r["printed_pages"][0]]  # type: ignore[index]
    cited = sum(r["printed_pages"][0] for r in paged)  # type: ignore[index]
    right = sum(r["printed_pages"][1] for r in paged)  # type: ignore[index]
    summary = {
        "files": len(rows),
        "litsynth_read": sum(r["litsynth"] == "read" for r in rows),
        "litsynth_failed_with_reason": sum(str(r["litsynth"]).startswith("failed") for r in rows),
        "ebooklib_raised": sum(str(r["ebooklib"]).startswith("raised") for r in rows),
        "pandoc_failed": sum(r["pandoc"] == "failed" for r in rows),
        "scored_files": len(scored),
        "litsynth_recall": mean("litsynth_agreement", 0),
        "litsynth_precision": mean("litsynth_agreement", 1),
        "ebooklib_recall": mean("ebooklib_agreement", 0),
        "ebooklib_precision": mean("ebooklib_agreement", 1),
        "litsynth_s": ours_s,
        "ebooklib_s": raw_s,
        "time_ratio": ours_s / raw_s,
        "paged_books": len(paged),
        "parts_cited_by_printed_page": cited,
        "parts_on_the_cited_page": right,
    }
    print(
        f"{summary['files']} books: litsynth read {summary['litsynth_read']}, failed "
        f"{summary['litsynth_failed_with_reason']} with a reason (never raised); EbookLib "
        f"raised on {summary['ebooklib_raised']}; pandoc failed on {summary['pandoc_failed']}"
    )
    for r in rows:
        if str(r["litsynth"]).startswith("failed"):
            print(f"  {r['file']}: {r['litsynth']}")
    print(f"agreement with pandoc over {len(scored)} books all three read (mean per book):")
    for name in ("litsynth", "ebooklib"):
        print(
            f"  {name:9} recall {summary[f'{name}_recall']:.3f}  "
            f"precision {summary[f'{name}_precision']:.3f}"
        )
    print(
        f"time: litsynth {ours_s:.2f} s, EbookLib {raw_s:.2f} s "
        f"({summary['time_ratio']:.2f}x the raw library's)"
    )
    print(
        f"printed pages: {len(paged)} books cite by page; {right} of {cited} parts start on"
        f" the page they cite"
    )
    for r in paged:
        print(f"  {r['file']}: {r['printed_pages'][1]} of {r['printed_pages'][0]}")  # type: ignore[index]
    worst = sorted(scored, key=lambda r: r["litsynth_agreement"][0])[:6]  # type: ignore[index]
    print("lowest recall (litsynth, EbookLib):")
    for r in worst:
        a, b = r["litsynth_agreement"], r["ebooklib_agreement"]
        print(f"  {r['file']}: {a[0]:.3f}, {b[0]:.3f}")  # type: ignore[index]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"summary": summary, "files": rows}, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--pack"] and len(sys.argv) == 3:
        sys.exit(pack(Path(sys.argv[2])))
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA))
