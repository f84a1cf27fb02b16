"""Part of a passage, cited where it lies: a sentence a writer quotes from a passage that
runs over two pages is on one of them.

Below every stage because each one shows parts of passages: a coded span (synthesis), the
words a reviewer selected (the workspace), the sentence of a search hit that answers the
query (search).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from litsynth.citations.labels import printed_span
from litsynth.errors import SynthesisError
from litsynth.records import Page, Passage


def pages_touched(pages: Sequence[Page], start: int, end: int) -> tuple[int, int] | None:
    """The first and last of `pages` that the characters start..end lie on."""
    last_char = max(start, end - 1)
    touched = [p.number for p in pages if p.start <= last_char and p.end > start]
    return (min(touched), max(touched)) if touched else None


def narrowed_section(
    kind: str, section: str, whole: tuple[int, int], pages: Sequence[Page], first: int, last: int
) -> str:
    """The section label of pages `first` to `last` of a passage or coded span on pages
    `whole`, labelled `section`: its own, unless a PDF's span was narrowed to fewer pages,
    which are then cited by their printed numbers (`printed_span`)."""
    if kind != "pdf" or (first, last) == whole:
        return section
    return printed_span([p.label for p in pages], first, last)


def part_of(passage: Passage, pages: Sequence[Page], start: int, end: int) -> Passage:
    """Characters start..end of a passage (document offsets) as a passage of their own, with
    the pages they are on."""
    if not passage.start <= start < end <= passage.end:
        raise SynthesisError(
            f"characters {start}–{end} are not inside passage {passage.chunk_id}"
            f" ({passage.start}–{passage.end})",
            hint="select text within one passage",
        )
    first, last = pages_touched(pages, start, end) or (passage.page_start, passage.page_end)
    whole = (passage.page_start, passage.page_end)
    return replace(
        passage,
        start=start,
        end=end,
        text=passage.text[start - passage.start : end - passage.start],
        page_start=first,
        page_end=last,
        section=narrowed_section(passage.kind, passage.section, whole, pages, first, last),
    )
