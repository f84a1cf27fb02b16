"""Screening terms marked in titles and abstracts: whole words, wildcards, exclusion first."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from litsynth.biblio.highlight import Mark, criteria_words, screening_marks, term_marks
from litsynth.cli import cli
from litsynth.config import ScreeningSettings, load_settings


def _marked(text: str, **terms: list[str]) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.kind) for m in term_marks(text, **terms)]


def test_whole_words_any_case_and_a_wildcard_ending() -> None:
    text = "Nurses and nursing staff; a nurse-led NURSERY. Unnurse."
    assert _marked(text, include=["nurs*"]) == [
        ("Nurses", "include"),
        ("nursing", "include"),
        ("nurse", "include"),
        ("NURSERY", "include"),
    ]
    assert _marked(text, include=["nurse"]) == [("nurse", "include")]


def test_phrases_span_any_space_and_the_longest_term_wins() -> None:
    text = "A randomised\ncontrolled trial, not a trial protocol."
    assert _marked(text, include=["randomi* controlled trial", "trial"]) == [
        ("randomised\ncontrolled trial", "include"),
        ("trial", "include"),
    ]


def test_exclusion_wins_over_inclusion_and_criteria() -> None:
    text = "A study protocol for nurses in hospitals."
    marks = term_marks(
        text,
        include=["study protocol", "nurses"],
        exclude=["protocol"],
        criteria=criteria_words("Nudges for nurses and physicians in hospitals"),
    )
    assert marks == [
        Mark(8, 16, "exclude"),  # "protocol": the inclusion phrase around it gives way
        Mark(21, 27, "include"),
        Mark(31, 40, "criteria"),
    ]


def test_criteria_words_leave_common_words_out_and_nothing_marks_everything() -> None:
    assert criteria_words("Studies of nudges for nurses, published in English") == (
        "nudges",
        "nurses",
    )
    assert term_marks("Any text at all.", include=["*", " ", "* *"]) == []
    assert term_marks("Any text.", include=[]) == []


def test_terms_come_from_the_project_and_reach_the_terminal(project: Path, tmp_path: Path) -> None:
    toml = project / "litsynth.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[screening]\ninclude_terms = ["nudg*"]\nexclude_terms = ["rats"]\n',
        encoding="utf-8",
    )
    settings = load_settings(project, environ={}).screening
    assert settings.include_terms == ("nudg*",) and settings.exclude_terms == ("rats",)
    assert screening_marks("Nudging rats", settings) == [(0, 7, "include"), (8, 12, "exclude")]
    assert screening_marks("Nudging rats", ScreeningSettings()) == []
    sheet = tmp_path / "records.csv"
    sheet.write_text(
        "record_id,title,abstract,year\nr1,Nudging rats,Rats were nudged.,2019\n", encoding="utf-8"
    )
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", str(sheet), "--source", "Scopus", "--project", str(project)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["screen", "next", "--project", str(project)], input="q\n", color=True
    )
    # coloured for a terminal: green for the inclusion term, red for the exclusion one
    assert "\x1b[32m\x1b[1mNudging\x1b[0m" in result.output
    assert "\x1b[31m\x1b[1mRats\x1b[0m were \x1b[32m\x1b[1mnudged\x1b[0m." in result.output
    plain = runner.invoke(cli, ["screen", "next", "--project", str(project)], input="q\n")
    assert "Rats were nudged." in plain.output and "\x1b[" not in plain.output
