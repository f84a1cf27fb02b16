"""Open coding: find the concepts the codebook does not cover, by clustering passages.

Why k-means with k chosen by silhouette, and not HDBSCAN (BERTopic's default)? On the demo
corpus (384-d MiniLM vectors, no UMAP) HDBSCAN labelled 117 of 152 passages as noise at
min_cluster_size 5 — an "outlier bin" holding most of the corpus, which is exactly what open
coding cannot use. k-means assigns every passage, and with a fixed seed and sorted input it is
deterministic. Silhouette on sentence embeddings is nearly flat (0.13–0.17 for k = 2..12) and
always prefers the coarsest split, so k is chosen among the *fine-grained* solutions only:
k ∈ [⌈k_max/2⌉, k_max] with k_max = min(max_k, n // min_size). Clusters smaller than
`min_size` are dissolved into the nearest remaining centroid before scoring, so no cluster is
a stray handful either.

Each cluster is described the way a reviewer judges it: key phrases (noun chunks by class-based
TF-IDF, see keyphrases.py), size, spread over documents, the passages nearest its centroid as
quotes with citations, and the nearest existing code. "Overlaps" is decided without a magic
number, by comparing like with like: a cluster lies inside a code when its passages are, on
median, as close to the code's centre (the mean of the passages coded with it) as the code's
own passages are — the cluster is then a part of that code, not a new concept. A code with no
passages yet has only its definition and its examples: it overlaps when either is as close to
the cluster's centroid as the cluster's median member (a code drafted from a cluster is its
quotes). Most of a cluster already carrying the code
also counts as overlap. Similarities are measured after removing the corpus mean, because
every passage of a review shares its topic, and raw cosines within one review are all high.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from litsynth.coding.analysis.keyphrases import (
    PHRASER,
    class_tfidf,
    document_entropy,
    extract_phrases,
    not_english,
)
from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook
from litsynth.coding.parsed import ParsedCache
from litsynth.config import Project
from litsynth.embed.models import query_embedder
from litsynth.embed.vectors import stored_vectors
from litsynth.errors import CodingError
from litsynth.progress import progress
from litsynth.records import READ_BY_DEFAULT, OnPassage, Passage, content_id
from litsynth.store import analysis as store

CLUSTERER = "kmeans-silhouette.v1"
SILHOUETTE_SAMPLE = 3000  # silhouette is O(n²); a seeded sample keeps big corpora fast
# k-means is O(n) per fit and 11 k are tried with 10 starts each: past this many passages the
# centres are fitted on a seeded sample and every passage joins its nearest centre.
FIT_SAMPLE = 5000
# A cluster's name is its most telling noun phrases; parsing phrases (spaCy's parser) is the
# slowest step of discover, and 300 members name a cluster as well as 3,000 do.
PHRASE_SAMPLE = 300
QUOTE_CHARS = 320


@dataclass(frozen=True)
class Quote(OnPassage):
    """A representative passage, as a reviewer reads it: where it is from and what it says."""

    passage: Passage
    text: str  # the passage's excerpt, at most QUOTE_CHARS
    similarity: float  # cosine to the cluster centroid

    def to_json(self) -> dict[str, object]:
        return {
            "chunk_id": self.chunk_id,
            "document_id": self.document_id,
            "citation": self.citation,
            "text": self.text,
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class CodeMatch:
    """The existing code nearest a cluster, and whether the cluster is just that code again."""

    code_id: str
    label: str
    # prototype "passages": median centred cosine of the cluster's passages to the code's centre,
    # against the code's cohesion (the same figure for the code's own passages);
    # prototype "definition" (or "examples": the mean of the code's examples in the codebook):
    # its centred cosine to the cluster centroid, against the cluster's median member's.
    similarity: float
    threshold: float
    coded_share: float  # share of the cluster's passages already coded with this code
    prototype: str  # "passages" | "definition" | "examples"

    @property
    def overlaps(self) -> bool:
        return self.similarity >= self.threshold or self.coded_share >= 0.5


@dataclass(frozen=True)
class Cluster:
    id: str  # content hash of the member chunk ids: the same members, the same id
    number: int  # 1 = largest
    chunk_ids: tuple[str, ...]
    documents: tuple[tuple[str, int], ...]  # (document id, passages), most first
    entropy: float  # spread over the corpus's documents, 0..1 (keyphrases.document_entropy)
    phrases: tuple[tuple[str, float], ...]
    quotes: tuple[Quote, ...]
    nearest_code: CodeMatch | None = None

    @property
    def size(self) -> int:
        return len(self.chunk_ids)

    @property
    def label(self) -> str:
        return " / ".join(p for p, _ in self.phrases[:3]) or f"cluster {self.number}"

    @property
    def top_document_share(self) -> float:
        return self.documents[0][1] / self.size if self.documents else 0.0

    @property
    def verdict(self) -> str:
        return "overlaps" if self.nearest_code and self.nearest_code.overlaps else "new"


@dataclass(frozen=True)
class Discovery:
    clusters: tuple[Cluster, ...]
    k: int
    silhouettes: dict[int, float]  # k tried → silhouette; absent when k collapsed to one cluster
    n_passages: int
    n_documents: int
    mode: str  # "all" | "uncoded"
    seed: int
    min_size: int
    model: str = ""
    codebook_version: str = ""
    document_labels: dict[str, str] = field(default_factory=dict)  # id → "Phadnis (2023)"
    method: str = f"{CLUSTERER}+{PHRASER}"
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        return f"{len(self.clusters)} concept clusters over {self.n_passages} passages"


# ------------------------------------------------------------------------------ clustering


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def _centroids(x: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    return {int(c): _unit(x[labels == c].mean(axis=0)) for c in np.unique(labels)}


def dissolve_small(x: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Move the passages of clusters under `min_size` to the nearest larger cluster's centroid.

    The smallest cluster goes first (ties: lowest label), and centroids are recomputed after
    each move, so the result does not depend on the order clusters are numbered in.
    """
    labels = labels.copy()
    while True:
        sizes = Counter(int(c) for c in labels)
        if len(sizes) <= 1:
            return labels
        small = sorted((n, c) for c, n in sizes.items() if n < min_size)
        if not small:
            return labels
        victim = small[0][1]
        cents = _centroids(x, labels)
        others = [c for c in sorted(cents) if c != victim]
        matrix = np.stack([cents[c] for c in others])
        members = np.flatnonzero(labels == victim)
        nearest = np.argmax(x[members] @ matrix.T, axis=1)
        labels[members] = np.asarray(others)[nearest]


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by size (largest first), ties by first member: stable ids."""
    order = sorted(
        np.unique(labels), key=lambda c: (-int((labels == c).sum()), int(np.argmax(labels == c)))
    )
    mapping = {int(c): i for i, c in enumerate(order)}
    return np.asarray([mapping[int(c)] for c in labels])


def cluster_vectors(
    x: np.ndarray, *, min_size: int = 5, max_k: int = 20, seed: int = 0, k: int | None = None
) -> tuple[np.ndarray, dict[int, float]]:
    """Labels 0..k-1 (0 = largest) for L2-normalised rows, and the silhouette of each k tried.

    Worked numbers: 152 passages, min_size 5, max_k 20 → k_max = min(20, 152 // 5) = 20,
    tried k = 10..20. Fewer than 2·min_size passages → one cluster (nothing to split).
    """
    from sklearn.metrics import silhouette_score

    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=int), {}
    if k is not None:
        candidates = [max(1, min(k, n))]
    else:
        k_max = min(max_k, n // max(min_size, 1))
        candidates = list(range(max(2, (k_max + 1) // 2), k_max + 1)) if k_max >= 2 else [1]
    best: tuple[float, int, np.ndarray] | None = None
    scores: dict[int, float] = {}
    # 11 k-means runs over up to FIT_SAMPLE passages take several seconds: a bar past 2,000
    steps: Iterable[int] = candidates
    if n >= 2000:
        steps = progress(candidates, total=len(candidates), desc="clustering", unit="k", minimum=0)
    for kk in steps:
        if kk == 1:
            labels = np.zeros(n, dtype=int)
        else:
            labels = _kmeans(x, kk, seed)
            labels = dissolve_small(x, labels, min_size)
        found = len(np.unique(labels))
        score = -1.0  # one cluster left after dissolving: no silhouette, never preferred
        if found >= 2:
            score = float(
                silhouette_score(
                    x,
                    labels,
                    metric="cosine",
                    sample_size=min(n, SILHOUETTE_SAMPLE),
                    random_state=seed,
                )
            )
            scores[kk] = round(score, 4)
        # Strictly greater: on a tie the smaller k (tried first) wins.
        if best is None or score > best[0]:
            best = (score, kk, labels)
    assert best is not None
    return _canonical(best[2]), scores


def _kmeans(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means labels of every row; the centres from at most FIT_SAMPLE seeded rows.

    On one thread: scikit-learn's OpenMP threads spin on matrices this small, and with
    anything else running on a 2-core machine the 110 fits took 15.8 s instead of 1.2 s
    (same labels)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        if len(x) <= FIT_SAMPLE:
            return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x).labels_
        rows = np.random.default_rng(seed).choice(len(x), FIT_SAMPLE, replace=False)
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x[np.sort(rows)])
        return model.predict(x)


def _phrase_rows(labels: np.ndarray, seed: int) -> np.ndarray:
    """The passages whose phrases name the clusters: all of a cluster up to PHRASE_SAMPLE
    members, a seeded sample of a bigger one (in passage order)."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) > PHRASE_SAMPLE:
            members = np.sort(rng.choice(members, PHRASE_SAMPLE, replace=False))
        rows.append(members)
    return np.sort(np.concatenate(rows)) if rows else np.zeros(0, dtype=int)


# ------------------------------------------------------------------------------ description


def excerpt(text: str, limit: int = QUOTE_CHARS) -> str:
    """Whole sentences from the start of a passage, up to ~limit characters, verbatim.

    Verbatim matters: the draft codebook stores these as example quotes, and a quote must be
    findable in the source.
    """
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+", text)
    out = sentences[0]
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}"
    if len(out) > limit * 2:  # one enormous "sentence" (a table, a reference list)
        out = out[:limit].rsplit(" ", 1)[0] + " …"
    return out


