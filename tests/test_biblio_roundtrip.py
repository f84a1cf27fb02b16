"""Property tests: import → export → import keeps every record and every field."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.biblio.normalize import to_record
from litsynth.biblio.readers import build_batch
from litsynth.biblio.writers import to_bibtex, to_ris
from litsynth.records import BibRecord

# Family names and given names as exports carry them (letters, hyphens, accents, initials).
name_part = st.text(
    alphabet=st.sampled_from(string.ascii_letters + "éüøçñ'-"), min_size=1, max_size=12
).filter(lambda s: s[0].isalpha() and s[-1].isalpha())
author = st.builds(lambda f, g: f"{f}, {g}", name_part, name_part)
# RIS carries any text on one line; BibTeX text avoids LaTeX specials (\ { } $ % & ~ # ^ _),
# which a BibTeX reader rightly decodes as LaTeX.
ris_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80
)
bib_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='\\{}$%&~#^_@"='
    ),
    max_size=80,
)
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
    return st.lists(one, min_size=1, max_size=5).map(
        lambda rows: [
            to_record(row, record_id=f"k{i}", source="Scopus", batch_id="b")
            for i, row in enumerate(rows)
        ]
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
