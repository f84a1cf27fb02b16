"""Search by code or theme: which passages are coded with a code, or anything under a theme.

"Coded" means the effective coding (view `effective_codings`): the latest human decision where
a human has decided (accepted or added), else a machine suggestion at or above its threshold.
A reviewer's rejection therefore removes a passage from `--code` results at once, without
waiting for the next `code suggest` run.

Names resolve through the codebook tree: a theme stands for every code whose own or inherited
theme it is, a category for every code under it (nested categories included), so
`search "…" --theme orchestration` finds passages coded with any orchestration code.
"""

from __future__ import annotations

import sqlite3

from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook, did_you_mean
from litsynth.config import Project
from litsynth.errors import CodebookError, CodingError
from litsynth.store import codings as store


def codes_under(
    book: Codebook | None,
    *,
    code: str | None = None,
    theme: str | None = None,
    extra: set[str] | frozenset[str] = frozenset(),
) -> set[str]:
    """The code ids a --code / --theme filter stands for (pure).

    `code` may be a code or a category; `theme` a theme or, as a convenience, a category.
    `extra` are code ids the store knows but the codebook no longer has (renamed or removed
    codes, open codes): a --code filter on them still works.
    """
    if (code is None) == (theme is None):
        raise CodingError("give exactly one of code or theme", hint="--code ID or --theme ID")
    codes = book.codes if book else {}
    categories = book.categories if book else {}
    themes = book.themes if book else {}
    if code is not None:
        if code in codes or code in extra:
            return {code}
        if book is not None and code in categories:
            return {c.id for c in book.codes_of_category(code)}
        raise CodingError(
            f"unknown code {code!r}{did_you_mean(code, [*codes, *categories, *extra])}",
            hint="use a code or category id from the codebook",
        )
    assert theme is not None
    if book is not None and theme in themes:
        return {c.id for c in book.codes_of_theme(theme)}
    if book is not None and theme in categories:
        return {c.id for c in book.codes_of_category(theme)}
    raise CodingError(
        f"unknown theme {theme!r}{did_you_mean(theme, [*themes, *categories])}",
        hint="use a theme id from the codebook (themes: " + (", ".join(themes) or "none") + ")",
    )


def chunk_ids_for(
    conn: sqlite3.Connection,
    project: Project,
    *,
    code: str | None = None,
    theme: str | None = None,
) -> set[str]:
    """Chunk ids whose effective coding is `code` (or a code under it, for a category), or any
    code under `theme`. Unknown ids raise CodingError with a close match."""
    try:
        book: Codebook | None = project_codebook(project, required=False)
    except CodebookError:
        if theme is not None:
            raise  # a theme only exists in a codebook: say what is wrong with it
        book = None  # a code filter can still work on the codes the store holds
    wanted = codes_under(book, code=code, theme=theme, extra=store.used_code_ids(conn))
    return store.effective_chunk_ids(conn, wanted)
