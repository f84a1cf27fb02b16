"""Reading the parts of a zip-packaged document (.docx, .odt, .epub) without trusting it.

Each format is a zip of XML parts. A hostile or broken file must fail as "broken-file" with
the part named, never raise something else or unpack a bomb: a part that unzips to more than
`MAX_PART` bytes is refused before it is read, and XML goes through defusedxml (no entity
expansion, no external entities).
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from litsynth.ingest.failures import ParseFailure

MAX_PART = 256 << 20  # bytes a part may unzip to
# What zipfile raises on a damaged archive: a bad or truncated directory, a version or
# compression it does not know ("zip file version 16.2"), impossible sizes or offsets.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    ValueError,
    OSError,
    EOFError,
)


def open_archive(data: bytes, what: str, path: str) -> zipfile.ZipFile:
    """The file's bytes as a zip; a file that is none fails as "broken-file", naming `what`
    it should have been ("an EPUB")."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        detail = f"not a zip archive, so not {what}"
        if not isinstance(exc, zipfile.BadZipFile):
            detail = f"a damaged zip archive ({exc}), so not a readable {what.split()[-1]}"
        raise ParseFailure("broken-file", detail, path) from None


def part_bytes(archive: zipfile.ZipFile, name: str, path: str) -> bytes | None:
    """The unzipped bytes of part `name`, None when the archive has no such part."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART:
        detail = f"{name} unzips to {info.file_size >> 20} MiB (limit {MAX_PART >> 20})"
        raise ParseFailure("broken-file", detail, path)
    try:
        return archive.read(info)
    except Exception as exc:  # zlib errors, bad CRCs, ZIP_ERRORS
        raise ParseFailure("broken-file", f"{name}: {exc}", path) from None


def part_xml(archive: zipfile.ZipFile, name: str, path: str) -> Element | None:
    """Part `name` parsed as XML, None when the archive has no such part."""
    data = part_bytes(archive, name, path)
    if data is None:
        return None
    try:
        root: Element = SafeET.fromstring(data)
    except Exception as exc:  # expat's and defusedxml's refusals share no base class
        raise ParseFailure("broken-file", f"{name}: {exc}", path) from None
    return root
