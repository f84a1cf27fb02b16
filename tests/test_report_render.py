"""The report's templates: escaping, highlighting, and cells that list their passages."""

from __future__ import annotations

import re
from pathlib import Path

from litsynth.records import Passage
from litsynth.report.contents import (
    Cell,
    CodeNode,
    DocumentRow,
    Matrix,
    Proposal,
    ReportData,
    ShownPassage,
    SourcePage,
)
from litsynth.report.render import highlight, render_report

EVIL = "Orchestration <script>window.__pwned = 1</script> enables platform coordination."


def _data() -> ReportData:
    passage = ShownPassage(
        # cites as "Yulianti & Santoso (2025), § 3. Results, ¶ 4"
        passage=Passage(
            "c1",
            "d1",
            0,
            len(EVIL),
            EVIL,
            kind="text",
            authors=("Yulianti, D.", "Santoso, B."),
            year=2025,
            section="3. Results",
            paragraph=4,
        ),
        href="sources/d1.html#c-c1",
        highlights=("platform coordination",),
        codes=("Platform coordination",),
        score=0.83,
        origin="machine",
    )
    matrix = Matrix(
        id="theme-matrix",
        title="Sources × themes",
        description="Passages per document and theme.",
        row_header="Document",
        rows=("Yulianti & Santoso (2025)", "Phadnis (2023)"),
        cols=("Platform coordination", "Strategic integration"),
        cells=((Cell(1, 1, "m0-0-0"), Cell(0, 0, "")), (Cell(0, 0, ""), Cell(0, 0, ""))),
        passages={"m0-0-0": (passage,)},
    )
    return ReportData(
        project="Test <review>",
        generated_at="2026-11-22T00:00:00Z",
        documents=(
            DocumentRow(
                "d1",
                "Bridging <b>models</b>",
                "Yulianti & Santoso (2025)",
                "corpus/a.txt",
                "text",
                5,
                12,
                "sources/d1.html",
            ),
        ),
        failures=(("corpus/bad.pdf", "encrypted", "needs a password"),),
        failures_by_reason={"encrypted": 1},
        counts={"documents": 1, "chunks": 12},
        settings={"chunker": "sentences.v1"},
        versions={"litsynth": "0.1.0"},
        codebook=(
            CodeNode(
                "t1",
                "Orchestration",
                "theme",
                children=(
                    CodeNode(
                        "c1", "Platform coordination", "code", definition="Coordinating <partners>"
                    ),
                ),
            ),
        ),
        matrices=(matrix,),
        sources=(
            SourcePage(
                "d1",
                "Bridging",
                "sources/d1.html",
                (("c1", "Yulianti & Santoso (2025), ¶ 4", EVIL),),
            ),
        ),
    )


def test_highlight_escapes_text_and_marks_terms() -> None:
    html = str(highlight("a <b>platform coordination</b> & more", ["platform coordination"]))
    assert html == "a &lt;b&gt;<mark>platform coordination</mark>&lt;/b&gt; &amp; more"


def test_highlight_matches_whole_words_only() -> None:
    assert "<mark>" not in str(highlight("platforms", ["platform"]))


def test_report_escapes_corpus_text(tmp_path: Path) -> None:
    index = render_report(_data(), tmp_path / "report")
    html = index.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "Bridging &lt;b&gt;models&lt;/b&gt;" in html
    assert "Test &lt;review&gt;" in html
    source = (tmp_path / "report" / "sources" / "d1.html").read_text(encoding="utf-8")
    assert "<script>window" not in source
    assert 'id="c-c1"' in source


def test_matrix_cell_links_to_its_passages(tmp_path: Path) -> None:
    html = render_report(_data(), tmp_path / "r").read_text(encoding="utf-8")
    assert 'href="#cell-m0-0-0"' in html
    block = re.search(r'<div class="cell-passages" id="cell-m0-0-0".*?</div>\s*<p>', html, re.S)
    assert block is not None
    assert "Yulianti &amp; Santoso (2025), § 3. Results, ¶ 4" in block.group(0)
    assert 'href="sources/d1.html#c-c1"' in block.group(0)
    assert "<mark>platform coordination</mark>" in block.group(0)
    # empty cells are not links
    assert html.count('href="#cell-') == 1


def test_a_project_without_a_codebook_is_told_how_to_start_one(tmp_path: Path) -> None:
    from dataclasses import replace

    html = render_report(replace(_data(), codebook=()), tmp_path / "r").read_text(encoding="utf-8")
    assert "No codebook yet" in html and "code discover --write codebook/draft.yaml" in html
    assert "Filter codes" not in html
    with_codes = render_report(_data(), tmp_path / "s").read_text(encoding="utf-8")
    assert "No codebook yet" not in with_codes and "Filter codes" in with_codes
    loose = CodeNode("(no theme)", "Codes without a theme", "group", children=_data().codebook)
    grouped = render_report(replace(_data(), codebook=(loose,)), tmp_path / "t")
    html = grouped.read_text(encoding="utf-8")
    assert "Codes without a theme</span>\n" in html and "<code>(no theme)</code>" not in html


