"""What each passage is: body text, or one of the parts of a paper a reviewer does not code.

Roles, in the order they are decided (the first that fits wins):

- `references`: starting inside a reference list, or lying mostly inside it. In a PDF that
  is the list the citation stages find (`citations.references.find_reference_section`), so
  every stage agrees where it is. A document in sections (HTML, Word, OpenDocument, an
  e-book) may have several, one per chapter, each ending at the next heading: every section
  headed "References", "Bibliography"… is one, and the list found in the text stops at the
  heading after it;
- `acknowledgements`: under an Acknowledgements / Funding / Conflict of interest /
  Author contributions heading, up to the next heading (in a sectioned document, the next
  section's) or the references;
- `boilerplate`: mostly lines that are not the paper's prose (running headers and footers
  repeated on three or more pages, page numbers, arXiv margin stamps, licence lines), or a
  journal's history and licence box ("Received: … Accepted: … Copyright: © …",
  `ingest.notices`), which the chunker makes a passage of its own;
- `captions/tables`: mostly figure or table captions, or rows of numbers; in a PDF also a
  figure's own text beside them (tick marks, legends, axis labels);
- `front matter`: title, authors and affiliations: text on the first page before the
  Abstract (or the Introduction), or a first-page passage with e-mail addresses;
- `abstract`: under an Abstract heading, before the Introduction;
- `body`: everything else.

`chunk_roles` is pure: a document's text, its pages and its passages' spans in, one role per
passage out. `store_roles` and `assign_roles` are its edge to the store (the caller's handle).
`ROLES_VERSION` is stored with the roles, so a better detector can recompute them.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence

from litsynth.citations.labels import is_printed_pages
from litsynth.citations.references import find_reference_section, is_reference_heading
from litsynth.ingest.normalize import line_form
from litsynth.ingest.notices import notice_spans
from litsynth.ingest.paragraphs import opens_with_heading
from litsynth.records import ROLES, Document, Page
from litsynth.store import documents as store
from litsynth.store import passage_facts
from litsynth.store.db import transaction

# v2: a passage mostly inside the reference list is one; v3: sectioned documents' lists end
# at the next heading, and each chapter's list counts; v4: so do Markdown's ("## References"
# opens a section labelled "References"); v5: a figure's own text on a PDF's page (ticks,
# legends, axis labels beside its caption) is captions/tables; v6: a journal's history and
# licence box (ingest/notices.py) is boilerplate
ROLES_VERSION = "roles.v6"
__all__ = ["ROLES", "ROLES_VERSION", "assign_roles", "chunk_roles", "store_roles"]

_HEADING = r"(?:#{1,6}\s*)?(?:\d+(?:\.\d+)*\.?\s+)?"
_ACK = re.compile(
    rf"^\s*{_HEADING}(?:acknowledge?ments?|funding(?: information)?|conflicts? of interests?|"
    r"declaration of (?:competing )?interests?|competing interests|author contributions?)"
    r"\s*:?\s*$",
    re.I | re.M,
)
# "Abstract", "ABSTRACT", "# Abstract", "Abstract—Deep learning …" (text may follow on the line)
_ABSTRACT = re.compile(
    rf"^\s*{_HEADING}[*_]{{0,2}}abstract(?:[*_]{{0,2}}\s*$|[*_]{{0,2}}\s*[:.—–-]\s*|\s+(?=[A-Z]))",
    re.I | re.M,
)
_INTRO = re.compile(rf"^\s*{_HEADING}(?:introduction|background)\s*:?\s*$", re.I | re.M)
_ANY_HEADING = re.compile(r"^\s*(?:#{1,6}\s+\S.*|\d+(?:\.\d+)*\.?\s+[A-Z][^.]{0,80})\s*$", re.M)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
_STAMP = re.compile(
    r"arXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?|\[[a-z-]+(?:\.[A-Z]{2})?\]\s+\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}"
    # lone "1 2 4,5" affiliation marks: two digits or more, possessive (a number is never
    # re-split), else "1 2 3 … 16 17-20", a table's head, backtracks for seconds a line
    r"|^\s*(?=(?:\D*\d){2})\d++(?:\s*+,?\s*+\d++)*+\s*$"
)
_LICENCE = re.compile(
    r"creative commons|licensed under|all rights reserved|^\s*©|copyright\s+(?:©\s*)?\d{4}"
    r"|permission to make digital or hard copies|this article is an open access",
    re.I,
)
_CAPTION = re.compile(r"^\s*(?:fig(?:ure)?\.?|table|tab\.)\s*[0-9IVX]+[.:]?", re.I)
_LONE_NUMBER = re.compile(r"\s*[-–−(]?\d+(?:[.,]\d+)?%?\)?\s*")  # a tick mark: "0.2", "−4", "25.0"


def repeated_lines(text: str, pages: Sequence[Page], *, min_pages: int = 3) -> set[str]:
    """Normalised lines that occur on `min_pages` or more pages: running headers and footers."""
    if len(pages) < min_pages:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        lines = {line_form(line) for line in text[page.start : page.end].splitlines()}
        seen.update(line for line in lines if 3 <= len(line) <= 160)
    return {line for line, n in seen.items() if n >= min_pages}


def is_boilerplate_line(line: str, repeated: set[str]) -> bool:
    return bool(
        _PAGE_NUMBER.match(line)
        or _STAMP.search(line)
        or _LICENCE.search(line)
        or (line_form(line) in repeated)
    )


def _share(lines: list[str], test: Callable[[str], bool]) -> float:
    """The share of the passage's characters on lines that pass `test`."""
    total = sum(len(line) for line in lines) or 1
    return sum(len(line) for line in lines if test(line)) / total


