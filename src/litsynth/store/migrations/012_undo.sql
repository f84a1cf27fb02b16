-- Undo in the workspace (issue 12): a reviewer withdraws a decision by appending 'undecided',
-- so the log stays append-only and keeps both the decision and its withdrawal. SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt with the same rows and seqs.
DROP VIEW latest_decisions;
DROP TRIGGER decisions_append_only_update;
DROP TRIGGER decisions_append_only_delete;

CREATE TABLE decisions_v2 (
    seq        INTEGER PRIMARY KEY,
    record_id  TEXT NOT NULL REFERENCES records(id),
    stage      TEXT NOT NULL CHECK (stage IN ('title-abstract', 'full-text')),
    decision   TEXT NOT NULL
               CHECK (decision IN ('include', 'exclude', 'maybe', 'not-retrieved', 'undecided')),
    reviewer   TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL CHECK (origin IN ('sheet', 'terminal', 'automation', 'resolution')),
    source     TEXT NOT NULL DEFAULT ''
);
INSERT INTO decisions_v2 (seq, record_id, stage, decision, reviewer, at, reason, note, origin,
                          source)
SELECT seq, record_id, stage, decision, reviewer, at, reason, note, origin, source FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v2 RENAME TO decisions;
CREATE INDEX decisions_key ON decisions(record_id, stage, reviewer, seq);

CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the screening log is append-only: record a new decision instead'); END;

CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the screening log is append-only: record a new decision instead'); END;

-- Each reviewer's current decision per record and stage; 'undecided' means withdrawn.
CREATE VIEW latest_decisions AS
SELECT d.* FROM decisions d
WHERE d.seq = (SELECT MAX(d2.seq) FROM decisions d2
               WHERE d2.record_id = d.record_id AND d2.stage = d.stage
                 AND d2.reviewer = d.reviewer);
