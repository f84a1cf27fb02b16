"""The statistical stopping rule (Callaghan & Müller-Hansen 2020, ranked form), by hand."""

from __future__ import annotations

from math import comb, floor

import pytest

from litsynth.biblio.stopping import p_value, verdict


def _labels(n_seen: int, include_at: list[int]) -> list[int]:
    labels = [0] * n_seen
    for i in include_at:  # 1-based positions
        labels[i - 1] = 1
    return labels


def _cdf(k: int, n_urn: int, k_tar: int, n: int) -> float:
    """P(X ≤ k), X ~ Hypergeometric(n_urn, k_tar, n), from binomial coefficients."""
    return sum(comb(k_tar, i) * comb(n_urn - k_tar, n - i) for i in range(k + 1)) / comb(n_urn, n)


def test_p_value_of_the_docstring_example_by_hand() -> None:
    # N = 1,000; 600 screened; 50 includes, the last the 450th record; τ = 0.95.
    includes = [*range(1, 50), 450]
    labels = _labels(600, includes)
    last_window = _cdf(0, 550, floor(50 / 0.95 - 50) + 1, 150)  # the docstring's window
    assert abs(last_window - 0.3839) < 1e-3
    # The rule takes the smallest p over windows starting at 0 or after each include.
    by_hand = 1.0
    for start in [0, *includes]:
        n = 600 - start
        k = sum(1 for i in includes if i > start)
        k_tar = floor(50 / 0.95 - (50 - k)) + 1
        by_hand = min(by_hand, _cdf(k, 1000 - 600 + n, k_tar, n))
    assert by_hand < last_window  # here a longer window (after the 49th) is the stronger one
    assert abs(p_value(labels, 1000) - by_hand) < 1e-9


def test_no_include_yet_means_nothing_to_test() -> None:
    assert p_value([0] * 300, 1000) == 1.0
    assert not verdict([0] * 300, 1000).stop


def test_more_excludes_in_a_row_only_strengthen_the_case() -> None:
    labels = _labels(400, [3, 9, 20, 41, 77])
    values = [p_value(labels + [0] * extra, 2000) for extra in (0, 100, 300, 600, 1000)]
    assert values == sorted(values, reverse=True)


def test_verdict_says_how_many_more_and_then_stops() -> None:
    labels = _labels(400, [3, 9, 20, 41, 77])
    first = verdict(labels, 2000)
    assert not first.stop and first.more_to_screen is not None
    later = verdict(labels + [0] * first.more_to_screen, 2000)
    assert later.stop and later.p_value < 0.05
    almost = verdict(labels + [0] * (first.more_to_screen - 1), 2000)
    assert not almost.stop
    assert "more excludes in a row" in first.summary() and later.summary().startswith("stop")


def test_a_late_include_resets_the_evidence() -> None:
    early = _labels(1000, [1, 2, 3, 4, 5])
    late = _labels(1000, [1, 2, 3, 4, 995])
    assert p_value(late, 1200) > p_value(early, 1200)


