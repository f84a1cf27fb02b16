-- The searches behind the imports, as PRISMA 2020 items 6 and 7 ask a review to report them:
-- each source, the date it was searched and the query run there. A source searched again (an
-- update) gets a row per search; the Methods name the last date per source. Kept apart from
-- import_batches: one search is often exported in several files (Scopus exports 2,000 at a time),
-- and a search may be told after its files were imported.
CREATE TABLE searches (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,              -- as the imports name it: "Scopus"
    searched_on TEXT NOT NULL,              -- ISO 8601 date: 2026-11-01
    query       TEXT NOT NULL DEFAULT '',   -- the search string as run, with its field codes
    recorded_at TEXT NOT NULL,              -- ISO 8601 UTC
    UNIQUE (source, searched_on, query)     -- telling the same search twice records it once
);
