"""Full texts a reference manager attached to its records, brought into corpus/ with them.

A review author's PDFs usually live in their reference manager, and its export says where:
Zotero's "Export Files" and JabRef write each record's files into the BibTeX `file` field
(`Full Text PDF:files/12/Smith2019.pdf:application/pdf`, relative to the export) or RIS `L1`;
Better BibTeX and Mendeley write absolute paths; EndNote writes `internal-pdf://ID/name.pdf`,
a file inside the library's `.Data/PDF` folder. Copying them into corpus/ by hand, a folder at
a time, is what `litsynth import --with-files` saves; `litsynth ingest` and `litsynth link`
then read and link them as any PDF put there (the link by the `file` field's name, else by DOI
or title).

Only what litsynth reads is copied, and of a record's files its PDF rather than the web page
Zotero saves beside it ("Snapshot"), which would be indexed as a second, noisier copy of the
paper. A web link is not fetched (nothing is, offline); a file not found is named with its
record. Copies keep their names under corpus/<source>/; a same-named file with other contents
gets a numbered name, and the same bytes twice are copied once.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from litsynth.ingest.files import SUPPORTED
from litsynth.records import BibRecord
from litsynth.store import biblio as biblio_store

_ENDNOTE = re.compile(r"^internal-pdf://(?:(\d+)/)?(.+)$", re.I)
_WEB = re.compile(r"^(?:https?|ftp)://", re.I)


@dataclass(frozen=True)
class Attachment:
    """One file a record's `file` field names: its description ("Full Text PDF",
    "Snapshot"; "" when the field is a bare path) and its path as written."""

    description: str
    path: str


def attachments(value: str) -> list[Attachment]:
    """The entries of a Zotero/JabRef `file` field (`description:path:type`, joined by ';',
    ':' and ';' in a path escaped by a backslash), or of plain paths joined by ';'."""
    out = []
    # EndNote writes a record's several files as continuation lines of one L1, which the
    # reader joins with a space: a new "internal-pdf://" (or a link) starts a new file
    entries = [
        part
        for entry in re.split(r"(?<!\\);", value or "")
        for part in re.split(r"\s+(?=(?:internal-pdf|https?|file|ftp)://)", entry)
    ]
    for entry in entries:
        parts = re.split(r"(?<!\\):", entry)
        if len(parts) == 3:
            description, raw = parts[0], parts[1]
        else:  # a bare path: "C:\\papers\\x.pdf" and "https://…" hold colons of their own
            description, raw = "", entry
        raw = raw.replace("\\:", ":").replace("\\;", ";").replace("\\\\", "\\").strip()
        if raw:
            out.append(Attachment(description.strip(), raw))
    return out


def file_name(path: str) -> str:
    """The last part of a path written on Windows or elsewhere."""
    return PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name


def _readable(path: str) -> bool:
    return Path(file_name(path)).suffix.lower() in SUPPORTED


def chosen(items: Sequence[Attachment]) -> list[Attachment]:
    """The attachments worth reading: every one litsynth reads, but not a saved web page
    beside a PDF (Zotero's "Snapshot" of the landing page)."""
    readable = [a for a in items if _readable(a.path) or _ENDNOTE.match(a.path)]
    has_pdf = any(file_name(a.path).lower().endswith(".pdf") for a in readable)
    return [
        a
        for a in readable
        if not (has_pdf and (a.description.lower() == "snapshot" or _is_page(a.path)))
    ]


def _is_page(path: str) -> bool:
    return Path(file_name(path)).suffix.lower() in {".html", ".htm", ".xhtml", ".mhtml", ".mht"}


def locate(path: str, export_dir: Path, files_dir: Path | None) -> Path | str:
    """Where an attachment is on this machine, or why it is not here. Relative paths are read
    against `files_dir` (default: the export's folder), EndNote's `internal-pdf://ID/name`
    inside `files_dir` (the library's .Data/PDF folder)."""
    if _WEB.match(path):
        return "a web link (litsynth fetches nothing)"
    endnote = _ENDNOTE.match(path)
    if endnote:
        if files_dir is None:
            return "an EndNote file: give --files-from LIBRARY.Data/PDF"
        folder, name = endnote.groups()
        found = files_dir / folder / name if folder else files_dir / name
        return found if found.is_file() else f"not in {files_dir}"
    if path.lower().startswith("file://"):
        path = path[7:]
    windows = "\\" in path or re.match(r"^[A-Za-z]:", path)
    candidate = Path(PureWindowsPath(path).as_posix()) if windows else Path(path)
    if candidate.is_absolute() or windows:
        if candidate.is_file():
            return candidate
        # a path from another machine (Windows, another home folder): try its name here
        base = files_dir or export_dir
        here = base / file_name(path)
        return here if here.is_file() else f"not found (written as {path})"
    here = (files_dir or export_dir) / candidate
    return here if here.is_file() else f"not in {files_dir or export_dir}"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class AttachReport:
    """What `import --with-files` did with the files an export's records name."""

    folder: Path  # where the copies went (corpus/<source>/)
    copied: list[tuple[str, Path]] = field(default_factory=list)  # (record id, copy)
    present: list[tuple[str, Path]] = field(default_factory=list)  # the same bytes already there
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (record, path, why)
    skipped: int = 0  # attachments not worth reading (snapshots beside a PDF, other types)

    def to_json(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "copied": [{"record_id": r, "file": str(p)} for r, p in self.copied],
            "already_there": [{"record_id": r, "file": str(p)} for r, p in self.present],
            "missing": [{"record_id": r, "path": p, "why": w} for r, p, w in self.missing],
            "skipped": self.skipped,
        }


def bring_files(
    records: Sequence[BibRecord],
    export: Path,
    folder: Path,
    files_dir: Path | None = None,
) -> AttachReport:
    """Copy the readable files `records` name (their `file` field) into `folder`."""
    report = AttachReport(folder)
    seen: dict[str, Path] = {}  # digest → copy, so the same bytes land once
    for rec in records:
        items = attachments(rec.file)
        picked = chosen(items)
        report.skipped += len(items) - len(picked)
        for item in picked:
            where = locate(item.path, export.parent, files_dir)
            if isinstance(where, str):
                report.missing.append((rec.id, item.path, where))
                continue
            digest = _digest(where)
            if digest in seen:  # two records name one file (a duplicate, a shared PDF)
                report.present.append((rec.id, seen[digest]))
                continue
            copy = seen[digest] = _place(where, folder, digest)
            if copy.exists():  # an earlier import brought these very bytes
                report.present.append((rec.id, copy))
                continue
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(where, copy)
            report.copied.append((rec.id, copy))
    return report


def _place(source: Path, folder: Path, digest: str) -> Path:
    """The copy's path: the file's own name, or a numbered one where another file has it."""
    target = folder / source.name
    n = 2
    while target.exists() and _digest(target) != digest:
        target = folder / f"{source.stem}-{n}{source.suffix}"
        n += 1
    return target


def folder_for(corpus: Path, source: str) -> Path:
    """corpus/<source>/: each source's files kept together, apart from the author's own."""
    return corpus / (re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-") or "attachments")


def bring_batch_files(
    conn: sqlite3.Connection,
    batch_id: str,
    export: Path,
    corpus: Path,
    files_dir: Path | None = None,
) -> AttachReport:
    """`bring_files` for the records of one imported batch (or the earlier batch of the
    same file, when it was imported before), into corpus/<its source>/."""
    records = [r for r in biblio_store.all_records(conn) if r.batch_id == batch_id]
    source = records[0].source if records else "attachments"
    return bring_files(records, export, folder_for(corpus, source), files_dir)
