"""The framework matrix: a summary per source × theme cell, written beside its passages, said
to be out of date when the cell is coded further, never lost, and out to Word and sheets."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli
from litsynth.coding.codebook.load import load_codebook
from litsynth.errors import SynthesisError
from litsynth.records import CellSummary
from litsynth.store.framework import latest_summaries, summary_history
from litsynth.synthesis.framework import build_framework, new_summary, passage_key
from litsynth.synthesis.framework_out import to_markdown
from litsynth.synthesis.from_store import framework_from_store, summarise_cell
from synthesis_store import FIXTURES, StoreBuilder, demo_store, synthesis_project

CODEBOOK = load_codebook(FIXTURES / "codebook.yaml")
PDF = "corpus/phadnis-like.pdf"


@pytest.fixture
def demo(tmp_path: Path) -> StoreBuilder:
    return demo_store(tmp_path / "litsynth.db")


def doc_id(conn: sqlite3.Connection, path: str) -> str:
    return str(conn.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()[0])


def chunk_at(conn: sqlite3.Connection, document: str, start: int) -> str:
    found = conn.execute(
        "SELECT id FROM chunks WHERE document_id = ? AND start = ?", (document, start)
    ).fetchone()
    return str(found[0])


def framework(conn: sqlite3.Connection):  # type: ignore[no-untyped-def]
    return framework_from_store(conn, CODEBOOK, source="human")


def test_a_summary_stands_until_its_cell_is_coded_further(demo: StoreBuilder) -> None:
    conn = demo.conn
    pdf = doc_id(conn, PDF)
    before = framework(conn)
    cell = before.cell(pdf, "reconfiguration")
    assert cell.state() == "waiting" and len(cell.refs) == 2  # pages 2 and 1–2, by ben
    assert before.counts()["written"] == 0
    written = summarise_cell(
        conn, before, "Phadnis", "Dynamic resource reconfiguration",
        "  Recombines resources when demand shifts.  ", author="ana",
    )  # fmt: skip
    assert written is not None and written.state() == "written"
    assert (
        written.summary is not None
        and written.summary.text == "Recombines resources when demand shifts."
    )
    now = framework(conn)
    assert now.cell(pdf, "reconfiguration").state() == "written"
    # the same words again write nothing: the cell says this already
    said = "Recombines resources when demand shifts."
    assert summarise_cell(conn, now, pdf, "reconfiguration", said, author="ana") is None
    assert len(summary_history(conn, "documents", pdf, "themes", "reconfiguration")) == 1

    # the cell is coded further: one of its passages rejected, a new one coded
    c23 = chunk_at(conn, pdf, 40)
    c21 = chunk_at(conn, pdf, 0)
    demo.code(c23, "resource-recombination", coder="ben", status="rejected")
    demo.code(c21, "resource-recombination", coder="cy")
    basis = set(written.summary.basis)
    stale = framework(conn).cell(pdf, "reconfiguration")
    assert stale.state() == "out of date"
    (new,) = [ref for ref in stale.refs if ref.start == 0]  # page 1's passage, coded by cy
    assert stale.new == (passage_key(new),) and passage_key(new) not in basis
    (gone,) = [ref for ref in written.refs if ref.start == 40]  # ben's, now rejected
    assert stale.gone == (passage_key(gone),)
    table = to_markdown(framework(conn))
    assert "Recombines resources when demand shifts. [pp. 1, 2]" in table
    assert "(out of date: 1 passage coded since, 1 no longer coded)" in table
    assert "1 out of date" in table
    # saving the same words once they were reread confirms them: the basis moves on
    confirmed = summarise_cell(conn, framework(conn), pdf, "reconfiguration", said, author="ana")
    assert confirmed is not None and confirmed.state() == "written"
    # cleared: the cell waits again, and every wording stays in its history
    assert summarise_cell(conn, framework(conn), pdf, "reconfiguration", "", author="ben")
    assert framework(conn).cell(pdf, "reconfiguration").state() == "waiting"
    history = summary_history(conn, "documents", pdf, "themes", "reconfiguration")
    assert [v.author for v in history] == ["ana", "ana", "ben"] and history[-1].text == ""


def test_cells_are_named_by_key_or_label_and_bad_ones_refused(demo: StoreBuilder) -> None:
    m = framework(demo.conn).matrix
    pdf = doc_id(demo.conn, PDF)
    made = new_summary(m, "phadnis (2023)", "platform", "Platforms coordinate.", author="a", at="t")
    assert (made.row_key, made.col_key) == (pdf, "platform")
    assert made.basis == (passage_key(m.cells[(pdf, "platform")][0]),)
    with pytest.raises(SynthesisError, match="no row 'Smith'") as caught:
        new_summary(m, "Smith", "platform", "x", author="a", at="t")
    assert caught.value.hint and "Phadnis (2023)" in caught.value.hint
    with pytest.raises(SynthesisError, match="no column '\\(no theme\\)'"):
        new_summary(m, pdf, "(no theme)", "x", author="a", at="t")  # no theme to summarise
    with pytest.raises(SynthesisError, match="holds 4,000"):
        new_summary(m, pdf, "platform", "word " * 1000, author="a", at="t")
    with pytest.raises(SynthesisError, match="rows are sources, not codes"):
        framework_from_store(demo.conn, CODEBOOK, rows="codes", cols="codes")


def test_a_summary_whose_source_left_the_matrix_is_kept_and_listed(demo: StoreBuilder) -> None:
    m = framework(demo.conn).matrix
    gone = CellSummary(
        "documents", "0123456789abcdef", "themes", "platform", "Said once.", "ana", "t"
    )
    other_kind = CellSummary("attr:study", "Smith 2020", "themes", "platform", "Else.", "ana", "t")
    built = build_framework(m, [gone, other_kind])
    assert built.orphans == (gone,)  # another kind of matrix's summary is not this one's
    assert "0123456789abcdef × platform: Said once." in to_markdown(built)
    assert built.to_json()["orphans"][0]["summary"] == "Said once."


def test_the_command_line_writes_shows_and_exports(tmp_path: Path) -> None:
    root = synthesis_project(tmp_path / "p")
    out = run_cli(root, "framework", "write", "Phadnis", "platform", "A platform coordinates.",
                  "--coder", "ana")  # fmt: skip
    assert (
        "Wrote Phadnis (2023) × Platform-based coordination (1 passage(s) behind it), as ana."
        in out
    )
    assert "Unchanged" in run_cli(root, "framework", "write", "Phadnis", "platform",
                                  "A platform coordinates.")  # fmt: skip
    shown = run_cli(root, "framework", "table")
    assert (
        "| Phadnis (2023) | A platform coordinates. [p. 1] | (2 passages, not summarised) |"
        in shown
    )
    assert "(no theme)" not in shown
    data = json.loads(run_cli(root, "framework", "table", "--json"))
    assert data["counts"]["written"] == 1 and data["col_keys"] == [
        "platform",
        "reconfiguration",
        "ecosystem",
    ]
    docx_path = tmp_path / "framework.docx"
    run_cli(root, "framework", "table", "--out", str(docx_path))
    from docx import Document

    table = Document(str(docx_path)).tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][1] == "Platform-based coordination"
    assert cells[1][:2] == ["Phadnis (2023)", "A platform coordinates. [p. 1]"]
    down = run_cli(root, "framework", "table", "--column", "Platform-based")
    assert down.startswith("## Platform-based coordination: what each source says")
    assert "- **Phadnis (2023)**: A platform coordinates. [p. 1]" in down
    status = run_cli(root, "status")
    assert (
        "framework (sources × themes): 1 of 2 cells summarised (`litsynth framework table`)"
        in status
    )
    run_cli(root, "framework", "write", "Phadnis", "platform", "", "--coder", "ben")
    assert "(1 passage, not summarised)" in run_cli(root, "framework", "table")
    err = run_cli(root, "framework", "table", "--rows", "codes", exit_code=1)
    assert "rows are sources" in err


def _edit_sheet(path: Path, edits: dict[str, str]) -> None:
    """Write `edits` (a row label's start → summary) into the summary column, as Excel would."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        label = f"{row[0].value} × {row[1].value}"
        for start, text in edits.items():
            if label.startswith(start):
                row[header.index("summary")].value = text
    book.save(path)


def test_the_charting_sheet_round_trips_and_never_overwrites_newer_words(tmp_path: Path) -> None:
    root = synthesis_project(tmp_path / "p")
    sheet = tmp_path / "chart.xlsx"
    run_cli(root, "framework", "write", "Phadnis", "platform", "Written first.", "--coder", "ana")
    assert "cells with passages" in run_cli(root, "framework", "export-sheet", str(sheet))
    from openpyxl import load_workbook

    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    header = rows[0]
    platform = next(
        r for r in rows if r[0] == "Phadnis (2023)" and r[1] == "Platform-based coordination"
    )
    assert platform[header.index("summary")] == "Written first."
    assert (
        "Phadnis (2023), p. 1: “Orchestrators use a digital platform"
        in platform[header.index("evidence")]
    )
    grid = list(load_workbook(sheet)["Grid"].iter_rows(values_only=True))  # to read or print
    assert grid[0][:2] == ("documents", "Platform-based coordination")
    assert grid[1][:2] == ("Phadnis (2023)", "Written first. [p. 1]")
    # in the sheet: one cell rewritten, one summarised anew; meanwhile in the workspace the
    # first cell is summarised again by someone else
    _edit_sheet(sheet, {"Phadnis (2023) × Platform": "Rewritten in Excel.",
                        "Phadnis (2023) × Dynamic": "Recombined as demand shifts."})  # fmt: skip
    run_cli(
        root, "framework", "write", "Phadnis", "platform", "Said in the workspace.", "--coder", "cy"
    )
    dry = run_cli(root, "framework", "import-sheet", str(sheet), "--coder", "dee", "--dry-run")
    assert "Would write 1 summary" in dry
    out = run_cli(root, "framework", "import-sheet", str(sheet), "--coder", "dee")
    assert (
        "Wrote 1 summary as dee" in out
        and "Phadnis (2023) × Dynamic resource reconfiguration" in out
    )
    assert "Left 1 cell(s) summarised again since the sheet was exported" in out
    conn = sqlite3.connect(root / "litsynth.db")
    conn.row_factory = sqlite3.Row
    standing = {
        s.col_key: (s.text, s.author) for s in latest_summaries(conn, "documents", "themes")
    }
    assert standing == {"platform": ("Said in the workspace.", "cy"),
                        "reconfiguration": ("Recombined as demand shifts.", "dee")}  # fmt: skip
    # a second import writes nothing twice; --overwrite takes the sheet's words
    again = json.loads(run_cli(root, "framework", "import-sheet", str(sheet), "--json"))
    assert again["written"] == [] and len(again["changed_since_export"]) == 1
    forced = json.loads(
        run_cli(root, "framework", "import-sheet", str(sheet), "--overwrite", "--json")
    )
    assert forced["written"] == ["Phadnis (2023) × Platform-based coordination"]
    standing = {s.col_key: s.text for s in latest_summaries(conn, "documents", "themes")}
    assert standing["platform"] == "Rewritten in Excel."
    assert len(summary_history(conn, "documents", doc_id(conn, PDF), "themes", "platform")) == 3
    conn.close()
    # a study's sheet comes back to the study's grid without being told
    study_sheet = tmp_path / "studies.csv"
    run_cli(root, "framework", "export-sheet", str(study_sheet), "--rows", "attr:source_type")
    lines = study_sheet.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    empirical = next(i for i, line in enumerate(lines) if line.startswith("empirical,Platform"))
    cells = lines[empirical].split(",")
    cells[header.index("summary")] = "Empirical sources coordinate by platform."
    lines[empirical] = ",".join(cells)
    study_sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said = json.loads(run_cli(root, "framework", "import-sheet", str(study_sheet), "--json"))
    assert said["written"] == ["empirical × Platform-based coordination"]
    err = run_cli(root, "framework", "import-sheet", str(study_sheet), "--rows", "attr:industry",
                  exit_code=1)  # fmt: skip
    assert "is the sheet of attr:source_type × themes" in err
    bad = tmp_path / "other.csv"
    bad.write_text("record_id,decision\nr1,include\n", encoding="utf-8")
    err = run_cli(root, "framework", "import-sheet", str(bad), exit_code=1)
    assert "is not a framework sheet: no column row_key, column_key, summary" in err


def test_the_deposit_package_carries_the_summaries(tmp_path: Path) -> None:
    import csv
    import io
    import zipfile

    root = synthesis_project(tmp_path / "p")
    run_cli(root, "framework", "write", "Phadnis", "platform", "A platform coordinates.",
            "--coder", "ana")  # fmt: skip
    run_cli(root, "framework", "write", "Phadnis", "reconfiguration", "Was said.", "--coder", "ana")
    run_cli(root, "framework", "write", "Phadnis", "reconfiguration", "", "--coder", "ana")
    package = tmp_path / "deposit.zip"
    run_cli(root, "export", "package", str(package), "--anonymise")
    with zipfile.ZipFile(package) as z:
        name = next(n for n in z.namelist() if n.endswith("framework.csv"))
        rows = list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"))))
        descriptor = json.loads(
            z.read(next(n for n in z.namelist() if n.endswith("datapackage.json")))
        )
    assert [(r["col_key"], r["summary"], r["author"], r["passages"]) for r in rows] == [
        (
            "platform",
            "A platform coordinates.",
            "reviewer 1",
            "1",
        )  # ana; a cleared cell is not there
    ]
    assert any(r["name"] == "framework" for r in descriptor["resources"])


def test_the_sentences_offered_are_the_cells_most_typical_each_from_its_own_passage(
    tmp_path: Path,
) -> None:
    from litsynth.embed.models import HashEmbedder
    from litsynth.synthesis.key_sentences import key_sentences

    b = StoreBuilder(tmp_path / "litsynth.db")
    paragraphs = [
        "Orchestrators coordinate suppliers through a shared digital platform. The platform"
        " gives suppliers data on demand. The weather was cold that winter.",
        "Suppliers coordinate through the orchestrator's shared digital platform. Demand data"
        " on the platform reaches every supplier. Lunch was served at noon.",
        "A shared digital platform lets orchestrators coordinate suppliers. Suppliers read"
        " demand data from the platform. Nobody mentioned the river.",
        "Suppliers coordinate through the orchestrator's shared digital platform. The river"
        " was high after the rain.",
    ]
    text = "\f".join(paragraphs)
    breaks = tuple(i + 1 for i, ch in enumerate(text) if ch == "\f")
    doc = b.document(
        text, path="corpus/p.pdf", kind="pdf", authors=("Ng, A.",), year=2020, page_breaks=breaks
    )
    at = 0
    for paragraph in paragraphs:
        b.code(b.chunk(doc, at, at + len(paragraph)), "digital-platform")
        at += len(paragraph) + 1
    cell = framework(b.conn).cell(doc, "platform")
    assert len(cell.refs) == 4
    pages = {doc: store_pages(b.conn, doc)}
    picked = key_sentences(cell.refs, pages, HashEmbedder())
    assert len(picked) == 3  # three, each from its own passage
    assert len({s.chunk_id for s in picked}) == 3
    for s in picked:  # the platform sentences, verbatim where the document has them, cited
        assert (
            "platform" in s.passage.text and text[s.passage.start : s.passage.end] == s.passage.text
        )
        assert s.passage.citation == f"Ng (2020), p. {s.passage.page_start}"
    # the fourth passage repeats the second's sentence word for word: it is never offered twice
    assert len({s.passage.text for s in picked}) == 3
    assert picked[0].centrality >= max(s.centrality for s in picked[1:])
    assert key_sentences((), {}, HashEmbedder()) == []


def store_pages(conn: sqlite3.Connection, document: str):  # type: ignore[no-untyped-def]
    from litsynth.store.documents import document_pages

    return document_pages(conn, document)


def test_a_cell_read_alone_is_the_cell_of_the_whole_grid(demo: StoreBuilder) -> None:
    """The workspace opens and saves a cell from its row's codings only: the same passages,
    summary and state as the whole grid gives it, for a source's row and an attribute's."""
    conn = demo.conn
    pdf = doc_id(conn, PDF)
    summarise_cell(conn, framework(conn), pdf, "reconfiguration", "Recombines.", author="ana")
    for rows, row in (("documents", pdf), ("attr:source_type", "empirical")):
        whole = framework_from_store(conn, CODEBOOK, rows=rows, source="both")
        alone = framework_from_store(conn, CODEBOOK, rows=rows, source="both", only_row=row)
        for col in whole.col_keys:
            assert alone.cell(row, col).to_json() == whole.cell(row, col).to_json(), (rows, col)
        assert any(whole.cell(row, col).refs for col in whole.col_keys)


def test_a_codebook_without_themes_says_how_to_summarise(tmp_path: Path) -> None:
    root = synthesis_project(tmp_path / "p")
    codes = ["digital-platform", "data-sharing", "resource-recombination", "relational-governance"]
    (root / "codebook" / "codebook.yaml").write_text(
        "codes:\n" + "".join(f"  - id: {c}\n    definition: {c}.\n" for c in codes),
        encoding="utf-8",
    )
    out = run_cli(root, "framework", "table")
    assert "Nothing to summarise by themes" in out and "--cols codes" in out
    assert "Phadnis (2023)" in run_cli(root, "framework", "table", "--cols", "codes")


def test_nvivo_and_atlas_get_each_summary_as_a_memo_on_its_source(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET
    import zipfile

    root = synthesis_project(tmp_path / "p")
    run_cli(root, "framework", "write", "Phadnis", "platform", "A platform coordinates.",
            "--coder", "ana")  # fmt: skip
    run_cli(root, "framework", "write", "empirical", "platform", "Empirical sources agree.",
            "--rows", "attr:source_type", "--coder", "ana")  # fmt: skip
    qdpx = tmp_path / "p.qdpx"
    run_cli(root, "export", "refi", "--out", str(qdpx))
    with zipfile.ZipFile(qdpx) as z:
        tree = ET.fromstring(z.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    notes = {
        n.get("guid"): n.find("q:PlainTextContent", ns).text
        for n in tree.iter(f"{{{ns['q']}}}Note")
    }
    said = [g for g, text in notes.items() if text and text.startswith("Framework summary")]
    assert [notes[g] for g in said] == [
        "Framework summary, Platform-based coordination: A platform coordinates."
    ]  # the source type's row has no one source to carry it
    source = next(
        s for s in tree.iter(f"{{{ns['q']}}}TextSource") if "phadnis" in s.get("name", "").lower()
    )
    assert said[0] in {ref.get("targetGUID") for ref in source.findall("q:NoteRef", ns)}


def test_a_reread_that_moves_the_words_leaves_a_summary_standing(demo: StoreBuilder) -> None:
    """An upgrade's `ingest --reread` moves offsets and chunk ids, codings following their
    words: a summary still reads the same words and stays written."""
    conn = demo.conn
    pdf = doc_id(conn, PDF)
    summarise_cell(conn, framework(conn), pdf, "reconfiguration", "Recombines.", author="ana")
    shift = len("Preface. ")
    conn.execute("UPDATE documents SET text = 'Preface. ' || text WHERE id = ?", (pdf,))
    for table in ("pages", "chunks", "codings"):
        column = "document_id"
        conn.execute(f"UPDATE {table} SET start = start + ?, end = end + ? WHERE {column} = ?",
                     (shift, shift, pdf))  # fmt: skip
    conn.execute("UPDATE pages SET start = 0 WHERE document_id = ? AND number = 1", (pdf,))
    cell = framework(conn).cell(pdf, "reconfiguration")
    assert cell.refs and cell.refs[0].start >= shift
    assert cell.state() == "written", (cell.new, cell.gone)


def test_findings_yaml_shows_each_sources_summary_under_its_finding(tmp_path: Path) -> None:
    root = synthesis_project(tmp_path / "p")
    run_cli(root, "framework", "write", "Phadnis", "platform", "A platform coordinates.",
            "--coder", "ana")  # fmt: skip
    run_cli(root, "findings", "init")
    text = (root / "findings.yaml").read_text(encoding="utf-8")
    platform = text[text.index("  platform:") : text.index("  reconfiguration:")]
    assert (
        "#   Phadnis (2023): 1\n    #     in the framework: A platform coordinates.\n" in platform
    )
    assert "in the framework" not in text[text.index("  reconfiguration:") :]
    # the file still reads as the findings: comments only
    assert (
        "platform"
        in json.loads(run_cli(root, "findings", "table", "--json"))["findings"][0]["theme"]
    )
