"""Scans made here from real PDFs, for the OCR tests and bench/bench_ocr.py.

No scanned paper with a known text is in ../shared, so a scan is made the way a scanner makes
one: each page rendered to a grey image at `dpi`, turned by up to a degree, softened, stored as
a JPEG inside an image-only PDF with no document info. The source PDF's text layer is then the
truth to score OCR against.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path


def make_scan(
    src: Path, out: Path, pages: Sequence[int], *, dpi: int = 200, seed: int = 0, turn: int = 0
) -> Path:
    """An image-only PDF of these pages (0-based) of `src`, written to `out`; `turn`: degrees
    the sheet was fed turned (180: upside down)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    from pypdf import PdfReader, PdfWriter

    rng = random.Random(seed)
    document = pdfium.PdfDocument(str(src))
    images = []
    for number in pages:
        image = document[number].render(scale=dpi / 72, grayscale=True).to_pil()
        image = image.rotate(
            turn + rng.uniform(-1, 1), resample=Image.BICUBIC, fillcolor=255, expand=turn % 180 != 0
        )
        images.append(image.filter(ImageFilter.GaussianBlur(0.6)))
    document.close()
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=70
    )
    writer = PdfWriter()  # Pillow writes a /Title (the file name); a scanner's PDF has none
    for page in PdfReader(buffer).pages:
        writer.add_page(page)
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def words(text: str) -> list[str]:
    """Lower-case words of letters and digits, hyphenation at line ends undone."""
    import re

    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.findall(r"[a-z0-9]+", text.lower())


def word_recall(truth: str, read: str) -> float:
    """The share of the true words (as a multiset) that the reading has."""
    from collections import Counter

    want, got = Counter(words(truth)), Counter(words(read))
    total = sum(want.values())
    return sum((want & got).values()) / total if total else 1.0
