"""Suggestions that learn while the reviewer codes in the workspace: how long after a decision
the suggestions know it, against `litsynth code suggest` run by hand, as before.

The project: the 13 scholarly PDFs of ../shared/data/pdfs/scholarly, ingested with the real
model, and a reviewer's own five-code codebook (bench/codebooks/reading-support.yaml). The
reviewer hand-codes passages that describe a user study (the code the codebook alone suggests
least) through the workspace's API, in-process (Starlette's test client):

- `decision_ms`: how long the coding request takes (it must not wait for a fit);
- `learned_s`: from the request to the status saying a run has read it, one decision at a time;
- a burst of ten decisions with no pause: how many runs they cost, and whether the last run
  read all of them;
- the raw baseline, in the same run: `litsynth code suggest` as a new process (what the reviewer
  ran before, model load included), and `suggest_project` called directly with the model
  loaded and every step computed (a run over passages it has not seen).

At scale (`--scale N`, default 100,000; 0 skips it): the demo store grown to 20,000 and N
passages as bench_workspace.py grows it, and a run over the same passages as the last one
(what the workspace does after each decision) timed with the corpus-wide steps' last answers
kept (memo.py) and without them (the raw: every step computed again).

    .venv/bin/python bench/bench_learning.py [--scale 100000]

Writes bench/results/learning.json.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

from starlette.testclient import TestClient  # noqa: E402

from litsynth.coding.machine.suggest import suggest_project  # noqa: E402
from litsynth.config import open_project  # noqa: E402
from litsynth.embed.models import query_embedder  # noqa: E402
from litsynth.ingest.incremental import IngestOptions, ingest  # noqa: E402
from litsynth.server.app import create_app  # noqa: E402
from litsynth.store import opened  # noqa: E402

SCHOLARLY = REPO.parent / "shared" / "data" / "pdfs" / "scholarly"
CODEBOOK = HERE / "codebooks" / "reading-support.yaml"
OUT = HERE / "results" / "learning.json"
HOST = "127.0.0.1:8765"


def project(base: Path) -> Path:
    root = base / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text('[project]\nname = "learning"\n', encoding="utf-8")
    for pdf in sorted(SCHOLARLY.rglob("*.pdf")):
        shutil.copy2(pdf, root / "corpus" / pdf.name)
    shutil.copy2(CODEBOOK, root / "codebook" / CODEBOOK.name)
    ingest(open_project(root), IngestOptions(quiet=True))
    return root


def user_study_passages(root: Path) -> list[tuple[str, int, int]]:
    """(document, start, end) of body passages that describe what participants did."""
    with sqlite3.connect(root / "litsynth.db") as conn:
        return conn.execute(
            "SELECT document_id, start, end FROM chunks WHERE role = 'body'"
            " AND (text LIKE '%participants were%' OR text LIKE '%we recruited%'"
            " OR text LIKE '%participants read%' OR text LIKE '%interview study%'"
            " OR text LIKE '%think-aloud%' OR text LIKE '%within-subjects%')"
            " ORDER BY id"
        ).fetchall()


def settle(client: TestClient, timeout: float = 300) -> dict:
    end = time.monotonic() + timeout
    while (status := client.get("/api/coding/learning").json())["running"]:
        assert time.monotonic() < end
        time.sleep(0.02)
    return status


def suggested_user_study(root: Path) -> int:
    with sqlite3.connect(root / "litsynth.db") as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM suggestions WHERE code_id = 'user-study' AND score >= threshold"
        ).fetchone()[0]


def forget() -> None:
    """Drop the corpus-wide steps' kept answers (memo.py)."""
    from litsynth.coding.machine import memo, style, suggest

    suggest._MATCHES, style._LAST = memo.Last(), memo.Last()


