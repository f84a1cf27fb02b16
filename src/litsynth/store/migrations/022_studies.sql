-- Reports grouped into studies (biblio/studies.py): PRISMA 2020 counts the studies included
-- and the reports of them apart, and a study reported in two papers is one study. A log like
-- the others: a row says which study a record reports from then on, the latest row per
-- record counts; `study` is the record id of the study's main report, '' for a study of its
-- own (a grouping undone).
CREATE TABLE IF NOT EXISTS study_links (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL REFERENCES records(id),
    study     TEXT NOT NULL,
    reviewer  TEXT NOT NULL,
    at        TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS study_links_record ON study_links (record_id);
