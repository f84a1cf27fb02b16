"""Parse many files in parallel worker processes, each file under a time and memory limit.

A hostile PDF (recursive XObjects, a decompression bomb, a page with millions of operators) can
hang pypdf or eat all memory. So files are parsed in separate processes: each worker caps its
own address space with `resource.setrlimit(RLIMIT_AS)` (an allocation past it raises
MemoryError inside the worker instead of waking the kernel's OOM killer), and the parent kills a
worker whose current file runs past `timeout_s`. A dead or killed worker becomes a
`records.Failure` for its file and is replaced; the run goes on.

Workers are fresh interpreters (`python -c`, i.e. fork+exec) talking pickled messages over two
pipes, rather than multiprocessing's fork or forkserver children:
- the parent may already hold torch's thread pools, and forking a multi-threaded process can
  deadlock the child; exec starts clean;
- multiprocessing's spawn/forkserver children re-import the parent's `__main__`, which for the
  CLI means click and possibly torch in every worker; ours import only pypdf and the parsers.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import resource
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from litsynth.errors import IngestError
from litsynth.ingest.budget import install as install_budget
from litsynth.ingest.failures import ParseFailure
from litsynth.ingest.ocr import OcrSettings
from litsynth.ingest.parse import parse_file
from litsynth.records import Document, Failure

Parser = Callable[..., Document]  # parse_file's shape: (path, *, passwords) -> Document
Outcome = tuple[str, Document] | tuple[str, str, str]

_WORKER_CODE = "from litsynth.ingest.workers import serve; serve()"
# A worker importing pypdf takes ~0.3 s; a minute means the installation is broken.
_STARTUP_S = 60.0


def _limit_memory(memory_mb: int) -> None:
    """Cap this process's address space; a larger allocation then raises MemoryError."""
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _outcome(
    parser: Parser, path: Path, passwords: Sequence[str], ocr: OcrSettings | None, memory_mb: int
) -> Outcome:
    """What a worker sends back: ("ok", Document) or ("fail", reason, detail)."""
    try:
        # OCR settings only when asked for: a test's parser takes (path, *, passwords).
        options = {"ocr": ocr} if ocr is not None else {}
        return ("ok", parser(path, passwords=passwords, **options))
    except ParseFailure as failure:
        return ("fail", failure.reason, failure.detail)
    except MemoryError:
        return ("fail", "out-of-memory", f"needed more than the {memory_mb} MB limit")
    except RecursionError:
        return ("fail", "broken-file", "structure nested too deeply (recursive objects?)")
    except Exception as exc:  # a parser bug must not end the run: report it for this file
        return ("fail", "worker-crashed", f"{type(exc).__name__}: {exc}"[:500])


def serve() -> None:
    """Worker main: argv = read fd, write fd, memory MB; then (path, passwords, ocr) → outcome.

    The first message names the parser as (sys.path, module, qualified name), so a test can
    hand in a deliberately slow or crashing parser; None or EOF ends the loop.
    """
    read_fd, write_fd, memory_mb = (int(arg) for arg in sys.argv[1:4])
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a hostile file logs by the thousand
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    try:
        sys_path, module, name = inbox.recv()
    except (EOFError, OSError):
        return
    sys.path[:] = sys_path
    parser = importlib.import_module(module)
    for part in name.split("."):
        parser = getattr(parser, part)
    _limit_memory(memory_mb)
    # Only now is the worker ready: its start-up (interpreter, imports) must not count
    # against the first file's time limit.
    outbox.send(("ready",))
    # A parser that must read a scan by OCR asks for more time and reports its pages.
    install_budget(outbox.send)
    while True:
        try:
            task = inbox.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, passwords, ocr = task
        outcome = _outcome(parser, path, passwords, ocr, memory_mb)  # type: ignore[arg-type]
        try:
            outbox.send(outcome)
        except MemoryError:
            outbox.send(("fail", "out-of-memory", "the parsed text was too large to hand back"))


