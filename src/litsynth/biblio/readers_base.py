"""The typed records every format reader returns, so readers stay independent of each other.

A reader turns decoded text into `RawEntry`s (canonical field names, raw values, the line the
entry starts on) and `Rejection`s (line + reason). Normalising values and choosing ids happen
later, once, for all formats alike (normalize.py, readers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litsynth.records import Rejection


@dataclass(frozen=True)
class RawEntry:
    """One entry as the export wrote it, under canonical names (title, authors, year, ...)."""

    line: int  # 1-based line where the entry starts in the decoded file
    key: str  # the export's own id: BibTeX key, RIS ID, CSV record_id; "" when absent
    fields: dict[str, object] = field(hash=False, compare=False)
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class ReadResult:
    entries: tuple[RawEntry, ...]
    rejected: tuple[Rejection, ...]
    warnings: tuple[str, ...] = ()
