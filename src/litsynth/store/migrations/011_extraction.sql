-- Data extraction (issue 14): what a reviewer recorded about each included study, one row per
-- value written. Append-only like the screening log: the latest row per (record, field) is the
-- value, so a correction never erases who wrote what before.
CREATE TABLE extraction_values (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL REFERENCES records(id),
    field     TEXT NOT NULL,              -- the form's field id
    value     TEXT NOT NULL,              -- as validated; "" clears the field
    reviewer  TEXT NOT NULL,
    at        TEXT NOT NULL,              -- ISO 8601 UTC
    source    TEXT NOT NULL DEFAULT ''    -- "sheet.csv:line", or "workspace"
);
CREATE INDEX extraction_values_record ON extraction_values(record_id, field, id);
