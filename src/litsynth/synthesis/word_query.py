"""The word query over one project's store: which units are asked about, their words, and the
rest of the corpus to weigh them against (the pure counting is `synthesis.words`).

The units are the coded spans of the codes asked for (a theme or category stands for all its
codes), else the body and abstract passages; either narrowed to one document or to the
documents with an attribute value. The rest is every body and abstract passage, less the
selection's own words, so a theme's words are weighed against what the corpus says
elsewhere.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litsynth.biblio.sheet_files import layout, write_table
from litsynth.cells import safe_cell
from litsynth.coding.codebook.model import Codebook, did_you_mean
from litsynth.config import Project
from litsynth.errors import SynthesisError
from litsynth.records import CodedSpan, Passage, SourceDoc, attribute_matches
from litsynth.store import passages as passage_store
from litsynth.synthesis.from_store import SOURCE_WORDS, coded_spans, documents
from litsynth.synthesis.spans import span_passage
from litsynth.synthesis.words import (
    REST,
    InContext,
    Token,
    WordTable,
    counted,
    in_context,
    phrases,
    word_table,
)
from litsynth.words import count

PROSE = ("body", "abstract")  # what the corpus says, not its reference lists and furniture


@dataclass(frozen=True)
class WordQuery:
    """What to count: codes (ids of codes, categories or themes), a document, an attribute."""

    codes: tuple[str, ...] = ()
    document: str = ""
    attribute: tuple[str, str] | None = None
    source: str = "human"
    min_length: int = 3
    phrases: bool = False  # two-word phrases instead of words
    against: tuple[str, ...] = ()  # weigh against these codes' spans, not the rest of the corpus


def _code_ids(codebook: Codebook, asked: Sequence[str]) -> set[str]:
    """The codes a list of code, category and theme ids stands for."""
    out: set[str] = set()
    for ident in asked:
        if ident in codebook.codes:
            out.add(ident)
        elif ident in codebook.categories:
            out.update(c.id for c in codebook.codes_of_category(ident))
        elif ident in codebook.themes:
            out.update(c.id for c in codebook.codes_of_theme(ident))
        else:
            known = [*codebook.codes, *codebook.categories, *codebook.themes]
            raise SynthesisError(
                f"no code, category or theme {ident!r} in the codebook",
                hint=did_you_mean(ident, known) or "`litsynth code themes` lists them",
            )
    return out


def _prose(conn: sqlite3.Connection) -> list[Passage]:
    """The corpus's body and abstract passages."""
    return [p for p in passage_store.all_passages(conn) if p.role in PROSE]


def _units(
    query: WordQuery,
    codebook: Codebook | None,
    docs: Mapping[str, SourceDoc],
    corpus: Sequence[Passage],
    spans: Sequence[CodedSpan],
) -> tuple[list[Passage], str]:
    """(the selection's units, the selection in words), from what the store holds, read once
    by the caller: its documents, prose passages (for a selection of passages) and codings
    (for one of codes)."""
    if query.document and query.document not in docs:
        raise SynthesisError(
            f"no document {query.document!r}", hint="`litsynth status` and the report list them"
        )

    def kept(document_id: str) -> bool:
        if query.document and document_id != query.document:
            return False
        if query.attribute is not None:  # as search matches it
            doc = docs.get(document_id)
            return doc is not None and attribute_matches(doc.attributes, query.attribute)
        return True

    where = []
    if query.document:
        where.append(f"in {docs[query.document].label}")
    if query.attribute is not None:
        where.append(f"of documents with {query.attribute[0]} = {query.attribute[1]}")
    if not query.codes:
        chosen = [p for p in corpus if kept(p.document_id)]
        said = f"{count(len(chosen), 'passage')} (body and abstract)"
        return chosen, " ".join([said, *where])
    if codebook is None:
        raise SynthesisError("no codebook yet: no code to count", hint="leave out --code")
    wanted = _code_ids(codebook, query.codes)
    seen: set[tuple[str, int, int]] = set()
    chosen = []
    for span in spans:
        key = (span.document_id, span.start, span.end)
        if span.code_id in wanted and kept(span.document_id) and key not in seen:
            seen.add(key)  # a span coded with two of the codes is counted once
            chosen.append(span_passage(docs.get(span.document_id), span))
    chosen.sort(key=lambda p: (p.label, p.document_id, p.start))
    names = ", ".join(_name(codebook, c) for c in query.codes)
    said = f"{count(len(chosen), 'coded span')} of {names} ({SOURCE_WORDS[query.source]})"
    return chosen, " ".join([said, *where])


def _read(
    conn: sqlite3.Connection, query: WordQuery, *, rest: bool
) -> tuple[dict[str, SourceDoc], list[Passage], list[CodedSpan]]:
    """What the query reads of the store, once: the documents (with their text where a coded
    span's words come from it), the prose passages when passages are counted or `rest` (the
    corpus to weigh against) is wanted, and the codings when codes are asked for."""
    spans_wanted = bool(query.codes or query.against)
    docs = documents(conn, with_text=spans_wanted)
    corpus = _prose(conn) if rest or not query.codes else []
    spans = coded_spans(conn, query.source) if spans_wanted else []
    return docs, corpus, spans


def _name(codebook: Codebook, ident: str) -> str:
    element = codebook.get(ident)
    return element.label if element is not None else ident


