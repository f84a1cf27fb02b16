"""CSV/TSV exports (Scopus, Web of Science, PubMed, IEEE Xplore, Dimensions, Lens.org, OpenAlex,
Zotero, ASReview datasets) -> raw entries.

The stdlib csv reader rather than pandas: it reports the physical line each row starts on
(`reader.line_num`), which is what a person needs to find a broken row in a 2,000-row sheet,
and it never guesses dtypes (pandas turns record_id "0012" into 12 and DOIs into NaN).
Column names are matched case-insensitively against the names the big databases use; any
other column is kept verbatim in the record's `extra`, so a dataset's own labels (ASReview's
`label_included`, Nagtegaal's `duplicate_record_id`) survive for later stages.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.errors import BiblioError
from litsynth.records import Rejection

# canonical field -> column names seen in exports (lowercased). Order matters: the first
# non-empty column wins, so the fuller one ("author full names") comes before the short one.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("record_id", "id"),  # record_id is the contract; "ID" is bib-dedupe's and RIS's name
    "title": (
        "title",
        "article title",
        "document title",
        "primary title",
        "title primary",  # RefWorks
        "ti",
        "t1",
        "display_name",  # OpenAlex
    ),
    "abstract": ("abstract", "abstract note", "ab", "n2"),
    "authors": (
        "authors",
        "author",
        "author full names",
        "author(s)",
        "author/s",  # Lens.org
        "authorships.author.display_name",  # OpenAlex, names between "|"
        "author names",
        "authors, primary",  # RefWorks
        "af",  # Web of Science's tab-delimited: full names, before its short AU
        "au",
        "a1",
        "first author",
    ),
    "year": (
        "year",
        "publication year",
        "publication_year",
        "pubyear",
        "py",
        "y1",
        "published year",  # Covidence
        "pub year",  # RefWorks
        "date",
        "da",
        "create date",
        "date published",  # Lens.org
        "publication date",  # CINAHL: "4/3/2024"
        "publication_date",  # OpenAlex
        "date of publication",  # Embase
    ),
    "doi": ("doi", "di", "do", "doi link"),
    "journal": (
        "journal",
        "source title",
        "publication title",
        "journal/book",
        "journal title",
        "periodical full",  # RefWorks
        "periodical abbrev",
        "primary_location.source.display_name",  # OpenAlex
        "so",
        "jo",
        "jf",
        "t2",
        "secondary title",
        "booktitle",
        "publication",  # Publish or Perish (Google Scholar)
        "source",  # Cochrane Library; only where no other column names the journal
    ),
    "language": ("language", "language of original document", "la", "lang"),
    "doc_type": (
        "document type",
        "item type",
        "publication type",
        "entrytype",
        "type",
        "dt",  # Web of Science's document type ("Article; Proceedings Paper"), before PT's "J"
        "pt",
        "ty",
    ),
    "keywords": (
        "keywords",
        "author keywords",
        "index keywords",  # Scopus, where the authors gave none
        "emtree medical index terms",  # Embase
        "manual tags",
        "kw",
        "de",
        "keywords.display_name",  # OpenAlex, between "|"
    ),
    "file": ("file", "file attachments", "pdf", "l1"),
}

_KNOWN = {name: field for field, names in COLUMNS.items() for name in names}
# A cell may be long: Scopus's "References" of a review citing 600 works runs past the csv
# module's 131,072 characters, and every row was then rejected as unreadable.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 28))
# Read only when no other column of the field is there: Scopus's CSV has "Source title" (the
# journal) beside "Source" ("Scopus"), the Cochrane Library's only "Source" (the journal).
_ALONE = frozenset({"source"})


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one under which the table's header names the most
    bibliographic columns (Excel in some locales writes ';'). Counting delimiters is not
    enough: a Lens.org or Cochrane abstract near the top holds more semicolons than the header
    holds commas, and a preamble line above the header (Dimensions', Embase's search query)
    holds some of its own. When no header names a column we know, the line with the most
    delimiters among the first five decides."""
    return _table_start(text, text.splitlines(keepends=True))[0]


