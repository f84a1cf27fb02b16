"""A document's own reference list: find the section, split it into entries, read each entry.

This is the one reader of reference lists; two stages use it. The synthesis stage
(`synthesis.intext`) resolves in-text citations against the entries' authors' family names,
year and letter or list number; the bibliography stage (`biblio.references`, "citation
searching") imports each entry as a record with its authors, year, title, venue and DOI.
It lives in `citations`, below both stages, with the author-name reading it leans on
(`citations.names`) and the DOI rule (`citations.doi`), so both stages import it downwards.

Entries come as Markdown bullets (seed 000), items of a YAML front-matter list, numbered lines
("[3] …", "3. …") or — in text extracted from PDFs — unbulleted paragraphs wrapped over several
lines (ACL: "Waleed Ammar, Matthew E. Peters, … 2017. Title."). Each entry keeps its offsets in
the document text, its authors (as written and as family names), year and letter, its number
when the list is numbered, and what an APA/Harvard entry says of title, venue and DOI.

Why heuristics rather than a library: the maintained offline parsers are GROBID and AnyStyle
(a Java service and a Ruby gem, not a pip dependency) and refextract, which is tuned to
high-energy-physics citations and returns report numbers and journal codes but not titles.
Review corpora cite in APA/Harvard style, where "Authors (Year). Title. *Venue*, vol, pages.
DOI" is regular enough to read with a few patterns; the DOI — what dedupe and linking trust
most — is matched exactly, and each entry keeps its text so a person can check what was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from litsynth.citations.doi import normalize_doi
from litsynth.citations.names import INITIALS, author_phrase, name_key, split_names


@dataclass(frozen=True)
class Reference:
    """One entry of a document's reference list."""

    start: int  # offsets of the entry in the document text (bullet/number included)
    end: int
    text: str  # whitespace-normalised entry, bullet/number (and YAML quotes) stripped
    families: tuple[str, ...] = ()  # author family names in order ("Amit", "Zott")
    first_keys: frozenset[str] = frozenset()  # match keys of the first author's name words
    year: str = ""
    letter: str = ""
    number: int | None = None  # [n] / "n." numbering, when the list is numbered
    bulleted: bool = False  # came as a "- " / "* " list item, so an entry even without a year
    offset: int = 0  # where `text` begins in the document: after the bullet or number
    authors: tuple[str, ...] = ()  # as written, initials kept: ("Agarwal, R.", "Shah, S. K.")
    title: str = ""
    venue: str = ""
    doi: str = ""  # normalised ("10.1016/j.respol.2014.04.012"), "" when the entry has none

    @property
    def label(self) -> str:
        if not self.families:
            return f"[{self.number}]" if self.number is not None else self.text[:40]
        names = author_phrase(self.families, len(self.families) > 2)
        return f"{names} ({self.year or 'n.d.'}{self.letter})"


# Pages of PDF text are separated by form feeds, so a heading may follow "\f" rather than "\n".
# "7.1 References", "IV. REFERENCES", "## **Bibliography**", "references:" (a YAML key).
_HEADING_LEAD = r"(?:^|(?<=\f))[ \t]*(?:#{1,6}[ \t]*)?\**(?:(?:\d+(?:\.\d+)*|[IVX]+)\.?[ \t]+)?"
_HEADING = regex.compile(
    _HEADING_LEAD + r"(?:references|reference\s+list|bibliography|works\s+cited|literature\s+cited"
    r"|cited\s+literature)\**[ \t]*:?[ \t]*$",
    regex.IGNORECASE | regex.MULTILINE,
)
# Weaker names, only used when no heading above exists: "Literature" and "Sources" are also
# ordinary table and figure lines in PDF text, and the last heading wins.
_WEAK_HEADING = regex.compile(
    _HEADING_LEAD + r"(?:literature|sources)\**[ \t]*:?[ \t]*$", regex.IGNORECASE | regex.MULTILINE
)
_AFTER_REFS = regex.compile(
    r"(?:^|(?<=\f))[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:[A-Z]\.?[ \t]+|\d+\.?[ \t]+)?"
    r"(?:appendix|appendices|supplementary|acknowledg|author\s+contributions|funding|"
    r"about\s+the\s+authors?|author\s+biograph|biograph|footnotes|notes\b)"
    r"|^[ \t]*#{1,6}[ \t]+\S",  # or any Markdown heading
    regex.IGNORECASE | regex.MULTILINE,
)
# A list under a YAML key ("references:") ends at the next key or the front matter's "---".
_YAML_KEY = regex.compile(r"^[ \t]*[a-z_]+:[ \t]*$")
_YAML_END = regex.compile(r"^(?:(?!doi|https?|url)[a-z_]+:(?:[ \t]|$)|---[ \t]*$)", regex.MULTILINE)
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


