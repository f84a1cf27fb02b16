"""PDF: decrypt, extract text page by page with pypdf, and judge whether the text is usable.

pypdf's default ("plain") extraction is used, not layout mode: layout mode keeps the page's 2-D
arrangement with runs of spaces, which interleaves the two columns of a scholarly paper line by
line; plain mode follows the content stream, which for almost every producer is reading order.

Outcomes a user can act on are `ParseFailure`s with a reason from FAILURE_REASONS:
"encrypted" (no password fits), "broken-file" (pypdf cannot read the structure), "empty" (no
pages), "no-text-layer" (pages but no text: a scan), "garbage-text" (see `garbage_reason`).
A single page whose extraction raises is recorded in attributes["pages_failed"] and the rest of
the document is kept: one broken figure should not cost a 30-page paper.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError
from pypdf.generic import DictionaryObject

from litsynth.citations.doi import normalize_doi
from litsynth.ingest.budget import ask_for_time, report_pages
from litsynth.ingest.byline import chosen_authors
from litsynth.ingest.failures import OCR_TRIED, ParseFailure
from litsynth.ingest.first_page import (
    Run,
    printed_doi,
    printed_year,
    run_recorder,
    title_from_runs,
    trusted_title,
    without_article_type,
)
from litsynth.ingest.glued import join_small_caps, split_glued_words
from litsynth.ingest.normalize import (
    assemble,
    canonical_text,
    fix_surrogates,
    line_form,
    normalize_parts,
)
from litsynth.ingest.ocr import OcrSettings, engine, read_pages
from litsynth.ingest.ocr import missing as ocr_missing
from litsynth.ingest.own_metadata import author_names
from litsynth.ingest.printed_pages import find_printed_pages
from litsynth.records import Document, bytes_id
from litsynth.words import count

# What a PDF's text is made of changes with this version: v2 splits glued words (whole
# documents and lone spots), joins small capitals and mends capitalised line-end hyphens.
# file_meta["text_read_by"] names it; `status` lists PDFs an older one read (`ingest --reread`).
TEXT_VERSION = "pdf-text.v2"
_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(r"\d{1,5}")
# "arXiv:2206.10883v3 [cs.CL] 22 Jul 2022": the stamp arXiv prints up the left margin. Only the
# whole stamp on a line of its own; "arXiv preprint arXiv:2004.05150" in a reference stays.
_MARGIN_STAMP = re.compile(
    r"\s*arXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?\s*\[[\w.-]{2,20}\]\s*\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}\s*"
)
# "Copyright © 2022, Association for …", "© 2023 Copyright held by the owner/author(s).",
# "© The Author(s) 2021": a publisher's notice starts its line with it; prose never does.
# A bare "(c)" is not one: "(c) 2019 cohort" is the third item of a list.
_NOTICE = re.compile(
    r"\s*(?:copyright\s*(?:©|\(c\))?\s*(?:\d{4}|by\b)|©\s*(?:\d{4}|the\s+authors?))", re.I
)
_RESERVED = re.compile(r".{0,120}\ball rights reserved\.?\s*", re.I)
_EDGE_LINES = 3  # running heads and footers sit within the top or bottom three lines of a page
_SPACE = re.compile(r"\s+")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # whitespace is already removed
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")
# Thresholds of `garbage_reason`, as shares of the non-space characters of the whole document.
_MAX_BAD_SHARE = 0.05  # control, private-use, unassigned, U+FFFD, "(cid:N)"
_MAX_MIXED_SHARE = 0.25  # in "words" mixing 3+ script families (a broken CMap's scatter)
_MIN_WORDLIKE_SHARE = 0.5  # letters, marks and digits
_MIN_CHARS = 20  # below this there is too little text to judge; keep it
_MIN_VOWEL_SHARE = 0.2  # of ASCII letters; real text 0.35-0.45, shifted codes ~0.1
_MIN_LATIN_LETTERS = 100  # "HTTP TCP DNS" alone says nothing
# Scripts that legitimately mix inside one word are one family: Japanese mixes kanji, hiragana
# and katakana; Latin words carry combining accents.
_FAMILIES = {
    "HIRAGANA": "CJK",
    "KATAKANA": "CJK",
    "HANGUL": "CJK",
    "IDEOGRAPHIC": "CJK",
    "COMBINING": "",
    "MODIFIER": "",
    "FULLWIDTH": "",
    "HALFWIDTH": "",
}
_PASSWORD_TYPES = {1: "user password", 2: "owner password"}


def _family(ch: str) -> str:
    """Script family of a letter from its Unicode name ("GREEK SMALL LETTER ALPHA" → GREEK)."""
    first = unicodedata.name(ch, "").split(" ", 1)[0]
    return _FAMILIES.get(first, first)


def garbage_reason(text: str) -> str:
    """Why extracted text is unreadable, or "" if it looks like text in some script.

    Simple, explainable signals, each a share of the text's characters:
    1. characters no text contains: control, private-use and unassigned code points, U+FFFD and
       pdfminer-style "(cid:N)" glyph ids;
    2. characters in words mixing three or more script families (a broken font CMap scatters
       one Japanese word across Greek, Bengali and Tibetan code points; real Japanese,
       Arabic or Chinese words stay within one family);
    3. too few letters and digits (OCR speckle like ": . , dP . i");
    4. Latin letters with hardly any vowels: a font whose codes are shifted turns "protected"
       into "SURWHFWHG". Real text in European languages has 35–45 % vowels (a, e, i, o, u,
       y) among its ASCII letters — every shared PDF lies in 0.37–0.44 — shifted text ~10 %.
    """
    chars = _SPACE.sub("", text)
    total = len(chars)
    if total < _MIN_CHARS:
        return ""
    # ASCII is cheap to judge by regex; only the (usually few) other characters need the
    # Unicode database, which keeps this at ~10 ms for a 40-page paper.
    other = [unicodedata.category(ch) for ch in chars if ch > "\x7f"]
    bad = (
        sum(len(m.group(0)) for m in _CID.finditer(chars))
        + len(_ASCII_CONTROL.findall(chars))
        + sum(1 for cat in other if cat in {"Cc", "Co", "Cn", "Cs"})
        + chars.count("\ufffd")
    )
    if bad / total > _MAX_BAD_SHARE:
        return f"{bad / total:.0%} of characters are control/unassigned/undecodable glyphs"
    mixed = 0
    for word in text.split():
        if not word.isascii():
            families = {_family(ch) for ch in word if ch.isalpha()} - {""}
            if len(families) >= 3:
                mixed += len(word)
    if mixed / total > _MAX_MIXED_SHARE:
        return f"{mixed / total:.0%} of characters are in words mixing 3+ scripts"
    wordlike = len(_ASCII_ALNUM.findall(chars)) + sum(1 for cat in other if cat[0] in "LMN")
    if wordlike / total < _MIN_WORDLIKE_SHARE:
        return f"only {wordlike / total:.0%} of characters are letters or digits"
    latin = _ASCII_LETTERS.findall(chars)
    if len(latin) >= _MIN_LATIN_LETTERS:
        vowels = sum(1 for ch in latin if ch in "aeiouyAEIOUY") / len(latin)
        if vowels < _MIN_VOWEL_SHARE:
            return f"only {vowels:.0%} of Latin letters are vowels (a shifted font encoding?)"
    return ""


def drop_page_numbers(pages: list[str]) -> tuple[list[str], int]:
    """Remove printed page numbers: a first or last line that is only a number rising by one
    per page ("84" on page 1, "85" on page 2…). Returns the pages and how many were removed.

    Left in, a page number lands mid-sentence in a chunk ("Lample et al., 84 2016)"). Only a
    numbering that holds on at least two pages and a third of all pages counts (a third, as
    some layouts number only every other page at the top, under a running head), with the
    same offset (printed number − page index) throughout, so a table that happens to end in
    "42" is never touched.
    """
    found: dict[tuple[int, int], int] = {}  # (page index, line index 0 or -1) → offset
    for index, text in enumerate(pages):
        lines = text.split("\n")
        for where in {0, len(lines) - 1}:
            if _PAGE_NUMBER.fullmatch(lines[where]):
                found[(index, where)] = int(lines[where]) - index
    if not found:
        return pages, 0
    offset, count = Counter(found.values()).most_common(1)[0]
    if count < max(2, len(pages) / 3):
        return pages, 0
    cleaned = []
    for index, text in enumerate(pages):
        lines = text.split("\n")
        drop = {where for (i, where), o in found.items() if i == index and o == offset}
        cleaned.append("\n".join(ln for n, ln in enumerate(lines) if n not in drop).strip())
    return cleaned, count


def drop_running_heads(pages: list[str]) -> tuple[list[str], int]:
    """Remove running headers and footers and arXiv margin stamps; the pages and lines removed.

    Left in, "CHI '23, April 23–28, 2023, Hamburg, Germany Chang et al." lands in the middle
    of a passage on every page, is embedded with it and comes back in search. A running head
    is a line within the top or bottom three lines of a page, with three letters or more,
    whose form (digits ignored: page numbers, dates) recurs at the page edges on three pages
    and a quarter of all pages (a quarter: left and right pages often alternate two heads).
    Lines elsewhere on the page are never touched, so a repeated sentence of the body stays.

    Heads come in stacks: IOP's "JCRAI-2021 / Journal of Physics: Conference Series … /
    IOP Publishing / doi:10.1088/…" is four lines, the fourth out of a three-line reach. So
    the edges are peeled: once the heads found are set aside, the lines now at the edge are
    looked at again (up to `_EDGE_LINES` rounds), and so on until nothing new repeats.
    """

    split = [text.split("\n") for text in pages]
    needed = max(3, len(pages) / 4)
    heads: set[str] = set()
    for _ in range(_EDGE_LINES):
        seen: Counter[str] = Counter()
        for lines in split:
            seen.update({line_form(lines[i]) for i in _edge_run(lines, heads)})
        found = {
            f for f, n in seen.items()
            if n >= needed and len(f) <= 160 and sum(ch.isalpha() for ch in f) >= 3
        }  # fmt: skip
        if found <= heads:
            break
        heads |= found
    cleaned, removed = [], 0
    for lines in split:
        at_edge = _edge_run(lines, heads)
        keep = [
            line for i, line in enumerate(lines)
            if not ((i in at_edge and line_form(line) in heads) or _MARGIN_STAMP.fullmatch(line))
        ]  # fmt: skip
        removed += len(lines) - len(keep)
        cleaned.append("\n".join(keep).strip())
    return cleaned, removed


def _edge_run(lines: list[str], heads: set[str]) -> set[int]:
    """Indexes of the lines at a page's edges: the top and bottom `_EDGE_LINES` filled lines,
    reaching past lines already known as heads (a stack of them is peeled, not cut at three)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    out: set[int] = set()
    for order in (filled, filled[::-1]):
        taken = 0
        for i in order:
            if taken == _EDGE_LINES:
                break
            out.add(i)
            if line_form(lines[i]) not in heads:
                taken += 1
    return out


