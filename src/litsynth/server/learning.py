"""Suggestions that learn while the reviewer codes in the workspace.

`litsynth code suggest` learns from every decision (accepted, rejected, changed, hand-coded
passages), but only when it is run. A reviewer working in the browser would otherwise decide
suggestion after suggestion and see the same ones, made before their first decision, until they
went to a terminal. So each decision or hand coding asks for a new suggest run here, in a
background thread with its own store handle and the workspace's warm model: 0.4 s for 1,200
passages and 32 s for 100,000 once the model is loaded, against 18 s for `code suggest` from
a terminal on the 1,200 (bench/bench_learning.py; the corpus-wide steps are kept, memo.py).

- Runs never overlap. A decision made while one runs marks the suggestions stale, and one more
  run follows, which reads every decision made by then: ten quick decisions cost two runs, not
  ten.
- Only the write takes the workspace's lock (`suggest_project`'s `writing`), so a decision is
  never kept waiting for a fit; it is recorded before or after the suggestions are replaced,
  never in between.
- A run that fails (a codebook edited into an error mid-session) leaves the last suggestions as
  they were and says why in the status, which the reader shows; the next decision tries again.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litsynth.config import Project
from litsynth.embed import Embedder
from litsynth.errors import LitsynthError
from litsynth.store import opened


@dataclass
class Learner:
    """The background suggest runs of one workspace, and what the last one did."""

    project: Project
    embedder: Callable[[], Embedder]  # the workspace's warm model, loaded on first use
    lock: threading.Lock  # the workspace's write lock: held only while suggestions are replaced
    running: bool = False
    stale: bool = False  # a decision came in after the running fit read the decisions
    runs: int = 0  # fits finished in this process: the page waits for the number to move
    error: str | None = None
    hint: str | None = None
    last: dict[str, Any] = field(default_factory=dict)  # the last fit's figures
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def relearn(self) -> None:
        """Ask for suggestions that know the decisions recorded so far."""
        with self._guard:
            if self.running:
                self.stale = True
                return
            self.running, self.stale = True, False
            self._thread = threading.Thread(target=self._work, name="relearn", daemon=True)
            self._thread.start()

    def relearn_for(self, passages: int) -> None:
        """Ask for suggestions on `passages` just added (a paper, a full text, corpus/ read),
        where the project has a codebook to suggest from."""
        from litsynth.coding.codebook.load import project_codebook

        if passages and project_codebook(self.project, required=False) is not None:
            self.relearn()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no fit runs or is owed (tests, shutdown); False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._guard:
                thread = self._thread
                if not self.running:
                    return True
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                return False
            if thread is not None:
                thread.join(left if left is None else min(left, 0.5))

    def _work(self) -> None:
        while True:
            self._fit_once()
            with self._guard:
                if not self.stale:
                    self.running = False
                    return
                self.stale = False

    def _fit_once(self) -> None:
        from litsynth.coding.machine.suggest import suggest_project

        began = time.perf_counter()
        try:
            with opened(self.project.store_path) as conn:
                result = suggest_project(conn, self.project, embedder=self.embedder(),
                                         writing=self.lock)  # fmt: skip
        except LitsynthError as exc:
            with self._guard:
                self.error, self.hint = str(exc), exc.hint
            return
        except Exception as exc:  # not the reviewer's doing: said on the page and the console
            traceback.print_exc()
            with self._guard:
                self.error = f"{type(exc).__name__}: {exc}"
                self.hint = "the console running `litsynth serve` shows the traceback"
            return
        with self._guard:
            self.runs += 1
            self.error = self.hint = None
            self.last = {
                "decisions": result.decisions,
                "suggested": result.suggested,
                "model": result.model,
                "seconds": round(time.perf_counter() - began, 2),
                "finished": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            }

    def status(self) -> dict[str, Any]:
        """What the reader shows: whether a fit runs, and what the last one learned from."""
        with self._guard:
            return {
                "running": self.running,
                "runs": self.runs,
                "error": self.error,
                "hint": self.hint,
                **self.last,
            }
