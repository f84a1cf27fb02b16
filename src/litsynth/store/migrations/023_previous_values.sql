-- An updated review's previous version (biblio/previous_values.py): the values its data
-- extraction and critical appraisal recorded on the studies it included, carried into the
-- update so its tables cover every included study, and the update's corrections to them.
-- Carried rows (carried = 1) are replaced when the previous version's list is told again;
-- a correction (carried = 0) is a reviewer's work and stays. Per form, study and field the
-- latest correction stands, else the carried value.
CREATE TABLE IF NOT EXISTS previous_values (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    form      TEXT NOT NULL,              -- extraction | appraisal
    study     TEXT NOT NULL,              -- previous_reports.study
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,              -- "" clears the field
    reviewer  TEXT NOT NULL,
    at        TEXT NOT NULL,
    source    TEXT NOT NULL DEFAULT '',
    carried   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS previous_values_study ON previous_values (form, study, field, id);
-- What a reference list of the included studies needs beside the journal, so an update's
-- list (`litsynth export references`) cites the previous version's studies in full.
ALTER TABLE previous_reports ADD COLUMN volume TEXT NOT NULL DEFAULT '';
ALTER TABLE previous_reports ADD COLUMN issue TEXT NOT NULL DEFAULT '';
ALTER TABLE previous_reports ADD COLUMN pages TEXT NOT NULL DEFAULT '';
ALTER TABLE previous_reports ADD COLUMN doc_type TEXT NOT NULL DEFAULT '';