def _figure_text(lines: list[str], *, laid_out: bool) -> bool:
    """Mostly captions and table rows; on a PDF's pages also a figure's own text (its tick
    marks "0.2", "0.0 0.2 0.4", legend and axis labels "bart_score", "Pearson correlation"),
    which pypdf reads line by line beside the caption. A figure's text needs some figures or
    a caption in the passage: a run of short lines alone may be a list or a poem's lines."""

    def evidence(line: str) -> bool:
        return (
            bool(_CAPTION.match(line))
            or _numeric(line)
            or (laid_out and bool(_LONE_NUMBER.fullmatch(line)))
        )

    return (
        any(map(evidence, lines))
        and _share(lines, lambda x: evidence(x) or (laid_out and _fragment(x))) >= 0.6
    )


def _fragment(line: str) -> bool:
    """A line of a figure: three words at most, no sentence's end (a paragraph's last line
    ends one)."""
    text = line.strip()
    return len(text.split()) <= 3 and len(text) <= 30 and not text.endswith((".", "?", "!"))


def _numeric(line: str) -> bool:
    """A table row: three or more decimal figures, or mostly numeric tokens."""
    if len(re.findall(r"\d+[.,]\d+", line)) >= 3:
        return True
    tokens = line.split()
    numbers = [t for t in tokens if re.fullmatch(r"[-–±(]?[\d.,]+%?\)?", t)]
    return len(tokens) >= 3 and len(numbers) / len(tokens) > 0.5


def _overlap(start: int, end: int, a: int, b: int) -> float:
    """The share of [start, end) that lies inside [a, b)."""
    return max(0, min(end, b) - max(start, a)) / max(1, end - start)


def _opens_with_heading(text: str, page: Page) -> bool:
    """Whether a section of a sectioned document starts at a heading. Its label is that
    heading, except in an e-book cited by printed page, where a part may also start where a
    page turns: there a heading is a short first line that does not end a sentence."""
    if not is_printed_pages(page.label):
        return opens_with_heading(text[page.start : page.end], page.label)
    first = text[page.start : page.end].split("\n", 1)[0].strip()
    return 0 < len(first.split()) <= 12 and not re.search(r"[.,;:]$|\b\d{4}\b", first)


def heading_starts(text: str, pages: Sequence[Page], *, sectioned: bool | None = None) -> list[int]:
    """Where the headings of a document in sections start; [] for a PDF (pages, not sections:
    `sectioned` False, or by default pages without labels — a PDF's labels are page numbers)."""
    if not is_sectioned(pages, sectioned):
        return []
    return [p.start for p in pages if p.end > p.start and _opens_with_heading(text, p)]


def is_sectioned(pages: Sequence[Page], sectioned: bool | None = None) -> bool:
    """Whether `pages` are a document's sections, not a PDF's laid-out pages (by default:
    whether they have labels, which a PDF's pages have only as page numbers)."""
    return any(p.label for p in pages) if sectioned is None else sectioned


