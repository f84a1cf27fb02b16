-- A pilot round of screening (biblio/screening_pilot.py): the records every reviewer screens
-- first at a stage, drawn at random, so the team can compare its decisions before going on.
CREATE TABLE IF NOT EXISTS pilot_records (
    stage TEXT NOT NULL,
    record_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (stage, record_id)
);
