"""Reading scanned pages by OCR: a page with no text layer is rendered and read by Tesseract.

Review authors collect older papers as scans (a library's interlending copy, a photocopied
chapter, a journal's pre-2000 archive). pypdf finds no text on such a page, so without OCR the
document was a `no-text-layer` failure and the reviewer had to run ocrmypdf by hand.

How it reads:
- the page is rendered by PDFium (pypdfium2, whose wheel carries the library: nothing to
  install) at 300 dpi in grey, what Tesseract's documentation recommends for body text;
- Tesseract (Debian's `tesseract-ocr`, found on PATH) reads the PNG from stdin with automatic
  page segmentation, which follows columns and finds which way up the page is, on one
  thread: parser workers already use every core. Its TSV output gives each word's box, from
  which the text is laid out again and page 1's title is told by its size;
- the languages are `[ingest] ocr_languages` ("eng", or "eng+deu" with Debian's
  tesseract-ocr-deu).

Tesseract is a program of the machine, not a Python package, so it may be missing. Then a scan
still fails as `no-text-layer`, and the detail says to install it; nothing is guessed. Each
page gets `ocr_page_timeout_s`; the parser worker's own time limit is raised by as much
(`budget.ask_for_time`), so a 40-page scan is not cut off by a limit set for text PDFs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from litsynth.config import IngestSettings
from litsynth.ingest.budget import ask_for_time, report_progress
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.first_page import MAX_CHARS, MIN_CHARS

DPI = 300
# How an OCR timeout's detail starts: its limit is ocr_page_timeout_s, not pdf_timeout_s.
OCR_TIMEOUT = "OCR of page"
INSTALL_HINT = "install Tesseract (apt install tesseract-ocr) and ingest again"


@dataclass(frozen=True)
class OcrSettings:
    """What the PDF parser needs to read scans: which languages, and how long a page may take."""

    languages: str = "eng"
    page_timeout_s: float = 60.0


def settings_for(ingest: IngestSettings) -> OcrSettings | None:
    """The project's OCR settings, or None when `[ingest] ocr = false`."""
    if not ingest.ocr:
        return None
    return OcrSettings(ingest.ocr_languages, ingest.ocr_page_timeout_s)


def tesseract() -> str | None:
    """The tesseract program on PATH, or None."""
    return shutil.which("tesseract")


@cache
def engine() -> str:
    """ "tesseract 5.3.0": what read the pages, for the document's parse notes."""
    program = tesseract() or "tesseract"
    done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].strip() if first else "tesseract"


@cache
def installed_languages(program: str) -> frozenset[str]:
    done = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
    # The first line is 'List of available languages in "…" (2):'
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:] if line.strip())


def missing(settings: OcrSettings) -> str:
    """Why OCR cannot run here ("" when it can), said so that a reviewer can mend it."""
    program = tesseract()
    if program is None:
        return f"Tesseract is not installed: {INSTALL_HINT}"
    absent = set(settings.languages.split("+")) - installed_languages(program)
    if absent:
        names = ", ".join(f"tesseract-ocr-{name}" for name in sorted(absent))
        return f"Tesseract has no data for {', '.join(sorted(absent))}: apt install {names}"
    return ""


@dataclass(frozen=True)
class Scan:
    """What OCR read: each page's text (0-based page number → text), and the title of page 1
    when it was read (its largest type among its first lines; "" if none stands out)."""

    texts: dict[int, str]
    title: str = ""
    confidence: float = 0.0  # Tesseract's mean word confidence, 0-100: low means a poor scan


@dataclass(frozen=True)
class _Line:
    text: str
    size: float  # letter width x word height, in pixels² (`_lines`): grows with the type size
    paragraph: tuple[str, ...]


