"""What a parser says to the parent from inside its worker, while it works on a file.

- **More time.** A parser worker gets `[ingest] pdf_timeout_s` per file, a limit sized for
  text PDFs (a hostile one that loops is stopped by it). Reading a scan by OCR takes seconds
  a page, and only the parser knows, once it has opened the file, how many pages it must
  read. So it asks for that time (`ask_for_time`), and the parent moves the file's deadline.
- **Progress.** A 40-page scan takes minutes; the parent's progress bar moves a file at a
  time, so the parser says which page it has read (`report_progress`). A long text PDF (a
  600-page book reads in about 20 s) says so too (`report_pages`), and each stretch of pages
  it finishes earns it time: a book of 2,000 pages is read whole, while a file stuck on one
  page still meets its limit.

`workers.serve` installs the hook that sends these to the parent. Called outside a worker (a
test, `parse_file` directly), they do nothing: there is no limit to raise, no bar to move.
"""

from __future__ import annotations

from collections.abc import Callable

_send: Callable[[tuple[object, ...]], None] | None = None


def install(send: Callable[[tuple[object, ...]], None] | None) -> None:
    """Set (or clear) how a message reaches the parent; only a worker does."""
    global _send
    _send = send


def ask_for_time(seconds: float) -> None:
    """Ask the parent for `seconds` more on the current file's time limit."""
    if _send is not None and seconds > 0:
        _send(("extend", seconds))


def report_progress(done: int, total: int) -> None:
    """Tell the parent that `done` of the file's `total` slow steps (OCR pages) are done."""
    if _send is not None:
        _send(("progress", done, total))


def report_pages(done: int, total: int) -> None:
    """Tell the parent that `done` of the file's `total` pages have been read."""
    if _send is not None:
        _send(("pages", done, total))
