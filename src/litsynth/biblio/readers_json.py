"""CSL-JSON (what Zotero, Mendeley, Better BibTeX, pandoc and Google Scholar's "JSON" write) ->
raw entries.

The file is a JSON array of items (a single item object, or `{"items": [...]}`, is accepted too).
Each item is decoded on its own with `raw_decode`, so a broken item is rejected with the line
it starts on while the others still import, and every entry keeps its line for messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.errors import BiblioError
from litsynth.records import Rejection

_USED = {"id", "title", "author", "issued", "container-title", "abstract", "DOI", "keyword",
         "language", "type"}  # fmt: skip


def _name(person: object) -> str:
    if not isinstance(person, Mapping):
        return str(person)
    if person.get("literal"):
        return str(person["literal"])
    family = " ".join(str(person.get(k, "")) for k in ("non-dropping-particle", "family")).strip()
    given = str(person.get("given", "")).strip()
    return f"{family}, {given}" if family and given else family or given


def _year(issued: object) -> str:
    """CSL dates: {"date-parts": [[2004, 6, 1]]}, {"raw": "2004-06"}, {"literal": "2004"}."""
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return str(parts[0][0])
        return str(issued.get("raw") or issued.get("literal") or issued.get("season") or "")
    return str(issued or "")


def _first(value: object) -> str:
    """container-title is a string in CSL 1.0 and a list in CrossRef's flavour."""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _entry(line: int, item: Mapping[str, object]) -> RawEntry:
    authors = item.get("author")
    keyword = item.get("keyword")
    fields: dict[str, object] = {
        "title": _first(item.get("title")),
        "authors": [_name(a) for a in authors] if isinstance(authors, list) else [],
        "year": _year(item.get("issued")),
        "journal": _first(item.get("container-title")),
        "abstract": str(item.get("abstract") or ""),
        "doi": str(item.get("DOI") or ""),
        "keywords": [k.strip() for k in keyword.split(",")] if isinstance(keyword, str) else [],
        "language": str(item.get("language") or ""),
        "doc_type": str(item.get("type") or ""),
    }
    extra = {
        k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        for k, v in item.items()
        if k not in _USED and v not in (None, "", [], {})
    }
    return RawEntry(line=line, key=str(item.get("id") or "").strip(), fields=fields, extra=extra)


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n,":
        i += 1
    return i


def read_csl_json(text: str, file_name: str = "") -> ReadResult:
    decoder = json.JSONDecoder()
    start = _skip(text, 0)
    if text[start : start + 1] == "{":
        try:
            whole, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            raise _broken(file_name, exc) from None
        items = whole.get("items") if isinstance(whole, dict) else None
        if isinstance(items, list):
            return _from_list(items)
        return _from_list([whole]) if isinstance(whole, dict) else _from_list([])
    if text[start : start + 1] != "[":
        raise BiblioError(f"{file_name}: not CSL-JSON (no array of items)",
                          hint="export from Zotero as CSL JSON")  # fmt: skip
    entries: list[RawEntry] = []
    rejected: list[Rejection] = []
    i = _skip(text, start + 1)
    while i < len(text) and text[i] != "]":
        line = text.count("\n", 0, i) + 1
        try:
            item, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            # resynchronise at the next item that starts a line, so one bad item loses only itself
            rejected.append(Rejection(line, f"unreadable JSON item: {exc.msg}"))
            nxt = text.find("\n  {", exc.pos)
            if nxt < 0:
                break
            i = _skip(text, nxt)
            continue
        if isinstance(item, dict):
            entries.append(_entry(line, item))
        else:
            rejected.append(Rejection(line, "a CSL-JSON item must be an object"))
        i = _skip(text, i)
    return ReadResult(entries=tuple(entries), rejected=tuple(rejected))


def _from_list(items: list[object]) -> ReadResult:
    entries = [_entry(0, it) for it in items if isinstance(it, dict)]
    rejected = [Rejection(0, "a CSL-JSON item must be an object") for it in items
                if not isinstance(it, dict)]  # fmt: skip
    return ReadResult(entries=tuple(entries), rejected=tuple(rejected))


def _broken(file_name: str, exc: json.JSONDecodeError) -> BiblioError:
    return BiblioError(
        f"{file_name}: broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        hint="export again from Zotero (File > Export Library > CSL JSON)",
    )
