"""`litsynth words`: word frequency and keyness of a theme's coded spans (or a document's, or
the corpus's passages) against the rest of the corpus, and a word's uses in context, cited."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.records import Passage
from litsynth.synthesis.words import (
    counted,
    in_context,
    log_likelihood,
    log_ratio,
    phrases,
    word_table,
)


def test_log_likelihood_and_log_ratio_are_the_published_measures() -> None:
    # 10 in 1,000 words here, 5 in 2,000 there: expected 5 and 10, G² = 2(10 ln 2 + 5 ln ½)
    assert log_likelihood(10, 5, 1000, 2000) == pytest.approx(10 * math.log(2))
    assert log_likelihood(5, 10, 2000, 1000) == pytest.approx(-10 * math.log(2))  # used less
    assert log_likelihood(0, 0, 1000, 2000) == 0.0
    assert log_ratio(10, 5, 1000, 2000) == pytest.approx(math.log2((10.5 / 1000) / (5.5 / 2000)))
    assert math.isfinite(log_ratio(7, 0, 100, 100))  # absent from the rest: still finite


def test_words_are_letters_long_enough_and_not_stop_words() -> None:
    tokens = [("The", "the", 0, 3), ("platforms", "platform", 4, 13), ("do", "do", 14, 16),
              ("42", "42", 17, 19), ("co", "co", 20, 22), ("Does", "do", 23, 27)]  # fmt: skip
    kept = list(counted(tokens, frozenset({"the", "do"}), 3))
    assert kept == [("platforms", "platform", 4, 13)]


def test_a_table_counts_lemmas_shows_the_commonest_form_and_weighs_against_the_rest() -> None:
    units = [
        [("Platforms", "platform", 0, 9), ("trust", "trust", 10, 15)],
        [("platform", "platform", 0, 8), ("platforms", "platform", 9, 18)],
    ]
    table = word_table(
        units, {"trust": 40, "platform": 1}, documents=["a", "a"], describe="2 passages",
        rest_units=30, top=0, sort="keyness",
    )  # fmt: skip
    platform, trust = table.words
    assert (platform.word, platform.forms, platform.count, platform.units) == (
        "platforms", ("platforms", "platform"), 3, 2,
    )  # fmt: skip
    assert platform.documents == 1 and platform.share == 0.75 and platform.significant
    assert trust.g2 < 0 < platform.g2  # trust is used less here than in the rest
    assert (table.tokens, table.rest_tokens, table.units, table.rest_units) == (4, 41, 2, 30)


def test_phrases_are_two_words_with_only_a_space_or_a_hyphen_between() -> None:
    text = "Supply chains and the supply-chain of supply. Chain orchestration"
    tokens = [("Supply", "supply", 0, 6), ("chains", "chain", 7, 13),
              ("supply", "supply", 22, 28), ("chain", "chain", 29, 34),
              ("supply", "supply", 38, 44), ("Chain", "chain", 46, 51),
              ("orchestration", "orchestration", 52, 65)]  # fmt: skip
    found = phrases(text, tokens)
    assert [(form, lemma) for form, lemma, _s, _e in found] == [
        ("Supply chains", "supply chain"),
        ("supply-chain", "supply chain"),  # "and the" and ". " keep the others apart
        ("Chain orchestration", "chain orchestration"),
    ]
    assert found[1][2:] == (22, 34)


def test_a_word_in_context_finds_every_form_with_its_citation() -> None:
    text = "Firms share data on platforms. A platform needs trust."
    passage = Passage(
        "c1", "d1", 100, 100 + len(text), text, kind="text", path="x.md",
        authors=("Doe, Ann",), year=2021, section="Findings", paragraph=2,
    )  # fmt: skip
    tokens = [[("platforms", "platform", 20, 29), ("platform", "platform", 33, 41),
               ("trust", "trust", 48, 53)]]  # fmt: skip
    uses = in_context([passage], tokens, "Platform", width=14)
    assert [u.word for u in uses] == ["platforms", "platform"]
    assert uses[0].start == 120 and uses[0].end == 129  # offsets in the document's text
    assert uses[0].left == "…share data on " and uses[1].passage.citation == passage.citation


@pytest.mark.slow
def test_the_command_counts_a_themes_spans_and_shows_a_word_in_context(
    demo_project: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    project = ["--project", str(demo_project)]
    shown = runner.invoke(
        cli, ["words", "--code", "digital-enablement", "--by", "keyness", "--top", "10",
              "--source", "both", "--json", *project],
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    table = json.loads(shown.output)
    assert " coded spans of Digital enablement of orchestration" in table["selection"]
    words = {w["word"]: w for w in table["words"]}
    assert "digital" in words and words["digital"]["significant"] and words["digital"]["g2"] > 0
    assert table["tokens"] + table["rest_tokens"] > 10_000
    first = table["words"][0]["word"]
    context = runner.invoke(
        cli, ["words", "--code", "digital-enablement", "--source", "both", "--context", first,
              "--json", *project],
    )  # fmt: skip
    uses = json.loads(context.output)["uses"]
    assert len(uses) == table["words"][0]["count"]  # every counted use is shown
    assert all(u["citation"] and u["word"].lower().startswith(first[:4].lower()) for u in uses)
    both = ["--source", "both", *project]
    paired = runner.invoke(cli, ["words", "--phrases", "--top", "3", "--json", *both])
    top = json.loads(paired.output)
    assert top["kind"] == "phrases" and top["words"][0]["word"] == "supply chain"
    said = runner.invoke(cli, ["words", "--context", "supply chain", "--json", *both])
    assert len(json.loads(said.output)["uses"]) == top["words"][0]["count"]
    versus = runner.invoke(
        cli, ["words", "--code", "digital-enablement", "--against",
              "orchestration-value-creation", "--json", *both],
    )  # fmt: skip
    weighed = json.loads(versus.output)
    assert weighed["reference"].endswith(
        "coded spans of Value creation through orchestration"
        " (human codings and unreviewed machine suggestions)"
    )
    assert weighed["rest_tokens"] < table["rest_tokens"]  # one theme, not the whole rest
    sheet = tmp_path / "words.csv"
    written = runner.invoke(cli, ["words", "--top", "5", "--out", str(sheet), *project])
    assert written.exit_code == 0 and "against" not in written.output.splitlines()[0]
    assert sheet.read_text(encoding="utf-8-sig").startswith("word,forms,count,weighted_percent")
    unknown = runner.invoke(cli, ["words", "--code", "digital-enablment", *project])
    assert unknown.exit_code == 1 and "digital-enablement" in unknown.output  # did you mean


def test_the_words_of_a_corpus_need_no_codebook(project: Path) -> None:
    """Before any code exists, the corpus's words (and a document's) can be counted; asking
    for a code then says there is no codebook."""
    (project / "corpus" / "notes.md").write_text(
        "# Findings\n\nPlatforms coordinate suppliers. The platform shares data with every"
        " supplier, and suppliers trust the platform.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--project", str(project)]).exit_code == 0
    shown = runner.invoke(cli, ["words", "--json", "--project", str(project)])
    assert shown.exit_code == 0, shown.output
    words = {w["word"]: w for w in json.loads(shown.output)["words"]}
    assert words["platform"]["count"] == 3 and words["platform"]["forms"] == [
        "platform",
        "platforms",
    ]
    assert words["suppliers"]["count"] == 3 and "the" not in words and "with" not in words
    coded = runner.invoke(cli, ["words", "--code", "trust", "--project", str(project)])
    assert coded.exit_code == 1 and "codebook" in coded.output
