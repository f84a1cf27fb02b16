"""`litsynth code eval`: how well the codebook (and a few labelled examples) code a gold set.

Contract (scripts depend on it): GOLD and TRAIN are CSV files with columns `text` and `code`
(several codes separated by ';', ids as in the codebook; other columns ignored). Optional
columns give context, which matters for what a passage *does*: `doc_id` (passages of the same
document are neighbours) and `position` (their order, a number). The report has per-code
precision, recall, F1 and support, plus `macro_f1`, `accuracy` (exact match of the code set)
and `kappa` (Cohen's, on the top code per text).

Conventions, fixed here so every figure can be recomputed by hand:
- A code's support is the number of gold texts carrying it. `macro_f1` is the mean F1 over the
  codes that occur in the gold set or in the predictions (a code never used by either has no
  F1 to average).
- Single-label gold (every text has exactly one code, like CSAbstruct): the prediction is the
  one most probable code. Otherwise the prediction is every code at or above its threshold.
- The top code of a gold text is the first code in its cell; a text with no code (and a
  multi-label prediction with no code above threshold) counts as the label "(none)".
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litsynth.coding.codebook.model import Codebook, did_you_mean
from litsynth.coding.machine.classify import fit_zero_shot
from litsynth.coding.machine.corpus import learn_on_corpus
from litsynth.coding.machine.features import Unit, context_of
from litsynth.coding.machine.learn import Example, learn
from litsynth.embed.models import Embedder
from litsynth.errors import CodingError

NONE = "(none)"


@dataclass(frozen=True)
class GoldRow:
    """One labelled text from a gold or training CSV (codes in the order written)."""

    text: str
    codes: tuple[str, ...]
    doc: str = ""
    position: int = 0
    line: int = 0

    @property
    def unit(self) -> Unit:
        return Unit(self.text, self.doc, self.position)


@dataclass(frozen=True)
class CodeMetrics:
    precision: float
    recall: float
    f1: float
    support: int
    kappa: float | None = None  # Cohen's, on "has this code" per text; None when undefined


@dataclass(frozen=True)
class EvalReport:
    per_code: dict[str, CodeMetrics]
    macro_f1: float
    accuracy: float
    kappa: float

    def to_json(self) -> dict[str, object]:
        """Exactly the four top-level keys of the contract."""
        return {
            "per_code": {
                code: {
                    "precision": round(m.precision, 4),
                    "recall": round(m.recall, 4),
                    "f1": round(m.f1, 4),
                    "support": m.support,
                }
                for code, m in self.per_code.items()
            },
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "kappa": round(self.kappa, 4),
        }


def read_labelled_csv(path: Path, book: Codebook) -> list[GoldRow]:
    """Rows of a gold/train CSV; unknown codes are listed all at once with file, line, value."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CodingError(f"cannot read {path}: {exc.strerror}", hint="check the path") from None
    rows: list[GoldRow] = []
    problems: list[str] = []
    with handle:
        reader = csv.DictReader(handle)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "text" not in fields or "code" not in fields:
            raise CodingError(
                f"{path} needs columns 'text' and 'code' (it has: {', '.join(fields) or 'none'})",
                hint="one row per text; several codes in one cell separated by ';'",
            )
        for n, raw in enumerate(reader, start=2):  # line 1 is the header
            row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
            text = row.get("text", "").strip()
            if not text:
                problems.append(f"{path} line {n}: empty text")
                continue
            codes = tuple(
                dict.fromkeys(c.strip() for c in row.get("code", "").split(";") if c.strip())
            )
            for code in codes:
                if code not in book.codes:
                    problems.append(
                        f"{path} line {n}: unknown code {code!r}{did_you_mean(code, book.codes)}"
                    )
            position = row.get("position", "").strip()
            try:
                pos = int(float(position)) if position else n
            except ValueError:
                problems.append(f"{path} line {n}: position {position!r} is not a number")
                pos = n
            rows.append(GoldRow(text, codes, row.get("doc_id", "").strip(), pos, n))
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise CodingError(
            f"{len(problems)} problem(s) in {path}:\n  {shown}{more}", hint="fix the rows named"
        )
    if not rows:
        raise CodingError(f"{path} has no rows", hint="add rows with text and code")
    return rows


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_predictions(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    gold_top: Sequence[str],
    predicted_top: Sequence[str],
    code_ids: Sequence[str],
) -> EvalReport:
    """The report from code sets and top codes (pure; the hand-computed tests call it)."""
    from sklearn.metrics import cohen_kappa_score

    per_code: dict[str, CodeMetrics] = {}
    used = []
    for code in code_ids:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if code in g and code not in p)
        precision, recall, f1 = _f1(tp, fp, fn)
        has_gold = [int(code in g) for g in gold]
        has_pred = [int(code in p) for p in predicted]
        code_kappa = (
            float(cohen_kappa_score(has_gold, has_pred))
            if len(set(has_gold) | set(has_pred)) > 1
            else None
        )
        per_code[code] = CodeMetrics(precision, recall, f1, tp + fn, code_kappa)
        if tp + fp + fn:
            used.append(f1)
    accuracy = sum(set(g) == set(p) for g, p in zip(gold, predicted, strict=True)) / len(gold)
    if len(set(gold_top) | set(predicted_top)) < 2:
        kappa = 1.0 if list(gold_top) == list(predicted_top) else 0.0  # one label: κ undefined
    else:
        kappa = float(cohen_kappa_score(list(gold_top), list(predicted_top)))
    return EvalReport(per_code, sum(used) / len(used) if used else 0.0, accuracy, kappa)