def _quotes(passages: Sequence[Passage], sims: np.ndarray, n: int) -> tuple[Quote, ...]:
    """The passages nearest the centroid, skipping neighbours of one already chosen.

    Chunks overlap by design (40 tokens), so the two nearest passages are often one passage
    twice; skipping ±1 ordinal in the same document shows the cluster's range instead.
    """
    chosen: list[Quote] = []
    taken: set[tuple[str, int]] = set()
    for i in np.argsort(-sims, kind="stable"):
        p = passages[int(i)]
        if {
            (p.document_id, p.ordinal - 1),
            (p.document_id, p.ordinal),
            (p.document_id, p.ordinal + 1),
        } & taken:
            continue
        text = excerpt(p.text)
        if any(q.text == text for q in chosen):  # boilerplate repeated across documents
            continue
        chosen.append(Quote(p, text, round(float(sims[i]), 4)))
        taken.add((p.document_id, p.ordinal))
        if len(chosen) == n:
            break
    return tuple(chosen)


@dataclass(frozen=True)
class Prototype:
    """Where an existing code sits in embedding space."""

    code_id: str
    label: str
    vector: np.ndarray
    source: str  # "passages" | "definition" | "examples" (the codebook's, where discover asks)
    # The coded passages themselves (rows), when the code has any: its cohesion is measured
    # passage by passage, like the cluster's, since an average sits closer to everything.
    members: np.ndarray | None = None


