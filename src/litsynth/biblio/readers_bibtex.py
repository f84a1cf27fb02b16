"""BibTeX (Scopus, Zotero/Better BibTeX, JabRef, Google Scholar) -> raw entries.

bibtexparser 2.x does the parsing; its `failed_blocks` carry the start line and the error of
each block it could not read, which is exactly the rejection report we need. LaTeX is decoded
(pylatexenc, which bibtexparser itself uses) only in the fields a person reads — title,
authors, journal, abstract: the library's LaTeX-decoding middleware runs over every field and
costs ~60x the parse itself on a Scopus export, for fields (URLs, DOIs, file paths) that must
not be touched anyway, since decoding would eat the backslashes of a Windows `file` path.
"""

from __future__ import annotations

from functools import lru_cache

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from litsynth.biblio.readers_base import RawEntry, ReadResult, Rejection

# canonical field -> BibTeX field names, first non-empty wins
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract",),
    "authors": ("author", "editor"),
    "year": ("year", "date"),
    "doi": ("doi",),
    "journal": ("journal", "journaltitle", "booktitle", "publisher"),
    "language": ("language", "langid"),
    "keywords": ("keywords", "author_keywords", "author-keywords"),
    "file": ("file",),
}
_DECODED = {"title", "abstract", "authors", "journal"}


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


def _split_keywords(value: str) -> list[str]:
    sep = ";" if ";" in value else ","
    return [k.strip() for k in value.split(sep) if k.strip()]


def _entry_to_raw(entry: Entry) -> RawEntry:
    values = {f.key.lower(): f.value for f in entry.fields}
    fields: dict[str, object] = {"doc_type": entry.entry_type.lower()}
    used: set[str] = set()
    for canonical, names in FIELDS.items():
        for name in names:
            raw = values.get(name)
            if isinstance(raw, str) and raw.strip():
                text = decode_latex(raw) if canonical in _DECODED else raw
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
    text = str(error).strip() if error else "unparseable block"
    return f"malformed BibTeX entry: {text.splitlines()[0][:200]}"


def read_bibtex(text: str, file_name: str = "") -> ReadResult:
    """Entries of a BibTeX file; @string macros are resolved, malformed blocks rejected."""
    library = bibtexparser.parse_string(text)
    entries = [_entry_to_raw(e) for e in library.entries]
    rejected = [
        Rejection(
            line=(block.start_line or 0) + 1,
            reason=_reason(block),
            excerpt=(block.raw or "").strip().splitlines()[0][:120] if block.raw else "",
        )
        for block in library.failed_blocks
    ]
    return ReadResult(entries=tuple(entries), rejected=tuple(rejected))
