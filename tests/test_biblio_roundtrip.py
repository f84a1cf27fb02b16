"""Property tests: import → export → import keeps every record and every field."""

from __future__ import annotations

import string
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.biblio.encoding_repair import repaired_text
from litsynth.biblio.normalize import to_record
from litsynth.biblio.readers import build_batch
from litsynth.biblio.record_fields import url_of, work_kind
from litsynth.biblio.writers import to_bibtex, to_ris
from litsynth.records import BibRecord


def is_not_mojibake(text: str) -> bool:
    return repaired_text(text) == text


# Family names and given names as exports carry them (letters, hyphens, accents, initials).
name_part = st.text(
    alphabet=st.sampled_from(string.ascii_letters + "éüøçñ'-"), min_size=1, max_size=12
).filter(lambda s: s[0].isalpha() and s[-1].isalpha())
author = st.builds(lambda f, g: f"{f}, {g}", name_part, name_part)
# RIS carries any text on one line; BibTeX text avoids LaTeX specials (\ { } $ % & ~ # ^ _),
# which a BibTeX reader rightly decodes as LaTeX. Neither holds mojibake ("Â¡" for "¡"), which
# an import rightly repairs (biblio/encoding_repair.py).
ris_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80
).filter(is_not_mojibake)
bib_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='\\{}$%&~#^_@"='
    ),
    max_size=80,
).filter(is_not_mojibake)
doi = st.builds(
    lambda a, b: f"10.{a}/{b}",
    st.integers(1000, 99999),
    st.text(alphabet=string.ascii_lowercase + string.digits + ".-", min_size=1, max_size=12),
).map(lambda d: d.rstrip(".-") or d + "x")


def records(text: st.SearchStrategy[str]) -> st.SearchStrategy[list[BibRecord]]:
    one = st.fixed_dictionaries(
        {
            "title": text.filter(lambda t: any(c.isalnum() for c in t)),
            "authors": st.lists(author, max_size=4),
            "year": st.one_of(st.none(), st.integers(1900, 2030)),
            "doi": st.one_of(st.just(""), doi),
            "journal": text,
        }
    )
    return (
        st.lists(one, min_size=1, max_size=5)
        .map(
            lambda rows: [
                to_record(row, record_id=f"k{i}", source="Scopus", batch_id="b")
                for i, row in enumerate(rows)
            ]
        )
        # a title that was only markup ("<b1>") is no title once normalised: such a record is
        # empty, and an empty record is rightly refused, not round-tripped (a CI run drew one)
        .filter(lambda recs: all(r.title for r in recs))
    )


def _fields(rec: BibRecord) -> tuple[object, ...]:
    return (rec.id, rec.title, rec.authors, rec.year, rec.doi, rec.journal)


def _keeps(original: list[BibRecord], text: str, name: str) -> None:
    batch = build_batch(text.encode("utf-8"), name, "Scopus")
    assert batch.rejected == ()
    kept = [r for r in original if r.title or r.doi or r.authors]
    assert [_fields(r) for r in batch.records] == [_fields(r) for r in kept]


@settings(max_examples=60, deadline=None)
@given(records(ris_text))
def test_ris_round_trip_keeps_records(original: list[BibRecord]) -> None:
    _keeps(original, to_ris(original), "export.ris")


@settings(max_examples=60, deadline=None)
@given(records(bib_text))
def test_bibtex_round_trip_keeps_records(original: list[BibRecord]) -> None:
    _keeps(original, to_bibtex(original), "export.bib")


def test_a_name_holding_the_word_and_stays_one_name() -> None:
    # Hypothesis found it: BibTeX splits names on "and" in any case, so "A, AND" came back
    # as "A" and "and A, A". The writer braces such a word; the reader splits at brace depth 0.
    original = [to_record({"title": "0", "authors": ["A, AND", "A, A"]}, record_id="k0",
                          source="Scopus", batch_id="b")]  # fmt: skip
    _keeps(original, to_bibtex(original), "export.bib")


