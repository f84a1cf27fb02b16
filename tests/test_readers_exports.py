"""CSV exports of Dimensions, Lens.org, PubMed, IEEE Xplore and OpenAlex: one paper each, in
the database's own layout (tests/fixtures/biblio/exports/README.md), read to the same record."""

from __future__ import annotations

from pathlib import Path

import pytest

from litsynth.biblio.readers import build_batch
from litsynth.biblio.readers_csv import read_csv, sniff_delimiter
from litsynth.biblio.record_fields import issue_of, pages_of

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "biblio" / "exports"
TITLE = "Orchestrating supply networks with digital platforms"


def _only(name: str):  # type: ignore[no-untyped-def]
    batch = build_batch((EXPORTS / name).read_bytes(), name, source=name.split(".")[0])
    assert len(batch.records) == 1 and not batch.rejected, batch.rejected
    return batch, batch.records[0]


@pytest.mark.parametrize(
    ("name", "authors", "doi", "journal", "pages"),
    [
        ("dimensions.csv", ("Kumar, Anil", "Okafor, Chidi"), "10.1016/j.jom.2020.05.001",
         "Journal of Operations Management", "551-570"),
        ("lens.csv", ("Kumar, Anil", "Okafor, Chidi"), "10.1016/j.jom.2020.05.001",
         "Journal of Operations Management", "551--570"),
        ("pubmed.csv", ("Kumar, A", "Okafor, C", "van der Berg, JH"),
         "10.1016/j.jom.2020.05.001", "J Oper Manag", "551-570"),  # from its Citation
        ("ieee.csv", ("Kumar, A.", "Okafor, C."), "10.1109/tem.2020.1234567",
         "IEEE Transactions on Engineering Management", "1001--1012"),
        ("openalex.csv", ("Kumar, Anil", "Okafor, Chidi"), "10.1016/j.jom.2020.05.001",
         "Journal of Operations Management", ""),
    ],
)  # fmt: skip
def test_each_database_layout_gives_the_record(
    name: str, authors: tuple[str, ...], doi: str, journal: str, pages: str
) -> None:
    _batch, record = _only(name)
    assert record.title.rstrip(".") == TITLE
    assert (record.authors, record.year, record.doi, record.journal) == (
        authors, 2020, doi, journal
    )  # fmt: skip
    assert pages_of(record.extra) == pages


def test_lens_issue_number_is_the_issue() -> None:
    assert issue_of(_only("lens.csv")[1].extra) == "5"


def test_the_line_above_a_dimensions_header_is_a_note_not_a_record() -> None:
    """Dimensions writes "About the data: Exported on …, Criteria: …" above its header: the
    file was refused as "not a bibliographic table". Now the header is found, the line is
    said (it holds the search), and rows keep their physical line numbers."""
    text = (EXPORTS / "dimensions.csv").read_text(encoding="utf-8")
    result = read_csv(text, "dimensions.csv")
    assert [e.line for e in result.entries] == [3]
    (warning,) = result.warnings
    assert warning.startswith("the header is on line 2;")
    assert 'Criteria: "platform orchestration" in full data' in warning
    broken = text.replace(',"12"\n', ',"12","one cell too many"\n')
    assert [r.line for r in read_csv(broken, "dimensions.csv").rejected] == [3]


def test_a_comma_in_the_preamble_does_not_pick_the_delimiter() -> None:
    tsv = "About the data: Exported on Dec 06, 2026\nTitle\tAuthors\tDOI\nA\tB\t10.1/x\n"
    assert sniff_delimiter(tsv) == "\t"
    assert read_csv(tsv, "d.tsv").entries[0].fields["title"] == "A"


def test_a_file_with_no_header_anywhere_is_still_refused() -> None:
    from litsynth.errors import BiblioError

    with pytest.raises(BiblioError, match="not a bibliographic table"):
        read_csv("Note line\nName,Year\nA,2020\n", "x.csv")


def test_web_of_science_tab_delimited_in_utf16() -> None:
    """WoS's tab-delimited export is UTF-16 with a BOM by default: full names (AF) before the
    short ones (AU), its document type (DT) before PT's "J", pages from BP and EP."""
    batch, record = _only("wos-tab.txt")
    assert (batch.format, batch.encoding) == ("csv", "utf_16")
    assert record.authors == ("Kumar, Anil", "Okafor, Chidi")
    assert (record.year, record.doi, record.doc_type) == (
        2020,
        "10.1016/j.jom.2020.05.001",
        "article",
    )
    assert pages_of(record.extra) == "551--570"


def test_a_cell_longer_than_the_csv_modules_limit_is_read() -> None:
    """Scopus's "References" of a review citing hundreds of works passes the csv module's
    default 131,072 characters: every such row was rejected as unreadable."""
    references = "; ".join(f"Ref {k}, Journal of Things, 2001, 12, 1-10" for k in range(4000))
    text = f'Title,Authors,References,DOI\nA review,"Smith, J","{references}",10.1000/x1\n'
    result = read_csv(text, "scopus.csv")
    assert not result.rejected
    (entry,) = result.entries
    assert len(entry.extra["References"]) == len(references) > 131_072
