-- The framework matrix (synthesis/framework.py): a reviewer's summary of what one source (or
-- study) says on one theme, written beside the cell's passages. A log: every change is a row,
-- the latest per cell stands ("" clears it), so nobody's wording is ever overwritten. `basis`
-- is the cell's passages when the summary was written (JSON list of "document:words-hash"),
-- so a cell coded further since says its summary is out of date, and which passages are new.
CREATE TABLE IF NOT EXISTS cell_summaries (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,        -- content hash of the fields below
    rows     TEXT NOT NULL,               -- the matrix's rows: documents | attr:study | …
    row_key  TEXT NOT NULL,               -- a document id, or the attribute's value
    cols     TEXT NOT NULL,               -- themes | categories | codes
    col_key  TEXT NOT NULL,
    text     TEXT NOT NULL,
    author   TEXT NOT NULL,
    at       TEXT NOT NULL,               -- ISO 8601 UTC
    basis    TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS cell_summaries_cell ON cell_summaries (rows, cols, row_key, col_key, seq);
