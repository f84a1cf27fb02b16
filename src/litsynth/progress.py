"""Progress bars for the long steps (suggest's keyword matching, discover's phrases, embedding
many passages): on stderr, and only when stderr is a terminal, so logs, pipes, `--json` output
and tests never see them. Small jobs get none: a bar that flashes for 0.1 s is noise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
MIN_ITEMS = 200  # below this the step takes about a second or less: no bar


def progress(
    items: Iterable[T],
    *,
    total: int | None,
    desc: str,
    unit: str = "passage",
    minimum: int = MIN_ITEMS,
) -> Iterator[T] | Iterable[T]:
    """`items`, counted by a tqdm bar on a terminal; `items` unchanged otherwise, and for
    fewer than `minimum` of them."""
    if total is not None and total < minimum:
        return items
    from tqdm import tqdm

    # disable=None: tqdm switches itself off when stderr is not a terminal
    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, disable=None,
                leave=False, dynamic_ncols=True)  # fmt: skip
