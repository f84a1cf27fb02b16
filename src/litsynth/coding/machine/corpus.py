"""Learning from the corpus being coded: before the reviewer's first decision, and beside it.

A codebook of functional codes (rhetorical roles, PICO elements) defines each code in one or
two sentences. A sentence encoder trained for topic places a passage near the definition it
shares words with, not the one whose role it plays, so zero-shot alone is weak on such
codebooks (CSAbstruct macro-F1 0.26-0.30). But the corpus is there, unlabelled, and two of
its regularities need no label to be learned:

- **where a code's passages sit** (background first, results last) and the cue phrases they
  share ("we propose", "patients were randomised");
- **how common each code is** in this corpus, as opposed to in the codebook, where every code
  has one definition.

So: each code's zero-shot logits are standardised over the corpus (a code whose definition
is near everything stops winning everywhere), each passage's best code is read off, and the
passages most clearly of each code (the top `fraction` of the corpus, shared equally among
the codes, taken among the passages whose best code it is) become pseudo-labelled examples.
The learner that learns from the reviewer (`learn.learn`: embedding, words, position) is fit
on them, and its blended probabilities are shifted by each code's share of the corpus, as
log-odds relative to the average code, so that a code the corpus rarely holds needs more
evidence. One round: a second one mostly re-learns its own mistakes (below).

Chosen on the dev and train splits of CSAbstruct and NICTA-PIBOSO, never the test splits,
macro-F1 of the top code, `fit_zero_shot` → this (bench/bench_zeroshot.py for the test split):

| corpus | zero-shot | refined |
|---|---:|---:|
| CSAbstruct dev (2,026 sentences) | 0.256 | 0.445 |
| CSAbstruct train (11,333) | 0.269 | 0.353 |
| NICTA-PIBOSO dev (801) | 0.243 | 0.280 |
| NICTA-PIBOSO train (6,979) | 0.246 | 0.338 |

Tried on the same splits and not kept: 10 %, 20 % or 30 % of the corpus (worse on three of
four), examples per code in proportion to its share (CSAbstruct dev 0.384), a second round
(NICTA dev 0.133-0.29: the errors compound), the learner's probabilities without the zero-shot
blend (NICTA dev 0.239, below zero-shot), smoothing each passage's scores with its neighbours'
(CSAbstruct dev 0.290), the learner without the embedding block (co-training: better on
dev and train, worse on multi-label decisions and on test), the encoder fine-tuned on the
pseudo-examples (`code finetune`'s code: CSAbstruct dev 0.460, NICTA dev 0.276).

As the reviewer decides, real examples take the pseudo-examples' place code by code
(`pseudo_examples`), and the shift fades with them (`learn_on_corpus`).

v2 chooses the pseudo-examples on scores moved towards the mean of passages written alike
(style.py); the corpus shares still come from the codebook's own scores. The figures above
are v1's; v2 gives 0.462, 0.494, 0.310 and 0.362 on the same four corpora (test splits:
CSAbstruct 0.401 -> 0.480, NICTA-PIBOSO 0.301 -> 0.284).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from litsynth.coding.machine.classify import Scores, ZeroShot, log_odds
from litsynth.coding.machine.features import Context
from litsynth.coding.machine.learn import MOST, Example, learn
from litsynth.coding.machine.style import with_style

CORPUS_VERSION = "corpus.v2"  # v2: pseudo-examples chosen on scores moved by style (style.py)
FRACTION = 0.05  # of the corpus pseudo-labelled, shared equally among the codes
MIN_EXAMPLES = 3  # per code: fewer, and the code keeps its zero-shot scores
MAX_BOOST = 0.5  # log-odds a code's corpus share may add; a rare code's penalty is not capped
# A corpus of fewer than 2 x codes x MIN_EXAMPLES passages is not refined: a handful of
# passages has no "clearest" ones, and its shares say nothing about how common a code is.


def pseudo_examples(
    logit: np.ndarray,
    code_ids: Sequence[str],
    eligible: np.ndarray,
    decided: Sequence[Example] = (),
    fraction: float = FRACTION,
) -> tuple[list[Example], np.ndarray]:
    """The passages most clearly of each code, as examples, and each code's corpus share.

    Only `eligible` passages (body text, not reference lists) are read, and none the reviewer
    decided. Logits are standardised per code over the eligible passages first: the corpus,
    not the codebook, says what is high for a code. A code's examples top up its reviewed
    positives to `fraction`'s share: a code the reviewer has given that often needs none.

    A pseudo-example carries one code, so it is a negative for every other code. Where the
    reviewer gives passages several codes (1.5 or more on average), that contradicts their
    coding and drowns it (multi-label CSAbstruct, 10 decisions per code: kappa 0.32 -> 0.20),
    so there every fully reviewed passage fills every code's quota instead.
    """
    k = logit.shape[1]
    rows = np.flatnonzero(eligible)
    if _too_few(len(rows), k):
        return [], np.full(k, 1.0 / max(k, 1))
    z, best, share = _best_codes(logit[rows])
    quota = max(MIN_EXAMPLES, int(fraction * len(rows) / k))
    taken = {e.index for e in decided}
    coded = [len(e.positive) for e in decided if e.positive]
    several = bool(coded) and sum(coded) / len(coded) >= 1.5
    examples = []
    for c, code in enumerate(code_ids):
        members = np.flatnonzero(best == c)
        wanted = quota - sum(
            code in e.positive or (several and (code in e.negative or bool(e.positive)))
            for e in decided  # several: applied, or decided against (learn.py)
        )
        if len(members) < MIN_EXAMPLES or wanted <= 0:
            continue
        ranked = [int(rows[i]) for i in members[np.argsort(-z[members, c], kind="stable")]]
        examples += [Example(i, frozenset({code}), pseudo=True) for i in ranked if i not in taken][
            :wanted
        ]
    return examples, share


def _too_few(n: int, k: int) -> bool:
    """Too few passages to tell a code's clearest ones, or to say how common it is."""
    return n < 2 * k * MIN_EXAMPLES or k < 2


