"""`config.save_screening_words`: the workspace writes [screening] into litsynth.toml as a
reviewer would by hand, every other line of the file kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from litsynth.config import load_settings, save_screening_words
from litsynth.errors import ConfigError
from litsynth.scaffold import init_project


def test_the_words_go_into_screening_and_the_rest_of_the_file_stays(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    toml = tmp_path / "p" / "litsynth.toml"
    before = toml.read_text(encoding="utf-8")
    save_screening_words(
        tmp_path / "p",
        criteria="Nudges aimed at clinicians;\nnot patients.",
        include_terms=["nudg*", "default option"],
        exclude_terms=[],
    )
    after = toml.read_text(encoding="utf-8")
    # every line the template wrote is still there (its commented-out defaults included)
    assert [line for line in before.splitlines() if line not in after.splitlines()] == []
    screening = load_settings(tmp_path / "p").screening
    assert screening.criteria == "Nudges aimed at clinicians;\nnot patients."
    assert screening.include_terms == ("nudg*", "default option")
    assert screening.exclude_terms == ()
    # None leaves a value as it is
    save_screening_words(tmp_path / "p", exclude_terms=["protocol"])
    screening = load_settings(tmp_path / "p").screening
    assert screening.include_terms == ("nudg*", "default option")
    assert screening.exclude_terms == ("protocol",)


def test_a_file_without_a_screening_table_gets_one(tmp_path: Path) -> None:
    (tmp_path / "litsynth.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    save_screening_words(tmp_path, include_terms=["nurs*"])
    assert load_settings(tmp_path).screening.include_terms == ("nurs*",)
    assert load_settings(tmp_path).project.name == "x"


def test_a_file_that_does_not_load_is_left_untouched(tmp_path: Path) -> None:
    toml = tmp_path / "litsynth.toml"
    toml.write_text('[screening]\nyear_min = "last year"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        save_screening_words(tmp_path, include_terms=["nurs*"])
    assert toml.read_text(encoding="utf-8") == '[screening]\nyear_min = "last year"\n'
