"""`litsynth code suggest`: score every chunk of the store against the codebook and keep the
suggestions, with their evidence, in the store.

This is the imperative shell around `classify` (zero-shot) and `learn` (from the reviewer's
decisions): it reads chunks and human codings, gets chunk vectors (from the FAISS index when it
was built with the same model, else by embedding the texts), and replaces the machine
suggestions in one transaction. Human codings are read, never written.

What is stored: every (chunk, code) whose score reaches the code's threshold, plus each chunk's
best code even when it falls short — so every passage shows its nearest code in review and the
agreement report, and the near misses are where the review queue finds the uncertain cases.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook
from litsynth.coding.machine.classify import Scores, ZeroShot, fit_zero_shot
from litsynth.coding.machine.corpus import CORPUS_VERSION, learn_on_corpus, read_corpus
from litsynth.coding.machine.features import Context, Unit, context_of
from litsynth.coding.machine.finetune import (
    FINETUNE_VERSION,
    MODELS,
    TunedModel,
    activate,
    active,
    auto_max_pairs,
    fine_tune,
    model_id,
    now,
    save,
    saved,
    training_pairs,
)
from litsynth.coding.machine.learn import (
    LEARNED_VERSION,
    Example,
    QueueEntry,
    learn,
    review_queue_order,
)
from litsynth.coding.machine.memo import Last, digest
from litsynth.coding.parsed import ParsedCache
from litsynth.config import Project
from litsynth.embed.models import REAL_MODEL, Embedder, model_path, query_embedder
from litsynth.embed.vectors import CachedEmbedder, stored_vectors
from litsynth.errors import CodingError
from litsynth.provenance import library_versions
from litsynth.records import READ_BY_DEFAULT, Suggestion
from litsynth.store import runs
from litsynth.store import suggestions as store
from litsynth.store.analysis import document_labels
from litsynth.store.codings import last_coding_seq
from litsynth.store.db import transaction
from litsynth.words import count


@dataclass(frozen=True)
class SuggestResult:
    """What a suggest run did, for the CLI to render."""

    chunks: int
    stored: int
    suggested: int
    learned_codes: tuple[str, ...]
    model: str
    codebook_version: str
    per_code: dict[str, int]
    thresholds: dict[str, float]
    vectors_from: str  # "index" | "embedded" | "index+embedded" | "fine-tuned encoder (…)"
    top: list[Suggestion] = field(default_factory=list)
    skipped_by_role: int = 0  # passages scored but not suggested: reference lists, front matter…
    fine_tuned: TunedModel | None = None  # the project's fine-tuned encoder, when coding used it
    decisions: int = 0  # labelled passages learned from
    pseudo: int = 0  # passages of the corpus's own that topped up codes with few decisions
    flooded: tuple[str, ...] = ()  # codes nobody decided, suggested almost everywhere
    unworded: tuple[str, ...] = ()  # codes whose words the passages read hardly use
    unfit: bool = False  # so many unworded that the corpus was not learned from at all
    off_codebook: tuple[str, ...] = ()  # documents (labels) not learned from: off the codebook

    def to_json(self) -> dict[str, Any]:
        """`code suggest --json`'s contract."""
        return {
            "chunks": self.chunks,
            "suggested": self.suggested,
            "stored": self.stored,
            "model": self.model,
            "codebook_version": self.codebook_version,
            "learned_codes": list(self.learned_codes),
            "vectors_from": self.vectors_from,
            "skipped_by_role": self.skipped_by_role,
            "fine_tuned": self.fine_tuned.id if self.fine_tuned else None,
            "decisions": self.decisions,
            "pseudo_examples": self.pseudo,
            "flooded": list(self.flooded),
            "unworded": list(self.unworded),
            "corpus_fits_codebook": not self.unfit,
            "off_codebook_documents": list(self.off_codebook),
            "per_code": self.per_code,
            "thresholds": {c: round(t, 4) for c, t in self.thresholds.items()},
            "suggestions": [
                {"chunk_id": s.chunk_id, "code": s.code_id, "score": s.score,
                 "evidence": s.evidence}
                for s in self.top
            ],
        }  # fmt: skip

    def summary(self) -> str:
        """One line for `litsynth run`, with what `code suggest` would warn about (so a
        pipeline user learns that the codebook may not fit, and where to look)."""
        line = (
            f"{count(self.suggested, 'suggestion')} for {count(self.chunks, 'passage')}"
            f" ({self.stored} scores kept; model {self.model}, codebook {self.codebook_version},"
            f" vectors {self.vectors_from})"
        )
        notes = []
        if self.unfit:
            notes.append("not learning from the corpus: the codebook may not fit it")
        elif self.unworded:
            notes.append(f"not taught by the corpus: {', '.join(self.unworded)}")
        if self.off_codebook:
            notes.append(
                f"{count(len(self.off_codebook), 'document')} off the codebook not learned from"
            )
        if self.flooded:
            notes.append(f"suggested almost everywhere: {', '.join(self.flooded)}")
        if notes:
            line += f"; {'; '.join(notes)} (`litsynth code suggest` says more)"
        return line