def _table_start(text: str, lines: list[str]) -> tuple[str, list[list[str]], int]:
    """(delimiter, the first rows read with it, the header's index among them): what
    `sniff_delimiter` decides and `read_csv` goes on from, read once."""
    known: dict[str, int] = {}
    starts: dict[str, tuple[str, list[list[str]], int]] = {}
    for delimiter in (",", "\t", ";"):
        lead = _lead(lines, delimiter)
        at = header_row(lead)
        known[delimiter] = len(column_map(lead[at])) if lead else 0
        starts[delimiter] = (delimiter, lead, at)
    best = max(known, key=lambda d: known[d])  # the first of equals: ","
    return starts[best if known[best] else _most_delimiters(text)]


def _most_delimiters(text: str) -> str:
    """The delimiter the line holding most of one among the first five holds most of."""
    counts = {d: 0 for d in (",", "\t", ";")}
    for line in text.split("\n", 5)[:5]:
        here = {d: line.count(d) for d in counts}
        if max(here.values()) > max(counts.values()):
            counts = here
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _lead(lines: list[str], delimiter: str, rows: int = 60) -> list[list[str]]:
    """The first `rows` rows of the file read with `delimiter`, as far as they read."""
    lead: list[list[str]] = []
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            lead.append(row)
            if len(lead) >= rows:
                break
    except csv.Error:
        pass
    return lead


def column_map(header: list[str]) -> dict[str, list[int]]:
    """canonical field -> the indexes of its columns, in COLUMNS' order of preference.

    Per row the first non-empty one wins: a bib-dedupe export has both `journal` and
    `booktitle`, and a conference paper fills only the second.
    """
    # a column name is short: a longer cell (an abstract, while the header is looked for) is none
    lowered = [" ".join(h.lower().split()) if len(h) <= 80 else "" for h in header]
    found: dict[str, list[int]] = {}
    for field, names in COLUMNS.items():
        present = [name for name in names if name in lowered]
        if len(present) > 1:
            present = [name for name in present if name not in _ALONE]
        if present:
            found[field] = [lowered.index(name) for name in present]
    return found


def header_row(rows: Iterable[list[str]], *, within: int = 60) -> int:
    """The header's index: the first row naming at least two bibliographic columns, so a
    preamble above the table is passed over (Dimensions' "About the data: Exported on …,
    Criteria: …" line; Web of Science's citation report puts the query and its statistics
    there); 0 when no row within the first `within` does."""
    wanted = {"title", "abstract", "authors", "doi", "year", "journal"}
    for i, row in enumerate(rows):
        if i >= within:
            break
        if len(wanted & column_map(row).keys()) >= 2:
            return i
    return 0


def _preamble(lines: list[list[str]]) -> str:
    said = " ".join(" ".join(c.strip() for c in row if c.strip()) for row in lines)
    return said if len(said) <= 300 else said[:299] + "…"


def read_csv(text: str, file_name: str) -> ReadResult:
    """Rows of a CSV/TSV export; a row with the wrong number of cells is rejected with its line.
    Lines above the header (a preamble) are skipped, and said in a warning, for they often
    hold the search that made the export."""
    lines = text.splitlines(keepends=True)
    delimiter, lead, at = _table_start(text, lines)
    rows = csv.reader(lines, delimiter=delimiter)
    try:
        for _ in range(at):
            next(rows)
        header = next(rows)
    except StopIteration:
        return ReadResult(entries=(), rejected=())
    except csv.Error as exc:
        return ReadResult(entries=(), rejected=(Rejection(1, f"unreadable CSV header: {exc}"),))
    warnings: tuple[str, ...] = (
        (f"the header is on line {rows.line_num}; the lines above it were read as a note, not"
         f" records: {_preamble(lead[:at])!r}",) if at else ()
    )  # fmt: skip
    rejected: list[Rejection] = []
    # abstrackr leaves out the label columns of records nobody has labelled yet, and some
    # Excel exports leave out empty cells at a row's end: a shorter row that still holds
    # every column read is padded (and said), one that does not is rejected.
    read_up_to = max((i for indexes in column_map(header).values() for i in indexes), default=0)
    short: list[int] = []

    def numbered() -> Iterator[tuple[int, list[str]]]:
        line = rows.line_num + 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                rejected.append(Rejection(line, f"unreadable CSV row: {exc}"))
                line = rows.line_num + 1
                continue
            start, line = line, rows.line_num + 1
            if read_up_to < len(row) < len(header) and any(cell.strip() for cell in row):
                short.append(start)
                row = row + [""] * (len(header) - len(row))
            yield start, row

    entries, bad = read_table(header, numbered(), file_name)
    warnings += unread_columns(header, entries)
    rejected_all = tuple(sorted([*rejected, *bad], key=_line))
    if short:
        where = ", ".join(map(str, short[:5])) + (", …" if len(short) > 5 else "")
        warnings += (
            f"{len(short)} {'row ends' if len(short) == 1 else 'rows end'} before the header's"
            f" {len(header)} columns (line {where}):"
            " the cells left out are read as empty",
        )
    return ReadResult(entries=entries, rejected=rejected_all, warnings=warnings)