def is_single_label(rows: Sequence[GoldRow]) -> bool:
    return all(len(r.codes) == 1 for r in rows)


def predictions_from(
    probability: Sequence[Sequence[float]],
    threshold: Sequence[float],
    code_ids: Sequence[str],
    *,
    single_label: bool,
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Code sets and top codes from a probability matrix (see the module's conventions)."""
    sets: list[tuple[str, ...]] = []
    tops: list[str] = []
    for row in probability:
        best = max(range(len(code_ids)), key=lambda k: row[k])
        if single_label:
            sets.append((code_ids[best],))
            tops.append(code_ids[best])
            continue
        chosen = tuple(c for k, c in enumerate(code_ids) if row[k] >= threshold[k])
        sets.append(chosen)
        tops.append(code_ids[best] if chosen else NONE)
    return sets, tops


def evaluate_rows(
    rows: Sequence[GoldRow],
    probability: Sequence[Sequence[float]],
    threshold: Sequence[float],
    code_ids: Sequence[str],
) -> EvalReport:
    single = is_single_label(rows)
    sets, tops = predictions_from(probability, threshold, code_ids, single_label=single)
    gold_top = [r.codes[0] if r.codes else NONE for r in rows]
    return score_predictions([r.codes for r in rows], sets, gold_top, tops, code_ids)


def training_examples(rows: Sequence[GoldRow], code_ids: Sequence[str]) -> list[Example]:
    """Labelled examples from TRAIN rows. A row with no code is a text a coder read and gave
    no code: a negative for every code, which is what teaches the model "none of these"."""
    return [
        Example(i, frozenset(r.codes), frozenset() if r.codes else frozenset(code_ids))
        for i, r in enumerate(rows)
    ]


@dataclass(frozen=True)
class EvalRun:
    """A report and what it was computed from: per gold text, the codes and their scores."""

    report: EvalReport
    code_ids: tuple[str, ...]
    predicted: tuple[tuple[str, ...], ...]
    probability: tuple[tuple[float, ...], ...]
    pseudo: int = 0  # gold texts that topped up codes with few training examples (corpus.py)


def evaluate_codebook(
    book: Codebook,
    gold: Sequence[GoldRow],
    embedder: Embedder,
    train: Sequence[GoldRow] = (),
    *,
    corpus: bool = True,
) -> EvalReport:
    """The report of `evaluate_run` (what the tests and `--json` read)."""
    return evaluate_run(book, gold, embedder, train, corpus=corpus).report


def evaluate_run(
    book: Codebook,
    gold: Sequence[GoldRow],
    embedder: Embedder,
    train: Sequence[GoldRow] = (),
    *,
    corpus: bool = True,
) -> EvalRun:
    """Classify the gold texts from the codebook alone, or also learning from `train`.

    With `corpus`, as `code suggest` does by default, codes with few training examples are
    topped up with pseudo-examples from the gold texts themselves, unlabelled (corpus.py).

    Train and gold passages are scored together: the training rows are labelled examples, the
    gold rows are unlabeled passages (their labels are only read afterwards, to score). Doc ids
    are kept apart per file, so a train passage is never a gold passage's neighbour.
    """
    units = [replace(r.unit, doc=f"train\x1f{r.doc}" if r.doc else "") for r in train]
    units += [replace(r.unit, doc=f"gold\x1f{r.doc}" if r.doc else "") for r in gold]
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    zs = fit_zero_shot(book, embedder)
    scores = zs.score(vectors, texts)
    examples = training_examples(train, tuple(book.codes)) if train else []
    pseudo = 0
    if corpus:
        scores, pseudo = learn_on_corpus(zs, scores, texts, vectors, context_of(units), examples)
    elif examples:
        scores = learn(zs, scores, texts, vectors, context_of(units), examples)
    offset = len(train)
    probability = scores.probability[offset:].tolist()
    code_ids = list(scores.code_ids)
    report = evaluate_rows(gold, probability, scores.threshold.tolist(), code_ids)
    sets, _tops = predictions_from(
        probability, scores.threshold.tolist(), code_ids, single_label=is_single_label(gold)
    )
    return EvalRun(
        report,
        tuple(code_ids),
        tuple(tuple(x) for x in sets),
        tuple(tuple(round(float(v), 4) for v in row) for row in probability),
        pseudo,
    )
