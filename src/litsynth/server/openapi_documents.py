"""The OpenAPI description of the routes that carry files between the page and the corpus
(server/fulltexts.py): a record's full text, a paper added, a link taken back, a document's
own file. Merged into the workspace's description (openapi.py)."""

from __future__ import annotations

from typing import Any

from litsynth.coding.human.annotations import COLOURS
from litsynth.server.openapi_parts import FILE, SOURCE, download, ok, request_body

# A file sent as the request's body, and its name (which tells its format) in the query.
FILE_BODY = {"required": True, "content": {"application/octet-stream": {"schema": FILE}}}
NAME = {
    "name": "name",
    "in": "query",
    "schema": {"type": "string"},
    "description": "the file's name, which tells its format (.pdf, .docx…)",
}

# /api/annotations/import: a code for the marks of each colour named (`--colour green=trust`)
COLOUR_CODES = {
    "type": "object",
    "propertyNames": {"enum": list(COLOURS)},
    "additionalProperties": {"type": "string", "minLength": 1},
}

DOCUMENT_PATHS: dict[str, Any] = {
    "/api/records/fulltext": {
        "post": {
            "summary": "Attach a record's full text, sent as the body: stored in corpus/,"
            " ingested and linked (`litsynth ingest FILE`, `litsynth link RECORD FILE`)",
            "security": [{"sessionToken": []}],
            "parameters": [
                {
                    "name": "record",
                    "in": "query",
                    "required": True,
                    "description": "the record whose full text it is",
                    "schema": {"type": "string", "pattern": "\\S"},
                },
                NAME,
            ],
            "requestBody": FILE_BODY,
            "responses": ok(
                {"type": "object"},
                "the document, its file in corpus/, the passages added, the record's full texts",
            ),
        }
    },
    "/api/documents/add": {
        "post": {
            "summary": "Add a document to the corpus, sent as the body: stored in corpus/ and"
            " ingested (`litsynth ingest FILE`)",
            "security": [{"sessionToken": []}],
            "parameters": [NAME],
            "requestBody": FILE_BODY,
            "responses": ok(
                {"type": "object"},
                'the document, its file in corpus/ ("" when held already), the passages added',
            ),
        }
    },
    "/api/documents/remove": {
        "post": {
            "summary": "Take a document out of the project (`litsynth remove DOCUMENT`): its"
            " passages out of the store and index, its file to corpus/.removed/; refused (400)"
            " when codings or memos point at it",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"document_id": "string"}, required=("document_id",)),
            "responses": ok(
                {"type": "object"},
                "document_id, moved (path, to), passages, records (no longer its full text)",
            ),
        }
    },
    "/api/documents/put-back": {
        "post": {
            "summary": "Undo a removal: the file set aside for a removed path moved back from"
            " corpus/.removed/ and ingested",
            "security": [{"sessionToken": []}],
            "requestBody": request_body({"path": "string"}, required=("path",)),
            "responses": ok(
                {"type": "object"}, "path, document_id, linked_records (matched again)"
            ),
        }
    },
    "/api/records/unlink": {
        "post": {
            "summary": "Unlink a record from a document (`litsynth link RECORD DOC --unlink`)",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"record_id": "string", "document_id": "string"},
                required=("record_id", "document_id"),
            ),
            "responses": ok({"type": "object"}, "the record's full texts left"),
        }
    },
    "/api/documents/{document}/file": {
        "get": {
            "summary": "A document's own file: a PDF to view (link #page=N for a page), any"
            " other kind as a download; 404 when the file is no longer there",
            "parameters": [
                {
                    "name": "document",
                    "in": "path",
                    "required": True,
                    "description": "the document's id (the hash of its file: 0-9, a-z)",
                    "schema": {"type": "string", "pattern": "^[0-9a-z]+$"},
                }
            ],
            "responses": download("the file", "application/pdf", "application/octet-stream"),
        }
    },
    "/api/documents/{document}/annotated": {
        "get": {
            "summary": "A document's PDF with its codings drawn on it as highlights (`litsynth"
            " export annotated-pdfs --document ID`), a download; 404 when it has none",
            "parameters": [
                {
                    "name": "document",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9a-z]+$"},
                },
                SOURCE,
            ],
            "responses": download("the annotated copy", "application/pdf"),
        }
    },
    "/api/ingest": {
        "get": {
            "summary": "How far the reading of corpus/ started from the page is (files stored of"
            " files to store), and the last one's summary",
            "responses": ok(
                {"type": "object"},
                "running, done, total, note (how far a long file is: 'book.pdf: page 240 of"
                " 603 read'), runs, last, error, hint; read_by_older (PDFs an older"
                " litsynth read: `reread=1` reads them again) and old_versions (kept for their"
                " codings)",
            ),
        },
        "post": {
            "summary": "Read the new and changed files in corpus/ (`litsynth ingest --carry`: a"
            " changed file's codings follow their words), in the background; a second start"
            " joins the run under way",
            "security": [{"sessionToken": []}],
            "parameters": [
                {
                    "name": "reread",
                    "in": "query",
                    "description": "1 reads every stored file again with today's readers"
                    " (`litsynth ingest --reread`), its codings following their words",
                    "schema": {"type": "string", "enum": ["0", "1"]},
                }
            ],
            "responses": ok({"type": "object"}, "the status, as GET answers it"),
        },
    },
    "/api/annotations": {
        "get": {
            "summary": "The marks made in a document's PDF (highlights, notes) that the project"
            " does not hold yet, and what they would become (`litsynth code import-annotations"
            " --dry-run --json`); pdf is false for a document with no PDF file to read",
            "parameters": [
                {
                    "name": "document",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "pattern": "\\S"},
                },
            ],
            "responses": ok({"type": "object"}, "marks, codings, memos, already, codes, uncoded"),
        }
    },
    "/api/annotations/import": {
        "post": {
            "summary": "Bring the marks made in a document's PDF in as codings and memos, each"
            " its author's (`litsynth code import-annotations`); colours codes a colour's marks",
            "security": [{"sessionToken": []}],
            "requestBody": request_body(
                {"document": "string", "colours": COLOUR_CODES}, required=("document",)
            ),
            "responses": ok({"type": "object"}, "what was written, as /api/annotations says"),
        }
    },
}
