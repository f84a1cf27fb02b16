"""Reading codebook fields out of parsed YAML, collecting every problem with its file and line.

Shared by the YAML loader (`codebook_load`) and the pattern-card reader (`cards`), so neither
imports the other's internals.
"""

from __future__ import annotations

from typing import Any

from litsynth.coding.codebook.model import GUID_PATTERN, ID_PATTERN, did_you_mean
from litsynth.coding.codebook.yaml_lines import LineDict
from litsynth.errors import CodebookError


class Errors:
    """Collects every problem of a load, so one run shows them all (not one per attempt)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self) -> None:
        if self.items:
            more = f" (and {len(self.items) - 1} more problem(s))" if len(self.items) > 1 else ""
            raise CodebookError(
                "\n  ".join(self.items) if len(self.items) > 1 else self.items[0] + more,
                hint="fix the codebook lines named above; `litsynth code suggest` reloads it",
            )


def where(source: str, line: int) -> str:
    return f"{source} line {line}"


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(v).strip() for v in value)
    return str(value).strip()


def as_strings(
    value: Any, key: str, owner: str, source: str, line: int, errors: Errors
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        # "a, b, c" is a common shorthand for keyword lists; examples are never split.
        return (
            (value.strip(),)
            if key == "examples"
            else tuple(v.strip() for v in value.split(",") if v.strip())
        )
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                errors.add(
                    f"{key} of {owner} in {where(source, line)} must be a list of strings, "
                    f"got {item!r}"
                )
                continue
            if str(item).strip():
                out.append(str(item).strip())
        return tuple(out)
    errors.add(
        f"{key} of {owner} in {where(source, line)} must be a list of strings, got {value!r}"
    )
    return ()


def check_keys(data: LineDict, allowed: set[str], owner: str, source: str, errors: Errors) -> None:
    for key in data:
        if key not in allowed:
            errors.add(
                f"unknown key {key!r} for {owner} in {where(source, data.line_of(key))}"
                f"{did_you_mean(key, allowed)}"
            )


def check_id(data: LineDict, kind: str, source: str, errors: Errors) -> str | None:
    ident = data.get("id")
    if ident is None or str(ident).strip() == "":
        errors.add(f"{kind} without an id in {where(source, data.line)}")
        return None
    ident = str(ident).strip()
    if not ID_PATTERN.match(ident):
        errors.add(
            f"{kind} id {ident!r} in {where(source, data.line_of('id'))} may not hold ';' or"
            " control characters, nor start or end with a space"
        )
        return None
    guid = data.get("guid")
    if guid is not None and not GUID_PATTERN.match(str(guid)):
        errors.add(
            f"guid {guid!r} of {kind} {ident!r} in {where(source, data.line_of('guid'))} "
            "is not a UUID"
        )
    return ident
