"""The workspace's downloads in its OpenAPI description: each a command line export
(`export quotes`, `export records`, `export references`) answered as an attachment, the
report with the manuscript draft (`litsynth report`) drawn from the page, and the pairs
`dedupe` was unsure of as a sheet, out and back (`dedupe export-sheet`, `import-sheet`)."""

from __future__ import annotations

from typing import Any

from litsynth.biblio.export import FORMATS as RECORD_FORMATS
from litsynth.biblio.export import STAGES as EXPORT_STAGES
from litsynth.biblio.styled import REFERENCE_FORMATS
from litsynth.server.openapi_parts import CSV, DOCX, FILE, SHEET, SOURCE, download, ok
from litsynth.server.openapi_screening import FINDER_PARAMETERS

_STAGE = {"name": "stage", "in": "query", "schema": {"type": "string", "enum": list(EXPORT_STAGES)}}


def _format(*formats: str) -> dict[str, Any]:
    return {"name": "format", "in": "query", "schema": {"type": "string", "enum": list(formats)}}


def _with_csl_json(responses: dict[str, Any]) -> dict[str, Any]:
    """CSL-JSON is JSON (an array of items), described as such rather than as bytes."""
    items = {"type": "array", "items": {"type": "object", "required": ["id", "type"]}}
    responses["200"]["content"][CSL_JSON] = {"schema": items}
    return responses


CSL_JSON = "application/vnd.citationstyles.csl+json"
EXPORT_PATHS: dict[str, Any] = {
    "/api/export/quotes": {
        "get": {
            "summary": "Every coded passage as a quote under its code (`export quotes`)",
            "parameters": [_format("md", "docx", "csv"), SOURCE],
            "responses": download("the file", "text/markdown", DOCX, CSV),
        }
    },
    "/api/export/records": {
        "get": {
            "summary": "The records of a stage for a reference manager (`export records`)",
            "parameters": [_STAGE, _format(*RECORD_FORMATS)],
            "responses": _with_csl_json(
                download(
                    "the file",
                    "application/x-research-info-systems",
                    "application/x-bibtex",
                    CSV,
                    SHEET,
                )
            ),
        }
    },
    "/api/records/found": {
        "get": {
            "summary": "Every record /api/records/find answers (not a page), as a file",
            "parameters": [
                *FINDER_PARAMETERS,
                _format(*RECORD_FORMATS),
            ],
            "responses": _with_csl_json(
                download(
                    "the records with the review's decisions (`export records`' columns)",
                    "application/x-research-info-systems",
                    "application/x-bibtex",
                    CSV,
                    SHEET,
                )
            ),
        }
    },
    "/api/export/package": {
        "get": {
            "summary": "The review's data for deposit, PRISMA 2020 item 27 (`export package`):"
            " records, decisions, the flow, forms, extracted data, codebook, codings, a README"
            " and datapackage.json, as a zip",
            "parameters": [
                *(
                    {
                        "name": flag,
                        "in": "query",
                        "schema": {"type": "string", "enum": ["", "0", "1", "false", "true"]},
                    }
                    for flag in ("anonymise", "abstracts", "text")
                ),
                SOURCE,
            ],
            "responses": download("the zip", "application/zip"),
        }
    },
    "/api/export/references": {
        "get": {
            "summary": "The records of a stage as a formatted reference list"
            " (`export references`): the project's citation style unless `style` names one",
            "parameters": [
                _STAGE,
                _format(*dict.fromkeys(REFERENCE_FORMATS.values())),
                {"name": "style", "in": "query", "schema": {"type": "string", "example": "apa"}},
            ],
            "responses": download("the file", DOCX, "text/markdown", "text/html", "text/plain"),
        }
    },
    "/api/report": {
        "get": {
            "summary": "How far the drawing of the report and the manuscript draft started from"
            " the page is, and what is drawn (served under /report/)",
            "responses": ok(
                {"type": "object"},
                "running, step (the one under way), runs, seconds (the last one's), error,"
                " hint; drawn (when report/index.html was written) and files (what there is"
                " to open: the report, manuscript.docx, prisma.png); citation_style, the"
                " project's (`[synthesis] citation_style`)",
            ),
        },
        "post": {
            "summary": "Draw the report and the manuscript draft from the store as it is"
            " (`litsynth report`), in the background; a second start joins the one under way",
            "security": [{"sessionToken": []}],
            "responses": ok({"type": "object"}, "the status, as GET answers it"),
        },
    },
    "/api/dedupe/sheet": {
        "get": {
            "summary": "The pairs still to settle as a sheet (`dedupe export-sheet`)",
            "parameters": [_format("xlsx", "csv")],
            "responses": download("the pairs, most alike first, `same` to fill in", SHEET, CSV),
        }
    },
    "/api/dedupe/import-sheet": {
        "post": {
            "summary": "Record the verdicts of a filled-in pairs sheet sent as the body"
            " (`dedupe import-sheet`)",
            "security": [{"sessionToken": []}],
            "parameters": [
                {"name": "name", "in": "query", "schema": {"type": "string"}},
                {"name": "reviewer", "in": "query", "schema": {"type": "string"}},
            ],
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": FILE}},
            },
            "responses": ok({"type": "object"}, "as `dedupe import-sheet --json`, and its lines"),
        }
    },
}
