-- Core tables: documents, their pages, chunks, ingest failures, and runs.
-- Documents are keyed by the hash of their bytes; chunks by document + offsets.

CREATE TABLE documents (
    id          TEXT PRIMARY KEY,           -- sha256(bytes)[:16]
    path        TEXT NOT NULL,              -- relative to the project root where possible
    kind        TEXT NOT NULL,              -- pdf | text | markdown | html
    text        TEXT NOT NULL,              -- canonical text; chunk offsets index into it
    title       TEXT NOT NULL DEFAULT '',
    authors     TEXT NOT NULL DEFAULT '[]', -- JSON list of "Family, Given"
    year        INTEGER,
    venue       TEXT NOT NULL DEFAULT '',
    doi         TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '{}', -- JSON: source_type, industry, ... for matrices
    n_pages     INTEGER NOT NULL DEFAULT 0,
    chunker     TEXT NOT NULL DEFAULT '',   -- versioned name of the chunker that made its chunks
    ingested_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX documents_path ON documents(path);

CREATE TABLE pages (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, number)
);

CREATE TABLE chunks (
    -- The FAISS id of the chunk's vector. AUTOINCREMENT: an id is never reused, so a vector
    -- left in the index by a crash can never be mistaken for a newer chunk with the same id.
    rowid       INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,       -- content_id(document_id, start, end)
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    page_start  INTEGER NOT NULL,
    page_end    INTEGER NOT NULL,
    n_tokens    INTEGER NOT NULL,
    section     TEXT NOT NULL DEFAULT '',
    paragraph   INTEGER
);
CREATE INDEX chunks_document ON chunks(document_id, ordinal);

-- Latest outcome per file path: a file that later ingests cleanly loses its failure row.
-- size/mtime_ns let a re-run skip a known-bad, unchanged file without reading it again.
CREATE TABLE ingest_failures (
    path        TEXT PRIMARY KEY,
    file_hash   TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT -1,
    mtime_ns    INTEGER NOT NULL DEFAULT -1,
    reason      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL DEFAULT (datetime('now'))
);

-- Which file path holds which document now (a document can move; a path can change content).
-- size/mtime_ns are the cheap "unchanged" test; the bytes are hashed only when they differ.
CREATE TABLE files (
    path        TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL
);
CREATE INDEX files_document ON files(document_id);

-- Every run of a stage records its settings and library versions (provenance).
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    stage       TEXT NOT NULL,
    started_at  TEXT NOT NULL DEFAULT (datetime('now')),
    finished_at TEXT,
    settings    TEXT NOT NULL DEFAULT '{}', -- JSON
    versions    TEXT NOT NULL DEFAULT '{}', -- JSON {package: version}
    summary     TEXT NOT NULL DEFAULT '{}'  -- JSON
);
