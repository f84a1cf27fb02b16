"""The OpenAPI description of the Matrices screen's framework matrix (server/framework_routes.py)
and the appraisal's figure (server/forms.py), merged into the workspace's description
(openapi.py)."""

from __future__ import annotations

from typing import Any

from litsynth.server.openapi_parts import CSV, DOCX, SHEET, SOURCE, download, ok, request_body

ROWS = {
    "name": "rows",
    "in": "query",
    "description": "documents (not given), attr:study or attr:NAME: a row per source, study,"
    " or value",
    "schema": {"type": "string"},
}
COLS = {
    "name": "cols",
    "in": "query",
    "description": "themes (not given), categories or codes",
    "schema": {"type": "string", "enum": ["", "themes", "categories", "codes"]},
}
CELL = [
    {"name": "row", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "col", "in": "query", "required": True, "schema": {"type": "string"}},
]

FRAMEWORK_PATHS: dict[str, Any] = {
    "/api/framework": {
        "get": {
            "summary": "The framework matrix (`litsynth framework table --json` without the"
            " passages: each cell's count, summary, and whether it is out of date); with row"
            " and col, that one cell with its passages",
            "parameters": [
                ROWS,
                COLS,
                SOURCE,
                {"name": "row", "in": "query", "schema": {"type": "string"}},
                {"name": "col", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": ok({"type": "object"}, "the matrix's labels, counts and cells"),
        }
    },
    "/api/framework/summary": {
        "post": {
            "summary": "Write one cell's summary (\"\" clears it); its basis, the cell's"
            " passages now, is taken here",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "row": "string",
                    "col": "string",
                    "text": "string",
                    "rows": "string",
                    "cols": "string",
                    "source": SOURCE["schema"],
                    "coder": "string",
                },
                required=("row", "col", "text"),
                blank=("text",),
            ),
            "responses": ok({"type": "object"}, "whether it was written, and the cell"),
        }
    },
    "/api/framework/history": {
        "get": {
            "summary": "Every wording of one cell's summary, newest first",
            "parameters": [ROWS, COLS, *CELL],
            "responses": ok({"type": "array"}, "summary, author, at"),
        }
    },
    "/api/framework/sentences": {
        "get": {
            "summary": "The sentences that carry most of one cell, each from a different"
            " passage, verbatim with its citation (centroid and MMR over the model's vectors)",
            "parameters": [ROWS, COLS, SOURCE, *CELL],
            "responses": ok({"type": "array"}, "text, citation, quote, passage, centrality"),
        }
    },
    "/api/appraisal/figure": {
        "get": {
            "summary": "The critical appraisal as a figure (`litsynth appraise figure F.svg`):"
            " the summary bars or the traffic-light plot; a 400 before any study is appraised",
            "parameters": [
                {
                    "name": "kind",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["", "summary", "traffic-light"]},
                },
                {
                    "name": "at",
                    "in": "query",
                    "description": "any value: the page changes it to have it drawn afresh",
                    "schema": {"type": "string"},
                },
            ],
            "responses": download("the figure", "image/svg+xml"),
        }
    },
    "/api/framework/file": {
        "get": {
            "summary": "The framework as `framework table --out` writes it: the charting sheet"
            " (xlsx, csv) or the grid for the manuscript (docx, md)",
            "parameters": [
                ROWS,
                COLS,
                SOURCE,
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["xlsx", "csv", "docx", "md"]},
                },
            ],
            "responses": download("the framework", SHEET, CSV, DOCX, "text/markdown"),
        }
    },
}
