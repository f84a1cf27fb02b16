"""The workspace's reference list downloads and the report folder it serves
(server/downloads.py, server/report_job.py)."""

from __future__ import annotations

from pathlib import Path


def test_the_workspace_offers_the_reference_list(two_included: Path) -> None:
    """The Matrices & PRISMA screen's links: the included studies in the project's style as
    Word, any named style as text, and the records as CSL-JSON; a file path is refused."""
    import docx
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    with TestClient(create_app(open_project(two_included))) as client:
        page = client.get("/screens/matrices").text
        assert 'href="/api/export/references?stage=included&amp;format=docx"' in page
        word = client.get("/api/export/references", params={"stage": "included"})
        plain = client.get("/api/export/references", params={"format": "txt", "style": "ieee"})
        csl = client.get("/api/export/records", params={"stage": "included", "format": "json"})
        path = client.get("/api/export/references", params={"style": "/etc/x.csl"})
        unknown = client.get("/api/export/references", params={"style": "apaa"})
    assert word.status_code == 200
    assert 'filename="references-included.docx"' in word.headers["content-disposition"]
    saved = two_included / "refs.docx"
    saved.write_bytes(word.content)
    texts = [p.text for p in docx.Document(str(saved)).paragraphs]
    assert texts[0] == "References" and texts[1].startswith("Hallsworth, M. (2016).")
    assert plain.text.startswith("[1] J. Smith and A. Berg, “Nudging physicians")
    assert [item["id"] for item in csl.json()] == ["r01", "r02"]
    assert path.status_code == 400 and "no citation style" in path.json()["error"]
    assert unknown.status_code == 400 and "no citation style 'apaa'" in unknown.json()["error"]


def test_the_report_folder_is_served_inside_itself_only(two_included: Path) -> None:
    """`/report/…` before and after a drawing; nothing outside report/, however named."""
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    (two_included / "secret.txt").write_text("not the report's", encoding="utf-8")
    with TestClient(create_app(open_project(two_included))) as client:
        before = client.get("/report/index.html")
        (two_included / "report").mkdir()
        (two_included / "report" / "index.html").write_text("<p>drawn</p>", encoding="utf-8")
        (two_included / "report" / "out.txt").symlink_to(two_included / "secret.txt")
        home = client.get("/report/", follow_redirects=True)
        tries = ["/report/..%2Fsecret.txt", "/report/%2E%2E/secret.txt", "/report/out.txt",
                 "/report/a%00b", "/report/" + "x" * 5000]  # fmt: skip
        refused = [client.get(path).status_code for path in tries]
    assert before.status_code == 404 and before.json()["error"] == "no report drawn yet"
    assert home.status_code == 200 and home.text == "<p>drawn</p>"
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert refused == [404] * len(tries)