@dataclass(eq=False)  # a worker is equal only to itself (pool.index, "in pool")
class _Worker:
    """One worker process, its two pipe ends, and the file it is working on."""

    process: subprocess.Popen[bytes]
    inbox: Connection  # parent → worker
    outbox: Connection  # worker → parent
    path: Path | None = None
    deadline: float = 0.0
    ready: bool = False  # has said "ready": imports done, memory limit set
    allowed_s: float = 0.0  # the current file's time limit, raised by "extend" messages
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, memory_mb: int, parser: Parser) -> _Worker:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WORKER_CODE,
                str(to_worker_r),
                str(from_worker_w),
                str(memory_mb),
            ],
            pass_fds=(to_worker_r, from_worker_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        # Close our copies of the worker's ends, so its death shows here as EOF.
        os.close(to_worker_r)
        os.close(from_worker_w)
        worker = cls(
            process,
            Connection(to_worker_w, readable=False),
            Connection(from_worker_r, writable=False),
        )
        try:
            worker.inbox.send((list(sys.path), parser.__module__, parser.__qualname__))
        except OSError:
            raise _start_failed(worker) from None
        return worker

    def assign(
        self, path: Path, passwords: tuple[str, ...], ocr: OcrSettings | None, timeout_s: float
    ) -> None:
        self.path = path
        self.deadline = time.monotonic() + timeout_s
        self.allowed_s = timeout_s
        self.inbox.send((path, passwords, ocr))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.inbox.close()
        self.outbox.close()

    def death(self) -> tuple[str, str]:
        """(reason, detail) for a worker that vanished mid-file."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return "worker-crashed", "worker stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:  # a real-time signal without a name
                name = f"signal {-code}"
            if -code == signal.SIGKILL:
                # Timeouts are handled elsewhere, so an outside SIGKILL is most likely the
                # kernel's OOM killer.
                return "out-of-memory", f"worker killed by {name} (system out of memory?)"
            return "worker-crashed", f"worker died of {name}"
        return "worker-crashed", f"worker exited with code {code}"


@contextlib.contextmanager
def _interrupts_held() -> Generator[None, None, None]:
    """Hold Ctrl-C while a worker starts and joins the pool, then let it through.

    A KeyboardInterrupt inside `subprocess.Popen` (after the fork, before it returns) or
    before the new worker is in the pool would leave a worker nobody stops: measured, 7 runs
    in 8 left one behind when Ctrl-C came during start-up. Held, the signal arrives once the
    worker is in the pool, and parse_many's `finally` stops it with the others. (The worker
    inherits the held mask; it ignores Ctrl-C anyway, see `serve`.)
    """
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing to hold it with
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # the caller's mask, as it was


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # parse_file reports the unreadable file


def _start_failed(worker: _Worker) -> IngestError:
    worker.stop()
    return IngestError(
        f"a parser worker ({sys.executable}) did not start (exit code {worker.process.returncode})",
        hint="check that litsynth is installed in this Python (`make install`); its error "
        "is printed above",
    )


def parse_many(
    paths: Iterable[Path],
    *,
    passwords: Sequence[str] = (),
    timeout_s: float = 60.0,
    memory_mb: int = 2048,
    workers: int = 0,
    parser: Parser = parse_file,
    ocr: OcrSettings | None = None,
    on_progress: Callable[[Path, int, int], object] | None = None,
    on_pages: Callable[[Path, int, int], object] | None = None,
) -> Generator[tuple[Path, Document | Failure], None, None]:
    """Parse files in worker processes; yield (path, Document or Failure) as each finishes.

    workers=0 uses one per CPU core. `parser` must be a module-level function (workers import
    it by name); tests pass a deliberately slow or crashing one. `ocr`: read scanned pages
    with these settings (None: never); `on_progress(path, done, total)` hears of each page
    OCR has read, `on_pages(path, done, total)` of how far a long PDF's text is read.
    Closing the iterator early, or Ctrl-C, kills the workers.
    """
    # Largest files first: a 300-page book started last would leave the other cores idle at the
    # end (longest-processing-time-first scheduling; file size stands in for parse time).
    queue = deque(sorted((Path(p) for p in paths), key=_size, reverse=True))
    if not queue:
        return
    count = min(workers if workers > 0 else (os.cpu_count() or 1), len(queue))
    secrets = tuple(passwords)
    pool: list[_Worker] = []

    def feed(worker: _Worker) -> None:
        worker.path = None
        if queue:
            path = queue.popleft()
            try:
                worker.assign(path, secrets, ocr, timeout_s)
            except OSError:
                # The worker died between files (nothing of this file was read): the file
                # goes back to the front of the queue for the replacement worker.
                queue.appendleft(path)
                worker.path = None
                replace(worker)

    def replace(worker: _Worker) -> None:
        """Stop a dead or stuck worker; start a fresh one only if files are still waiting."""
        worker.stop()
        if queue:
            with _interrupts_held():
                pool[pool.index(worker)] = _Worker.start(memory_mb, parser)
        else:
            pool.remove(worker)

    try:
        for _ in range(count):
            with _interrupts_held():
                pool.append(_Worker.start(memory_mb, parser))
        while active := [w for w in pool if w.path is not None or (queue and not w.ready)]:
            by_handle = {w.outbox: w for w in active}
            deadlines = [w.deadline if w.ready else w.started + _STARTUP_S for w in active]
            wait_s = max(0.0, min(deadlines) - time.monotonic())
            for handle in wait(list(by_handle), timeout=wait_s):
                worker = by_handle[handle]  # type: ignore[index]
                path = worker.path
                try:
                    message = worker.outbox.recv()
                except (EOFError, OSError):
                    if path is None:
                        raise _start_failed(worker) from None
                    reason, detail = worker.death()
                    replace(worker)
                    yield path, Failure(str(path), reason, detail)
                    continue
                if message[0] == "extend":  # the parser asked for more time: OCR, a long PDF
                    worker.deadline += message[1]
                    worker.allowed_s += message[1]
                    continue
                if message[0] == "progress":  # a page of a scan read
                    if on_progress is not None and path is not None:
                        on_progress(path, message[1], message[2])
                    continue
                if message[0] == "pages":  # a stretch of a long PDF read
                    if on_pages is not None and path is not None:
                        on_pages(path, message[1], message[2])
                    continue
                worker.ready = True
                feed(worker)
                if path is None:
                    continue  # the "ready" message
                if message[0] == "ok":
                    yield path, message[1]
                else:
                    yield path, Failure(str(path), message[1], message[2])
            now = time.monotonic()
            for worker in active:
                if worker not in pool or worker.outbox.poll():
                    # Replaced above, or finished just in time: collected on the next round.
                    continue
                if not worker.ready and worker.started + _STARTUP_S <= now:
                    raise _start_failed(worker)
                if worker.path is not None and worker.ready and worker.deadline <= now:
                    path, allowed_s = worker.path, worker.allowed_s
                    replace(worker)
                    yield (
                        path,
                        Failure(str(path), "timeout", f"still parsing after {allowed_s:g} s"),
                    )
    finally:
        for worker in pool:
            worker.stop()
