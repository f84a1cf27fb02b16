"""A paper's authors read off its first page: the byline between the title and the abstract.

Most PDFs a reviewer downloads have no /Author (arXiv, ACM and many publishers leave it empty),
so without this their passages cite as “Multi-LexSum” (2022) instead of "Shen et al. (2022)".
Every paper prints its authors under its title, in one of a few layouts:

- "Waleed Ammar, Dirk Groeneveld, …, and Oren Etzioni" (commas, a final "and");
- "Kyle Lo† Lucy Lu Wang†∗ Mark Neumann†" (names separated only by affiliation marks);
- "Kyle Loα∗ Zejiang Shenα,τ" (Greek letters or digits set against the name as marks);
- "TAL AUGUST, University of Washington, USA" (one author a line, in capitals, with the
  affiliation after a comma);
- "Joseph Chee Chang / josephc@allenai.org / Allen Institute for AI / Seattle, WA, USA"
  (one block per author).

So the lines after the printed title and before the abstract are cut at commas, "and" and
the marks, and a piece is kept only if it reads as a person's name: two to five words, each a
capitalised word, an initial or a particle ("van", "de"), and the last a capitalised word; no
word of an affiliation ("University", "Institute", "Lab"), of a heading or a note
("Abstract", "Corresponding"), and not a city (a piece followed by a state code or a
country: "Seattle, WA"). Letters used as affiliation marks ("aInstitute of …" under "Nicolas
Roisina") are taken off the names they end.

A page whose title cannot be found in its text (a table first, a scanned cover) gives no
authors rather than a guess. Names are returned as "Family, Given", with particles kept in the
family name ("van Zuylen, Madeleine"), the form the corpus sidecar uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import regex

from litsynth.citations.names import INITIALS, PARTICLES, fold, name_key

BYLINE_VERSION = "byline.v3"  # in a PDF's file_meta: its authors were chosen as below
# v2: a name after an APA ", &" is read (v1 lost it); v3: /Author only when page 1 prints it
MAX_LINES = 40  # after the title: one block per author takes four or five lines each
MAX_NAMES = 60
# Marks set against a name: daggers, stars, card suits, digits, Greek letters, any symbol, and
# the control characters a mark's glyph is sometimes mapped to ("Doug Downey,\x8e Jason").
_MARKS = regex.compile(r"[\p{Greek}\d\p{S}\p{Cc}\p{Co}†‡§¶∗*#∥‖]+")
# Marks closing a name as OCR reads a superscript: a quote, "!" or "?" ("Zejiang Shen’, Tal",
# "Mark Neumann!", "Arman Cohan?’"). A quote inside a name ("O’Brien") is followed by a
# letter and stays.
_QUOTE_MARK = regex.compile(r"(?<=\p{L})[’'”\"“‘`?!]+(?!\p{L})")
_PIECES = regex.compile(r"\s*(?:,|;|&|\band\b|\|)\s*")  # ", & Isager" too
# "Weld", "Jean-Pierre", "McDonald", "O'Brien", "LeCun"
_WORD = regex.compile(r"^\p{Lu}[\p{Ll}'’]+(?:\p{Lu}[\p{Ll}'’]+)?(?:-\p{Lu}?[\p{Ll}'’]+)*$")
_CAPITALS = regex.compile(r"^[\p{Lu}\s.'’\-]+$")
# A generation after the family name, left out of it ("Smith Jr." is cited "Smith").
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
# Words that put a piece in an affiliation, an address, a heading or a note, not a name.
# fmt: off
NOT_NAMES = frozenset({
    "university", "universität", "université", "universidad", "universidade", "università",
    "universiteit", "institute", "institut", "instituto", "istituto", "department", "dept",
    "school", "college", "faculty", "laboratory", "laboratories", "lab", "labs", "center",
    "centre", "centro", "research", "inc", "corp", "corporation", "ltd", "llc", "gmbh",
    "hospital", "clinic", "foundation", "academy", "group", "company", "technologies",
    "technology", "sciences", "science", "engineering", "computing", "computer", "services",
    "service", "office", "user", "users", "administrator", "owner", "ministry", "national",
    "state", "ai", "new", "san", "los", "las", "santa", "hong", "kong", "saint", "avenue",
    "ave", "road", "boulevard", "blvd",  # "701 First Avenue" under the names
    "google", "microsoft", "amazon", "meta", "facebook", "ibm", "nvidia", "intel", "abstract",
    "introduction", "keywords", "contents", "proceedings", "journal", "conference", "workshop",
    "volume", "copyright", "corresponding", "author", "authors", "equal", "contribution",
    "contributed", "work", "done", "intern", "preprint", "review", "submitted", "accepted",
    "published", "received", "email", "mail", "correspondence", "your", "name",
})
# fmt: on
_REGION = regex.compile(r"^\p{Lu}{2}(?:\s+\d[\d\s-]*)?$")  # "WA", "IL 60208"
# fmt: off
COUNTRIES = frozenset({
    "usa", "us", "uk", "u.s.a.", "u.k.", "china", "japan", "korea", "india", "germany",
    "france", "italy", "spain", "canada", "australia", "singapore", "israel", "netherlands",
    "switzerland", "sweden", "denmark", "norway", "finland", "belgium", "austria", "brazil",
    "mexico", "taiwan", "portugal", "ireland", "poland", "greece", "turkey", "russia",
})
# fmt: on
# pdfTeX's accents, drawn as their own glyph before the letter: ´ ` ¨ ˆ ˜ ¸ ˇ
_COMBINING = {
    "´": "\u0301",
    "`": "\u0300",
    "¨": "\u0308",
    "ˆ": "\u0302",
    "˜": "\u0303",
    "¸": "\u0327",
    "ˇ": "\u030c",
}
_SPACING_ACCENT = re.compile(r"([´`¨ˆ˜¸ˇ])\s?([A-Za-z])")
_TRAILING_CEDILLA = re.compile(r"([CcSs])¸")  # "Franc¸ois": the cedilla set after its letter
_ENDS = re.compile(
    r"^\s*(?:abstract|summary|keywords|key\s*words|a\s*b\s*s\s*t\s*r\s*a\s*c\s*t"
    r"|(?:1\.?|i\.)?\s*introduction)\b",
    re.IGNORECASE,
)


def byline_authors(page_text: str, title: str) -> tuple[str, ...]:
    """The authors printed under `title` on this first page, as "Family, Given"; () if the
    title is not on the page or no line under it reads as names."""
    lines = _lines_after_title(page_text.splitlines(), title)
    if not lines:
        return ()
    marks = _letter_marks(lines)
    names: list[str] = []
    for line in lines:
        if _ENDS.match(line) or _prose(line):
            break
        pieces = [p for p in _PIECES.split(_unmarked(line)) if p.strip()]
        for i, piece in enumerate(pieces):
            following = pieces[i + 1] if i + 1 < len(pieces) else ""
            name = _as_name(piece, marks)
            if name and not _is_place(following) and name not in names:
                names.append(name)
    return tuple(names) if len(names) <= MAX_NAMES else ()


def chosen_authors(own: Sequence[str], first_page: str, title: str) -> tuple[str, ...]:
    """A PDF's own /Author names when every one reads as a person's name printed on page 1,
    else its byline, else the /Author names page 1 prints at all; else none.

    /Author is often not the authors: a publisher's ("Journals", "IEEE"), a typist's login
    ("chrisq", "antons.jan-niklas"), or another paper's, copied with the proceedings'
    template. An author's family name is on the paper's first page; those are not."""
    printed = fold(first_page)
    on_page = [a for a in own if _family_key(a) and _family_key(a) in printed]
    byline = byline_authors(first_page, title)
    if own and len(on_page) == len(own) and all(reads_as_name(a) for a in own):
        # ...unless /Author names only some of the byline's authors (the one who uploaded)
        keys = {_family_key(b) for b in byline}
        longer = len(byline) > len(own) and all(_family_key(a) in keys for a in own)
        return byline if longer else tuple(own)
    return byline or tuple(a for a in on_page if reads_as_name(a))


def _family_key(name: str) -> str:
    """`name_key` of the family part of "Family, Given" or "Given Family" ("" if too short to
    look for on a page)."""
    key = name_key(name.split(",", 1)[0])
    return key if len(key) >= 2 else ""


def reads_as_name(name: str) -> bool:
    """Whether a name from a file's own metadata ("Kyle Lo", "Doe, Jane") is a person's, and
    not "End User Computing Services" or "oren etzioni" (the byline is better then)."""
    family, _, given = name.partition(",")
    return bool(_as_name(f"{given} {family}" if given else family, frozenset()))


def _lines_after_title(lines: list[str], title: str) -> list[str]:
    """The page's lines after the ones that print the title (which may wrap), at most
    MAX_LINES; [] if the title is not printed on the page."""
    wanted = fold(title)
    if len(wanted) < 8:
        return []
    for start in range(len(lines)):
        seen = ""
        for end in range(start, min(start + 6, len(lines))):
            seen += fold(lines[end])
            if seen == wanted or (seen.startswith(wanted) and len(seen) - len(wanted) < 3):
                return lines[end + 1 : end + 1 + MAX_LINES]
            if not wanted.startswith(seen):
                break
    return []


def _letter_marks(lines: list[str]) -> frozenset[str]:
    """Lower-case letters used as affiliation marks: an affiliation line that starts with one
    set against its first capital ("aInstitute of Information …", "bDepartment of …")."""
    found = {m.group(1) for line in lines if (m := regex.match(r"^\s*([a-f])\p{Lu}", line))}
    return frozenset(found)


def _unmarked(line: str) -> str:
    """Marks become piece breaks; e-mail addresses and bracketed lists of them go; an accent
    that LaTeX set as a separate character goes back on its letter ("Andr´e" -> "André")."""
    line = re.sub(r"\{[^}]*\}\s*@\S+|\S+@\S+", " , ", line)
    line = _TRAILING_CEDILLA.sub(lambda m: m.group(1) + "\u0327", line)
    line = _SPACING_ACCENT.sub(lambda m: m.group(2) + _COMBINING[m.group(1)], line)
    line = _QUOTE_MARK.sub(" , ", line)
    return _MARKS.sub(" , ", unicodedata.normalize("NFC", line))


def _as_name(piece: str, marks: frozenset[str]) -> str:
    """The piece as "Family, Given" if it reads as a person's name, else ""."""
    words = piece.split()
    if not 2 <= len(words) <= 5:
        return ""
    if _CAPITALS.match(piece) and any(len(w) > 2 for w in words):
        words = [w if INITIALS.match(w) else w.title() for w in words]
    elif words[-1].isupper() and len(words[-1]) > 2 and words[-1] not in SUFFIXES:
        # "Chris QUIRK", "Ross G. DOUGLAS"
        words[-1] = words[-1].title()
    if len(words) >= 3 and words[-1] in SUFFIXES:
        words = words[:-1]  # "Martin Luther King Jr.": cited "King", as APA cites him
    last = words[-1]
    if marks and last[-1] in marks and _WORD.match(last[:-1]) and len(last) > 3:
        words[-1] = last = last[:-1]
    if any(w.lower().strip(".") in NOT_NAMES for w in words):
        return ""
    if not _WORD.match(last) or not (_WORD.match(words[0]) or INITIALS.match(words[0])):
        return ""
    if not all(_WORD.match(w) or INITIALS.match(w) or w in PARTICLES for w in words):
        return ""
    first_particle = next((i for i, w in enumerate(words) if w in PARTICLES), len(words) - 1)
    family = " ".join(words[first_particle:])
    return f"{family}, {' '.join(words[:first_particle])}"


def _is_place(piece: str) -> bool:
    """A state code, postcode or country: what follows a city, not a name."""
    piece = piece.strip()
    return bool(_REGION.match(piece)) or piece.lower() in COUNTRIES


def _prose(line: str) -> bool:
    """A line of running text (the abstract of a paper without an "Abstract" heading)."""
    words = line.split()
    small = sum(
        w.lower() in {"the", "of", "a", "to", "in", "is", "we", "that", "with"} for w in words
    )
    return len(words) >= 10 and small >= 2
