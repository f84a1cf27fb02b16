"""EndNote exports -> raw entries: the tagged "refer" text (`%0 Journal Article`, `%T`, `%A` ...,
saved as .enw or .txt) and EndNote XML (`<xml><records><record>`).

Both are what a reviewer gets when a team's library lives in EndNote, and what several
databases (and Bookends, JabRef) write for "EndNote". The tag table follows EndNote's own
export style; tags we do not map are kept in the record's `extra` under their tag, so nothing a
person typed is lost.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from litsynth.biblio.readers_base import RawEntry, ReadResult, parse_xml
from litsynth.citations.doi import normalize_doi
from litsynth.records import Rejection

# tag -> canonical field. %J is the journal of an article; %B the book or proceedings title a
# chapter or paper sits in, used as the venue when there is no %J.
_TAGGED = {
    "%T": "title",
    "%A": "authors",
    "%D": "year",
    "%J": "journal",
    "%X": "abstract",
    "%K": "keywords",
    "%R": "doi",
    "%G": "language",
    "%0": "doc_type",
    "%F": "id",
}
_LIST_FIELDS = {"authors", "keywords"}
_TAG = re.compile(r"^(%[0-9A-Z@!#$&()*+\[\]^=~|?>])\s?(.*)$")


def _tagged_entry(line: int, tags: list[tuple[str, str]]) -> RawEntry:
    fields: dict[str, object] = {}
    extra: dict[str, str] = {}
    for tag, value in tags:
        name = _TAGGED.get(tag)
        if name in _LIST_FIELDS:
            # one %K may hold several keywords on continuation lines
            items = [v.strip() for v in value.split("\n") if v.strip()]
            current = fields.setdefault(name, [])
            assert isinstance(current, list)
            current.extend(items)
        elif name == "doi":
            fields.setdefault("doi", normalize_doi(value))  # also "doi:10…" or a doi.org URL
        elif name is not None:
            fields.setdefault(name, value.strip())
        elif tag == "%B":
            extra.setdefault(tag, value.strip())
        else:
            extra[tag] = (extra[tag] + "; " if tag in extra else "") + value.strip()
    if not fields.get("journal") and extra.get("%B"):
        fields["journal"] = extra.pop("%B")
    key = str(fields.pop("id", "")).strip()
    return RawEntry(line=line, key=key, fields=fields, extra=extra)


def read_endnote(text: str, file_name: str = "") -> ReadResult:
    """EndNote tagged text: a record starts at `%0` (or after a blank line); lines without a
    tag continue the field above them (abstracts run over several lines)."""
    entries: list[RawEntry] = []
    rejected: list[Rejection] = []
    tags: list[tuple[str, str]] = []
    start = 0

    def close() -> None:
        if not tags:
            return
        if not any(t == "%0" for t, _ in tags):
            rejected.append(
                Rejection(
                    start,
                    "EndNote record without a %0 type line",
                    excerpt=" ".join(f"{t} {v}" for t, v in tags)[:120],
                )
            )
        else:
            entries.append(_tagged_entry(start, tags))
        tags.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line.strip():
            close()
            continue
        match = _TAG.match(line)
        if match is None:
            if tags:
                tag, value = tags[-1]
                tags[-1] = (tag, f"{value}\n{line.strip()}")
            else:
                rejected.append(
                    Rejection(number, "text outside any EndNote record", excerpt=line[:120])
                )
            continue
        tag, value = match.groups()
        if tag == "%0":
            close()
        if not tags:
            start = number
        tags.append((tag, value))
    close()
    return ReadResult(entries=tuple(entries), rejected=tuple(rejected))


# ---- EndNote XML -----------------------------------------------------------------------------


def _text(node: Element | None) -> str:
    """All text under a node: EndNote wraps values in <style> runs, sometimes several."""
    if node is None:
        return ""
    return " ".join("".join(node.itertext()).split())


def _all(record: Element, path: str) -> list[str]:
    return [t for t in (_text(n) for n in record.findall(path)) if t]


def _xml_entry(line: int, record: Element) -> RawEntry:
    ref_type = record.find("ref-type")
    journal = (
        _text(record.find("periodical/full-title"))
        or _text(record.find("titles/secondary-title"))
        or _text(record.find("periodical/abbr-1"))
    )
    fields: dict[str, object] = {
        "title": _text(record.find("titles/title")),
        "authors": _all(record, "contributors/authors/author"),
        "year": _text(record.find("dates/year")),
        "journal": journal,
        "abstract": _text(record.find("abstract")),
        "keywords": _all(record, "keywords/keyword"),
        "doi": normalize_doi(_text(record.find("electronic-resource-num"))),
        "language": _text(record.find("language")),
        "doc_type": ref_type.get("name", "") if ref_type is not None else "",
    }
    extra = {
        name: value
        for name, value in (
            ("volume", _text(record.find("volume"))),
            ("number", _text(record.find("number"))),
            ("pages", _text(record.find("pages"))),
            ("url", "; ".join(_all(record, "urls/related-urls/url"))),
            ("rec-number", _text(record.find("rec-number"))),
            ("label", _text(record.find("label"))),
        )
        if value
    }
    return RawEntry(line=line, key="", fields=fields, extra=extra)


def read_endnote_xml(text: str, file_name: str = "") -> ReadResult:
    """EndNote XML; each record's line is where its `<record>` tag opens in the file."""
    root = parse_xml(
        text.encode("utf-8"),
        file_name,
        what="EndNote XML",
        hint="export the library again from EndNote (File > Export > XML)",
    )
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<record\b", text)]
    records = root.findall(".//records/record") or root.findall(".//record")
    entries = [
        _xml_entry(starts[i] if i < len(starts) else 0, record) for i, record in enumerate(records)
    ]
    return ReadResult(entries=tuple(entries), rejected=())
