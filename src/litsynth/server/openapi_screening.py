"""The workspace's screening routes added beside the screens in its OpenAPI description:
decisions from another tool's export (`screen import`), the criteria and terms written into
litsynth.toml, the pilot round (`screen pilot`), and finding a record to decide again."""

from __future__ import annotations

from typing import Any

from litsynth.biblio.record_finder import STATUSES
from litsynth.server.openapi_parts import (
    FILE,
    SCREEN_IMPORT_PARAMETERS,
    STAGE,
    STAGES,
    ok,
    request_body,
)

# What /api/records/find and /api/records/found both take: the words and where records stand
FINDER_PARAMETERS = [
    {"name": "words", "in": "query", "schema": {"type": "string"}},
    STAGE,
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": [*STATUSES]}},
    {"name": "source", "in": "query", "schema": {"type": "string"}},
]

SCREENING_PATHS: dict[str, Any] = {
    "/api/screen/import": {
        "post": {
            "summary": "Record the decisions in a file sent as the body: a litsynth sheet, a"
            " Rayyan, ASReview LAB or abstrackr export, or a list (`litsynth screen import`)",
            "security": [{"sessionToken": []}],
            "parameters": SCREEN_IMPORT_PARAMETERS,
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": FILE}},
            },
            "responses": ok({"type": "object"}, "`screen import --json`, and its `lines`"),
        }
    },
    "/api/settings/screening": {
        "post": {
            "summary": "Write [screening] criteria and the words to mark into litsynth.toml, and"
            " add an exclusion reason to the project's list",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "criteria": "string",
                    "include_terms": {"type": "array", "items": {"type": "string"}},
                    "exclude_terms": {"type": "array", "items": {"type": "string"}},
                    "reason": "string",
                }
            ),
            "responses": ok({"type": "object"}, "the criteria, terms and reasons now"),
        }
    },
    "/api/screen/pilot": {
        "post": {
            "summary": "Draw a pilot round every reviewer screens first, or end it"
            " (`litsynth screen pilot`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "stage": STAGES,
                    "size": {"type": "integer", "minimum": 1},
                    "seed": "integer",
                    "end": "boolean",
                }
            ),
            "responses": ok({"type": "object"}, "how many were drawn, and where the pilot stands"),
        }
    },
    "/api/records/find": {
        "get": {
            "summary": "Records by their words and where they stand at a stage, in import order",
            "parameters": [
                *FINDER_PARAMETERS,
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                },
            ],
            "responses": ok(
                {"type": "object"},
                "total, offset, counts (status → records with the words), sources, records"
                " (each with its title/abstract and full-text status)",
            ),
        }
    },
    "/api/records/record": {
        "get": {
            "summary": "One record with its decisions in the order they were made",
            "parameters": [
                {"name": "id", "in": "query", "required": True, "schema": {"type": "string"}}
            ],
            "responses": ok(
                {"type": "object"},
                "record, status, group (its duplicates), history, reasons, study (its"
                " study's main report, reports and candidates; null for a duplicate)",
            ),
        }
    },
    "/api/records/previous": {
        "post": {
            "summary": "Tell an updated review's previous version: its deposit package (zip) or"
            " a reference file of its included studies, sent as the body (`litsynth previous`)",
            "security": [{"sessionToken": []}],
            "parameters": [
                {
                    "name": "name",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "the file's name, which tells its format",
                },
                {
                    "name": "study_column",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "a reference file's column naming each report's study",
                },
                {
                    "name": "remove_found",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["", "0", "1", "true", "yes"]},
                    "description": "remove the update's undecided repeats before screening",
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": FILE}},
            },
            "responses": ok(
                {"type": "object"},
                "`litsynth previous --list --json`, and its `lines`",
            ),
        }
    },
    "/api/records/previous-clear": {
        "post": {
            "summary": "Forget the previous version's list (`litsynth previous --clear`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({}),
            "responses": ok({"type": "object"}, "cleared, and the records returned to screening"),
        }
    },
    "/api/studies": {
        "get": {
            "summary": "The studies grouped so far and the pairs of records sought for full text"
            " that may report one study (`litsynth studies`, `studies candidates`)",
            "responses": ok(
                {"type": "object"},
                "included_studies, included_reports, previous_version_reports and"
                " previous_version_studies (an update's new reports of its earlier studies),"
                " studies (each its reports), candidates",
            ),
        }
    },
    "/api/studies/group": {
        "post": {
            "summary": "Record `others` as reports of the study `main` reports (`litsynth"
            " studies group`); `previous:STUDY`, named as `main` or among `others`, is a study"
            " an updated review's previous version included, which the records are new reports of",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {
                    "main": "string",
                    "others": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "reviewer": "string",
                    "note": "string",
                },
                required=("main", "others"),
            ),
            "responses": ok({"type": "object"}, "recorded: the log entries appended"),
        }
    },
    "/api/studies/split": {
        "post": {
            "summary": "Make a record a study of its own again (`litsynth studies split`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"record_id": "string", "reviewer": "string", "note": "string"},
                required=("record_id",),
            ),
            "responses": ok({"type": "object"}, "recorded: the log entries appended"),
        }
    },
}
