"""`litsynth code finetune`: fine-tune a copy of the sentence encoder on the reviewer's decisions.

The packaged all-MiniLM-L6-v2 places passages by topic. A codebook of functional codes
(what a passage *does*: states a method, reports a result) needs a space where passages with
the same code sit close whatever their topic. SetFit (Tunstall et al. 2022) gets there from a
few labelled examples: pairs of passages that share a code are pulled together (target cosine
1), pairs with no code in common pushed apart (target 0). bench/bench_setfit.py measured it
with litsynth's own classifier on top, k = 32 examples per code: CSAbstruct macro-F1
0.607 → 0.686, NICTA-PIBOSO 0.448 → 0.537 (docs/coding.md).

What is kept apart:
- the packaged model is never written: the copy lives in the project, under
  models/coding/<id>/, with a manifest of what it was trained on;
- only coding uses it (`code suggest`); the index, search, discover and the report keep the
  packaged vectors, so fine-tuning never moves search results;
- the id is a content hash of the training pairs and settings: the same decisions give the
  same id, and an older model stays on disk until removed.

Training is CPU-only. Pairs are capped (`max_pairs`), because their count sets the time:
3,000 pairs of passages cut to 128 word-pieces take about 2½ minutes on 2 cores with
bfloat16 (used when the CPU computes in it; the manifest says which), so 500 decisions fit
the 5-minute budget of issue 11. The default cap grows with the decisions (`auto_max_pairs`):
3,000 pairs leave most of 11,000 decisions unseen (CSAbstruct's whole train split: 0.790
macro-F1 on 3,000 pairs, 0.806 on 10,000, in about 5 minutes).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from litsynth import atomic
from litsynth.coding.machine.learn import Example
from litsynth.errors import CodingError

# v2: pairs name the passages themselves (v1 named their place among the decisions)
FINETUNE_VERSION = "setfit-cos.v2"
MODELS = Path("models") / "coding"
ACTIVE = "active.json"
MANIFEST = "litsynth-model.json"
TRAIN_LENGTH = 128  # word-pieces per passage while training: past this the time grows fast
BATCH = 16
LEARNING_RATE = 2e-5


@dataclass(frozen=True)
class Pair:
    """Two labelled passages (their `Example.index`: indexes into the texts) and the cosine
    they should have."""

    left: int
    right: int
    target: float


@dataclass(frozen=True)
class TunedModel:
    """A fine-tuned encoder in the project: what it was made from, and where it is."""

    id: str
    base: str
    version: str
    created: str
    decisions: int
    codes: dict[str, int]  # code → passages that carried it in training
    pairs: int
    seconds: float
    precision: str  # "bf16" | "fp32": the arithmetic of training and of its vectors
    seed: int

    @property
    def name(self) -> str:
        """The encoder's name on its suggestions: the base, the fine-tuning and its id."""
        return f"{self.base}+ft-{self.id[:8]}"


PAIRS_FLOOR = 3000  # 500 decisions × 10 pairs would be 5,000: this keeps them under 5 minutes
PAIRS_CEILING = 10_000  # about 5 minutes on 2 cores with bfloat16


def auto_max_pairs(decisions: int) -> int:
    """The default cap on training pairs: one per decided passage, between 3,000 and 10,000.

    A fixed cap of 3,000 samples a reviewer's first few hundred decisions well and leaves most
    of several thousand unseen; one pair per decision beyond that costs about 1.8 s per 100
    decisions, and stops at 10,000 (about 5 minutes).
    """
    return max(PAIRS_FLOOR, min(PAIRS_CEILING, decisions))


