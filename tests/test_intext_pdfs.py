"""In-text citations on real papers from ../shared (ACL two-column PDFs, arXiv preprints).

PDF text wraps reference entries over several lines and has no bullets, so this is where the
entry splitter earns its keep. Slow: it parses the PDFs with the real ingest parser.
"""

from __future__ import annotations

import pytest

from conftest import shared
from litsynth.ingest.parse import parse_file
from litsynth.synthesis.intext import document_citations

pytestmark = pytest.mark.slow

# (file, minimum share of citations resolved, minimum reference entries)
PAPERS = [
    ("s2orc-doc2json/tests/pdf/N18-3011.pdf", 1.0, 25),  # every citation resolves
    ("s2orc-doc2json/tests/pdf/2020.acl-main.207.pdf", 0.85, 50),  # misses: system names
    ("papermage/tests/fixtures/2020.acl-main.447.pdf", 0.9, 50),
    ("papermage/tests/fixtures/2023.eacl-main.121.pdf", 0.75, 55),  # "PubMed (2018)" etc.
    ("papermage/tests/fixtures/2206.10883v3.pdf", 1.0, 60),  # numbered list, "[12]" citations
]


@pytest.mark.parametrize(
    ("name", "share", "entries"), PAPERS, ids=[p[0].split("/")[-1] for p in PAPERS]
)
def test_citations_resolve_in_real_papers(name: str, share: float, entries: int) -> None:
    doc = parse_file(shared(f"data/pdfs/scholarly/{name}"))
    resolved, references = document_citations(doc.text)
    assert len(references) >= entries
    assert resolved
    ok = sum(rc.status == "resolved" for rc in resolved) / len(resolved)
    assert ok >= share, [rc.citation.raw for rc in resolved if rc.status != "resolved"]
    for rc in resolved:  # offsets slice the canonical text
        assert doc.text[rc.citation.start : rc.citation.end] == rc.citation.raw


def test_no_numeric_citations_in_an_author_year_paper() -> None:
    """ "[5, 10, 15]" in an author-year paper is a list of settings, not three citations."""
    doc = parse_file(shared("data/pdfs/scholarly/s2orc-doc2json/tests/pdf/2020.acl-main.207.pdf"))
    resolved, _ = document_citations(doc.text)
    assert "[5, 10, 15]" in doc.text
    assert not [rc for rc in resolved if rc.citation.style == "numeric"]