def read_pages(
    data: bytes, numbers: Sequence[int], settings: OcrSettings, *, password: str = "", where: str
) -> Scan:
    """The text of these pages (0-based numbers) as Tesseract reads their rendered image.

    Raises ParseFailure("broken-file") when PDFium cannot open the file, which pypdf could.
    """
    import pypdfium2 as pdfium

    program = tesseract()
    assert program is not None, "read_pages is called only when `missing` says nothing"
    ask_for_time(len(numbers) * settings.page_timeout_s)
    try:
        document = pdfium.PdfDocument(data, password=password or None)
    except pdfium.PdfiumError as exc:
        raise ParseFailure("broken-file", f"cannot render it for OCR: {exc}", where) from None
    # TSV: every word with its box, so page 1's title can be told by its size. Automatic page
    # segmentation follows columns; with orientation detection (psm 1, which needs the "osd"
    # data) a page scanned sideways or upside down is read too, for about 10 % more time.
    psm = "1" if "osd" in installed_languages(program) else "3"
    command = [program, "stdin", "stdout", "-l", settings.languages, "--dpi", str(DPI)]
    command += ["--psm", psm, "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    texts: dict[int, str] = {}
    title = ""
    confidences: list[float] = []
    try:
        for number in numbers:
            page = document[number]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            page.close()
            words = _words(_tesseract(command, _png(image), env, number, settings, where))
            lines = _lines(words)
            texts[number] = _text(lines)
            # -1 marks a box that holds no word
            confidences += [w.confidence for ws in words.values() for w in ws if w.confidence >= 0]
            if number == 0:
                title = title_of(lines)
            report_progress(len(texts), len(numbers))
    finally:
        document.close()
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return Scan(texts, title, mean)


def _tesseract(
    command: list[str],
    png: bytes,
    env: dict[str, str],
    number: int,
    settings: OcrSettings,
    where: str,
) -> str:
    try:
        done = subprocess.run(
            command, input=png, capture_output=True, env=env, timeout=settings.page_timeout_s
        )
    except subprocess.TimeoutExpired:
        raise ParseFailure(
            "timeout",
            f"{OCR_TIMEOUT} {number + 1} took over {settings.page_timeout_s:g} s"
            " (raise [ingest] ocr_page_timeout_s)",
            where,
        ) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = said[-1] if said else f"exit code {done.returncode}"
        raise ParseFailure("worker-crashed", f"Tesseract failed on page {number + 1}: {why}", where)
    return done.stdout.decode("utf-8", "replace")


COLUMN_GAP = 3.0  # a space this many word heights wide parts a line's columns


@dataclass(frozen=True)
class _Word:
    text: str
    left: int
    width: int
    height: int
    confidence: float  # 0-100; -1: the box holds no word


def _words(tsv: str) -> dict[tuple[str, ...], list[_Word]]:
    """Tesseract's TSV as its words, grouped by line (page, block, paragraph, line) in its
    reading order.

    Columns: level, page, block, paragraph, line, word, left, top, width, height, conf, text.
    """
    rows: dict[tuple[str, ...], list[_Word]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, width, height = int(cells[6]), int(cells[8]), int(cells[9])
        word = _Word(cells[11], left, width, height, float(cells[10]))
        rows.setdefault(tuple(cells[1:5]), []).append(word)
    return rows


def _lines(rows: dict[tuple[str, ...], list[_Word]]) -> list[_Line]:
    """The words as lines of text. A line that Tesseract runs across columns (a byline of
    three authors side by side, a table's cells) is cut where a space is wider than
    `COLUMN_GAP` word heights: such a space is a column's edge, and the plain text would run
    "Joseph Chee Chang Amy X. Zhang".
    """
    lines = []
    for key, found in rows.items():
        heights = sorted(w.height for w in found)
        gap = COLUMN_GAP * heights[len(heights) // 2]
        start = 0
        for i in range(1, len(found) + 1):
            if i == len(found) or found[i].left - (found[i - 1].left + found[i - 1].width) > gap:
                part = found[start:i]
                text = " ".join(w.text for w in part)
                lines.append(_Line(text, _size(part), key[:3]))
                start = i
    return lines


def _size(words: list[_Word]) -> float:
    """The median width of the words' letters times the median height of the words.

    The height alone swings with descenders and brackets ("Kyle" stands taller than
    "Semantic" set larger), the width alone with bold type. A word of two characters or more
    that is taller than wide is set vertically (arXiv's margin stamp) and gives no size; nor
    does a line without a word of four letters or two of two (a logo's "SE").
    """
    upright = [w for w in words if len(w.text) < 2 or w.width >= w.height]
    lettered = [w for w in upright if sum(c.isalpha() for c in w.text) >= 2]
    if not lettered or (len(lettered) == 1 and len(lettered[0].text) < 4):
        return 0.0
    widths = sorted(w.width / len(w.text) for w in lettered)
    heights = sorted(w.height for w in upright)
    return widths[len(widths) // 2] * heights[len(heights) // 2]


def _text(lines: list[_Line]) -> str:
    """The page's text: a line a line, a blank line between paragraphs (as Tesseract's own
    plain-text output lays it out)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and line.paragraph != lines[i - 1].paragraph:
            out.append("")
        out.append(line.text)
    return "\n".join(out).strip()


TITLE_STANDS_OUT = 1.5  # the title's size (width x height, so about 1.2 x the type) over the body's
TITLE_LINE = 0.7  # a title's other lines: its paragraph's lines set at least this large
# The title is among a page's first lines as Tesseract reads them, whichever way up the sheet
# was scanned (boxes are measured on the image as scanned, so "the top half" would not do).
TITLE_WITHIN = 15


def title_of(lines: list[_Line]) -> str:
    """The title of a scanned first page: its largest line among the first `TITLE_WITHIN`, if
    it stands out from the body's, with the lines of its paragraph set nearly as large (not
    the date under it); else "". An e-mail line is never one (braces make it look large).

    (first_page.py reads a text PDF's title from its font sizes; a scan has only the
    words' boxes, so their sizes stand in.)
    """
    sized = [line for line in lines if line.size > 0]
    if not sized:
        return ""
    weight: dict[float, int] = {}
    for line in sized:
        weight[line.size] = weight.get(line.size, 0) + len(line.text)
    half, seen, body = sum(weight.values()) / 2, 0, 0.0
    for size in sorted(weight):  # the size of the median character
        seen += weight[size]
        if seen >= half:
            body = size
            break
    upper = [
        line
        for line in lines[:TITLE_WITHIN]
        if line.size > 0 and "@" not in line.text and len(line.text.split()) >= 2
    ]
    if not upper:
        return ""
    top = max(upper, key=lambda line: line.size)
    if top.size < body * TITLE_STANDS_OUT:
        return ""

    def part_of_title(line: _Line) -> bool:
        return line.paragraph == top.paragraph and line.size >= top.size * TITLE_LINE

    at = lines.index(top)
    first, last = at, at
    while first and part_of_title(lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and part_of_title(lines[last + 1]):
        last += 1
    title = " ".join(" ".join(line.text for line in lines[first : last + 1]).split())
    title = title.strip(" :;,.-–—")
    if not MIN_CHARS <= len(title) <= MAX_CHARS or len(title.split()) < 2:
        return ""
    return title


def _png(image: object) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # type: ignore[attr-defined]
    return buffer.getvalue()
