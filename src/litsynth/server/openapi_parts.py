"""The pieces the workspace's OpenAPI description is built from: shared schemas and parameters,
the shapes of a JSON answer, a download and a refusal."""

from __future__ import annotations

from typing import Any

MAX_HITS = 1000  # the most hits /api/search returns at once

HIT = {
    "type": "object",
    "description": "The same fields as `litsynth search --json`.",
    "properties": {
        "chunk_id": {"type": "string"},
        "document_id": {"type": "string"},
        "title": {"type": "string"},
        "citation": {"type": "string", "example": "Phadnis (2023), p. 4"},
        "page_start": {"type": "integer"},
        "page_end": {"type": "integer"},
        "score": {"type": "number"},
        "text": {"type": "string"},
        "path": {"type": "string"},
        "section": {"type": "string"},
        "paragraph": {"type": ["integer", "null"]},
        "quote": {
            "type": "string",
            "example": "“Platforms synchronise partners.” (Phadnis, 2023, p. 4)",
        },
        "role": {"type": "string", "example": "body"},
        "shown": {"type": "string", "description": "`text` as a reader sees it (no markup)"},
        "focus": {
            "type": ["object", "null"],
            "description": "The sentence closest to the query: offsets into `text` (start, "
            "end) and `shown` (shown_start, shown_end), its score, citation and quote; null "
            "for a passage of one sentence",
        },
        "marks": {
            "type": "array",
            "items": {"type": "array", "items": {"type": "integer"}},
            "description": "[start, end) in `shown` of each word of the query",
        },
    },
}
NON_EMPTY = {"type": "string", "minLength": 1}  # an id, a name: never empty
SEARCH_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "q",
        "in": "query",
        "required": True,
        "description": "the words to search for (not only spaces)",
        "schema": {"type": "string", "pattern": "\\S"},
    },
    {
        "name": "k",
        "in": "query",
        "schema": {
            "type": "integer",
            "default": 10,
            "minimum": 1,
            "maximum": MAX_HITS,
        },
    },
    {"name": "code", "in": "query", "schema": {"type": "string"}},
    {"name": "theme", "in": "query", "schema": {"type": "string"}},
    {"name": "year_min", "in": "query", "schema": {"type": "integer"}},
    {"name": "year_max", "in": "query", "schema": {"type": "integer"}},
    {
        "name": "attribute",
        "in": "query",
        "description": "NAME=VALUE: a document attribute (documents.csv column)",
        "schema": {"type": "string"},
    },
    {
        "name": "role",
        "in": "query",
        "description": "passage roles, comma-separated: body,abstract,…",
        "schema": {"type": "string"},
    },
    {
        "name": "per_document",
        "in": "query",
        "description": "at most this many hits from one document",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_HITS},
    },
]
FILE = {"type": "string", "format": "binary"}
IMPORT_PARAMETERS = [
    {
        "name": "source",
        "in": "query",
        "description": "the database the export came from (not only spaces); left out, the"
        " one the file's records name (`import` without --source)",
        "schema": {"type": "string", "pattern": "\\S"},
    },
    {
        "name": "name",
        "in": "query",
        "schema": {"type": "string"},
        "description": "the file's name, which tells its format",
    },
    {"name": "encoding", "in": "query", "schema": {"type": "string"}},
    {"name": "sheet", "in": "query", "schema": {"type": "string"}},
    {
        "name": "by_database",
        "in": "query",
        "description": "1: a library of several searches, a batch per database its records"
        " name (`import --by-database`; the source names those that name none); the answer"
        " is then {outcomes: […]}",
        "schema": {"type": "string", "enum": ["0", "1"]},
    },
    {
        "name": "searched",
        "in": "query",
        "schema": {"type": "string"},
        "description": "when the source was searched, YYYY-MM-DD (`import --searched`)",
    },
    {
        "name": "query",
        "in": "query",
        "schema": {"type": "string"},
        "description": "the search run there (`import --query`); needs `searched`",
    },
]
SCREEN_IMPORT_PARAMETERS = [  # /api/screen/import: `screen import`'s options
    {"name": "name", "in": "query", "schema": {"type": "string"},
     "description": "the file's name, which tells its format"},
    {"name": "stage", "in": "query",
     "schema": {"type": "string", "enum": ["title-abstract", "full-text"]}},
    {"name": "reviewer", "in": "query", "schema": {"type": "string"},
     "description": "whose decisions a sheet, an ASReview LAB export or a list holds"},
    {"name": "from", "in": "query",
     "schema": {"type": "string", "enum": ["", "auto", "sheet", "rayyan", "asreview", "abstrackr"]},
     "description": "what the file is (empty or auto: told from its columns and notes)"},
    {"name": "all", "in": "query",
     "schema": {"type": "string", "enum": ["", "include", "exclude", "maybe"]},
     "description": "the decision every record of a list export gets (`--all`)"},
    {"name": "reason", "in": "query", "schema": {"type": "string"},
     "description": "with all=exclude: the exclusion reason"},
]  # fmt: skip
SOURCE = {
    "name": "source",
    "in": "query",
    "description": "human, machine or both (empty or not given: [synthesis] source)",
    "schema": {"type": "string", "enum": ["", "both", "human", "machine"]},
}
FORM = {  # /api/extraction*: which form a study's values belong to
    "name": "form",
    "in": "query",
    "description": "extraction (empty or not given) or appraisal",
    "schema": {"type": "string", "enum": ["", "extraction", "appraisal"]},
}
LEARNING = {  # /api/coding/learning: learning.Learner.status()
    "type": "object",
    "required": ["running", "runs", "error", "hint"],
    "properties": {
        "running": {"type": "boolean"},
        "runs": {"type": "integer", "minimum": 0},
        "error": {"type": ["string", "null"]},
        "hint": {"type": ["string", "null"]},
        "decisions": {"type": "integer", "description": "coded passages the last run learned from"},
        "suggested": {"type": "integer"},
        "model": {"type": "string"},
        "seconds": {"type": "number"},
        "finished": {"type": "string", "description": "UTC, YYYY-MM-DD HH:MM:SS"},
    },
}
ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "hint": {"type": ["string", "null"]}},
}
STAGES = {"type": "string", "enum": ["title-abstract", "full-text"]}
STAGE = {"name": "stage", "in": "query", "schema": STAGES}
REVIEWER = {"name": "reviewer", "in": "query", "schema": {"type": "string"}}
CODER = {
    "name": "coder",
    "in": "query",
    "description": "whose decisions count as decided (default: [project] reviewer)",
    "schema": {"type": "string"},
}


