"""Theme matrices: counts, back-links, co-occurrence, attributes, reconciliation with codings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.codebook.model import Codebook
from litsynth.errors import SynthesisError
from litsynth.store import synthesis as store
from litsynth.synthesis.attributes import import_attributes, rows_to_attributes
from litsynth.synthesis.from_store import matrix_from_store
from litsynth.synthesis.matrix import NO_THEME, NOT_SET, build_matrix
from synthesis_store import FIXTURES, StoreBuilder, demo_store

CODEBOOK = load_codebook(FIXTURES / "codebook.yaml")


@pytest.fixture
def demo(tmp_path: Path) -> StoreBuilder:
    return demo_store(tmp_path / "litsynth.db")


def doc_id(conn: sqlite3.Connection, path: str) -> str:
    return str(conn.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()[0])


def test_documents_by_themes(demo: StoreBuilder) -> None:
    m = matrix_from_store(demo.conn, CODEBOOK)
    pdf = doc_id(demo.conn, "corpus/phadnis-like.pdf")
    note = doc_id(demo.conn, "corpus/note.txt")
    assert list(m.col_keys) == ["platform", "reconfiguration", "ecosystem"]
    # page 1 carries two platform codes (digital-platform and, on a sub-span, data-sharing):
    # one passage of the platform theme, not two
    assert m.passages.loc[pdf, "platform"] == 1
    assert m.passages.loc[pdf, "reconfiguration"] == 2
    # the ecosystem suggestion on page 2 was rejected by a human
    assert m.passages.loc[pdf, "ecosystem"] == 0
    # an uncoded document keeps its (empty) row; a suggestion below threshold codes nothing
    assert note in m.row_keys and m.row_totals[note] == (0, 0)
    assert m.row_labels[pdf] == "Phadnis (2023)"
    # APA: a (short) title stands in for a missing author
    assert m.row_labels[note] == "“What is supply chain orchestration?” (n.d.)"
    table = m.table()
    assert table.loc["Total", "Total"] == m.total[0]
    assert list(table.columns)[-1] == "Total"


def test_every_non_empty_cell_resolves_to_real_passages_and_pages(demo: StoreBuilder) -> None:
    m = matrix_from_store(demo.conn, CODEBOOK)
    docs = store.load_documents(demo.conn)
    n_links = 0
    for (row, col), refs in m.ordered_cells():
        assert len(refs) == m.passages.loc[row, col]
        for ref in refs:
            n_links += 1
            chunk = demo.conn.execute(
                "SELECT * FROM chunks WHERE id = ?", (ref.chunk_id,)
            ).fetchone()
            assert chunk is not None and chunk["document_id"] == ref.document_id == row
            assert chunk["start"] <= ref.start < ref.end <= chunk["end"]
            text = docs[ref.document_id].text
            assert " ".join(text[ref.start : ref.end].split()).startswith(ref.quote.rstrip(" …"))
            pages = [
                p.number
                for p in docs[ref.document_id].pages
                if p.start < ref.end and p.end > ref.start
            ]
            assert (ref.page_start, ref.page_end) == (min(pages), max(pages))
            assert ref.citation.startswith(docs[ref.document_id].label.split(" (")[0])
    assert n_links == int(m.passages.to_numpy().sum())


def test_sub_span_pages_and_citation(demo: StoreBuilder) -> None:
    m = matrix_from_store(demo.conn, CODEBOOK, rows="codes", cols="codes")
    pdf = doc_id(demo.conn, "corpus/phadnis-like.pdf")
    (ref,) = [r for r in m.passages_of("data-sharing", "data-sharing") if r.document_id == pdf]
    # the human coded only the second sentence of page 1: quote and span follow the coding
    assert ref.quote.startswith("Data sharing across the platform")
    assert ref.citation == "Phadnis (2023), p. 1"
    spanning = [
        r
        for r in m.passages_of("resource-recombination", "resource-recombination")
        if r.page_end == 2
    ]
    assert {r.citation for r in spanning} == {"Phadnis (2023), pp. 1–2", "Phadnis (2023), p. 2"}


def test_cooccurrence_is_symmetric_with_codes_on_the_diagonal(demo: StoreBuilder) -> None:
    m = matrix_from_store(demo.conn, CODEBOOK, rows="codes", cols="codes")
    counts = m.passages
    assert (counts.to_numpy() == counts.to_numpy().T).all()
    per_code = {
        row["code_id"]: row["n"]
        for row in demo.conn.execute(
            "SELECT code_id, COUNT(DISTINCT chunk_id) AS n FROM effective_codings GROUP BY code_id"
        )
    }
    for code in CODEBOOK.codes:
        assert counts.loc[code, code] == per_code.get(code, 0)
    assert counts.loc["digital-platform", "data-sharing"] >= 1


def test_attribute_rows_split_multiple_values(demo: StoreBuilder) -> None:
    m = matrix_from_store(demo.conn, CODEBOOK, rows="attr:industry", cols="themes")
    assert {"apparel", "agritech", "cross-industry", NOT_SET} <= set(m.row_keys)
    assert (
        m.passages.loc["apparel", "reconfiguration"]
        == m.passages.loc["agritech", "reconfiguration"]
        == 2
    )
    years = matrix_from_store(demo.conn, CODEBOOK, rows="attr:year")
    assert {"2023", "2025", NOT_SET} == set(years.row_keys)  # year falls back to documents.year


def test_codes_without_theme_have_their_column(demo: StoreBuilder) -> None:
    spans = store.load_coded_spans(demo.conn)
    docs = store.load_documents(demo.conn)
    m = build_matrix(spans, docs, CODEBOOK, rows="documents", cols="themes")
    assert (NO_THEME in m.col_keys) == any(s.code_id == "method" for s in spans)


def test_unknown_dimensions_are_named() -> None:
    with pytest.raises(SynthesisError, match="unknown row dimension 'sources'"):
        build_matrix([], {}, CODEBOOK, rows="sources")
    with pytest.raises(SynthesisError, match="unknown column dimension"):
        build_matrix([], {}, CODEBOOK, cols="documents")


def test_attributes_import_from_a_documents_csv(demo: StoreBuilder, tmp_path: Path) -> None:
    sheet = tmp_path / "attributes.csv"
    sheet.write_text(
        "file,title,source_type,method\n"
        "note.txt,Ignored title,case-based,interview\n"
        "missing.pdf,,empirical,survey\n",
        encoding="utf-8",
    )
    result = import_attributes(demo.conn, sheet)
    assert result.updated == [doc_id(demo.conn, "corpus/note.txt")]
    assert (
        len(result.skipped) == 1
        and "line 3" in result.skipped[0]
        and "missing.pdf" in result.skipped[0]
    )
    note = store.load_documents(demo.conn)[doc_id(demo.conn, "corpus/note.txt")]
    assert note.attributes == {
        "source_type": "case-based",
        "method": "interview",
    }  # title is not one


def test_rows_without_a_key_are_reported() -> None:
    values, skipped = rows_to_attributes([{"source_type": "x"}], [], source="a.csv")
    assert values == {} and skipped == ["a.csv line 2: no id, file, path or doi value"]


# --- reconciliation property --------------------------------------------------------------------

ACTIONS = st.sampled_from(
    ["suggest", "suggest-low", "accept", "reject", "sub-span", "second-coder"]
)


@st.composite
def codings(draw: st.DrawFn) -> tuple[list[int], list[tuple[int, int, str, str]]]:
    n_docs = draw(st.integers(1, 3))
    chunks_per_doc = [draw(st.integers(1, 4)) for _ in range(n_docs)]
    n_chunks = sum(chunks_per_doc)
    items = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_chunks - 1),
                st.integers(0, len(CODEBOOK.codes) - 1),
                ACTIONS,
                st.booleans(),
            ),
            max_size=25,
        )
    )
    return chunks_per_doc, [(c, k, a, str(b)) for c, k, a, b in items]


def _build(chunks_per_doc: list[int], items: list[tuple[int, int, str, str]]) -> StoreBuilder:
    b = StoreBuilder(Path(":memory:"))
    chunk_ids = []
    for d, n in enumerate(chunks_per_doc):
        text = " ".join(f"word{d}_{i}" for i in range(n * 10))
        doc = b.document(
            text, path=f"corpus/d{d}.txt", attributes={"source_type": ["a", "b", ""][d]}
        )
        step = len(text) // n
        chunk_ids += [b.chunk(doc, i * step, (i + 1) * step) for i in range(n)]
    codes = list(CODEBOOK.codes)
    suggested: set[tuple[str, str]] = set()
    for chunk_index, code_index, action, flag in items:
        chunk, code = chunk_ids[chunk_index], codes[code_index]
        if action.startswith("suggest"):
            if (chunk, code) not in suggested:
                suggested.add((chunk, code))
                b.suggest(chunk, code, score=0.9 if action == "suggest" else 0.2)
        elif action == "sub-span":
            start = b.conn.execute("SELECT start FROM chunks WHERE id = ?", (chunk,)).fetchone()[0]
            b.code(chunk, code, start=start, end=start + 5)
        else:
            status = "rejected" if action == "reject" else "accepted"
            coder = "ben" if action == "second-coder" or flag == "True" else "ana"
            b.code(chunk, code, status=status, coder=coder)
    return b


def _theme_of(codebook: Codebook, code: str) -> str:
    return codebook.codes[code].theme or NO_THEME


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codings())
def test_matrix_totals_reconcile_with_stored_codings(
    data: tuple[list[int], list[tuple[int, int, str, str]]],
) -> None:
    b = _build(*data)
    conn = b.conn
    m = matrix_from_store(conn, CODEBOOK, rows="documents", cols="themes")
    effective = conn.execute(
        "SELECT DISTINCT chunk_id, document_id, code_id FROM effective_codings"
    ).fetchall()
    expected: dict[tuple[str, str], set[str]] = {}
    for row in effective:
        expected.setdefault((row["document_id"], _theme_of(CODEBOOK, row["code_id"])), set()).add(
            row["chunk_id"]
        )
    for r in m.row_keys:
        for c in m.col_keys:
            assert m.passages.loc[r, c] == len(expected.get((r, c), set())), (r, c)
            assert {ref.chunk_id for ref in m.passages_of(r, c)} == expected.get((r, c), set())
    # a row total is the passages of that document that are coded at all
    for r in m.row_keys:
        coded = {row["chunk_id"] for row in effective if row["document_id"] == r}
        assert m.row_totals[r][0] == len(coded)
    # each passage has one document: columns sum exactly to their totals
    for c in m.col_keys:
        assert int(m.passages[c].sum()) == m.col_totals[c][0]
    assert m.total[0] == len({row["chunk_id"] for row in effective})
    # rows by attribute: a passage counts once per cell, and every coded passage is in some row
    by_attr = matrix_from_store(conn, CODEBOOK, rows="attr:source_type", cols="themes")
    assert by_attr.total == m.total
    assert sum(by_attr.row_totals[r][0] for r in by_attr.row_keys) == m.total[0]


def test_a_quote_cut_inside_bold_shows_no_stray_asterisks(tmp_path: Path) -> None:
    """A Markdown passage whose bold phrase straddles the 240-character cut: the shown quote
    hides the markup before cutting, so no lone "**" is left; the verbatim quote keeps it."""
    builder = StoreBuilder(tmp_path / "litsynth.db")
    text = "Orchestrators align partners. " * 7 + "**platform-based coordination as a value"
    text += " enabler across the whole ecosystem** and more words to read after it.\n"
    doc = builder.document(text, path="corpus/bold.md", kind="markdown")
    chunk = builder.chunk(doc, 0, len(text))
    builder.code(chunk, "data-sharing")
    builder.conn.commit()
    m = matrix_from_store(builder.conn, CODEBOOK, rows="codes", cols="codes", source="human")
    (ref,) = m.passages_of("data-sharing", "data-sharing")
    assert ref.quote.count("**") == 1  # the verbatim quote is cut between the pair
    assert "*" not in ref.shown_quote
    assert ref.shown_quote.endswith(" …") and "platform-based coordination" in ref.shown_quote
