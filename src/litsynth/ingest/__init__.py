"""Ingest, first half: files → canonical `Document`s → sentence-aware `Chunk`s.

- `parse_file(path, passwords=..., ocr=...)`: one PDF, .txt, .md or .html file →
  `records.Document` (canonical text, page or section spans), or `ParseFailure` with a reason
  from FAILURE_REASONS; with `ocr.OcrSettings`, a PDF's scanned pages are read by OCR;
- `parse_many(paths, ...)`: the same in worker processes with a time and memory limit per file,
  yielding a `Document` or a `records.Failure` per file as they finish;
- `chunk_document(doc, count_tokens=...)`: overlapping chunks sized in the embedder's tokens,
  each with exact offsets into `Document.text` (chunker `CHUNKER_NAME`).

The pipeline (store, index, incremental runs) builds on these in `ingest.pipeline`.
"""

from litsynth.ingest.chunk import CHUNKER_NAME, chunk_document
from litsynth.ingest.failures import FAILURE_REASONS, ParseFailure
from litsynth.ingest.normalize import canonical_text
from litsynth.ingest.parse import KINDS, parse_file
from litsynth.ingest.workers import parse_many

__all__ = [
    "CHUNKER_NAME",
    "FAILURE_REASONS",
    "KINDS",
    "ParseFailure",
    "canonical_text",
    "chunk_document",
    "parse_file",
    "parse_many",
]
