"""Matrix writers (CSV + long back-links, XLSX with hyperlinks, Markdown) and the CLI commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from litsynth.coding.codebook.load import load_codebook
from litsynth.synthesis.from_store import matrix_from_store
from litsynth.synthesis.matrix import Matrix
from litsynth.synthesis.tables import to_markdown, write_csv, write_matrix, write_xlsx
from synthesis_store import FIXTURES, demo_store, synthesis_project

CODEBOOK = load_codebook(FIXTURES / "codebook.yaml")


@pytest.fixture
def matrix(tmp_path: Path) -> Matrix:
    store = demo_store(tmp_path / "litsynth.db")
    return matrix_from_store(store.conn, CODEBOOK, rows="attr:source_type", cols="themes")


def test_csv_counts_and_long_backlinks(matrix: Matrix, tmp_path: Path) -> None:
    counts_path, links_path = write_csv(matrix, tmp_path / "m.csv")
    assert links_path.name == "m-passages.csv"
    counts = pd.read_csv(counts_path, index_col=0)
    assert list(counts.columns) == [*matrix.col_labels.values(), "Total"]
    assert counts.loc["empirical", "Dynamic resource reconfiguration"] == 2
    assert counts.loc["Total", "Total"] == matrix.total[0]
    links = pd.read_csv(links_path)
    assert len(links) == int(matrix.passages.to_numpy().sum())
    row = links[(links.row == "empirical") & (links.column == "Platform-based coordination")].iloc[
        0
    ]
    assert row.citation == "Phadnis (2023), p. 1" and row.passage_id and isinstance(row.quote, str)


def test_xlsx_links_each_count_to_its_passages(matrix: Matrix, tmp_path: Path) -> None:
    (path,) = write_xlsx(matrix, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Passages", "Documents", "Back-links"]
    sheet, back = wb["Passages"], wb["Back-links"]
    header = [c.value for c in back[1]]
    linked = 0
    for r_index, r in enumerate(matrix.row_keys, start=2):
        for c_index, c in enumerate(matrix.col_keys, start=2):
            cell = sheet.cell(row=r_index, column=c_index)
            assert cell.value == matrix.passages.loc[r, c]
            if cell.value:
                linked += 1
                target_row = int(cell.hyperlink.location.split("!A")[1])
                values = dict(zip(header, [c.value for c in back[target_row]], strict=True))
                assert (values["row_key"], values["column_key"]) == (r, c)
            else:
                assert cell.hyperlink is None
    assert linked == sum(1 for refs in matrix.cells.values() if refs)
    assert wb["Documents"].cell(row=2, column=1).value == matrix.row_labels[matrix.row_keys[0]]


def test_docx_table_links_each_count_to_its_quotes(matrix: Matrix, tmp_path: Path) -> None:
    """The Word table: every count is a link to a bookmarked heading "row × column" whose
    list holds that cell's passages, each with its citation; and litsynth reads it back."""
    import zipfile

    from defusedxml import ElementTree

    from litsynth.ingest import parse_file

    (path,) = write_matrix(matrix, tmp_path / "m.docx", "docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as package:
        body = ElementTree.fromstring(package.read("word/document.xml")).find(f"{w}body")
    paragraphs = list(body.iter(f"{w}p"))
    marks = {}
    for i, p in enumerate(paragraphs):
        for mark in p.iter(f"{w}bookmarkStart"):
            marks[mark.get(f"{w}name")] = i
    links = {
        link.get(f"{w}anchor"): "".join(link.itertext()) for link in body.iter(f"{w}hyperlink")
    }
    assert len(links) == sum(1 for refs in matrix.cells.values() if refs)
    for (r, c), refs in matrix.ordered_cells():
        anchor = f"cell_{matrix.row_keys.index(r)}_{matrix.col_keys.index(c)}"
        assert links[anchor] == f"{len(refs)} ({len({ref.document_id for ref in refs})})"
        at = marks[anchor]
        heading = "".join(paragraphs[at].itertext())
        assert heading == f"{matrix.row_labels[r]} × {matrix.col_labels[c]}"
        listed = ["".join(p.itertext()) for p in paragraphs[at + 1 : at + 1 + len(refs)]]
        assert listed == [f"{ref.citation} — “{ref.shown_quote}”" for ref in refs]
    text = parse_file(path).text
    assert "empirical | 1 (1) | 2 (1) | 3 (1)" in text
    assert "Phadnis (2023), p. 1 — “Orchestrators use a digital platform" in text


def test_markdown_table_and_quotes(matrix: Matrix) -> None:
    text = to_markdown(matrix, links_per_cell=1)
    lines = text.splitlines()
    assert lines[0].startswith("| source_type | Platform-based coordination |")
    assert "| empirical | 1 (1) | 2 (1) |  | 3 (1) |" in lines
    assert "**empirical × Platform-based coordination**" in text
    assert "Phadnis (2023), p. 1 — “Orchestrators use a digital platform" in text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    # the store is coded partly by the machine: its tables count those suggestions too
    return synthesis_project(tmp_path / "review", source="both")


def test_cli_matrix_prints_and_writes(project: Path, tmp_path: Path) -> None:
    from litsynth.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["matrix", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "| Phadnis (2023) | 1 | 2 |  | 3 |" in result.output
    out = tmp_path / "m.xlsx"
    result = runner.invoke(
        cli, ["matrix", "--project", str(project), "--rows", "attr:source_type", "--out", str(out)]
    )
    assert result.exit_code == 0 and out.exists()
    result = runner.invoke(cli, ["matrix", "--project", str(project), "--cooccurrence", "--json"])
    data = json.loads(result.output)
    assert data["rows"] == data["cols"] == "codes"
    assert all(link["chunk_id"] for cell in data["cells"] for link in cell["links"])
    result = runner.invoke(cli, ["matrix", "--project", str(project), "--rows", "sources"])
    assert result.exit_code == 1 and "unknown row dimension 'sources'" in result.output


def test_cli_cited_and_attributes(project: Path) -> None:
    from litsynth.cli import cli

    runner = CliRunner()
    result = runner.invoke(
        cli, ["cited", "--project", str(project), "--theme", "platform", "--json"]
    )
    assert result.exit_code == 0, result.output
    works = json.loads(result.output)["platform"]
    assert (
        works[0]["label"] in {"Cao & Zhang (2011)", "Phadnis (2023)"}
        and works[0]["n_passages"] == 3
    )
    result = runner.invoke(
        cli, ["attributes", "set", "note.txt", "source_type=case-based", "--project", str(project)]
    )
    assert result.exit_code == 0 and "source_type=case-based" in result.output
    result = runner.invoke(cli, ["matrix", "--project", str(project), "--rows", "attr:source_type"])
    assert "| case-based |" in result.output and "practitioner" not in result.output


def test_matrix_and_cited_count_human_codings_unless_asked(tmp_path: Path) -> None:
    """Default [synthesis] source = human: an unreviewed suggestion is not a coding."""
    from litsynth.cli import cli

    root = tmp_path / "review"
    (root / "codebook").mkdir(parents=True)
    shutil.copy(FIXTURES / "codebook.yaml", root / "codebook" / "codebook.yaml")
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    demo_store(root / "litsynth.db").conn.close()

    def coded(*args: str) -> int:
        result = CliRunner().invoke(
            cli, ["matrix", "--rows", "codes", "--cols", "codes", "--json", "--project",
                  str(root), *args],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return int(json.loads(result.output)["total"]["passages"])

    human, machine, both = coded(), coded("--source", "machine"), coded("--source", "both")
    assert coded("--source", "human") == human
    assert 0 < human < both and 0 < machine < both
    bad = CliRunner().invoke(cli, ["matrix", "--source", "robots", "--project", str(root)])
    assert bad.exit_code == 2


def test_docx_columns_hold_their_longest_word_and_fit_the_page() -> None:
    """Word and LibreOffice give every column the same width unless told: a walk through a
    five-code matrix of 13 papers broke "Chowdh|ury et al." and "constru|ction". Each column
    is now at least its longest word wide at the size chosen, and the table fits the page."""
    from litsynth.synthesis.word import _LANDSCAPE, _PORTRAIT, _points, table_layout

    labels = ["1903.10676.pdf (n.d.)", "Chowdhury et al. (2022)", "Total"]
    headers = ["documents", "User study", "Dataset construction", "Models and metrics",
               "Benefits for readers", "Limitations", "Total"]  # fmt: skip
    landscape, size, widths = table_layout(labels, headers)
    page = _LANDSCAPE if landscape else _PORTRAIT
    assert sum(widths) <= page + 1e-6
    for text, width in zip(["1903.10676.pdf", *headers[1:]], widths, strict=True):
        assert width >= _points(max(len(w) for w in text.split()), size), (text, width)
    # a small table is not stretched across the page: counts need 1.25" at most
    assert table_layout(["Phadnis (2023)"], ["codes", "Total"])[2][1] <= 1.25 * 72
    # twenty codes do not fit a portrait page: landscape, smaller type, the page's width
    many = ["codes", *[f"Code number {i}" for i in range(20)]]
    landscape, size, widths = table_layout(["a"], many)
    assert landscape and size == 8.0 and sum(widths) == pytest.approx(_LANDSCAPE)


def test_xlsx_rows_are_as_tall_as_their_wrapped_quotes(matrix: Matrix, tmp_path: Path) -> None:
    """LibreOffice keeps a row at the height the file gives; wrapped quotes were drawn over
    the rows below. Each back-link row is as tall as its quote needs, and a sheet of counts
    prints one page wide with its header on every page."""
    (path,) = write_xlsx(matrix, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    back = wb["Back-links"]
    quote = [c.value for c in back[1]].index("quote") + 1
    width = back.column_dimensions[back.cell(row=1, column=quote).column_letter].width
    for r in range(2, back.max_row + 1):
        text = back.cell(row=r, column=quote).value
        lines = -(-len(text) // int(width * 1.15))
        assert (back.row_dimensions[r].height or 15.0) == 15.0 * lines, (r, text)
    counts = wb["Passages"]
    assert counts.sheet_properties.pageSetUpPr.fitToPage
    assert (counts.page_setup.fitToWidth, counts.page_setup.fitToHeight) == (1, 0)
    assert counts.print_title_rows == "$1:$1"