def _tokens(project: Project, texts: Sequence[str], min_length: int) -> list[list[Token]]:
    """Each text's counted words (form, lemma, offsets), lemmas kept in indexes/nlp.sqlite."""
    from litsynth.coding.machine.features import lemma_docs, lemma_pipeline
    from litsynth.coding.parsed import ParsedCache

    nlp = lemma_pipeline()
    stop = frozenset(nlp.Defaults.stop_words)
    with ParsedCache.of(project) as cache:
        docs = lemma_docs(nlp, texts, cache, desc="reading words")
        units = [
            list(
                counted(
                    ((t.text, t.lemma_ or t.text, t.idx, t.idx + len(t.text)) for t in doc),
                    stop,
                    min_length,
                )
            )
            for doc in docs
        ]
    # The tagger reads a word in its sentence: a capitalised "Platforms" opening one (after a
    # heading, say) can be taken for a name and keep itself as its lemma, while every other
    # "platforms" is "platform". Such words are read again in lower case, alone.
    suspects = sorted(
        {f.lower() for unit in units for f, lemma, _s, _e in unit if f[:1].isupper()
         and lemma == f.lower()}
    )  # fmt: skip
    again = {
        w: (d[0].lemma_.lower() if len(d) else w)
        for w, d in zip(suspects, nlp.pipe(suspects), strict=True)
    }
    return one_lemma_a_form(
        [[(f, again.get(lemma, lemma) if f[:1].isupper() else lemma, s, e)
          for f, lemma, s, e in unit] for unit in units]
    )  # fmt: skip


def one_lemma_a_form(units: list[list[Token]]) -> list[list[Token]]:
    """Each form counted under the lemma it has most often in these units, so a form the
    tagger read two ways in two sentences is still one word."""
    lemmas: dict[str, Counter[str]] = {}
    for unit in units:
        for form, lemma, _s, _e in unit:
            lemmas.setdefault(form.lower(), Counter())[lemma] += 1
    usual = {form: seen.most_common(1)[0][0] for form, seen in lemmas.items()}
    return [[(f, usual[f.lower()], s, e) for f, _lemma, s, e in unit] for unit in units]


def word_frequencies(
    conn: sqlite3.Connection,
    project: Project,
    codebook: Codebook | None,
    query: WordQuery,
    *,
    top: int = 30,
    sort: str = "frequency",
) -> WordTable:
    """The selection's words, counted and weighed against the rest of the corpus."""
    docs, corpus, spans = _read(conn, query, rest=not query.against)
    chosen, said = _units(query, codebook, docs, corpus, spans)
    if not chosen:
        raise SynthesisError(
            f"nothing to count: {said}",
            hint="code passages first (`litsynth code suggest`, then review), or ask for"
            " another code, document or attribute",
        )
    other: list[Passage] = []
    reference = REST
    if query.against:  # another code's (or theme's) spans, in the same documents
        other, reference = _units(
            replace(query, codes=query.against, against=()), codebook, docs, corpus, spans
        )
        if not other:
            raise SynthesisError(f"nothing to weigh against: {reference}", hint="another code")
    texts = list(dict.fromkeys(p.text for p in [*chosen, *(other or corpus)]))
    tokens = dict(zip(texts, _tokens(project, texts, query.min_length), strict=True))
    if query.phrases:
        tokens = {text: phrases(text, words) for text, words in tokens.items()}
    picked = [tokens[p.text] for p in chosen]
    if other:
        rest: dict[str, int] = Counter(lemma for p in other for _f, lemma, _s, _e in tokens[p.text])
        rest_units = len(other)
    else:  # the corpus less what is counted here
        everything = Counter(lemma for p in corpus for _f, lemma, _s, _e in tokens[p.text])
        mine = Counter(lemma for unit in picked for _f, lemma, _s, _e in unit)
        rest = {lemma: n - mine[lemma] for lemma, n in everything.items() if n - mine[lemma] > 0}
        chosen_chunks = {p.chunk_id for p in chosen}
        rest_units = sum(1 for p in corpus if p.chunk_id not in chosen_chunks)
    return word_table(
        picked, rest, documents=[p.document_id for p in chosen], describe=said,
        rest_units=rest_units, top=top, sort=sort, kind="phrases" if query.phrases else "words",
        reference=reference,
    )  # fmt: skip


def word_in_context(
    conn: sqlite3.Connection,
    project: Project,
    codebook: Codebook | None,
    query: WordQuery,
    word: str,
    *,
    width: int = 50,
) -> tuple[list[InContext], str]:
    """Every use of `word` (any of its forms) in the selection, with its citation."""
    chosen, said = _units(query, codebook, *_read(conn, query, rest=False))
    texts = [p.text for p in chosen]
    tokens = _tokens(project, texts, 1)
    if len(word.split()) > 1:  # a phrase the table listed
        tokens = [phrases(text, words) for text, words in zip(texts, tokens, strict=True)]
    return in_context(chosen, tokens, word, width=width), said


def write_words(table: WordTable, out: Path) -> Path:
    """The words as a sheet at `out` (.xlsx: a workbook; else CSV), the selection on top."""
    if out.suffix.lower() not in {".csv", ".xlsx"}:
        raise SynthesisError(f"{out.name}: a sheet is .csv or .xlsx", hint="words.xlsx")
    rows: list[list[str | float]] = [
        ["word", "forms", "count", "weighted_percent", "units", "documents", "rest", "g2",
         "log_ratio", "significant", "selection"],
        *[
            [safe_cell(w.word), safe_cell(" ".join(w.forms)), w.count,
             round(100 * w.share, 3), w.units, w.documents, w.rest, round(w.g2, 3),
             round(w.log_ratio, 3), "yes" if w.significant else "no", safe_cell(table.selection)]
            for w in table.words
        ],
    ]  # fmt: skip
    write_table(rows, out, title="words", error=SynthesisError, decorate=layout({"forms": 30}))
    return out
