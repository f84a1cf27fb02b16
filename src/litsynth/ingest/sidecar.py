"""The corpus metadata sidecar: corpus/documents.csv, one row of bibliographic facts per file.

Parsers only see what a file says about itself (a PDF's info dict, an HTML <title>), which for
scholarly PDFs is often empty or wrong. The sidecar is where a reviewer writes the facts a
citation needs. Columns:

    file,title,authors,year,venue,doi,<any other column>

`file` is the path relative to the corpus folder (or a bare file name); `authors` is
`;`-separated "Family, Given"; every other column (source_type, industry, …) becomes a
document attribute the synthesis matrices can group by. A blank cell means "not known" and
never overwrites what the parser found.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from litsynth.ingest.byline import BYLINE_VERSION
from litsynth.ingest.doc import READER_VERSION as DOC_READER
from litsynth.ingest.pdf import TEXT_VERSION as PDF_TEXT
from litsynth.ingest.printed_pages import PRINTED_PAGES_VERSION
from litsynth.records import Document

SIDECAR_FILE = "documents.csv"
_CORE = ("file", "title", "authors", "year", "venue", "doi")


@dataclass(frozen=True)
class Metadata:
    """One sidecar row; empty strings / None mean "not stated"."""

    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    doi: str = ""
    attributes: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Sidecar:
    rows: dict[str, Metadata]  # key: path relative to the corpus folder, posix
    warnings: tuple[str, ...] = ()

    def lookup(self, relative: str) -> Metadata | None:
        """The row for a file, by its corpus-relative path or, failing that, its bare name."""
        if relative in self.rows:
            return self.rows[relative]
        return self.rows.get(Path(relative).name)


def read_sidecar(path: Path) -> Sidecar:
    """Read documents.csv; a bad cell is a warning naming file, line and value, not a stop."""
    if not path.exists():
        return Sidecar(rows={})
    rows: dict[str, Metadata] = {}
    warnings: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("file",) if c not in (reader.fieldnames or [])]
        if missing:
            return Sidecar(rows={}, warnings=(f"{path}: no 'file' column; the sidecar is ignored",))
        for line, raw in enumerate(reader, start=2):  # line 1 is the header
            name = (raw.get("file") or "").strip()
            if not name:
                warnings.append(f"{path} line {line}: empty 'file' cell; row ignored")
                continue
            year_text = (raw.get("year") or "").strip()
            year: int | None = None
            if year_text:
                try:
                    year = int(year_text)
                except ValueError:
                    warnings.append(
                        f"{path} line {line}: year {year_text!r} is not a number; left blank"
                    )
            authors = tuple(a.strip() for a in (raw.get("authors") or "").split(";") if a.strip())
            extra = {
                k.strip(): (v or "").strip()
                for k, v in raw.items()
                if k and k.strip() not in _CORE and (v or "").strip()
            }
            rows[Path(name).as_posix()] = Metadata(
                title=(raw.get("title") or "").strip(),
                authors=authors,
                year=year,
                venue=(raw.get("venue") or "").strip(),
                doi=(raw.get("doi") or "").strip(),
                attributes=extra,
            )
    return Sidecar(rows=rows, warnings=tuple(warnings))


def apply_metadata(doc: Document, meta: Metadata | None) -> Document:
    """The document with the sidecar's non-blank facts laid over what the parser found."""
    if meta is None:
        return doc
    return dataclasses.replace(
        doc,
        title=meta.title or doc.title,
        authors=meta.authors or doc.authors,
        year=meta.year if meta.year is not None else doc.year,
        venue=meta.venue or doc.venue,
        doi=meta.doi or doc.doi,
        attributes={**doc.attributes, **meta.attributes},
    )


# The reader version each kind's file_meta records, where a newer one reads stored files
# differently, so retry.outdated_readings parses them again (the PDF's is its byline's,
# brought up to date without a parse).
READERS = {"doc": DOC_READER}


def file_meta(doc: Document) -> dict[str, object]:
    """What a parsed file says about itself, before any sidecar or record is laid over it.
    A PDF's says how its authors were chosen (`BYLINE_VERSION`), so that one ingested before
    can be brought up to date (`reprint.reread_bylines`); a .doc's which reader read it
    (READERS: an older one's documents are read again)."""
    said: dict[str, object] = {"title": doc.title, "authors": list(doc.authors),
                               "year": doc.year, "venue": doc.venue, "doi": doc.doi}  # fmt: skip
    if doc.kind == "pdf":
        said["read_by"] = BYLINE_VERSION
        said["pages_read_by"] = PRINTED_PAGES_VERSION  # parse_pdf looked for printed pages
        said["text_read_by"] = PDF_TEXT  # its text as this reader makes it (status: --reread)
    elif doc.kind in READERS:
        said["read_by"] = READERS[doc.kind]
    return said


def sidecar_fields(meta: Metadata | None) -> dict[str, object]:
    """The citation facts a documents.csv row states (blank cells state nothing)."""
    if meta is None:
        return {}
    given = {"title": meta.title, "authors": list(meta.authors), "year": meta.year,
             "venue": meta.venue, "doi": meta.doi}  # fmt: skip
    return {k: v for k, v in given.items() if v not in (None, "", [])}