def test_screen_status_prints_the_rule_and_its_numbers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from litsynth.cli import cli

    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[project]\nreviewer = "ann"\n', encoding="utf-8")
    records = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(records), "--source", "S", "--project",
                               str(root)]).exit_code == 0  # fmt: skip
    sheet = tmp_path / "ta.csv"
    sheet.write_text("record_id,decision\nr01,include\nr02,exclude\nr03,exclude\n")
    runner.invoke(cli, ["screen", "import", str(sheet), "--project", str(root)])
    out = runner.invoke(cli, ["screen", "status", "--project", str(root), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["screened"], data["included"], data["candidates"]) == (3, 1, 12)
    assert data["stopping"]["rule"].startswith("callaghan") and not data["stopping"]["stop"]
    human = runner.invoke(cli, ["screen", "status", "--project", str(root)])
    assert "3 of 12 screened" in human.output and "keep screening" in human.output


def test_a_resolution_is_not_counted_as_the_reviewers_screening(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from litsynth.biblio import screening_ops as ops
    from litsynth.biblio.screening_progress import progress
    from litsynth.config import ScreeningSettings
    from litsynth.store import opened

    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[project]\nreviewer = "ann"\n', encoding="utf-8")
    records = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"
    from click.testing import CliRunner

    from litsynth.cli import cli

    CliRunner().invoke(cli, ["import", str(records), "--source", "S", "--project", str(root)])
    settings = ScreeningSettings()
    with opened(root / "litsynth.db") as conn:
        ops.record_decision(conn, "r01", stage="title-abstract", decision="include",
                            reviewer="ann", settings=settings)  # fmt: skip
        ops.resolve(conn, "r02", stage="title-abstract", decision="exclude", reviewer="ann",
                    settings=settings)  # fmt: skip
        prog = progress(conn, stage="title-abstract", reviewer="ann")
    assert (prog.screened, prog.included, prog.excluded) == (1, 1, 0)


def test_a_random_sample_window_is_tested_exactly() -> None:
    """After switching to random sampling at record 300 (40 includes found), a random
    sample of 200 holding 2 includes: p is that window's hypergeometric, by hand. As in the
    paper, the ranked windows are not tested once the ranking is given up: they are
    conservative only while it still puts includes first."""
    labels = _labels(300, list(range(1, 41))) + _labels(200, [50, 150])
    k_tar = floor(42 / 0.95 - 40) + 1
    exact = _cdf(2, 1000 - 300, k_tar, 200)
    assert abs(p_value(labels, 1000, random_from=300) - exact) < 1e-9
    assert verdict(labels, 1000, random_from=300).p_value == pytest.approx(exact)


def test_the_random_phase_is_read_from_the_log(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Decisions made on a random draw (source random-sample) mark where the sample begins;
    the workspace's random mode serves the rest in a fixed random order."""
    import json

    from click.testing import CliRunner
    from starlette.testclient import TestClient

    from litsynth.cli import cli
    from litsynth.config import open_project
    from litsynth.server.app import create_app

    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    records = tmp_path / "r.csv"
    records.write_text(
        "record_id,title\n" + "".join(f"r{i:02d},Study {i} of nudging nurses\n" for i in range(30))
    )
    CliRunner().invoke(cli, ["import", str(records), "--source", "S", "--project", str(root)])
    client = TestClient(create_app(open_project(root), allowed_hosts=("h",)), base_url="http://h")
    token = {"X-Litsynth-Token": client.app.state.workspace.token}  # type: ignore[attr-defined]
    first = client.get("/api/screen/next", params={"reviewer": "ann"}).json()["record"]["id"]
    client.post("/api/screen/decide", headers=token,
                json={"record_id": first, "decision": "include", "reviewer": "ann"})  # fmt: skip
    drawn = [client.get("/api/screen/next", params={"reviewer": "ann", "random": "1"}).json()
             ["record"]["id"] for _ in range(2)]  # fmt: skip
    assert drawn[0] == drawn[1]  # a reload shows the same next record
    for _ in range(3):
        rid = client.get("/api/screen/next", params={"reviewer": "ann", "random": "1"}).json()[
            "record"
        ]["id"]
        client.post("/api/screen/decide", headers=token,
                    json={"record_id": rid, "decision": "exclude", "reviewer": "ann",
                          "random": True})  # fmt: skip
    import sqlite3

    conn = sqlite3.connect(root / "litsynth.db")
    sources = [r[0] for r in conn.execute("SELECT source FROM decisions ORDER BY seq")]
    conn.close()
    assert sources == ["workspace"] + ["random-sample:workspace"] * 3
    from litsynth.biblio.screening_progress import progress
    from litsynth.store import opened

    with opened(root / "litsynth.db") as conn:
        prog = progress(conn, stage="title-abstract", reviewer="ann")
    assert prog.stopping.p_value == p_value([1, 0, 0, 0], 30, random_from=1)
    status = CliRunner().invoke(
        cli, ["screen", "status", "--reviewer", "ann", "--json", "--project", str(root)]
    )
    assert json.loads(status.stdout)["screened"] == 4


def test_order_inside_the_random_sample_carries_no_evidence():
    """Where an include falls inside a random sample says nothing about what is left: a
    window chosen to start just after it would be a biased sample (in simulation that let the
    rule stop short of the target in 4 runs of 10 on one review)."""
    ranked = [1] * 10 + [0] * 40
    early = ranked + [1] + [0] * 299
    late = ranked + [0] * 299 + [1]
    p_early = p_value(early, 2000, random_from=len(ranked))
    p_late = p_value(late, 2000, random_from=len(ranked))
    assert p_early == pytest.approx(p_late)
    # without the random marker the ranked windows are tested, and the early include opens a
    # long include-free window
    assert p_value(early, 2000) < p_early


def test_with_no_records_the_rule_says_there_is_nothing_to_screen() -> None:
    empty = verdict([], 0)
    assert not empty.stop
    assert empty.summary() == "no records at this stage yet: nothing to screen"
    assert verdict([0, 0], 10).summary().startswith("keep screening")


def test_records_a_rule_settled_are_not_left_to_screen_and_come_back_when_it_lets_go(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """r06 (1995) falls under year_min: it is nobody's to screen, so "N of M" and the rule's
    pool leave it out, and screening the other eleven is the end (the rule says so, instead
    of "keep screening" with nothing left). When the setting no longer excludes it, the
    rule's "maybe" puts it back in every reviewer's queue."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from litsynth.cli import cli

    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    toml = root / "litsynth.toml"
    toml.write_text('[project]\nreviewer = "ann"\n[screening]\nyear_min = 2000\n', encoding="utf-8")
    records = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"
    runner = CliRunner()

    def run(*args: object) -> str:
        result = runner.invoke(cli, [*(str(a) for a in args), "--project", str(root)])
        assert result.exit_code == 0, result.output
        return result.output

    run("import", records, "--source", "S")
    run("screen", "auto")
    data = json.loads(run("screen", "status", "--json"))
    assert (data["candidates"], data["settled"], data["pool"], data["remaining"]) == (12, 1, 11, 11)
    sheet = tmp_path / "ta.csv"
    assert "11 records to screen" in run("screen", "export", sheet)
    rows = ["record_id,decision", "r01,include", "r02,include"]
    rows += [f"r{i:02d},exclude" for i in (3, 4, 5, 7, 8, 9, 10, 11, 12)]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run("screen", "import", sheet)
    done = run("screen", "status")
    assert "11 of 11 screened (1 more settled by rules or resolutions)" in done
    assert "stop: every record is screened" in done and "keep screening" not in done
    assert json.loads(run("screen", "status", "--json"))["remaining"] == 0

    toml.write_text('[project]\nreviewer = "ann"\n', encoding="utf-8")  # the rule lets go
    run("screen", "auto")
    data = json.loads(run("screen", "status", "--json"))
    assert (data["settled"], data["pool"], data["remaining"]) == (0, 12, 1)
    assert "1 record to screen" in run("screen", "export", tmp_path / "again.csv")
    assert "r06" in (tmp_path / "again.csv").read_text(encoding="utf-8-sig")


def test_with_every_record_screened_the_rule_says_stop_even_with_no_include() -> None:
    # nothing unseen is left, so recall is whole: the hypergeometric p has no say
    for labels in ([0] * 20, [1, 0, 0, 1] + [0] * 16):
        v = verdict(labels, 20)
        assert v.stop and v.more_to_screen == 0
        assert v.summary() == "stop: every record is screened, so none is left to find"
    assert not verdict([0] * 19, 20).stop