def _best_codes(own: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logits standardised per code over these passages, each passage's best code, and each
    code's share of the passages."""
    z = (own - own.mean(axis=0)) / (own.std(axis=0) + 1e-9)
    best = z.argmax(axis=1)
    return z, best, np.bincount(best, minlength=own.shape[1]) / len(own)


def corpus_share(logit: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Each code's share of the eligible passages, as `pseudo_examples` reads it."""
    k = logit.shape[1]
    rows = np.flatnonzero(eligible)
    if _too_few(len(rows), k):
        return np.full(k, 1.0 / max(k, 1))
    return _best_codes(logit[rows])[2]


def unworded_codes(zs: ZeroShot, zero: Scores, eligible: np.ndarray) -> frozenset[str]:
    """Codes the corpus never puts in the codebook's words: the codebook gives keywords or
    aliases for them, and fewer than MIN_EXAMPLES eligible passages use any of them (or
    the label).

    Pseudo-examples are the clearest passages of a code *relative to the corpus*, so a
    codebook over papers it does not fit still gets "examples" of every code, and learning
    from them teaches each code's name to whatever they happen to be about. Whether the
    corpus holds a code cannot be read off the scores (docs/coding.md, "Known limitation":
    TREC's answer types score far under the codebook's bar in a corpus full of them), but a
    code whose own words no passage uses is not one the corpus discusses. The demo's
    supply-chain codebook: every code's words in 6-89 of its 162 passages; over 13 NLP and
    HCI papers, 10 of its 18 codes in 0-1 of 793. A code without keywords is never judged.
    """
    if _too_few(int(np.sum(eligible)), len(zero.code_ids)):
        return frozenset()  # a handful of passages says nothing about what the corpus holds
    index = {c: k for k, c in enumerate(zero.code_ids)}
    used = np.zeros(len(index), dtype=np.int64)
    for i in np.flatnonzero(eligible):
        for code in zero.keywords[i]:
            used[index[code]] += 1
    return frozenset(c for c in _worded(zs) if used[index[c]] < MIN_EXAMPLES)


def _worded(zs: ZeroShot) -> list[str]:
    """The codes the codebook gives keywords or aliases for: the ones a corpus can be
    checked against."""
    return [c for c, code in zs.book.codes.items() if code.keywords or code.aliases]


def fits(zs: ZeroShot, unworded: frozenset[str]) -> bool:
    """Whether the corpus uses the words of at least half the codes that have keywords.

    When it does not, it is not the corpus the codebook was written for, and its relative
    signals (each code's clearest passages, each code's share) mislead for the codes whose
    words it does use too: on the 13 NLP and HCI papers the demo's codebook does not fit
    (10 of its 18 codes unworded), learning from the corpus still took its 123 suggestions
    to 239. Then only the reviewer's decisions are learned from."""
    return 2 * len(unworded) <= len(_worded(zs))


# A document is judged from 20 passages read and 20,000 characters (about eight pages): an
# abstract, a survey answer or a note is not, however many sentences it is cut into.
MIN_DOCUMENT = 20
MIN_DOCUMENT_CHARS = 20_000


def off_codebook(
    zs: ZeroShot, zero: Scores, texts: Sequence[str], ctx: Context, eligible: np.ndarray
) -> np.ndarray:
    """(n,) bool: the passages of documents the codebook was not written for, in a corpus
    that it fits as a whole (`fits`).

    A full-text set often holds papers a reviewer will exclude. They are not learned from:
    their clearest passages of a code taught the code their own subject. The demo's five
    seed documents with the 13 NLP and HCI papers beside them got 398 suggestions on the
    papers (the codebook alone: 123) and lost 36 on the seeds. A document is off the codebook
    when, of its eligible passages, the share that use any code's words is under half the
    best document's, and they use the words of fewer than half the codes with keywords
    (seeds 94-100 % of passages and 11-15 of 18 codes; the papers 10-29 % and 2-7). Only
    documents of a paper's length are judged (MIN_DOCUMENT): an abstract's sentences use few
    codes whatever it is about. The benchmarks' texts are all shorter, so none moves.
    """
    worded = set(_worded(zs))
    off = np.zeros(len(zero.keywords), dtype=bool)
    if not worded:
        return off
    documents = ctx.documents()
    judged: dict[int, tuple[float, int]] = {}
    for doc in np.unique(documents):
        rows = [int(i) for i in np.flatnonzero((documents == doc) & eligible)]
        if len(rows) < MIN_DOCUMENT or sum(len(texts[i]) for i in rows) < MIN_DOCUMENT_CHARS:
            continue
        used = [worded.intersection(zero.keywords[i]) for i in rows]
        judged[int(doc)] = (
            sum(bool(u) for u in used) / len(rows),
            len(set().union(*used)),
        )
    if not judged:
        return off
    best = max(rate for rate, _ in judged.values())
    for doc, (rate, codes) in judged.items():
        if 2 * rate < best and 2 * codes < len(worded):
            off |= documents == doc
    return off


def _on_bars(zero: Scores, fitted: Scores, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """`fitted`'s probabilities with the codebook's own at `rows` x `cols`, moved so that each
    stands as far from the fitted bar as it stood from the codebook's (same suggestions, same
    order within a code)."""
    out = fitted.probability.copy()
    at = np.ix_(rows, cols)
    moved = log_odds(zero.probability[at]) - log_odds(zero.threshold[cols])[None, :]
    out[at] = 1.0 / (1.0 + np.exp(-(moved + log_odds(fitted.threshold[cols])[None, :])))
    return out


@dataclass(frozen=True)
class CorpusReading:
    """What the corpus says before anything is learned from it, read once: `code suggest`
    reports it and `learn_on_corpus` acts on it, so the two cannot disagree."""

    unworded: frozenset[str]  # codes whose words the eligible passages hardly use
    fits: bool  # whether the codebook fits the corpus at all (`fits`)
    away: np.ndarray  # (n,) bool: passages of documents off the codebook (`off_codebook`)


def read_corpus(
    zs: ZeroShot, zero: Scores, texts: Sequence[str], ctx: Context, eligible: np.ndarray
) -> CorpusReading:
    """`unworded_codes`, `fits` and, where the codebook fits, `off_codebook`."""
    unworded = unworded_codes(zs, zero, eligible)
    fit = fits(zs, unworded)
    away = off_codebook(zs, zero, texts, ctx, eligible) if fit else np.zeros(len(texts), dtype=bool)
    return CorpusReading(unworded, fit, away)


def share_shift(share: np.ndarray, read: int) -> np.ndarray:
    """Each code's log-odds of its corpus share relative to the average code, the boost capped.

    A code the corpus rarely holds needs more evidence, however rare. A common code gains at
    most MAX_BOOST: a code that is merely the nearest for many passages of a corpus it does
    not fit (a supply-chain codebook over NLP papers) was lifted onto most of them
    (docs/coding.md, "Known limitation"). Uncapped, 1,154 suggestions there; capped at 1,
    796; at 0.5 (with the ceiling in `learn_on_corpus`), 285. No benchmark figure moves;
    the demo's own corpus loses 15 borderline suggestions of its commonest codes (212 -> 197).
    """
    odds = log_odds(np.clip(share, 1.0 / max(read, 1), None))
    return np.minimum(odds - odds.mean(), MAX_BOOST)


def learn_on_corpus(
    zs: ZeroShot,
    zero: Scores,
    texts: Sequence[str],
    vectors: np.ndarray,
    ctx: Context,
    examples: Sequence[Example] = (),
    eligible: np.ndarray | None = None,
    reading: CorpusReading | None = None,
) -> tuple[Scores, int]:
    """`learn` from the reviewer's `examples` topped up with the corpus's own (module
    docstring), and how many pseudo-examples that took (0: the corpus was not used).

    The shift by corpus share weighs as much as the pseudo-examples do among all examples:
    all of it before the first decision, none once every code has its quota. `logit` stays
    the codebook's own zero-shot logit (the evidence shown), and `learned` is kept only for
    codes a person decided. `reading`: `read_corpus` of the same passages, when the caller
    has it already."""
    n = len(texts)
    mask = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    reading = reading or read_corpus(zs, zero, texts, ctx, mask)
    absent, away = reading.unworded, reading.away
    if not reading.fits:  # not the corpus this codebook was written for
        return (learn(zs, zero, texts, vectors, ctx, examples) if examples else zero), 0
    mask = mask & ~away  # papers the codebook was not written for teach nothing
    # Style only chooses: the reviewer's evidence stays the codebook's zero-shot (style.py).
    chosen_by = with_style(zero.logit, texts, ctx, mask)
    pseudo, _ = pseudo_examples(chosen_by, zero.code_ids, mask, examples)
    every = frozenset(zero.code_ids)
    # An absent code's "clearest" passages stay, as passages of none of the codes.
    pseudo = [
        replace(e, positive=frozenset(), negative=every) if e.positive & absent else e
        for e in pseudo
    ]
    share = corpus_share(zero.logit, mask)  # the codebook's own scores, not the moved ones
    if len({c for e in pseudo for c in e.positive}) < 2:  # too small, or one code takes all
        return (learn(zs, zero, texts, vectors, ctx, examples) if examples else zero), 0
    # A bar cut from pseudo-examples alone may not put a code on more passages than the
    # corpus holds of it: 3 "clearest" passages of a code the corpus lacks gave cuts that
    # suggested it on 211 of 793 passages (docs/coding.md, "Known limitation").
    fitted = learn(zs, zero, texts, vectors, ctx, [*examples, *pseudo], np.minimum(share, MOST))
    weight = len(pseudo) / (len(pseudo) + len(examples)) if pseudo else 0.0
    delta = share_shift(share, int(mask.sum()))
    own = np.array([c in absent for c in zero.code_ids])
    delta[own] = 0.0  # an absent code keeps its own scores
    shifted = log_odds(fitted.probability) + weight * delta[None, :]
    # ...exactly: the round trip through log-odds would move them by a rounding error
    probability = np.where(own[None, :], fitted.probability, 1.0 / (1.0 + np.exp(-shifted)))
    reviewed = {c for e in examples for c in e.positive | e.negative}
    learned = None
    if fitted.learned is not None and reviewed:
        keep = np.array([c in reviewed for c in zero.code_ids])
        learned = np.where(keep[None, :], fitted.learned, np.nan)
    scores = replace(fitted, probability=probability, learned=learned)
    undecided = np.flatnonzero([c not in reviewed for c in zero.code_ids])
    if away.any() and len(undecided):  # they keep the codebook's own verdicts, but where a
        # person decided a code: that teaches it everywhere
        moved = _on_bars(zero, scores, np.flatnonzero(away), undecided)
        scores = replace(scores, probability=moved)
    return scores, len(pseudo)