_WANTED = {"title": "title", "authors": "authors", "year": "year"}


def unread_columns(header: list[str], entries: Sequence[RawEntry]) -> tuple[str, ...]:
    """A warning when the table has no column litsynth reads a title, the authors or the year
    from: a database's layout not met before would otherwise lose them without a word
    (CINAHL's "Publication Date" and Covidence's "Published Year" once did)."""
    mapping = column_map(header)
    missing = [said for field, said in _WANTED.items() if field not in mapping]
    if not missing or not entries:
        return ()
    names = [h.strip() for h in header if h.strip()]
    shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")

    def either(words: list[str]) -> str:
        return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)

    return (
        f"no column litsynth knows holds the records' {either(missing)} (the file's columns:"
        f" {shown}); if one does, rename it {either([m.capitalize() for m in missing])} and"
        " import again",
    )


def _line(r: Rejection) -> int:
    return r.line


def read_table(
    header: list[str], rows: Iterable[tuple[int, list[str]]], file_name: str
) -> tuple[tuple[RawEntry, ...], tuple[Rejection, ...]]:
    """Entries from a header and numbered rows: the part CSV and spreadsheet exports share.

    `rows` yields (line or sheet row number, cells); the number is what messages name.
    """
    mapping = column_map(header)
    if not {"title", "abstract", "authors", "doi"} & mapping.keys():
        # Markdown, a log file or a sheet of something else would otherwise "import" as rows
        # of empty records, each rejected, and the file would vanish from PRISMA with exit 0.
        shown = ", ".join(h.strip()[:30] for h in header[:8])
        raise BiblioError(
            f"{file_name}: not a bibliographic table: its header ({shown}) has no title,"
            " abstract, authors or DOI column",
            hint="export from the database with those columns, or as RIS / BibTeX",
        )
    entries: list[RawEntry] = []
    rejected: list[Rejection] = []
    for start, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            said = (
                "a line of text between the rows, not a record"  # abstrackr's "citations
                if len(row) == 1 and len(header) > 2  # that are not yet labeled by anyone"
                else f"row has {len(row)} cells but the header has {len(header)}"
            )
            rejected.append(Rejection(start, said, excerpt=",".join(row)[:120]))
            continue
        fields: dict[str, object] = {}
        used: set[int] = set()
        row = [_excel_literal(cell) for cell in row]
        for field, indexes in mapping.items():
            index = next((i for i in indexes if row[i].strip()), indexes[0])
            used.add(index)
            fields[field] = row[index]
        extra = {header[i].strip(): row[i] for i in range(len(header)) if i not in used and row[i]}
        key = str(fields.pop("id", "")).strip()
        entries.append(RawEntry(line=start, key=key, fields=fields, extra=extra))
    return tuple(entries), tuple(rejected)


def _excel_literal(cell: str) -> str:
    """A cell written as an Excel formula to keep it text (`="19326203"`, `="4/3/2024"`:
    CINAHL's ISSNs and dates, so Excel drops no leading zero) is the text inside."""
    if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
        return cell[2:-1].replace('""', '"')
    return cell