def discover(
    passages: Sequence[Passage],
    vectors: np.ndarray,
    *,
    corpus_mean: np.ndarray | None = None,
    prototypes: Sequence[Prototype] = (),
    coded: Mapping[str, set[str]] | None = None,
    n_documents: int | None = None,
    min_size: int = 5,
    max_k: int = 20,
    k: int | None = None,
    seed: int = 0,
    n_quotes: int = 3,
    n_phrases: int = 8,
    mode: str = "all",
    phrase_reader: Callable[[Sequence[str]], list[list[str]]] | None = None,
) -> Discovery:
    """Cluster passages and describe each cluster; pure, deterministic for the same inputs.

    `vectors[i]` belongs to `passages[i]`. Input order does not matter: passages are sorted by
    chunk id first. `coded` maps chunk id → codes it carries now (for the coded share).
    `phrase_reader` reads noun phrases (default `extract_phrases`; the CLI passes one that
    keeps them on disk, so a second run parses nothing again).
    """
    if len(passages) != len(vectors):
        raise CodingError(
            f"{len(passages)} passages but {len(vectors)} vectors", hint="re-run `litsynth ingest`"
        )
    order = sorted(range(len(passages)), key=lambda i: passages[i].chunk_id)
    passages = [passages[i] for i in order]
    x = _unit(np.asarray(vectors, dtype=np.float64)[order]) if len(order) else np.zeros((0, 1))
    labels, scores = cluster_vectors(x, min_size=min_size, max_k=max_k, seed=seed, k=k)
    n_docs = n_documents if n_documents is not None else len({p.document_id for p in passages})
    if not passages:
        return Discovery((), 0, scores, 0, n_docs, mode, seed, min_size)
    named = _phrase_rows(labels, seed)
    phrases = class_tfidf(
        (phrase_reader or extract_phrases)([passages[i].text for i in named]),
        labels[named].tolist(),
        top_n=n_phrases,
    )
    mean = corpus_mean if corpus_mean is not None else x.mean(axis=0)
    centred = _unit(x - mean)
    proto_centres = [_unit(p.vector - mean) for p in prototypes]
    cohesion = [
        float(np.median(_unit(p.members - mean) @ centre)) if p.members is not None else None
        for p, centre in zip(prototypes, proto_centres, strict=True)
    ]
    coded = coded or {}
    clusters = []
    for c in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == c)
        member_passages = [passages[i] for i in members]
        centroid = _unit(x[members].mean(axis=0))
        quotes = _quotes(member_passages, x[members] @ centroid, n_quotes)
        docs = Counter(p.document_id for p in member_passages)
        ranked_docs = tuple(sorted(docs.items(), key=lambda kv: (-kv[1], kv[0])))
        match = None
        if prototypes:
            c_centroid = _unit(centred[members].mean(axis=0))
            member_median = float(np.median(centred[members] @ c_centroid))
            # Nearest code: where the cluster's passages sit, on median, closest to its centre.
            sims = np.asarray([float(np.median(centred[members] @ v)) for v in proto_centres])
            best = int(np.argmax(sims))
            proto = prototypes[best]
            code_cohesion = cohesion[best]
            if code_cohesion is None:  # definition only: definition vs the cluster's centroid
                similarity, threshold = float(proto_centres[best] @ c_centroid), member_median
            else:
                similarity, threshold = float(sims[best]), code_cohesion
            share = sum(proto.code_id in coded.get(p.chunk_id, ()) for p in member_passages)
            match = CodeMatch(
                code_id=proto.code_id,
                label=proto.label,
                similarity=round(similarity, 4),
                threshold=round(threshold, 4),
                coded_share=round(share / len(members), 4),
                prototype=proto.source,
            )
        chunk_ids = tuple(p.chunk_id for p in member_passages)
        clusters.append(
            Cluster(
                id=content_id("cluster", *chunk_ids, length=12),
                number=c + 1,
                chunk_ids=chunk_ids,
                documents=ranked_docs,
                entropy=document_entropy(list(docs.values()), n_docs),
                phrases=tuple(phrases.get(c, [])),
                quotes=quotes,
                nearest_code=match,
            )
        )
    return Discovery(
        tuple(clusters), len(clusters), scores, len(passages), n_docs, mode, seed, min_size
    )