def test_a_braced_institution_is_one_author_kept_as_written() -> None:
    # Zotero writes an institution in braces: "and" inside them does not separate names, and
    # no word of it is a family name ("Welfare, Ministry of Health and" before).
    text = "@article{k1, title = {T}, author = {{Ministry of Health and Welfare} and Smith, J}}\n"
    (rec,) = build_batch(text.encode(), "zotero.bib", "Zotero").records
    assert rec.authors == ("Ministry of Health and Welfare", "Smith, J")
    # and it goes out braced, so it comes back the same
    (again,) = build_batch(to_bibtex([rec]).encode(), "export.bib", "Zotero").records
    assert again.authors == rec.authors


# A type of each kind, as RIS, BibTeX and Web of Science spell them.
KINDS = "JOUR conf inproceedings chap incollection thes phdthesis rprt techreport elec online book"
KINDS_OF = [*KINDS.split(), "Proceedings Paper", "unpb", "gen", "misc"]


@settings(max_examples=60)
@given(
    kind=st.sampled_from(KINDS_OF),
    container=bib_text.filter(lambda t: any(c.isalnum() for c in t)),
    url=st.sampled_from(["", "https://example.org/a?b=1", "http://x.org/report.pdf"]),
)
def test_a_work_keeps_its_kind_container_and_address(kind: str, container: str, url: str) -> None:
    """A conference paper leaves as a conference paper (RIS CPAPER or its own CONF,
    @inproceedings with a booktitle), a thesis as a thesis with its university, a web page with
    its address: a reference manager files each as the right kind of item. It used to be
    @article with a `journal` for all but four BibTeX types, and no address at all."""
    fields = {"title": "A work", "authors": ["Doe, J"], "year": 2020, "journal": container}
    rec = to_record(fields, record_id="k1", source="Scopus", batch_id="b")
    rec = replace(rec, doc_type=kind, extra={"url": url} if url else {})
    for text, name in ((to_bibtex([rec]), "x.bib"), (to_ris([rec]), "x.ris")):
        back = build_batch(text.encode("utf-8"), name, "Scopus").records[0]
        assert work_kind(back.doc_type) == work_kind(rec.doc_type), (kind, text)
        assert back.journal == rec.journal.strip(), text
        assert url_of(back.extra) == url, text


# A database's table: its own header names, any delimiter, cells holding the other
# delimiters, quotes and line breaks (an abstract full of ";" once decided the delimiter).
cell_text = st.one_of(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), whitelist_characters='\n;,\t"'
        ),
        max_size=120,
    ).filter(is_not_mojibake),
    # dense: more of one delimiter in a cell than the header has of its own (Lens.org's
    # "Blomberg; Moghbel; Saboury; …" authors and "18602002; 15361632" ISSNs)
    st.text(alphabet=st.sampled_from(list('ab ;,\t"\n')), min_size=40, max_size=200),
)
HEADERS = (
    ("Title", "Authors", "Abstract", "Year", "DOI", "Source title"),  # Scopus
    ("Article Title", "Author Full Names", "Abstract", "Publication Year", "DOI", "Source Title"),
    ("Lens ID", "Title", "Date Published", "Author/s", "Abstract", "DOI"),  # Lens.org
)


@settings(max_examples=60, deadline=None)
@given(
    header=st.sampled_from(HEADERS),
    delimiter=st.sampled_from([",", ";", "\t"]),
    preamble=st.sampled_from(["", "Exported on 2026-12-07; query: a, b; c\n"]),
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "title": cell_text.filter(lambda t: any(c.isalnum() for c in t)),
                "abstract": cell_text,
            }
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_a_table_in_any_delimiter_gives_back_every_title_and_abstract(
    header: tuple[str, ...], delimiter: str, preamble: str, rows: list[dict[str, str]]
) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    title_at = header.index("Title") if "Title" in header else header.index("Article Title")
    abstract_at = header.index("Abstract")
    for row in rows:
        cells = ["x"] * len(header)
        cells[title_at], cells[abstract_at] = row["title"], row["abstract"]
        writer.writerow(cells)
    batch = build_batch((preamble + out.getvalue()).encode("utf-8"), "export.csv", "Scopus")
    assert batch.rejected == ()
    expected = [to_record(r, record_id="x", source="s", batch_id="b") for r in rows]
    assert [(r.title, r.abstract) for r in batch.records] == [
        (e.title, e.abstract) for e in expected
    ]
