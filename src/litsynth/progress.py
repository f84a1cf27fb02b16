"""Progress bars for the long steps (suggest's keyword matching, discover's phrases, embedding
many passages): on stderr, and only when stderr is a terminal, so logs, pipes, `--json` output
and tests never see them. Small jobs get none: a bar that flashes for 0.1 s is noise.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

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


def tell(bar: Any, listener: Callable[[str], None] | None, note: str) -> None:
    """How far a long step is ("book.pdf: page 240 of 603 read"), on the bar's right and to
    a listener (the workspace's status line), which a bar on a terminal never reaches."""
    bar.set_postfix_str(note)
    if listener is not None:
        listener(note)