def chunk_vectors(
    project: Project, rows: Sequence[store.ChunkRow], embedder: Embedder
) -> tuple[np.ndarray, str]:
    """The chunks' vectors: read back from indexes/ when its manifest names the same model,
    embedded now where it lacks them (the index is a cache, never the only copy)."""
    return stored_vectors(
        project.index_dir,
        embedder.name,
        [r.rowid for r in rows],
        [r.text for r in rows],
        lambda: embedder,
        [r.id for r in rows],
    )


def evidence_for(scores: Scores, zs: ZeroShot, i: int, k: int) -> dict[str, Any]:
    """The evidence JSON of one suggestion: matched keywords, nearest prototype, components."""
    proto = zs.protos[int(scores.nearest[i, k])]
    code = scores.code_ids[k]
    out: dict[str, Any] = {
        "keywords": list(scores.keywords[i].get(code, ())),
        "nearest": {
            "text": proto.text,
            "kind": proto.kind,
            "similarity": round(float(scores.nearest_sim[i, k]), 4),
        },
        "zero_shot": round(float(1 / (1 + np.exp(-scores.logit[i, k]))), 4),
    }
    if scores.learned is not None and not np.isnan(scores.learned[i, k]):
        out["learned"] = round(float(scores.learned[i, k]), 4)
    return out


def examples_from(
    labels: dict[str, tuple[set[str], set[str]]], rows: Sequence[store.ChunkRow], book: Codebook
) -> list[Example]:
    """Human decisions as training examples (codes no longer in the codebook are dropped).

    A passage whose suggestions were all rejected, with no code given instead, is a passage
    the reviewer read and found nothing in: a negative for every code, as a training row
    with no code is in `code eval`. Without this, a reviewer who rejects junk teaches only
    that one code to stay away from it.
    """
    where = {r.id: i for i, r in enumerate(rows)}
    out = []
    for chunk_id, (pos, neg) in labels.items():
        if chunk_id in where:
            positive = frozenset(c for c in pos if c in book.codes)
            negative = frozenset(c for c in neg if c in book.codes)
            if negative and not positive:
                negative = frozenset(book.codes)
            out.append(Example(where[chunk_id], positive, negative))
    return [e for e in out if e.positive or e.negative]


_MATCHES: Last[list[dict[str, tuple[str, ...]]]] = Last()


def stored_score(probability: float, bar: float) -> float:
    """The score as stored: 6 decimals, on the same side of the bar as the probability.

    The store and every reader decide "suggested" as score >= threshold. Rounding alone
    moved a passage the scorer holds just under the bar (`ZeroShot.score`: no keyword, far
    from the code) over it about half the time: the demo's codebook over 13 unrelated papers
    counted 128 suggestions where the scores make 123."""
    score = round(probability, 6)
    if probability < bar <= score:
        return float(np.nextafter(bar, 0.0))
    if score < bar <= probability:
        return bar
    return score


def select(scores: Scores, min_score: float | None) -> list[tuple[int, int]]:
    """(passage, code) pairs to store: above threshold (or min_score), plus each passage's best."""
    bar = (
        scores.threshold[None, :]
        if min_score is None
        else np.full((1, len(scores.code_ids)), min_score)
    )
    keep = scores.probability >= bar
    keep[np.arange(len(keep)), scores.top()] = True
    return [(int(i), int(k)) for i, k in zip(*np.nonzero(keep), strict=True)]


