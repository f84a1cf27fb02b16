"""Passage roles at ingest, on real page text: reference lists, acknowledgements, captions and
tables, boilerplate, front matter and abstract; stored per passage, recomputed from the store,
and a search filter."""

from __future__ import annotations

import json
import shutil
import sqlite3
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli
from litsynth.ingest.roles import chunk_roles, is_boilerplate_line, repeated_lines
from litsynth.records import Page

REPO = Path(__file__).resolve().parent.parent


def _one_page(text: str) -> list[Page]:
    return [Page(1, 0, len(text))]


def test_seed_reference_list_and_acknowledgements() -> None:
    seed0 = (REPO / "corpus" / "000_e36bc8967a0d5917.txt").read_text(encoding="utf-8")
    at = seed0.index("## References")
    spans = [(0, 400), (at + 20, at + 600)]
    assert chunk_roles(seed0, _one_page(seed0), spans)[1] == "references"
    seed1 = (REPO / "corpus" / "001_fda600e23a8bf5df.txt").read_text(encoding="utf-8")
    ack = seed1.index("Acknowledgements")
    roles = chunk_roles(seed1, _one_page(seed1), [(ack, len(seed1)), (ack - 600, ack + 200)])
    assert roles == ["acknowledgements", "body"]  # mostly body stays body


def _sections(*parts: tuple[str, str]) -> tuple[str, list[Page]]:
    """A document in sections, as the HTML, Word and EPUB readers make one: (label, text)."""
    from litsynth.ingest.normalize import assemble

    text, pages = assemble([(body, label) for label, body in parts])
    return text, list(pages)


def test_a_chapter_bibliography_ends_at_the_next_heading() -> None:
    """A book has a reading list per chapter: each is one, and none runs on to the end."""
    text, pages = _sections(
        ("Chapter 1", "Chapter 1\n\nOrchestrators align the network of suppliers."),
        ("Bibliography", "Bibliography\n\nDoe, J. (2019). Platforms. Oxford UP."),
        ("Chapter 2", "Chapter 2\n\nTrust grew slowly across the partners."),
        ("Acknowledgements", "Acknowledgements\n\nWe thank the Ford Foundation."),
        ("Chapter 3", "Chapter 3\n\nSanctions were rare in the network."),
        ("References", "References\n\nRoe, R. (2020). Chains. Wiley."),
    )
    spans = [(p.start, p.end) for p in pages]
    assert chunk_roles(text, pages, spans) == [
        "body", "references", "body", "acknowledgements", "body", "references",
    ]  # fmt: skip


def test_a_paged_ebook_tells_a_heading_from_a_page_turn() -> None:
    """Cited by printed page, a book's parts start at headings and where pages turn: a list
    that runs over a page goes on; the next heading ends it."""
    text, pages = _sections(
        ("p. 170", "BIBLIOGRAPHY\n\nAlden, R. M., Why the Chimes Rang, 1909."),
        ("p. 171", "Andersen, H. C., Fairy Tales, 1835."),
        ("p. 171", "INTRODUCTORY\n\nThe difficulties of classification are very apparent."),
    )
    spans = [(p.start, p.end) for p in pages]
    assert chunk_roles(text, pages, spans) == ["references", "references", "body"]


def _pdf_doc(name: str):  # type: ignore[no-untyped-def]
    from litsynth.ingest.parse import parse_file

    return parse_file(shared(f"data/pdfs/scholarly/{name}"))


def test_front_matter_abstract_and_captions_on_real_pdfs() -> None:
    doc = _pdf_doc("papermage/tests/fixtures/2302.07302v1.pdf")  # CiteSee, CHI 2023
    text = doc.text
    abstract = text.index("ABSTRACT")
    intro = text.index("INTRODUCTION")
    spans = [(0, abstract - 1), (abstract, min(intro, abstract + 900))]
    assert chunk_roles(text, doc.pages, spans) == ["front matter", "abstract"]
    scibert = _pdf_doc("papermage/tests/fixtures/1903.10676.pdf")
    table = scibert.text.index("Field Task Dataset")
    assert chunk_roles(scibert.text, scibert.pages, [(table, table + 400)]) == ["captions/tables"]


