"""Citation searching: a document's reference list → records of source "citation searching".

PRISMA 2020 counts records found by backward citation tracking in its "other methods" arm;
this module finds the reference list in an ingested document's text, splits it into entries
and reads author, year, title, venue and DOI from each.

Why heuristics rather than a library: the maintained offline parsers are GROBID and AnyStyle
(a Java service and a Ruby gem, not a pip dependency) and refextract, which is tuned to
high-energy-physics citations and returns report numbers and journal codes but not titles.
Review corpora cite in APA/Harvard style, where "Authors (Year). Title. *Venue*, vol, pages.
DOI" is regular enough to read with a few patterns; the DOI — what dedupe and linking
trust most — is matched exactly. Each record keeps the raw entry text in `extra["raw"]`, so a
person can always check or correct what was read.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from litsynth.biblio.normalize import normalize_doi, normalize_year, to_record
from litsynth.biblio.readers import ImportBatch, ImportOutcome, assign_ids
from litsynth.biblio.readers_base import RawEntry, Rejection
from litsynth.errors import BiblioError
from litsynth.records import BibRecord, content_id

SOURCE = "citation searching"
EXTRACTOR = "references.v1"  # versioned: a new heuristic gives new batches, not silent changes

_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\d+(?:\.\d+)*\.?[ \t]+)?\**"
    r"(references|bibliography|works cited|literature cited|reference list|cited literature"
    r"|literature|sources)\**[ \t]*:?[ \t]*$",
    re.I | re.M,
)
_NEXT_SECTION = re.compile(
    r"^(?:[ \t]*(?:#{1,6}[ \t]+\S|(?:appendix|appendices|supplementary|acknowledg|about the author"
    r"|author biograph|notes on contributors)\b)"
    r"|(?!doi|https?)[a-z_]+:(?:[ \t]|$)|---[ \t]*$)",  # or the next key / end of YAML front matter
    re.I | re.M,
)
_BULLET = re.compile(r"^[ \t]*(?:[-*•][ \t]+|\[\d+\][ \t]*|\d+\.[ \t]+)")
_APA_START = re.compile(r"^[ \t]*[A-Z][\w'’\-]+(?:[ \t][A-Z][\w'’\-]+)*,[ \t]+[A-Z]")
_DOI = re.compile(r"10\.\d{4,9}/(?:(?!\]\()\S)+")  # stops at a markdown "](" link target
_YEAR = re.compile(r"\((\d{4})[a-z]?(?:,[^)]*)?\)|\((n\.d\.)\)")
_INITIALS_AUTHOR = re.compile(r"([^,&]+?),\s*((?:[A-Z][a-z]?\.(?:[ \t]|-)?)+)")


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list, as read."""

    offset: int  # character offset of the entry in the document's text
    raw: str
    authors: tuple[str, ...]
    year: int | None
    title: str
    venue: str
    doi: str


def find_section(text: str) -> tuple[int, int] | None:
    """(start, end) offsets of the reference list: after its heading, up to the next section.

    The last heading wins, because "References" can also appear in a table of contents.
    """
    headings = list(_HEADING.finditer(text))
    if not headings:
        return None
    start = headings[-1].end()
    following = _NEXT_SECTION.search(text, start)
    end = following.start() if following else len(text)
    return start, end


