-- An updated review's previous version (biblio/previous.py): the reports of the studies it
-- included, which PRISMA 2020's flow for updated reviews counts apart from the new searches.
-- One list at a time: telling it again replaces it.
CREATE TABLE IF NOT EXISTS previous_reports (
    id        TEXT NOT NULL,              -- the report's id in its file
    study     TEXT NOT NULL,              -- the study it reports; reports of a study share it
    title     TEXT NOT NULL DEFAULT '',
    authors   TEXT NOT NULL DEFAULT '[]', -- JSON list of "Family, Given"
    year      INTEGER,
    doi       TEXT NOT NULL DEFAULT '',
    journal   TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',   -- the file the list came from
    added_at  TEXT NOT NULL
);
