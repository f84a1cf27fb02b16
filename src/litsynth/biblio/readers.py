"""Reading database exports into records: decode, detect the format, parse, normalise, name.

One function per step, each pure, so any step can be tested on a string:

    bytes --decode_bytes--> text --detect_format--> "ris" --parse_text--> ReadResult
          --build_batch--> ImportBatch (records with final ids + rejections)

`import_files` is the imperative shell the CLI calls: it reads the files and hands each batch
to the store, which makes re-importing the same file from the same source a no-op.

Record ids (decided here, documented in docs/records.md): the export's own id (BibTeX key, RIS
`ID`, CSV `record_id`) is the record's id in the project, so screening sheets keyed by it keep
working. Only when that id is already taken — by another batch or earlier in the same file — is
it namespaced as `<id>@<source-slug>` (then `-2`, `-3`, ...), and the renaming is reported in
the batch. Entries without an id get a content id of their normalised DOI, title, first author
and year (`r` + 15 hex digits), so the same file always yields the same ids.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from charset_normalizer import from_bytes

from litsynth.biblio.encoding_repair import first_repair, repair, repaired_warning
from litsynth.biblio.export_source import (
    ExportSource,
    by_database,
    could_be,
    export_source,
)
from litsynth.biblio.normalize import fingerprint, to_record
from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.biblio.readers_bibtex import read_bibtex
from litsynth.biblio.readers_csv import read_csv
from litsynth.biblio.readers_endnote import read_endnote, read_endnote_xml
from litsynth.biblio.readers_json import read_csl_json
from litsynth.biblio.readers_sheet import read_spreadsheet, spreadsheet_kind
from litsynth.biblio.readers_tagged import read_medline, read_ris, read_wos
from litsynth.errors import BiblioError
from litsynth.records import BibRecord, ImportBatch, Rejection, bytes_id, content_id
from litsynth.words import count

FORMATS: dict[str, Callable[[str, str], ReadResult]] = {
    "bibtex": read_bibtex,
    "ris": read_ris,
    "wos": read_wos,
    "medline": read_medline,
    "csv": read_csv,
    "endnote": read_endnote,
    "endnote-xml": read_endnote_xml,
    "csl-json": read_csl_json,
}
_OTHER_CJK = {"cp949", "euc_kr", "johab", "euc_jp", "euc_jis_2004", "shift_jis", "cp932", "big5"}
# What a folder given to `import` is read for: the kinds of file databases export.
EXPORT_SUFFIXES = frozenset({
    ".ris", ".txt", ".bib", ".bibtex", ".nbib", ".ciw", ".csv", ".tsv", ".xlsx", ".xls", ".enw",
    ".xml", ".json",
})  # fmt: skip


def export_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to import, a folder standing for the exports in it (not its sub-folders, not
    hidden files), and the files of a folder left out for their kind (a PDF, a Word file)."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for child in sorted(
            p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
        ):
            (files if child.suffix.lower() in EXPORT_SUFFIXES else skipped).append(child)
    return files, skipped


_BY_EXTENSION = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".ciw": "wos",
    ".nbib": "medline",
    ".csv": "csv",
    ".tsv": "csv",
    ".enw": "endnote",
    ".json": "csl-json",
}


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file: imported, or skipped because that batch already exists."""

    file_name: str
    batch_id: str
    source: str
    format: str
    encoding: str
    n_records: int
    n_rejected: int
    already_imported: bool
    rejected: tuple[Rejection, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    error: str = ""  # the file could not be imported at all (unreadable, unknown format)
    n_renamed: int = 0  # records whose id was taken (each listed once per wanted id)
    warnings: tuple[str, ...] = ()  # entries kept with a caveat (no ER tag, repeated field)
    source_from: str = ""  # what in the file named the source, when the user did not
    unnamed: bool = False  # refused: no source given, and its records name none (or several)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file_name,
            "batch_id": self.batch_id,
            "source": self.source,
            "source_from": self.source_from,
            "format": self.format,
            "encoding": self.encoding,
            "n_records": self.n_records,
            "n_rejected": self.n_rejected,
            "already_imported": self.already_imported,
            "rejected": [
                {"line": r.line, "reason": r.reason, "excerpt": r.excerpt} for r in self.rejected
            ],
            "renamed": self.renamed,
            "n_renamed": self.n_renamed,
            "warnings": list(self.warnings),
            "error": self.error,
        }


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). A named encoding is obeyed; else UTF-8 (BOM or not), else detected.

    UTF-8 is tried first and strictly because it is by far the most common and a valid UTF-8
    byte string is almost never meant as anything else; detection (charset-normalizer) only
    runs on the rest: latin-1 exports from old EndNote, GBK from Chinese databases.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding.lower()
        except UnicodeDecodeError as exc:
            raise BiblioError(
                f"the file is not valid {encoding} (byte {exc.start})",
                hint="leave out --encoding to detect it, or name the right one",
            ) from None
        except (LookupError, ValueError):  # ValueError: a name with a NUL in it
            raise BiblioError(
                f"unknown encoding {encoding!r}",
                hint="use a Python codec name: utf-8, latin-1, gbk",
            ) from None
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return data.decode("latin-1"), "latin-1"  # latin-1 maps every byte: nothing is lost
    if best.coherence == 0.0 and best.encoding in _OTHER_CJK:
        # Too little text to recognise a language (a 6-character Chinese name decodes cleanly
        # as Korean cp949 too). The legacy multi-byte exports reviews meet come from CNKI and
        # Wanfang, so a clean GB decoding wins the tie; --encoding overrides.
        for match in matches:
            if match.encoding == "gb18030" and match.chaos <= 0.2:
                return str(match), "gb18030"
    return str(best), best.encoding


