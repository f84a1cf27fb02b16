"""How a passage is cited: "Yulianti & Santoso (2025), p. 3" or, for text, its section.

Plain text has no pages, so its citations name the section heading and paragraph instead. An
e-book that marks its printed edition's pages is cited by those pages: its sections are
labelled "p. 169" or "pp. 169–170" at ingest (ingest/epub.py), and that label is the locator.
So is a PDF whose printed page numbers are not its own (ingest/printed_pages.py): a passage on
the second page of an article printed on pages 4969–4983 is labelled "p. 4970"; without such a
label a PDF passage is cited by its PDF page. A page such a PDF carries beyond its printed
numbering (a supplement after page 313, a download cover) is cited as "PDF p. 10": "p. 10"
would send a reader of the published pages 305–313 to a page that is not there.
"""

from __future__ import annotations

from collections.abc import Sequence

from litsynth.citations.names import PARTICLES

_PRINTED = ("p. ", "pp. ")
_PDF_PAGES = ("PDF p. ", "PDF pp. ")  # pages of a printed-numbered PDF that print none


def author_label(authors: tuple[str, ...] | list[str]) -> str:
    """APA-like author part from "Family, Given" or "Given Family" names."""
    families = [_family(a) for a in authors if a.strip()]
    if not families:
        return "Anon."
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} & {families[1]}"
    return f"{families[0]} et al."


def short_title(title: str, limit: int = 40) -> str:
    """A title shortened for an in-text citation: up to its colon, at most ~`limit` characters."""
    head = title.split(":", 1)[0].strip()
    if len(head) <= limit:
        return head
    cut = head[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def work_label(
    authors: tuple[str, ...] | list[str], year: int | None, *, title: str = "", path: str = ""
) -> str:
    """ "Phadnis (2023)". Without authors, APA puts a short title in the author's place
    ("What is supply chain orchestration?" (n.d.)); without a title either, the file name, so a
    reader can still find the document — never a bare "Anon." that several documents share.
    """
    return f"{_who(authors, title, path)} ({_when(year)})"


def _who(authors: tuple[str, ...] | list[str], title: str, path: str) -> str:
    """The name a work is cited by: its authors, else its short title, else its file name."""
    if any(a.strip() for a in authors):
        return author_label(authors)
    if title.strip():
        return f"“{short_title(title)}”"
    return _file_name(path) if path else "Anon."


def _when(year: int | None) -> str:
    return str(year) if year else "n.d."


def _file_name(path: str) -> str:
    """The name a file is known by: its own, or for the text of a TextEdit document with
    pictures (a folder "Notes.rtfd" holding "TXT.rtf" and the pictures), its folder's."""
    parts = path.replace("\\", "/").rsplit("/", 2)
    if len(parts) == 3 and parts[2] == "TXT.rtf" and parts[1].lower().endswith(".rtfd"):
        return parts[1]
    return parts[-1]


def _family(name: str) -> str:
    """ "van Stokkum" from "van Stokkum, Ivo" or "Ivo H. M. van Stokkum"."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return " ".join(words[start:])


def is_printed_pages(label: str) -> bool:
    """Whether a section label is an e-book's printed pages ("p. 4", "pp. 4–5")."""
    return label.startswith(_PRINTED)


def printed_pages(first: str, last: str) -> str:
    """The label of an e-book section on printed pages `first` to `last`: "p. 4", "pp. 4–5"."""
    return f"p. {first}" if first == last or not last else f"pp. {first}–{last}"


def printed_span(labels: Sequence[str], first: int, last: int) -> str:
    """The printed pages of PDF pages `first` to `last` (1-based), given each page's printed
    label ("" where none is known): "p. 4970", "pp. 4970–4971". Where the file has printed
    numbers but not on both ends of the span, its PDF pages, named as such ("PDF p. 10");
    "" for a file with none (its PDF pages are its pages: `locator` says "p. 10")."""
    start = labels[first - 1] if 0 < first <= len(labels) else ""
    end = labels[last - 1] if 0 < last <= len(labels) else ""
    if start and end:
        return printed_pages(start, end)
    if not any(labels):
        return ""
    return f"PDF p. {first}" if first == last else f"PDF pp. {first}–{last}"


def locator(
    *,
    kind: str,
    page_start: int,
    page_end: int,
    section: str = "",
    paragraph: int | None = None,
) -> str:
    """ "p. 4" / "pp. 4–5" for PDFs and paged e-books; "§ Results, ¶ 12" for text documents."""
    if kind in ("pdf", "epub") and is_printed_pages(section):
        return section
    if kind == "pdf" and section.startswith(_PDF_PAGES):
        return section
    if kind == "pdf":
        return f"p. {page_start}" if page_start == page_end else f"pp. {page_start}–{page_end}"
    parts = []
    if section:
        parts.append(f"§ {section}")
    if paragraph is not None:
        parts.append(f"¶ {paragraph}")
    return ", ".join(parts) or f"section {page_start}"


def parenthetical(
    authors: tuple[str, ...] | list[str],
    year: int | None,
    where: str,
    *,
    title: str = "",
    path: str = "",
) -> str:
    """The citation that follows a quotation, APA's parenthetical form: "(Phadnis, 2023,
    p. 4)", "(“What is supply chain orchestration?”, n.d., ¶ 11)"."""
    return f"({_who(authors, title, path)}, {_when(year)}, {where})"


def format_citation(
    authors: tuple[str, ...] | list[str],
    year: int | None,
    *,
    kind: str,
    page_start: int,
    page_end: int,
    section: str = "",
    paragraph: int | None = None,
    title: str = "",
    path: str = "",
) -> str:
    """The full in-text citation of a passage, e.g. "Phadnis (2023), p. 4"."""
    where = locator(
        kind=kind, page_start=page_start, page_end=page_end, section=section, paragraph=paragraph
    )
    return f"{work_label(authors, year, title=title, path=path)}, {where}"
