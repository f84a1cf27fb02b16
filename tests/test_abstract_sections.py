"""Structured abstracts split into their labelled sections, and nothing else split."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import shared
from litsynth.biblio.abstract_sections import AbstractSection, abstract_sections
from litsynth.cli import cli


def _labels(abstract: str) -> list[str]:
    return [s.label for s in abstract_sections(abstract)]


def test_a_pubmed_abstract_in_capitals() -> None:
    text = (
        "BACKGROUND: Antibiotics are overprescribed. METHODS: We ran a cluster trial in 12"
        " practices. RESULTS: Prescribing fell by 11% (95% CI: 4 to 18). CONCLUSIONS: Peer"
        " comparison letters work. TRIAL REGISTRATION: NCT0123."
    )
    assert abstract_sections(text) == [
        AbstractSection("BACKGROUND", "Antibiotics are overprescribed."),
        AbstractSection("METHODS", "We ran a cluster trial in 12 practices."),
        AbstractSection("RESULTS", "Prescribing fell by 11% (95% CI: 4 to 18)."),
        AbstractSection("CONCLUSIONS", "Peer comparison letters work."),
        AbstractSection("TRIAL REGISTRATION", "NCT0123."),
    ]


def test_labels_in_sentence_case_and_a_sentence_first() -> None:
    text = (
        "This review was updated in 2019. Data sources: MEDLINE and Embase. Study selection:"
        " Randomised trials. Authors' conclusions: Nudges help."
    )
    sections = abstract_sections(text)
    assert sections[0] == AbstractSection("", "This review was updated in 2019.")
    assert [s.label for s in sections[1:]] == [
        "Data sources",
        "Study selection",
        "Authors' conclusions",
    ]


def test_emerald_with_dashes_and_with_nothing_between_label_and_text() -> None:
    dashed = "Purpose – To test X. Design/methodology/approach – A survey. Findings – X holds."
    assert _labels(dashed) == ["Purpose", "Design/methodology/approach", "Findings"]
    bare = (
        "Purpose This paper aims to identify the dimensions of service quality."
        " Design/methodology/approach The research has a mixed method. Findings Quality"
        " drives intent. Originality/value The first such study."
    )
    assert abstract_sections(bare)[1] == AbstractSection(
        "Design/methodology/approach", "The research has a mixed method."
    )
    assert _labels(bare)[-1] == "Originality/value"
    # without Emerald's distinctive label, a sentence starting "Findings" is just a sentence
    assert _labels("Purpose This matters. Findings Some were odd.") == [""]


def test_a_leading_abstract_heading_is_not_part_of_the_label() -> None:
    assert _labels("ABSTRACT Purpose: To see. Design: A trial. Findings: It works.") == [
        "Purpose",
        "Design",
        "Findings",
    ]


def test_sentences_that_end_in_a_colon_are_not_labels() -> None:
    text = (
        "The objectives of the study are: to map X and to rank Y. The main findings are:"
        " three factors. Two questions were asked: why and how."
    )
    assert abstract_sections(text) == [AbstractSection("", text)]
    # one label alone is a sentence ("Conclusion: …" closing a plain abstract), not a structure
    one = "We studied nudges in 40 wards. Conclusion: they work."
    assert abstract_sections(one) == [AbstractSection("", one)]
    assert abstract_sections("") == []
    # a colon inside a sentence, even after a capitalised word, starts nothing
    assert _labels("RESULTS: Odds ratio (OR: 1.2). Rates in the ICU: 4%. CONCLUSIONS: Fine.") == [
        "RESULTS",
        "CONCLUSIONS",
    ]


@given(st.lists(st.sampled_from(["Background", "METHODS", "Results", "Data sources"]), min_size=2,
                max_size=5), st.lists(st.text("abc xyz.,", min_size=1, max_size=30), min_size=5,
                max_size=5))  # fmt: skip
def test_every_word_of_the_text_is_kept_in_order(labels: list[str], texts: list[str]) -> None:
    abstract = " ".join(
        f"{label}: {t.strip() or 'x'}." for label, t in zip(labels, texts, strict=False)
    )
    sections = abstract_sections(abstract)
    words = [w for s in sections for w in f"{s.label} {s.text}".split()]
    assert words == [w.rstrip(":") for w in abstract.split() if w != ":"]


def test_the_terminal_shows_each_section_under_its_label(project: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "records.csv"
    sheet.write_text(
        "record_id,title,abstract,year\n"
        'r1,Nudging nurses,"BACKGROUND: Nurses are busy. METHODS: A trial.'
        ' RESULTS: It worked.",2019\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", str(sheet), "--source", "Scopus", "--project", str(project)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["screen", "next", "--project", str(project)], input="q\n")
    lines = result.output.splitlines()
    assert "BACKGROUND: Nurses are busy." in lines
    assert "METHODS: A trial." in lines and "RESULTS: It worked." in lines


def test_real_searches_split_where_a_reader_would() -> None:
    """Nagtegaal 2019 (healthcare: PubMed-style labels) and Kitchenham 2010 (software
    engineering: almost none); counts read off the data, every label one a journal prints."""
    csv.field_size_limit(10**8)
    counts = {}
    for name in ("Nagtegaal_2019/output/Nagtegaal_2019.csv",
                 "Hall_Wahono_Radjenovic_Kitchenham/output/Kitchenham_2010.csv"):  # fmt: skip
        with shared(f"data/screening/{name}").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        structured = [abstract_sections(r["abstract"] or "") for r in rows]
        structured = [s for s in structured if len(s) > 1 or (s and s[0].label)]
        counts[name.split("/")[0]] = len(structured)
        for sections in structured:
            for s in sections[1:]:
                assert s.label, sections  # only text before the first label goes unlabelled
                assert len(s.label.split()) <= 6 and not re.search(r"\d", s.label)
    assert 860 <= counts["Nagtegaal_2019"] <= 900  # 879 when written
    assert counts["Hall_Wahono_Radjenovic_Kitchenham"] <= 10  # 6 when written


def test_a_workbook_shows_each_section_on_its_own_line_and_csv_keeps_one(
    project: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    sheet = tmp_path / "records.csv"
    sheet.write_text(
        "record_id,title,abstract,year\n"
        'r1,Nudging nurses,"BACKGROUND: Nurses are busy. METHODS: A trial.",2019\n'
        'r2,Plain,"One paragraph: no structure.",2019\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["--project", str(project)]
    assert runner.invoke(cli, ["import", str(sheet), "--source", "Scopus", *args]).exit_code == 0
    for name in ("ta.xlsx", "ta.csv"):
        result = runner.invoke(cli, ["screen", "export", str(tmp_path / name), *args])
        assert result.exit_code == 0, result.output
    rows = list(load_workbook(tmp_path / "ta.xlsx").active.iter_rows(values_only=True))
    abstracts = {row[0]: row[2] for row in rows[1:]}
    assert abstracts["r1"] == "BACKGROUND: Nurses are busy.\nMETHODS: A trial."
    assert abstracts["r2"] == "One paragraph: no structure."
    with (tmp_path / "ta.csv").open(encoding="utf-8-sig", newline="") as fh:
        text = {row["record_id"]: row["abstract"] for row in csv.DictReader(fh)}
    assert text["r1"] == "BACKGROUND: Nurses are busy. METHODS: A trial."
