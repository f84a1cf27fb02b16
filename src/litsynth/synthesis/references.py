"""A document's own reference list: find the section, split it into entries, parse each.

Entries come as Markdown bullets (seed 000), numbered lines ("[3] …", "3. …") or — in text
extracted from PDFs — unbulleted paragraphs wrapped over several lines (ACL: "Waleed Ammar,
Matthew E. Peters, … 2017. Title."). Each entry keeps its offsets in the document text, its
authors' family names, year and letter, and its number when the list is numbered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from litsynth.synthesis.names import INITIALS, author_phrase, name_key, split_names


@dataclass(frozen=True)
class Reference:
    """One entry of a document's reference list."""

    start: int  # offsets of the entry in the document text
    end: int
    text: str  # whitespace-normalised entry, bullet/number stripped
    families: tuple[str, ...] = ()  # author family names in order ("Amit", "Zott")
    first_keys: frozenset[str] = frozenset()  # match keys of the first author's name words
    year: str = ""
    letter: str = ""
    number: int | None = None  # [n] / "n." numbering, when the list is numbered

    @property
    def label(self) -> str:
        if not self.families:
            return f"[{self.number}]" if self.number is not None else self.text[:40]
        names = author_phrase(self.families, len(self.families) > 2)
        return f"{names} ({self.year or 'n.d.'}{self.letter})"


# Pages of PDF text are separated by form feeds, so a heading may follow "\f" rather than "\n".
_HEADING = regex.compile(
    r"(?:^|(?<=\f))[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:(?:\d+|[IVX]+)\.?[ \t]+)?"
    r"(?:references|reference\s+list|bibliography|works\s+cited|literature\s+cited|cited\s+literature)"
    r"(?:\*\*)?[ \t]*:?[ \t]*$",
    regex.IGNORECASE | regex.MULTILINE,
)
_AFTER_REFS = regex.compile(
    r"(?:^|(?<=\f))[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:[A-Z]\.?[ \t]+|\d+\.?[ \t]+)?"
    r"(?:appendix|appendices|supplementary|acknowledg|author\s+contributions|funding|"
    r"about\s+the\s+authors|biograph|footnotes|notes\b)",
    regex.IGNORECASE | regex.MULTILINE,
)
_NUMBERED = regex.compile(r"^\s*(?:\[(?P<a>\d{1,3})\]|(?P<b>\d{1,3})[.)])\s+(?=\S)")
_BULLET = regex.compile(r"^\s*[-*•]\s+")
# A line that opens an unbulleted entry: capitalised names, then a comma ("Amit, R."), "and"/"&"
# ("Paolo Ferragina and Ugo Scaiella"), or the year ("Hal Daumé. 2007." / "CropX. (2021").
_AUTHOR_START = regex.compile(
    r"^(?:\p{Lu}[\p{L}'’\-]*\.?)(?:\s+(?:\p{Lu}[\p{L}'’\-]*\.?|van|von|de|der|da|di|du|le|la))*"
    r"(?:,\s|\s+and\s|\s*&\s|\.?\s\(?(?:1[89]|20)\d{2}|\s\()"
)
# Capitalised words that open the continuation lines of an entry, not a new one.
# fmt: off
_NOT_ENTRY = frozenset({
    "in", "proceedings", "journal", "conference", "transactions", "association", "advances",
    "springer", "ieee", "acm", "arxiv", "available", "retrieved", "url", "technical", "phd",
    "master", "volume", "vol", "pages", "pp", "doi", "https", "http", "international", "annual",
    "european", "american",
})
# fmt: on
_REF_YEAR = regex.compile(
    r"\(\s*(?P<y>(?:1[89]|20)\d{2})(?P<l>[a-z]?)\b|[\s,](?P<y2>(?:1[89]|20)\d{2})(?P<l2>[a-z]?)[.,)]"
)


def find_reference_section(text: str) -> tuple[int, int] | None:
    """(start, end) of the reference list: after the last "References" heading, up to an
    appendix/acknowledgements heading or the end. None when the document has none.

    The last heading wins because a table of contents also says "References".
    """
    headings = list(_HEADING.finditer(text))
    if not headings:
        return None
    start = headings[-1].end()
    after = _AFTER_REFS.search(text, start)
    end = after.start() if after else len(text)
    return (start, end) if text[start:end].strip() else None