def detect_format(text: str, file_name: str = "") -> str:
    """The format from the content; the extension only breaks ties (an empty file, a .txt CSV)."""
    head = text.lstrip("\ufeff \t\r\n")[:20000]
    if re.search(r"^\s*(?:\d+\.\s*\n)?TY\s{1,2}-", head, flags=re.M):
        return "ris"
    if re.search(r"^PMID-\s*\d", head, flags=re.M):
        return "medline"
    # NLM-style without PMIDs (ERIC): an owner tag and a title tag in MEDLINE's 4-column form
    if re.search(r"^OWN\s*-\s*\S", head, flags=re.M) and re.search(r"^TI\s+-\s", head, re.M):
        return "medline"
    if re.search(r"^(?:FN |PT [A-Z]\s*$)", head, flags=re.M) and re.search(r"^ER\s*$", text, re.M):
        return "wos"
    if re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", head, flags=re.M):
        return "bibtex"
    if re.search(r"^%0 ", head, flags=re.M) and re.search(r"^%[TA] ", head, flags=re.M):
        return "endnote"
    if re.match(
        r"(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?<xml>\s*<records>",
        head,
        flags=re.S,
    ):
        return "endnote-xml"
    if re.match(r"[\[{]\s*(?:\{|\")", head) and re.search(r'"(?:title|type|author)"\s*:', head):
        return "csl-json"
    ext = Path(file_name).suffix.lower()
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    first = head.split("\n", 1)[0]
    if first.count(",") + first.count("\t") + first.count(";") >= 1:
        return "csv"
    raise BiblioError(
        f"{file_name}: cannot tell the format (not BibTeX, RIS, WoS, MEDLINE, EndNote,"
        " CSL-JSON or CSV)",
        hint="export as RIS or BibTeX, or give a CSV with a header row",
    )


def parse_text(text: str, fmt: str, file_name: str = "") -> ReadResult:
    return FORMATS[fmt](text.lstrip("\ufeff"), file_name)