def training_pairs(
    examples: Sequence[Example], *, per_example: int, max_pairs: int, seed: int
) -> list[Pair]:
    """Pairs for contrastive fine-tuning from the reviewer's decisions.

    Each coded passage is paired, `per_example` times (fewer when `max_pairs` would be
    passed), with a passage sharing one of its codes (target 1) and one sharing none (target
    0). A passage read and given no code (every suggestion rejected) is a 0 against a coded
    one: it teaches what the codes are not. Raises when there is nothing to contrast.
    """
    coded = [i for i, e in enumerate(examples) if e.positive]
    by_code: dict[str, list[int]] = {}
    for i in coded:
        for code in examples[i].positive:
            by_code.setdefault(code, []).append(i)
    usable = sorted(c for c, members in by_code.items() if len(members) >= 2)
    if len(usable) < 2:
        raise CodingError(
            f"fine-tuning needs two codes with two coded passages each; your decisions give"
            f" {len(usable)} ({', '.join(usable) or 'none'})",
            hint="accept or add more codings (`litsynth code review`), then run it again",
        )
    rng = random.Random(seed)
    rounds = max(1, min(per_example, -(-max_pairs // max(1, 2 * len(examples)))))
    pairs: list[Pair] = []
    for _ in range(rounds):
        for i, example in enumerate(examples):
            if example.positive:
                shared = sorted(c for c in example.positive if c in usable)
                if shared:
                    mates = [j for j in by_code[rng.choice(shared)] if j != i]
                    pairs.append(Pair(i, rng.choice(mates), 1.0))
                other = _unlike(examples, i, rng)
                if other is not None:
                    pairs.append(Pair(i, other, 0.0))
            else:
                pairs.append(Pair(i, rng.choice(coded), 0.0))
    rng.shuffle(pairs)
    # positions in `examples` → the passages' own indexes into the texts
    return [Pair(examples[p.left].index, examples[p.right].index, p.target) for p in pairs][
        :max_pairs
    ]


def _unlike(examples: Sequence[Example], i: int, rng: random.Random) -> int | None:
    """A random passage sharing no code with passage i: drawn (most are, with several
    codes), else searched for, so ten thousand decisions cost no quadratic scan."""
    codes = examples[i].positive
    for _ in range(20):
        j = rng.randrange(len(examples))
        if j != i and not examples[j].positive & codes:
            return j
    others = [j for j, e in enumerate(examples) if j != i and not e.positive & codes]
    return rng.choice(others) if others else None


def model_id(base: str, texts: Sequence[str], examples: Sequence[Example], settings: dict) -> str:
    """Content hash of what the model is made from: same decisions, same id."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"base": base, "version": FINETUNE_VERSION, **settings}).encode())
    for e in examples:
        digest.update(hashlib.sha256(texts[e.index].encode("utf-8")).digest())
        digest.update(json.dumps([sorted(e.positive), sorted(e.negative)]).encode())
    return digest.hexdigest()[:16]


def fine_tune(
    base_dir: Path,
    texts: Sequence[str],
    pairs: Sequence[Pair],
    *,
    seed: int,
    bf16: bool,
    on_batch: Callable[[], None] | None = None,
) -> tuple[Any, Any]:
    """(model, tokenizer): a copy of the encoder in `base_dir` trained on `pairs`, one epoch.

    Mean-pooled, L2-normalised vectors as at inference; mean squared error between the pair's
    cosine and its target; AdamW with linear warm-up (a tenth) and decay. With `bf16` the
    forward pass runs under bfloat16 autocast (weights and optimiser stay fp32).
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    from litsynth.embed.bf16 import mean_pooled

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    model = AutoModel.from_pretrained(str(base_dir))
    model.train()
    steps = max(1, -(-len(pairs) // BATCH))
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps)
    )

    def pooled(side: list[str]) -> Any:
        batch = tokenizer(
            side, padding=True, truncation=True, max_length=TRAIN_LENGTH, return_tensors="pt"
        )
        return mean_pooled(model(**batch).last_hidden_state, batch["attention_mask"])

    for start in range(0, len(pairs), BATCH):
        batch = pairs[start : start + BATCH]
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            left = pooled([texts[p.left] for p in batch])
            right = pooled([texts[p.right] for p in batch])
        cosine = (left.float() * right.float()).sum(1)
        target = torch.tensor([p.target for p in batch], dtype=torch.float32)
        loss = torch.nn.functional.mse_loss(cosine, target)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if on_batch is not None:
            on_batch()
    model.eval()
    return model, tokenizer


def save(root: Path, model: Any, tokenizer: Any, manifest: TunedModel) -> Path:
    """Write the model under models/coding/<id>/ (complete or not at all) and make it active."""
    folder = root / MODELS / manifest.id
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.parent / f".{manifest.id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(str(partial))
    tokenizer.save_pretrained(str(partial))
    (partial / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", "utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    activate(root, manifest.id)
    return folder


def activate(root: Path, model: str | None) -> None:
    """Make the model with this id (or unique id prefix) the one `code suggest` codes with;
    None goes back to the packaged encoder. The models stay on disk either way."""
    path = root / MODELS / ACTIVE
    if model is None:
        path.unlink(missing_ok=True)
        return
    found = [m for m in saved(root) if m.id.startswith(model)]
    if len(found) != 1:
        raise CodingError(
            f"no single fine-tuned model with id {model!r} in {root / MODELS} ({len(found)} match)",
            hint="`litsynth code finetune --list` shows the ids",
        )
    atomic.write_text(path, json.dumps({"id": found[0].id}) + "\n")


def saved(root: Path) -> list[TunedModel]:
    """Every complete fine-tuned model in the project, oldest first."""
    folder = root / MODELS
    if not folder.is_dir():
        return []
    out = []
    for manifest in sorted(folder.glob(f"*/{MANIFEST}")):
        try:
            out.append(TunedModel(**json.loads(manifest.read_text("utf-8"))))
        except (ValueError, TypeError) as exc:
            raise CodingError(
                f"the fine-tuned model manifest {manifest} is unreadable: {exc}",
                hint=f"remove the folder {manifest.parent} and run `litsynth code finetune`",
            ) from exc
    return sorted(out, key=lambda m: m.created)


def active(root: Path) -> TunedModel | None:
    """The fine-tuned model `code suggest` codes with, or None for the packaged encoder."""
    path = root / MODELS / ACTIVE
    if not path.exists():
        return None
    try:
        wanted = json.loads(path.read_text("utf-8"))["id"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CodingError(
            f"{path} is unreadable: {exc}",
            hint="run `litsynth code finetune --off` (or --use ID) to rewrite it",
        ) from exc
    for model in saved(root):
        if model.id == wanted:
            return model
    raise CodingError(
        f"{path} names the fine-tuned model {wanted}, which is not in {root / MODELS}",
        hint="run `litsynth code finetune` again, or `--off` to code with the packaged model",
    )


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
