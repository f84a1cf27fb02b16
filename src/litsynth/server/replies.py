"""What every workspace handler answers with when a request is wrong: a JSON error with a hint,
and the POSTed JSON object read or refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from litsynth.errors import LitsynthError
from litsynth.records import roles_wanted
from litsynth.server.openapi import MAX_HITS


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


def whole_number(text: str, what: str, hint: str) -> int:
    """A count from the query string, 1 to MAX_HITS, or the caller's mistake (a 400)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_HITS):
        raise LitsynthError(f"{what}: a whole number from 1 to {MAX_HITS}", hint)
    return int(text)


def search_arguments(params: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The query and `search`'s keyword arguments from a query string (`/api/search`'s
    parameters); a bad value is the caller's mistake, said as such. A page asks for a page of
    hits: a typo must not be a 500, nor k=10**9 a huge allocation."""
    query = params.get("q", "").strip()
    if not query:
        raise LitsynthError("the query is empty", "pass ?q=words")
    spread = params.get("per_document", "").strip()  # "": any number from one document
    try:
        years = [
            int(v) if v.strip() else None
            for v in (params.get("year_min", ""), params.get("year_max", ""))
        ]
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
        "per_document": whole_number(spread, "per_document is hits per document", "=1")
        if spread
        else None,
    }
