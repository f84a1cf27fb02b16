"""Tagged-line exports: RIS (rispy), Web of Science tagged text (rispy's WokParser), MEDLINE.

rispy parses a whole file into dicts but keeps no line numbers and silently skips anything
between records, so a truncated or damaged entry would vanish without a word. We therefore
cut the file into entries ourselves (TY … ER, PT … ER, PMID … blank line), remembering the line
each starts on, and give each entry to rispy alone: a broken entry is rejected with its line,
the others are kept. Tag lines are first brought to the canonical "XX  - value" form, because
exports disagree on the spacing ("TY - JOUR", "TY  -JOUR") and rispy only reads the canonical.

MEDLINE (.nbib, PubMed's "PMID- " format) has 4-character tags and no end tag; rispy does not
read it, and its grammar is three rules (tag line, 6-space continuation, blank line between
records), so a small reader here is clearer than bending rispy's RIS parser to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import rispy
from rispy.config import WOK_TAG_KEY_MAPPING

from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.records import Rejection

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])\s{0,4}-(?:\s(.*)|)$")
_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9]) ?(.*)$")
_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})-\s?(.*)$")

# rispy's WoS table lacks the "UK" entry its parser files unknown tags under (KeyError 'UK').
_WOK_MAP = {**WOK_TAG_KEY_MAPPING, "UK": "unknown_tag"}

# canonical field -> rispy keys (RIS), first non-empty wins
RIS_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "primary_title", "translated_title", "short_title"),
    "abstract": ("abstract", "notes_abstract"),
    "authors": ("authors", "first_authors"),
    "year": ("year", "publication_year", "date"),
    "doi": ("doi",),
    "journal": (
        "secondary_title",
        "journal_name",
        "alternate_title3",
        "alternate_title2",
        "alternate_title1",
    ),
    "language": ("language",),
    "doc_type": ("type_of_reference",),
    "keywords": ("keywords",),
    "file": ("file_attachments1",),
}
WOS_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("document_title",),
    "abstract": ("abstract",),
    "authors": ("author_full_name", "authors"),
    "year": ("publication_year", "publication_date"),
    "doi": ("doi",),
    "journal": ("publication_name",),
    "language": ("language",),
    "doc_type": ("document_type", "publication_type"),
    "keywords": ("author_keywords", "keywords_plus"),
}
MEDLINE_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("TI", "BTI", "TT"),
    "abstract": ("AB",),
    "authors": ("FAU", "AU"),
    "year": ("DP", "DEP", "EDAT"),
    "doi": ("LID", "AID"),
    "journal": ("JT", "TA"),
    "language": ("LA",),
    "doc_type": ("PT",),
    "keywords": ("OT", "MH"),
}


def _as_text(value: object) -> str:
    if isinstance(value, str):  # the common case first: ABC checks below are slow
        return value.strip()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if str(v).strip())
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return str(value).strip()


def _pick(
    record: Mapping[str, object], table: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, object], set[str]]:
    fields: dict[str, object] = {}
    used: set[str] = set()
    for canonical, keys in table.items():
        for key in keys:
            value = record.get(key)
            if value and _as_text(value):
                fields[canonical] = value
                used.add(key)
                break
    return fields, used


def _extra(record: Mapping[str, object], used: set[str], skip: set[str]) -> dict[str, str]:
    return {k: _as_text(v) for k, v in record.items() if k not in used | skip and _as_text(v)}


def _blocks(
    lines: list[str], start: re.Pattern[str], end: re.Pattern[str] | None
) -> Iterator[tuple[int, list[str], bool]]:
    """(1-based start line, lines, closed) per entry; lines outside entries are skipped.

    With no end pattern (MEDLINE), an entry ends at the next start or at the end of the file.
    """
    current: list[str] | None = None
    first = 0
    for number, line in enumerate(lines, start=1):
        if start.match(line):
            if current is not None:
                yield first, current, end is None
            current, first = [line], number
        elif current is not None:
            current.append(line)
            if end is not None and end.match(line):
                yield first, current, True
                current = None
    if current is not None:
        yield first, current, end is None


def _canonical_ris(line: str) -> str:
    match = _RIS_TAG.match(line)
    if not match:
        return line
    tag, value = match.group(1), (match.group(2) or "").strip()
    return f"{tag}  - {value}"


def read_ris(text: str, file_name: str = "") -> ReadResult:
    """Entries of a RIS file; an entry missing its end tag is kept, with a warning."""
    lines = text.split("\n")
    entries: list[RawEntry] = []
    rejected: list[Rejection] = []
    warnings: list[str] = []
    start = re.compile(r"^TY\s{0,4}-")
    for first, block, closed in _blocks(lines, start, re.compile(r"^ER\s{0,4}-?\s*$")):
        body = [_canonical_ris(line) for line in block]
        if not closed:
            warnings.append(f"line {first}: entry has no ER end tag; kept as read")
            body.append("ER  - ")
        try:
            parsed = rispy.loads("\n".join(body))
        except Exception as exc:  # rispy raises bare exceptions on odd content
            rejected.append(Rejection(first, f"unreadable RIS entry: {exc}", block[0][:120]))
            continue
        if not parsed:
            rejected.append(Rejection(first, "unreadable RIS entry", block[0][:120]))
            continue
        record = parsed[0]
        fields, used = _pick(record, RIS_FIELDS)
        if _as_text(fields.get("file", "")).lower().startswith(("http://", "https://")):
            del fields["file"]  # Ovid's L1 is a link, not a file of a reference manager's
            used.discard("file_attachments1")
        if "doi" not in fields and (doi := _doi_elsewhere(record)):
            fields["doi"] = doi
        extra = _extra(record, used, {"id"})
        databases = [line[6:].strip() for line in body if line.startswith("DB  - ")]
        if len([d for d in databases if d]) > 1:  # rispy keeps the last; Embase's is first
            extra["name_of_database"] = "; ".join(d for d in databases if d)
        entries.append(RawEntry(first, _as_text(record.get("id", "")), fields, extra))
    if not entries and not rejected and text.strip():
        rejected.append(Rejection(0, "no RIS entries found (no line starts with 'TY  -')"))
    return ReadResult(tuple(entries), tuple(rejected), tuple(warnings))


_DOI_ALONE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+\s*$", re.I)


def _doi_elsewhere(record: Mapping[str, object]) -> str:
    """A DOI the entry gives under another tag: EBSCOhost (CINAHL, PsycInfo) writes it in L3,
    Ovid (ERIC, Embase) as a dx.doi.org link in L1, others as a doi.org link in UR. Only a
    value that is a DOI or a doi.org link and nothing else counts."""
    unknown = record.get("unknown_tag")
    values: list[object] = []
    if isinstance(unknown, Mapping):
        values += [*unknown.get("L3", []), *unknown.get("DI", [])]
    for key in ("file_attachments1", "file_attachments2", "urls"):
        value = record.get(key)
        values += value if isinstance(value, list) else [value] if value else []
    return next((str(v).strip() for v in values if _DOI_ALONE.match(str(v))), "")


def read_wos(text: str, file_name: str = "") -> ReadResult:
    """Entries of a Web of Science / Zoological Record tagged export (PT … ER)."""
    lines = text.split("\n")
    entries: list[RawEntry] = []
    rejected: list[Rejection] = []
    warnings: list[str] = []
    for first, block, closed in _blocks(lines, re.compile(r"^PT "), re.compile(r"^ER\s*$")):
        if not closed:
            warnings.append(f"line {first}: entry has no ER end tag; read to the end of the file")
            block = [*block, "ER"]
        try:
            parsed = rispy.loads("\n".join(block), implementation=rispy.WokParser, mapping=_WOK_MAP)
        except Exception as exc:
            rejected.append(Rejection(first, f"unreadable Web of Science entry: {exc}", block[0]))
            continue
        if not parsed:
            rejected.append(Rejection(first, "unreadable Web of Science entry", block[0]))
            continue
        record = parsed[0]
        if isinstance(record.get("document_title"), str):
            # WoS wraps long titles onto continuation lines; rispy joins them with a space.
            record["document_title"] = " ".join(record["document_title"].split())
        fields, used = _pick(record, WOS_FIELDS)
        entries.append(RawEntry(first, "", fields, _extra(record, used, set())))
    return ReadResult(tuple(entries), tuple(rejected), tuple(warnings))


def _medline_record(block: list[str]) -> dict[str, list[str]]:
    record: dict[str, list[str]] = {}
    last: str | None = None
    for line in block:
        if not line.strip():
            continue
        match = _MEDLINE_TAG.match(line) if not line.startswith(" ") else None
        if match:
            last = match.group(1).strip()
            record.setdefault(last, []).append(match.group(2).strip())
        elif last is not None:
            record[last][-1] = f"{record[last][-1]} {line.strip()}"
    return record


def read_medline(text: str, file_name: str = "") -> ReadResult:
    """Entries of a MEDLINE-style export: PubMed's .nbib ('PMID- ' starts each record), and
    the NLM-style files of ERIC and others, which have no PMID: there each record starts with
    the tag the file itself starts with (ERIC: 'OWN - ERIC')."""
    lines = text.split("\n")
    entries: list[RawEntry] = []
    rejected: list[Rejection] = []
    start = re.compile(r"^PMID-")
    if not any(start.match(line) for line in lines):
        first_tag = next((m.group(1) for m in map(_MEDLINE_TAG.match, lines) if m), None)
        if first_tag is None:
            return ReadResult((), ())
        start = re.compile(rf"^{re.escape(first_tag.strip())}\s*-")
    for first, block, _closed in _blocks(lines, start, None):
        record = _medline_record(block)
        if len(record) < 2:
            rejected.append(Rejection(first, "MEDLINE record has only its first tag", block[0]))
            continue
        fields: dict[str, object] = {}
        used: set[str] = set()
        for canonical, tags in MEDLINE_FIELDS.items():
            for tag in tags:
                values = record.get(tag)
                if not values:
                    continue
                if canonical == "doi":
                    dois = [v for v in values if "[doi]" in v]
                    if not dois:
                        continue
                    values = dois
                multi = canonical in {"authors", "keywords", "doc_type"}
                fields[canonical] = values if multi else values[0]
                used.add(tag)
                break
        extra = {k: "; ".join(v) for k, v in record.items() if k not in used}
        entries.append(RawEntry(first, "", fields, extra))
    return ReadResult(tuple(entries), tuple(rejected))
