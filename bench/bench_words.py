"""`litsynth words` against the raw libraries on the same passages.

The corpus: the 13 scholarly PDFs of ../shared/data/pdfs/scholarly, ingested with the hash
embedder (words need no vectors) into a temporary project. Timed, best of 3:

- raw: spaCy's pipeline run over the body and abstract passages (`nlp.pipe`, the lemmas a
  word count needs) and a `collections.Counter` of the lemmas;
- litsynth, cold: `word_frequencies` over the same passages with an empty lemma cache (the
  first count on a corpus `code suggest` has not read);
- litsynth, warm: again, the lemmas read from indexes/nlp.sqlite (every count after);
- in context: one word's uses.

Run: .venv/bin/python bench/bench_words.py   (writes bench/results/words.json)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import timeit
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PDFS = REPO.parent / "shared" / "data" / "pdfs" / "scholarly"
OUT = REPO / "bench" / "results" / "words.json"


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> int:
    if not PDFS.is_dir():
        print(f"skipped: {PDFS} is absent (the shared data beside the repository)")
        return 0
    os.environ["LITSYNTH_EMBED__MODEL"] = "hash-384"
    from litsynth.coding.machine.features import lemma_pipeline
    from litsynth.coding.parsed import PARSED_FILE
    from litsynth.config import open_project
    from litsynth.ingest.incremental import IngestOptions, ingest
    from litsynth.store import opened
    from litsynth.store import passages as passage_store
    from litsynth.synthesis.word_query import WordQuery, word_frequencies, word_in_context

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "words"
        (root / "corpus").mkdir(parents=True)
        (root / "litsynth.toml").write_text('[project]\nname = "words bench"\n', encoding="utf-8")
        for pdf in sorted(PDFS.rglob("*.pdf")):
            shutil.copy(pdf, root / "corpus" / pdf.name)
        project = open_project(root)
        ingest(project, IngestOptions(quiet=True))
        with opened(project.store_path) as conn:
            texts = [
                p.text for p in passage_store.all_passages(conn) if p.role in ("body", "abstract")
            ]
        nlp = lemma_pipeline()

        def raw() -> Counter[str]:
            return Counter(t.lemma_.lower() for d in nlp.pipe(texts) for t in d if t.is_alpha)

        def ours() -> object:
            with opened(project.store_path) as conn:
                return word_frequencies(conn, project, None, WordQuery(), top=30)

        def cold() -> object:
            (project.index_dir / PARSED_FILE).unlink(missing_ok=True)
            return ours()

        raw_s = best_of(raw)
        cold_s = best_of(cold)
        warm_s = best_of(ours)
        table = ours()
        first = table.words[0].word  # type: ignore[attr-defined]

        def context() -> object:
            with opened(project.store_path) as conn:
                return word_in_context(conn, project, None, WordQuery(), first)

        context_s = best_of(context)
        uses = len(context()[0])  # type: ignore[index]
    result = {
        "passages": len(texts),
        "tokens_counted": table.tokens,  # type: ignore[attr-defined]
        "raw_spacy_counter_s": round(raw_s, 3),
        "litsynth_cold_s": round(cold_s, 3),
        "litsynth_warm_s": round(warm_s, 3),
        "in_context_s": round(context_s, 3),
        "word": first,
        "uses": uses,
        "cold_ratio": round(cold_s / raw_s, 2),
        "warm_ratio": round(warm_s / raw_s, 2),
    }
    print(
        f"{result['passages']} passages, {result['tokens_counted']:,} words counted.\n"
        f"raw spaCy pipe + Counter {raw_s:.2f} s; litsynth words cold {cold_s:.2f} s"
        f" ({result['cold_ratio']}×), warm {warm_s:.2f} s ({result['warm_ratio']}×);"
        f" '{first}' in context ({uses} uses) {context_s:.2f} s"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
