"""`litsynth code import-annotations` on real papers: are the words under each highlight the
words the reviewer marked, and what does reading them cost against the raw libraries?

The corpus: the 13 scholarly PDFs of ../shared/data/pdfs/scholarly (one- and two-column
papers), ingested with the hash embedder into a temporary project. Each PDF is then marked
up in place, as a reviewer's reader does, with PDFium (Chrome's and Foxit's engine): 12
highlights per paper at random (seeded), each over 3 to 60 whole words of one page (often
several lines, sometimes across a column break), a third of them begun or ended a few letters
inside a word (a mouse is not a word selector). Each highlight's quadrilaterals are PDFium's
own rectangles for those characters, as a reader draws them.

The truth for a highlight is the words it was drawn over. Measured:

- litsynth: `read_notes` + `place_note` (the words under the quadrilaterals, placed in the
  stored text, widened to whole words): the share of highlights whose placed words are
  exactly the words marked (letters compared, so spacing and hyphens aside), and the share
  found at all;
- raw: pypdf's annotations and PDFium's `get_text_bounded` over each quadrilateral (what a
  script written against the two libraries gets): the share whose text is exactly the words
  marked;
- time for reading every mark of the 13 papers, litsynth against raw (best of 3), and the
  whole import (`import_annotations`, each yellow mark a coding, written to the store);
- the way back: the codings drawn on copies (`export annotated-pdfs`), and those copies
  imported again, where every mark must be found already in the project.

Run: .venv/bin/python bench/bench_annotations.py   (writes bench/results/annotations.json)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PDFS = REPO.parent / "shared" / "data" / "pdfs" / "scholarly"
OUT = REPO / "bench" / "results" / "annotations.json"
MARKS_PER_PDF = 12
CODEBOOK = "codes:\n  - id: marked\n    definition: What the reviewer marked.\n"


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def _words(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def mark_pdf(path: Path, rng: random.Random) -> dict[str, str]:
    """Mark the PDF in place; returns each mark's tag → the letters of the words it covers."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from litsynth.ingest.anchor import letters
    from litsynth.synthesis.annotated_pdfs import draw_mark

    document = pdfium.PdfDocument(path.read_bytes())
    truth: dict[str, str] = {}
    buffers: list[object] = []  # the strings PDFium reads, alive until the file is saved
    pages = [i for i in range(len(document)) if document[i].get_textpage().count_chars() > 400]
    for k in range(MARKS_PER_PDF):
        index = rng.choice(pages)
        page = document[index]
        text_page = page.get_textpage()
        text = "".join(
            chr(c) if (c := raw.FPDFText_GetUnicode(text_page, i)) > 2 else " "
            for i in range(text_page.count_chars())
        )
        words = _words(text)
        n = rng.randint(3, 60)
        first = rng.randrange(0, max(1, len(words) - n))
        start, end = words[first][0], words[min(len(words), first + n) - 1][1]
        truth_start, truth_end = start, end
        if k % 3 == 0 and words[first][1] - start > 4:  # begun inside the first word
            start += rng.randint(1, 2)
        if k % 3 == 1 and end - words[min(len(words), first + n) - 1][0] > 4:  # ended inside
            end -= rng.randint(1, 2)
        rects = [text_page.get_rect(i) for i in range(text_page.count_rects(start, end - start))]
        if not rects:
            continue
        tag = f"m{path.stem}-{k}"
        draw_mark(page, rects, (255, 212, 0), comment=tag, keep=buffers)
        halves = text[truth_start:truth_end].encode("utf-16", "surrogatepass")
        marked = halves.decode("utf-16", "ignore")
        truth[tag] = letters(marked).text  # a 𝜒 is two indexes (UTF-16 halves): one letter
    document.save(str(path))
    document.close()
    return truth


