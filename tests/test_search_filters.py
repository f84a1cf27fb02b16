"""Search filters by document year and attribute (documents.csv columns), alone and with a
code: FAISS scans only the allowed passages, so the k best of those come back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("filters") / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for name in ("002_f98a91929306a877.txt", "003_af2a47eea36fd644.txt",
                 "004_03019285015a147f.txt"):  # fmt: skip
        shutil.copy2(REPO / "corpus" / name, root / "corpus" / name)
    (root / "corpus" / "documents.csv").write_text(
        "file,year,industry\n002_f98a91929306a877.txt,2010,retail; logistics\n"
        "003_af2a47eea36fd644.txt,2019,software\n004_03019285015a147f.txt,,logistics\n",
        encoding="utf-8",
    )
    run(root, "ingest")
    return root


def run(root: Path, *args: object) -> str:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(root)])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def paths(root: Path, *args: object) -> set[str]:
    hits = json.loads(
        run(root, "search", "supply chain orchestration", "-k", "50", "--json", *args)
    )
    return {h["path"].rsplit("/", 1)[-1] for h in hits}


def test_year_range(project: Path) -> None:
    assert paths(project, "--year-min", "2015") == {"003_af2a47eea36fd644.txt"}
    assert paths(project, "--year-max", "2015") == {"002_f98a91929306a877.txt"}  # no year: out
    assert len(paths(project)) == 3


def test_attribute_matches_one_of_several_values(project: Path) -> None:
    assert paths(project, "--attribute", "industry=Logistics") == {
        "002_f98a91929306a877.txt", "004_03019285015a147f.txt"
    }  # fmt: skip
    both = paths(project, "--attribute", "industry=logistics", "--year-min", "2000")
    assert both == {"002_f98a91929306a877.txt"}
    result = CliRunner().invoke(
        cli, ["search", "x", "--attribute", "industry", "--project", str(project)]
    )
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_api_takes_the_same_filters(project: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    client = TestClient(create_app(open_project(project), allowed_hosts=("h:1",)),
                        base_url="http://h:1")  # fmt: skip
    params = {"q": "supply chain orchestration", "k": 50, "attribute": "industry=software"}
    hits = client.get("/api/search", params=params).json()
    assert {h["path"].rsplit("/", 1)[-1] for h in hits} == {"003_af2a47eea36fd644.txt"}
    bad = client.get("/api/search", params={"q": "x", "year_min": "soon"})
    assert bad.status_code == 400 and "whole years" in bad.json()["error"]


def test_per_document_caps_the_hits_of_one_document(project: Path) -> None:
    """One per document lists the documents that speak to the query, each by its best
    passage, in the order of those passages; with two, no document gives a third."""
    every = json.loads(run(project, "search", "supply chain orchestration", "-k", "200", "--json"))
    best: dict[str, dict] = {}
    for hit in every:
        best.setdefault(hit["document_id"], hit)
    one = json.loads(
        run(project, "search", "supply chain orchestration", "-k", "10", "--per-document", "1",
            "--json")
    )  # fmt: skip
    assert [h["chunk_id"] for h in one] == [h["chunk_id"] for h in best.values()]
    assert len(one) == 3  # three documents, though ten were asked for
    two = json.loads(
        run(project, "search", "supply chain orchestration", "-k", "5", "--per-document", "2",
            "--json")
    )  # fmt: skip
    counts = [sum(h["document_id"] == d for h in two) for d in best]
    assert len(two) == 5 and max(counts) == 2
    assert [h["score"] for h in two] == sorted((h["score"] for h in two), reverse=True)


def test_api_per_document(project: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    client = TestClient(create_app(open_project(project), allowed_hosts=("h:1",)),
                        base_url="http://h:1")  # fmt: skip
    params = {"q": "supply chain orchestration", "k": 10, "per_document": 1}
    hits = client.get("/api/search", params=params).json()
    assert len(hits) == 3 and len({h["document_id"] for h in hits}) == 3
    bad = client.get("/api/search", params={**params, "per_document": "0"})
    assert bad.status_code == 400 and "per_document" in bad.json()["error"]
