"""Agreement statistics on a fixture whose every figure is worked out by hand below.

tests/fixtures/agree/coder_a.csv and coder_b.csv: ten shared items (1-10), codes gov, plat,
value; item 11 only in A, item 12 only in B.

    item  A           B
    1     gov         gov
    2     gov;plat    plat;gov      same set, different first code
    3     plat        plat
    4     value       gov           disagreement
    5     -           -
    6     gov;value   gov           disagreement
    7     plat        plat;value    disagreement
    8     value       value
    9     gov         gov
    10    plat;value  plat;value
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.cli import cli
from litsynth.coding.human.agreement import (
    CoderSheet,
    RatedItem,
    agree,
    compare,
    kappa,
    nominal_alpha,
    read_coder_sheet,
    split_codes,
)
from litsynth.errors import CodingError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "agree"
A = FIXTURES / "coder_a.csv"
B = FIXTURES / "coder_b.csv"


def test_per_code_kappa_matches_the_2x2_tables_by_hand() -> None:
    report = agree(A, B)
    per_code = {c.code: c for c in report.per_code}

    # gov: A on 1,2,6,9; B on 1,2,4,6,9.
    #            B yes  B no
    #   A yes      4      0
    #   A no       1      5        n = 10
    # p_o = (4 + 5) / 10 = 0.9; p_A = 0.4, p_B = 0.5
    # p_e = 0.4*0.5 + 0.6*0.5 = 0.5; kappa = (0.9 - 0.5) / (1 - 0.5) = 0.8
    gov = per_code["gov"]
    assert (gov.both, gov.a_only, gov.b_only, gov.neither) == (4, 0, 1, 5)
    assert gov.kappa == pytest.approx(0.8)

    # plat: both on 2,3,7,10, neither on the other six: perfect, kappa = 1.
    assert per_code["plat"].kappa == pytest.approx(1.0)

    # value: A on 4,6,8,10; B on 7,8,10.
    #            B yes  B no
    #   A yes      2      2
    #   A no       1      5
    # p_o = 7/10 = 0.7; p_A = 0.4, p_B = 0.3
    # p_e = 0.4*0.3 + 0.6*0.7 = 0.12 + 0.42 = 0.54; kappa = 0.16 / 0.46 = 0.3478
    value = per_code["value"]
    assert (value.both, value.a_only, value.b_only, value.neither) == (2, 2, 1, 5)
    assert value.kappa == pytest.approx(0.16 / 0.46)
    assert value.percent_agreement == pytest.approx(0.7)


def test_overall_kappa_alpha_and_percent_by_hand() -> None:
    report = agree(A, B)
    assert report.n_items == 10
    assert report.codes == ("gov", "plat", "value")

    # Pooled item x code matrix, 30 cells: both 4+4+2 = 10, A only 0+0+2 = 2,
    # B only 1+0+1 = 2, neither 5+6+5 = 16.
    # p_o = 26/30; p_A = p_B = 12/30 = 0.4; p_e = 0.4^2 + 0.6^2 = 0.52
    # kappa = (26/30 - 0.52) / 0.48 = (65/75 - 39/75) / (36/75) = 26/36 = 13/18
    assert report.kappa == pytest.approx(13 / 18)

    # Krippendorff's alpha (nominal, 2 coders, 30 units): coincidences count each unit both
    # ways, so o(1,1) = 20, o(0,0) = 32, o(0,1) = o(1,0) = 4; n = 60, n_1 = 24, n_0 = 36.
    # D_o = 8/60; D_e = 2 * 24 * 36 / (60 * 59) = 1728/3540
    # alpha = 1 - D_o / D_e = 1 - (8 * 3540) / (60 * 1728) = 1 - 59/216 = 157/216
    assert report.alpha == pytest.approx(157 / 216)

    # Identical code sets on 1,2,3,5,8,9,10 (7 of 10); 4, 6 and 7 differ.
    assert report.percent_agreement == pytest.approx(0.7)
    assert [d.id for d in report.disagreements] == ["4", "6", "7"]
    assert report.disagreements[1].a == ("gov", "value")
    assert report.disagreements[1].b == ("gov",)


def test_first_code_kappa_by_hand() -> None:
    # First codes A: gov gov plat value (none) gov plat value gov plat
    #             B: gov plat plat gov  (none) gov plat value gov plat
    # agree on 8 of 10 (items 2 and 4 differ): p_o = 0.8
    # marginals A: gov 4, plat 3, value 2, none 1; B: gov 4, plat 4, value 1, none 1
    # p_e = (4*4 + 3*4 + 2*1 + 1*1) / 100 = 0.31; kappa = 0.49 / 0.69 = 0.7101
    assert agree(A, B).kappa_first_code == pytest.approx(0.49 / 0.69)


def test_items_rated_by_one_coder_are_reported_not_dropped() -> None:
    report = agree(A, B)
    assert report.only_in_a == ("11",)
    assert report.only_in_b == ("12",)
    data = report.to_json()
    assert data["only_in_a"] == ["11"] and data["only_in_b"] == ["12"]


def test_json_keys_are_the_contract() -> None:
    data = agree(A, B).to_json()
    assert {
        "kappa",
        "kappa_first_code",
        "kappa_per_code",
        "alpha",
        "percent_agreement",
        "n_items",
        "disagreements",
        "only_in_a",
        "only_in_b",
    } <= set(data)
    assert data["kappa_per_code"] == {"gov": 0.8, "plat": 1.0, "value": 0.3478}
    assert data["disagreements"][0] == {
        "id": "4",
        "text": "The network captures value from pooled demand.",
        "a": ["value"],
        "b": ["gov"],
    }


def test_undefined_kappa_is_none_not_nan() -> None:
    # Both coders put "x" on every item: p_e = 1, kappa is 0/0.
    assert kappa([1, 1, 1], [1, 1, 1]) is None
    assert nominal_alpha([1, 1], [1, 1]) is None
    assert kappa([1, 0], [1, 0]) == pytest.approx(1.0)


def test_split_codes_trims_and_dedupes() -> None:
    assert split_codes(" gov; plat;;gov ") == ("gov", "plat")
    assert split_codes("") == ()


def test_excel_bom_and_crlf_are_read() -> None:
    sheet = read_coder_sheet(FIXTURES / "bom_excel.csv")
    assert list(sheet.items) == ["1"]
    assert sheet.items["1"].codes == ("gov",)


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("item,label\n1,gov\n", encoding="utf-8")
    with pytest.raises(CodingError, match=r"bad\.csv has no column code, id"):
        read_coder_sheet(bad)


def test_repeated_id_is_a_problem_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,text,code\n1,a,gov\n2,b,plat\n1,a,value\n", encoding="utf-8")
    sheet = read_coder_sheet(path)
    assert sheet.items["1"].codes == ("gov",)
    assert sheet.problems == (f"{path} line 4: id '1' repeats line 2; the first row is kept",)


def test_no_shared_items_is_an_error(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,text,code\nz,zz,gov\n", encoding="utf-8")
    with pytest.raises(CodingError, match="share no item id"):
        agree(A, other)


def test_cli_agree_json_and_text() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["agree", str(A), str(B), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kappa"] == pytest.approx(13 / 18, abs=1e-4)
    assert data["n_items"] == 10

    text = runner.invoke(cli, ["agree", str(A), str(B)])
    assert text.exit_code == 0, text.output
    assert "Cohen's kappa" in text.output and "0.722" in text.output
    assert "only in" in text.output and "11" in text.output
    assert "gov, value" in text.output


_codes = st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True)


@settings(deadline=None, max_examples=60)  # each example runs scikit-learn ~10 times
@given(st.lists(st.tuples(_codes, _codes), min_size=1, max_size=12))
def test_agreement_is_symmetric_and_self_agreement_is_total(
    pairs: list[tuple[list[str], list[str]]],
) -> None:
    def sheet(side: int) -> CoderSheet:
        items = {
            str(n): RatedItem(str(n), "", tuple(pair[side]), n + 2) for n, pair in enumerate(pairs)
        }
        return CoderSheet("x.csv", items)

    ab, ba = compare(sheet(0), sheet(1)), compare(sheet(1), sheet(0))
    assert ab.kappa == ba.kappa and ab.alpha == ba.alpha
    assert ab.percent_agreement == ba.percent_agreement
    same = compare(sheet(0), sheet(0))
    assert same.percent_agreement == 1.0 and not same.disagreements
    assert same.kappa in (None, pytest.approx(1.0))


def test_semicolon_delimited_excel_csv_is_read() -> None:
    # European Excel saves "CSV" with ';' between columns; several codes are then quoted.
    sheet = read_coder_sheet(FIXTURES / "semicolon_excel.csv")
    assert sheet.items["1"].codes == ("gov", "plat")
    assert sheet.items["2"].codes == ("value",)
