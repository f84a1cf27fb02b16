"""What the workspace's background jobs (reading corpus/, drawing the report) share: how a
failure is kept for the page that polls them."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from litsynth.errors import LitsynthError


class Failing(Protocol):
    """A job as `failures_kept` sees it: its lock and what the page is told."""

    guard: threading.Lock
    error: str | None
    hint: str | None


@contextmanager
def failures_kept(job: Failing) -> Iterator[None]:
    """Run a job's work, keeping its failure for the page: a LitsynthError (another run under
    way, a setting in error) as its message and hint; anything else, which is not the
    reviewer's doing, with its traceback on the console of `litsynth serve`."""
    try:
        yield
    except LitsynthError as exc:
        with job.guard:
            job.error, job.hint = exc.message, exc.hint
    except Exception as exc:
        traceback.print_exc()
        with job.guard:
            job.error = f"{type(exc).__name__}: {exc}"
            job.hint = "the console running `litsynth serve` shows the traceback"