def raw_read(path: Path) -> dict[str, str]:
    """What the two libraries give without litsynth: each highlight's comment → its text."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    reader = PdfReader(path)
    document = pdfium.PdfDocument(path)
    out = {}
    for index, page in enumerate(reader.pages):
        annots = [a.get_object() for a in page.get("/Annots") or []]
        highlights = [a for a in annots if a.get("/Subtype") == "/Highlight"]
        if not highlights:
            continue
        text_page = document[index].get_textpage()
        for annot in highlights:
            q = [float(v) for v in annot["/QuadPoints"]]
            parts = []
            for i in range(0, len(q), 8):
                xs, ys = q[i : i + 8 : 2], q[i + 1 : i + 8 : 2]
                parts.append(text_page.get_text_bounded(min(xs), min(ys), max(xs), max(ys)))
            out[str(annot.get("/Contents"))] = " ".join(parts)
    document.close()
    return out


def main() -> int:
    if not PDFS.is_dir():
        print(f"skipped: {PDFS} is absent (the shared data beside the repository)")
        return 0
    os.environ["LITSYNTH_EMBED__MODEL"] = "hash-384"
    from litsynth.coding.codebook.load import project_codebook
    from litsynth.coding.human.annotations import StoredText, place_note
    from litsynth.coding.human.annotations_import import KINDS, import_annotations
    from litsynth.config import open_project
    from litsynth.ingest.anchor import letters
    from litsynth.ingest.incremental import IngestOptions, ingest
    from litsynth.ingest.pdf_notes import read_notes
    from litsynth.store import opened
    from litsynth.store.codings import annotatable_files
    from litsynth.store.documents import document_pages
    from litsynth.store.report import document_text
    from litsynth.synthesis.annotated_pdfs import export_annotated

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "marks"
        (root / "corpus").mkdir(parents=True)
        (root / "codebook").mkdir()
        (root / "codebook" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
        (root / "litsynth.toml").write_text('[project]\nreviewer = "ann"\n', encoding="utf-8")
        for pdf in sorted(PDFS.rglob("*.pdf")):
            shutil.copy(pdf, root / "corpus" / pdf.name)
        project = open_project(root)
        ingest(project, IngestOptions(quiet=True))
        with opened(project.store_path) as conn:
            files = [(root / p, d) for p, d in annotatable_files(conn, KINDS)]
            stored = {d: (document_text(conn, d), document_pages(conn, d)) for _, d in files}
        texts = {d: StoredText(*stored[d]) for d in stored}
        truth: dict[str, str] = {}
        for path, _ in files:
            truth.update(mark_pdf(path, rng))

        def ours() -> dict[str, str]:
            got = {}
            for path, document in files:
                text = texts[document] = StoredText(*stored[document])  # letters worked out anew
                for note in read_notes(path).notes:
                    span = place_note(note, text)
                    got[note.comment] = (
                        "" if span is None else letters(text.text[span[0] : span[1]]).text
                    )
            return got

        def raw() -> dict[str, str]:
            got = {}
            for path, _ in files:
                got.update(raw_read(path))
            return got

        ours_s, raw_s = best_of(ours), best_of(raw)
        mine, theirs = ours(), raw()
        book = project_codebook(project)
        with opened(project.store_path) as conn:
            started = timeit.default_timer()
            outcomes = import_annotations(
                project, conn, book, [p for p, _ in files], colours={"yellow": "marked"},
                reviewer="ann", coder=None,
            )  # fmt: skip
            import_s = timeit.default_timer() - started
            # The way back: the codings drawn on copies, and the copies imported again.
            started = timeit.default_timer()
            written, _key = export_annotated(project, conn, book, root / "out", source="human")
            export_s = timeit.default_timer() - started
            again = import_annotations(
                project, conn, book, [w.target for w in written], colours={"yellow": "marked"},
                reviewer="ann", coder=None,
            )  # fmt: skip
        codings = sum(o.codings for o in outcomes)
        drawn = sum(w.drawn.highlights for w in written)
        round_new = sum(o.codings + o.memos for o in again)
        round_already = sum(o.already for o in again)
    n = len(truth)
    exact = sum(mine.get(tag) == want for tag, want in truth.items())
    found = sum(bool(mine.get(tag)) for tag in truth)
    raw_exact = sum(letters(theirs.get(tag, "")).text == want for tag, want in truth.items())
    # A highlight begun inside a word that the page broke with a hyphen ("sual" of "vi-
    # sual") is widened to the whole word in the stored text, where the word is whole: the
    # words marked, and more faithfully than the truth's own cut. Counted apart.
    widened = sum(
        mine.get(tag) != want and want in mine.get(tag, "") and len(mine[tag]) - len(want) <= 12
        for tag, want in truth.items()
    )
    wrong = [
        {"tag": tag, "want": want, "got": mine.get(tag, "")}
        for tag, want in truth.items()
        if mine.get(tag) != want
    ]
    result = {
        "pdfs": len(files),
        "highlights": n,
        "litsynth_exact": exact,
        "litsynth_found": found,
        "raw_exact": raw_exact,
        "litsynth_widened_to_whole_words": widened,
        "litsynth_exact_share": round(exact / n, 3),
        "litsynth_exact_or_widened_share": round((exact + widened) / n, 3),
        "raw_exact_share": round(raw_exact / n, 3),
        "litsynth_read_s": round(ours_s, 3),
        "raw_read_s": round(raw_s, 3),
        "read_ratio": round(ours_s / raw_s, 2),
        "import_s": round(import_s, 3),
        "import_ratio": round(import_s / raw_s, 2),
        "codings_written": codings,
        "export_s": round(export_s, 3),
        "drawn_on_copies": drawn,
        "round_trip_new": round_new,
        "round_trip_already": round_already,
        "not_exact": wrong,
    }
    print(
        f"{n} highlights on {len(files)} papers. Words exactly as marked: litsynth {exact}/{n}"
        f" ({exact / n:.1%}), {exact + widened}/{n} ({(exact + widened) / n:.1%}) counting a"
        f" word begun that the page broke with a hyphen, taken whole; found {found}/{n};"
        f" raw pypdf + PDFium bounded text {raw_exact}/{n} ({raw_exact / n:.1%}).\n"
        f"Reading every mark: raw {raw_s:.2f} s, litsynth {ours_s:.2f} s ({result['read_ratio']}×);"
        f" the whole import into the store {import_s:.2f} s ({result['import_ratio']}×),"
        f" {codings} codings written.\n"
        f"Drawn back on copies: {drawn} highlights for {codings} codings ({export_s:.2f} s);"
        f" the copies imported again: {round_already} marks already in the project,"
        f" {round_new} new."
    )
    for miss in wrong:
        want, got = miss["want"], miss["got"]
        at = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), 0)
        at = max(0, min(at, len(want), len(got)) - 20)
        print(
            f"  not exact: {miss['tag']}: want …{want[at : at + 70]!r}\n"
            f"{'':>16}got …{got[at : at + 70]!r}"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
