"""BibTeX (Scopus, Zotero/Better BibTeX, JabRef, Google Scholar) -> raw entries.

bibtexparser 2.x does the parsing; its `failed_blocks` carry the start line and the error of
each block it could not read, which is exactly the rejection report we need. LaTeX is decoded
(pylatexenc, which bibtexparser itself uses) only in the fields a person reads — title,
authors, journal, abstract: the library's LaTeX-decoding middleware runs over every field and
costs ~60x the parse itself on a Scopus export, for fields (URLs, DOIs, file paths) that must
not be touched anyway, since decoding would eat the backslashes of a Windows `file` path.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.records import Rejection

# canonical field -> BibTeX field names, first non-empty wins
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract",),
    "authors": ("author", "editor"),
    "year": ("year", "date"),
    "doi": ("doi",),
    # what the work appeared in, by its type's field (`writers` writes each kind's)
    "journal": (
        "journal",
        "journaltitle",
        "booktitle",
        "publisher",
        "school",
        "institution",
        "organization",
    ),
    "language": ("language", "langid"),
    "keywords": ("keywords", "author_keywords", "author-keywords"),
    "file": ("file",),
}
_DECODED = {"title", "abstract", "authors", "journal", "keywords"}
_FILE_FIELDS = {"file"}  # paths keep their backslashes and braces untouched


@lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def decode_latex(value: str) -> str:
    """'{\\"u}ber {DNA}' -> 'über DNA'; text without backslashes or braces is returned as is."""
    if "\\" not in value and "{" not in value and "$" not in value:
        return value
    try:
        return str(_latex().latex_to_text(value))
    except Exception:  # pylatexenc raises on some malformed macros: keep the raw text
        return value.replace("{", "").replace("}", "")


_NAME_SEPARATOR = re.compile(r"\s+and\s+", re.I)


def split_names(raw: str) -> list[str]:
    """BibTeX's name list, split as BibTeX splits it: on the word "and" (any case) at brace
    depth 0 only. Braces protect an "and" inside one name: Zotero writes an institution as
    "{Ministry of Health and Welfare} and Smith, J", and decoding the LaTeX first, then
    splitting, made three authors of it."""
    names: list[str] = []
    depth = start = i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch.isspace():
            match = _NAME_SEPARATOR.match(raw, i)
            if match:
                names.append(raw[start:i])
                start = i = match.end()
                continue
        i += 1
    names.append(raw[start:])
    return [n.strip() for n in names if n.strip()]


def _unenclosed(raw: str) -> str:
    """The value without the braces or quotes around all of it: an entry recovered from a
    block with a repeated field (Scopus) skips the parser's step that removes them."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    if value[:1] != "{":
        return value
    depth = 0
    for i, ch in enumerate(value):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return value[1:-1] if i == len(value) - 1 else value
    return value


def _authors(raw: str) -> str:
    """The decoded names, joined by "; ", which the normaliser splits on without looking for
    "and" again (a lone name gets a trailing ";" for the same reason). A name braced whole is
    an institution ("{World Health Organization}"): it keeps its braces, so the normaliser
    keeps it as written instead of reading "Organization" as a family name."""
    names = []
    for name in split_names(raw):
        inner = _unenclosed(name)
        institution = name.startswith("{") and inner != name
        names.append("{" + decode_latex(inner) + "}" if institution else decode_latex(name))
    return "; ".join(names) + (";" if len(names) == 1 else "")


def _split_keywords(value: str) -> list[str]:
    sep = ";" if ";" in value else ","
    return [k.strip() for k in value.split(sep) if k.strip()]


def _entry_to_raw(entry: Entry, *, recovered: bool = False) -> RawEntry:
    values: dict[str, object] = {}
    for f in entry.fields:
        value = _unenclosed(f.value) if recovered and isinstance(f.value, str) else f.value
        values.setdefault(f.key.lower(), value)  # a repeated field: the first value wins
    fields: dict[str, object] = {"doc_type": entry.entry_type.lower()}
    used: set[str] = set()
    for canonical, names in FIELDS.items():
        for name in names:
            raw = values.get(name)
            if isinstance(raw, str) and raw.strip():
                if canonical == "authors":
                    text = _authors(raw)
                elif canonical in _DECODED:
                    text = decode_latex(raw)
                elif canonical in _FILE_FIELDS:
                    text = raw
                else:  # year, doi, language: only protective braces, e.g. "{english}"
                    text = raw.replace("{", "").replace("}", "")
                fields[canonical] = text
                used.add(name)
                break
    if "keywords" in fields:
        fields["keywords"] = _split_keywords(str(fields["keywords"]))
    extra = {k: str(v) for k, v in values.items() if k not in used and str(v).strip()}
    line = (entry.start_line or 0) + 1
    return RawEntry(line=line, key=entry.key.strip(), fields=fields, extra=extra)


def _reason(block: object) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        return f"duplicate BibTeX key {block.key!r} (the first entry with that key is kept)"
    error = getattr(block, "error", None)
    text = str(getattr(error, "abort_reason", "") or error or "").strip() or "unparseable block"
    return f"malformed BibTeX entry: {text.splitlines()[0][:200]}"


def read_bibtex(text: str, file_name: str = "") -> ReadResult:
    """Entries of a BibTeX file; @string macros are resolved, malformed blocks rejected."""
    splitter_log = logging.getLogger("bibtexparser.splitter")
    level = splitter_log.level
    splitter_log.setLevel(logging.ERROR)  # its warnings repeat what our rejections report
    try:
        library = bibtexparser.parse_string(text)
    finally:
        splitter_log.setLevel(level)
    entries = [_entry_to_raw(e) for e in library.entries]
    rejected: list[Rejection] = []
    warnings: list[str] = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        recovered = block.ignore_error_block
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(recovered, Entry):
            # Scopus repeats `funding_details`; the entry itself is sound, so keep it.
            keys = ", ".join(sorted(block.duplicate_keys))
            warnings.append(f"line {line}: field(s) {keys} repeated; the first value is kept")
            entries.append(_entry_to_raw(recovered, recovered=True))
            continue
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(recovered, Entry):
            # Two entries with one key are two records as far as the export says (a different
            # DOI is common): both are kept, the later one under a derived id, and dedupe
            # decides whether they are the same work.
            warnings.append(
                f"line {line}: BibTeX key {block.key!r} repeated; the entry is kept under a"
                " derived id"
            )
            entries.append(_entry_to_raw(recovered, recovered=True))
            continue
        excerpt = (block.raw or "").strip().splitlines()[0][:120] if block.raw else ""
        rejected.append(Rejection(line=line, reason=_reason(block), excerpt=excerpt))
    entries.sort(key=lambda e: e.line)
    return ReadResult(entries=tuple(entries), rejected=tuple(rejected), warnings=tuple(warnings))
