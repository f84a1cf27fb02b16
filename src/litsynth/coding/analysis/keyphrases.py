"""Key phrases that tell one group of passages from the rest: noun chunks scored by c-TF-IDF.

A cluster of passages is only useful to a reviewer once it has a name. Noun chunks ("digital
platform", "supply chain orchestration") are the phrases a reader would underline; lemmatising
them folds "platforms"/"platform" together. Class-based TF-IDF (Grootendorst's c-TF-IDF, as in
BERTopic) then treats each cluster as one big document and asks which phrases are frequent in
it but rare across clusters, so a phrase every passage uses ("supply chain") does not name
every cluster.

Versioned as `PHRASER`: a change to the phrase rules changes labels, so runs record it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from litsynth.coding.parsed import ParsedCache, spacy_kind
from litsynth.nlp import SPACY_MODEL, import_spacy
from litsynth.progress import progress

PHRASER = "nounchunks-ctfidf.v2"

# Tokens trimmed from the edges of a noun chunk: "the", "their", "such", "3", "%".
_EDGE_POS = {"DET", "PRON", "NUM", "PUNCT", "SYM", "ADP", "CCONJ", "PART", "SPACE", "X"}
_MAX_WORDS = 4  # longer chunks are clauses in disguise ("the way in which firms …")
# A word with a bracket, comma or operator inside is a piece of a formula ("g(k21", "id,2"
# named a concept of a circuit paper's appendix); hyphens, apostrophes and digits are kept
# ("covid-19", "gpt-3", "firm's").
_FORMULA = re.compile(r"[()\[\]{}<>=+*/\\|^~,;:_$#@&%]")


ENGLISH_SHARE = 0.15  # a document's median share of English function words under this: not English
_WORD = re.compile(r"[^\W\d_]+")


def not_english(texts_by_document: dict[str, list[str]]) -> set[str]:
    """Documents whose passages are not English, so the English pipeline's noun phrases are
    noise ("ab wie / derselben halbebene bzgl" named a concept of a German lecture script).

    English prose is 30-50 % function words ("the", "of", "and"); judged on the median over a
    document's passages of eight words or more, so its tables and formulae do not count.
    Measured on the shared PDFs: the English papers' medians are 0.31-0.46, the German script's
    0.04, Latin lorem ipsum 0.04, an English data-model listing of identifiers 0.12 (its
    "concepts" would be column names). A document with fewer than three such passages is not
    judged."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    out = set()
    for document, texts in texts_by_document.items():
        shares = []
        for text in texts:
            words = _WORD.findall(text.lower())
            if len(words) >= 8:
                shares.append(sum(w in ENGLISH_STOP_WORDS for w in words) / len(words))
        if len(shares) >= 3 and float(np.median(shares)) < ENGLISH_SHARE:
            out.add(document)
    return out


@lru_cache(maxsize=1)
def _nlp() -> Any:
    """The spaCy pipeline without NER: noun chunks need the parser, lemmas the tagger."""
    return import_spacy().load(SPACY_MODEL, exclude=["ner"])


def _phrase(span: Any) -> str | None:
    """The lemmatised, lower-cased core of a noun chunk, or None when it names no concept.

    Proper-noun heads are cited authors ("Zott", "Teece") or places, not concepts; pronouns
    and numbers carry no meaning out of context.
    """
    tokens = list(span)
    while tokens and (tokens[0].pos_ in _EDGE_POS or tokens[0].is_stop):
        tokens = tokens[1:]
    while tokens and (tokens[-1].pos_ in _EDGE_POS or tokens[-1].is_stop):
        tokens = tokens[:-1]
    if not tokens or len(tokens) > _MAX_WORDS:
        return None
    if tokens[-1].pos_ in {"PROPN", "PRON"} or any(
        t.like_num or t.like_url or t.like_email for t in tokens
    ):
        return None
    words = [t.lemma_.lower() if t.pos_ == "NOUN" else t.text.lower() for t in tokens]
    if any(not any(ch.isalpha() for ch in w) or _FORMULA.search(w) for w in words):
        return None
    # a possessive stays on its word: "firm's model", not "firm 's model"
    phrase = " ".join(words).replace(" 's ", "'s ").replace(" ' ", "' ")
    return phrase if len(phrase) >= 3 else None


