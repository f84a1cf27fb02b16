"""Search by vectors, by words (BM25), and the two fused, on sets with relevance labels.

`litsynth search` fuses the vectors' ranking with BM25's (search_rank.py: reciprocal rank
fusion, its published constant 60, nothing tuned). This measures each ranking alone and
fused, with litsynth's own parts (the query model, `match_expression` over an FTS5 table with
the store's tokenizer, `fuse`), on:

- searching by theme: each code of the definitions-only codebooks in
  ../shared/data/coding/codebooks, its label and definition as the query, over the test
  sentences of CSAbstruct (1,349) and NICTA-PIBOSO (1,991); relevant: the sentences coded so;
- searching for a review's studies: the review's title over its records (title and
  abstract), relevant: the included ones (Nagtegaal 2019, Kitchenham 2010, ../shared);
- searching for a name or a system: the seeds and the 13 scholarly PDFs ingested with the
  real model, body and abstract passages; the queries are every capitalised word that is not
  an English word (symspellpy's list) and occurs in 3 to 60 passages ("Phadnis", "GROBID"),
  chosen by rule, not by hand; relevant: the passages that contain it.

Mean average precision (over the first 1,000) and precision at 10, per set; and the time of
a fused ranking against the vectors' alone (the raw library, FAISS) in the same run.

    .venv/bin/python bench/bench_search_hybrid.py

Writes bench/results/search_hybrid.json.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "results" / "search_hybrid.json"
DEPTH = 1000


def average_precision(ranked: list[int], relevant: set[int]) -> float:
    hits, total = 0, 0.0
    for place, item in enumerate(ranked[:DEPTH]):
        if item in relevant:
            hits += 1
            total += hits / (place + 1)
    return total / min(len(relevant), DEPTH) if relevant else 0.0


def coding_sets() -> list[tuple[str, list[str], list[tuple[str, set[int]]]]]:
    out = []
    for name, path in [
        ("CSAbstruct", SHARED / "coding/csabstruct/data/CSAbstruct/test.jsonl"),
        ("NICTA-PIBOSO", SHARED / "coding/nicta_piboso/test_clean.txt"),
    ]:
        texts: list[str] = []
        labels: list[str] = []
        if path.suffix == ".jsonl":
            for line in path.open(encoding="utf-8"):
                row = json.loads(line)
                texts += row["sentences"]
                labels += row["labels"]
        else:
            for line in path.open(encoding="utf-8"):
                line = line.rstrip("\n")
                if line and not line.startswith("###"):
                    label, text = line.split("\t", 1)
                    labels.append(label)
                    texts.append(text)
        book = "csabstruct" if name == "CSAbstruct" else "nicta_piboso"
        codes = yaml.safe_load((SHARED / f"coding/codebooks/{book}.yaml").read_text())["codes"]
        queries = []
        for code in codes:
            label = code.get("label") or code["id"].replace("_", " ")
            gold = {label.lower(), code["id"].lower()}
            relevant = {i for i, lab in enumerate(labels) if lab.lower() in gold}
            queries.append((f"{label}: {code['definition']}", relevant))
        out.append((name, texts, queries))
    return out


def review_sets() -> list[tuple[str, list[str], list[tuple[str, set[int]]]]]:
    index = {r["dataset_id"]: r for r in csv.DictReader((SHARED / "screening/index.csv").open())}
    out = []
    for name, path in [
        ("Nagtegaal_2019", SHARED / "screening/Nagtegaal_2019/output/Nagtegaal_2019.csv"),
        ("Kitchenham_2010", SHARED / "screening/Hall_Wahono_Radjenovic_Kitchenham/output/"
         "Kitchenham_2010.csv"),
    ]:  # fmt: skip
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        texts = [f"{r['title'] or ''}. {r['abstract'] or ''}" for r in rows]
        relevant = {i for i, r in enumerate(rows) if r["label_included"] == "1"}
        out.append((name, texts, [(index[name]["title"].strip(), relevant)]))
    return out


def name_set() -> tuple[str, list[str], list[tuple[str, set[int]]], np.ndarray]:
    """The seeds and the 13 scholarly PDFs, ingested with the real model in a temporary
    project; the queries chosen by rule (module docstring)."""
    from litsynth.embed.index import load_index
    from litsynth.ingest.lexicon import english_words

    folder = Path(tempfile.mkdtemp()) / "review"
    subprocess.run([sys.executable, "-m", "litsynth", "init", str(folder)], check=True,
                   capture_output=True)  # fmt: skip
    for path in [*(REPO / "corpus").glob("00*.txt"),
                 *(SHARED / "pdfs/scholarly").rglob("*.pdf")]:  # fmt: skip
        shutil.copy2(path, folder / "corpus" / path.name)
    subprocess.run([sys.executable, "-m", "litsynth", "ingest", "--project", str(folder)],
                   check=True, capture_output=True)  # fmt: skip
    conn = sqlite3.connect(folder / "litsynth.db")
    rows = conn.execute(
        "SELECT rowid, text FROM chunks WHERE role IN ('body', 'abstract') ORDER BY rowid"
    ).fetchall()
    conn.close()
    loaded = load_index(folder / "indexes")
    assert loaded is not None
    vectors = loaded[0].vectors([r[0] for r in rows])
    texts = [r[1] for r in rows]
    english = english_words()
    counts: dict[str, int] = {}
    for text in texts:
        for word in set(re.findall(r"\b[A-Z][A-Za-z0-9-]{2,}\b", text)):
            if word.lower() not in english:
                counts[word] = counts.get(word, 0) + 1
    queries = []
    for word in sorted(w for w, n in counts.items() if 3 <= n <= 60):
        pattern = re.compile(rf"\b{re.escape(word)}\b")
        queries.append((word, {i for i, t in enumerate(texts) if pattern.search(t)}))
    shutil.rmtree(folder.parent)
    return "names and systems (seeds + 13 PDFs)", texts, queries, vectors


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from litsynth.embed.models import query_embedder
    from litsynth.search_rank import fuse
    from litsynth.store.lexical import match_expression

    embedder = query_embedder("all-MiniLM-L6-v2")
    sets = [(n, t, q, None) for n, t, q in coding_sets() + review_sets()]
    sets.append(name_set())
    results: dict[str, object] = {}
    for name, texts, queries, given in sets:
        vectors = given if given is not None else embedder.embed(texts)
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, "
                     "tokenize = 'porter unicode61 remove_diacritics 2')")  # fmt: skip
        conn.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)",
                         [(i, t) for i, t in enumerate(texts)])  # fmt: skip
        scores: dict[str, list[tuple[float, float]]] = {"vectors": [], "BM25": [], "fused": []}
        times: dict[str, list[float]] = {"vectors": [], "fused": []}
        for query, relevant in queries:
            started = time.perf_counter()
            q = embedder.embed([query])[0]
            cos = vectors @ q
            dense = [int(i) for i in np.argsort(-cos)[:DEPTH]]
            times["vectors"].append(time.perf_counter() - started)
            expression = match_expression(query)
            words = [r[0] for r in conn.execute(
                "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?",
                (expression, DEPTH))] if expression else []  # fmt: skip
            fused = [
                r.rowid for r in fuse(dense, words, {i: float(cos[i]) for i in range(len(texts))})
            ]
            times["fused"].append(time.perf_counter() - started)
            for key, ranked in (("vectors", dense), ("BM25", words), ("fused", fused)):
                hits10 = sum(1 for i in ranked[:10] if i in relevant) / 10
                scores[key].append((average_precision(ranked, relevant), hits10))
        row = {
            key: {"MAP": round(statistics.mean(a for a, _ in v), 3),
                  "P@10": round(statistics.mean(p for _, p in v), 3)}
            for key, v in scores.items()
        }  # fmt: skip
        row["queries"] = len(queries)  # type: ignore[assignment]
        row["texts"] = len(texts)  # type: ignore[assignment]
        row["time_fused_x_vectors"] = round(  # type: ignore[assignment]
            statistics.mean(times["fused"]) / statistics.mean(times["vectors"]), 2
        )
        results[name] = row
        print(f"{name} ({len(texts)} texts, {len(queries)} queries): " + "; ".join(
            f"{k} MAP {row[k]['MAP']:.3f} P@10 {row[k]['P@10']:.2f}"  # type: ignore[index]
            for k in ("vectors", "BM25", "fused")) + f"; time fused/vectors "
            f"{row['time_fused_x_vectors']}×")  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