def drop_notices(pages: list[str]) -> tuple[list[str], int]:
    """Remove publishers' copyright notices; the pages and the lines removed.

    AAAI prints "Copyright © 2022, Association for the Advancement of Artificial /
    Intelligence (www.aaai.org). All rights reserved." at the foot of the first column, which
    pypdf puts mid-page on two-column pages, so it is found by its form, not its place: a
    line that starts with a copyright sign or "Copyright <year>", with the next line too when
    the notice runs on to "All rights reserved.", and a line that is only that phrase.
    """
    cleaned, removed = [], 0
    for text in pages:
        lines = text.split("\n")
        drop: set[int] = set()
        for i, line in enumerate(lines):
            if len(line) <= 200 and _NOTICE.match(line):
                drop.add(i)
                ends = line.rstrip().endswith(".")
                if not ends and i + 1 < len(lines) and _RESERVED.fullmatch(lines[i + 1]):
                    drop.add(i + 1)
            elif _RESERVED.fullmatch(line) and len(line) <= 40:
                drop.add(i)
        removed += len(drop)
        cleaned.append("\n".join(ln for n, ln in enumerate(lines) if n not in drop).strip())
    return cleaned, removed


# How an allocation refused by the worker's RLIMIT_AS looks when a library wraps it: zlib says
# "insufficient memory", the C runtime "Cannot allocate memory"; pypdf then re-raises it as a
# read error, which was recorded as a broken file although raising the limit would fix it.
_MEMORY_WORDS = ("insufficient memory", "cannot allocate memory", "out of memory", "memoryerror")


