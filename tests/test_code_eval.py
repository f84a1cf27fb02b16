"""`litsynth code eval`: the contract, with figures computed by hand in each test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from litsynth.cli import cli
from litsynth.coding import load_codebook
from litsynth.coding.machine.evaluate import (
    NONE,
    predictions_from,
    read_labelled_csv,
    score_predictions,
)
from litsynth.errors import CodingError

EVAL = FIXTURES / "coding" / "eval"


def test_metrics_by_hand_multi_label() -> None:
    gold = [["a"], ["a"], ["b"], ["b"], ["c"], ["a", "b"]]
    pred = [["a"], ["b"], ["b"], ["b"], ["a"], ["a", "b"]]
    report = score_predictions(
        gold, pred, ["a", "a", "b", "b", "c", "a"], ["a", "b", "b", "b", "a", "a"], ["a", "b", "c"]
    )
    # a: gold in texts 1,2,6; predicted in 1,5,6 → tp 2, fp 1, fn 1.
    assert report.per_code["a"].precision == pytest.approx(2 / 3)
    assert report.per_code["a"].recall == pytest.approx(2 / 3)
    assert report.per_code["a"].f1 == pytest.approx(2 / 3)
    # b: gold in 3,4,6; predicted in 2,3,4,6 → tp 3, fp 1, fn 0; F1 = 2·(3/4)·1/(7/4) = 6/7.
    assert report.per_code["b"].precision == pytest.approx(3 / 4)
    assert report.per_code["b"].recall == 1.0
    assert report.per_code["b"].f1 == pytest.approx(6 / 7)
    # c: never predicted → P = R = F1 = 0, support 1.
    assert (report.per_code["c"].f1, report.per_code["c"].support) == (0.0, 1)
    assert report.macro_f1 == pytest.approx((2 / 3 + 6 / 7 + 0) / 3)  # 32/63
    assert report.accuracy == pytest.approx(4 / 6)  # texts 1, 3, 4, 6 match exactly
    # Top codes agree on 4/6; marginals gold a3 b2 c1, predicted a3 b3 c0 → p_e = 15/36.
    assert report.kappa == pytest.approx((4 / 6 - 15 / 36) / (1 - 15 / 36))  # 3/7


def test_unused_code_is_left_out_of_macro_f1() -> None:
    report = score_predictions(
        [["a"], ["b"]], [["a"], ["a"]], ["a", "b"], ["a", "a"], ["a", "b", "z"]
    )
    # a: tp 1, fp 1 → F1 2/3; b: fn 1 → 0; z: never used → not averaged.
    assert report.macro_f1 == pytest.approx((2 / 3 + 0) / 2)
    assert report.per_code["z"].support == 0


def test_predictions_single_and_multi_label() -> None:
    probs = [[0.9, 0.6, 0.1], [0.2, 0.3, 0.25], [0.1, 0.1, 0.8]]
    thresholds = [0.5, 0.5, 0.5]
    sets, tops = predictions_from(probs, thresholds, ["a", "b", "c"], single_label=False)
    assert sets == [("a", "b"), (), ("c",)]
    assert tops == ["a", NONE, "c"]
    sets, tops = predictions_from(probs, thresholds, ["a", "b", "c"], single_label=True)
    assert sets == [("a",), ("b",), ("c",)] and tops == ["a", "b", "c"]


def test_bad_csv_rows_are_all_named() -> None:
    book = load_codebook(EVAL / "codebook.yaml")
    with pytest.raises(CodingError) as info:
        read_labelled_csv(EVAL / "bad.csv", book)
    message = info.value.message
    assert "3 problem(s)" in message
    assert "bad.csv line 2: unknown code 'platfrom'; did you mean 'platform'?" in message
    assert "bad.csv line 3: unknown code 'contrct'" in message
    assert "bad.csv line 4: empty text" in message


def _eval(project: Path, *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(
        cli,
        ["code", "eval", "--project", str(project), "--codebook", str(EVAL / "codebook.yaml"),
         "--gold", str(EVAL / "gold.csv"), "--json", *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_code_eval_json_contract_by_hand(project: Path) -> None:
    out = _eval(project)
    assert set(out) == {"per_code", "macro_f1", "accuracy", "kappa"}
    # The keywords decide: row 6 (gold governance, text about a marketplace) → platform.
    assert out["per_code"] == {
        "platform": {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2},
        "reconfiguration": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2},
        "governance": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2},
    }
    assert out["macro_f1"] == pytest.approx((0.8 + 1 + 2 / 3) / 3, abs=1e-4)
    assert out["accuracy"] == pytest.approx(5 / 6, abs=1e-4)
    # Tops agree on 5/6; marginals gold p2 r2 g2, predicted p3 r2 g1 → p_e = 12/36.
    assert out["kappa"] == pytest.approx((5 / 6 - 1 / 3) / (1 - 1 / 3), abs=1e-4)  # 0.75


def test_code_eval_with_train_keeps_the_contract(project: Path) -> None:
    out = _eval(project, "--train", str(EVAL / "gold.csv"))
    assert set(out) == {"per_code", "macro_f1", "accuracy", "kappa"}
    assert set(out["per_code"]) == {"platform", "reconfiguration", "governance"}


def test_code_eval_unknown_code_is_an_error(project: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["code", "eval", "--project", str(project), "--codebook", str(EVAL / "codebook.yaml"),
         "--gold", str(EVAL / "bad.csv")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Error: 3 problem(s)" in result.output and "did you mean 'platform'?" in result.output


def test_predictions_file_per_code_kappa_model_source_and_cache(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    monkeypatch.setenv("LITSYNTH_CACHE", str(tmp_path / "cache"))
    predictions = tmp_path / "pred.csv"
    args = ["code", "eval", "--project", str(project), "--codebook", str(EVAL / "codebook.yaml"),
            "--gold", str(EVAL / "gold.csv"), "--predictions", str(predictions)]  # fmt: skip
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert f"model hash-384 (from {project / 'litsynth.toml'}); 0 vectors read" in first.output
    assert "kappa" in first.output.splitlines()[1]
    rows = list(csv.DictReader(predictions.open(encoding="utf-8")))
    assert len(rows) == 6 and {"text", "gold", "predicted", "score:platform"} <= set(rows[0])
    assert sum(r["gold"] == r["predicted"] for r in rows) == 5  # accuracy 5/6, as above
    second = CliRunner().invoke(cli, args)
    assert "vectors read from the cache" in second.output
    assert " 0 vectors read" not in second.output  # a second run embeds nothing again


def test_ids_with_spaces_and_labels_that_keep_word_boundaries(tmp_path: Path) -> None:
    from litsynth.coding.codebook.model import label_from_id

    assert label_from_id("CompareOrContrast") == "Compare or contrast"
    assert label_from_id("SME_orchestration") == "SME orchestration"
    book_path = tmp_path / "cb.yaml"
    book_path.write_text(
        'codes:\n  - id: "Compare or contrast"\n    definition: Two works set side by side.\n'
        "  - id: CompareOrContrast2\n    definition: The same, by its old id.\n",
        encoding="utf-8",
    )
    book = load_codebook(book_path)
    assert book.codes["Compare or contrast"].label == "Compare or contrast"
    assert book.codes["CompareOrContrast2"].label == "Compare or contrast2"
    bad = tmp_path / "bad.yaml"
    bad.write_text('codes:\n  - id: "a;b"\n    definition: x\n', encoding="utf-8")
    with pytest.raises(Exception, match="may not hold ';'"):
        load_codebook(bad)


def test_suggest_show_prints_the_passage_and_its_citation(tmp_path: Path) -> None:
    import shutil

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copytree(repo / "codebook", root / "codebook")
    shutil.copy2(repo / "corpus" / "002_f98a91929306a877.txt", root / "corpus" / "fed.txt")
    assert CliRunner().invoke(cli, ["ingest", "--project", str(root)]).exit_code == 0
    result = CliRunner().invoke(cli, ["code", "suggest", "--show", "2", "--project", str(root)])
    assert result.exit_code == 0, result.output
    shown = result.output.split("\n\n", 1)[1]
    assert "(chunk " in shown and "¶" in shown  # the citation of a text document
    first = shown.strip().splitlines()
    assert len(first) >= 3 and first[1].startswith("  ") and len(first[1].strip()) > 40


def test_train_rows_with_no_code_are_negatives_for_every_code() -> None:
    from litsynth.coding.machine.evaluate import GoldRow, training_examples

    rows = [GoldRow("a platform", ("platform",)), GoldRow("lunch at noon", ())]
    coded, empty = training_examples(rows, ["platform", "governance"])
    assert (coded.positive, coded.negative) == (frozenset({"platform"}), frozenset())
    assert (empty.positive, empty.negative) == (frozenset(), frozenset({"platform", "governance"}))