def parse_references(text: str, section: tuple[int, int] | None = None) -> list[Reference]:
    """Entries of the reference list in `text` (found with `find_reference_section` if not given).

    An entry starts at a numbered line ("[3] …", "3. …"), a bullet, or — in unbulleted lists,
    as PDF text gives them — a line that opens with authors ("Amit, R., …", "Waleed Ammar,
    Matthew E. Peters, …", "Hal Daumé. 2007.") right after a line that ended an entry (".", ")"
    or a digit) with a year soon after. Other lines continue the entry above: PDF text wraps
    entries over several lines. Entries without a year or number are dropped.
    """
    section = section or find_reference_section(text)
    if section is None:
        return []
    raw_entries: list[tuple[int, int, int | None]] = []  # start, end, number
    pos = section[0]
    previous = ""
    lines = text[section[0] : section[1]].splitlines(keepends=True)
    # A numbered list starts entries at its numbers only; its wrapped author lines are not entries.
    numbered_list = bool(next((_NUMBERED.match(x) for x in lines if x.strip()), None))
    for line in lines:
        line_start, pos = pos, pos + len(line)
        body = line.strip()
        if not body:
            continue
        numbered = _NUMBERED.match(line)
        bullet = _BULLET.match(line)
        content = line[bullet.end() :] if bullet else line.lstrip()
        bulleted_start = (bullet is not None or not raw_entries) and bool(
            regex.match(r"[\p{Lu}\[]", content)
        )
        author_start = (
            bullet is None
            and bool(_AUTHOR_START.match(content))
            and _first_word(content) not in _NOT_ENTRY
            and _ends_entry(previous)
            and bool(_REF_YEAR.search(text, line_start, min(section[1], line_start + 300)))
        )
        starts = bool(numbered) or (not numbered_list and (bulleted_start or author_start))
        previous = body
        if starts or not raw_entries:
            number = int(numbered.group("a") or numbered.group("b")) if numbered else None
            raw_entries.append((line_start, line_start + len(line.rstrip("\n")), number))
        else:
            s, _, n = raw_entries[-1]
            raw_entries[-1] = (s, line_start + len(line.rstrip("\n")), n)
    refs = []
    for start, end, number in raw_entries:
        ref = _parse_entry(text[start:end], start, end, number)
        if ref is not None:
            refs.append(ref)
    return refs


_INITIAL_END = regex.compile(r"(?:^|[\s\-])\p{Lu}\.$")  # "Christopher D." wraps, it does not end


def _ends_entry(line: str) -> bool:
    if not line:
        return True
    return (line[-1] in ".)]>" or line[-1].isdigit()) and not _INITIAL_END.search(line)


def _first_word(line: str) -> str:
    match = regex.match(r"\s*([\p{L}]+)", line)
    return match.group(1).lower() if match else ""


def _parse_entry(raw: str, start: int, end: int, number: int | None) -> Reference | None:
    body = _NUMBERED.sub("", raw, count=1) if number is not None else _BULLET.sub("", raw, count=1)
    body = regex.sub(r"\s+", " ", body).strip()
    m = _REF_YEAR.search(body)
    if m is None and number is None:
        return None
    year = (m.group("y") or m.group("y2")) if m else ""
    letter = (m.group("l") or m.group("l2") or "") if m else ""
    families: tuple[str, ...] = ()
    first_keys: frozenset[str] = frozenset()
    authors_part = body[: m.start()] if m else ""
    if authors_part.strip():
        names, _ = split_names(authors_part.strip().rstrip("(").strip())
        families = tuple(f for f in (_family_of(names, i) for i in range(len(names))) if f)
        if names:
            first_keys = frozenset(
                name_key(w) for w in regex.split(r"\s+", names[0]) if w and not INITIALS.match(w)
            )
    return Reference(
        start=start,
        end=end,
        text=body,
        families=families,
        first_keys=first_keys,
        year=year,
        letter=letter,
        number=number,
    )


def _family_of(names: Sequence[str], i: int) -> str:
    """The family name of the i-th name of a reference's author list.

    Initials were dropped by `split_names`, so "Amit, R." arrives as "Amit" and a lone
    multi-word name is an organisation ("Dell Inc."); a multi-word name followed by another
    full name is given-first ("Grace Yulianti, Mohamad Chaidir" → "Yulianti"), as is one with
    initials inside it ("A. Smith" → "Smith").
    """
    words = [w.rstrip(".") for w in regex.split(r"\s+", names[i].strip()) if w]
    kept = [w for w in words if not INITIALS.match(w)]
    if not kept:
        return ""
    if len(kept) == len(words) and len(names) == 1:
        return " ".join(kept)  # an organisation: "Dell Inc", "The World Bank"
    return kept[-1]