def _without_links(content: str) -> str:
    """The words of a line that are not links: a bullet holding only a link (a DOI wrapped
    onto its own line) belongs to the entry above. Word by word, not a pattern: `\\S*doi\\S*`
    searched a long unspaced line in quadratic time (20,000 characters: 40 s)."""
    return " ".join(w for w in content.split() if "doi" not in w and "http" not in w)


def is_reference_heading(line: str) -> bool:
    """Whether a line is a reference list's heading ("References", "7. Bibliography")."""
    return bool(_HEADING.fullmatch(line.strip()))


def find_reference_section(text: str) -> tuple[int, int] | None:
    """(start, end) of the reference list: after the last "References" heading, up to an
    appendix/acknowledgements or Markdown heading (or, under a YAML key, the next key), or the
    end. None when the document has none.

    The last heading wins because a table of contents also says "References".
    """
    headings = list(_HEADING.finditer(text)) or list(_WEAK_HEADING.finditer(text))
    if not headings:
        return None
    heading = headings[-1]
    start = heading.end()
    ends = [m.start() for m in (_AFTER_REFS.search(text, start),) if m]
    if _YAML_KEY.match(heading.group()):
        ends += [m.start() for m in (_YAML_END.search(text, start),) if m]
    end = min(ends, default=len(text))
    return (start, end) if text[start:end].strip() else None


