"""A fine-tuned copy of the encoder for the benchmarks, made by `code finetune`'s own code.

bench_setfit.py and bench_multilabel.py both measure what fine-tuning does for coding: they
build the pairs and train with litsynth.coding.machine.finetune, save the copy and read it
back as `code suggest` reads it (FolderEmbedder), so the bench measures the shipped path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litsynth.coding.machine.finetune import auto_max_pairs, fine_tune, training_pairs
from litsynth.coding.machine.learn import Example
from litsynth.embed.bf16 import FolderEmbedder
from litsynth.embed.models import model_path


def fine_tuned_encoder(
    texts: Sequence[str],
    examples: Sequence[Example],
    *,
    folder: Path,
    seed: int,
    bf16: bool,
    per_example: int = 10,
    max_pairs: int | None = None,
) -> tuple[FolderEmbedder, int]:
    """The copy trained on `examples` (indexes into `texts`), saved in `folder` and loaded
    back; and the number of training pairs. No `max_pairs`: `code finetune`'s default."""
    if max_pairs is None:
        max_pairs = auto_max_pairs(len(examples))
    pairs = training_pairs(examples, per_example=per_example, max_pairs=max_pairs, seed=seed)
    model, tokenizer = fine_tune(model_path(), texts, pairs, seed=seed, bf16=bf16)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return FolderEmbedder(folder, f"fine-tuned-{folder.name}-{seed}", bf16=bf16), len(pairs)
