"""Atomic file writes that leave either the old file or the new one, with the user's permissions.

`tempfile.mkstemp` creates its file with mode 0600 whatever the umask says, and `os.replace`
keeps that mode, so a report or an index written through it could not be read by the user's
group or web server (the hardening probe found report files and the index at 0600). Each write
here sets the mode a plain `open()` would have given: 0666 minus the current umask.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def umask_mode(base: int = 0o666) -> int:
    """`base` less the process umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def temp_path(folder: Path, name: str) -> Path:
    """An empty temporary file in `folder` (same file system, so os.replace is atomic)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    os.chmod(tmp, umask_mode())
    return Path(tmp)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def write_text(path: Path, text: str, *, durable: bool = False) -> None:
    """Write `text` to `path` atomically; `durable` also fsyncs before the rename."""
    _replace(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable)


def write_bytes(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write `data` to `path` atomically (a zip, an image); `durable` as `write_text`."""
    _replace(path, lambda tmp: tmp.write_bytes(data), durable)


def _replace(path: Path, fill: Callable[[Path], object], durable: bool) -> None:
    """A temporary file beside `path`, filled, then renamed over it: the old file or the
    new one, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path.parent, path.name)
    try:
        fill(tmp)
        if durable:
            fsync_file(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
