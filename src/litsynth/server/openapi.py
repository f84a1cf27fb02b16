"""The workspace's JSON API, described as OpenAPI 3.1 (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

from litsynth.server.openapi_documents import DOCUMENT_PATHS
from litsynth.server.openapi_exports import EXPORT_PATHS
from litsynth.server.openapi_framework import FRAMEWORK_PATHS
from litsynth.server.openapi_parts import (
    CODER,
    CSV,
    FILE,
    FORM,
    HIT,
    IMPORT_PARAMETERS,
    LEARNING,
    REVIEWER,
    SEARCH_PARAMETERS,
    SHEET,
    SOURCE,
    STAGE,
    STAGES,
    download,
    ok,
    request_body,
    with_refusals,
)
from litsynth.server.openapi_screening import SCREENING_PATHS
from litsynth.server.openapi_words import WORD_PATHS

# The routes whose ids may name nothing in the project: a 404 with a hint.
_ANSWERS_NOT_FOUND = {
    ("/api/documents/{document}", "get"),
    ("/api/documents/{document}/file", "get"),
    ("/api/documents/{document}/annotated", "get"),
    ("/api/quote", "get"),
    ("/api/records/record", "get"),
    ("/api/coding/decide", "post"),
    ("/api/coding/checked", "post"),
    ("/api/annotations", "get"),
    ("/api/annotations/import", "post"),
}


_PATHS: dict[str, Any] = {
    "/api/search": {
        "get": {
            "summary": "Semantic search over the project's passages, best first",
            "parameters": SEARCH_PARAMETERS,
            "responses": ok({"type": "array", "items": HIT}, "the hits"),
        }
    },
    "/api/search/sheet": {
        "get": {
            "summary": "The same search's hits as a sheet (`litsynth search --out`)",
            "parameters": [
                *SEARCH_PARAMETERS,
                {
                    "name": "format",
                    "in": "query",
                    "schema": {
                        "type": "string",
                        "enum": ["xlsx", "csv"],
                        "default": "xlsx",
                    },
                },
            ],
            "responses": download("the sheet", SHEET, CSV),
        }
    },
    "/api/status": {
        "get": {
            "summary": "The project's counts and index freshness (`litsynth status --json`)",
            "responses": ok({"type": "object"}, "status"),
        }
    },
    "/api/screen/next": {
        "get": {
            "summary": "The next record for a reviewer, most likely include first",
            "parameters": [
                STAGE,
                REVIEWER,
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
                {
                    "name": "random",
                    "in": "query",
                    "description": "1 draws the record at random from the rest (the "
                    "stopping rule's sample; decide it with random: true)",
                    "schema": {"type": "string", "enum": ["0", "1"]},
                },
            ],
            "responses": ok(
                {"type": "object"},
                "record (null when done), progress, and the stops that ended title/abstract"
                " screening (stopped: who, where, p, how many records set aside)",
            ),
        }
    },
    "/api/screen/conflicts": {
        "get": {
            "summary": "Unresolved disagreements between reviewers at a stage, with kappa",
            "parameters": [STAGE],
            "responses": ok(
                {"type": "object"}, "reviewers, kappa, conflicts, the pilot's agreement"
            ),
        }
    },
    "/api/screen/resolve": {
        "post": {
            "summary": "Resolve a disagreement (a resolution wins over every vote)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "record_id": "string",
                    "decision": "string",
                    "reason": "string",
                    "note": "string",
                    "stage": STAGES,
                    "reviewer": "string",
                },
                required=("record_id", "decision"),
            ),
            "responses": ok({"type": "object"}, "the resolution as recorded"),
        }
    },
    "/api/dedupe/next": {
        "get": {
            "summary": "The most alike unresolved maybe pair of records (`dedupe --uncertain`)",
            "responses": ok(
                {"type": "object"},
                "pair (a, b, likeness, differs: facts they disagree on); remaining; settled",
            ),
        }
    },
    "/api/dedupe/resolve": {
        "post": {
            "summary": "Settle a maybe pair as the same work or not; the groups follow at once",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"a": "string", "b": "string", "same": "boolean", "reviewer": "string"},
                required=("a", "b", "same"),
            ),
            "responses": ok({"type": "object"}, "the next pair, as /api/dedupe/next"),
        }
    },
    "/api/records/batches": {
        "get": {
            "summary": "The imports with their counts, and where the records stand",
            "responses": ok(
                {"type": "object"},
                "batches (`litsynth batches --json`), sources, records (as `status`), lines",
            ),
        }
    },
    "/api/records/import": {
        "post": {
            "summary": "Import a database export, sent as the body (`litsynth import`)",
            "security": [{"sessionToken": []}],
            "parameters": IMPORT_PARAMETERS,
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": FILE}},
            },
            "responses": ok({"type": "object"}, "as one entry of `litsynth import --json`"),
        }
    },
    "/api/records/remove": {
        "post": {
            "summary": "Take back an import no one has worked on (`batches --remove`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"batch": "string"}, required=("batch",)),
            "responses": ok({"type": "object"}, "what went with the batch"),
        }
    },
    "/api/records/dedupe": {
        "post": {
            "summary": "Find and link duplicate records (`litsynth dedupe --json`)",
            "security": [{"sessionToken": []}],
            "responses": ok({"type": "object"}, "the groups, pairs and duplicates by source"),
        }
    },
    "/api/relations": {
        "get": {
            "summary": "Code pairs that occur together, with evidence (`code relate`)",
            "responses": ok({"type": "object"}, "pairs, confirmed relations and types"),
        }
    },
    "/api/relations/confirm": {
        "post": {
            "summary": "Confirm a typed relation into the codebook (`code relate --confirm`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "source": "string",
                    "target": "string",
                    "type": "string",
                    "weight": "number",
                    "coder": "string",
                },
                required=("source", "target", "type"),
            ),
            "responses": ok({"type": "object"}, "the relation and the file it went to"),
        }
    },
    "/api/matrix": {
        "get": {
            "summary": "A matrix with every cell's back-links (`litsynth matrix --json`)",
            "parameters": [
                {"name": "rows", "in": "query", "schema": {"type": "string"}},
                {"name": "cols", "in": "query", "schema": {"type": "string"}},
                SOURCE,
            ],
            "responses": ok(
                {"type": "object"},
                "the matrix; source, the codings it counts; suggestions, the machine's",
            ),
        }
    },
    "/api/prisma": {
        "get": {
            "summary": "The PRISMA 2020 flow from the log (`litsynth prisma --json`)",
            "responses": ok({"type": "object"}, "every box"),
        }
    },
    "/api/prisma/paragraph": {
        "get": {
            "summary": "The flow in words: the selection process for the Methods and the study"
            " selection for the Results (`litsynth prisma --methods - --paragraph - --json`)",
            "responses": ok(
                {
                    "type": "object",
                    "properties": {
                        "methods": {"type": "string"},
                        "paragraph": {"type": "string"},
                    },
                    "required": ["methods", "paragraph"],
                },
                "the two paragraphs",
            ),
        }
    },
    "/api/codes": {
        "get": {
            "summary": "The codebook's codes (id, label, definition, colour)",
            "responses": ok({"type": "array"}, "codes"),
        }
    },
    "/api/documents": {
        "get": {
            "summary": "Every document with its label and passage count",
            "responses": ok({"type": "array"}, "documents"),
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
            "responses": ok({"type": "object"}, "text, citation and quote of the span"),
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
                CODER,
            ],
            "responses": ok({"type": "object"}, "passages"),
        }
    },
    "/api/coding/decide": {
        "post": {
            "summary": "Accept or reject a machine suggestion on a passage",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "chunk_id": "string",
                    "code": "string",
                    "action": "string",
                    "new_code": "string",
                    "coder": "string",
                },
                required=("chunk_id", "code", "action"),
            ),
            "responses": ok({"type": "object"}, "the codings written"),
        }
    },
    "/api/coding/add": {
        "post": {
            "summary": "Code a span by document offsets (a mouse selection)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "document": "string",
                    "code": "string",
                    "start": "integer",
                    "end": "integer",
                    "memo": "string",
                    "coder": "string",
                },
                required=("document", "code", "start", "end"),
            ),
            "responses": ok({"type": "object"}, "the coding written"),
        }
    },
    "/api/codes/new": {
        "post": {
            "summary": "Make a code while reading (`litsynth code new`): written to"
            " codebook/new-codes.yaml, its id made from the label",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"label": "string", "definition": "string"}, required=("label", "definition")
            ),
            "responses": ok({"type": "object"}, "id, label, definition, file"),
        }
    },
    "/api/codes/edit": {
        "post": {
            "summary": "Rename, redefine or delete a code litsynth wrote (`litsynth code edit`:"
            " codebook/new-codes.yaml, draft*.yaml); deleting is refused once people coded with it",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"id": "string", "label": "string", "definition": "string", "delete": "boolean"},
                required=("id",),
            ),
            "responses": ok({"type": "object"}, "id, deleted, file, label, definition"),
        }
    },
    "/api/coding/checked": {
        "post": {
            "summary": "A coding carried to a new text by its first and last words, checked by"
            " the reviewer: the reader stops marking it",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"id": "string"}, required=("id",)),
            "responses": ok({"type": "object"}, "id, checked"),
        }
    },
    "/api/codebook/draft": {
        "post": {
            "summary": "Draft codes from the corpus (`litsynth code discover --write`): one per"
            " cluster of the passages no code holds, in codebook/draft.yaml (draft-2.yaml…)",
            "security": [{"sessionToken": []}],
            "responses": ok({"type": "object"}, "file, codes (how many), passages (clustered)"),
        }
    },
    "/api/memos": {
        "get": {
            "summary": "Memos, all or on one target (passage, code or document)",
            "parameters": [{"name": "target", "in": "query", "schema": {"type": "string"}}],
            "responses": ok({"type": "array"}, "memos"),
        }
    },
    "/api/memo": {
        "post": {
            "summary": "Write a memo on a passage, a code or a document",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"target": "string", "text": "string", "coder": "string"},
                required=("target", "text"),
            ),
            "responses": ok({"type": "object"}, "the memo as stored"),
        }
    },
    "/api/screen/undo": {
        "post": {
            "summary": "Withdraw the reviewer's latest standing decision at the stage",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"stage": STAGES, "reviewer": "string"}),
            "responses": ok({"type": "object"}, "the record whose decision was withdrawn"),
        }
    },
    "/api/screen/stop": {
        "post": {
            "summary": "End title/abstract screening where the stopping rule lets the reviewer"
            " stop, or resume it",
            "description": "Every record nobody has decided is excluded by automation, with the "
            "rule's verdict in its source (`litsynth screen stop`); refused with the verdict "
            "while the rule says keep screening. `undo` returns those records to the queues.",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"reviewer": "string", "undo": "boolean"}),
            "responses": ok(
                {"type": "object"},
                "the stop (who, where, p, the records set aside), or how many records returned",
            ),
        }
    },
    "/api/codebook": {
        "get": {
            "summary": "The codebook tree with definitions and passages coded under each node",
            "responses": ok({"type": "object"}, "the tree"),
        }
    },
    "/api/coding/next": {
        "get": {
            "summary": "The most informative undecided suggestion, across documents",
            "parameters": [CODER],
            "responses": ok({"type": "object"}, "document, passage, code; remaining"),
        }
    },
    "/api/coding/learning": {
        "get": {
            "summary": "Whether the suggestions have learned from the decisions made here yet",
            "description": "Each coding decision starts a suggest run in the background (one "
            "at a time; decisions made during a run start one more). `runs` counts the runs "
            "finished since the workspace started; the last one's figures follow it.",
            "responses": ok(LEARNING, "running, runs, error and hint, and the last run's figures"),
        }
    },
    "/api/themes": {
        "get": {
            "summary": "Themes around the core category (`litsynth code themes --json`)",
            "parameters": [SOURCE],
            "responses": ok({"type": "object"}, "themes, centrality, core category"),
        }
    },
    "/api/extraction": {
        "get": {
            "summary": "The data-extraction form (or, with form=appraisal, the critical-appraisal"
            " form) and every included study's current values (a 400 with form_missing: true"
            " while the project has no such form)",
            "parameters": [FORM, CODER],
            "responses": ok({"type": "object"}, "the form's fields, tool and overall; studies"),
        }
    },
    "/api/extraction/form": {
        "post": {
            "summary": "Write a starter extraction form to edit (`litsynth extract init`), or"
            " with form: appraisal a starter checklist (`litsynth appraise init`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"form": FORM["schema"]}),
            "responses": ok({"type": "object"}, "the form's path (refused if one is there)"),
        }
    },
    "/api/extraction/value": {
        "post": {
            "summary": "Record one extraction value (or, with form: appraisal, one appraisal"
            " answer), checked against the form",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "record_id": "string",
                    "field": "string",
                    "value": "string",
                    "coder": "string",
                    "form": FORM["schema"],
                },
                required=("record_id", "field", "value"),
                blank=("value",),
            ),
            "responses": ok({"type": "object"}, "the value as stored"),
        }
    },
    "/api/findings": {
        "get": {
            "summary": "The summary of qualitative findings: a theme each, the documents coded"
            " under it, their studies' appraisal, the team's GRADE-CERQual ratings"
            " (findings.yaml); a 400 while the codebook has no themes",
            "parameters": [SOURCE],
            "responses": ok({"type": "object"}, "findings, the rating scales, the file"),
        }
    },
    "/api/findings/rate": {
        "post": {
            "summary": "Set one rating of a finding (a CERQual component, the confidence, the"
            " explanation or the summary), checked, and write findings.yaml again",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "theme": "string",
                    "field": "string",
                    "value": "string",
                    "source": SOURCE["schema"],
                },
                required=("theme", "field", "value"),
                blank=("value",),
            ),
            "responses": ok({"type": "object"}, "the findings, as GET answers them"),
        }
    },
    "/api/screen/decide": {
        "post": {
            "summary": "Record a screening decision (committed before the response)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "record_id": "string",
                    "decision": {
                        "type": "string",
                        "enum": ["include", "exclude", "maybe", "not-retrieved"],
                    },
                    "reason": "string",
                    "note": "string",
                    "stage": STAGES,
                    "reviewer": "string",
                    "random": "boolean",
                },
                required=("record_id", "decision"),
            ),
            "responses": ok({"type": "object"}, "the decision as recorded"),
        }
    },
}
_PATHS.update(DOCUMENT_PATHS)
_PATHS.update(EXPORT_PATHS)
_PATHS.update(SCREENING_PATHS)
_PATHS.update(WORD_PATHS)
_PATHS.update(FRAMEWORK_PATHS)

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "litsynth workspace", "version": "1"},
    "components": {
        "securitySchemes": {
            "sessionToken": {"type": "apiKey", "in": "header", "name": "X-Litsynth-Token"}
        }
    },
    "paths": with_refusals(_PATHS, _ANSWERS_NOT_FOUND),
}


def _operation(path: str, method: str) -> dict[str, Any] | None:
    """A route's description above; None for a route not described (the pages, their files)."""
    operation: dict[str, Any] | None = _PATHS.get(path, {}).get(method.lower())
    return operation


def query_names(path: str, method: str) -> frozenset[str] | None:
    """The query parameters a route takes; None for a route not described."""
    operation = _operation(path, method)
    if operation is None:
        return None
    return frozenset(p["name"] for p in operation.get("parameters", ()) if p["in"] == "query")


def body_schema(path: str, method: str) -> dict[str, Any] | None:
    """The JSON body a route reads; None for a route that reads none."""
    content = (_operation(path, method) or {}).get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")