def test_a_figures_own_text_beside_its_caption_is_not_body() -> None:
    """LongEval's Figure 2 (EACL 2023): pypdf reads its tick marks, axis title and legend as
    lines ("0.0 0.2 0.4 0.6 0.8 1.0", "Pearson correlation", "rouge-1_f1", "bart_score"), and
    the passage was searched and coded as body text (roles.v4)."""
    doc = _pdf_doc("papermage/tests/fixtures/2023.eacl-main.121.pdf")
    text = doc.text
    ticks = text.index("0.0 0.2 0.4 0.6 0.8 1.0\nPearson correlation")
    caption = text.index("Figure 2: 95% confidence intervals", ticks)
    roles = partial(chunk_roles, text, doc.pages, sectioned=False)  # as store_roles for a PDF
    assert roles([(ticks, caption + 120)]) == ["captions/tables"]
    # the paragraph before it, and a passage whose short lines are not a figure's, stay body
    prose = text.rindex("\n", 0, ticks - 400)
    assert roles([(prose - 600, prose)]) == ["body"]
    listing = "Three questions:\nWhat is it\nWho reads it\nWhy now\nWe answer each below.\n"
    pages = [Page(1, 0, len(listing))]
    assert chunk_roles(listing, pages, [(0, len(listing))], sectioned=False) == ["body"]
    # in a document of sections (Markdown, Word), lines are paragraphs, not a page's layout
    legend = "Figure 1: Sales.\nNorth\nSouth\nEast\nWest\n"
    sections = [Page(1, 0, len(legend), "Results")]
    assert chunk_roles(legend, sections, [(0, len(legend))], sectioned=True) == ["body"]
    assert chunk_roles(legend, [Page(1, 0, len(legend))], [(0, len(legend))], sectioned=False) == [
        "captions/tables"
    ]


def test_margin_stamps_page_numbers_and_repeated_headers() -> None:
    assert is_boilerplate_line("arXiv:2202.00535v1 [cs.CL] 1 Feb 2022", set())
    assert is_boilerplate_line("  12 ", set())
    assert is_boilerplate_line("1 2 4,5", set())
    assert is_boilerplate_line("© 2023 Copyright held by the owner/author(s).", set())
    assert not is_boilerplate_line("We report macro F1 scores for NER.", set())
    # a table's head of numbers is no affiliation mark; roles.v4's pattern backtracked on it
    # for 5 s a line at 17 numbers, doubling with each more (science-parse's pedersen04.pdf)
    assert not is_boilerplate_line(" ".join(map(str, range(1, 41))) + " 41-50", set())
    pages_text = "".join(
        f"Running Head of the Journal {n}\nBody text of page {n}.\n" for n in range(4)
    )
    pages, at = [], 0
    for n in range(4):
        length = len(f"Running Head of the Journal {n}\nBody text of page {n}.\n")
        pages.append(Page(n + 1, at, at + length))
        at += length
    repeated = repeated_lines(pages_text, pages)
    assert "running head of the journal #" in repeated
    assert is_boilerplate_line("Running Head of the Journal 7", repeated)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("roles") / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for name in ("000_e36bc8967a0d5917.txt", "001_fda600e23a8bf5df.txt"):
        shutil.copy2(REPO / "corpus" / name, root / "corpus" / name)
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root)])
    assert result.exit_code == 0, result.output
    return root


def test_roles_are_stored_and_search_filters_by_them(project: Path) -> None:
    conn = sqlite3.connect(project / "litsynth.db")
    roles = dict(conn.execute("SELECT role, COUNT(*) FROM chunks GROUP BY role").fetchall())
    conn.close()
    assert roles["references"] >= 10 and roles["body"] > roles["references"]

    def hits(*args: str) -> list[dict]:  # type: ignore[type-arg]
        result = CliRunner().invoke(cli, ["search", "orchestration platforms", "-k", "40",
                                          "--json", *args, "--project", str(project)])  # fmt: skip
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert {h["role"] for h in hits("--role", "references")} == {"references"}
    assert "references" not in {h["role"] for h in hits("--role", "body", "--role", "abstract")}
    bad = CliRunner().invoke(cli, ["search", "x", "--role", "footnotes", "--project", str(project)])
    assert bad.exit_code == 1 and "unknown passage role 'footnotes'" in bad.output + bad.stderr


