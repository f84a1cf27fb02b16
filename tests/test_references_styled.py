"""Records as CSL items and as a reference list in a citation style (`biblio.csl`,
`biblio.styled`, `litsynth export references`, `export records --format json`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.biblio.csl import csl_name, to_csl
from litsynth.biblio.styled import (
    Reference,
    Run,
    format_references,
    reference_markdown,
    style_file,
    write_references,
)
from litsynth.cli import cli
from litsynth.errors import BiblioError
from litsynth.records import BibRecord

ARTICLE = BibRecord(
    id="r1", source="Scopus", batch_id="b", title="Creating value through supply chain"
    " orchestration as a business model", authors=("Phadnis, Shardul S.", "Fine, CH"),
    year=2023, doi="10.5465/amp.2022.0001", journal="Academy of Management Perspectives",
    extra={"volume": "37", "number": "2", "pages": "101--118"},
)  # fmt: skip
BOOK = BibRecord(
    id="r2", source="Scopus", batch_id="b", title="Qualitative data analysis",
    authors=("Miles, Matthew B.", "Huberman, A. Michael"), year=1994, journal="Sage",
    doc_type="book",
)  # fmt: skip
ANONYMOUS = BibRecord(
    id="r3", source="Websites", batch_id="b", title="What is supply chain orchestration?",
    doc_type="elec", extra={"url": "https://example.org/orchestration"},
)  # fmt: skip


def _run(project: Path, *args: object) -> str:
    done = CliRunner().invoke(cli, [*map(str, args), "--project", str(project)])
    assert done.exit_code == 0, done.output
    return done.output


def test_names_become_csl_people_or_institutions() -> None:
    assert csl_name("Phadnis, Shardul S.") == {"family": "Phadnis", "given": "Shardul S."}
    assert csl_name("Fine, CH") == {"family": "Fine", "given": "C. H."}  # MEDLINE's initials
    assert csl_name("World Health Organization") == {"literal": "World Health Organization"}
    assert csl_name("Plato") == {"literal": "Plato"}


def test_a_record_as_a_csl_item() -> None:
    item = to_csl(ARTICLE)
    assert item["type"] == "article-journal"
    assert item["container-title"] == "Academy of Management Perspectives"
    assert (item["volume"], item["issue"], item["page"]) == ("37", "2", "101-118")
    assert item["issued"] == {"date-parts": [[2023]]}
    assert to_csl(BOOK)["publisher"] == "Sage" and "container-title" not in to_csl(BOOK)
    # BibTeX's @article and Web of Science's "Review" are journal articles, not CSL's own
    for doc_type in ("article", "Review"):
        bib = BibRecord(id="x", source="s", batch_id="b", title="T", doc_type=doc_type)
        assert to_csl(bib)["type"] == "article-journal"
    # a sheet's empty cell read by pandas as "nan" is no page
    sheet = BibRecord(id="y", source="s", batch_id="b", title="T",
                      extra={"start_page": "e0188810", "end_page": "nan"})  # fmt: skip
    assert to_csl(sheet)["page"] == "e0188810"


def test_apa_reference_list_in_order_with_its_formatting() -> None:
    listing = format_references([ARTICLE, BOOK, ANONYMOUS])
    assert listing.style == "APA Style 7th edition" and listing.hanging_indent
    assert [r.record_id for r in listing.references] == ["r2", "r1", "r3"]  # alphabetical
    book, article, web = listing.references
    assert article.text == (
        "Phadnis, S. S., & Fine, C. H. (2023). Creating value through supply chain orchestration"
        " as a business model. Academy of Management Perspectives, 37(2), 101–118."
        " https://doi.org/10.5465/amp.2022.0001"
    )
    italic = [r.text for r in article.runs if "italic" in r.marks]
    assert italic == ["Academy of Management Perspectives", "37"]
    assert book.text == "Miles, M. B., & Huberman, A. M. (1994). Qualitative data analysis. Sage."
    # a work without authors: its title leads, once, and its "?" is not followed by "."
    assert web.text == (
        "What is supply chain orchestration? (n.d.). Retrieved https://example.org/orchestration"
    )


def test_other_styles_numbers_and_quotes() -> None:
    ieee = format_references([ARTICLE, BOOK], "ieee")
    assert [r.label for r in ieee.references] == ["[1]", "[2]"]  # citation order, set apart
    assert ieee.references[0].text.startswith("[1] S. S. Phadnis and C. H. Fine, “Creating")
    # US English puts the comma inside the closing quote
    assert "business model,” " in ieee.references[0].text
    chicago = format_references([ANONYMOUS], "chicago-author-date")
    assert chicago.references[0].text.count("Orchestration?") == 1


def test_a_work_without_authors_sorts_by_its_title() -> None:
    anonymous = BibRecord(id="a", source="s", batch_id="b", title="Kanban in practice",
                          year=2019, journal="J")  # fmt: skip
    apa = format_references([ARTICLE, BOOK, anonymous])
    assert [r.record_id for r in apa.references] == ["a", "r2", "r1"]  # K < M < P
    ieee = format_references([ARTICLE, BOOK, anonymous], "ieee")
    assert [r.record_id for r in ieee.references] == ["r1", "r2", "a"]  # as cited


def test_an_ellipsis_in_a_title_keeps_its_dots() -> None:
    waiting = BibRecord(id="w", source="s", batch_id="b", title="Waiting for the platform...",
                        authors=("Lee, K.",), year=2020, journal="J")  # fmt: skip
    shown = format_references([waiting]).references[0].text
    assert "Waiting for the platform..." in shown and "Waiting for the platform.. " not in shown


def test_ids_that_differ_only_in_case_stay_two_references() -> None:
    upper = BibRecord(id="R2", source="s", batch_id="b", title="Another data analysis",
                      authors=("Miles, Matthew B.",), year=1994)  # fmt: skip
    listing = format_references([BOOK, upper])
    assert sorted(r.record_id for r in listing.references) == ["R2", "r2"]


def test_styles_by_name_by_file_and_their_errors(tmp_path: Path) -> None:
    # a journal's own (dependent) style resolves to the style it uses
    assert style_file("journal-of-operations-management").suffix == ".csl"
    with pytest.raises(BiblioError) as unknown:
        style_file("chicago-author-dates")
    assert "chicago-author-date" in (unknown.value.hint or "")
    copied = tmp_path / "mine.csl"
    copied.write_bytes(style_file("apa").read_bytes())
    assert format_references([BOOK], str(copied)).references[0].text.startswith("Miles, M. B.")
    with pytest.raises(BiblioError, match="no style file"):
        style_file(str(tmp_path / "absent.csl"))
    broken = tmp_path / "broken.csl"
    broken.write_text("<style>not csl", encoding="utf-8")
    with pytest.raises(BiblioError, match="cannot read the citation style"):
        format_references([BOOK], str(broken))
    with pytest.raises(BiblioError, match="no reference list"):
        format_references([BOOK], "chicago-notes")


def test_markdown_escapes_and_marks() -> None:
    runs = (
        Run("A*B_C. "), Run("Journal", frozenset({"italic"})), Run(", "),
        Run("12", frozenset({"bold"})), Run("2", frozenset({"super"})),
    )  # fmt: skip
    ref = Reference("x", runs)
    assert reference_markdown(ref) == r"A\*B\_C. *Journal*, **12**<sup>2</sup>"


def test_written_in_each_format(tmp_path: Path) -> None:
    import docx

    listing = format_references([ARTICLE, BOOK])
    written = write_references(listing, tmp_path / "refs.docx")
    paragraphs = [p for p in docx.Document(str(written)).paragraphs if p.text][1:]
    assert [p.text for p in paragraphs] == [r.text for r in listing.references]
    first = paragraphs[0]
    assert first.paragraph_format.first_line_indent < 0  # hanging
    assert [r.text for r in first.runs if r.italic] == ["Qualitative data analysis"]
    md = write_references(listing, tmp_path / "refs.md").read_text(encoding="utf-8")
    assert "*Academy of Management Perspectives*, *37*(2)" in md
    page = write_references(listing, tmp_path / "refs.html").read_text(encoding="utf-8")
    assert "<i>Qualitative data analysis</i>" in page and 'id="r1"' in page
    text = write_references(listing, tmp_path / "refs.txt").read_text(encoding="utf-8")
    assert text.split("\n\n")[0] == listing.references[0].text
    with pytest.raises(BiblioError, match="cannot tell the format"):
        write_references(listing, tmp_path / "refs.pdf")


def test_export_references_of_the_included_studies(two_included: Path, tmp_path: Path) -> None:
    printed = _run(two_included, "export", "references")
    assert printed.splitlines() == [
        "Hallsworth, M. (2016). Peer comparison letters reduce antibiotic overprescribing by"
        " general practitioners. The Lancet. https://doi.org/10.1000/r02",
        "Smith, J., & Berg, A. (2019). Nudging physicians with default options in electronic"
        " order sets. Journal of Behavioral Public Administration. https://doi.org/10.1000/r01",
    ]
    out = tmp_path / "excluded.docx"
    said = _run(two_included, "export", "references", out, "--stage", "excluded", "--style",
                "ieee")  # fmt: skip
    ieee = "IEEE Reference Guide version 11.29.2023"
    assert said.strip() == f"Wrote 1 reference (excluded, {ieee}) to {out}"
    as_json = json.loads(_run(two_included, "export", "references", "--json"))
    assert [r["record_id"] for r in as_json["references"]] == ["r02", "r01"]
    assert as_json["style"] == "APA Style 7th edition" and as_json["warnings"] == []
    done = CliRunner().invoke(cli, ["export", "references", "--style", "apaa",
                                    "--project", str(two_included)])  # fmt: skip
    assert done.exit_code == 1 and "no citation style 'apaa'" in done.output


def test_csl_json_export_imports_back_with_the_same_records(
    two_included: Path, tmp_path: Path
) -> None:
    out = tmp_path / "included.json"
    _run(two_included, "export", "records", out)
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["r01", "r02"]
    assert items[0]["author"] == [{"family": "Smith", "given": "John"},
                                  {"family": "Berg", "given": "Anna"}]  # fmt: skip
    assert "title/abstract: include" in items[0]["note"]  # the review's decisions
    other = tmp_path / "other"
    _run(other, "init")
    _run(other, "import", out, "--source", "Zotero")
    again = json.loads(_run(other, "export", "records", "--stage", "all", "--format", "json",
                            "--out", tmp_path / "again.json", "--json"))  # fmt: skip
    assert again["records"] == 2
    back = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert [(i["id"], i["title"], i["DOI"]) for i in back] == [
        (i["id"], i["title"], i["DOI"]) for i in items
    ]


def test_the_projects_style_is_the_default(two_included: Path) -> None:
    toml = two_included / "litsynth.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[synthesis]\ncitation_style = "ieee"\n',
                    encoding="utf-8")  # fmt: skip
    assert _run(two_included, "export", "references").startswith("[1] J. Smith and A. Berg")
    assert _run(two_included, "export", "references", "--style", "apa").startswith("Hallsworth")


def test_a_chapter_names_its_book_and_editors_in_each_format() -> None:
    """RIS A2 (a chapter's secondary authors), BibTeX `editor` and CSL-JSON `editor` are
    the book's editors; APA capitalises their label, which citeproc-py alone did not."""
    from litsynth.biblio.readers import build_batch

    exports = {
        "ch.ris": "TY  - CHAP\nTI  - A chapter\nAU  - Doe, Jane\nA2  - Ed, Alan\nA2  - Other, Bea\n"
        "T2  - The Book\nPY  - 2020\nSP  - 10\nEP  - 20\nPB  - Sage\nER  - \n",
        "ch.bib": "@incollection{k, title={A chapter}, author={Doe, Jane}, editor={Ed, Alan and"
        " Other, Bea}, booktitle={The Book}, year={2020}, pages={10--20}, publisher={Sage}}\n",
        "ch.json": json.dumps([{"id": "k", "type": "chapter", "title": "A chapter",
                                "author": [{"family": "Doe", "given": "Jane"}],
                                "editor": [{"family": "Ed", "given": "Alan"},
                                           {"family": "Other", "given": "Bea"}],
                                "issued": {"date-parts": [[2020]]}, "page": "10-20",
                                "container-title": "The Book", "publisher": "Sage"}]),
    }  # fmt: skip
    for name, text in exports.items():
        (record,) = build_batch(text.encode(), name, "Zotero").records
        apa = format_references([record]).references[0].text
        assert apa == (
            "Doe, J. (2020). A chapter. In A. Ed & B. Other (Eds.), The Book (pp. 10–20). Sage."
        ), name
        harvard = format_references([record], "harvard-cite-them-right").references[0].text
        assert "in A. Ed and B. Other (eds.) The Book" in harvard, name
    # a journal article's RIS A2 is not taken for editors
    article = BibRecord(id="j", source="s", batch_id="b", title="T", doc_type="JOUR",
                        extra={"secondary_authors": "Someone, Else"})  # fmt: skip
    assert "editor" not in to_csl(article)