def reference_entries(text: str, section: tuple[int, int] | None = None) -> list[Reference]:
    """Every entry of the reference list in `text`, read (section found if not given).

    An entry starts at a numbered line ("[3] …", "3. …"), a bullet, or — in unbulleted lists,
    as PDF text gives them — a line that opens with authors ("Amit, R., …", "Waleed Ammar,
    Matthew E. Peters, …", "Hal Daumé. 2007.") right after a line that ended an entry (".", ")"
    or a digit) with a year soon after. Other lines continue the entry above: PDF text wraps
    entries over several lines. A bullet that is only a link joins the entry above.
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
            regex.match(r"[\"']?[\p{Lu}\[]", content)  # YAML list items may be quoted
        )
        if bullet is not None and raw_entries:
            # In a bulleted list every bullet is an entry ("- businessmodelnavigator.com — …"),
            # except one holding only a link: a DOI wrapped onto its own bullet.
            bulleted_start = bool(regex.search(r"[A-Za-z]{3,}", _without_links(content)))
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
    return [parse_entry(text[s:e], s, number=n) for s, e, n in raw_entries]


def parse_references(text: str, section: tuple[int, int] | None = None) -> list[Reference]:
    """The entries in-text citations can resolve against: those with a year or a number."""
    return [r for r in reference_entries(text, section) if r.year or r.number is not None]


_INITIAL_END = regex.compile(r"(?:^|[\s\-])\p{Lu}\.$")  # "Christopher D." wraps, it does not end


def _ends_entry(line: str) -> bool:
    if not line:
        return True
    return (line[-1] in ".)]>" or line[-1].isdigit()) and not _INITIAL_END.search(line)


def _first_word(line: str) -> str:
    match = regex.match(r"\s*([\p{L}]+)", line)
    return match.group(1).lower() if match else ""


def parse_entry(raw: str, start: int = 0, *, number: int | None = None) -> Reference:
    """Read one entry; `raw` is its text as in the document (bullet or number included).

    Whatever the entry does not say stays empty: "Dell Inc. (2007). Title." has no venue or DOI.
    """
    marker = _NUMBERED.match(raw) if number is not None else _BULLET.match(raw)
    after = raw[marker.end() :] if marker else raw
    lead = len(after) - len(after.lstrip())
    body = regex.sub(r"\s+", " ", after).strip()
    if body[:1] == '"' and body[-1:] == '"' and len(body) > 1:  # a quoted YAML list item
        body, lead = body[1:-1].strip(), lead + 1
    offset = start + len(raw) - len(after) + lead
    m = _REF_YEAR.search(body)
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
    authors, title, venue, doi = read_fields(body)
    return Reference(
        start=start,
        end=start + len(raw),
        text=body,
        families=families,
        first_keys=first_keys,
        year=year,
        letter=letter,
        number=number,
        bulleted=number is None and marker is not None,
        offset=offset,
        authors=authors,
        title=title,
        venue=venue,
        doi=doi,
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


# --- title, venue, DOI: what an APA/Harvard entry says, for importing it as a record ----------

_DOI = regex.compile(r"10\.\d{4,9}/(?:(?!\]\()\S)+")  # stops at a markdown "](" link target
_PAREN_YEAR = regex.compile(r"\((\d{4})[a-z]?(?:,[^)]*)?\)|\((n\.d\.)\)")
_INITIALS_AUTHOR = regex.compile(r"([^,&]+?),\s*((?:[A-Z][a-z]?\.(?:[ \t]|-)?)+)")


def _strip_markdown(text: str) -> str:
    text = regex.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1", text)  # [label](url) -> label
    text = text.replace("\\_", "_").replace("\\(", "(").replace("\\)", ")")
    text = regex.sub(r"<(https?://[^>]+)>", r"\1", text)
    return regex.sub(r"\s+", " ", text).strip()


def _authors(segment: str) -> tuple[str, ...]:
    segment = segment.strip()
    found = _INITIALS_AUTHOR.findall(segment)
    if found:
        names = []
        for family, initials in found:
            family = regex.sub(r"^\s*(?:&|and)\s+", "", family.strip(" ,"))
            names.append(f"{family}, {initials.strip()}")
        return tuple(names)
    parts = regex.split(r",\s*(?:&\s*)?|\s+&\s+|\s+and\s+", segment)
    return tuple(p.strip() for p in parts if p.strip())


def read_fields(entry: str) -> tuple[tuple[str, ...], str, str, str]:
    """(authors, title, venue, DOI) of "Authors (Year). Title. *Venue*, …. DOI"; missing parts "".

    Markdown is read, not kept: an italic run is the venue (or, right after the year, a book's
    title), and a DOI written as a "[label](url)" link is taken from its label.
    """
    unescaped = entry.replace("\\_", "_").replace("\\(", "(").replace("\\)", ")")
    doi_match = _DOI.search(regex.sub(r"<(https?://\S+)>", r"\1", unescaped))
    doi = normalize_doi(doi_match.group(0)) if doi_match else ""
    italic = regex.findall(r"\*([^*]+)\*", entry)
    text = _strip_markdown(entry).replace("*", "")
    year_match = _PAREN_YEAR.search(text)
    authors: tuple[str, ...] = ()
    rest = text
    if year_match:
        authors = _authors(text[: year_match.start()])
        rest = text[year_match.end() :].lstrip(". ")
        if not regex.search(r"[A-Za-z]{3,}", rest) and "," in text[: year_match.start()]:
            # "Names, Title (Year)": the year closes the entry, the title is the last part.
            head, _, last = text[: year_match.start()].rstrip(" ,").rpartition(",")
            authors, rest = _authors(head), last.strip()
    plain_italic = [_strip_markdown(i).strip(" .,") for i in italic]
    if plain_italic and rest.startswith(plain_italic[0]):
        title, venue = plain_italic[0], ""  # a book: the title itself is in italics
    else:
        cut = regex.search(r"(?<=[.?!])\s+(?=[A-Z*(\[]|In\s)", rest)
        title = rest[: cut.start()] if cut else rest
        tail = rest[cut.end() :] if cut else ""
        venue = plain_italic[0] if plain_italic else tail.split(",")[0].split(".")[0]
    title = regex.sub(r"\s*(?:https?://|doi:)\S*", "", title).strip(" .")
    if not year_match and authors == () and "," in title:
        # No "(Year)": the first comma-separated run before the title is the author list.
        head, _, after = text.partition(". ")
        authors, title = _authors(head), after.split(",")[0].strip(" .") if after else title
    return authors, title, venue.strip(" .,"), doi
