"""What in a search hit answers the query: the closest sentence (`focus`), cited by its own
page, and the query's words marked, as the hit's JSON gives them to the workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.search_focus import candidates, focus_hits, query_marks, sentence_spans


def words(text: str, spans: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_sentences_are_cut_at_full_stops_and_blank_lines_not_after_et_al() -> None:
    text = (
        "Kim et al. (2020) showed that platforms help. They coordinate partners!\n\n"
        "## Results\nShared data replaced hierarchy “in most firms.” Trust grew."
    )
    assert words(text, sentence_spans(text)) == [
        "Kim et al. (2020) showed that platforms help.",
        "They coordinate partners!",
        "## Results\nShared data replaced hierarchy “in most firms.”",
        "Trust grew.",
    ]


def test_a_focus_is_a_sentence_of_five_words_or_more_among_several() -> None:
    text = "Table 2. Platforms coordinate many suppliers at once. Trust grew over the years here."
    assert words(text, candidates(text)) == [
        "Platforms coordinate many suppliers at once.",
        "Trust grew over the years here.",
    ]
    # one sentence: the passage is its own focus
    assert candidates("Platforms coordinate many suppliers at once. Thanks.") == []


def test_query_words_are_marked_with_their_inflections_only() -> None:
    text = "A key limitation: trusted suppliers in supply chains, not ChainLink or the chair."
    marked = words(text, query_marks(text, "the limitations of trust in a supply chain"))
    assert marked == ["limitation", "trusted", "suppliers", "supply", "chains"]
    assert query_marks(text, "of the and") == ()  # nothing but common words


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("focus") / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    (root / "corpus" / "orchestration.md").write_text(
        "# Orchestration\n\nFirms outsource production to contract manufacturers abroad. "
        "Margins shrink as **logistics costs** rise every year. Orchestrators build trust "
        "between supply chain partners through shared data. Regulation differs by country "
        "and by sector.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root)])
    assert result.exit_code == 0, result.output
    return root


def search(project: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["search", "trust between supply chain partners", *args, "--project", str(project)]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_hit_comes_with_its_focus_sentence_and_the_query_words(project: Path) -> None:
    hit = json.loads(search(project, "-k", "1", "--json"))[0]
    focus = hit["focus"]
    sentence = "Orchestrators build trust between supply chain partners through shared data."
    assert hit["text"][focus["start"] : focus["end"]] == sentence
    # the shown text hides the Markdown before it ("# " and two "**"): 6 characters less
    assert hit["shown"][focus["shown_start"] : focus["shown_end"]] == sentence
    assert focus["shown_start"] == focus["start"] - 6
    assert focus["quote"].startswith(f"“{sentence}” (")
    assert focus["citation"] == hit["citation"]  # one section, one paragraph: cited alike
    marked = words(hit["shown"], [tuple(m) for m in hit["marks"]])
    assert marked == ["trust", "supply", "chain", "partners"]


def test_the_terminal_snippet_starts_at_the_focus(project: Path) -> None:
    out = search(project, "-k", "1")
    assert "   … Orchestrators build trust between supply chain partners" in out


def test_a_focus_on_the_second_page_of_a_passage_is_cited_by_that_page(tmp_path: Path) -> None:
    """A PDF passage running over two pages has its focus cited by the page the sentence is
    on, the printed page number as the passage's own citation uses it."""
    from conftest import corpus_project, ingest_json, shared
    from litsynth.embed import HashEmbedder
    from litsynth.store import documents, passages
    from litsynth.store.db import connect

    pdf = shared("data/pdfs/scholarly/papermage/tests/fixtures/2302.07302v1.pdf")
    root = corpus_project(tmp_path, (pdf, "citesee.pdf"))
    ingest_json(root)
    conn = connect(root / "litsynth.db")
    try:
        spanning = [p for p in passages.all_passages(conn) if p.page_end == p.page_start + 1]
        assert spanning, "no passage runs over two pages"
        passage = spanning[0]
        pages = {p.number: p for p in documents.document_pages(conn, passage.document_id)}
        second = pages[passage.page_end]
        start, end = next(
            (s, e) for s, e in candidates(passage.text) if passage.start + s >= second.start
        )
        embedder = HashEmbedder()
        query = embedder.embed([passage.text[start:end]])[0]
        (focus,) = focus_hits(conn, embedder, query, [passage])
    finally:
        conn.close()
    assert focus is not None and (focus.start, focus.end) == (start, end)
    assert (focus.passage.page_start, focus.passage.page_end) == (second.number, second.number)
    printed = {n: page.label or str(n) for n, page in pages.items()}  # no printed numbers: n
    assert passage.citation.endswith(f"pp. {printed[passage.page_start]}–{printed[second.number]}")
    assert focus.passage.citation.endswith(f"p. {printed[second.number]}")


def test_the_hits_as_a_sheet_carry_the_sentence_and_its_citation(
    project: Path, tmp_path: Path
) -> None:
    import csv

    from openpyxl import load_workbook

    sheet = tmp_path / "hits.csv"
    assert "written" in search(project, "-k", "1", "--out", str(sheet))
    (row,) = list(csv.DictReader(sheet.open(encoding="utf-8-sig")))
    sentence = "Orchestrators build trust between supply chain partners through shared data."
    assert row["sentence"] == sentence and row["rank"] == "1"
    assert row["citation"] == row["sentence_citation"] and row["where"] in row["citation"]
    assert sentence in row["passage"] and "**" not in row["passage"]  # shown, no markup
    assert row["query"] == "trust between supply chain partners"
    book = tmp_path / "hits.xlsx"
    search(project, "-k", "1", "--out", str(book))
    rows = list(load_workbook(book).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("rank", "citation", "sentence") and rows[1][2] == sentence
    bad = CliRunner().invoke(cli, ["search", "trust", "--out", str(tmp_path / "hits.txt"),
                                   "--project", str(project)])  # fmt: skip
    assert bad.exit_code == 1 and ".csv or .xlsx" in bad.stderr