def _reraise_memory(exc: BaseException) -> None:
    """Raise MemoryError if `exc` (or what caused it) is a refused allocation in disguise."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError) or any(w in str(seen).lower() for w in _MEMORY_WORDS):
            raise MemoryError(str(seen)) from exc
        seen = seen.__cause__ or seen.__context__


# Annotations no reviewer made: links, form fields, the pop-up windows showing another
# annotation's comment, printers' marks. Any other (a highlight, a note, a drawing) is a mark
# made in a PDF reader, which `litsynth code import-annotations` brings in.
NOT_MARKS = frozenset({"/Link", "/Widget", "/Popup", "/PrinterMark", "/TrapNet", "/Watermark"})


def page_marks(page: Any) -> list[tuple[int | None, Any]]:
    """The annotations a reader made on a page, each with its object number (a reply names
    its parent's): links, form fields and pop-ups left out; none for a broken /Annots."""
    try:
        refs = page.get("/Annots") or []
        entries = [(getattr(r, "idnum", None), r.get_object()) for r in refs]
    except Exception:  # a broken /Annots array loses the marks of this page, not the file
        return []
    return [(n, a) for n, a in entries if hasattr(a, "get") and a.get("/Subtype") not in NOT_MARKS]


def reply_to(annot: Any) -> int | None:
    """The object number of the mark an annotation answers in a thread, or None (a grouped
    annotation, /RT /Group, is part of its parent, not a reply)."""
    if annot.get("/RT") == "/Group":
        return None
    return getattr(annot.get("/IRT"), "idnum", None)


def reader_marks(pages: Sequence[Any]) -> int:
    """How many marks a reader made on these pages (replies in a thread not counted)."""
    return sum(reply_to(a) is None for page in pages for _, a in page_marks(page))


def open_pdf(data: bytes, path: str, passwords: Sequence[str]) -> tuple[PdfReader, str, str]:
    """A readable PdfReader, how it was opened ("" / "empty password" / "user password") and
    the password that opened it (OCR opens the file again, with PDFium)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many exception types on a malformed file
        _reraise_memory(exc)
        raise ParseFailure("broken-file", f"{type(exc).__name__}: {exc}", path) from None
    if not reader.is_encrypted:
        return reader, "", ""
    try:
        # pypdf tries the empty password itself on open; decrypt("") reports whether it worked.
        opened = reader.decrypt("")
        if opened:
            return reader, "empty password", ""
        for password in passwords:
            opened = reader.decrypt(password)
            if opened:
                return reader, _PASSWORD_TYPES.get(int(opened), "password"), password
    except DependencyError as exc:
        raise ParseFailure("encrypted", f"cannot decrypt: {exc}", path) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError) as exc:
        raise ParseFailure("broken-file", f"encryption dictionary: {exc}", path) from None
    if not passwords:
        raise ParseFailure("encrypted", "it needs a password, and none was given", path)
    given = count(len(passwords), "password")
    raise ParseFailure("encrypted", f"none of the {given} given opens it", path)


def pdf_title(reader: PdfReader) -> str:
    """The /Title from the document info, unless it is a producer's placeholder."""
    try:
        info = reader.metadata
        raw = info.title if info is not None else None
    except Exception:  # unreadable metadata must not cost the document its text
        return ""
    title = " ".join(fix_surrogates(str(raw)).split()) if raw else ""
    lowered = title.lower()
    # Producers' defaults, not titles: "Untitled", "paper.dvi", "Proceedings Template - WORD".
    placeholder = (
        lowered in {"untitled", "title", "no title"}
        or lowered.endswith((".dvi", ".doc", ".docx", ".txt", ".rtf", ".odt", ".tex", ".pdf"))
        or lowered.startswith(("proceedings template", "template"))
    )
    if placeholder:
        return ""
    return title.removeprefix("Microsoft Word - ")


def pdf_info(reader: PdfReader) -> tuple[tuple[str, ...], str]:
    """(authors, DOI) from the document info: the fallback when no record or sidecar says.

    /Author is split on ";" and " and " only: "Doe, Jane" is one name, and a comma list is
    ambiguous. The DOI is looked for in /doi, /Subject and /Keywords (publishers put it there).
    The creation date is not used as a year: it is when the file was made, not published.
    """
    try:
        info = reader.metadata
        if info is None:
            return (), ""
        author = str(info.get("/Author") or "")
        where = " ".join(str(info.get(k) or "") for k in ("/doi", "/Subject", "/Keywords"))
    except Exception:  # unreadable metadata must not cost the document its text
        return (), ""
    authors = author_names(fix_surrogates(author))
    # Keywords run together with ";" or ",", which a DOI hardly ever holds: one piece each.
    dois = (normalize_doi(piece) for piece in re.split(r"[\s;,]+", where))
    return authors, next((doi for doi in dois if doi), "")


def declared_labels(reader: PdfReader) -> list[str] | None:
    """The file's own page labels (/PageLabels), or None when it has none or they cannot be
    read (pypdf then numbers pages 1, 2, 3…, which says nothing)."""
    try:
        if "/PageLabels" not in reader.root_object:
            return None
        return [fix_surrogates(str(label)) for label in reader.page_labels]
    except Exception:  # a damaged label tree must not cost the document its text
        return None


def _has_images(page: object) -> bool:
    try:
        resources = page["/Resources"].get_object()  # type: ignore[index]
        xobjects = resources.get("/XObject")
        if xobjects is None:
            return False
        return any(
            isinstance(x.get_object(), DictionaryObject)
            and x.get_object().get("/Subtype") == "/Image"
            for x in xobjects.get_object().values()
        )
    except Exception:  # only a hint for the failure detail
        return False


def _read_scans(
    raw: list[str], data: bytes, ocr: OcrSettings | None, password: str, where: str
) -> tuple[list[str], str, dict[str, str], str]:
    """(pages, page 1's title, parse notes, what a failure's detail adds): the pages without
    text read by OCR, or every page when the text layer is garbage (a broken font's
    mojibake). OCR's text is taken only where it found some, and for a garbage layer only
    when it reads better."""
    whole = "\n".join(raw)
    garbage = bool(whole.strip()) and bool(garbage_reason(whole))
    todo = list(range(len(raw))) if garbage else [i for i, t in enumerate(raw) if not t.strip()]
    if not todo:
        return raw, "", {}, ""
    why_not = ocr_missing(ocr) if ocr is not None else ""
    if ocr is None or why_not:
        unread = f"; not read by OCR: {why_not}" if why_not else ""
        # Noted with the document too: a cover page with text must not hide that the scanned
        # article behind it was not read.
        why = f" (not read by OCR: {why_not})" if why_not else ""
        notes = {} if garbage else {"pages_without_text": f"{len(todo)} of {len(raw)}{why}"}
        return raw, "", notes, unread
    scan = read_pages(data, todo, ocr, password=password, where=where)
    tried = f" ({OCR_TRIED} too)"
    found = scan.texts.values()
    if not any(found) or (garbage and garbage_reason("\n".join(found))):
        return raw, "", {}, tried
    pages = [scan.texts.get(i) or text for i, text in enumerate(raw)]
    read = sum(1 for text in found if text)
    notes = {
        "ocr_pages": str(read),
        "ocr_engine": f"{engine()} ({ocr.languages})",
        "ocr_confidence": f"{scan.confidence:.0f}",
    }
    return pages, scan.title, notes, ""


def chosen_title(own: str, first_page: str, runs: list[Run], scanned: str = "") -> str:
    """The title a PDF is cited by: its /Title when page 1 vouches for it, else what OCR or
    the largest type on page 1 reads; a /Title page 1 cannot vouch for only when page 1 has
    no text to ask. A publisher's article-type label in front of it is left off."""
    title = trusted_title(own, first_page) or scanned or title_from_runs(runs)
    title = " ".join(canonical_text(title or ("" if first_page.strip() else own)).split())
    return without_article_type(title)  # "ﬁ" spelled out, as in the text


# A PDF this long says how far it has read, every stretch of pages, and each stretch read
# earns it this much more time (pypdf reads about 30 pages a second here): the file limit
# ([ingest] pdf_timeout_s) is meant for a file that hangs, not for a long book.
LONG_PDF_PAGES = 100
PAGES_STRETCH = 20
SECONDS_PER_PAGE = 0.5


def parse_pdf(
    path: Path, data: bytes, *, passwords: Sequence[str] = (), ocr: OcrSettings | None = None
) -> Document:
    """A PDF as a canonical `Document` with one `Page` per PDF page (1-based).

    With `ocr`, pages without a text layer are read by OCR, and so is every page of a PDF
    whose text layer is garbage (ocr.py); their count and the engine are noted.
    """
    where = str(path)
    if not data.strip():
        raise ParseFailure("empty", "the file has no bytes", where)
    with warnings.catch_warnings():
        # pypdf warns about every repairable oddity; the outcome is what matters.
        warnings.simplefilter("ignore")
        reader, opened_with, password = open_pdf(data, where, passwords)
        try:
            pages = reader.pages
            count = len(pages)
        except FileNotDecryptedError as exc:
            raise ParseFailure("encrypted", str(exc), where) from None
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
            _reraise_memory(exc)
            raise ParseFailure(
                "broken-file", f"page tree: {type(exc).__name__}: {exc}", where
            ) from None
        if count == 0:
            raise ParseFailure("empty", "the PDF has no pages", where)
        raw: list[str] = []
        failed: list[str] = []
        own_title = pdf_title(reader)
        # Page 1's own reading also records its type sizes (first_page.py): the title when
        # the file's /Title is missing or is not this paper's.
        runs, visit = run_recorder()
        for number in range(count):
            if count >= LONG_PDF_PAGES and number and number % PAGES_STRETCH == 0:
                report_pages(number, count)
                ask_for_time(PAGES_STRETCH * SECONDS_PER_PAGE)  # earned: these pages are read
            try:
                seen = visit if number == 0 else None
                raw.append(pages[number].extract_text(visitor_text=seen) or "")
            except MemoryError:
                raise
            except Exception as exc:  # one bad page (broken font, stream) must not cost the rest
                _reraise_memory(exc)
                failed.append(f"{number + 1}: {type(exc).__name__}: {exc}"[:200])
                raw.append("")
        if len(failed) == count:
            raise ParseFailure("broken-file", f"no page could be read ({failed[0]})", where)
        raw, scanned_title, ocr_notes, unread = _read_scans(raw, data, ocr, password, where)
        # A page OCR read has no runs; a garbled layer's runs are garbled: the scan's wins.
        title = chosen_title(own_title, raw[0], runs, scanned_title)
        info_authors, info_doi = pdf_info(reader)
        whole = "\n".join(raw)
        if not whole.strip():
            with_images = sum(_has_images(pages[i]) for i in range(count))
            found = f"{count} page(s), {with_images} with images, no extractable text"
            raise ParseFailure("no-text-layer", found + unread, where)
    why = garbage_reason(whole)
    if why:
        raise ParseFailure("garbage-text", why + unread, where)
    parts, glued = split_glued_words(normalize_parts(raw))
    parts, small_caps = join_small_caps(parts)
    printed = find_printed_pages(parts, declared_labels(reader))  # before the numbers are dropped
    parts, heads_removed = drop_running_heads(parts)
    parts, numbers_removed = drop_page_numbers(parts)
    parts, notices_removed = drop_notices(parts)
    labels = printed.labels or ("",) * len(parts)
    text, spans = assemble(list(zip(parts, labels, strict=True)))
    attributes = {"pages_failed": "; ".join(failed)} if failed else {}
    if printed:
        attributes["printed_pages"] = printed.described()
    if numbers_removed:
        attributes["page_numbers_removed"] = str(numbers_removed)
    if heads_removed:
        attributes["running_heads_removed"] = str(heads_removed)
    if notices_removed:
        attributes["copyright_lines_removed"] = str(notices_removed)
    if glued:
        attributes["glued_words_split"] = str(glued)
    if small_caps:
        attributes["small_caps_joined"] = str(small_caps)
    if opened_with:
        attributes["decrypted_with"] = opened_with
    if marks := reader_marks([pages[i] for i in range(count)]):
        attributes["reader_marks"] = str(marks)
    attributes.update(ocr_notes)
    return Document(
        id=bytes_id(data),
        path=where,
        kind="pdf",
        text=text,
        pages=spans,
        title=title,
        authors=chosen_authors(info_authors, raw[0], title),
        year=printed_year(raw[0]),
        doi=info_doi or printed_doi(raw[0]),
        attributes=attributes,
    )