def suggest_project(
    conn: sqlite3.Connection,
    project: Project,
    *,
    min_score: float | None = None,
    embedder: Embedder | None = None,
    learn_from_codings: bool = True,
    roles: Sequence[str] | None = READ_BY_DEFAULT,
    writing: AbstractContextManager[Any] | None = None,
) -> SuggestResult:
    """Score every chunk against the codebook, learn from human codings, store suggestions.

    Every chunk is scored (a passage's neighbours are its context, and the corpus calibrates
    the scores), but suggestions are stored only for passages of `roles` (None: all): a
    reference list or an author block is never something a reviewer codes. `writing` is held
    while the suggestions are replaced, and only then: the workspace's lock, so that its
    background runs never keep a reviewer's decision waiting for a fit.
    """
    book = project_codebook(project)
    min_score = project.settings.coding.min_score if min_score is None else min_score
    rows = store.chunks(conn)
    if not rows:
        raise CodingError(
            f"the store {project.store_path} has no chunks to code",
            hint="run `litsynth ingest` first",
        )
    # the passages' vectors come from the index; what is embedded here is mostly the
    # codebook's few texts, which the ONNX export embeds without importing torch (9 s)
    embedder = embedder or query_embedder(
        project.settings.embed.embedder, project.settings.embed.batch_size
    )
    fine = tuned_encoder(project)
    tuned = None
    if fine:  # the fine-tuned copy: its own cache of vectors, never the index
        embedder, tuned = fine
    vectors, source = chunk_vectors(project, rows, embedder)
    if fine:
        hits = fine[0].hits
        source = f"fine-tuned encoder ({hits} cached, {len(rows) - hits} embedded)"
    texts = [r.text for r in rows]
    lemmatize = project.settings.coding.lemmatize
    zs = fit_zero_shot(book, embedder, lemmatize=lemmatize)

    def match() -> list[dict[str, tuple[str, ...]]]:
        with ParsedCache.of(project) as cache:
            return zs.matcher.match(texts, cache=cache)

    # the passages and codebook of the last run: its matches (memo.py; the workspace reruns)
    keywords = _MATCHES.get(digest(book.version, lemmatize, texts), match)
    scores = zs.score(vectors, texts, keywords)
    ctx: Context = context_of([Unit(r.text, r.document_id, r.ordinal) for r in rows])
    read_to = last_coding_seq(conn)  # before the labels: a coding logged between is "since"
    examples = examples_from(store.human_labels(conn), rows, book) if learn_from_codings else []
    model = zs.name
    # the passages suggested for, and read by the corpus learner: no reference lists…
    read = np.array([roles is None or r.role in roles for r in rows], dtype=bool)
    pseudo = 0
    unworded: frozenset[str] = frozenset()
    fit = True
    away: tuple[str, ...] = ()
    if project.settings.coding.learn_from_corpus:
        reading = read_corpus(zs, scores, texts, ctx, read)
        unworded, fit = reading.unworded, reading.fits
        away = document_names(reading.away, rows, document_labels(conn))
        scores, pseudo = learn_on_corpus(zs, scores, texts, vectors, ctx, examples, read, reading)
    elif examples:
        scores = learn(zs, scores, texts, vectors, ctx, examples)
    if pseudo:
        model = f"{model}+{CORPUS_VERSION}"
    if examples:
        model = f"{model}+{LEARNED_VERSION}"
    learned = tuple(
        c
        for k, c in enumerate(scores.code_ids)
        if scores.learned is not None and not np.isnan(scores.learned[0, k])
    )
    pairs = [(i, k) for i, k in select(scores, min_score) if read[i]]
    skipped = int((~read).sum())
    thresholds = {
        c: float(min_score if min_score is not None else scores.threshold[k])
        for k, c in enumerate(scores.code_ids)
    }
    suggestions = [
        Suggestion(
            chunk_id=rows[i].id,
            code_id=scores.code_ids[k],
            score=stored_score(float(scores.probability[i, k]), thresholds[scores.code_ids[k]]),
            model=model,
            codebook_version=book.version,
            evidence=evidence_for(scores, zs, i, k),
        )
        for i, k in pairs
    ]
    settings = {
        "min_score": min_score,
        "model": model,
        "codebook": str(project.settings.coding.codebook),
    }
    versions = library_versions()
    with writing or nullcontext(), transaction(conn):
        run_id = runs.start_run(conn, "code-suggest", settings, versions)
        store.record_codebook_version(conn, book.version, book.files, _content(book))
        stored = store.replace_suggestions(conn, suggestions, thresholds, run_id)
        suggested = [s for s in suggestions if s.score >= thresholds[s.code_id]]
        per_code = {c: sum(1 for s in suggested if s.code_id == c) for c in scores.code_ids}
        runs.finish_run(
            conn,
            run_id,
            {
                "chunks": len(rows),
                "skipped_by_role": skipped,
                "stored": stored,
                "suggested": len(suggested),
                "per_code": per_code,
                "decisions": len(examples),
                "codings_seq": read_to,  # `litsynth status` counts the codings after it
            },
        )
    return SuggestResult(
        chunks=len(rows),
        stored=stored,
        suggested=len(suggested),
        learned_codes=learned,
        model=model,
        codebook_version=book.version,
        per_code=per_code,
        thresholds=thresholds,
        vectors_from=source,
        top=sorted(suggested, key=lambda s: -s.score),
        skipped_by_role=skipped,
        fine_tuned=tuned,
        decisions=len(examples),
        pseudo=pseudo,
        flooded=flooded_codes(per_code, int(read.sum()), learned) if pseudo else (),
        unworded=tuple(c for c in scores.code_ids if c in unworded),
        unfit=not fit,
        off_codebook=away if pseudo else (),
    )


