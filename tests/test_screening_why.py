"""Why a record is where the queue puts it: the words that raised it, from the fitted model.

A prioritised queue asks the reviewer to trust an order it does not explain. The model is
linear (bagged SVMs over TF-IDF words, each standardised), so a record's score is the sum of
its words' weights times their TF-IDF values, and the largest of those name the reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from litsynth.biblio.prioritise import build_features, explain, fit, scores
from litsynth.cli import cli

TEXTS = [
    "Default options nudge physicians toward generic prescribing in hospital order sets",
    "Peer comparison letters nudge general practitioners to prescribe fewer antibiotics",
    "Soil microbial diversity of the tillage regimes in agricultural fields",
    "Reminder prompts nudge nurses toward hand hygiene in intensive care",
    "Bird nest success of woodpeckers in burned forests of the black hills",
    "Groundwater nitrate of the agricultural fields under tillage",
]


def test_the_fit_that_orders_the_queue_also_names_the_words_that_raised_a_record() -> None:
    features = build_features(TEXTS)
    labelled, labels = np.array([0, 2]), np.array([1, 0])
    fitted = fit(features, labelled, labels)
    assert np.array_equal(fitted.scores, scores(features, labelled, labels))
    why = explain(features, fitted.weights, 3, k=4)
    assert why and why[0] in ("nudge", "nudge nurses", "toward", "prompts nudge")
    assert all(w.split()[0] not in ("in", "of", "the") for w in why)  # no stop-word pairs
    flat = [w for term in why for w in term.split()]
    assert len(flat) == len(set(flat)), why  # "nudge" once, not beside "nudge nurses"
    assert explain(features, None, 3) == []  # nothing fitted, nothing to say
    # before any decision the criteria weigh: their words are the reason
    cold = build_features(TEXTS, criteria="woodpeckers nesting in burned forests")
    start = fit(cold, np.array([], dtype=int), np.array([], dtype=int))
    assert {"woodpeckers", "burned", "forests", "burned forests"} & set(
        explain(cold, start.weights, 4)
    )


def test_screen_next_and_the_workspace_say_why(project: Path) -> None:
    records = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"
    (project / "litsynth.toml").write_text(
        '[project]\nreviewer = "ann"\n\n[embed]\nmodel = "hash-384"\n\n'
        '[screening]\ncriteria = "nudges for physicians and nurses"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["import", str(records), "--source", "S", "--project", str(project)]
        ).exit_code
        == 0
    )
    out = runner.invoke(cli, ["screen", "next", "--project", str(project)], input="q\n").output
    assert "Ranked here for: " in out
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    host = "127.0.0.1:8765"
    client = TestClient(create_app(open_project(project), allowed_hosts=(host,)),
                        base_url=f"http://{host}")  # fmt: skip
    record = client.get("/api/screen/next").json()["record"]
    # before any decision, the criteria's words the record carries
    text = f"{record['title']} {record['abstract']}".lower()
    assert record["ranked_for"] and all(term in text for term in record["ranked_for"])
    words = {w for term in record["ranked_for"] for w in term.split()}
    assert words & {"nudges", "physicians", "nurses"}, record["ranked_for"]
    sampled = client.get("/api/screen/next", params={"random": "1"}).json()["record"]
    assert sampled["ranked_for"] == []  # drawn at random: no ranking to explain
