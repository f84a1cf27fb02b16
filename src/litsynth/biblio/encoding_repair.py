"""Records whose text an export mangled: UTF-8 once read as Windows-1252 (or Latin-1) on its
way into the file, so a reader sees "donâ€™t", "Â£84", "2 Ã— 2", "Î±-blocker", or the bare
control characters of "don\\x92t".

Real exports carry it: 32 of the 2,019 records of the shared Nagtegaal (2019) set and 9 of
Kitchenham (2010)'s 1,704. A screener reads it on every such record, a reference list prints
it, and two databases' copies of one paper no longer look alike. The file is decoded right
(it is valid UTF-8); the damage was done before, so no choice of encoding undoes it.

ftfy (a maintained package) repairs it: it undoes the wrong decoding only where the result is
far more plausible text, segment by segment, and leaves a text alone that merely has accents
(bench/bench_encoding_repair.py: 42 of the 17,444 records of the shared screening and
duplicate sets repaired, every repair right; none of the bib folder's 759). Repaired
are the fields a person reads (title, abstract, authors, journal, keywords); each record
keeps its text as exported (`<field>_as_exported`) and says which fields were repaired
(`encoding_repaired`), and the import says how many records were.
"""

from __future__ import annotations

import re
from dataclasses import replace

import ftfy
from ftfy.badness import is_bad

from litsynth.records import BibRecord
from litsynth.words import count

_SPACE = re.compile(r"\s+")
# What mojibake cannot lack, to skip the rest of the text fast: a UTF-8 lead byte read as a
# Latin-1 letter (Â … ô) before a continuation byte read as Windows-1252 (€ ‚ … ’ “ ” – — ™,
# a no-break space, ¡ … ¿; or a plain space, where a no-break one was turned into it), or a
# bare C1 control character (\x92: a byte no text means).
_SUSPECT = re.compile(
    "[\x80-\x9f]|[\u00c2\u00c3] |[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
    "\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)
REPAIRED = "encoding_repaired"  # the record's extra key naming its repaired fields


def repaired_text(text: str) -> str:
    """`text` with mojibake undone, its whitespace folded as an import folds it; the same
    text when it has none (the common case costs one ASCII check)."""
    if text.isascii() or not _SUSPECT.search(text) or not is_bad(text):
        return text
    fixed = ftfy.fix_encoding(text)
    return text if fixed == text else _SPACE.sub(" ", fixed).strip()


def repair(record: BibRecord) -> tuple[BibRecord, tuple[str, ...]]:
    """The record with its shown fields repaired, and which were (none: the same record)."""
    changed: dict[str, object] = {}
    before: dict[str, str] = {}
    for name in ("title", "abstract", "journal"):
        text = getattr(record, name)
        if (fixed := repaired_text(text)) != text:
            changed[name], before[name] = fixed, text
    for name in ("authors", "keywords"):
        items: tuple[str, ...] = getattr(record, name)
        fixed_items = tuple(repaired_text(item) for item in items)
        if fixed_items != items:
            changed[name], before[name] = fixed_items, "; ".join(items)
    if not changed:
        return record, ()
    extra = {**record.extra, REPAIRED: ", ".join(before)}
    extra.update({f"{name}_as_exported": text for name, text in before.items()})
    return replace(record, **changed, extra=extra), tuple(before)  # type: ignore[arg-type]


def repaired_warning(n: int, example: tuple[str, str] | None) -> str:
    """What an import says of its repaired records: how many, and the first repair."""
    said = (f"the text of {count(n, 'record')} had been read with the wrong encoding before"
            " this export (mojibake) and was repaired")  # fmt: skip
    if example is not None:
        said += f", e.g. {example[0]!r} → {example[1]!r}"
    return said + "; each keeps its text as exported"


def first_repair(record: BibRecord, fields: tuple[str, ...]) -> tuple[str, str]:
    """The first repaired word(s) of a repaired record, as exported and as repaired."""
    name = fields[0]
    was = record.extra[f"{name}_as_exported"]
    now = getattr(record, name)
    now = "; ".join(now) if isinstance(now, tuple) else now
    i = next((k for k, (a, b) in enumerate(zip(was, now, strict=False)) if a != b), 0)
    start = max(was.rfind(" ", 0, i), now.rfind(" ", 0, i)) + 1

    def word_end(text: str) -> int:
        end = text.find(" ", i + 1)
        return len(text) if end < 0 else end

    return was[start : word_end(was)], now[start : word_end(now)]
