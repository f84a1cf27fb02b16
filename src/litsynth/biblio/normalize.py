"""Normalising the fields every export spells differently: DOIs, authors, years, titles.

Why here and not in the readers: Scopus writes "https://doi.org/10.1/X", WoS "10.1/x", PubMed
"10.1/x [doi]"; one normal form is what lets dedupe and full-text linking compare them. Each
function is total: it never raises on odd input, it returns "" / None and the reader keeps the
raw value in `extra`, so nothing is lost.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

from litsynth.citations.doi import normalize_doi
from litsynth.records import BibRecord, content_id

_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_SPACE = re.compile(r"\s+")
_EMAIL = re.compile(r"\s*\([^()]*@[^()]*\)")  # Zoological Record: "Smith, A. (a@b.edu)"
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def clean_text(value: object) -> str:
    """Unescape HTML entities, drop tags, fold whitespace; NFC so equal strings compare equal."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value if str(v).strip())
    text = str(value)
    # Each step only when it can change something: this runs on every field of every record.
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", text).strip()


# EBSCOhost (CINAHL, APA PsycInfo via EBSCO, Academic Search) ends each abstract with its
# copyright notice, sixty words a screener reads on every record, and marks whose it is.
_EBSCO_NOTICE = re.compile(
    r"\s*(?:Copyright of .{1,300}? is the property of .{1,300}? its content may not be copied"
    r".*|\[ABSTRACT FROM (?:AUTHOR|PUBLISHER)\])$",
    re.S,
)


def normalize_abstract(value: object) -> str:
    """Cleaned as any text, without EBSCOhost's copyright notice and "[ABSTRACT FROM
    AUTHOR]" mark at the end."""
    text = clean_text(value)
    if text.endswith((")", "]", ".")) and ("Copyright of" in text or "[ABSTRACT FROM" in text):
        for _ in range(2):  # the notice, then the mark before it
            text = _EBSCO_NOTICE.sub("", text)
    return text


def normalize_title(value: object) -> str:
    """Whitespace folded, HTML tags and entities gone, one trailing period dropped.

    Only a single final "." goes: "...in the U.S." keeps its abbreviation dot, and a question
    mark is part of the title.
    """
    text = clean_text(value)
    if (text.startswith("[") and text.endswith("].")) or (
        text.startswith("[") and text.endswith("]")
    ):
        # MEDLINE brackets translated titles: "[Title in English]."
        text = text.rstrip(".")[1:-1].strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text