def test_roles_are_recomputed_from_the_store_without_parsing(project: Path) -> None:
    conn = sqlite3.connect(project / "litsynth.db")
    conn.execute("UPDATE chunks SET role = NULL")
    conn.execute("UPDATE documents SET roles_version = ''")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["ingest", "--json", "--project", str(project)])
    report = json.loads(result.stdout)
    assert (report["roles_updated"], report["documents_ingested"]) == (2, 0)
    conn = sqlite3.connect(project / "litsynth.db")
    assert conn.execute("SELECT COUNT(*) FROM chunks WHERE role IS NULL").fetchone()[0] == 0
    conn.close()


def test_search_reads_body_and_abstract_by_default_and_all_on_request(project: Path) -> None:
    def roles_of(*args: str) -> set[str]:
        result = CliRunner().invoke(cli, ["search", "references journal 2019", "-k", "60",
                                          "--json", *args, "--project", str(project)])  # fmt: skip
        assert result.exit_code == 0, result.output
        return {h["role"] for h in json.loads(result.stdout)}

    assert roles_of() <= {"body", "abstract"}
    assert "references" in roles_of("--role", "all")


def test_suggest_and_discover_leave_reference_lists_and_front_matter_out(project: Path) -> None:
    (project / "codebook").mkdir(exist_ok=True)
    shutil.copytree(REPO / "codebook", project / "codebook", dirs_exist_ok=True)
    result = CliRunner().invoke(cli, ["code", "suggest", "--json", "--project", str(project)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    conn = sqlite3.connect(project / "litsynth.db")
    skipped = conn.execute(
        "SELECT COUNT(*) FROM chunks WHERE role NOT IN ('body', 'abstract')"
    ).fetchone()[0]
    suggested_roles = {r[0] for r in conn.execute(
        "SELECT DISTINCT c.role FROM suggestions s JOIN chunks c ON c.id = s.chunk_id"
    )}  # fmt: skip
    conn.close()
    assert report["skipped_by_role"] == skipped >= 10
    assert suggested_roles <= {"body", "abstract"}

    everything = CliRunner().invoke(
        cli, ["code", "suggest", "--role", "all", "--json", "--project", str(project)]
    )
    assert json.loads(everything.stdout)["skipped_by_role"] == 0

    found = CliRunner().invoke(cli, ["code", "discover", "--json", "--project", str(project)])
    assert found.exit_code == 0, found.output
    clustered = {p for c in json.loads(found.stdout)["clusters"] for p in c["chunk_ids"]}
    conn = sqlite3.connect(project / "litsynth.db")
    junk = {r[0] for r in conn.execute(
        "SELECT id FROM chunks WHERE role NOT IN ('body', 'abstract')"
    )}  # fmt: skip
    conn.close()
    assert clustered and not clustered & junk


def test_each_markdown_chapter_bibliography_is_a_reference_list(tmp_path: Path) -> None:
    """In Markdown a section's first line is its heading with its marks ("## References",
    labelled "References"). Each chapter's list is references and ends at the next heading,
    as in a Word file or a book (roles.v4); v3 took only the first list found, so the second
    chapter's was read as body text."""
    from litsynth.ingest.chunk import chunk_document
    from litsynth.ingest.parse import parse_file

    path = tmp_path / "thesis.md"
    path.write_text(
        "# Chapter 1\n\nOrchestrators align the network of suppliers across the region.\n\n"
        "## References\n\nDoe, J. (2019). Platforms and their partners. Oxford UP.\n\n"
        "# Chapter 2\n\nTrust grew slowly across the partners of the lead firm.\n\n"
        "## References\n\nRoe, R. (2020). Chains of trust in supply networks. Wiley.\n\n"
        "# Chapter 3\n\nSanctions were rare in the network of the lead firm.\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    chunks = chunk_document(doc, count_tokens=lambda texts: [len(t.split()) for t in texts],
                            target_tokens=8, overlap_tokens=0)  # fmt: skip
    roles = chunk_roles(doc.text, doc.pages, [(c.start, c.end) for c in chunks])

    def role_of(words: str) -> str:
        return next(r for c, r in zip(chunks, roles, strict=True) if words in c.text)

    assert role_of("Doe, J. (2019)") == role_of("Roe, R. (2020)") == "references"
    assert role_of("Trust grew slowly") == role_of("Sanctions were rare") == "body"
