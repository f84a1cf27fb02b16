"""Web pages saved whole (.mhtml, .mht, .webarchive): the page inside, read as HTML.

Grey literature is often a web page: an agency's brief, a consultancy's report, a blog post.
Browsers save one whole in two ways:

- Chrome, Edge and Opera's "Webpage, Single File" (and Internet Explorer's .mht): a MIME
  archive (RFC 2557, as an e-mail is) whose first HTML part is the page, followed by its
  style sheets, pictures and frames; it says where the page came from in
  `Snapshot-Content-Location` (or the page part's `Content-Location`);
- Safari's "Web Archive": a property list whose `WebMainResource` holds the page's bytes,
  their text encoding and address, beside `WebSubresources` (pictures, scripts) and
  `WebSubframeArchives` (frames).

The page is read as an .html file is (html.py: visible text, sections at headings,
`citation_*` metadata); the rest is not text. Where it came from is kept as the document's
`saved_from`. When it was saved is not when it was published, so it is not a year.
"""

from __future__ import annotations

import email
import email.policy
import plistlib
from email.message import EmailMessage
from pathlib import Path

from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.html import html_document
from litsynth.ingest.text import decode
from litsynth.records import Document


def _page(archive: EmailMessage) -> EmailMessage | None:
    """The archive's page: its first text/html part (the main frame; frames follow it)."""
    for part in archive.walk():
        if part.get_content_type() == "text/html":
            return part
    return None


def parse_mhtml(path: Path, data: bytes) -> Document:
    """A saved web page as a canonical `Document`, read as its HTML part."""
    where = str(path)
    archive = email.message_from_bytes(data, _class=EmailMessage, policy=email.policy.default)
    if not archive.is_multipart() and archive.get_content_type() != "text/html":
        detail = "not a saved web page (no MIME archive with an HTML part); save the page again"
        raise ParseFailure("broken-file", detail, where)
    page = _page(archive)
    if page is None:
        raise ParseFailure("empty", "the archive holds no HTML page", where)
    body = page.get_payload(decode=True)
    html = body if isinstance(body, bytes) else b""
    origin = archive.get("Snapshot-Content-Location") or page.get("Content-Location") or ""
    return _page_document(path, data, html, page.get_content_charset() or "", str(origin))


def parse_webarchive(path: Path, data: bytes) -> Document:
    """A page Safari saved as a Web Archive, as a canonical `Document`: its main resource."""
    where = str(path)
    try:
        archive = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError) as exc:
        detail = f"not a Safari web archive ({exc}); save the page again"
        raise ParseFailure("broken-file", detail, where) from None
    found = archive.get("WebMainResource") if isinstance(archive, dict) else None
    main: dict[str, object] = found if isinstance(found, dict) else {}
    html = main.get("WebResourceData")
    if not isinstance(html, bytes) or not html.strip():
        raise ParseFailure("empty", "the web archive holds no page", where)
    charset = str(main.get("WebResourceTextEncodingName") or "")
    return _page_document(path, data, html, charset, str(main.get("WebResourceURL") or ""))


def _page_document(path: Path, data: bytes, html: bytes, charset: str, origin: str) -> Document:
    """The archive's page as an .html file's `Document`: its bytes decoded in the character
    set the archive names (else as a text file's are), where it came from as `saved_from`,
    the id the whole archive's."""
    try:
        source, encoding = (html.decode(charset), charset) if charset else decode(html, path)
    except (LookupError, UnicodeDecodeError):
        source, encoding = decode(html, path)
    attributes = {"encoding": encoding, **({"saved_from": origin} if origin else {})}
    return html_document(path, data, source, attributes)
