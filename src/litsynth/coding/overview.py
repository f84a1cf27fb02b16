"""Where the coding stands, for `litsynth status`: the codebook, what people have decided, the
suggestions nobody has, and whether the suggestions know the latest decisions.

Suggestions learn from decisions only when `code suggest` runs (the workspace runs it after
each decision in Read & code). A reviewer who codes from a sheet or the terminal loop had no
way to see that the suggestions in front of them were made before those decisions: each
suggest run now records the last coding it read (`codings_seq`), and the codings after it are
the decisions it has not learned from.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from litsynth.coding.codebook.load import project_codebook
from litsynth.config import Project
from litsynth.errors import CodebookError
from litsynth.store import codings as store
from litsynth.store import runs
from litsynth.words import count


def coding_status(conn: sqlite3.Connection, project: Project) -> dict[str, Any]:
    """{codes, error, decided, coders, undecided, suggested_at, learned_from, since}."""
    out: dict[str, Any] = {"codes": 0, "error": None}
    try:
        book = project_codebook(project, required=False)
    except CodebookError as exc:  # status reports, it does not fail: the codebook's own words
        out["error"] = str(exc)
        book = None
    out["codes"] = len(book.codes) if book is not None else 0
    counts = store.coding_counts(conn)
    last = runs.latest_run(conn, "code-suggest")
    summary = last["summary"] if last else {}
    read = summary.get("codings_seq")
    out.update(
        decided=counts["decided"],
        coders=counts["coders"],
        undecided=counts["undecided"],
        suggested_at=last["finished_at"] if last else None,
        learned_from=summary.get("decisions"),
        since=store.codings_after(conn, int(read)) if read is not None else None,
    )
    return out


def lines(s: dict[str, Any]) -> list[str]:
    """The status lines, each with what to run next."""
    if s["error"]:
        return [f"coding: the codebook has a mistake: {s['error']}"]
    if not s["codes"]:
        return [
            "coding: no codebook yet (codes in codebook/*.yaml, or draft them with"
            " `litsynth code discover --write codebook/draft.yaml`)"
        ]
    who = ", ".join(f"{c} {n}" for c, n in s["coders"].items())
    head = (
        f"coding: {count(s['codes'], 'code')}; people decided on {count(s['decided'], 'passage')}"
        + (f" ({who})" if who else "")
    )
    if s["suggested_at"] is None:
        return [head + "; no suggestions yet (`litsynth code suggest`)"]
    learned = (
        f" from {count(s['learned_from'], 'decided passage')}"
        if s["learned_from"] is not None
        else ""
    )
    out = [head + f"; {s['undecided']} suggestions undecided, made {s['suggested_at']}{learned}"]
    if s["since"]:
        out.append(
            f"  {count(s['since'], 'decision')} since: `litsynth code suggest` learns from them"
            " (Read & code in `litsynth serve` does after each one)"
        )
    return out
