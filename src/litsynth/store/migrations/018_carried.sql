-- Human work carried from one reading of a document to the next (ingest --carry / --reread):
-- a coding or memo moved from a passage of the old text to the passage where its words are in
-- the new text. The codings log keeps each decision's coder, time and status; this says where
-- it pointed before, so the move can be audited (and, by hand, undone).
CREATE TABLE carried (
    seq           INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('coding', 'memo')),
    item_id       TEXT NOT NULL,             -- codings.id or memos.id
    from_document TEXT NOT NULL,
    from_target   TEXT NOT NULL,             -- the chunk it pointed at (a memo: or the document)
    from_start    INTEGER,                   -- a coding's span in the old text
    from_end      INTEGER,
    to_document   TEXT NOT NULL,
    to_target     TEXT NOT NULL,
    to_start      INTEGER,
    to_end        INTEGER,
    similarity    REAL NOT NULL,             -- 1.0: the same words; less: placed by its ends
    at            TEXT NOT NULL              -- ISO 8601 UTC
);
CREATE INDEX carried_item ON carried(item_id);
