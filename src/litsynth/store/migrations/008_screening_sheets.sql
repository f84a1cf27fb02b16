-- Screening sheets already imported, by a digest of their bytes, stage and reviewer: re-running
-- `screen import` on the same sheet (after a kill -9, or twice at once) appends nothing. The
-- row is written in the same transaction as the sheet's decisions, so both or neither exist.
CREATE TABLE screening_sheets (
    digest       TEXT PRIMARY KEY,
    stage        TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    path         TEXT NOT NULL,
    imported_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    n_decisions  INTEGER NOT NULL
);
