"""The one rule for text cells in the sheets we write (CSV and XLSX): no formula injection.

Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` as a formula, so a title
such as `=HYPERLINK("http://…")` in a database export would become a live link (or worse) in
the reviewer's spreadsheet ("CSV injection", OWASP). A leading apostrophe makes the
spreadsheet show the text as text. Columns a sheet reads back on import (decisions, codes,
memos) must not go through this, or the apostrophe would come back as data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text` as a spreadsheet shows it literally: an apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_START) else text


def flat_cell(text: str) -> str:
    """`safe_cell` on one line (a sheet row per item, readable in a text editor too)."""
    return safe_cell(" ".join(text.split()))


def pipe_table(rows: Sequence[Sequence[str]]) -> str:
    """`rows` (header first) as a Markdown pipe table, a cell's own "|" shown as "/", as the
    terminal prints a form's table and the findings are written to .md."""
    header, *body = rows
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


# Characters XML 1.0 cannot hold (C0 controls but tab and line feed, lone surrogates): a quote
# from a damaged PDF may carry one, and python-docx would refuse the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text a Word (XML) document can hold."""
    return _NOT_XML.sub("", text)
