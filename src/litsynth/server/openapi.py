"""The workspace's JSON API, described as OpenAPI 3.1 (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

MAX_HITS = 1000  # the most hits /api/search returns at once

_HIT = {
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
_SEARCH_PARAMETERS: list[dict[str, Any]] = [
    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
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
_FILE = {"type": "string", "format": "binary"}
_IMPORT_PARAMETERS = [
    {"name": "source", "in": "query", "required": True, "schema": {"type": "string"}},
    {
        "name": "name",
        "in": "query",
        "schema": {"type": "string"},
        "description": "the file's name, which tells its format",
    },
    {"name": "encoding", "in": "query", "schema": {"type": "string"}},
    {"name": "sheet", "in": "query", "schema": {"type": "string"}},
]
_SOURCE = {
    "name": "source",
    "in": "query",
    "description": "human, machine or both (default: [synthesis] source)",
    "schema": {"type": "string", "enum": ["both", "human", "machine"]},
}
_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "hint": {"type": ["string", "null"]}},
}
_STAGE = {
    "name": "stage",
    "in": "query",
    "schema": {"type": "string", "enum": ["title-abstract", "full-text"]},
}
_REVIEWER = {"name": "reviewer", "in": "query", "schema": {"type": "string"}}


def _body(properties: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON request body of string (or "integer") properties, some required."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: {"type": kind} for name, kind in properties.items()},
    }
    if required:
        schema["required"] = list(required)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        "400": {"description": "bad input", "content": {"application/json": {"schema": _ERROR}}},
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "litsynth workspace", "version": "1"},
    "components": {
        "securitySchemes": {
            "sessionToken": {"type": "apiKey", "in": "header", "name": "X-Litsynth-Token"}
        }
    },
    "paths": {
        "/api/search": {
            "get": {
                "summary": "Semantic search over the project's passages, best first",
                "parameters": _SEARCH_PARAMETERS,
                "responses": _ok({"type": "array", "items": _HIT}, "the hits"),
            }
        },
        "/api/search/sheet": {
            "get": {
                "summary": "The same search's hits as a sheet (`litsynth search --out`)",
                "parameters": [
                    *_SEARCH_PARAMETERS,
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["xlsx", "csv"], "default": "xlsx"},
                    },
                ],
                "responses": _ok({"type": "string"}, "the sheet, as an attachment"),
            }
        },
        "/api/status": {
            "get": {
                "summary": "The project's counts and index freshness (`litsynth status --json`)",
                "responses": _ok({"type": "object"}, "status"),
            }
        },
        "/api/screen/next": {
            "get": {
                "summary": "The next record for a reviewer, most likely include first",
                "parameters": [
                    _STAGE,
                    _REVIEWER,
                    {
                        "name": "first",
                        "in": "query",
                        "description": "show this record first if it is still to decide",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "blind",
                        "in": "query",
                        "description": "0 shows other reviewers' votes on the record",
                        "schema": {"type": "string", "enum": ["0", "1"]},
                    },
                ],
                "responses": _ok({"type": "object"}, "record (null when done) and progress"),
            }
        },
        "/api/screen/conflicts": {
            "get": {
                "summary": "Unresolved disagreements between reviewers at a stage, with kappa",
                "parameters": [_STAGE],
                "responses": _ok({"type": "object"}, "reviewers, kappa and conflicts"),
            }
        },
        "/api/screen/resolve": {
            "post": {
                "summary": "Resolve a disagreement (a resolution wins over every vote)",
                "security": [{"sessionToken": []}],
                "responses": _ok({"type": "object"}, "the resolution as recorded"),
            }
        },
        "/api/dedupe/next": {
            "get": {
                "summary": "The most alike unresolved maybe pair of records (`dedupe --uncertain`)",
                "responses": _ok(
                    {"type": "object"},
                    "pair (a, b, likeness, differs: facts they disagree on); remaining; settled",
                ),
            }
        },
        "/api/dedupe/resolve": {
            "post": {
                "summary": "Settle a maybe pair as the same work or not; the groups follow at once",
                "security": [{"sessionToken": []}],
                "requestBody": _body(
                    {"a": "string", "b": "string", "same": "boolean", "reviewer": "string"},
                    required=("a", "b", "same"),
                ),
                "responses": _ok({"type": "object"}, "the next pair, as /api/dedupe/next"),
            }
        },
        "/api/records/batches": {
            "get": {
                "summary": "The imports with their counts, and where the records stand",
                "responses": _ok(
                    {"type": "object"},
                    "batches (`litsynth batches --json`), sources, records (as `status`), lines",
                ),
            }
        },
        "/api/records/import": {
            "post": {
                "summary": "Import a database export, sent as the body (`litsynth import`)",
                "security": [{"sessionToken": []}],
                "parameters": _IMPORT_PARAMETERS,
                "requestBody": {
                    "required": True,
                    "content": {"application/octet-stream": {"schema": _FILE}},
                },
                "responses": _ok({"type": "object"}, "as one entry of `litsynth import --json`"),
            }
        },
        "/api/records/remove": {
            "post": {
                "summary": "Take back an import no one has worked on (`batches --remove`)",
                "security": [{"sessionToken": []}],
                "requestBody": _body({"batch": "string"}, required=("batch",)),
                "responses": _ok({"type": "object"}, "what went with the batch"),
            }
        },
        "/api/records/dedupe": {
            "post": {
                "summary": "Find and link duplicate records (`litsynth dedupe --json`)",
                "security": [{"sessionToken": []}],
                "responses": _ok({"type": "object"}, "the groups, pairs and duplicates by source"),
            }
        },
        "/api/relations": {
            "get": {
                "summary": "Code pairs that occur together, with evidence (`code relate`)",
                "responses": _ok({"type": "object"}, "pairs, confirmed relations and types"),
            }
        },
        "/api/relations/confirm": {
            "post": {
                "summary": "Confirm a typed relation into the codebook (`code relate --confirm`)",
                "security": [{"sessionToken": []}],
                "requestBody": _body(
                    {
                        "source": "string",
                        "target": "string",
                        "type": "string",
                        "weight": "number",
                        "coder": "string",
                    },
                    required=("source", "target", "type"),
                ),
                "responses": _ok({"type": "object"}, "the relation and the file it went to"),
            }
        },
        "/api/matrix": {
            "get": {
                "summary": "A matrix with every cell's back-links (`litsynth matrix --json`)",
                "parameters": [
                    {"name": "rows", "in": "query", "schema": {"type": "string"}},
                    {"name": "cols", "in": "query", "schema": {"type": "string"}},
                    _SOURCE,
                ],
                "responses": _ok(
                    {"type": "object"},
                    "the matrix; source, the codings it counts; suggestions, the machine's",
                ),
            }
        },
        "/api/export/quotes": {
            "get": {
                "summary": "Every coded passage as a quote under its code (`export quotes`)",
                "parameters": [
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["md", "docx", "csv"]},
                    },
                    _SOURCE,
                ],
                "responses": _ok({"type": "string"}, "the file, as an attachment"),
            }
        },
        "/api/export/records": {
            "get": {
                "summary": "The records of a stage for a reference manager (`export records`)",
                "parameters": [
                    {
                        "name": "stage",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": [
                                "title-abstract",
                                "to-retrieve",
                                "full-text",
                                "included",
                                "all",
                            ],
                        },
                    },
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["ris", "bib", "csv", "xlsx"]},
                    },
                ],
                "responses": _ok({"type": "string"}, "the file, as an attachment"),
            }
        },
        "/api/prisma": {
            "get": {
                "summary": "The PRISMA 2020 flow from the log (`litsynth prisma --json`)",
                "responses": _ok({"type": "object"}, "every box"),
            }
        },
        "/api/codes": {
            "get": {
                "summary": "The codebook's codes (id, label, definition, colour)",
                "responses": _ok({"type": "array"}, "codes"),
            }
        },
        "/api/documents": {
            "get": {
                "summary": "Every document with its label and passage count",
                "responses": _ok({"type": "array"}, "documents"),
            }
        },
        "/api/quote": {
            "get": {
                "summary": "A passage, or part of it, as a writer quotes it, with its citation",
                "parameters": [
                    {
                        "name": "chunk",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "start", "in": "query", "schema": {"type": "integer"}},
                    {"name": "end", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": _ok({"type": "object"}, "text, citation and quote of the span"),
            }
        },
        "/api/documents/{document}": {
            "get": {
                "summary": "A document's passages in order with suggestions and codings",
                "parameters": [
                    {
                        "name": "document",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "coder", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": _ok({"type": "object"}, "passages"),
            }
        },
        "/api/coding/decide": {
            "post": {
                "summary": "Accept or reject a machine suggestion on a passage",
                "security": [{"sessionToken": []}],
                "responses": _ok({"type": "object"}, "the codings written"),
            }
        },
        "/api/coding/add": {
            "post": {
                "summary": "Code a span by document offsets (a mouse selection)",
                "security": [{"sessionToken": []}],
                "responses": _ok({"type": "object"}, "the coding written"),
            }
        },
        "/api/memos": {
            "get": {
                "summary": "Memos, all or on one target (passage, code or document)",
                "parameters": [{"name": "target", "in": "query", "schema": {"type": "string"}}],
                "responses": _ok({"type": "array"}, "memos"),
            }
        },
        "/api/memo": {
            "post": {
                "summary": "Write a memo on a passage, a code or a document",
                "security": [{"sessionToken": []}],
                "responses": _ok({"type": "object"}, "the memo as stored"),
            }
        },
        "/api/screen/undo": {
            "post": {
                "summary": "Withdraw the reviewer's latest standing decision at the stage",
                "security": [{"sessionToken": []}],
                "requestBody": _body({"stage": "string", "reviewer": "string"}),
                "responses": _ok({"type": "object"}, "the record whose decision was withdrawn"),
            }
        },
        "/api/codebook": {
            "get": {
                "summary": "The codebook tree with definitions and passages coded under each node",
                "responses": _ok({"type": "object"}, "the tree"),
            }
        },
        "/api/coding/next": {
            "get": {
                "summary": "The most informative undecided suggestion, across documents",
                "responses": _ok({"type": "object"}, "document, passage, code; remaining"),
            }
        },
        "/api/themes": {
            "get": {
                "summary": "Themes around the core category (`litsynth code themes --json`)",
                "responses": _ok({"type": "object"}, "themes, centrality, core category"),
            }
        },
        "/api/extraction": {
            "get": {
                "summary": "The data-extraction form and every included study's current values",
                "responses": _ok({"type": "object"}, "fields and studies"),
            }
        },
        "/api/extraction/value": {
            "post": {
                "summary": "Record one extraction value, checked against the form",
                "security": [{"sessionToken": []}],
                "requestBody": _body(
                    {
                        "record_id": "string",
                        "field": "string",
                        "value": "string",
                        "coder": "string",
                    },
                    required=("record_id", "field", "value"),
                ),
                "responses": _ok({"type": "object"}, "the value as stored"),
            }
        },
        "/api/screen/decide": {
            "post": {
                "summary": "Record a screening decision (committed before the response)",
                "security": [{"sessionToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["record_id", "decision"],
                                "properties": {
                                    "record_id": {"type": "string"},
                                    "decision": {
                                        "type": "string",
                                        "enum": ["include", "exclude", "maybe", "not-retrieved"],
                                    },
                                    "reason": {"type": "string"},
                                    "note": {"type": "string"},
                                    "stage": {"type": "string"},
                                    "reviewer": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    **_ok({"type": "object"}, "the decision as recorded"),
                    "403": {"description": "missing or wrong session token, or foreign origin"},
                },
            }
        },
    },
}