def extract_phrases(
    texts: Sequence[str], *, batch_size: int = 32, cache: ParsedCache | None = None
) -> list[list[str]]:
    """Per text, its noun-chunk phrases in order of appearance (repeats kept: they are counts).

    With `cache`, a text's phrases are read from it when kept, else parsed and kept."""
    nlp = _nlp()

    def parse(part: Sequence[str]) -> list[list[str]]:
        return [
            [p for p in (_phrase(nc) for nc in doc.noun_chunks) if p]
            for doc in nlp.pipe(part, batch_size=batch_size)
        ]

    if cache is not None:
        kind = spacy_kind(f"phrases.{PHRASER}", nlp)
        return list(cache.values(kind, texts, parse, desc="reading phrases"))
    return parse(progress(texts, total=len(texts), desc="reading phrases"))  # type: ignore[arg-type]


def class_tfidf(
    phrases: Sequence[Sequence[str]],
    labels: Sequence[int],
    *,
    top_n: int = 8,
    min_passages: int = 2,
) -> dict[int, list[tuple[str, float]]]:
    """Top phrases per class by c-TF-IDF, each with its score.

    tf(t, c) = count of t in class c / all phrase counts in c;
    idf(t)   = log(1 + A / f(t)), A = mean phrase count per class, f(t) = count of t overall.
    Worked numbers: two classes of 100 phrases each (A = 100); "platform" 10× in class 0 and
    0× in class 1 scores 0.10 · log(1 + 100/10) = 0.24 in class 0, while "supply chain" 10×
    in each scores 0.10 · log(1 + 100/20) = 0.18 — shared vocabulary ranks lower.

    A phrase must occur in at least `min_passages` passages of the class (when the class has
    that many), so one repetitive passage cannot name its cluster.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    classes = sorted(set(labels))
    if not classes:
        return {}
    vectorizer = CountVectorizer(analyzer=lambda items: items, lowercase=False)
    counts = vectorizer.fit_transform([list(p) for p in phrases])  # passages × terms
    if counts.shape[1] == 0:
        return {c: [] for c in classes}
    terms = vectorizer.get_feature_names_out()
    label_array = np.asarray(labels)
    per_class = np.vstack(
        [np.asarray(counts[label_array == c].sum(axis=0)).ravel() for c in classes]
    )
    passages_with = np.vstack(
        [np.asarray((counts[label_array == c] > 0).sum(axis=0)).ravel() for c in classes]
    )
    totals = per_class.sum(axis=1, keepdims=True).astype(float)
    tf = np.divide(per_class, totals, out=np.zeros_like(per_class, dtype=float), where=totals > 0)
    mean_words = float(totals.mean())
    overall = per_class.sum(axis=0).astype(float)
    idf = np.log1p(mean_words / np.maximum(overall, 1.0))
    scores = tf * idf
    out: dict[int, list[tuple[str, float]]] = {}
    for row, c in enumerate(classes):
        size = int((label_array == c).sum())
        need = min(min_passages, size)
        eligible = np.flatnonzero(passages_with[row] >= need)
        # Ties broken by the phrase itself so labels never depend on dictionary order.
        ranked = sorted(eligible, key=lambda j: (-scores[row, j], terms[j]))
        out[c] = [
            (str(terms[j]), round(float(scores[row, j]), 4))
            for j in ranked[:top_n]
            if scores[row, j] > 0
        ]
    return out


def document_entropy(counts: Sequence[int], n_documents: int) -> float:
    """Shannon entropy of a cluster's passages over the corpus's documents, normalised to 0..1.

    1.0 = passages spread evenly over every document of the corpus; 0.0 = all in one. With
    counts (6, 2, 2) in a 5-document corpus: H = −(.6 ln .6 + 2 · .2 ln .2) = 0.95, / ln 5
    = 0.59. Normalising by the corpus (not by the documents present) keeps "two documents,
    evenly" (0.43) below "five documents, evenly" (1.0).
    """
    total = sum(counts)
    if total == 0 or n_documents < 2 or sum(1 for c in counts if c > 0) < 2:
        return 0.0
    h = -sum((c / total) * math.log(c / total) for c in counts if c > 0)
    return round(min(1.0, h / math.log(n_documents)), 4)
