"""Which stored outcomes are worth another parse, though the file has not changed.

An unchanged file is normally never parsed again: its document (or its failure) stands. Two
things a user does make a second parse worth it, and both are things a failure's hint or a
document's note told them to do:
- raise a limit it failed by (`pdf_timeout_s`, `pdf_memory_mb`);
- make OCR possible (install Tesseract, or set `[ingest] ocr = true`) for a scan that failed
  as `no-text-layer` / `garbage-text`, or that was stored with pages left unread.

And two things litsynth itself learns make one worth it, once:
- a reader that now reads what an older one refused: an RTF file named .doc failed as
  `unsupported-type` until RTF files were read;
- a reader that now reads a stored document better: a Word 97–2003 file stored as one section
  before .doc headings were read (`doc.READER_VERSION`, kept in the document's file_meta).
"""

from __future__ import annotations

import sqlite3

from litsynth.config import IngestSettings
from litsynth.ingest.failures import OCR_TRIED
from litsynth.ingest.ocr import OCR_TIMEOUT
from litsynth.ingest.ocr import missing as ocr_missing
from litsynth.ingest.ocr import settings_for as ocr_settings_for
from litsynth.ingest.sidecar import READERS
from litsynth.store import documents as store
from litsynth.store.scans import read_by_older, with_unread_pages

# Failures an older version recorded for files this one reads: parsed again, once.
_NOW_READ = ("an RTF file under a .doc name",)


def limit_raised(failure: store.FailureState, limits: IngestSettings) -> bool:
    """Whether a file that failed by a limit would now get more room, so it is worth a retry.

    The failure hint says "raise the limit", so a user who does expects the file to be tried
    again; a failure recorded before the limits were stored (None) is retried once. So is a
    scan or a garbled text layer that OCR has not read yet, once OCR can run: the hint says
    "install Tesseract".
    """
    if failure.reason in ("no-text-layer", "garbage-text"):
        ocr = ocr_settings_for(limits)
        return ocr is not None and OCR_TRIED not in failure.detail and not ocr_missing(ocr)
    if failure.reason == "timeout":
        return (
            failure.timeout_s is None or timeout_limit(failure.detail, limits) > failure.timeout_s
        )
    if failure.reason == "out-of-memory":
        return failure.memory_mb is None or limits.pdf_memory_mb > failure.memory_mb
    if failure.reason == "unsupported-type":
        return any(detail in failure.detail for detail in _NOW_READ)
    return False


def timeout_limit(detail: str, limits: IngestSettings) -> float:
    """The limit a timeout with this detail ran into: a page's OCR has its own."""
    return limits.ocr_page_timeout_s if detail.startswith(OCR_TIMEOUT) else limits.pdf_timeout_s


def rereadable_scans(conn: sqlite3.Connection, limits: IngestSettings) -> set[str]:
    """Documents stored with scanned pages left unread (OCR was off, or Tesseract missing)
    that OCR can read now: each is parsed again, once (a second parse that OCR ran leaves
    no such note, whatever it found)."""
    ocr = ocr_settings_for(limits)
    if ocr is None or ocr_missing(ocr):
        return set()
    return with_unread_pages(conn)


def outdated_readings(conn: sqlite3.Connection) -> set[str]:
    """Documents an older reader of their kind stored: each is parsed again (unless human
    work points at its passages), so a .doc stored as one section gets its headings."""
    return {i for kind, version in READERS.items() for i in read_by_older(conn, kind, version)}
