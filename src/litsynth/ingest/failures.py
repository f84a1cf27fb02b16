"""Why a file could not be ingested: stable reason codes with what the user should do.

The codes are stored with each `records.Failure` and counted in `litsynth status`, so they are
part of the project's data: add new codes, never rename one.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from litsynth.errors import IngestError

# A failure detail that says OCR was tried: a file failed without it is retried once OCR can
# be had (`retry.limit_raised`).
OCR_TRIED = "after OCR"

FAILURE_REASONS = MappingProxyType(
    {
        "encrypted": (
            "the file is password-protected; for a PDF pass the password with --password or "
            "list it in the file named by [ingest] passwords_file; save a Word or OpenDocument "
            "file without its password; for a DRM-protected e-book ingest a DRM-free copy or"
            " the PDF"
        ),
        "broken-file": (
            "the file is damaged or not a valid PDF, Word, RTF, OpenDocument or EPUB file;"
            " re-download"
            " it or re-save it (e.g. print to PDF) and ingest again"
        ),
        "no-text-layer": (
            "the PDF has pages but no text layer (a scanned image), and OCR could not read it:"
            " install Tesseract (apt install tesseract-ocr) and ingest again, which reads"
            " scans by OCR; if it did run, the pages hold no text it can read"
        ),
        "garbage-text": (
            "text was extracted but is unreadable (mojibake from a broken font encoding), and"
            " OCR could not read it better: install Tesseract (apt install tesseract-ocr) and"
            " ingest again, add the document's language to [ingest] ocr_languages, or find"
            " another copy"
        ),
        "timeout": (
            "parsing took longer than [ingest] pdf_timeout_s (OCR: ocr_page_timeout_s a page);"
            " raise the limit if the file is just big, otherwise re-save the PDF to simplify it"
        ),
        "out-of-memory": (
            "parsing needed more memory than [ingest] pdf_memory_mb; raise the limit if the file "
            "is just big, otherwise re-save the PDF to simplify it"
        ),
        "unsupported-type": (
            "litsynth reads .pdf, .docx, .doc, .rtf, .odt, .epub, JATS .nxml/.xml, .txt, .md"
            " and .html/.mhtml files"
            " (text in UTF-8 or a detectable encoding); convert the file to one of these (a"
            " Pages or .mobi file: export it as .docx or EPUB)"
        ),
        "empty": "the file contains no text at all; check that it is the right file",
        "worker-crashed": (
            "the parser process died on this file (a bug in the PDF library or a hostile "
            "file); re-save the PDF and try again, and report the file if it persists"
        ),
    }
)


# What to do once OCR has run and still failed: installing Tesseract, the first advice, is done.
_AFTER_OCR = MappingProxyType(
    {
        "no-text-layer": (
            "the PDF has pages but no text layer (a scanned image), and OCR found no text it"
            " could read on them: check that the pages hold text (not a blank or a photograph),"
            " or add the document's language to [ingest] ocr_languages and ingest again"
        ),
        "garbage-text": (
            "text was extracted but is unreadable (mojibake from a broken font encoding), and"
            " OCR could not read it better: add the document's language to [ingest]"
            " ocr_languages and ingest again, or find another copy"
        ),
    }
)


def failure_hint(reason: str, details: Iterable[str] = ()) -> str:
    """What to do about failures of one reason, given their details: when OCR was tried on
    every one of them, the advice to install Tesseract is left out."""
    details = list(details)
    if reason in _AFTER_OCR and details and all(OCR_TRIED in d for d in details):
        return _AFTER_OCR[reason]
    return FAILURE_REASONS.get(reason, "")


class ParseFailure(IngestError):
    """One file could not be parsed; `.reason` is a key of FAILURE_REASONS."""

    def __init__(self, reason: str, detail: str = "", path: str = "") -> None:
        if reason not in FAILURE_REASONS:
            raise ValueError(f"unknown failure reason {reason!r}")
        where = f"{path}: " if path else ""
        super().__init__(
            f"{where}{reason}: {detail}" if detail else f"{where}{reason}",
            hint=failure_hint(reason, [detail]),
        )
        self.reason = reason
        self.detail = detail
        self.path = path
