"""Synthesis benchmark: matrix building and in-text citation extraction vs the raw libraries.

1. Matrix: a synthetic store (documents × chunks, machine suggestions, human codings with some
   rejections and sub-spans) → `load_coded_spans` (the SQL over effective_codings) and
   `build_matrix` (counts + back-links with quotes and citations), against the raw library doing
   only the counting: `pandas.crosstab` over the same (document, theme, chunk) rows after
   `drop_duplicates`. The ratio says what the back-links cost on top of plain counting.
2. Citations: `extract_citations` + reference resolution over seed 000's text (46 kB, 172
   citations), against one raw `regex.finditer` of the narrative pattern alone.

Run: .venv/bin/python bench/bench_synthesis.py [N_DOCS]   (writes bench/results/synthesis.json)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import regex

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
OUT = REPO / "bench" / "results" / "synthesis.json"

from litsynth.coding.codebook.load import load_codebook  # noqa: E402
from litsynth.store import synthesis as store  # noqa: E402
from litsynth.synthesis import intext  # noqa: E402
from litsynth.synthesis.matrix import build_matrix  # noqa: E402
from synthesis_store import FIXTURES, StoreBuilder  # noqa: E402


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def synthetic_store(path: Path, n_docs: int, chunks_per_doc: int, seed: int = 0) -> StoreBuilder:
    rng = random.Random(seed)
    codebook = load_codebook(FIXTURES / "codebook.yaml")
    codes = list(codebook.codes)
    b = StoreBuilder(path)
    b.conn.execute("BEGIN")
    for d in range(n_docs):
        text = " ".join(f"w{d}x{i}" for i in range(chunks_per_doc * 60))
        source_type = rng.choice(["conceptual", "empirical", "case-based"])
        doc = b.document(
            text,
            path=f"corpus/d{d}.pdf",
            kind="pdf",
            authors=(f"Author{d}, A.",),
            year=2000 + d % 25,
            attributes={"source_type": source_type},
            page_breaks=tuple(range(2000, len(text), 2000)),
        )
        step = len(text) // chunks_per_doc
        for i in range(chunks_per_doc):
            chunk = b.chunk(doc, i * step, (i + 1) * step)
            for code in rng.sample(codes, rng.randint(0, 3)):
                b.suggest(chunk, code, score=rng.random())
            if rng.random() < 0.2:
                b.code(chunk, rng.choice(codes), status=rng.choice(["accepted", "rejected"]))
            if rng.random() < 0.05:
                b.code(chunk, rng.choice(codes), start=i * step, end=i * step + 40)
    b.conn.execute("COMMIT")
    return b


def bench_matrix(n_docs: int, chunks_per_doc: int = 50) -> dict[str, float | int]:
    codebook = load_codebook(FIXTURES / "codebook.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        b = synthetic_store(Path(tmp) / "litsynth.db", n_docs, chunks_per_doc)
        conn = b.conn
        t_load = best_of(lambda: store.load_coded_spans(conn))
        spans = store.load_coded_spans(conn)
        docs = store.load_documents(conn)
        t_matrix = best_of(
            lambda: build_matrix(spans, docs, codebook, rows="documents", cols="themes")
        )
        theme_of = {c: (codebook.codes[c].theme or "(no theme)") for c in codebook.codes}
        frame = pd.DataFrame(
            {
                "doc": [s.document_id for s in spans],
                "theme": [theme_of[s.code_id] for s in spans],
                "chunk": [s.chunk_id for s in spans],
            }
        )
        t_raw = best_of(
            lambda: pd.crosstab(frame.drop_duplicates()["doc"], frame.drop_duplicates()["theme"])
        )
        m = build_matrix(spans, docs, codebook)
        raw = pd.crosstab(frame.drop_duplicates()["doc"], frame.drop_duplicates()["theme"])
        agree = all(
            int(m.passages.loc[d, t]) == int(raw.loc[d, t]) for d in raw.index for t in raw.columns
        )
        return {
            "documents": n_docs,
            "chunks": n_docs * chunks_per_doc,
            "coded_spans": len(spans),
            "load_coded_spans_s": round(t_load, 4),
            "build_matrix_s": round(t_matrix, 4),
            "pandas_crosstab_s": round(t_raw, 4),
            "matrix_vs_crosstab": round(t_matrix / t_raw, 1),
            "counts_agree_with_crosstab": agree,
        }


def bench_citations() -> dict[str, float | int]:
    text = (REPO / "corpus" / "000_e36bc8967a0d5917.txt").read_text(encoding="utf-8")
    t_ours = best_of(lambda: intext.document_citations(text), repeat=5)
    t_raw = best_of(lambda: list(intext._NARRATIVE.finditer(text)), repeat=5)
    resolved, refs = intext.document_citations(text)
    return {
        "characters": len(text),
        "citations": len(resolved),
        "references": len(refs),
        "resolved": sum(rc.status == "resolved" for rc in resolved),
        "document_citations_s": round(t_ours, 4),
        "raw_narrative_finditer_s": round(t_raw, 4),
        "ours_vs_raw_regex": round(t_ours / t_raw, 1),
        "chars_per_s": int(len(text) / t_ours),
        "regex_version": regex.__version__,
    }


def main() -> None:
    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    results = {"matrix": bench_matrix(n_docs), "citations": bench_citations()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
