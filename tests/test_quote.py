"""A passage, or a few words of it, as a writer quotes it: “…” (Author, Year, p. N)."""

from __future__ import annotations

from pathlib import Path

import pytest

from litsynth.citations.parts import part_of
from litsynth.errors import SynthesisError
from litsynth.records import Page, Passage

TEXT = "Platforms synchronise partners.\nShared data replaces hierarchy. Orchestrators lead."


def _pdf(**given: object) -> Passage:
    facts = {"kind": "pdf", "authors": ("Phadnis, Shardul",), "year": 2023, "page_start": 3,
             "page_end": 4, "section": "pp. 147–148"}  # fmt: skip
    facts.update(given)
    return Passage("c1", "d1", 100, 100 + len(TEXT), TEXT, **facts)  # type: ignore[arg-type]


def test_a_quote_is_in_quotation_marks_with_the_parenthetical_citation() -> None:
    assert _pdf().quote == (
        "“Platforms synchronise partners. Shared data replaces hierarchy. Orchestrators lead.”"
        " (Phadnis, 2023, pp. 147–148)"
    )
    text = _pdf(kind="text", authors=(), title="What is supply chain orchestration?", year=None,
                section="Why it matters", paragraph=2)  # fmt: skip
    assert text.quote.endswith(
        "(“What is supply chain orchestration?”, n.d., § Why it matters, ¶ 2)"
    )
    two = _pdf(authors=("Yulianti, Grace", "Santoso, Seger"), year=2025, section="")
    assert two.quote.endswith("(Yulianti & Santoso, 2025, pp. 3–4)")


def test_part_of_a_passage_is_cited_by_the_page_its_words_are_on() -> None:
    """The passage runs over PDF pages 3 and 4 (printed 147–148); its second sentence is on
    page 4 alone, so it is cited "p. 148"."""
    split = 100 + TEXT.index("Shared")
    pages = [Page(1, 0, 40, "145"), Page(2, 40, 80, "146"), Page(3, 80, split, "147"),
             Page(4, split, 400, "148")]  # fmt: skip
    start = 100 + TEXT.index("Shared")
    end = start + len("Shared data replaces hierarchy.")
    part = part_of(_pdf(), pages, start, end)
    assert part.quote == "“Shared data replaces hierarchy.” (Phadnis, 2023, p. 148)"
    assert part.citation == "Phadnis (2023), p. 148"
    with pytest.raises(SynthesisError, match="not inside passage c1"):
        part_of(_pdf(), pages, 90, 120)


def test_the_workspace_quotes_a_selection(tmp_path: Path) -> None:
    pytest.importorskip("httpx", reason="httpx (Starlette's TestClient) is not installed")
    from click.testing import CliRunner
    from starlette.testclient import TestClient

    from litsynth.cli import cli
    from litsynth.config import open_project
    from litsynth.server.app import create_app

    root = tmp_path / "review"
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    (root / "corpus" / "notes.md").write_text(
        "# Findings\n\nPlatforms synchronise partners. Shared data replaces hierarchy.\n",
        encoding="utf-8",
    )
    (root / "corpus" / "documents.csv").write_text(
        'file,authors,year\nnotes.md,"Phadnis, Shardul",2023\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root)])
    assert result.exit_code == 0, result.output
    client = TestClient(create_app(open_project(root), allowed_hosts=("h:1",)),
                        base_url="http://h:1")  # fmt: skip
    hit = client.get("/api/search", params={"q": "shared data", "k": 1}).json()[0]
    assert hit["quote"].startswith("“") and hit["quote"].endswith(
        "(Phadnis, 2023, § Findings, ¶ 1)"
    )
    whole = client.get("/api/quote", params={"chunk": hit["chunk_id"]}).json()
    assert whole["quote"] == hit["quote"]
    shown = client.get(f"/api/documents/{hit['document_id']}").json()["passages"]
    base = next(p["start"] for p in shown if p["chunk_id"] == hit["chunk_id"])
    start = base + hit["text"].index("Shared")
    params = {"chunk": hit["chunk_id"], "start": str(start), "end": str(start + 11)}
    part = client.get("/api/quote", params=params).json()
    assert part["quote"] == "“Shared data” (Phadnis, 2023, § Findings, ¶ 1)"
    outside = client.get("/api/quote", params={**params, "end": str(10**6)})
    assert outside.status_code == 400 and "not inside passage" in outside.json()["error"]
    assert client.get("/api/quote", params={"chunk": "nope"}).status_code == 404