def document_names(
    away: np.ndarray, rows: Sequence[store.ChunkRow], labels: dict[str, str]
) -> tuple[str, ...]:
    """The documents of the passages in `away`, by their short names."""
    ids = {rows[int(i)].document_id for i in np.flatnonzero(away)}
    return tuple(sorted(labels.get(d, d) for d in ids))


FLOOD = 0.8  # of the passages read: no code of a real codebook is in four of five


def flooded_codes(
    per_code: dict[str, int], read: int, decided: Sequence[str], share: float = FLOOD
) -> tuple[str, ...]:
    """Codes no person decided that are suggested for more than `share` of the passages read.

    Learning from the corpus assumes every code occurs in it. When the codebook does not fit
    the corpus it floods: the demo's supply-chain codebook over 13 NLP and HCI papers put
    "sustainability-outcomes" on 788 of 793 passages (the codebook alone: 128 suggestions in
    all). The CLI warns; docs/coding.md, "Known limitation", says what to do.
    """
    if read <= 0:
        return ()
    return tuple(code for code, n in per_code.items() if code not in decided and n > share * read)


def tuned_encoder(project: Project) -> tuple[CachedEmbedder, TunedModel] | None:
    """The project's active fine-tuned copy of the encoder, which coding uses instead of the
    packaged one (its vectors cached beside it by text hash, so the next run embeds only new
    passages); None when there is none."""
    tuned = active(project.root)
    if tuned is None:
        return None
    from litsynth.embed.bf16 import FolderEmbedder, has_bf16

    folder = project.root / MODELS / tuned.id
    bf16 = has_bf16()  # inference precision follows this CPU; the name says which it was
    name = f"{tuned.name}+torch-bf16" if bf16 else tuned.name
    inner = FolderEmbedder(folder, name, bf16=bf16)
    return CachedEmbedder(inner, folder / "vectors.sqlite"), tuned


def finetune_project(
    conn: sqlite3.Connection,
    project: Project,
    *,
    per_example: int = 10,
    max_pairs: int | None = None,
    seed: int = 0,
    on_pairs: Callable[[int], Callable[[], None] | None] | None = None,
) -> TunedModel:
    """Fine-tune a copy of the packaged encoder on the human decisions, save it in the project
    and make it the one `code suggest` codes with (finetune.py says why and how).

    `on_pairs(n)` is told the number of training pairs and may return a per-batch callback
    (the CLI's progress bar). The same decisions and seed give the same model id, and a
    model already saved under that id is reused, not trained again.
    """
    from litsynth.embed.bf16 import has_bf16

    book = project_codebook(project)
    rows = store.chunks(conn)
    examples = examples_from(store.human_labels(conn), rows, book)
    texts = [r.text for r in rows]
    if max_pairs is None:
        max_pairs = auto_max_pairs(len(examples))
    pairs = training_pairs(examples, per_example=per_example, max_pairs=max_pairs, seed=seed)
    bf16 = has_bf16()
    settings = {"per_example": per_example, "max_pairs": max_pairs, "seed": seed, "bf16": bf16}
    ident = model_id(REAL_MODEL, texts, examples, settings)
    folder = project.root / MODELS / ident
    if (folder / "config.json").exists():
        activate(project.root, ident)
        return next(m for m in saved(project.root) if m.id == ident)
    on_batch = on_pairs(len(pairs)) if on_pairs is not None else None
    started = time.perf_counter()
    model, tokenizer = fine_tune(
        model_path(), texts, pairs, seed=seed, bf16=bf16, on_batch=on_batch
    )
    codes: dict[str, int] = {}
    for e in examples:
        for code in e.positive:
            codes[code] = codes.get(code, 0) + 1
    manifest = TunedModel(
        id=ident,
        base=REAL_MODEL,
        version=FINETUNE_VERSION,
        created=now(),
        decisions=len(examples),
        codes=dict(sorted(codes.items())),
        pairs=len(pairs),
        seconds=round(time.perf_counter() - started, 1),
        precision="bf16" if bf16 else "fp32",
        seed=seed,
    )
    save(project.root, model, tokenizer, manifest)
    return manifest


def review_ranking(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The active-learning order of undecided suggestions, for the review loop."""
    entries = [QueueEntry(*row) for row in store.undecided_suggestions(conn)]
    return review_queue_order(entries)


def _content(book: Codebook) -> dict[str, Any]:
    from litsynth.coding.codebook.model import _normalised

    return {
        "codes": [_normalised(c) for c in book.codes.values()],
        "categories": [_normalised(c) for c in book.categories.values()],
        "themes": [_normalised(t) for t in book.themes.values()],
        "relations": [_normalised(r) for r in book.relations],
    }
