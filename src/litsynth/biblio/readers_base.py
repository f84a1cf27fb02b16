"""The typed records every format reader returns, so readers stay independent of each other.

A reader turns decoded text into `RawEntry`s (canonical field names, raw values, the line the
entry starts on) and `Rejection`s (line + reason). Normalising values and choosing ids happen
later, once, for all formats alike (normalize.py, readers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from litsynth.errors import BiblioError, LitsynthError
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


def parse_xml(
    data: bytes,
    file_name: str,
    *,
    what: str,
    hint: str,
    error: type[LitsynthError] = BiblioError,
) -> Element:
    """An XML export parsed with defusedxml: entity bombs, DTDs and external entities are
    refused, and a broken file is one error naming its line and column."""
    from defusedxml import ElementTree as SafeET

    try:
        root: Element = SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise error(
            f"{file_name}: not well-formed {what} at line {line}, column {column}", hint=hint
        ) from None
    except Exception as exc:  # defusedxml's refusals (entities, DTDs) share no base class
        raise error(
            f"{file_name}: refused: {exc.__class__.__name__}",
            hint=f"a {what} file has no DTD or entities; {hint}",
        ) from None
    return root
