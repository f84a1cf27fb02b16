"""More time for the file being parsed, asked for by the parser from inside its worker.

A parser worker gets `[ingest] pdf_timeout_s` per file, a limit sized for text PDFs (a hostile
one that loops is stopped by it). Reading a scan by OCR takes seconds a page, and only the
parser knows, once it has opened the file, how many pages it must read. So it asks for that
time here; `workers.serve` installs the hook that passes the request to the parent, which moves
the file's deadline. Called outside a worker (a test, `parse_file` directly) it does nothing:
there is no limit to raise.
"""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[float], None] | None = None


def install(hook: Callable[[float], None] | None) -> None:
    """Set (or clear) what `ask_for_time` calls; only a worker does."""
    global _hook
    _hook = hook


def ask_for_time(seconds: float) -> None:
    """Ask the parent for `seconds` more on the current file's time limit."""
    if _hook is not None and seconds > 0:
        _hook(seconds)
