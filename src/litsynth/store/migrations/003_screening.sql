-- Screening: the append-only decision log and the review's list of exclusion reasons.
-- Nothing here is ever updated or deleted: a changed mind is a new row, and the latest row per
-- (record, stage, reviewer) is that reviewer's decision; a resolution row wins over all of them.

CREATE TABLE exclusion_reasons (
    reason     TEXT PRIMARY KEY,            -- as written; matched case-insensitively
    origin     TEXT NOT NULL,               -- 'settings' (litsynth.toml) | 'sheet' | 'terminal' | ...
    added_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    added_from TEXT NOT NULL DEFAULT ''     -- e.g. the sheet file and line that introduced it
);

CREATE TABLE decisions (
    seq        INTEGER PRIMARY KEY,         -- order of the log; later seq wins
    record_id  TEXT NOT NULL REFERENCES records(id),
    stage      TEXT NOT NULL CHECK (stage IN ('title-abstract', 'full-text')),
    decision   TEXT NOT NULL CHECK (decision IN ('include', 'exclude', 'maybe', 'not-retrieved')),
    reviewer   TEXT NOT NULL,
    at         TEXT NOT NULL,               -- ISO 8601 UTC
    reason     TEXT NOT NULL DEFAULT '',    -- one of exclusion_reasons for exclusions
    note       TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL CHECK (origin IN ('sheet', 'terminal', 'automation', 'resolution')),
    source     TEXT NOT NULL DEFAULT ''     -- provenance: sheet path:line, rule name, ...
);
CREATE INDEX decisions_key ON decisions(record_id, stage, reviewer, seq);

CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the screening log is append-only: record a new decision instead'); END;

CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the screening log is append-only: record a new decision instead'); END;

-- Each reviewer's current decision per record and stage (automation and resolutions included,
-- under their own reviewer names).
CREATE VIEW latest_decisions AS
SELECT d.* FROM decisions d
WHERE d.seq = (SELECT MAX(d2.seq) FROM decisions d2
               WHERE d2.record_id = d.record_id AND d2.stage = d.stage
                 AND d2.reviewer = d.reviewer);
