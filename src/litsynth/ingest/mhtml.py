"""Web pages saved whole (.mhtml, .mht): the page inside the archive, read as HTML.

Grey literature is often a web page: an agency's brief, a consultancy's report, a blog post.
Chrome, Edge and Opera save one as "Webpage, Single File": a MIME archive (RFC 2557, as an
e-mail is) whose first HTML part is the page, followed by its style sheets, pictures and
frames. The page is read as an .html file is (html.py: visible text, sections at headings,
`citation_*` metadata); the rest is not text. The archive says where the page came from
(`Snapshot-Content-Location`, or the page part's `Content-Location`): kept as the document's
`saved_from`. Its date is when it was saved, not when the page was published, so it is not
a year.
"""

from __future__ import annotations

import email
import email.policy
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
    charset = page.get_content_charset()
    try:
        source, encoding = (html.decode(charset), charset) if charset else decode(html, path)
    except (LookupError, UnicodeDecodeError):
        source, encoding = decode(html, path)
    origin = str(archive.get("Snapshot-Content-Location") or page.get("Content-Location") or "")
    attributes = {"encoding": encoding, **({"saved_from": origin} if origin else {})}
    return html_document(path, data, source, attributes)