# ------------------------------------------------------------------------------ the shell


def passage_vectors(project: Project, passages: Sequence[Passage]) -> tuple[np.ndarray, str]:
    """Vectors of the passages: from the FAISS index when it was built by the settings' model,
    re-embedded from the stored text otherwise (and for any chunk the index lacks)."""
    settings = project.settings.embed
    vectors, _source = stored_vectors(
        project.index_dir,
        settings.embedder,
        [p.rowid for p in passages],
        [p.text for p in passages],
        lambda: query_embedder(settings.embedder, batch_size=settings.batch_size),
        [p.chunk_id for p in passages],
    )
    return vectors, settings.embedder


def code_prototypes(
    codebook: Codebook,
    codings: Sequence[store.CodedPassage],
    vector_of: Mapping[str, np.ndarray],
    embed_texts: Callable[[list[str]], np.ndarray],
    *,
    with_examples: bool = False,
) -> list[Prototype]:
    """Each code's mean coded-passage vector, or its embedded definition when it has none.

    `with_examples`: a code with no coded passages but examples in the codebook also stands
    at the mean of its examples (a second prototype, "examples"). Open coding asks whether a
    cluster is already a code, and a code drafted from a cluster (`code discover --write`) is
    its quotes: by its definition alone ("DRAFT — passages about …") the cluster it came from
    read as new again.
    """
    by_code: dict[str, list[np.ndarray]] = {}
    for c in codings:
        if c.chunk_id in vector_of:
            by_code.setdefault(c.code_id, []).append(vector_of[c.chunk_id])
    out = []
    bare = [code for code in codebook.codes.values() if code.id not in by_code]
    texts = [f"{c.label}. {c.definition} {' '.join(c.keywords)}".strip() for c in bare]
    examples = {c.id: list(c.examples) for c in bare if with_examples and c.examples}
    rows: dict[str, list[int]] = {}
    for code_id, said in examples.items():
        rows[code_id] = list(range(len(texts), len(texts) + len(said)))
        texts += said
    embedded = np.asarray(embed_texts(texts)) if texts else np.zeros((0, 1))
    definitions = {code.id: embedded[i] for i, code in enumerate(bare)}
    for code in sorted(codebook.codes.values(), key=lambda c: c.id):
        if code.id in by_code:
            stacked = np.stack(by_code[code.id])
            out.append(
                Prototype(code.id, code.label, _unit(stacked.mean(axis=0)), "passages", stacked)
            )
            continue
        out.append(
            Prototype(code.id, code.label, _unit(np.asarray(definitions[code.id])), "definition")
        )
        if code.id in rows:
            centre = _unit(_unit(embedded[rows[code.id]]).mean(axis=0))
            out.append(Prototype(code.id, code.label, centre, "examples"))
    return out