def test_open_coding_names_a_new_concept_new_and_folds_away_what_a_code_covers(
    tmp_path: Path,
) -> None:
    """A cluster that lies inside a code is not offered as a concept the codebook lacks; a new
    one says which code is nearest, for the reviewer to compare (each used to read "close to
    existing code", new or not)."""
    from dataclasses import replace

    shown = _data().matrices[0].passages["m0-0-0"]
    new = Proposal(
        "carbon / emission", ("carbon",), 6, 2, shown, nearest="Platform (similarity 0.21)"
    )
    covered = Proposal(
        "platform / data", ("platform",), 9, 3, shown, overlaps="Platform (similarity 0.74)"
    )
    data = replace(_data(), proposals=(new, covered))
    html = render_report(data, tmp_path / "r").read_text(encoding="utf-8")
    section = html[html.index('id="proposals"') :]
    section = section[: section.index("</section>")]
    assert (
        section.index("carbon / emission")
        < section.index("<details>")
        < section.index("platform / data")
    )
    assert "<b>new concept</b> · nearest code Platform (similarity 0.21)" in section
    assert (
        "part of code Platform (similarity 0.74)" in section and "close to existing" not in section
    )
    assert "1 concept a code already covers" in section
    alone = render_report(replace(data, proposals=(covered,)), tmp_path / "s").read_text(
        encoding="utf-8"
    )
    assert "Every concept found lies inside a code of the codebook." in alone


def test_a_matrix_with_nothing_coded_says_what_to_do_instead_of_an_empty_table(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    base = _data()
    empty = replace(base.matrices[0], cells=((Cell(0, 0, ""),) * 2,) * 2, passages={})
    data = replace(
        base,
        matrices=(empty,),
        waiting=12,  # suggestions no one has decided on (store.report.waiting_suggestions)
        source="human codings (accepted suggestions included)",
    )
    html = render_report(data, tmp_path / "r").read_text(encoding="utf-8")
    block = html[html.index('id="theme-matrix"') :]
    block = block[: block.index("</section>")]
    assert '<table class="matrix">' not in block
    assert "Nothing to count yet: it counts human codings" in block
    assert "12 machine suggestions wait for a reviewer" in block and "litsynth code review" in block


def test_overview_counts_suggestions_above_their_bar_and_standing_codings(tmp_path: Path) -> None:
    """The overview said 224 "machine suggestions" where `code suggest` said 197: it counted
    table rows, which also keep each passage's best code below its bar (and the codings log
    keeps rejections and changed minds)."""
    from litsynth.store.report import coding_counts
    from synthesis_store import StoreBuilder

    b = StoreBuilder(tmp_path / "litsynth.db")
    doc = b.document("One passage. Another passage. A third one.", path="corpus/a.txt")
    one, two, three = b.chunk(doc, 0, 12), b.chunk(doc, 13, 29), b.chunk(doc, 30, 42)
    b.suggest(one, "x", score=0.9)
    b.suggest(two, "x", score=0.3)  # the passage's best code, below the bar: not suggested
    b.code(one, "x")
    b.code(three, "y", status="added")
    b.code(three, "y", status="rejected")  # changed mind: the latest decision stands
    b.conn.commit()
    assert coding_counts(b.conn) == (1, 1)


def test_only_suggestions_no_one_has_decided_on_wait_for_a_reviewer(tmp_path: Path) -> None:
    """An empty matrix said "N machine suggestions wait for a reviewer" with N counting the
    suggestions people had rejected too."""
    from litsynth.store.report import waiting_suggestions
    from synthesis_store import StoreBuilder

    b = StoreBuilder(tmp_path / "litsynth.db")
    doc = b.document("One passage. Another passage. A third one.", path="corpus/a.txt")
    one, two, three = b.chunk(doc, 0, 12), b.chunk(doc, 13, 29), b.chunk(doc, 30, 42)
    for chunk in (one, two, three):
        b.suggest(chunk, "x", score=0.9)
    b.suggest(one, "y", score=0.2)  # below its bar: never suggested
    b.code(two, "x", status="rejected")
    b.conn.commit()
    assert waiting_suggestions(b.conn) == 2


def test_every_quoted_passage_carries_its_quote_for_the_copy_button(tmp_path: Path) -> None:
    """report.js gives each passage with a data-quote a "copy quote" button; the attribute is
    the passage as a manuscript quotes it, escaped like any other corpus text."""
    html = render_report(_data(), tmp_path / "r").read_text(encoding="utf-8")
    assert 'data-quote="“Orchestration &lt;script&gt;' in html
    assert "(Yulianti &amp; Santoso, 2025, § 3. Results, ¶ 4)" in html
    script = (tmp_path / "r" / "report.js").read_text(encoding="utf-8")
    assert ".passage[data-quote]" in script and "copy quote" in script


def test_the_core_category_names_the_theme_the_codebook_marks_as_core() -> None:
    """`code themes` says "(codebook marks theme(s) … as core)" beside its proposal; the
    report named only the proposal, which read as a contradiction of the reviewer's codebook
    (a walk: "Proposed core category: Findings" where the codebook marks its theme core)."""
    from litsynth.coding.analysis.themes import Selective
    from litsynth.coding.codebook.load import load_codebook
    from litsynth.report.collect import _core_label

    book = load_codebook(Path(__file__).parent / "fixtures" / "synthesis" / "codebook.yaml")

    def selective(core: str, marked: tuple[str, ...]) -> Selective:
        return Selective((), (), (), (), core, marked, book.version, "")

    label = _core_label(selective("coordination", ("platform",)), book)
    coordination = book.categories["coordination"].label
    assert label == (
        f"{coordination} (coordination); the codebook marks Platform-based coordination"
        " (platform) as core"
    )
    assert _core_label(selective("platform", ("platform",)), book) == (
        "Platform-based coordination (platform)"
    )
