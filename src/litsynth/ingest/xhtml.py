"""XHTML read by libxml2 (lxml), handed to an `html.parser.HTMLParser` as its events.

The standard library's HTML parser is tolerant but pure Python: a 1 MB e-book chapter takes
it about a second, six times what libxml2 needs. E-book chapters are XHTML, well-formed XML,
so libxml2 parses them and this module replays the tree to the same handler methods
(`handle_starttag`, `handle_data`, `handle_endtag`) in document order: one block reader
(html.BlockParser) serves web pages and e-books alike.

Safe on hostile input: no DTD is loaded, no entity is resolved, nothing is fetched. HTML's
named entities (&nbsp;, &mdash;), which XHTML chapters use without declaring, are replaced
by their characters first, a bare "&" (AT&T) is escaped, which libxml2 would drop, and a
character reference XML forbids (&#xD800;) becomes U+FFFD. A chapter that is not XML even
with libxml2's recovery is fed to the handler as text, as a web page is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.entities import html5
from html.parser import HTMLParser
from typing import Any

from lxml import etree

_XML_ENTITIES = frozenset(["amp", "lt", "gt", "quot", "apos"])
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NUMERIC = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_BARE_AMPERSAND = re.compile(r"&(?![A-Za-z][A-Za-z0-9]{0,31};|#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)")
_PARSER = etree.XMLParser(
    recover=True, resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
)
# epub:type and xml:lang as the attribute names an HTML parser reports
_PREFIXES = {"http://www.idpf.org/2007/ops": "epub", "http://www.w3.org/XML/1998/namespace": "xml"}


def _numeric(match: re.Match[str]) -> str:
    """A character reference XML allows, as it is; one it forbids (a surrogate, NUL, a control
    character, past U+10FFFF) as U+FFFD, which libxml2's recovery would pass on as bytes that
    are no UTF-8."""
    hexa, decimal = match.groups()
    code = int(hexa, 16) if hexa else int(decimal)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF
    return match.group(0) if allowed and code not in (0xFFFE, 0xFFFF) else "\ufffd"


def _named(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    return html5.get(f"{name};", match.group(0))


@lru_cache(maxsize=4096)
def _name(qualified: str) -> str:
    """ "{http://www.idpf.org/2007/ops}type" → "epub:type"; "{…xhtml}p" → "p"."""
    if not qualified.startswith("{"):
        return qualified.lower()
    uri, _, local = qualified[1:].partition("}")
    prefix = _PREFIXES.get(uri)
    return f"{prefix}:{local}" if prefix else local.lower()


def _replay(node: Any, handler: HTMLParser) -> None:
    """The children of `node` to `handler`, in document order. Comments, processing
    instructions and unresolved entities give only their tails. Recursion is safe: libxml2
    refuses trees deeper than 256 levels unless told otherwise (huge_tree)."""
    for child in node:
        if isinstance(child.tag, str):
            name = _name(child.tag)
            attrib = child.attrib
            attrs = [(_name(k), v) for k, v in attrib.items()] if attrib else []
            handler.handle_starttag(name, attrs)
            if child.text:
                handler.handle_data(child.text)
            _replay(child, handler)
            handler.handle_endtag(name)
        if child.tail:
            handler.handle_data(child.tail)


def parse_tree(source: str) -> Any | None:
    """`source` (XML, or XHTML with HTML's entities) as libxml2's tree, safely (see above);
    None when it is not XML even with libxml2's recovery."""
    text = _DECLARATION.sub("", source, count=1)
    text = _ENTITY.sub(_named, _BARE_AMPERSAND.sub("&amp;", _NUMERIC.sub(_numeric, text)))
    try:
        return etree.fromstring(text, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def feed(handler: HTMLParser, source: str) -> None:
    """Parse `source` (XHTML) with libxml2 and replay it to `handler`; then close it."""
    root = parse_tree(source)
    if root is None:  # not XML even with recovery: read it as the web page it may be
        handler.feed(source)
        handler.close()
        return
    name = _name(root.tag)
    handler.handle_starttag(name, [(_name(k), v) for k, v in root.attrib.items()])
    if root.text:
        handler.handle_data(root.text)
    _replay(root, handler)
    handler.handle_endtag(name)
    handler.close()
