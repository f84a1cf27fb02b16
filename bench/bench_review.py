"""Review-stage benchmark: the review queue, search filters, the sheet and `agree` at scale.

A synthetic store (no model needed): 200 documents, 20,000 chunks, 100,000 machine
suggestions (5 codes per chunk, scores uniform in [0, 1], threshold 0.5) and 5,000 human
decisions. Each of our calls is timed against the raw library doing the least it could in the
same run, and the ratio printed (ours / raw; 1.0 = no overhead). Times are CPU seconds:

- filter:  `chunk_ids_for(code=...)` vs one raw `SELECT DISTINCT chunk_id FROM effective_codings`
- queue:   `decisions.review_queue` (join, per-coder decision, active-learning order) vs a raw
           `SELECT * FROM suggestions WHERE score >= threshold`
- export:  `export_sheet --status all` (100k rows) and `import_sheet` (5,000 decisions)
- agree:   `compare()` on 5,000 items x 20 codes vs the bare scikit-learn / krippendorff calls
           on the same label vectors

Run: .venv/bin/python bench/bench_review.py   (writes bench/results/review.json)
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

from litsynth.coding.codebook.filters import chunk_ids_for
from litsynth.coding.human import decisions
from litsynth.coding.human.agreement import CoderSheet, RatedItem, compare
from litsynth.coding.human.review import ReviewDecision, codings_for
from litsynth.coding.human.sheets import export_sheet, import_sheet
from litsynth.config import open_project
from litsynth.records import Chunk, Document, Page, content_id
from litsynth.store import codings as store
from litsynth.store.db import connect, transaction
from litsynth.store.documents import insert_document

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "review.json"
CODES = ("rule-setting", "platform", "value-capture", "method")
N_DOCS, PER_DOC, N_HUMAN = 200, 100, 5_000


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best CPU seconds of `repeat` runs. CPU, not wall time: the benchmark machine is shared,
    and every step here is single-threaded in-process work (Python + SQLite), so CPU time is
    what the step costs; wall time mostly measured the neighbours."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t)
    return best, out


def build(root: Path) -> list[str]:
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    shutil.copy(REPO / "tests" / "fixtures" / "review" / "codebook.yaml", root / "codebook")
    rng = random.Random(7)
    conn = connect(root / "litsynth.db")
    chunk_ids: list[str] = []
    with transaction(conn):
        for d in range(N_DOCS):
            pieces = [
                f"Passage {i} of document {d}: partners follow rules. " * 3 for i in range(PER_DOC)
            ]
            text = "".join(pieces)
            doc = Document(f"doc{d:04d}", f"corpus/{d}.pdf", "pdf", text, (Page(1, 0, len(text)),),
                           authors=("Author, A.",), year=2020)  # fmt: skip
            chunks, pos = [], 0
            for i, piece in enumerate(pieces):
                cid = content_id(doc.id, pos, pos + len(piece))
                chunks.append(Chunk(cid, doc.id, i, pos, pos + len(piece), piece, 1, 1, 30))
                pos += len(piece)
            insert_document(conn, doc, chunks, chunker="bench")
            chunk_ids += [c.id for c in chunks]
        rows = []
        for cid in chunk_ids:
            for code in (*CODES, "legacy"):
                rows.append((cid, code, rng.random(), 0.5, "bench", "v", '{"keywords": ["rules"]}'))
        conn.executemany(
            "INSERT INTO suggestions(chunk_id, code_id, score, threshold, model, codebook_version,"
            " evidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        human = []
        for cid in rng.sample(chunk_ids, N_HUMAN):
            doc_id = conn.execute(
                "SELECT document_id, start, end FROM chunks WHERE id = ?", (cid,)
            ).fetchone()
            decision = ReviewDecision(rng.choice(["accept", "reject"]), cid, doc_id[0],
                                      rng.choice(CODES), doc_id[1], doc_id[2])  # fmt: skip
            human.append(
                (
                    decision,
                    codings_for(
                        decision, coder="ana", at=f"2026-01-01T00:00:{len(human) % 60:02d}Z"
                    ),
                )
            )
        store.append_codings(
            conn, [c for _, cs in human for c in cs], {d.chunk_id: d.document_id for d, _ in human}
        )
    conn.close()
    return chunk_ids


def agree_data(n: int = 5_000, k: int = 20) -> tuple[CoderSheet, CoderSheet]:
    rng = random.Random(11)
    codes = [f"c{j:02d}" for j in range(k)]
    a, b = {}, {}
    for i in range(n):
        mine = {c for c in codes if rng.random() < 0.15}
        theirs = {c for c in mine if rng.random() < 0.85} | {
            c for c in codes if rng.random() < 0.03
        }
        a[str(i)] = RatedItem(str(i), "", tuple(sorted(mine)), i + 2)
        b[str(i)] = RatedItem(str(i), "", tuple(sorted(theirs)), i + 2)
    return CoderSheet("a.csv", a), CoderSheet("b.csv", b)


def raw_agree(a: CoderSheet, b: CoderSheet) -> float:
    """The bare statistics on the same vectors: one kappa per code, pooled kappa and alpha."""
    ids = list(a.items)
    codes = sorted({c for s in (a, b) for i in s.items.values() for c in i.codes})
    cols_a = np.array([[c in a.items[i].codes for i in ids] for c in codes], dtype=int)
    cols_b = np.array([[c in b.items[i].codes for i in ids] for c in codes], dtype=int)
    for j in range(len(codes)):
        cohen_kappa_score(cols_a[j], cols_b[j])
    pooled_a, pooled_b = cols_a.ravel(), cols_b.ravel()
    krippendorff.alpha(reliability_data=np.vstack([pooled_a, pooled_b]).astype(float),
                       level_of_measurement="nominal")  # fmt: skip
    return float(cohen_kappa_score(pooled_a, pooled_b))


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    root = tmp / "review"
    t0 = time.perf_counter()
    build(root)
    results: dict[str, Any] = {"build_s": round(time.perf_counter() - t0, 2),
                               "chunks": N_DOCS * PER_DOC, "suggestions": N_DOCS * PER_DOC * 5,
                               "human_decisions": N_HUMAN}  # fmt: skip
    project = open_project(root)
    book = decisions.codebook_of(project)
    conn = connect(project.store_path)

    ours, ids = best_of(lambda: chunk_ids_for(conn, project, theme="orchestration"))
    sql = (
        "SELECT DISTINCT chunk_id FROM effective_codings"
        " WHERE code_id IN ('rule-setting', 'platform')"
    )
    raw, raw_ids = best_of(lambda: {r[0] for r in conn.execute(sql)})
    assert ids == raw_ids
    results["filter"] = {"ours_s": round(ours, 4), "raw_s": round(raw, 4),
                         "ratio": round(ours / raw, 2), "chunks": len(ids)}  # fmt: skip

    ours, queue = best_of(lambda: decisions.review_queue(conn, coder="ben"), repeat=2)
    raw, raw_rows = best_of(lambda: conn.execute(
        "SELECT * FROM suggestions WHERE score >= threshold").fetchall(), repeat=2)  # fmt: skip
    assert len(queue) == len(raw_rows)
    results["queue"] = {"ours_s": round(ours, 3), "raw_s": round(raw, 3),
                        "ratio": round(ours / raw, 1), "items": len(queue)}  # fmt: skip

    sheet = tmp / "all.csv"
    ours, n = best_of(lambda: export_sheet(conn, book, sheet, coder="ben", status="all"), repeat=1)
    results["export_all"] = {"s": round(ours, 2), "rows": n,
                             "rows_per_s": round(n / ours)}  # fmt: skip
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    known = [r for r in rows if r["code"] in CODES][:N_HUMAN]
    for r in known:
        r["decision"] = "accept"
    small = tmp / "decided.csv"
    with small.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(known)
    ours, plan = best_of(lambda: import_sheet(conn, book, small, coder="ben"), repeat=1)
    results["import"] = {"s": round(ours, 2), "rows": len(known), "counts": plan.counts,
                         "rows_per_s": round(len(known) / ours)}  # fmt: skip
    conn.close()

    a, b = agree_data()
    ours, report = best_of(lambda: compare(a, b))
    raw, kappa = best_of(lambda: raw_agree(a, b))
    assert abs((report.kappa or 0) - kappa) < 1e-12
    results["agree"] = {"items": 5_000, "codes": 20, "ours_s": round(ours, 3),
                        "raw_s": round(raw, 3), "ratio": round(ours / raw, 2),
                        "kappa": round(kappa, 4)}  # fmt: skip

    shutil.rmtree(tmp)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
