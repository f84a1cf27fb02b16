"""The manuscript draft `litsynth run` and `litsynth report` write beside the report
(report/manuscript.docx), and the report's reference list: read back from the demo."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.report.manuscript import QUOTE_WORDS, trim_quote


def _cli(project: Path, *args: str) -> str:
    done = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert done.exit_code == 0, done.output
    return done.output


def _draft(project: Path) -> docx.document.Document:
    return docx.Document(str(project / "report" / "manuscript.docx"))


def test_draft_follows_a_reviews_methods_and_results(demo_project: Path) -> None:
    draft = _draft(demo_project)
    headings = [(p.style.name, p.text) for p in draft.paragraphs if p.style.name.startswith("Head")]
    top = [text for style, text in headings if style == "Heading 1"]
    assert top == ["Methods", "Results", "References", "Appendix: PRISMA 2020 items in this draft"]
    second = [text for style, text in headings if style == "Heading 2"]
    assert second == [
        "Selection process", "Data collection process", "Critical appraisal",
        "Synthesis methods", "Confidence in the findings",
        "Study selection", "Study characteristics", "Critical appraisal", "Themes",
        "Summary of qualitative findings",
    ]  # fmt: skip
    text = "\n".join(p.text for p in draft.paragraphs)
    # the same words as `litsynth prisma`, not a second telling
    for flag in ("--paragraph", "--methods"):
        said = " ".join(_cli(demo_project, "prisma", flag, "-").split())
        assert said.split(". ")[0] in text
    # the Methods' appraisal sentence (item 11) under its own heading, not twice
    appraised = "The included studies were appraised with a ten-question checklist"
    assert text.count(appraised) == 1
    assert (
        "Data were extracted with a form of 5 items (study design, unit of analysis, cases or"
        " respondents, setting, digital platform central?): 2 of 28 studies, by one reviewer."
    ) in text  # records/extraction.csv fills two studies in
    assert "relevance of its evidence: 1 of 4 findings assessed so far." in text
    # the flow diagram, then the appraisal's summary and traffic-light figures, as pictures
    # Word shows
    assert len(draft.inline_shapes) == 3
    assert "Figure 1. PRISMA 2020 flow diagram." in text


def test_wide_tables_get_landscape_pages(demo_project: Path) -> None:
    draft = _draft(demo_project)
    by_columns = {len(t.columns): t for t in draft.tables}
    appraisal = by_columns[12]  # study, ten questions, overall (notes are not in the grid)
    assert appraisal.rows[0].cells[0].text == "Study" and len(appraisal.rows) == 4
    turned = [s for s in draft.sections if s.page_width > s.page_height]
    assert len(turned) == 3  # characteristics, appraisal, findings (the items table has 3)
    assert all(s.page_width > s.page_height for s in turned)


def test_the_prisma_items_it_reports_and_where(demo_project: Path) -> None:
    items = _draft(demo_project).tables[-1]
    rows = [[c.text for c in row.cells] for row in items.rows]
    assert rows[0] == ["Item", "Topic", "Where in this draft"] and len(rows) == 29
    placed = {row[0]: row[2] for row in rows[1:] if row[2]}
    assert placed == {
        "8": "Methods › Selection process",
        "9": "Methods › Data collection process",
        "10": "Methods › Data collection process",
        "11": "Methods › Critical appraisal",
        "13": "Methods › Synthesis methods",
        "15": "Methods › Confidence in the findings",
        "16a": "Results › Study selection, Figure 1",
        "16b": "Results › Study selection, table of excluded reports",
        "17": "Results › Study characteristics",
        "18": "Results › Critical appraisal, Figure 2 and Figure 3",
        "20": "Results › Themes",
        "22": "Results › Summary of qualitative findings",
    }  # fmt: skip  (the demo tells no search: items 6 and 7 are the authors')


def test_theme_quotes_are_short_and_cited(demo_project: Path) -> None:
    draft = _draft(demo_project)
    quotes = [p.text for p in draft.paragraphs if p.style.name == "Quote"]
    assert 4 <= len(quotes) <= 8  # at most two per theme, from distinct sources
    for quote in quotes:
        quoted, _, cite = quote.rpartition("” (")
        assert quoted.startswith("“") and cite.endswith(")")
        assert len(quoted.split()) <= QUOTE_WORDS + 1  # and the "…" of a cut one
        assert "═" not in quoted  # a ruled block is never quoted


def test_references_in_the_draft_and_the_report(demo_project: Path) -> None:
    draft = _draft(demo_project)
    paragraphs = draft.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "References")
    end = next(i for i, p in enumerate(paragraphs) if i > start and p.style.name == "Heading 1")
    assert paragraphs[start + 1].text == (
        "The included studies and the 3 other sources this draft quotes, in APA Style 7th edition."
    )
    entries = [p for p in paragraphs[start + 2 : end] if p.text]
    included = _cli(demo_project, "export", "references").splitlines()
    assert len(included) == 28  # the demo's included studies
    texts = [p.text for p in entries]
    assert set(included) < set(texts) and len(texts) == 31
    # the sources quoted that are no included study, by their own fields: two seed texts (one
    # with no title: its file name, as its citations) and the test's conftest.INJECTED_DOC
    assert set(texts) - set(included) == {
        "Orchestration platforms and injected markup. (n.d.).",
        "Yulianti, G., & Santoso, S. (2025). Bridging Business Models and Supply Chain Strategy:"
        " A Qualitative Synthesis of Value Creation Through Orchestration.",
        "001_fda600e23a8bf5df.txt. (2025).",
    }
    # APA's order, one list: a work without authors where its title falls (citeproc-py alone
    # put them last)
    assert texts == sorted(texts, key=str.casefold)
    first = next(p for p in entries if p.text.startswith("Amit, R., & Han, X. (2017)."))
    assert [r.text for r in first.runs if r.italic] == ["Strategic Entrepreneurship Journal"]
    # every quote's citation leads to its reference: the work cited opens an entry
    for quote in (p.text for p in paragraphs if p.style.name == "Quote"):
        work = quote.rpartition("” (")[2].split(", ")[0].strip("“”").rstrip("…")
        lead = work.split(" & ")[0].split(" et al.")[0]
        assert any(t.startswith(lead) for t in texts), work
    page = (demo_project / "report" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="block" id="references">') :]
    section = section[: section.index("</section>")]
    assert len(re.findall(r'<p class="csl-entry"', section)) == 31
    assert "The 28 included studies and the 3 other sources this report quotes" in section
    assert "<i>Strategic Entrepreneurship Journal</i>" in section
    assert 'href="manuscript.docx"' in section


def test_a_style_that_is_not_there_is_said_where_the_list_would_be(demo_copy: Path) -> None:
    toml = demo_copy / "litsynth.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[synthesis]", '[synthesis]\ncitation_style = "apaa"'), "utf-8")
    _cli(demo_copy, "report", "-q")
    page = (demo_copy / "report" / "index.html").read_text(encoding="utf-8")
    assert "Not shown: no citation style &#39;apaa&#39;" in page
    notes = [p.text for p in _draft(demo_copy).paragraphs if p.text.startswith("Not shown")]
    assert notes and "no citation style 'apaa'" in notes[0]


def test_trim_quote() -> None:
    assert trim_quote("One. Two three. Four.", 3) == "One. Two three. …"
    assert trim_quote("a " * 10, 4) == "a a a a …"
    assert trim_quote("Short. Whole.") == "Short. Whole."
    assert trim_quote("He said “yes.” Then left. Later.", 5) == "He said “yes.” Then left. …"


def test_a_records_only_project_gets_the_parts_it_has(two_included: Path) -> None:
    """No corpus, no codebook: the draft holds the searches, the selection, the flow, the
    excluded report and the references, and places the PRISMA items they report."""
    from conftest import FIXTURES

    _cli(two_included, "import", str(FIXTURES / "screening" / "records.csv"), "--source",
         "Scopus", "--searched", "2026-11-01", "--query", "nudg* AND physician*")  # fmt: skip
    _cli(two_included, "report", "-q")
    draft = _draft(two_included)
    headings = [p.text for p in draft.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Methods", "Selection process", "Results", "Study selection", "References",
        "Appendix: search strategies", "Scopus, searched 2026-11-01",
        "Appendix: PRISMA 2020 items in this draft",
    ]  # fmt: skip
    text = [p.text for p in draft.paragraphs]
    assert text[text.index("Selection process") + 1].startswith("Scopus was searched on 1 Nov")
    assert "nudg* AND physician*" in text
    placed = {r.cells[0].text for r in draft.tables[-1].rows[1:] if r.cells[2].text}
    assert placed == {"6", "7", "8", "16a", "16b"}
    assert any(t.startswith("Where this draft reports 4 of PRISMA 2020's 27 items") for t in text)


def test_papers_without_records_get_the_references_of_what_is_quoted(tmp_path: Path) -> None:
    """A project of papers and a codebook, no bibliography: no PRISMA parts, and the
    reference list holds the sources the draft quotes, each by its own fields."""
    import shutil

    from conftest import REPO, corpus_project

    seeds = REPO / "corpus"
    root = corpus_project(tmp_path, (seeds / "000_e36bc8967a0d5917.txt", "review.txt"),
                          (seeds / "001_fda600e23a8bf5df.txt", "sme.txt"))  # fmt: skip
    shutil.copytree(REPO / "codebook", root / "codebook", dirs_exist_ok=True)
    with (root / "litsynth.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[synthesis]\nsource = "both"\n')
    _cli(root, "run", "-q")
    paragraphs = _draft(root).paragraphs
    text = [p.text for p in paragraphs]
    assert "Study selection" not in text
    assert "Appendix: PRISMA 2020 items in this draft" not in text
    start = text.index("References")
    assert text[start + 1] == "The sources this draft quotes, in APA Style 7th edition."
    entries = [t for t in text[start + 2 :] if t]
    assert entries == [  # no documents.csv here: the review's title from its own text
        "Bridging Business Models and Supply Chain Strategy: A Qualitative Synthesis of Value"
        " Creation Through Orchestration. (n.d.).",
        "sme.txt. (n.d.).",
    ]
    for quote in (p.text for p in paragraphs if p.style.name == "Quote"):
        work = quote.rpartition("” (")[2].split(", ")[0].strip("“”").rstrip("…")
        assert any(t.startswith(work.split(" & ")[0]) for t in entries), work