def _strip_markdown(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1", text)  # [label](url) -> label
    text = text.replace("\\_", "_").replace("\\(", "(").replace("\\)", ")")
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def split_entries(text: str, base: int = 0) -> list[tuple[int, str]]:
    """Entries of a reference list with their offsets in the document.

    Bulleted or numbered lists split at each marker; plain lists at blank lines or, when
    lines wrap without blank lines (PDF text), at each line that starts like "Family, X.".
    An entry that is only a link (a DOI wrapped onto its own bullet) joins the one before.
    """
    lines = text.split("\n")
    bulleted = sum(1 for line in lines if _BULLET.match(line)) >= 2
    offsets: list[int] = []
    bodies: list[str] = []
    pos = base
    blank_before = True
    for line in lines:
        stripped = line.strip()
        starts = False
        if stripped:
            if bulleted:
                starts = bool(_BULLET.match(line))
            else:
                starts = blank_before or bool(_APA_START.match(line))
        if stripped and (starts or not bodies):
            body = _BULLET.sub("", line, count=1) if bulleted else line
            offsets.append(pos + len(line) - len(body.lstrip()))
            bodies.append(body.strip().strip('"'))  # YAML lists quote their items
        elif stripped:
            bodies[-1] = f"{bodies[-1]} {stripped}"
        blank_before = not stripped
        pos += len(line) + 1
    merged: list[tuple[int, str]] = []
    for offset, body in zip(offsets, bodies, strict=True):
        if merged and not re.search(r"[A-Za-z]{3,}", re.sub(r"\S*(?:doi|http)\S*", "", body)):
            merged[-1] = (merged[-1][0], f"{merged[-1][1]} {body}")
        else:
            merged.append((offset, body))
    return merged


def _authors(segment: str) -> tuple[str, ...]:
    segment = segment.strip()
    found = _INITIALS_AUTHOR.findall(segment)
    if found:
        names = []
        for family, initials in found:
            family = re.sub(r"^\s*(?:&|and)\s+", "", family.strip(" ,"))
            names.append(f"{family}, {initials.strip()}")
        return tuple(names)
    parts = [p.strip() for p in re.split(r",\s*(?:&\s*)?|\s+&\s+|\s+and\s+", segment) if p.strip()]
    return tuple(parts)


def parse_reference(raw: str, offset: int = 0) -> Reference:
    """Read "Authors (Year). Title. *Venue*, …. DOI" — whatever part is missing stays empty."""
    unescaped = raw.replace("\\_", "_").replace("\\(", "(").replace("\\)", ")")
    doi_match = _DOI.search(re.sub(r"<(https?://\S+)>", r"\1", unescaped))
    doi = normalize_doi(doi_match.group(0)) if doi_match else ""
    italic = re.findall(r"\*([^*]+)\*", raw)
    text = _strip_markdown(raw).replace("*", "")
    year_match = _YEAR.search(text)
    authors: tuple[str, ...] = ()
    year = None
    rest = text
    if year_match:
        authors = _authors(text[: year_match.start()])
        year = normalize_year(year_match.group(1)) if year_match.group(1) else None
        rest = text[year_match.end() :].lstrip(". ")
        if not re.search(r"[A-Za-z]{3,}", rest) and "," in text[: year_match.start()]:
            # "Names, Title (Year)": the year closes the entry, the title is the last part.
            head, _, last = text[: year_match.start()].rstrip(" ,").rpartition(",")
            authors, rest = _authors(head), last.strip()
    else:  # "Authors. Title, *Venue*, 2025, pp…" — year anywhere
        year = normalize_year(text)
    title, venue = "", ""
    plain_italic = [_strip_markdown(i).strip(" .,") for i in italic]
    if plain_italic and rest.startswith(plain_italic[0]):
        title = plain_italic[0]  # a book: the title itself is in italics
        venue = ""
    else:
        cut = re.search(r"(?<=[.?!])\s+(?=[A-Z*(\[]|In\s)", rest)
        title = rest[: cut.start()] if cut else rest
        tail = rest[cut.end() :] if cut else ""
        venue = plain_italic[0] if plain_italic else tail.split(",")[0].split(".")[0]
    title = re.sub(r"\s*(?:https?://|doi:)\S*", "", title).strip(" .")
    if not year_match and authors == () and "," in title:
        # No "(Year)": the first comma-separated run before the title is the author list.
        head, _, after = text.partition(". ")
        authors, title = _authors(head), after.split(",")[0].strip(" .") if after else title
    return Reference(offset, raw, authors, year, title, venue.strip(" .,"), doi)


def extract_references(text: str) -> list[Reference]:
    """Every entry of the document's reference list, read; [] when it has none."""
    section = find_section(text)
    if section is None:
        return []
    start, end = section
    return [parse_reference(raw, offset) for offset, raw in split_entries(text[start:end], start)]


def references_batch(
    document_id: str,
    document_path: str,
    refs: list[Reference],
    taken: Callable[[str], bool] = lambda _rid: False,
) -> ImportBatch:
    """The citation-searching batch of one document: one record per reference read."""
    batch_hash = content_id(document_id, EXTRACTOR)
    batch_id = "b" + content_id(SOURCE, batch_hash, length=15)
    kept: list[tuple[RawEntry, BibRecord]] = []
    rejected: list[Rejection] = []
    for ref in refs:
        fields: dict[str, object] = {
            "title": ref.title,
            "authors": list(ref.authors),
            "year": ref.year,
            "doi": ref.doi,
            "journal": ref.venue,
        }
        extra = {"cited_by": document_id, "raw": ref.raw, "offset": str(ref.offset)}
        rec = to_record(fields, record_id="", source=SOURCE, batch_id=batch_id, extra=extra)
        if not (rec.title or rec.doi):
            rejected.append(
                Rejection(ref.offset, "reference has neither a title nor a DOI", ref.raw[:120])
            )
            continue
        kept.append((RawEntry(ref.offset, "", fields, extra), rec))
    ids, renamed = assign_ids(kept, SOURCE, taken)
    records = tuple(
        BibRecord(**{**rec.__dict__, "id": rid}) for rid, (_r, rec) in zip(ids, kept, strict=True)
    )
    return ImportBatch(
        id=batch_id,
        source=SOURCE,
        file_name=document_path,
        file_hash=batch_hash,
        format="references",
        encoding="utf-8",
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        records=records,
        rejected=tuple(rejected),
        report={"renamed": renamed, "document_id": document_id, "extractor": EXTRACTOR},
    )


def import_references(
    conn: sqlite3.Connection, document_ids: list[str] | None = None, *, save: bool = True
) -> list[tuple[ImportOutcome, list[Reference]]]:
    """Read the reference lists of the given (default: all) documents; import them if `save`."""
    from litsynth.store import biblio as store

    docs = store.document_texts(conn, document_ids)
    if document_ids:
        missing = sorted(set(document_ids) - {d["id"] for d in docs})
        if missing:
            raise BiblioError(
                f"no ingested document {missing[0]!r}", hint="list documents with `litsynth status`"
            )
    out = []
    for doc in docs:
        refs = extract_references(doc["text"])
        batch = references_batch(
            doc["id"], doc["path"], refs, lambda rid: store.record_exists(conn, rid)
        )
        existing = store.find_batch(conn, SOURCE, batch.file_hash)
        already = existing is not None
        if save and not already and batch.records:
            store.save_batch(conn, batch)
        outcome = ImportOutcome(
            file_name=doc["path"],
            batch_id=batch.id,
            source=SOURCE,
            format="references",
            encoding="utf-8",
            n_records=len(batch.records),
            n_rejected=len(batch.rejected),
            already_imported=already,
            rejected=batch.rejected,
        )
        out.append((outcome, refs))
    return out
