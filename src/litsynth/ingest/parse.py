"""One entry point for every supported file type: `parse_file(path) -> Document`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litsynth.ingest.doc import parse_doc
from litsynth.ingest.docx import parse_docx
from litsynth.ingest.epub import parse_epub
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.files import SUPPORTED
from litsynth.ingest.html import parse_html
from litsynth.ingest.jats import parse_jats
from litsynth.ingest.ocr import OcrSettings
from litsynth.ingest.odt import parse_odt
from litsynth.ingest.pdf import parse_pdf
from litsynth.ingest.rtf import is_rtf, parse_rtf
from litsynth.ingest.saved_pages import parse_mhtml, parse_webarchive
from litsynth.ingest.text import parse_text
from litsynth.records import Document

KINDS = SUPPORTED  # suffix → Document.kind (files.py)


def parse_file(
    path: Path, *, passwords: Sequence[str] = (), ocr: OcrSettings | None = None
) -> Document:
    """Parse one file into its canonical `Document`; raises `ParseFailure` with a reason.

    `ocr`: read a PDF's pages that have no text layer by OCR, with these settings (ocr.py);
    None never does.

    Document.id is the hash of the file's bytes, so a renamed file keeps its id and an edited
    one gets a new id.
    """
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(KINDS))
        raise ParseFailure(
            "unsupported-type", f"suffix {path.suffix!r} (known: {known})", str(path)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        detail = f"cannot read: {exc.strerror or exc}"
        raise ParseFailure("broken-file", detail, str(path)) from None
    if not data:
        raise ParseFailure("empty", "the file has no bytes", str(path))
    if kind == "pdf":
        return parse_pdf(path, data, passwords=passwords, ocr=ocr)
    if kind == "html":
        return parse_html(path, data)
    if kind == "mhtml":
        return parse_mhtml(path, data)
    if kind == "webarchive":
        return parse_webarchive(path, data)
    if kind == "docx":
        return parse_docx(path, data)
    if kind == "rtf" or (kind == "doc" and is_rtf(data)):  # Word opens RTF saved as .doc
        return parse_rtf(path, data)
    if kind == "doc":
        return parse_doc(path, data)
    if kind == "odt":
        return parse_odt(path, data)
    if kind == "epub":
        return parse_epub(path, data)
    if kind == "jats":
        return parse_jats(path, data)
    return parse_text(path, data, kind=kind)