def reference_spans(text: str, heads: Sequence[int]) -> list[tuple[int, int]]:
    """The reference lists of a document: one in a PDF; in a document in sections (`heads`:
    where its headings start), each section opened by a reference heading, up to the next
    heading (else the list found in the text, up to the heading after it)."""
    found = find_reference_section(text)
    if not heads:
        return [found] if found else []
    spans = []
    for i, start in enumerate(heads):
        first = text[start:].split("\n", 1)[0]
        if is_reference_heading(first):
            end = heads[i + 1] if i + 1 < len(heads) else len(text)
            spans.append((start + len(first), end))
    if spans or found is None:
        return spans
    return [(found[0], min([found[1], *(h for h in heads if h > found[0])]))]


def chunk_roles(
    text: str,
    pages: Sequence[Page],
    spans: Sequence[tuple[int, int]],
    *,
    sectioned: bool | None = None,
) -> list[str]:
    """One role per passage span (start, end) of a document; see the module docstring.
    `sectioned`: whether `pages` are sections (see heading_starts)."""
    heads = heading_starts(text, pages, sectioned=sectioned)
    laid_out = not is_sectioned(pages, sectioned)  # a PDF: lines as the page sets them
    lists = reference_spans(text, heads)
    refs_start = lists[-1][0] if lists else len(text)
    ack_spans = []
    for m in _ACK.finditer(text):
        nxt = _ANY_HEADING.search(
            text, m.end(), refs_start if m.start() < refs_start else len(text)
        )
        end = nxt.start() if nxt else max(refs_start, m.end())
        ack_spans.append((m.start(), min([end, *(h for h in heads if h >= m.end())])))
    repeated = repeated_lines(text, pages)
    notices = notice_spans(text)
    # the top of the document: the first page of a PDF; for text (whose "pages" are sections,
    # the first often a one-line label) at least its first 3,000 characters
    first_page_end = max(pages[0].end if pages else len(text), min(len(text), 3000))
    abstract = _ABSTRACT.search(text, 0, min(first_page_end, refs_start))
    intro = _INTRO.search(text, 0, refs_start)
    body_from = abstract.start() if abstract else (intro.start() if intro else None)
    # the abstract runs to the Introduction, or at most to the end of the first page
    abstract_end = min(intro.start(), first_page_end) if intro else first_page_end
    roles = []
    for start, end in spans:
        lines = [line for line in text[start:end].splitlines() if line.strip()]
        if any(a <= start < b or _overlap(start, end, a, b) >= 0.5 for a, b in lists):
            role = "references"  # a passage starting just before the heading is mostly list
        elif any(_overlap(start, end, a, b) >= 0.67 for a, b in ack_spans):  # mostly
            role = "acknowledgements"
        elif lines and (
            sum(_overlap(start, end, a, b) for a, b in notices) >= 0.6
            or _share(lines, lambda x: is_boilerplate_line(x, repeated)) >= 0.6
        ):
            role = "boilerplate"
        elif lines and _figure_text(lines, laid_out=laid_out):
            role = "captions/tables"
        elif start < first_page_end and (
            (body_from is not None and _overlap(start, end, 0, body_from) >= 0.5)
            or len(_EMAIL.findall(text[start:end])) >= 2
        ):
            role = "front matter"
        elif abstract is not None and _overlap(start, end, abstract.start(), abstract_end) >= 0.5:
            role = "abstract"
        else:
            role = "body"
        roles.append(role)
    return roles


def assign_roles(conn: sqlite3.Connection) -> int:
    """Give roles to the passages of documents stored before roles existed (or by an older
    detector), from the stored text and pages: nothing is parsed or embedded again."""
    todo = passage_facts.documents_without_roles(conn, ROLES_VERSION)
    for document_id in todo:
        doc = store.load_document(conn, document_id)
        with transaction(conn):
            store_roles(conn, doc, passage_facts.chunk_spans_of(conn, document_id))
    return len(todo)


def store_roles(
    conn: sqlite3.Connection, doc: Document, spans: Sequence[tuple[str, int, int]]
) -> None:
    """Decide and store the roles of a document's passages, given as (chunk id, start, end)."""
    roles = chunk_roles(
        doc.text, doc.pages, [(s, e) for _c, s, e in spans], sectioned=doc.kind != "pdf"
    )
    pairs = [(chunk_id, role) for (chunk_id, _s, _e), role in zip(spans, roles, strict=True)]
    passage_facts.set_roles(conn, doc.id, pairs, ROLES_VERSION)
