-- Bibliographic records: import batches, records, rejected entries, dedupe pairs and their
-- human resolutions, and links from records to ingested documents (full texts).
-- Nothing is deleted by dedupe: a duplicate keeps its row and points at its group's root.

CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,           -- content_id(source, file_hash)
    source      TEXT NOT NULL,              -- "Scopus", "Web of Science", "citation searching", ...
    file_name   TEXT NOT NULL,
    file_hash   TEXT NOT NULL,              -- sha256 of the file's bytes [:16]
    format      TEXT NOT NULL DEFAULT '',   -- bibtex | ris | csv | wos | medline | references
    encoding    TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,              -- ISO 8601 UTC
    n_records   INTEGER NOT NULL,
    n_rejected  INTEGER NOT NULL,
    report      TEXT NOT NULL DEFAULT '{}', -- JSON: renamed ids, warnings, reader versions
    UNIQUE (source, file_hash)              -- the same file from the same source imports once
);

CREATE TABLE records (
    id           TEXT PRIMARY KEY,          -- the export's own id (BibTeX key, RIS ID, CSV record_id) or content_id
    batch_id     TEXT NOT NULL REFERENCES import_batches(id),
    source       TEXT NOT NULL,
    position     INTEGER NOT NULL,          -- 0-based order within its batch: "earliest imported"
    title        TEXT NOT NULL DEFAULT '',
    abstract     TEXT NOT NULL DEFAULT '',
    authors      TEXT NOT NULL DEFAULT '[]', -- JSON list of "Family, Given"
    year         INTEGER,
    doi          TEXT NOT NULL DEFAULT '',   -- normalised: lowercase, no resolver prefix
    journal      TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    doc_type     TEXT NOT NULL DEFAULT '',
    keywords     TEXT NOT NULL DEFAULT '[]', -- JSON list
    file         TEXT NOT NULL DEFAULT '',   -- Zotero-style attached file field
    extra        TEXT NOT NULL DEFAULT '{}', -- JSON {field: value}: everything else the export had
    duplicate_of TEXT REFERENCES records(id), -- NULL for a root / unique record
    dedupe_note  TEXT NOT NULL DEFAULT ''    -- how the duplicate link was made (bib-dedupe, column, person)
);
CREATE INDEX records_batch ON records(batch_id, position);
CREATE INDEX records_doi ON records(doi);
CREATE INDEX records_duplicate_of ON records(duplicate_of);

-- Entries an import skipped, with where and why, so nothing is lost silently.
CREATE TABLE rejected_entries (
    batch_id  TEXT NOT NULL REFERENCES import_batches(id),
    file_name TEXT NOT NULL,
    line      INTEGER NOT NULL,             -- 1-based line where the entry starts (0 = whole file)
    reason    TEXT NOT NULL,
    excerpt   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rejected_batch ON rejected_entries(batch_id);

-- The pairs the matcher found in the latest dedupe run: "duplicate" or "maybe" (uncertain).
-- Kept so a person's verdict can be applied at once, without re-running the matcher.
CREATE TABLE dedupe_pairs (
    record_a TEXT NOT NULL REFERENCES records(id),   -- matcher: a < b; column: the marked row
    record_b TEXT NOT NULL REFERENCES records(id),   -- column: the row the mark names
    label    TEXT NOT NULL,                           -- duplicate | maybe
    method   TEXT NOT NULL,                           -- "bib-dedupe 0.11.0" | "column duplicate_record_id"
    found_at TEXT NOT NULL,
    PRIMARY KEY (record_a, record_b)
);

-- A person's verdict on a pair; append-only, the latest per pair wins and every run obeys it.
CREATE TABLE dedupe_resolutions (
    id       INTEGER PRIMARY KEY,
    record_a TEXT NOT NULL REFERENCES records(id),   -- record_a < record_b
    record_b TEXT NOT NULL REFERENCES records(id),
    same     INTEGER NOT NULL,              -- 1 = same work, 0 = different works
    reviewer TEXT NOT NULL,
    at       TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dedupe_resolutions_pair ON dedupe_resolutions(record_a, record_b, id);

-- Which ingested document is the full text of which record, and how that was decided.
CREATE TABLE record_documents (
    record_id   TEXT NOT NULL REFERENCES records(id),
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    method      TEXT NOT NULL,              -- doi | title | file | manual
    score       REAL NOT NULL,              -- 1.0 for exact DOI / file matches; title similarity otherwise
    linked_at   TEXT NOT NULL,
    PRIMARY KEY (record_id, document_id)
);
CREATE INDEX record_documents_document ON record_documents(document_id);
