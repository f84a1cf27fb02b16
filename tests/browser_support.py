"""A real browser on a real workspace, for the browser tests: Debian's Chromium driven by
Playwright with a closed network, and the workspace served by uvicorn on a free loopback port.

Shared by the report and workspace tests so the launch flags and the waiting rules live once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from litsynth.config import open_project

CHROMIUM = Path("/usr/bin/chromium")
# A closed network: without these Chromium keeps trying to reach Google's hosts.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
]  # fmt: skip


def until(page: Any, predicate: str, arg: object = None, timeout_s: float = 30.0) -> None:
    """Wait until `predicate` (an expression, or a function of `arg`) is true in the page.

    Not Playwright's wait_for_function: when its first check fails it polls by compiling the
    string inside the page, which the workspace's Content-Security-Policy (no 'unsafe-eval')
    refuses, so on a loaded machine the test failed where the page was right. page.evaluate
    runs through the debugging protocol, which the page's policy does not govern. A predicate
    that throws (it reads an element not drawn yet) counts as not yet true.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if page.evaluate(predicate, arg):
                return
            failed = ""
        except Exception as exc:  # the element it reads is not drawn yet: not true yet
            failed = f" (last: {exc})"
        if time.monotonic() > deadline:
            raise AssertionError(f"never true within {timeout_s} s: {predicate}{failed}")
        page.wait_for_timeout(50)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(root: Path) -> Iterator[str]:
    """The workspace for `root` on a free loopback port, in a thread; yields its URL."""
    with serving_app(root) as (url, _):
        yield url


@contextlib.contextmanager
def serving_app(root: Path) -> Iterator[tuple[str, Any]]:
    """`serving`, with the Starlette app too: a test may reach its workspace (app.state)."""
    import uvicorn

    from litsynth.server.app import create_app

    port = free_port()
    host = f"127.0.0.1:{port}"
    app = create_app(open_project(root), allowed_hosts=(host, f"localhost:{port}"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://{host}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def learned(url: str, timeout_s: float = 120.0) -> None:
    """Wait until the workspace has no suggest run under way or owed. A coding decision starts
    one, and the review queue's order may change when it ends."""
    import json
    import urllib.request

    end = time.monotonic() + timeout_s
    while json.load(urllib.request.urlopen(f"{url}/api/coding/learning"))["running"]:
        assert time.monotonic() < end, "the suggest run after a decision did not end"
        time.sleep(0.2)


# What a screen says of its last action: read when a test fails, to tell why it waited in vain.
STATUS_LINES = ("#status", "#reader-status", "#learning-status", "#pair-status", "#conflict-status")


class Traffic:
    """A page's requests that were refused, failed or never answered, and its status lines,
    told beside a failed test: a wait that timed out says only what it waited for, not whether
    the page's request was refused (and what it said), is still out, or was never made."""

    def __init__(self, page: Any) -> None:
        self.out: dict[Any, str] = {}
        self.bad: list[str] = []
        page.on("request", lambda r: self.out.__setitem__(r, f"{r.method} {r.url}"))
        page.on("requestfinished", lambda r: self.out.pop(r, None))
        page.on("requestfailed", self._failed)
        page.on("response", self._answered)

    def _failed(self, request: Any) -> None:
        self.out.pop(request, None)
        self.bad.append(f"{request.method} {request.url}: {request.failure}")

    def _answered(self, response: Any) -> None:
        if response.status >= 400:
            self.bad.append(f"{response.request.method} {response.url}: {response.status}")

    def told(self, page: Any) -> str:
        lines = [f"refused or failed: {b}" for b in self.bad]
        lines += [f"still out: {o}" for o in self.out.values()]
        try:
            said = page.evaluate(
                "ids => ids.map((id) => [id, document.querySelector(id)])"
                ".filter(([, n]) => n && n.textContent.trim())"
                ".map(([id, n]) => id + ': ' + n.textContent.trim())",
                list(STATUS_LINES),
            )
        except Exception as exc:  # the page is gone: the requests are still worth telling
            said = [f"(status lines unread: {exc})"]
        return "the page's traffic and status lines:\n" + "\n".join([*lines, *said] or ["(none)"])


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 800) -> Iterator[Any]:
    """A Chromium page of that size, the browser closed after."""
    from playwright.sync_api import sync_playwright

    need_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            # An uncaught error in the page's scripts fails the test even when what it looked
            # at happened to be right: a ReferenceError on a path the test did not follow to
            # its end is still a broken page.
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            traffic = Traffic(page)
            try:
                yield page
            except Exception as exc:
                exc.add_note(traffic.told(page))
                raise
            assert not errors, errors
        finally:
            browser.close()


@contextlib.contextmanager
def browsing(root: Path, width: int = 1280, height: int = 800) -> Iterator[tuple[str, Any]]:
    """The workspace for `root` served, and a Chromium page of that size: (url, page)."""
    with serving(root) as url, browser_page(width, height) as page:
        yield url, page


def need_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (/usr/bin/chromium); run `make browser-deps`")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