def request_body(
    properties: dict[str, Any], required: tuple[str, ...] = (), blank: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A JSON request body: each property a JSON type ("string", "integer"…) or a schema. A
    required string is never empty (an id, a decision), unless named in `blank`; an optional
    property may be null, which the handlers read as not given."""

    def schema_of(name: str, kind: Any) -> dict[str, Any]:
        schema = {"type": kind} if isinstance(kind, str) else dict(kind)
        if name not in required:
            schema["type"] = [schema["type"], "null"]
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
        elif schema["type"] == "string" and name not in blank:
            schema.update(NON_EMPTY)
        return schema

    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: schema_of(name, kind) for name, kind in properties.items()},
    }
    if required:
        schema["required"] = list(required)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A JSON answer, or the 400 every handler gives a bad input (an error with a hint)."""
    return {"200": _json(description, schema), "400": _json("bad input", ERROR)}


def download(description: str, *media_types: str) -> dict[str, Any]:
    """A download: the file in one of `media_types` (by the `format` asked for), or a 400."""
    return {
        **ok({}, ""),
        "200": {
            "description": f"{description}, as an attachment",
            "content": {media: {"schema": FILE} for media in media_types},
        },
    }


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
_NOT_FOUND = _json("no such id", ERROR)
_REFUSED = _json("missing or wrong session token, or a foreign Origin", ERROR)
_MISDIRECTED = _json("the request's Host is not this workspace's address", ERROR)


def with_refusals(paths: dict[str, Any], answers_not_found: set[tuple[str, str]]) -> dict[str, Any]:
    """`paths` with the refusals besides a bad input's 400: 421 for a foreign Host (every
    route checks it), 403 for a write without the page's token, and 404 from the routes in
    `answers_not_found`, whose ids may name nothing in the project."""
    for path, operations in paths.items():
        for method, operation in operations.items():
            operation["responses"]["421"] = _MISDIRECTED
            if "security" in operation:
                operation["responses"]["403"] = _REFUSED
            if (path, method) in answers_not_found:
                operation["responses"]["404"] = _NOT_FOUND
    return paths
