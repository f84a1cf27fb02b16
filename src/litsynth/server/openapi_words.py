"""The OpenAPI description of the Search screen's word query (server/word_routes.py), merged
into the workspace's description (openapi.py)."""

from __future__ import annotations

from typing import Any

from litsynth.server.openapi_parts import CSV, SHEET, SOURCE, download, ok

WORD_FILTERS: list[dict[str, Any]] = [
    {
        "name": "code",
        "in": "query",
        "description": "the coded spans of this code, or of every code of this category or"
        " theme; not given: the body and abstract passages",
        "schema": {"type": "string"},
    },
    {"name": "against", "in": "query", "schema": {"type": "string"},
     "description": "weigh against this code's (category's, theme's) spans, not the rest"},
    {"name": "document", "in": "query", "description": "only this document",
     "schema": {"type": "string"}},
    {
        "name": "attribute",
        "in": "query",
        "description": "NAME=VALUE: only documents with this attribute value",
        "schema": {"type": "string", "pattern": "^[^=]*\\S[^=]*=.*$"},
    },
    {
        "name": "min_length",
        "in": "query",
        "description": "the shortest word counted",
        "schema": {"type": "integer", "default": 3, "minimum": 1, "maximum": 1000},
    },
    SOURCE,
]  # fmt: skip

WORD_TABLE: list[dict[str, Any]] = [
    *WORD_FILTERS,
    {
        "name": "phrases",
        "in": "query",
        "description": "1: two-word phrases instead of words",
        "schema": {"type": "string", "enum": ["0", "1"]},
    },
    {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["frequency", "keyness"]}},
    {
        "name": "top",
        "in": "query",
        "schema": {"type": "integer", "default": 30, "minimum": 1, "maximum": 1000},
    },
]

WORD_PATHS: dict[str, Any] = {
    "/api/words": {
        "get": {
            "summary": "Word frequency and keyness of the passages picked (`litsynth words"
            " --json`): each word's count, share, passages, documents, its count in the rest"
            " of the corpus, log-likelihood G² and log ratio; a 400 when nothing is picked",
            "parameters": WORD_TABLE,
            "responses": ok({"type": "object"}, "selection, sizes, words"),
        }
    },
    "/api/words/sheet": {
        "get": {
            "summary": "The same words as a sheet (`litsynth words --out`)",
            "parameters": [
                *WORD_TABLE,
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["xlsx", "csv"], "default": "xlsx"},
                },
            ],
            "responses": download("the sheet", SHEET, CSV),
        }
    },
    "/api/words/context": {
        "get": {
            "summary": "Every use of a word (any of its forms) in the passages picked, with"
            " the words around it and its citation (`litsynth words --context WORD --json`)",
            "parameters": [
                *WORD_FILTERS,
                {
                    "name": "word",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "pattern": "\\S"},
                },
            ],
            "responses": ok({"type": "object"}, "selection, word, total, uses (the first 1,000)"),
        }
    },
}