def normalize_year(value: object) -> int | None:
    """'2019a' -> 2019, '2019/05/01' -> 2019, 'faulty year' -> None, 2019.0 -> 2019."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2100 else None
    if isinstance(value, float):
        return int(value) if value == value and 1500 <= value <= 2100 else None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def _one_author(name: str) -> str:
    """'Smith, J.' stays; 'John Smith' -> 'Smith, John'; 'Smith J' (MEDLINE AU) -> 'Smith, J';
    '{World Health Organization}' (BibTeX's braced institution) -> as written, unbraced."""
    name = _EMAIL.sub("", clean_text(name)).strip(" ;,")
    if not name:
        return ""
    if name.startswith("{") and name.endswith("}") and "{" not in name[1:-1]:
        return name[1:-1].strip()
    if "," in name:
        family, _, given = name.partition(",")
        given = given.strip()
        if given == "null":  # RefWorks' missing given name: "van den Hoven,null"
            given = ""
        return f"{family.strip()}, {given}" if given else family.strip()
    parts = name.split()
    if len(parts) > 1 and parts[0] == "null":  # Lens.org's "null van den Hoven"
        parts = parts[1:]
        name = " ".join(parts)
    if len(parts) == 1 or not parts[-1][:1].isalpha():
        return name  # one word, or no family name to put first ("> 00<A": kept as written)
    # MEDLINE/WoS short form "Smith JA": initials last, all capitals, at most 3 letters; as
    # EPPI-Reviewer writes them, apart: "Eberth D A".
    initials = len(parts)
    while initials > 1 and _INITIALS.match(parts[initials - 1]):
        initials -= 1
    if initials < len(parts):
        return f"{' '.join(parts[:initials])}, {' '.join(parts[initials:])}"
    particles = {"van", "von", "de", "der", "den", "da", "di", "del", "le", "la", "du", "dos"}
    start = len(parts) - 1
    while start > 0 and parts[start - 1].lower() in particles:
        start -= 1
    if start == 0:  # particles and a family name, no given name: "van den Hoven"
        return name
    return f"{' '.join(parts[start:])}, {' '.join(parts[:start])}"


_AND = re.compile(r"\s+and\s+", re.I)
_LEADING_AND = re.compile(r"^\s*(?:and|&)\s+|^\s+|\s+$", re.I)
# "Smith J", "van der Berg AM"; Embase's "Troiano L.P."
_PUBMED_NAME = re.compile(r"^\S.*\s(?:[A-Z]\.?-?){1,3}$")


_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")


def split_authors(value: object, *, one_name_each: bool = False) -> list[str]:
    """One author string or a list of them -> names; ' and ' (BibTeX) and ';' separate names.

    A list (RIS AU lines) holds one name per item, so its items are only split on ';' and
    ' and '; the comma rule is for a whole list in one string (a CSV cell).
    """
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if "|" in text:  # OpenAlex's CSV: "Jakub Kužílek|Martin Hlosta"; each part as any cell
            return [
                name
                for part in text.split("|")
                for name in split_authors(part, one_name_each=one_name_each)
            ]
        if ";" in text:
            # "Cui, G.; Lui, H.-K.; and Guo, X.": the last name may carry a leading "and".
            return [_LEADING_AND.sub("", p) for p in text.split(";") if _LEADING_AND.sub("", p)]
        if _AND.search(text):
            return [p for p in _AND.split(text) if p.strip()]
        if not one_name_each and text.count(",") >= 1:
            # PubMed CSV ends its list with a full stop: "Smith J, Doe AB."
            # (the stop after undotted initials only: Embase's "Ghilardi A.M." keeps its own)
            listed = text[:-1] if re.search(r"\s[A-Z]{1,3}\.$", text) else text
            parts = [p.strip() for p in listed.split(",") if p.strip()]
            if len(parts) > 1 and all(_PUBMED_NAME.match(p) for p in parts):
                # PubMed CSV: "Smith J, Doe AB": each comma part is a whole name, whereas in
                # "Smith, John" they are a family and a given name.
                return parts
        return [text]
    names: list[str] = []
    for item in value if isinstance(value, Iterable) else [value]:
        names.extend(split_authors(str(item), one_name_each=True))
    return names


def normalize_authors(value: object) -> tuple[str, ...]:
    """Any author field -> ('Family, Given', ...), empty names dropped, order kept.

    A name that is initials alone after a family name alone is that family name's given
    name: EPPI-Reviewer's RIS cuts "Dos Santos H B" into "A1 - Dos Santos" and "A1 - H B"."""
    names: list[str] = []
    for raw in split_authors(value):
        name = _one_author(raw)
        if not name:
            continue
        alone = raw.strip()
        if names and "," not in names[-1] and all(_INITIALS.match(p) for p in alone.split()):
            names[-1] = f"{names[-1]}, {alone}"
            continue
        names.append(name)
    return tuple(names)


def normalize_keywords(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[;|\n]", str(value))
    out: list[str] = []
    for item in items:
        text = clean_text(item)
        if text and text not in out:
            out.append(text)
    return tuple(out)


def fingerprint(title: str, authors: tuple[str, ...], year: int | None, doi: str) -> str:
    """The content id of a record without an id of its own: same normalised work, same id.

    Titles are casefolded and stripped of punctuation first, so "A Study." and "a study"
    give one id inside a file (a true repeat within one export; dedupe links the rest).
    """
    key_title = re.sub(r"[\W_]+", " ", title.casefold()).strip()
    first_author = authors[0].split(",")[0].casefold() if authors else ""
    return "r" + content_id(doi, key_title, first_author, year or "", length=15)


def to_record(
    fields: Mapping[str, object],
    *,
    record_id: str,
    source: str,
    batch_id: str,
    extra: Mapping[str, str] | None = None,
) -> BibRecord:
    """A BibRecord from canonical field names (title, abstract, authors, year, doi, ...)."""
    return BibRecord(
        id=record_id,
        source=source,
        batch_id=batch_id,
        title=normalize_title(fields.get("title")),
        abstract=normalize_abstract(fields.get("abstract")),
        authors=normalize_authors(fields.get("authors")),
        year=normalize_year(fields.get("year")),
        doi=normalize_doi(fields.get("doi")),
        journal=normalize_title(fields.get("journal")),
        language=clean_text(fields.get("language")).lower(),
        doc_type=clean_text(fields.get("doc_type")).lower(),
        keywords=normalize_keywords(fields.get("keywords")),
        file=clean_text(fields.get("file")),
        extra=dict(extra or {}),
    )
