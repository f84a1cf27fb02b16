"""What every workspace handler answers with when a request is wrong: a JSON error with a hint,
and the POSTed JSON object read or refused."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from litsynth.config import SOURCES, Project
from litsynth.errors import LitsynthError
from litsynth.records import roles_wanted
from litsynth.server.openapi_parts import MAX_HITS


def person(source: Mapping[str, Any], key: str, project: Project) -> str:
    """The reviewer or coder a request names in `key`, else the project's ([project]
    reviewer): the one rule every screen's writes and reads follow."""
    return str(source.get(key) or project.settings.project.reviewer).strip()


def codings_source(params: Mapping[str, str], project: Project) -> str:
    """The codings a synthesis view counts: the request's `source`, else [synthesis] source;
    another value is refused here, not only by the views that happen to read codings."""
    source = params.get("source") or project.settings.synthesis.source
    if source not in SOURCES:
        raise LitsynthError(
            f"source is one of {', '.join(SOURCES)}, not {source!r}", "source=human"
        )
    return source


def error(status_code: int, message: str, hint: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "hint": hint}, status_code=status_code)


async def json_body(request: Request) -> dict[str, Any]:
    """The POSTed JSON object. Anything else is the caller's mistake: a 400 that says so, not a
    500 from deep inside a handler."""
    try:
        body = await request.json()
    except ValueError as exc:  # not JSON, or not UTF-8
        raise LitsynthError("the request body is not JSON", '{"name": value, …}') from exc
    if not isinstance(body, dict):
        raise LitsynthError("the request body is not a JSON object", '{"name": value, …}')
    return body


_JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {  # its Python types, said in words
    "string": ((str,), "text"),
    "integer": ((int,), "a whole number"),
    "number": ((int, float), "a number"),
    "boolean": ((bool,), "true or false"),
    "array": ((list,), "a list"),
}


def known_parameters(params: Mapping[str, str], names: frozenset[str]) -> None:
    """Refuse a query parameter the route does not take: `?stgae=full-text` would otherwise
    answer for the default stage as if it had been asked."""
    unknown = sorted(set(params) - names)
    if unknown:
        takes = ", ".join(sorted(names)) or "no parameters"
        raise LitsynthError(f"unknown parameter {unknown[0]!r}", f"this route takes {takes}")


def checked_body(body: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    """A POSTed object held to its route's schema in /openapi.json (required names, each
    value's type, enum and length), so a script's mistake is a 400 that names the field, not
    a value stored as the text "{}". A null optional field counts as not given."""
    wanted = schema.get("properties", {})
    for name in schema.get("required", ()):
        if body.get(name) is None:
            raise LitsynthError(f"{name} is required", f'"{name}": …')
    for name, value in body.items():
        rule = wanted.get(name)
        if rule is None or value is None:
            continue
        kinds = rule.get("type", "string")  # "string", or ["string", "null"]: not null here
        kind = kinds if isinstance(kinds, str) else next(k for k in kinds if k != "null")
        python, words = _JSON_TYPES.get(kind, ((object,), kind))
        if not isinstance(value, python) or (kind != "boolean" and isinstance(value, bool)):
            raise LitsynthError(f"{name} is {words}, not {json.dumps(value)[:40]}", f'"{name}"')
        items = rule.get("items", {}).get("type")
        if kind == "array" and items == "string" and not all(isinstance(v, str) for v in value):
            raise LitsynthError(f"{name} is a list of texts", f'"{name}": ["…"]')
        if "enum" in rule and value not in rule["enum"]:
            named = ", ".join(v for v in rule["enum"] if isinstance(v, str) and v)
            raise LitsynthError(f"{name} is one of {named}", f'"{name}": …')
        if len(str(value)) < rule.get("minLength", 0):
            raise LitsynthError(f"{name} is empty", f'"{name}": a value')


def whole_number(text: str, what: str, hint: str) -> int:
    """A count from the query string, 1 to MAX_HITS, or the caller's mistake (a 400)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_HITS):
        raise LitsynthError(f"{what}: a whole number from 1 to {MAX_HITS}", hint)
    return int(text)


def switch(params: Mapping[str, str], name: str, *, default: bool) -> bool:
    """An on/off query parameter, 1 or 0; absent, `default`. Anything else is a 400: a
    mistyped `blind=O` must not show a blinded reviewer the others' votes, nor hide them."""
    value = params.get(name)
    if value is None:
        return default
    if value not in ("0", "1"):
        raise LitsynthError(f"{name} is 1 or 0, not {value!r}", f"{name}=1")
    return value == "1"


def search_arguments(params: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The query and `search`'s keyword arguments from a query string (`/api/search`'s
    parameters); a bad value is the caller's mistake, said as such. A page asks for a page of
    hits: a typo must not be a 500, nor k=10**9 a huge allocation."""
    query = params.get("q", "").strip()
    if not query:
        raise LitsynthError("the query is empty", "pass ?q=words")
    spread = params.get("per_document")  # not given: any number from one document
    try:  # given is given: an empty year is a mistake, as it would be on the command line
        years = [None if v is None else int(v) for v in map(params.get, ("year_min", "year_max"))]
    except ValueError:
        raise LitsynthError("year_min and year_max are whole years", "e.g. year_min=2015") from None
    attribute = None
    if params.get("attribute"):
        name, _sep, value = params["attribute"].partition("=")
        attribute = (name.strip(), value.strip())
    return query, {
        "k": whole_number(params.get("k", "10"), "k is how many hits", "k=10"),
        "code": params.get("code") or None,
        "theme": params.get("theme") or None,
        "year_min": years[0],
        "year_max": years[1],
        "attribute": attribute,
        "roles": roles_wanted([r for r in params.get("role", "").split(",") if r.strip()]),
        "per_document": None
        if spread is None
        else whole_number(spread, "per_document is hits per document", "=1"),
    }