def run_discover(
    conn: sqlite3.Connection,
    project: Project,
    *,
    uncoded_only: bool = True,
    min_size: int = 5,
    max_k: int = 20,
    k: int | None = None,
    seed: int = 0,
    include_references: bool = False,
) -> Discovery:
    """Open coding over the project's store: load, embed (or read the index), cluster, describe.

    Passages inside a document's reference lists are left out by default: a bibliography is
    not a concept, and on the demo corpus the uncoded passages were mostly reference entries.
    They are the passages ingest gave the role "references" (ingest/roles.py), so discover,
    search and suggestions agree on where a document's lists are, a book's per chapter too.
    """
    passages = store.load_passages(conn)
    codings = store.load_codings(conn)
    n_docs = store.document_count(conn)
    doc_labels = store.document_labels(conn)
    if not passages:
        raise CodingError(
            f"no passages in {project.store_path}",
            hint=f"run `litsynth ingest --project {project.root}` first",
        )
    vectors, model = passage_vectors(project, passages)
    vector_of = {p.chunk_id: vectors[i] for i, p in enumerate(passages)}
    coded: dict[str, set[str]] = {}
    for c in codings:
        coded.setdefault(c.chunk_id, set()).add(c.code_id)
    notes = []
    skip: set[str] = set()
    if not include_references:
        skip = {p.chunk_id for p in passages if p.role == "references"}
        if skip:
            notes.append(
                f"{len(skip)} passages inside reference lists left out "
                "(--include-references keeps them)"
            )
        other = {p.chunk_id for p in passages if p.role not in READ_BY_DEFAULT} - skip
        if other:
            skip |= other
            notes.append(
                f"{len(other)} passages of front matter, captions, acknowledgements or running"
                " headers left out (--include-references keeps them)"
            )
    by_document: dict[str, list[str]] = {}
    for p in passages:
        if p.chunk_id not in skip:
            by_document.setdefault(p.document_id, []).append(p.text)
    foreign = not_english(by_document)
    if foreign:
        left = {p.chunk_id for p in passages if p.document_id in foreign} - skip
        skip |= left
        names = "; ".join(sorted(doc_labels.get(d, d) for d in foreign))
        notes.append(
            f"{len(left)} passages of {len(foreign)} documents that do not read as English"
            f" prose (another language, or tables and identifiers) left out: {names}"
        )
    chosen = [
        i
        for i, p in enumerate(passages)
        if p.chunk_id not in skip and not (uncoded_only and p.chunk_id in coded)
    ]
    if uncoded_only and not codings:
        notes.append("no codings yet: every passage is uncoded")
    codebook = project_codebook(project, required=False)
    prototypes: list[Prototype] = []
    if codebook is not None and codebook.codes:
        embedder = query_embedder(model, batch_size=project.settings.embed.batch_size)
        prototypes = code_prototypes(
            codebook, codings, vector_of, embedder.embed, with_examples=True
        )
    with ParsedCache.of(project) as cache:
        result = discover(
            [passages[i] for i in chosen],
            vectors[chosen],
            corpus_mean=_unit(vectors.astype(np.float64)).mean(axis=0),
            prototypes=prototypes,
            coded=coded,
            n_documents=n_docs,
            min_size=min_size,
            max_k=max_k,
            k=k,
            seed=seed,
            mode="uncoded" if uncoded_only else "all",
            phrase_reader=lambda texts: extract_phrases(texts, cache=cache),
        )
    return replace(
        result,
        model=model,
        codebook_version=codebook.version if codebook else "",
        document_labels=doc_labels,
        notes=tuple(notes),
    )
