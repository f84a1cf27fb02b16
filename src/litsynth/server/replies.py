"""What every workspace handler answers with when a request is wrong: a JSON error with a hint,
and the POSTed JSON object read or refused."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from litsynth.errors import LitsynthError


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