def _slug(source: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-") or "source"


def assign_ids(
    entries: Iterable[tuple[RawEntry, BibRecord]], source: str, taken: Callable[[str], bool]
) -> tuple[list[str], dict[str, str], int]:
    """Final ids for a file's records, {wanted id -> first given id} and how many were renamed.

    The next suffix to try is remembered per wanted id, so 20,000 entries sharing one id cost
    20,000 look-ups, not 20,000²/2 (the hardening probe's RIS file took 161 s before).
    """
    ids: list[str] = []
    renamed: dict[str, str] = {}
    used: set[str] = set()
    next_n: dict[str, int] = {}
    n_renamed = 0
    for raw, rec in entries:
        wanted = raw.key.strip() or fingerprint(rec.title, rec.authors, rec.year, rec.doi)
        given = wanted
        n = next_n.get(wanted, 1)
        while given in used or taken(given):
            given = f"{wanted}@{_slug(source)}" if n == 1 else f"{wanted}@{_slug(source)}-{n}"
            n += 1
        next_n[wanted] = n
        if given != wanted:
            renamed.setdefault(wanted, given)
            n_renamed += 1
        used.add(given)
        ids.append(given)
    return ids, renamed, n_renamed


# What a text export cannot start with: a zip container (xlsx, docx), a PDF, an OLE2 file (xls).
_BINARY_MAGIC = {
    b"PK\x03\x04": "a zip container (an .xlsx or .docx file?)",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old Office file (.xls or .doc)",
}


def check_text_export(data: bytes, file_name: str) -> None:
    """Refuse binary content before any reader guesses at it (it used to parse as CSV)."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise BiblioError(
                f"{file_name} is {what}, not a bibliographic export",
                hint="export from the database as RIS, BibTeX, CSV, WoS tagged text or MEDLINE",
            )
    sample = data[:65536]
    # UTF-16 text has NULs too, but no export we read is UTF-16 without a BOM
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BiblioError(
            f"{file_name} holds binary data, not a bibliographic export",
            hint="export from the database as RIS, BibTeX, CSV, WoS tagged text or MEDLINE",
        )


_CONTENT = ("title", "abstract", "doi", "authors")  # what makes an entry a record


def _is_empty(rec: BibRecord) -> bool:
    return not any(getattr(rec, name) for name in _CONTENT)


def read_entries(
    data: bytes,
    file_name: str,
    *,
    encoding: str | None = None,
    fmt: str | None = None,
    sheet: str | None = None,
) -> tuple[str, str, ReadResult]:
    """(format, encoding used, entries) of an export in any format we read, workbook or text:
    what an import and a screening tool's export (`screening_tools`) both start from."""
    kind = spreadsheet_kind(data)
    if kind is not None:
        return kind, "", read_spreadsheet(data, file_name, sheet=sheet)
    check_text_export(data, file_name)
    text, used_encoding = decode_bytes(data, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fmt = fmt or detect_format(text, file_name)
    return fmt, used_encoding, parse_text(text, fmt, file_name)


def build_batch(
    data: bytes,
    file_name: str,
    source: str,
    *,
    encoding: str | None = None,
    fmt: str | None = None,
    taken: Callable[[str], bool] = lambda _id: False,
    now: str | None = None,
    sheet: str | None = None,
    read: tuple[str, str, ReadResult] | None = None,
) -> ImportBatch:
    """Parse one export into a batch: every entry becomes a record or a rejection with a reason.
    `read` is what `read_entries` gave, when the caller already read the file."""
    fmt, used_encoding, result = read or read_entries(
        data, file_name, encoding=encoding, fmt=fmt, sheet=sheet
    )
    file_hash = bytes_id(data)
    batch_id = "b" + content_id(source, file_hash, length=15)
    rejected = list(result.rejected)
    kept: list[tuple[RawEntry, BibRecord]] = []
    repaired: list[tuple[str, str]] = []  # each repaired record's first repair
    for raw in result.entries:
        rec = to_record(raw.fields, record_id="", source=source, batch_id=batch_id, extra=raw.extra)
        rec, fields = repair(rec)
        if fields:
            repaired.append(first_repair(rec, fields))
        if _is_empty(rec):
            rejected.append(Rejection(raw.line, "entry has no title, abstract, authors or DOI"))
            continue
        kept.append((raw, rec))
    if not kept:
        raise BiblioError(_no_records(file_name, fmt, rejected), hint=_NO_RECORDS_HINT)
    ids, renamed, n_renamed = assign_ids(kept, source, taken)
    records = tuple(
        BibRecord(**{**rec.__dict__, "id": rid}) for rid, (_raw, rec) in zip(ids, kept, strict=True)
    )
    rejected.sort(key=lambda r: r.line)
    return ImportBatch(
        id=batch_id,
        source=source,
        file_name=file_name,
        file_hash=file_hash,
        format=fmt,
        encoding=used_encoding,
        imported_at=now or datetime.now(UTC).isoformat(timespec="seconds"),
        records=records,
        rejected=tuple(rejected),
        report={
            "renamed": renamed,
            "n_renamed": n_renamed,
            "warnings": [
                *result.warnings,
                *([repaired_warning(len(repaired), repaired[0])] if repaired else []),
            ],
        },
    )


_NO_RECORDS_HINT = "check that this is the export you meant, then import it again"


def _no_records(file_name: str, fmt: str, rejected: list[Rejection]) -> str:
    """Why a file gave nothing: a whole file silently missing from PRISMA is worse than an error."""
    message = f"{file_name}: no records found (read as {fmt})"
    if rejected:
        first = rejected[0]
        entries = count(len(rejected), "entry", "entries")
        message += f"; {entries} rejected, first at line {first.line}: {first.reason}"
    return message


def _failed(file_name: str, source: str, error: str) -> ImportOutcome:
    return ImportOutcome(file_name, "", source, "", "", 0, 0, False, error=error)


def import_files(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    source: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    split: bool = False,
) -> list[ImportOutcome]:
    """Import each file as one batch of `source`; a file already imported from it is skipped.
    With no source, each file's is read from its records (`export_source`); with `split`, a
    batch per database its records name (`import_by_database`, `source` for the rest)."""
    outcomes = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            outcomes.append(_failed(str(path), source, f"cannot read the file: {exc.strerror}"))
            continue
        if split:
            outcomes.extend(
                import_by_database(conn, str(path), data, source, encoding=encoding, sheet=sheet)
            )
            continue
        outcomes.append(import_data(conn, str(path), data, source, encoding=encoding, sheet=sheet))
    return outcomes


def import_data(
    conn: sqlite3.Connection,
    file_name: str,
    data: bytes,
    source: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ImportOutcome:
    """Import one file's bytes (read from disk, or sent by the workspace) as a batch of
    `source`; the same bytes already imported from it change nothing. An empty source is
    read from the file's records, and a file whose records do not name one is refused."""
    from litsynth.store import biblio as store

    named: ExportSource | None = None
    read = None
    if not source.strip():  # the database the records name; the file read once, not twice
        try:
            read = read_entries(data, file_name, encoding=encoding, sheet=sheet)
        except BiblioError as exc:
            return _failed(file_name, "", exc.message)
        try:
            named = export_source(read[0], read[2], known=store.count_by_source(conn))
        except BiblioError as exc:
            return replace(_failed(file_name, "", exc.message), unnamed=True)
        source = named.name
        return _saved(conn, file_name, data, source, read=read, encoding=encoding, sheet=sheet,
                      evidence=named.evidence)  # fmt: skip
    if store.find_batch(conn, source, bytes_id(data)) is not None:  # a re-import: no reading
        return _saved(conn, file_name, data, source, read=None, encoding=encoding, sheet=sheet)
    try:
        read = read_entries(data, file_name, encoding=encoding, sheet=sheet)
    except BiblioError as exc:
        return _failed(file_name, source, exc.message)
    try:  # a source named against what the records say is a slip PRISMA would count
        said = export_source(read[0], read[2])
    except BiblioError:
        said = None
    contrary = said if said is not None and not could_be(source, said.name) else None
    return _saved(conn, file_name, data, source, read=read, encoding=encoding, sheet=sheet,
                  contrary=contrary)  # fmt: skip


def import_by_database(
    conn: sqlite3.Connection,
    file_name: str,
    data: bytes,
    fallback: str = "",
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> list[ImportOutcome]:
    """A reference manager's library holding several searches (EndNote keeps each record's
    database), imported as a batch per database its records name, so PRISMA counts each;
    the records that name none go to `fallback`, and without one the file is refused. The
    file's skipped entries and warnings go with the first batch."""
    from litsynth.store import biblio as store

    try:
        fmt, used_encoding, result = read_entries(data, file_name, encoding=encoding, sheet=sheet)
    except BiblioError as exc:
        return [_failed(file_name, "", exc.message)]
    groups, unnamed = by_database(fmt, result, known=store.count_by_source(conn))
    # an entry with nothing in it names no database, but is no record either: the first
    # batch skips it with its reason, as a plain import would
    blank: list[RawEntry] = []
    named_none: list[RawEntry] = []
    for entry in unnamed:
        (named_none if any(entry.fields.get(name) for name in _CONTENT) else blank).append(entry)
    unnamed = named_none
    total = len(result.entries) - len(blank)
    if unnamed and not fallback.strip():
        return [
            replace(
                _failed(
                    file_name, "", f"{len(unnamed)} of {count(total, 'record')} name no"
                    f" database (the first at line {unnamed[0].line})",
                ),
                unnamed=True,
            )
        ]  # fmt: skip
    if unnamed:
        groups.setdefault(fallback.strip(), []).extend(unnamed)
    if not groups:  # no entry at all: the file's own error, as a plain import gives it
        return [_saved(conn, file_name, data, fallback.strip(), read=(fmt, used_encoding, result),
                       encoding=encoding, sheet=sheet)]  # fmt: skip
    outcomes = []
    for k, (name, entries) in enumerate(groups.items()):
        part = ReadResult(
            tuple(sorted([*entries, *(blank if k == 0 else [])], key=lambda e: e.line)),
            result.rejected if k == 0 else (),
            result.warnings if k == 0 else (),
        )
        told = len(unnamed) if name == fallback.strip() else 0
        said = f"split by database: {len(entries) - told} of {count(total, 'record')} name it"
        if told:
            said = (
                f"split by database: {told} of {count(total, 'record')} name none, given --source"
                + (f"; {len(entries) - told} name it" if len(entries) > told else "")
            )
        outcomes.append(
            _saved(
                conn, file_name, data, name, read=(fmt, used_encoding, part), encoding=encoding,
                sheet=sheet, evidence=said, besides=set(groups),
            )
        )  # fmt: skip
    return outcomes


def _saved(
    conn: sqlite3.Connection,
    file_name: str,
    data: bytes,
    source: str,
    *,
    read: tuple[str, str, ReadResult] | None,
    encoding: str | None,
    sheet: str | None,
    evidence: str = "",
    besides: Collection[str] = (),
    contrary: ExportSource | None = None,
) -> ImportOutcome:
    """One batch of `source` stored (or found stored before), and what happened to it;
    `contrary`, the database the records name when it is not the source given."""
    from litsynth.biblio.batches import same_database_elsewhere, same_file_elsewhere
    from litsynth.store import biblio as store

    existing = store.find_batch(conn, source, bytes_id(data))
    if existing is not None:
        return ImportOutcome(
            file_name=file_name,
            batch_id=existing["id"],
            source=source,
            format=existing["format"],
            encoding=existing["encoding"],
            n_records=existing["n_records"],
            n_rejected=existing["n_rejected"],
            already_imported=True,
            source_from=evidence,
        )
    try:
        batch = build_batch(
            data,
            file_name,
            source,
            encoding=encoding,
            sheet=sheet,
            taken=lambda rid: store.record_exists(conn, rid),
            read=read,
        )
    except BiblioError as exc:  # one unreadable file must not stop the others
        return _failed(file_name, source, exc.message)
    store.save_batch(conn, batch)
    renamed = batch.report.get("renamed", {})
    n_renamed = batch.report.get("n_renamed", 0)
    warnings = batch.report.get("warnings", [])
    if isinstance(warnings, list):
        warnings = [
            *warnings,
            *same_file_elsewhere(conn, batch.id, besides),
            *same_database_elsewhere(conn, source, batch.id),
            *(
                [f"its records name {contrary.name} ({contrary.evidence}), not {source!r}: if"
                 f" it came from {contrary.name}, `litsynth batches --remove {batch.id}` takes it"
                 " back, to import it again without --source"]
                if contrary is not None else []
            ),
        ]  # fmt: skip
    return ImportOutcome(
        file_name=file_name,
        batch_id=batch.id,
        source=source,
        format=batch.format,
        encoding=batch.encoding,
        n_records=len(batch.records),
        n_rejected=len(batch.rejected),
        already_imported=False,
        rejected=batch.rejected,
        renamed=dict(renamed) if isinstance(renamed, dict) else {},
        n_renamed=n_renamed if isinstance(n_renamed, int) else 0,
        warnings=tuple(str(w) for w in warnings) if isinstance(warnings, list) else (),
        source_from=evidence,
    )