def at_scale(sizes: list[int]) -> dict:
    """Seconds of a run over the passages of the last one, with and without kept answers."""
    sys.path.insert(0, str(HERE))
    from bench_workspace import demo_project, grow

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        demo = demo_project(Path(tmp))
        for n in sizes:
            big = grow(demo, n)
            proj = open_project(big)
            embedder = query_embedder(proj.settings.embed.embedder, 64)
            with opened(proj.store_path) as conn:
                suggest_project(conn, proj, embedder=embedder)  # lemmas cached, answers kept
                began = time.perf_counter()
                suggest_project(conn, proj, embedder=embedder)
                kept = time.perf_counter() - began
                forget()
                began = time.perf_counter()
                suggest_project(conn, proj, embedder=embedder)
                raw = time.perf_counter() - began
            out[n] = {"run_s": round(kept, 2), "raw_s": round(raw, 2),
                      "ratio": round(kept / raw, 2)}  # fmt: skip
            print(f"{n} passages: a run {kept:.1f} s, without kept answers {raw:.1f} s"
                  f" ({kept / raw:.2f}x)", flush=True)  # fmt: skip
            shutil.rmtree(big)
    return out


def main() -> int:
    scale = int(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 100_000
    if not SCHOLARLY.exists():
        print(f"skipped: {SCHOLARLY} is absent")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = project(Path(tmp))
        began = time.perf_counter()
        cli = subprocess.run(
            [sys.executable, "-m", "litsynth", "code", "suggest", "--json", "--project", str(root)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        cold = time.perf_counter() - began
        before = json.loads(cli.stdout)
        embedder = query_embedder(open_project(root).settings.embed.embedder, 64)
        proj = open_project(root)
        with opened(proj.store_path) as conn:
            suggest_project(conn, proj, embedder=embedder)  # the model's first call
            forget()  # the raw computes every step, as a run over new passages does
            began = time.perf_counter()
            suggest_project(conn, proj, embedder=embedder)
            raw = time.perf_counter() - began
        user_study_before = suggested_user_study(root)

        app = create_app(open_project(root), allowed_hosts=(HOST,))
        client = TestClient(app, base_url=f"http://{HOST}")
        headers = {"X-Litsynth-Token": app.state.workspace.token}
        spans = user_study_passages(root)
        one_by_one, burst = spans[:10], spans[10:20]
        decision_ms, learned_s, runs = [], [], []
        for document, start, end in one_by_one:
            body = {"document": document, "start": start, "end": end, "code": "user-study"}
            t0 = time.perf_counter()
            assert client.post("/api/coding/add", json=body, headers=headers).status_code == 200
            decision_ms.append((time.perf_counter() - t0) * 1000)
            status = settle(client)
            learned_s.append(time.perf_counter() - t0)
            runs.append(status["seconds"])
        after_ten = suggested_user_study(root)
        runs_before = status["runs"]
        for document, start, end in burst:
            body = {"document": document, "start": start, "end": end, "code": "user-study"}
            assert client.post("/api/coding/add", json=body, headers=headers).status_code == 200
        status = settle(client)
        with sqlite3.connect(root / "litsynth.db") as conn:
            coded = conn.execute("SELECT COUNT(DISTINCT chunk_id) FROM codings").fetchone()[0]
        results = {
            "passages": before["chunks"],
            "cli_code_suggest_s": round(cold, 2),
            "raw_suggest_project_s": round(raw, 3),
            "decision_ms_median": round(statistics.median(decision_ms), 1),
            "decision_ms_max": round(max(decision_ms), 1),
            "learned_s_first": round(learned_s[0], 2),
            "learned_s_median_after_first": round(statistics.median(learned_s[1:]), 2),
            "run_s_median_after_first": round(statistics.median(runs[1:]), 2),
            "ratio_run_to_raw": round(statistics.median(runs[1:]) / raw, 2),
            "ratio_learned_to_cli": round(statistics.median(learned_s[1:]) / cold, 3),
            "burst_decisions": len(burst),
            "burst_runs": status["runs"] - runs_before,
            "burst_last_run_read_all": status["decisions"] == coded,
            "user_study_suggested": {"codebook_only": user_study_before, "after_10": after_ten,
                                     "after_20": suggested_user_study(root)},
        }  # fmt: skip
        app.state.workspace.learner.wait(timeout=300)
    if scale:
        results["at_scale"] = at_scale(sorted({20_000, scale}))
    for key, value in results.items():
        print(f"{key}: {value}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
