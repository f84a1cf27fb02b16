"""Citation searching: reference lists read from document text and imported as a source."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared
from litsynth.biblio.citation_search import (
    SOURCE,
    extract_references,
    find_section,
    import_references,
    parse_reference,
    split_entries,
)
from litsynth.records import Document, Page
from litsynth.store import biblio as store
from litsynth.store import connect
from litsynth.store import documents as doc_store


def test_apa_entry_with_markdown() -> None:
    raw = (
        "Agarwal, R., & Shah, S. K. (2014). Knowledge sources of entrepreneurship: Firm formation"
        " by academic, user and employee innovators. *Research Policy*, 43(7), 1109–1133."
        " <https://doi.org/10.1016/j.respol.2014.04.012>"
    )
    ref = parse_reference(raw)
    assert ref.authors == ("Agarwal, R.", "Shah, S. K.")
    assert ref.year == 2014
    assert ref.title.startswith("Knowledge sources of entrepreneurship: Firm formation")
    assert ref.title.endswith("employee innovators")
    assert ref.venue == "Research Policy"
    assert ref.doi == "10.1016/j.respol.2014.04.012"


def test_book_title_in_italics_and_sici_doi() -> None:
    book = parse_reference(
        "Yin, R. K. (2003). *Case study research: Design and methods* (3rd ed.). SAGE."
    )
    assert (book.title, book.year, book.authors) == (
        "Case study research: Design and methods",
        2003,
        ("Yin, R. K.",),
    )
    sici = parse_reference(
        "Tripsas, M., & Gavetti, G. (2000). Capabilities, cognition, and inertia. *SMJ*, 21, 1147."
        r" [https://doi.org/10.1002/1097-0266\(200010/11\)21:10/11<1147::AID-SMJ128>3.0.CO;2-R]"
        "(https://doi.org/10.1002/1097-0266(200010/11)21:10/11<1147::AID-SMJ128>3.0.CO;2-R)"
    )
    assert sici.doi == "10.1002/1097-0266(200010/11)21:10/11<1147::aid-smj128>3.0.co;2-r"


def test_plain_wrapped_list_splits_at_author_lines() -> None:
    text = (
        "Cao, M., & Zhang, Q. (2011). Supply chain collaboration: Impact on collaborative\n"
        "advantage and firm performance. Journal of Operations Management, 29(3), 163–180.\n"
        "Teece, D. J. (2010). Business models, business strategy and innovation. Long Range\n"
        "Planning, 43(2–3), 172–194.\n"
    )
    entries = split_entries(text)
    assert [offset for offset, _ in entries] == [0, text.index("Teece")]
    assert parse_reference(entries[0][1]).title.endswith(
        "collaborative advantage and firm performance"
    )


def test_section_ends_at_the_next_heading() -> None:
    text = (
        "# Intro\nx\n\n## References\n\n- Lavie, D. (2006). The competitive advantage of"
        " interconnected firms. *AMR*, 31(3).\n- Snyder, H. (2019). Literature review as a research"
        " methodology. *JBR*, 104.\n\n## Appendix\n- Not a reference at all\n"
    )
    start, end = find_section(text) or (0, 0)
    assert "Not a reference" not in text[start:end]
    assert len(extract_references(text)) == 2
    assert find_section("no list here") is None


def test_seed_000_reference_list_imports_as_citation_searching(project: Path) -> None:
    text = shared("seeds/000_e36bc8967a0d5917.txt").read_text(encoding="utf-8")
    refs = extract_references(text)
    assert len(refs) == 48
    assert sum(1 for r in refs if r.doi) == 36  # grep -c doi.org over the section: 36
    assert all(text[r.offset : r.offset + 20] == r.raw[:20] for r in refs)  # offsets map back
    zott = next(r for r in refs if r.year == 2011 and r.authors[:1] == ("Zott, C.",))
    assert zott.title == "The business model: Recent developments and future research"
    conn = connect(project / "litsynth.db")
    doc = Document("seed000", "corpus/000.txt", "text", text, (Page(1, 0, len(text)),))
    doc_store.insert_document(conn, doc, [], chunker="test")
    [(first, _)] = import_references(conn)
    [(again, _)] = import_references(conn)
    assert first.n_records == 48 and not first.already_imported and again.already_imported
    assert store.count_by_source(conn) == {SOURCE: 48}
    rec = next(r for r in store.all_records(conn) if r.doi == "10.1177/0149206311406265")
    assert rec.extra["cited_by"] == "seed000" and rec.year == 2011


def test_yaml_front_matter_source_list() -> None:
    text = (
        "---\ntitle: Orchestrator\nsources:\n"
        '  - "Oliver Gassmann, Karolin Frankenberger & Michaela Csik, The Business Model'
        ' Navigator (2014)"\n'
        '  - "businessmodelnavigator.com — Pattern #34: Orchestrator"\n'
        "license: CC-BY-SA-4.0\n---\nBody text (2020).\n"
    )
    refs = extract_references(text)
    assert [(r.year, r.title) for r in refs] == [
        (2014, "The Business Model Navigator"),
        (None, "businessmodelnavigator.com — Pattern #34: Orchestrator"),
    ]
    assert refs[0].authors == ("Oliver Gassmann", "Karolin Frankenberger", "Michaela Csik")
    assert all(text[r.offset : r.offset + len(r.raw)] == r.raw for r in refs)  # quotes left out


def test_a_bullet_holding_only_a_link_joins_the_entry_above() -> None:
    text = (
        "# References\n\n- Amit, R., & Zott, C. (2001). Value creation in e-business.\n"
        "- https://doi.org/10.1002/smj.187\n- Teece, D. J. (2010). Business models.\n"
        # a line of 50,000 characters with no space (a glued PDF's, a minified data URL):
        # the old pattern took minutes over it, as it went quadratic
        "- Glued, G. (2019). " + "x" * 50_000 + "\n"
    )
    refs = extract_references(text)
    assert [r.year for r in refs] == [2001, 2010, 2019]
    assert "smj.187" in refs[0].raw


@pytest.mark.slow
def test_pdf_reference_list_is_read_like_intext_reads_it() -> None:
    """The same reader as in-text resolution: every dated PDF entry becomes a record."""
    from litsynth.citations.references import parse_references
    from litsynth.ingest.parse import parse_file

    doc = parse_file(shared("data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf"))
    refs = extract_references(doc.text)
    assert len(refs) == len(parse_references(doc.text)) >= 25
    assert all(r.title and r.year for r in refs)
    assert all(doc.text[r.offset : r.offset + 10] == r.raw[:10] for r in refs)
