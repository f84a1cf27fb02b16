"""Which files a run looks at: the corpus walk, store keys and content hashes.

Kept apart from the ingest loop so the cluster path (ingest/cluster.py) plans and names files
exactly as the local one does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Suffix → Document.kind: what a corpus walk picks up and what `parse_file` reads. Anything
# else is "unsupported-type" rather than a guess: a binary file read as text would index noise.
SUPPORTED = {
    ".pdf": "pdf",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
    ".webarchive": "webarchive",
    ".docx": "docx",
    ".doc": "doc",
    ".odt": "odt",
    ".epub": "epub",
    ".rtf": "rtf",
    ".nxml": "jats",
    ".xml": "jats",
}
# Documents in formats litsynth does not read: met in a corpus folder, each is named in a
# warning with what to do, rather than passed over in silence.
UNREAD = {
    ".pages": "export it from Pages as Word (.docx) or PDF",
    ".mobi": "convert it to EPUB (Calibre does) or use the PDF",
    ".azw": "convert it to EPUB (Calibre does) or use the PDF",
    ".azw3": "convert it to EPUB (Calibre does) or use the PDF",
    ".fb2": "convert it to EPUB (Calibre does)",
    ".djvu": "convert it to PDF (ddjvu -format=pdf)",
    ".ps": "convert it to PDF (ps2pdf)",
    ".tex": "ingest the PDF it compiles to",
    ".wpd": "open it in LibreOffice and save it as .docx",
    ".wps": "open it in LibreOffice and save it as .docx",
    ".hwp": "save it as .docx or PDF",
    ".ppt": "save the slides as PDF",
    ".pptx": "save the slides as PDF",
    ".odp": "save the slides as PDF",
}
# Notes about a folder, not documents in it (corpus/PROVENANCE.md describes the corpus).
NOT_DOCUMENTS = {"README", "PROVENANCE", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"}


@dataclass(frozen=True)
class FileEntry:
    path: Path  # absolute
    key: str  # how the store names it: relative to the project root where possible
    size: int
    mtime_ns: int


def store_key(root: Path, path: Path) -> str:
    """Project-relative posix path for files inside the project, absolute otherwise."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def on_disk(root: Path, paths: Iterable[str]) -> Path | None:
    """The first of a document's paths whose file is there: the one it was first read from
    may have been moved or deleted while a copy remains."""
    return next((root / p for p in paths if (root / p).is_file()), None)


def numbered(folder: Path, name: str, most: int = 999) -> Iterator[Path]:
    """Where a file named `name` may go in `folder`, in turn: "paper.pdf", then "paper
    (2).pdf", "paper (3).pdf"… (a stored file, one set aside by `remove`)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, most + 1):
        yield folder / (name if n == 1 else f"{stem} ({n}){suffix}")


def walk(root: Path, targets: Iterable[Path]) -> tuple[list[FileEntry], list[str]]:
    """Supported files under the targets, sorted, each once; plus warnings for skipped ones.

    A symbolic link inside a target folder that leads out of both the project and that folder
    is skipped with a warning: its text would be stored and published in the report (and a PDF
    copied next to it) although nobody chose the file. A file or folder the user names is taken
    as named, inside the project or not (`litsynth ingest ~/papers`).
    """
    found: dict[Path, FileEntry] = {}
    warnings: list[str] = []
    project = root.resolve()
    for target in targets:
        if not target.exists():
            warnings.append(f"{target} does not exist; skipped")
            continue
        if target.is_file():
            candidates = [target.resolve()]
            if target.suffix.lower() not in SUPPORTED:
                warnings.append(f"{target}: unsupported file type {target.suffix!r}; skipped")
                continue
        else:
            base = target.resolve()
            candidates = []
            unread: list[Path] = []
            for path in sorted(_documents(base, unread)):
                real = path.resolve()
                if not (real.is_relative_to(project) or real.is_relative_to(base)):
                    warnings.append(
                        f"{store_key(project, path)} is a link to {real}, outside the project;"
                        " skipped (copy the file into the project to ingest it)"
                    )
                elif real.is_file():
                    candidates.append(path)
            warnings.extend(_unread_warnings(project, unread))
        for path in candidates:
            st = path.stat()
            found[path] = FileEntry(path, store_key(project, path), st.st_size, st.st_mtime_ns)
    return sorted(found.values(), key=lambda e: e.key), warnings


def _documents(base: Path, unread: list[Path]) -> Iterator[Path]:
    """Document files under `base`, not descending into linked folders (os.walk's default);
    documents in a format litsynth does not read are added to `unread`."""
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if _is_document(path, base):
                yield path
            elif path.suffix.lower() in UNREAD and not name.startswith((".", "~$")):
                unread.append(path)
        for name in dirs:
            link = Path(folder) / name
            if link.is_symlink():
                yield link  # reported by the caller when it leads outside the project


def _unread_warnings(project: Path, unread: list[Path]) -> list[str]:
    """One warning per unread format: up to three of its files, and what to do."""
    by_suffix: dict[str, list[str]] = {}
    for path in sorted(unread):
        by_suffix.setdefault(path.suffix.lower(), []).append(store_key(project, path))
    warnings = []
    for suffix, keys in sorted(by_suffix.items()):
        named = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
        warnings.append(
            f"{named}: {suffix} files are not read; {UNREAD[suffix]}, then ingest again"
        )
    return warnings


def _is_document(path: Path, base: Path) -> bool:
    """A supported, visible file that is not a note about its folder (README.md, …) nor the
    lock file Word keeps beside a document while it is open ("~$port.docx", 162 bytes)."""
    return (
        path.suffix.lower() in SUPPORTED
        and path.stem not in NOT_DOCUMENTS
        and not path.name.startswith("~$")
        and not any(part.startswith(".") for part in path.relative_to(base).parts)
        and path.is_file()
    )


def file_hash(path: Path) -> str:
    """Same id as records.bytes_id, computed in 1 MiB reads so a 200 MB PDF is not held whole."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]
